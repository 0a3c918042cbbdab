/* What physmem.c shares with the files that manage its host pages
 * (pageshare.c, pageswap.c): not for use outside mmu/physmem*.c and
 * mmu/page*.c. */
#ifndef SHADOW86_MMU_PHYSMEM_INTERNAL_H
#define SHADOW86_MMU_PHYSMEM_INTERNAL_H

#include <string.h>

#include "mmu/physmem.h"

/* The existing entry of `gpa`'s page, or NULL (no leaf). */
struct p2m_entry *physmem_entry(const struct physmem *pm, uint32_t gpa);
/* Tell the listeners that [gpa, gpa+len)'s host pages changed. */
void physmem_notify(struct physmem *pm, uint32_t gpa, uint32_t len);

/* A zeroed host page from the pool, evicting first if the pool is at
 * its limit (pageswap.c). Never returns NULL: an exhausted pool ends the
 * run through its hook. */
uint8_t *physmem_new_page(struct physmem *pm);
/* Bring a swapped-out page back (pageswap.c). */
void physmem_swap_in(struct physmem *pm, struct p2m_entry *e, uint32_t gpa);
/* Give up `e`'s host page or swap slot; it reads as zero after. */
void physmem_drop_content(struct physmem *pm, struct p2m_entry *e);

static inline int physmem_page_all_zero(const uint8_t *p)
{
    uint64_t acc = 0;
    for (unsigned i = 0; i < 4096; i += 64) {
        uint64_t w[8];
        memcpy(w, p + i, sizeof w);
        acc = w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7];
        if (acc)
            return 0;
    }
    return 1;
}

#endif
