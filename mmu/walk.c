/* The guest page walker (SDM Vol. 3, 4.3 for 2-level paging, 4.4 for PAE,
 * 4.6 for rights, 4.7 for fault codes, 4.8 for accessed/dirty bits). */
#include <stddef.h>
#include <string.h>

#include "mmu/walk.h"

/* Bits 62:MAXPHYADDR of PAE entries are reserved; bit 63 too unless NXE. */
#define PAE_ADDR_RSVD (((1ull << 63) - 1) & ~((1ull << MMU_MAXPHYADDR) - 1))
#define PAE_ADDR_MASK (((1ull << MMU_MAXPHYADDR) - 1) & ~0xFFFull)
#define PAE_XD (1ull << 63)

/* Guest-physical reads of table entries. Above 4 GiB nothing answers: the
 * bus floats to all ones, which any reserved-bit check then refuses. */
static uint64_t read_entry(struct physmem *pm, uint64_t gpa, unsigned size, unsigned flags)
{
    if (gpa >> 32)
        return size == 8 ? ~0ull : 0xFFFFFFFFu;
    if (flags & MMU_WALK_PEEK) {
        /* No device side effects: a table in MMIO reads as all ones. */
        const uint8_t *page = physmem_read_page(pm, (uint32_t)gpa);
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)(page ? page[(gpa & 0xFFFu) + i] : 0xFFu) << (8 * i);
        return v;
    }
    uint64_t v = physmem_read(pm, (uint32_t)gpa, 4);
    if (size == 8)
        v |= (uint64_t)physmem_read(pm, (uint32_t)gpa + 4, 4) << 32;
    return v;
}

/* One reference to a guest table entry: the entry itself, plus the p2m
 * levels that translate its guest-physical address in a nested walk. */
static void count_ref(struct mmu_walk *w, unsigned flags)
{
    w->refs += 1 + ((flags & MMU_WALK_NESTED) ? P2M_LEVELS : 0);
}

int mmu_rights_allow(const struct mmu_walk *w, unsigned acc, uint32_t cr0)
{
    if (acc & MMU_ACC_USER) {
        if (!w->user_ok)
            return 0;
        if ((acc & MMU_ACC_WRITE) && !w->write_ok)
            return 0;
    } else if ((acc & MMU_ACC_WRITE) && (cr0 & MMU_CR0_WP) && !w->write_ok) {
        return 0;   /* CR0.WP: supervisor writes honour R/W too */
    }
    if ((acc & MMU_ACC_FETCH) && w->nx)
        return 0;
    return 1;
}

static uint32_t access_bits(const struct mmu_regs *r, unsigned acc)
{
    uint32_t e = 0;
    if (acc & MMU_ACC_WRITE)
        e |= PF_ERR_W;
    if (acc & MMU_ACC_USER)
        e |= PF_ERR_U;
    /* I/D is reported only when NX is in force (SDM 4.7: reserved unless
     * PAE and EFER.NXE, no SMEP here). */
    if ((acc & MMU_ACC_FETCH) && (r->cr4 & MMU_CR4_PAE) && (r->efer & MMU_EFER_NXE))
        e |= PF_ERR_ID;
    return e;
}

static int fault(struct mmu_walk *w, const struct mmu_regs *r, unsigned acc, uint32_t bits)
{
    w->error = access_bits(r, acc) | bits;
    return -1;
}

/* Set A in a non-final entry, A (and D for writes) in the final one,
 * writing only what changes. The update is a 4-byte store to the low half
 * of the entry; it runs the code watch but not the page-table watch: the
 * MMU updating its own status bits is not a guest change to the table. */
static void set_status_bits(struct physmem *pm, struct mmu_walk *w, unsigned i, uint32_t set,
                            unsigned flags)
{
    uint64_t gpa = w->entry_at[i];
    uint32_t old = (uint32_t)w->entry[i];
    if ((old & set) == set || (gpa >> 32) || (flags & MMU_WALK_PEEK))
        return;
    physmem_write_status(pm, (uint32_t)gpa, old | set);
    w->ad_written[i] = old | set;
    w->ad_mask |= (uint8_t)(1u << i);
}

/* Remember an entry the walk read (see struct mmu_walk). */
static void record_entry(struct mmu_walk *w, uint64_t at, uint64_t entry)
{
    w->entry_at[w->ntables] = at;
    w->entry[w->ntables++] = entry;
}

static int walk_2level(struct physmem *pm, const struct mmu_regs *r, uint32_t lin, unsigned acc,
                       unsigned flags, struct mmu_walk *w)
{
    uint64_t pde_at = (r->cr3 & 0xFFFFF000u) | ((lin >> 22) << 2);
    uint32_t pde = (uint32_t)read_entry(pm, pde_at, 4, flags);
    count_ref(w, flags);
    record_entry(w, pde_at, pde);
    if (!(pde & PTE_P))
        return fault(w, r, acc, 0);
    if ((pde & PTE_PS) && (r->cr4 & MMU_CR4_PSE)) {
        /* 4 MiB page. Without PSE-36, bits 21:13 are reserved. */
        if (pde & 0x003FE000u)
            return fault(w, r, acc, PF_ERR_P | PF_ERR_RSVD);
        w->user_ok = (pde & PTE_US) != 0;
        w->write_ok = (pde & PTE_RW) != 0;
        if (!mmu_rights_allow(w, acc, r->cr0))
            return fault(w, r, acc, PF_ERR_P);
        set_status_bits(pm, w, 0, PTE_A | ((acc & MMU_ACC_WRITE) ? PTE_D : 0), flags);
        w->gpa = (pde & 0xFFC00000u) | (lin & 0x003FFFFFu);
        w->page_size = 4u << 20;
        w->global = (pde & PTE_G) && (r->cr4 & MMU_CR4_PGE);
        w->dirty = (pde & PTE_D) || (acc & MMU_ACC_WRITE);
        return 0;
    }
    uint64_t pte_at = (pde & 0xFFFFF000u) | (((lin >> 12) & 0x3FFu) << 2);
    uint32_t pte = (uint32_t)read_entry(pm, pte_at, 4, flags);
    count_ref(w, flags);
    record_entry(w, pte_at, pte);
    if (!(pte & PTE_P))
        return fault(w, r, acc, 0);
    w->user_ok = (pde & pte & PTE_US) != 0;
    w->write_ok = (pde & pte & PTE_RW) != 0;
    if (!mmu_rights_allow(w, acc, r->cr0))
        return fault(w, r, acc, PF_ERR_P);
    set_status_bits(pm, w, 0, PTE_A, flags);
    set_status_bits(pm, w, 1, PTE_A | ((acc & MMU_ACC_WRITE) ? PTE_D : 0), flags);
    w->gpa = (pte & 0xFFFFF000u) | (lin & 0xFFFu);
    w->page_size = 4096;
    w->global = (pte & PTE_G) && (r->cr4 & MMU_CR4_PGE);
    w->dirty = (pte & PTE_D) || (acc & MMU_ACC_WRITE);
    return 0;
}

static uint64_t pae_rsvd(const struct mmu_regs *r)
{
    return PAE_ADDR_RSVD | ((r->efer & MMU_EFER_NXE) ? 0 : PAE_XD);
}

static int walk_pae(struct physmem *pm, const struct mmu_regs *r, uint32_t lin, unsigned acc,
                    unsigned flags, struct mmu_walk *w)
{
    uint64_t pdpte = r->pdpte[lin >> 30];
    /* The PDPTEs are registers, loaded (and checked) at MOV to CR3. */
    if (!(pdpte & PTE_P))
        return fault(w, r, acc, 0);
    uint64_t pde_at = (pdpte & PAE_ADDR_MASK) | (((lin >> 21) & 0x1FFu) << 3);
    uint64_t pde = read_entry(pm, pde_at, 8, flags);
    count_ref(w, flags);
    record_entry(w, pde_at, pde);
    if (!(pde & PTE_P))
        return fault(w, r, acc, 0);
    if (pde & pae_rsvd(r))
        return fault(w, r, acc, PF_ERR_P | PF_ERR_RSVD);
    int nxe = (r->efer & MMU_EFER_NXE) != 0;
    if (pde & PTE_PS) {
        /* 2 MiB page: bits 20:13 are reserved (bit 12 is PAT). */
        if (pde & 0x001FE000u)
            return fault(w, r, acc, PF_ERR_P | PF_ERR_RSVD);
        w->user_ok = (pde & PTE_US) != 0;
        w->write_ok = (pde & PTE_RW) != 0;
        w->nx = nxe && (pde & PAE_XD);
        if (!mmu_rights_allow(w, acc, r->cr0))
            return fault(w, r, acc, PF_ERR_P);
        set_status_bits(pm, w, 0, PTE_A | ((acc & MMU_ACC_WRITE) ? PTE_D : 0), flags);
        w->gpa = (pde & PAE_ADDR_MASK & ~0x1FFFFFull) | (lin & 0x1FFFFFu);
        w->page_size = 2u << 20;
        w->global = (pde & PTE_G) && (r->cr4 & MMU_CR4_PGE);
        w->dirty = (pde & PTE_D) || (acc & MMU_ACC_WRITE);
        return 0;
    }
    uint64_t pte_at = (pde & PAE_ADDR_MASK) | (((lin >> 12) & 0x1FFu) << 3);
    uint64_t pte = read_entry(pm, pte_at, 8, flags);
    count_ref(w, flags);
    record_entry(w, pte_at, pte);
    if (!(pte & PTE_P))
        return fault(w, r, acc, 0);
    if (pte & pae_rsvd(r))
        return fault(w, r, acc, PF_ERR_P | PF_ERR_RSVD);
    w->user_ok = (pde & pte & PTE_US) != 0;
    w->write_ok = (pde & pte & PTE_RW) != 0;
    w->nx = nxe && ((pde | pte) & PAE_XD);
    if (!mmu_rights_allow(w, acc, r->cr0))
        return fault(w, r, acc, PF_ERR_P);
    set_status_bits(pm, w, 0, PTE_A, flags);
    set_status_bits(pm, w, 1, PTE_A | ((acc & MMU_ACC_WRITE) ? PTE_D : 0), flags);
    w->gpa = (pte & PAE_ADDR_MASK) | (lin & 0xFFFu);
    w->page_size = 4096;
    w->global = (pte & PTE_G) && (r->cr4 & MMU_CR4_PGE);
    w->dirty = (pte & PTE_D) || (acc & MMU_ACC_WRITE);
    return 0;
}

int mmu_walk(struct physmem *pm, const struct mmu_regs *r, uint32_t lin, unsigned acc,
             unsigned flags, struct mmu_walk *w)
{
    memset(w, 0, offsetof(struct mmu_walk, entry_at));
    int rc = (r->cr4 & MMU_CR4_PAE) ? walk_pae(pm, r, lin, acc, flags, w)
                                    : walk_2level(pm, r, lin, acc, flags, w);
    /* The final guest-physical address goes through stage 2 as well. */
    if (rc == 0 && (flags & MMU_WALK_NESTED))
        w->refs += P2M_LEVELS;
    return rc;
}

int mmu_load_pdptes(struct physmem *pm, uint32_t cr3, uint64_t pdpte[4], unsigned *refs)
{
    uint64_t v[4];
    /* PAE CR3 holds a 32-byte-aligned PDPT address (SDM 4.4.1). */
    uint32_t base = cr3 & 0xFFFFFFE0u;
    for (unsigned i = 0; i < 4; i++) {
        v[i] = read_entry(pm, base + 8u * i, 8, 0);
        *refs += 1;
        /* Reserved: bits 2:1, 8:5 and 63:MAXPHYADDR. */
        if ((v[i] & PTE_P) && (v[i] & (0x1E6ull | ~((1ull << MMU_MAXPHYADDR) - 1))))
            return -1;
    }
    for (unsigned i = 0; i < 4; i++)
        pdpte[i] = v[i];
    return 0;
}
