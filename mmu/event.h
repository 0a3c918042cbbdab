/* What the MMU tells an observer: each reference a walk makes (and, in a
 * nested walk, each second-stage reference under it), accessed/dirty
 * updates, the walk's result, and the shadow tables' hits, builds, fills,
 * write traps and resyncs.
 *
 * mmu/ knows no CPU and no tracer: the observer is a callback registered
 * on struct mmu (mmu_set_observer) by whoever wires the MMU to a CPU;
 * cpu/mem.c forwards the events to cpu->hooks.mmu. With no observer every
 * event site costs one predictable branch on a NULL pointer, and only on
 * the paths that already do the work (TLB misses, write traps, INVLPG,
 * CR3 switches), never on a TLB hit.
 *
 * cpu/ uses these kinds and this structure as they are, adding the TLB
 * miss (MMU_EV_TLB_MISS) that it raises itself; docs/debug.md shows the printed
 * form. */
#ifndef SHADOW86_MMU_EVENT_H
#define SHADOW86_MMU_EVENT_H

#include <stdint.h>

enum mmu_event_kind {
    MMU_EV_TLB_MISS,        /* (raised by cpu/, not mmu/) */
    /* stage 1: level (1 = top table of the walk), addr = GPA of the entry,
     * entry = its value. stage 2: level (1 = p2m top, 2 = p2m leaf),
     * lin = the GPA being translated, addr = the slot's index in that
     * p2m table, entry = MMU_S2_* description of what the slot holds. */
    MMU_EV_WALK_REF,
    MMU_EV_AD_UPDATE,       /* stage 1, level, addr = GPA of the entry, entry = new value */
    MMU_EV_WALK_DONE,       /* lin, addr = GPA, entry = final entry, level = its level */
    MMU_EV_WALK_FAULT,      /* lin, entry = #PF error code, level = where it stopped */
    MMU_EV_SHADOW_HIT,      /* lin, addr = GPA from the shadow entry */
    MMU_EV_SHADOW_BUILD,    /* addr = CR3 of a new, empty shadow table */
    MMU_EV_SHADOW_WRTRAP,   /* addr = GPA stored to in a tracked table page, entry = size */
    /* lin = first linear address whose shadow entries were dropped, level =
     * the walk level of the guest table that changed (its entry maps a
     * 4 MiB / 2 MiB range at the directory, one page at the page table),
     * addr = that guest table page; for INVLPG, level 2 (one page) and addr
     * = the shadow table's CR3; for CR3, level 0 (everything) and addr =
     * CR3. entry = enum mmu_resync_cause. */
    MMU_EV_SHADOW_RESYNC,
    MMU_EV_SHADOW_REUSE,    /* addr = CR3 whose cached shadow table becomes current */
    MMU_EV_SHADOW_FILL,     /* lin, addr = GPA: a walk's result entered in the shadow table */
    MMU_EV_SHADOW_UNTRACK,  /* addr = guest table page no shadow table uses any more */
    MMU_EV_COUNT
};

enum mmu_resync_cause { MMU_RESYNC_WRITE, MMU_RESYNC_INVLPG, MMU_RESYNC_CR3 };

/* Stage-2 entry descriptions (entry field of a stage-2 WALK_REF). Level 1:
 * MMU_S2_LEAF if the p2m top slot holds a leaf table (else the page has
 * its default mapping, computed). Level 2: the p2m entry's kind (enum
 * p2m_kind) in bits 7:0, its access bits in 15:8, its watches in 23:16,
 * MMU_S2_RAM_ALLOCATED if RAM has a host page (else reads see the zero
 * page). */
#define MMU_S2_LEAF 1u
#define MMU_S2_RAM_ALLOCATED (1u << 24)

struct mmu_event {
    uint8_t kind;           /* enum mmu_event_kind */
    uint8_t stage;          /* 1 or 2 */
    uint8_t level;
    uint8_t access;         /* 0 read, 1 write, 2 fetch (WALK_DONE/FAULT/HIT) */
    uint32_t lin;
    uint64_t addr;
    uint64_t entry;
};

struct mmu_observer {
    void (*fn)(void *opaque, const struct mmu_event *ev);
    void *opaque;
};

/* The reporting functions live in mmu/event.c. The walker itself reports
 * nothing: it records the entries it read and the A/D bits it set in
 * struct mmu_walk (a store each), and mmu_translate tells the observer
 * afterwards. Threading an observer through the walker cost the bench's
 * paging workload 4 % more host instructions with tracing off
 * (callgrind), because the walker's helpers stopped being inlined. */
struct physmem;
void mmu_observe(const struct mmu_observer *o, uint8_t kind, uint8_t stage, uint8_t level,
                 uint32_t lin, uint64_t addr, uint64_t entry);
/* A walk just made by mmu_walk, told from what it recorded in *w (the
 * entries read and the A/D updates), then its result (rc 0: WALK_DONE,
 * else WALK_FAULT). `acc` is the access kind (MMU_ACC_*). */
struct mmu_walk;
struct mmu_regs;
void mmu_observe_walk(const struct mmu_observer *o, const struct physmem *pm,
                      const struct mmu_regs *r, int nested, uint32_t lin, unsigned acc, int rc,
                      const struct mmu_walk *w);
void mmu_observe_shadow_hit(const struct mmu_observer *o, uint32_t lin, unsigned acc,
                            uint64_t gpa);

#endif
