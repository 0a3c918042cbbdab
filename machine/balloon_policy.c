/* The process's balloon policy (balloon_policy.h). */
#include <string.h>

#include "machine/balloon_policy.h"
#include "machine/machine.h"

void balloon_policy_init(struct balloon_policy *p, uint64_t high_mib)
{
    memset(p, 0, sizeof *p);
    p->high_pages = high_mib << 8;
    p->low_pages = p->high_pages / 8 * 7;
}

/* Guest i's balloon if the policy may steer it now. */
static struct virtio_balloon *steerable(struct balloon_policy *p, struct machine *m, unsigned i)
{
    struct virtio_balloon *b = &m->balloon.dev;
    if (!m->balloon.present || !virtio_pci_live(&b->vp))
        return NULL;
    if (b->actual != b->target) {
        /* Still at it; past our patience, settle for what it has. */
        if (++p->waiting[i] > BALLOON_POLICY_PATIENCE && b->actual < b->target) {
            virtio_balloon_set_target(b, b->actual);
            p->give_ups++;
            p->waiting[i] = 0;
        }
        return NULL;
    }
    p->waiting[i] = 0;
    return b;
}

void balloon_policy_tick(struct balloon_policy *p, struct machine *const *vm, const int *running,
                         unsigned n)
{
    /* The pool the guests share, or (each with its own) the sum of their
     * private pages. */
    uint64_t used = 0;
    const struct hostpool *pool = n ? vm[0]->mem.pool : NULL;
    for (unsigned i = 0; i < n && pool; i++)
        if (vm[i]->mem.pool != pool)
            pool = NULL;
    if (pool)
        used = pool->stats.resident;
    else
        for (unsigned i = 0; i < n; i++)
            used += physmem_pages_resident(&vm[i]->mem);
    if (used > p->peak_pages)
        p->peak_pages = used;
    if (!p->high_pages)
        return;
    if (n > BALLOON_POLICY_GUESTS)
        n = BALLOON_POLICY_GUESTS;
    struct virtio_balloon *ready[BALLOON_POLICY_GUESTS];
    for (unsigned i = 0; i < n; i++)
        ready[i] = running[i] ? steerable(p, vm[i], i) : NULL;
    if (used > p->high_pages) {
        int best = -1;
        uint64_t best_free = 0;
        for (unsigned i = 0; i < n; i++) {
            struct virtio_balloon *b = ready[i];
            if (!b || !b->stats_valid || b->stats_reports <= p->reports_at_step[i])
                continue;
            uint64_t free_pages = b->stats[VIRTIO_BALLOON_S_MEMFREE] >> 12;
            if (free_pages > best_free) {
                best = (int)i;
                best_free = free_pages;
            }
        }
        if (best < 0 || best_free <= BALLOON_POLICY_RESERVE_PAGES)
            return;
        uint64_t step = (best_free - BALLOON_POLICY_RESERVE_PAGES) / 2;
        if (step > BALLOON_POLICY_STEP_PAGES)
            step = BALLOON_POLICY_STEP_PAGES;
        struct virtio_balloon *b = ready[best];
        if (step) {
            virtio_balloon_set_target(b, b->target + (uint32_t)step);
            p->reports_at_step[best] = b->stats_reports;
            p->inflations++;
        }
    } else if (used < p->low_pages) {
        int big = -1;
        for (unsigned i = 0; i < n; i++)
            if (ready[i] && ready[i]->target && (big < 0 || ready[i]->target > ready[big]->target))
                big = (int)i;
        if (big >= 0) {
            struct virtio_balloon *b = ready[big];
            uint32_t step = b->target < BALLOON_POLICY_STEP_PAGES ? b->target
                                                                  : BALLOON_POLICY_STEP_PAGES;
            virtio_balloon_set_target(b, b->target - step);
            p->reports_at_step[big] = b->stats_reports;
            p->deflations++;
        }
    }
}
