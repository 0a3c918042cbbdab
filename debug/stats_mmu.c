/* --stats sections of [mmu]: the software TLB (hit rate per access type,
 * flushes), the MMU (walks, references per walk, shadow tables, write
 * tracking) and guest RAM (host pages allocated against its size). */
#include "debug/stats.h"
#include "mmu/mmu.h"
#include "softtlb/softtlb.h"

void stats_section_softtlb(struct stats_out *o, const struct machine *m)
{
    static const char *const names[SOFTTLB_ACCESS_TYPES] = { "read", "write", "fetch" };
    /* Every CPU's TLB together (-smp). */
    struct softtlb_stats sum = { 0 }, *t = &sum;
    for (unsigned k = 0; k < m->ncpus; k++) {
        const struct softtlb_stats *c = &m->cpus[k].tlb.stats;
        for (unsigned a = 0; a < SOFTTLB_ACCESS_TYPES; a++) {
            sum.hit[a] += c->hit[a];
            sum.miss[a] += c->miss[a];
        }
        sum.flush_all += c->flush_all;
        sum.flush_nonglobal += c->flush_nonglobal;
        sum.flush_page += c->flush_page;
        sum.flush_phys += c->flush_phys;
        sum.flush_sup_write += c->flush_sup_write;
    }
    stats_group_begin(o, "softtlb");
    stats_u64(o, "entries", SOFTTLB_SIZE);
    for (unsigned a = 0; a < SOFTTLB_ACCESS_TYPES; a++) {
        uint64_t total = t->hit[a] + t->miss[a];
        stats_group_begin(o, names[a]);
        stats_u64(o, "accesses", total);
        stats_u64(o, "slow_path", t->miss[a]);
        stats_double(o, "hit_rate_percent", total ? 100.0 * (double)t->hit[a] / (double)total : 0.0);
        stats_group_end(o);
    }
    stats_u64(o, "flush_all", t->flush_all);
    stats_u64(o, "flush_nonglobal", t->flush_nonglobal);
    stats_u64(o, "flush_page", t->flush_page);
    stats_u64(o, "flush_physical", t->flush_phys);
    stats_u64(o, "revoke_supervisor_writes", t->flush_sup_write);
    stats_group_end(o);
}

void stats_section_mmu(struct stats_out *o, const struct machine *m)
{
    const struct mmu_stats *s = &m->mmu.stats;
    stats_group_begin(o, "mmu");
    stats_str(o, "mode", mmu_mode_name(m->mmu.mode));
    stats_u64(o, "walks", s->walks);
    stats_u64(o, "faulting_walks", s->faults);
    stats_u64(o, "walk_refs", s->walk_refs);
    stats_double(o, "refs_per_walk_mean", s->walks ? (double)s->walk_refs / (double)s->walks : 0.0);
    stats_u64(o, "refs_per_walk_max", s->walk_refs_max);
    stats_u64(o, "pdpte_loads", s->pdpte_loads);
    if (m->mmu.mode == MMU_MODE_SHADOW) {
        stats_group_begin(o, "shadow");
        stats_u64(o, "tables_built", s->shadow_built);
        stats_u64(o, "tables_reused", s->shadow_reused);
        stats_u64(o, "tables_dropped", s->shadow_dropped);
        stats_u64(o, "hits", s->shadow_hits);
        stats_u64(o, "misses", s->shadow_misses);
        stats_u64(o, "write_traps", s->track_traps);
        stats_u64(o, "stale_traps", s->stale_traps);
        stats_u64(o, "resyncs", s->resyncs);
        stats_group_end(o);
    }
    stats_group_begin(o, "guest_ram");
    stats_u64(o, "size_kib", (uint64_t)m->mem.ram_size >> 10);
    stats_u64(o, "host_pages_allocated", m->mem.stats.pages_allocated);
    stats_u64(o, "host_kib_allocated", m->mem.stats.pages_allocated * 4);
    stats_group_end(o);
    stats_group_end(o);
}
