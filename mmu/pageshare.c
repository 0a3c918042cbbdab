/* Content-based page sharing: the scanner (docs/overcommit.md).
 *
 * The machine's run loop calls physmem_share_scan with a budget set by
 * the instructions retired, so the work per slice is bounded and the same
 * in every run. For each written private RAM page under the hand:
 * - all zero: the host page goes back to the pool, the page reads the
 *   zero page again;
 * - hashed; a page whose checksum changed since the last visit is still
 *   being written and is left alone (it would be copied straight back);
 * - a shared frame with the same hash *and the same bytes* (memcmp: a
 *   hash is never trusted alone) takes it: one more reference, the
 *   private page is freed;
 * - else a candidate seen earlier with that hash (this machine or another
 *   of the pool) is checked (still private, same bytes); the two become
 *   one frame, the page being scanned's host page becoming the frame;
 * - else the page becomes the candidate for its hash.
 * A shared page is mapped read-only for the fast path: physmem drops the
 * cached host pointers (listeners) when a page becomes shared, and the
 * first store copies it (physmem.c, private_ram).
 */
#include <stdlib.h>

#include "mmu/physmem_internal.h"

static int shareable(const struct p2m_entry *e)
{
    return e && e->ram && e->kind == P2M_RAM && !(e->flags & (P2M_F_SHARED | P2M_F_SWAPPED));
}

/* Map `e` (a private page) to frame `f` instead of its own host page. */
static void map_to_frame(struct physmem *pm, struct p2m_entry *e, uint32_t gpa, uint32_t f,
                         int page_is_frame)
{
    if (!page_is_frame)
        hostpool_page_free(pm->pool, e->ram);
    e->ram = pm->pool->frame[f].page;
    e->slot = f;
    e->flags |= P2M_F_SHARED;
    pm->stats.private_pages--;
    pm->stats.shared_pages++;
    pm->stats.merges++;
    pm->pool->stats.merges++;
    physmem_notify(pm, gpa, PHYSMEM_PAGE_SIZE);
}

static void scan_page(struct physmem *pm, uint32_t i, struct p2m_entry *e)
{
    struct hostpool *p = pm->pool;
    uint32_t gpa = i << PHYSMEM_PAGE_SHIFT;
    p->stats.scanned++;
    pm->stats.scanned++;
    if (physmem_page_all_zero(e->ram)) {
        physmem_drop_content(pm, e);
        pm->stats.zero_merges++;
        p->stats.zero_merges++;
        physmem_notify(pm, gpa, PHYSMEM_PAGE_SIZE);
        return;
    }
    uint64_t h = hostpool_hash(p, e->ram);
    uint32_t sum = (uint32_t)(h ^ (h >> 32));
    if (pm->scan_sum[i] != sum) {
        pm->scan_sum[i] = sum;   /* changed since the last visit (or first) */
        return;
    }
    uint32_t f = hostpool_frame_find(p, h, e->ram);
    if (f != HOSTPOOL_NONE) {
        hostpool_frame_get(p, f);
        map_to_frame(pm, e, gpa, f, 0);
        return;
    }
    struct hostpool_cand *c = &p->cand[(h ^ (h >> 29)) & (HOSTPOOL_CANDS - 1)];
    if (c->used && c->hash == h && !(c->pm == pm && c->gpa == gpa)) {
        struct p2m_entry *ce = physmem_entry(c->pm, c->gpa);
        if (shareable(ce)) {
            if (memcmp(ce->ram, e->ram, PHYSMEM_PAGE_SIZE) == 0) {
                f = hostpool_frame_adopt(p, e->ram, h, 2);
                if (f == HOSTPOOL_NONE)
                    return;   /* no memory for the table: stay private */
                c->used = 0;
                map_to_frame(pm, e, gpa, f, 1);
                map_to_frame(c->pm, ce, c->gpa, f, 0);
                return;
            }
            /* The candidate changed since it was hashed, or the two
             * hashes collide: only the second is a collision. */
            if (hostpool_hash(p, ce->ram) == h)
                p->stats.hash_collisions++;
        }
    }
    *c = (struct hostpool_cand){ h, pm, gpa, 1 };
}

void physmem_share_scan(struct physmem *pm, unsigned budget)
{
    uint32_t pages = pm->ram_size >> PHYSMEM_PAGE_SHIFT;
    if (!pages || hostpool_share_ready(pm->pool) != 0)
        return;
    if (!pm->scan_sum && !(pm->scan_sum = calloc(pages, sizeof *pm->scan_sum)))
        return;
    /* Steps over pages with nothing to hash are cheap but bounded too. */
    uint64_t steps = (uint64_t)budget * 16;
    while (budget && steps) {
        uint32_t i = pm->scan_hand >= pages ? 0 : pm->scan_hand;
        steps--;
        struct p2m_entry *e = physmem_entry(pm, i << PHYSMEM_PAGE_SHIFT);
        if (!e) {
            uint32_t next = (i | (P2M_LEAF_ENTRIES - 1)) + 1;
            pm->scan_hand = next >= pages ? 0 : next;
            continue;
        }
        pm->scan_hand = i + 1 >= pages ? 0 : i + 1;
        if (!shareable(e))
            continue;
        budget--;
        scan_page(pm, i, e);
    }
}
