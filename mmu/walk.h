/* The guest page walker: linear → guest-physical through the guest's own
 * page tables, as the processor does it (SDM Vol. 3, chapter 4): 2-level
 * paging with PSE 4 MiB pages, PAE 3-level paging with 2 MiB pages and
 * PDPTEs held in registers, global pages, EFER.NXE, U/S, R/W and CR0.WP,
 * accessed and dirty bits, reserved-bit checks and #PF error codes.
 *
 * The walker reads and updates guest memory through physmem and counts the
 * memory references it makes, stage 2 included when asked (a nested walk:
 * every guest table address is itself translated through the p2m).
 */
#ifndef SHADOW86_MMU_WALK_H
#define SHADOW86_MMU_WALK_H

#include <stdint.h>

#include "mmu/physmem.h"

/* Control-register bits the walker reads. */
#define MMU_CR0_WP 0x00010000u
#define MMU_CR0_PG 0x80000000u
#define MMU_CR4_PSE 0x00000010u
#define MMU_CR4_PAE 0x00000020u
#define MMU_CR4_PGE 0x00000080u
#define MMU_EFER_NXE 0x00000800u

/* #PF error code bits (SDM Vol. 3, 4.7). */
#define PF_ERR_P 0x01u      /* 0: not present; 1: protection or reserved bit */
#define PF_ERR_W 0x02u      /* the access was a write */
#define PF_ERR_U 0x04u      /* the access was a user-mode access */
#define PF_ERR_RSVD 0x08u   /* a reserved bit was set in a paging entry */
#define PF_ERR_ID 0x10u     /* instruction fetch (only with PAE and NXE) */

/* Page-table entry bits. */
#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u

/* The physical-address width of PAE entries (a P6 with PAE: 36 bits). */
#define MMU_MAXPHYADDR 36

/* Access kinds. */
#define MMU_ACC_WRITE 1u
#define MMU_ACC_USER 2u     /* CPL 3 and not an implicit supervisor access */
#define MMU_ACC_FETCH 4u

struct mmu_regs {
    uint32_t cr0, cr3, cr4;
    uint64_t efer;
    const uint64_t *pdpte;   /* the 4 PDPTE registers (PAE) */
};

struct mmu_walk {
    uint64_t gpa;            /* guest-physical address of the linear address */
    uint32_t page_size;      /* 4 KiB, 2 MiB or 4 MiB */
    uint8_t user_ok;         /* U/S=1 at every level */
    uint8_t write_ok;        /* R/W=1 at every level */
    uint8_t nx;              /* XD=1 at some level, with EFER.NXE */
    uint8_t global;          /* G in the final entry, with CR4.PGE */
    uint8_t dirty;           /* D in the final entry after this walk */
    uint32_t error;          /* #PF error code when the walk faulted */
    unsigned refs;           /* memory references made, stage 2 included if nested */
    /* The guest table entries the walk read, in order ([0] directory, [1]
     * page table if any): their guest-physical addresses and values as
     * read, and the accessed/dirty updates made to them. Recorded on every
     * walk (a store each: cheaper than testing for an observer in the
     * walker), so the MMU can tell an observer afterwards. Entry i is
     * valid for i < ntables; ad_written[i] if bit i of ad_mask is set.
     * mmu_walk zeroes the struct only up to entry_at: the arrays after it
     * are written before they are read. */
    unsigned ntables;
    uint8_t ad_mask;
    uint64_t entry_at[2];
    uint64_t entry[2];
    uint32_t ad_written[2];     /* the low half of the entry as written */
};

/* Are the rights of a completed walk enough for `acc` (SDM 4.6)? */
int mmu_rights_allow(const struct mmu_walk *w, unsigned acc, uint32_t cr0);

/* Walk flags. NESTED: each guest table address and the final address
 * also count the references of a stage-2 walk of the p2m. PEEK: change
 * nothing (no A/D bits, no device reads): debuggers use it. */
#define MMU_WALK_NESTED 1u
#define MMU_WALK_PEEK 2u

/* Translate `lin` for an access of kind `acc`. On success returns 0 with
 * *w filled and the accessed (and, for a write, dirty) bits set in guest
 * memory; on a fault returns -1 with w->error the #PF error code and
 * guest memory unchanged (A/D are set only by a translation that
 * succeeds, as Bochs does; SDM 4.8 leaves the faulting case open). */
int mmu_walk(struct physmem *pm, const struct mmu_regs *r, uint32_t lin, unsigned acc,
             unsigned flags, struct mmu_walk *w);

/* Load the four PDPTEs from CR3 (PAE), as MOV to CR3 does: returns 0, or
 * -1 if a present PDPTE has reserved bits set (the caller raises #GP(0)).
 * References are added to *refs. */
int mmu_load_pdptes(struct physmem *pm, uint32_t cr3, uint64_t pdpte[4], unsigned *refs);

#endif
