/* Shadow page tables (internal to mmu/): per guest address space, a
 * GVA→GPA table of completed walks, with the reverse map from each guest
 * page-table page to the shadow entries derived from it. */
#ifndef SHADOW86_MMU_SHADOW_H
#define SHADOW86_MMU_SHADOW_H

#include "mmu/mmu.h"

/* One 4 KiB linear page's cached translation. `valid` is 0 for "walk". */
struct shadow_pte {
    uint32_t gpa_page;
    uint8_t valid, user_ok, write_ok, nx, dirty, global, gpa_high;
};

/* The space that `r` (CR3 and paging mode) selects, built or reused from
 * the cache (LRU eviction). NULL only if the host is out of memory. */
struct shadow_space *shadow_select(struct mmu *m, const struct mmu_regs *r);
const struct shadow_pte *shadow_lookup(const struct shadow_space *s, uint32_t lin);
/* Record a successful walk of `lin` and write-track the tables it used. */
void shadow_install(struct mmu *m, struct shadow_space *s, const struct mmu_regs *r,
                    uint32_t lin, const struct mmu_walk *w);
/* Returns 1 if the page had a shadow entry (now dropped). */
int shadow_invlpg(struct shadow_space *s, uint32_t lin);
uint32_t shadow_space_cr3(const struct shadow_space *s);
/* physmem PT-watch hook: a guest store to a tracked table page. */
void shadow_table_written(void *mmu, uint32_t gpa, unsigned size);
void shadow_drop_all(struct mmu *m);

#endif
