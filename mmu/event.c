/* Reporting MMU events to an observer (mmu/event.h says why these are out
 * of line). Everything here only reads: reporting changes no state and no
 * counter. */
#include "mmu/event.h"
#include "mmu/physmem.h"
#include "mmu/walk.h"

void mmu_observe(const struct mmu_observer *o, uint8_t kind, uint8_t stage, uint8_t level,
                 uint32_t lin, uint64_t addr, uint64_t entry)
{
    struct mmu_event ev = { .kind = kind, .stage = stage, .level = level,
                            .lin = lin, .addr = addr, .entry = entry };
    o->fn(o->opaque, &ev);
}

/* The p2m is a two-level radix table (mmu/physmem.h): the top slot for
 * GPA bits 31-22, then the leaf slot for bits 21-12. The entries are read
 * with physmem_peek, which allocates nothing. */
static void observe_stage2(const struct mmu_observer *o, const struct physmem *pm, uint64_t gpa)
{
    uint32_t top = (uint32_t)(gpa >> 22) & (P2M_TOP_ENTRIES - 1);
    uint32_t slot = (uint32_t)(gpa >> 12) & (P2M_LEAF_ENTRIES - 1);
    uint64_t leaf = 0, desc = P2M_NONE;   /* above 4 GiB nothing answers */
    if (!(gpa >> 32)) {
        struct p2m_entry scratch;
        const struct p2m_entry *e = physmem_peek(pm, (uint32_t)gpa, &scratch);
        leaf = pm->top[top] ? MMU_S2_LEAF : 0;
        desc = e->kind | ((uint64_t)e->access << 8) | ((uint64_t)e->watch << 16) |
               (e->ram || (e->flags & P2M_F_SWAPPED) ? MMU_S2_RAM_ALLOCATED : 0);
    }
    mmu_observe(o, MMU_EV_WALK_REF, 2, 1, (uint32_t)gpa, top, leaf);
    mmu_observe(o, MMU_EV_WALK_REF, 2, 2, (uint32_t)gpa, slot, desc);
}

/* A stage-1 reference and, if `nested`, the stage-2 references under it. */
static void observe_ref(const struct mmu_observer *o, const struct physmem *pm, int nested,
                        unsigned level, uint64_t gpa, uint64_t entry)
{
    mmu_observe(o, MMU_EV_WALK_REF, 1, (uint8_t)level, 0, gpa, entry);
    if (nested)
        observe_stage2(o, pm, gpa);
}

static uint8_t access_of(unsigned acc)
{
    return (acc & MMU_ACC_FETCH) ? 2 : (acc & MMU_ACC_WRITE) ? 1 : 0;
}

void mmu_observe_shadow_hit(const struct mmu_observer *o, uint32_t lin, unsigned acc,
                            uint64_t gpa)
{
    struct mmu_event ev = { .kind = MMU_EV_SHADOW_HIT, .stage = 1, .access = access_of(acc),
                            .lin = lin, .addr = gpa };
    o->fn(o->opaque, &ev);
}

/* Replayed from what the walk recorded, in the order the walk did it:
 * the entries read (each with its stage-2 references), the A/D updates
 * (made after all reads, SDM 4.8), the final address's stage-2
 * references, the result. The stage-2 descriptions are of the p2m as the
 * walk left it, which is as it found it: a walk changes no p2m entry. */
void mmu_observe_walk(const struct mmu_observer *o, const struct physmem *pm,
                      const struct mmu_regs *r, int nested, uint32_t lin, unsigned acc, int rc,
                      const struct mmu_walk *w)
{
    /* Levels count from the top of the walk; with PAE the PDPTEs, level 1,
     * are registers and make no reference. */
    unsigned top = (r->cr4 & MMU_CR4_PAE) ? 2 : 1;
    for (unsigned i = 0; i < w->ntables; i++)
        observe_ref(o, pm, nested, top + i, w->entry_at[i], w->entry[i]);
    for (unsigned i = 0; i < w->ntables; i++)
        if (w->ad_mask & (1u << i))
            mmu_observe(o, MMU_EV_AD_UPDATE, 1, (uint8_t)(top + i), 0, w->entry_at[i],
                        w->ad_written[i]);
    if (rc == 0 && nested)
        observe_stage2(o, pm, w->gpa);
    struct mmu_event ev = { .kind = rc ? MMU_EV_WALK_FAULT : MMU_EV_WALK_DONE, .stage = 1,
                            .level = (uint8_t)(w->ntables ? top + w->ntables - 1 : 1),
                            .access = access_of(acc), .lin = lin };
    if (rc) {
        ev.entry = w->error;
    } else {
        ev.addr = w->gpa;
        ev.entry = w->entry[w->ntables - 1];
    }
    o->fn(o->opaque, &ev);
}
