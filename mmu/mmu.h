/* The MMU of one CPU: linear → guest-physical translation in one of two
 * modes that give the guest identical results and differ only in cost.
 *
 * - nested: every translation the software TLB asks for is a full walk of
 *   the guest's tables, each guest table reference translated through the
 *   p2m as EPT/NPT hardware does; the references are counted.
 * - shadow: translations are cached in GVA→GPA shadow tables, one per
 *   guest address space (keyed by CR3 and the paging mode), kept in a
 *   small cache so a returning CR3 reuses its table. The guest page-table
 *   pages a shadow entry was derived from are write-tracked (physmem's
 *   PT watch); a guest store to one drops exactly the shadow entries the
 *   stored-to entries produced. INVLPG drops the page's shadow entry.
 *   A shadow miss falls back to a walk, which then fills the shadow table.
 *
 * Status bits stay identical across modes because a shadow entry never
 * grants more than the walk that made it saw: no write unless the dirty
 * bit was set, and A/D are set only by walks, which both modes make at
 * the same points (software TLB misses).
 */
#ifndef SHADOW86_MMU_MMU_H
#define SHADOW86_MMU_MMU_H

#include <stdint.h>
#include <stdio.h>

#include "mmu/event.h"
#include "mmu/physmem.h"
#include "mmu/walk.h"

enum mmu_mode { MMU_MODE_NESTED, MMU_MODE_SHADOW };

#define MMU_SHADOW_SPACES 8

struct mmu_stats {
    uint64_t walks, walk_refs, walk_refs_max, faults;
    uint64_t pdpte_loads, pdpte_refs;
    uint64_t shadow_hits, shadow_misses;
    uint64_t shadow_built, shadow_reused, shadow_dropped;
    uint64_t track_traps, resyncs, stale_traps;
};

struct shadow_space;

struct mmu {
    enum mmu_mode mode;
    struct physmem *pm;
    uint64_t pdpte[4];           /* PAE PDPTE registers, loaded at MOV to CR3 */
    struct shadow_space *space[MMU_SHADOW_SPACES];
    struct shadow_space *cur;    /* the space of the current CR3, or NULL */
    uint64_t use_clock;          /* LRU stamps of the spaces */
    struct mmu_stats stats;
    /* Who hears the events of mmu/event.h: fn is NULL unless someone
     * listens (a tracer), and every event site tests it first. */
    struct mmu_observer observer;
};

/* Returns 0, or -1 if the PT watch hook is taken. */
int mmu_init(struct mmu *m, struct physmem *pm, enum mmu_mode mode);
void mmu_free(struct mmu *m);
const char *mmu_mode_name(enum mmu_mode mode);
/* "nested" or "shadow" → mode; -1 if neither. */
int mmu_parse_mode(const char *s, enum mmu_mode *mode);

/* Register (fn != NULL) or remove the observer of mmu/event.h's events.
 * It survives mmu_reset. */
void mmu_set_observer(struct mmu *m, void (*fn)(void *opaque, const struct mmu_event *ev),
                      void *opaque);

/* Translate `lin` for an access of kind `acc` (MMU_ACC_*): 0 with *w
 * describing the page, or -1 with w->error the #PF error code. */
int mmu_translate(struct mmu *m, const struct mmu_regs *r, uint32_t lin, unsigned acc,
                  struct mmu_walk *w);

/* MOV to CR3 (and PAE being turned on): reload the PDPTEs when PAE is on.
 * Returns -1 if they have reserved bits set (#GP(0), nothing changed). */
int mmu_load_cr3(struct mmu *m, const struct mmu_regs *r);
/* INVLPG: forget the shadow entry of `lin`'s page. */
void mmu_invlpg(struct mmu *m, uint32_t lin);
/* Everything cached goes (reset). */
void mmu_reset(struct mmu *m);

#endif
