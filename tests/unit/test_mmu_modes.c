/* Nested and shadow translation side by side: two guests with identical
 * memory, one MMU in each mode, the same random sequence of page-table
 * stores (through physmem, so shadow mode's write tracking sees them),
 * CR3 switches, INVLPGs and translations. Every translation must give the
 * same result (address, rights, fault and error code) and guest memory,
 * accessed and dirty bits included, must stay identical. Covers 2-level
 * paging with PSE and PAE with NX.
 *
 * The same sequences run again with an event observer on both MMUs
 * (mmu/event.h): the events must account for every counted reference, write
 * trap and resync, and observing must change no result and no counter. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"

#define RAM (8u << 20)
#define TABLES 0x10000u         /* page directories and tables live here */
#define TABLES_END 0x40000u
#define STEPS 40000

struct side {
    struct physmem pm;
    struct mmu mmu;
};

static uint32_t rng_state;

/* What an observer saw: per kind, and the references of the current
 * translation. */
struct seen {
    uint64_t kind[MMU_EV_COUNT];
    uint64_t write_resyncs;
    unsigned refs_now, results_now;
};

static void count_event(void *opaque, const struct mmu_event *ev)
{
    struct seen *sn = opaque;
    ck_assert_uint_lt(ev->kind, MMU_EV_COUNT);
    sn->kind[ev->kind]++;
    if (ev->kind == MMU_EV_WALK_REF) {
        ck_assert(ev->stage == 1 || ev->stage == 2);
        sn->refs_now++;
    }
    if (ev->kind == MMU_EV_WALK_DONE || ev->kind == MMU_EV_WALK_FAULT ||
        ev->kind == MMU_EV_SHADOW_HIT)
        sn->results_now++;
    if (ev->kind == MMU_EV_SHADOW_RESYNC && ev->entry == MMU_RESYNC_WRITE)
        sn->write_resyncs++;
}

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void init_side(struct side *s, enum mmu_mode mode)
{
    ck_assert_int_eq(physmem_init(&s->pm, RAM), 0);
    ck_assert_int_eq(mmu_init(&s->mmu, &s->pm, mode), 0);
}

static void free_side(struct side *s)
{
    mmu_free(&s->mmu);
    physmem_free(&s->pm);
}

static void both_write(struct side *a, struct side *b, uint32_t addr, uint32_t v)
{
    physmem_write(&a->pm, addr, 4, v);
    physmem_write(&b->pm, addr, 4, v);
}

static void assert_same_tables(struct side *a, struct side *b)
{
    for (uint32_t p = TABLES; p < TABLES_END; p += PHYSMEM_PAGE_SIZE)
        ck_assert_msg(memcmp(physmem_read_page(&a->pm, p), physmem_read_page(&b->pm, p),
                             PHYSMEM_PAGE_SIZE) == 0,
                      "page tables differ in page %x", p);
}

/* A random paging entry pointing at a table or a frame in RAM. */
static uint64_t random_entry(int pae, int nxe)
{
    uint64_t e;
    unsigned kind = rnd() % 8;
    if (kind < 3)   /* a table */
        e = TABLES + (rnd() % ((TABLES_END - TABLES) >> 12)) * 4096u;
    else
        e = (0x100000u + (rnd() % 1024u) * 4096u) & (kind == 3 ? 0xFFC00000u : 0xFFFFF000u);
    e |= rnd() & 0x1E7u;   /* P RW US PWT PCD A D PS G, randomly */
    if (rnd() % 4)
        e |= 1;            /* mostly present */
    if (pae && nxe && rnd() % 4 == 0)
        e |= 1ull << 63;
    if (rnd() % 64 == 0)
        e |= pae ? 1ull << 40 : 0x2000u;   /* a reserved bit */
    return e;
}

/* One translation with the observer's per-translation counts checked:
 * exactly one result, and as many reference events as w->refs counts
 * (none for a shadow hit). */
static int translate_seen(struct side *sd, struct seen *sn, const struct mmu_regs *r,
                          uint32_t lin, unsigned acc, struct mmu_walk *w)
{
    uint64_t walks = sd->mmu.stats.walks;
    sn->refs_now = sn->results_now = 0;
    int rc = mmu_translate(&sd->mmu, r, lin, acc, w);
    if (sd->mmu.observer.fn) {
        ck_assert_uint_eq(sn->results_now, 1);
        ck_assert_uint_eq(sn->refs_now, sd->mmu.stats.walks == walks ? 0 : w->refs);
    }
    return rc;
}

static void run_sequence(int pae, uint32_t seed, int observe, struct mmu_stats out[2])
{
    struct side n, s;
    struct seen seen_n = { 0 }, seen_s = { 0 };
    uint64_t pdpte_n[4], pdpte_s[4];
    rng_state = seed;
    init_side(&n, MMU_MODE_NESTED);
    init_side(&s, MMU_MODE_SHADOW);
    if (observe) {
        mmu_set_observer(&n.mmu, count_event, &seen_n);
        mmu_set_observer(&s.mmu, count_event, &seen_s);
    }
    uint32_t cr4 = pae ? MMU_CR4_PAE : MMU_CR4_PSE;
    uint64_t efer = pae ? MMU_EFER_NXE : 0;
    uint32_t cr3s[2] = { TABLES, TABLES + 0x1000u };
    if (pae) {
        /* Two PDPTs at the start of the first two table pages, each entry
         * pointing at a table page. */
        for (unsigned t = 0; t < 2; t++)
            for (unsigned i = 0; i < 4; i++) {
                uint32_t pd = TABLES + 0x2000u + (t * 4 + i) % 6 * 0x1000u;
                both_write(&n, &s, cr3s[t] + 8 * i, pd | 1);
                both_write(&n, &s, cr3s[t] + 8 * i + 4, 0);
            }
    }
    unsigned cur = 0;
    struct mmu_regs rn = { MMU_CR0_PG, cr3s[0], cr4, efer, pdpte_n };
    struct mmu_regs rs = { MMU_CR0_PG, cr3s[0], cr4, efer, pdpte_s };
    if (pae) {
        ck_assert_int_eq(mmu_load_cr3(&n.mmu, &rn), 0);
        ck_assert_int_eq(mmu_load_cr3(&s.mmu, &rs), 0);
        memcpy(pdpte_n, n.mmu.pdpte, sizeof pdpte_n);
        memcpy(pdpte_s, s.mmu.pdpte, sizeof pdpte_s);
    }
    /* Linear addresses are drawn from 16 pages in each of 4 regions, so
     * translations repeat and shadow entries get reused. */
    for (int step = 0; step < STEPS; step++) {
        unsigned op = rnd() % 16;
        if (op < 5) {
            /* A store into a table page, at an entry a walk may use. */
            uint32_t page = TABLES + (rnd() % ((TABLES_END - TABLES) >> 12)) * 4096u;
            uint32_t idx = rnd() % 8;
            if (pae && page < TABLES + 0x2000u)
                continue;   /* PDPTs change only with a CR3 load */
            uint32_t off = pae ? (idx * 8 + (rnd() % 2) * 0x800u)
                               : ((idx + (rnd() % 2) * 0x100u) * 4);
            uint64_t e = random_entry(pae, 1);
            both_write(&n, &s, page + off, (uint32_t)e);
            if (pae)
                both_write(&n, &s, page + off + 4, (uint32_t)(e >> 32));
        } else if (op == 5) {
            cur ^= 1;
            rn.cr3 = rs.cr3 = cr3s[cur];
            if (pae) {
                ck_assert_int_eq(mmu_load_cr3(&n.mmu, &rn), mmu_load_cr3(&s.mmu, &rs));
                memcpy(pdpte_n, n.mmu.pdpte, sizeof pdpte_n);
                memcpy(pdpte_s, s.mmu.pdpte, sizeof pdpte_s);
            }
        } else if (op == 6) {
            uint32_t lin = (rnd() % 4) << 30 | ((rnd() % 4) << 22) | (rnd() % 16) << 12;
            mmu_invlpg(&n.mmu, lin);
            mmu_invlpg(&s.mmu, lin);
        } else {
            uint32_t lin = (rnd() % 4) << 30 | ((rnd() % 4) << 22) | (rnd() % 16) << 12 |
                           (rnd() & 0xFFFu);
            unsigned acc = rnd() % 8;
            uint32_t cr0 = MMU_CR0_PG | ((rnd() % 2) ? MMU_CR0_WP : 0);
            rn.cr0 = rs.cr0 = cr0;
            struct mmu_walk wn, ws;
            int cn = translate_seen(&n, &seen_n, &rn, lin, acc, &wn);
            int cs = translate_seen(&s, &seen_s, &rs, lin, acc, &ws);
            ck_assert_msg(cn == cs, "step %d lin %x acc %u: nested %d shadow %d", step, lin, acc,
                          cn, cs);
            if (cn)
                ck_assert_uint_eq(wn.error, ws.error);
            else {
                ck_assert_uint_eq(wn.gpa, ws.gpa);
                ck_assert_uint_eq(wn.user_ok, ws.user_ok);
                ck_assert_uint_eq(wn.write_ok, ws.write_ok);
                ck_assert_uint_eq(wn.nx, ws.nx);
                /* `dirty` is what the mode knows of D, which decides only
                 * whether a later write may skip the walk: a shadow entry
                 * made by a read may not know that an aliasing walk has
                 * set D since. A write must see it set in both. */
                if (acc & MMU_ACC_WRITE)
                    ck_assert(wn.dirty && ws.dirty);
                ck_assert_uint_eq(wn.global, ws.global);
            }
        }
        if (step % 256 == 0)
            assert_same_tables(&n, &s);
    }
    assert_same_tables(&n, &s);
    /* The sequence exercised what it is meant to. */
    ck_assert_uint_gt(s.mmu.stats.shadow_hits, 100);
    ck_assert_uint_gt(s.mmu.stats.resyncs, 100);
    ck_assert_uint_gt(n.mmu.stats.faults, 100);
    ck_assert_uint_gt(n.mmu.stats.walks - n.mmu.stats.faults, 300);
    if (observe) {
        const struct mmu_stats *ss = &s.mmu.stats, *ns = &n.mmu.stats;
        ck_assert_uint_eq(seen_n.kind[MMU_EV_WALK_REF], ns->walk_refs);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_WALK_REF], ss->walk_refs);
        ck_assert_uint_eq(seen_n.kind[MMU_EV_WALK_FAULT], ns->faults);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_WALK_DONE] + seen_s.kind[MMU_EV_WALK_FAULT],
                          ss->walks);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_SHADOW_HIT], ss->shadow_hits);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_SHADOW_BUILD], ss->shadow_built);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_SHADOW_REUSE], ss->shadow_reused);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_SHADOW_WRTRAP], ss->track_traps);
        ck_assert_uint_eq(seen_s.write_resyncs, ss->resyncs);
        ck_assert_uint_eq(seen_s.kind[MMU_EV_SHADOW_UNTRACK], ss->stale_traps);
        ck_assert_uint_gt(seen_s.kind[MMU_EV_SHADOW_FILL], 100);
        ck_assert_uint_gt(seen_n.kind[MMU_EV_AD_UPDATE], 100);
        /* Nested mode has no shadow tables to tell of. */
        for (unsigned k = MMU_EV_SHADOW_HIT; k < MMU_EV_COUNT; k++)
            if (k != MMU_EV_WALK_REF)
                ck_assert_uint_eq(seen_n.kind[k], 0);
    }
    out[0] = n.mmu.stats;
    out[1] = s.mmu.stats;
    free_side(&n);
    free_side(&s);
}

/* Run the sequence unobserved and observed: the counters must not differ. */
static void run_both(int pae, uint32_t seed)
{
    struct mmu_stats plain[2], seen[2];
    run_sequence(pae, seed, 0, plain);
    run_sequence(pae, seed, 1, seen);
    ck_assert(memcmp(plain, seen, sizeof plain) == 0);
}

START_TEST(two_level_modes_agree)
{
    run_both(0, 0x12345678u + (uint32_t)_i);
}
END_TEST

START_TEST(pae_modes_agree)
{
    run_both(1, 0x9E3779B9u + (uint32_t)_i);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("mmu_modes");
    TCase *tc = tcase_create("mmu_modes");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, two_level_modes_agree, 0, 4);
    tcase_add_loop_test(tc, pae_modes_agree, 0, 4);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
