/* The process's host page pool as the frontends see it: made and freed
 * around the machines, and its counters printed over time
 * (--stats-interval). docs/overcommit.md. */
#include <stdlib.h>

#include "machine/frontend_api.h"
#include "machine/machine.h"

struct hostpool *machine_hostpool_create(uint32_t limit_mib, const char *swap_path, char *err,
                                         size_t errsz)
{
    struct hostpool *p = malloc(sizeof *p);
    if (!p || hostpool_init(p) != 0) {
        free(p);
        snprintf(err, errsz, "out of memory for the host page pool");
        return NULL;
    }
    hostpool_set_limit(p, (uint64_t)limit_mib << (20 - PHYSMEM_PAGE_SHIFT));
    if (swap_path && hostpool_set_swap(p, swap_path, err, errsz) != 0) {
        hostpool_free(p);
        free(p);
        return NULL;
    }
    return p;
}

void machine_hostpool_destroy(struct hostpool *p)
{
    if (!p)
        return;
    hostpool_free(p);
    free(p);
}

void machine_hostpool_print_line(const struct hostpool *p, const struct machine *m, FILE *out)
{
    const struct hostpool_stats *s = &p->stats;
    fprintf(out,
            "memstats t_ms=%llu insns=%llu resident=%llu limit=%llu shared_frames=%llu "
            "shared_refs=%llu zero=%llu ballooned=%llu swapped=%llu swap_outs=%llu "
            "swap_ins=%llu merges=%llu zero_merges=%llu cow_breaks=%llu scanned=%llu\n",
            (unsigned long long)(machine_time_ns(m) / 1000000u),
            (unsigned long long)machine_insns(m), (unsigned long long)s->resident,
            (unsigned long long)p->limit, (unsigned long long)s->shared_frames,
            (unsigned long long)s->shared_refs, (unsigned long long)physmem_pool_zero_pages(p),
            (unsigned long long)s->ballooned, (unsigned long long)s->swapped,
            (unsigned long long)s->swap_outs, (unsigned long long)s->swap_ins,
            (unsigned long long)s->merges, (unsigned long long)s->zero_merges,
            (unsigned long long)s->cow_breaks, (unsigned long long)s->scanned);
}

uint64_t machine_zero_pages(const struct machine *m)
{
    return physmem_zero_pages(&m->mem);
}
