/* Host-side swapping: when the pool is at its limit, a page of some
 * member machine goes to the swap file before a new one is handed out.
 *
 * Victims: a clock (second chance) over the members' private pages. Every
 * fill of a TLB entry and every slow-path access sets the page's
 * P2M_F_REF (physmem.c); the hand clears it and, so that accesses through
 * cached host pointers are seen again, drops the cached pointers of the
 * pages it cleared (one listener call for the span it swept). A page still
 * clear when the hand comes round has not been reached through a new
 * translation since: it is evicted. An all-zero victim just goes back to
 * the zero page. Shared frames are not evicted (their mappers would all
 * need updating); private pages are most of any pool.
 *
 * Everything is decided by the sequence of accesses, never by host time:
 * two runs evict the same pages. The guest sees its bytes unchanged, only
 * later. */
#include <stdio.h>

#include "mmu/physmem_internal.h"

/* Sweep one member from its hand for at most `max` pages (`*used` says
 * how many it looked at). Returns the page number of a victim, or
 * UINT32_MAX. */
static uint32_t sweep(struct physmem *pm, uint64_t max, uint64_t *used)
{
    uint32_t pages = pm->ram_size >> PHYSMEM_PAGE_SHIFT;
    uint32_t lo = UINT32_MAX, hi = 0, victim = UINT32_MAX;
    uint64_t n = 0;
    while (n < max && pages) {
        uint32_t i = pm->evict_hand >= pages ? 0 : pm->evict_hand;
        n++;
        struct p2m_entry *e = physmem_entry(pm, i << PHYSMEM_PAGE_SHIFT);
        if (!e) {   /* no leaf: skip its 4 MiB */
            uint32_t next = (i | (P2M_LEAF_ENTRIES - 1)) + 1;
            pm->evict_hand = next >= pages ? 0 : next;
            continue;
        }
        pm->evict_hand = i + 1 >= pages ? 0 : i + 1;
        if (!e->ram || (e->flags & P2M_F_SHARED))
            continue;
        if (e->flags & P2M_F_REF) {
            e->flags &= (uint8_t)~P2M_F_REF;
            pm->pool->stats.ref_clears++;
            if (i < lo)
                lo = i;
            if (i >= hi)
                hi = i + 1;
            continue;
        }
        victim = i;
        break;
    }
    *used = n ? n : 1;
    if (lo < hi)
        physmem_notify(pm, lo << PHYSMEM_PAGE_SHIFT, (hi - lo) << PHYSMEM_PAGE_SHIFT);
    return victim;
}

static void evict(struct physmem *pm, uint32_t i)
{
    struct hostpool *p = pm->pool;
    uint32_t gpa = i << PHYSMEM_PAGE_SHIFT;
    struct p2m_entry *e = physmem_entry(pm, gpa);
    if (physmem_page_all_zero(e->ram)) {
        physmem_drop_content(pm, e);
        pm->stats.zero_merges++;
        p->stats.zero_merges++;
    } else {
        uint32_t slot = hostpool_swap_write(p, e->ram);
        if (slot == HOSTPOOL_NONE)
            return;   /* reported by the pool's hook */
        hostpool_page_free(p, e->ram);
        e->ram = NULL;
        e->slot = slot;
        e->flags |= P2M_F_SWAPPED;
        pm->stats.private_pages--;
        pm->stats.swapped_pages++;
        pm->stats.swap_outs++;
    }
    physmem_notify(pm, gpa, PHYSMEM_PAGE_SIZE);
}

/* Evict one page of any member: the hand goes round the members in turn.
 * Two turns round all of them suffice (the first clears every REF).
 * Returns 0, or -1 when no member has a private page. */
static int evict_one(struct hostpool *p)
{
    uint64_t total = 0;
    for (unsigned m = 0; m < p->members; m++)
        total += p->member[m]->ram_size >> PHYSMEM_PAGE_SHIFT;
    uint64_t steps = 2 * total + 2 * (uint64_t)p->members + 2;
    while (steps && p->members) {
        if (p->hand_member >= p->members)
            p->hand_member = 0;
        struct physmem *pm = p->member[p->hand_member];
        uint64_t used, quota = pm->ram_size >> PHYSMEM_PAGE_SHIFT;
        uint32_t victim = sweep(pm, quota < steps ? quota : steps, &used);
        steps = used < steps ? steps - used : 0;
        if (victim != UINT32_MAX) {
            evict(pm, victim);
            return 0;
        }
        p->hand_member++;
    }
    return -1;
}

uint8_t *physmem_new_page(struct physmem *pm)
{
    struct hostpool *p = pm->pool;
    while (hostpool_full(p)) {
        char msg[256];
        if (p->swap_fd < 0) {
            snprintf(msg, sizeof msg,
                     "--host-mem %llu MiB is used up (%llu pages resident) and there is no "
                     "--swap file to evict to",
                     (unsigned long long)(p->limit >> 8), (unsigned long long)p->stats.resident);
            hostpool_fail(p, msg);
        }
        if (evict_one(p) != 0) {
            snprintf(msg, sizeof msg,
                     "--host-mem %llu MiB is used up and no page can be evicted (all %llu "
                     "resident pages are shared frames)",
                     (unsigned long long)(p->limit >> 8), (unsigned long long)p->stats.resident);
            hostpool_fail(p, msg);
        }
    }
    return hostpool_page_alloc(p);
}

void physmem_swap_in(struct physmem *pm, struct p2m_entry *e, uint32_t gpa)
{
    struct hostpool *p = pm->pool;
    uint32_t slot = e->slot;
    /* Off the swap list first: the allocation may evict, and must not
     * pick this page. */
    e->flags &= (uint8_t)~P2M_F_SWAPPED;
    uint8_t *page = physmem_new_page(pm);
    hostpool_swap_read(p, slot, page);
    hostpool_swap_free(p, slot);
    e->ram = page;
    e->flags |= P2M_F_REF;
    pm->stats.swapped_pages--;
    pm->stats.private_pages++;
    pm->stats.swap_ins++;
    physmem_notify(pm, gpa, PHYSMEM_PAGE_SIZE);
}
