/* The guest page walker against hand-computed results: every PDE/PTE bit
 * the walker reads, page sizes, faults and their error codes, accessed
 * and dirty bits, reference counts, in 2-level and PAE form. */
#include <check.h>
#include <stdlib.h>

#include "mmu/walk.h"
#include "check_run.h"

static struct physmem pm;
static uint64_t pdpte[4];

#define PD 0x10000u      /* 2-level page directory */
#define PT 0x11000u      /* its page table for 0x00400000-0x007FFFFF */
#define PDPT 0x20000u    /* PAE */
#define PAE_PD 0x21000u
#define PAE_PT 0x22000u

static void setup(void) { ck_assert_int_eq(physmem_init(&pm, 4u << 20), 0); }
static void teardown(void) { physmem_free(&pm); }

static void put32(uint32_t a, uint32_t v) { physmem_write(&pm, a, 4, v); }
static uint32_t get32(uint32_t a) { return physmem_read(&pm, a, 4); }
static void put64(uint32_t a, uint64_t v)
{
    put32(a, (uint32_t)v);
    put32(a + 4, (uint32_t)(v >> 32));
}

static struct mmu_regs regs2(uint32_t cr0, uint32_t cr4)
{
    return (struct mmu_regs){ MMU_CR0_PG | cr0, PD, cr4, 0, pdpte };
}

/* Linear 0x00401234 → PDE 1 → PTE 1 → frame 0x33000. */
static void map_2level(uint32_t pde_bits, uint32_t pte_bits)
{
    put32(PD + 4, PT | pde_bits);
    put32(PT + 4, 0x33000u | pte_bits);
}

static int walk(const struct mmu_regs *r, uint32_t lin, unsigned acc, struct mmu_walk *w)
{
    return mmu_walk(&pm, r, lin, acc, 0, w);
}

START_TEST(two_level_4k_read_sets_accessed_only)
{
    struct mmu_regs r = regs2(0, 0);
    struct mmu_walk w;
    map_2level(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&r, 0x00401234u, 0, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x33234u);
    ck_assert_uint_eq(w.page_size, 4096);
    ck_assert_uint_eq(w.refs, 2);
    ck_assert_uint_eq(get32(PD + 4), PT | 0x27u);           /* P RW US A */
    ck_assert_uint_eq(get32(PT + 4), 0x33000u | 0x27u);     /* no D on a read */
    ck_assert_uint_eq(w.dirty, 0);
    ck_assert_uint_eq(w.ntables, 2);
    ck_assert_uint_eq(w.entry_at[0] & ~0xFFFull, PD);
    ck_assert_uint_eq(w.entry_at[1] & ~0xFFFull, PT);
    /* A write sets D in the PTE only. */
    ck_assert_int_eq(walk(&r, 0x00401FFFu, MMU_ACC_WRITE, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x33FFFu);
    ck_assert_uint_eq(get32(PD + 4), PT | 0x27u);
    ck_assert_uint_eq(get32(PT + 4), 0x33000u | 0x67u);
    ck_assert_uint_eq(w.dirty, 1);
}
END_TEST

START_TEST(two_level_not_present_codes)
{
    struct mmu_regs r = regs2(0, 0);
    struct mmu_walk w;
    ck_assert_int_eq(walk(&r, 0x00401000u, 0, &w), -1);
    ck_assert_uint_eq(w.error, 0);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_WRITE | MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_W | PF_ERR_U);
    /* PDE present, PTE not: the PDE's A bit is not set by a failed walk. */
    put32(PD + 4, PT | PTE_P | PTE_RW);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_U);
    ck_assert_uint_eq(get32(PD + 4), PT | PTE_P | PTE_RW);
    /* A fetch: I/D is not reported without PAE+NXE. */
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_FETCH, &w), -1);
    ck_assert_uint_eq(w.error, 0);
}
END_TEST

START_TEST(two_level_user_and_write_rights)
{
    struct mmu_walk w;
    struct mmu_regs r = regs2(0, 0);
    /* Supervisor PTE: user access faults P|U, supervisor read works. */
    map_2level(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_U);
    ck_assert_uint_eq(get32(PT + 4) & PTE_A, 0);
    ck_assert_int_eq(walk(&r, 0x00401000u, 0, &w), 0);
    /* U/S clear in the PDE only: still a supervisor page. */
    map_2level(PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_U);
    /* Read-only (R/W clear in the PTE): user write faults P|W|U. */
    map_2level(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_US);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_USER, &w), 0);
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_USER | MMU_ACC_WRITE, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    ck_assert_uint_eq(get32(PT + 4) & PTE_D, 0);
    /* Supervisor write to it: allowed with CR0.WP=0 (and sets D)... */
    ck_assert_int_eq(walk(&r, 0x00401000u, MMU_ACC_WRITE, &w), 0);
    ck_assert_uint_eq(get32(PT + 4) & PTE_D, PTE_D);
    /* ...refused with CR0.WP=1, R/W clear at either level. */
    struct mmu_regs wp = regs2(MMU_CR0_WP, 0);
    ck_assert_int_eq(walk(&wp, 0x00401000u, MMU_ACC_WRITE, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_W);
    map_2level(PTE_P | PTE_US, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&wp, 0x00401000u, MMU_ACC_WRITE, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_W);
    map_2level(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&wp, 0x00401000u, MMU_ACC_WRITE, &w), 0);
}
END_TEST

START_TEST(two_level_pse_large_pages)
{
    struct mmu_walk w;
    struct mmu_regs pse = regs2(0, MMU_CR4_PSE | MMU_CR4_PGE);
    /* PDE 2 (0x00800000) as a 4 MiB page at 0x00C00000, global. */
    put32(PD + 8, 0x00C00000u | PTE_P | PTE_RW | PTE_PS | PTE_G);
    ck_assert_int_eq(walk(&pse, 0x00ABCDEFu, MMU_ACC_WRITE, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x00EBCDEFu);
    ck_assert_uint_eq(w.page_size, 4u << 20);
    ck_assert_uint_eq(w.global, 1);
    ck_assert_uint_eq(w.refs, 1);
    ck_assert_uint_eq(get32(PD + 8), 0x00C00000u | 0x1E3u);   /* A and D set */
    /* Nested: 1 guest level → (1+1)×(2+1)−1 = 5 references. */
    ck_assert_int_eq(mmu_walk(&pm, &pse, 0x00ABCDEFu, 0, 1, &w), 0);
    ck_assert_uint_eq(w.refs, 5);
    /* Bits 21:13 are reserved in a 4 MiB PDE (no PSE-36). */
    put32(PD + 8, 0x00C00000u | PTE_P | PTE_PS | 0x2000u);
    ck_assert_int_eq(walk(&pse, 0x00800000u, MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
    /* Without CR4.PSE the PS bit is ignored: the PDE points to a table. */
    put32(PD + 8, PT | PTE_P | PTE_RW | PTE_PS);
    put32(PT, 0x44000u | PTE_P);
    struct mmu_regs nopse = regs2(0, 0);
    ck_assert_int_eq(walk(&nopse, 0x00800010u, 0, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x44010u);
    /* G counts only with CR4.PGE. */
    put32(PT, 0x44000u | PTE_P | PTE_G);
    ck_assert_int_eq(walk(&nopse, 0x00800010u, 0, &w), 0);
    ck_assert_uint_eq(w.global, 0);
    struct mmu_regs pge = regs2(0, MMU_CR4_PGE);
    ck_assert_int_eq(walk(&pge, 0x00800010u, 0, &w), 0);
    ck_assert_uint_eq(w.global, 1);
}
END_TEST

START_TEST(peek_changes_nothing)
{
    struct mmu_walk w;
    struct mmu_regs r = regs2(0, 0);
    map_2level(PTE_P | PTE_RW, PTE_P | PTE_RW);
    ck_assert_int_eq(mmu_walk(&pm, &r, 0x00401234u, MMU_ACC_WRITE, MMU_WALK_PEEK, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x33234u);
    ck_assert_uint_eq(get32(PD + 4), PT | PTE_P | PTE_RW);
    ck_assert_uint_eq(get32(PT + 4), 0x33000u | PTE_P | PTE_RW);
}
END_TEST

START_TEST(two_level_nested_reference_count)
{
    struct mmu_walk w;
    struct mmu_regs r = regs2(0, 0);
    map_2level(PTE_P | PTE_RW, PTE_P | PTE_RW);
    /* (2+1)×(2+1)−1 = 8: two entries, each translated by a 2-level p2m,
     * plus the final address's p2m walk. */
    ck_assert_int_eq(mmu_walk(&pm, &r, 0x00401000u, 0, 1, &w), 0);
    ck_assert_uint_eq(w.refs, 8);
}
END_TEST

/* PAE: PDPTE 0 → PD; PDE 2 (0x00400000) → PT; PTE 1 → frame 0x55000. */
static struct mmu_regs regs_pae(uint32_t cr0, uint64_t efer)
{
    return (struct mmu_regs){ MMU_CR0_PG | cr0, PDPT, MMU_CR4_PAE, efer, pdpte };
}

static void map_pae(uint64_t pde_bits, uint64_t pte_bits)
{
    put64(PDPT, PAE_PD | PTE_P);
    put64(PAE_PD + 16, PAE_PT | pde_bits);
    put64(PAE_PT + 8, 0x55000u | pte_bits);
    unsigned refs = 0;
    ck_assert_int_eq(mmu_load_pdptes(&pm, PDPT, pdpte, &refs), 0);
    ck_assert_uint_eq(refs, 4);
}

START_TEST(pae_4k_and_status_bits)
{
    struct mmu_walk w;
    struct mmu_regs r = regs_pae(0, 0);
    map_pae(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&r, 0x00401ABCu, MMU_ACC_WRITE | MMU_ACC_USER, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x55ABCu);
    ck_assert_uint_eq(get32(PAE_PD + 16), PAE_PT | 0x27u);
    ck_assert_uint_eq(get32(PAE_PT + 8), 0x55000u | 0x67u);
    ck_assert_uint_eq(w.ntables, 2);
    ck_assert_uint_eq(w.entry_at[0] & ~0xFFFull, PAE_PD);
    ck_assert_uint_eq(w.entry_at[1] & ~0xFFFull, PAE_PT);
    /* The PDPTE is a register: 2 guest references; nested (2+1)×3−1 = 8. */
    ck_assert_uint_eq(w.refs, 2);
    ck_assert_int_eq(mmu_walk(&pm, &r, 0x00401ABCu, 0, 1, &w), 0);
    ck_assert_uint_eq(w.refs, 8);
    /* Frame address bits 35:32 are honoured (nothing is there). */
    put64(PAE_PT + 8, 0x300055000ull | PTE_P);
    ck_assert_int_eq(walk(&r, 0x00401ABCu, 0, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x300055ABCull);
    /* Bits 62:36 are reserved. */
    put64(PAE_PT + 8, 0x55000u | PTE_P | (1ull << 40));
    ck_assert_int_eq(walk(&r, 0x00401ABCu, MMU_ACC_WRITE, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_W | PF_ERR_RSVD);
    /* The PDPTE not present: a not-present fault. */
    pdpte[0] = 0;
    ck_assert_int_eq(walk(&r, 0x00401ABCu, 0, &w), -1);
    ck_assert_uint_eq(w.error, 0);
}
END_TEST

START_TEST(pae_2m_pages)
{
    struct mmu_walk w;
    struct mmu_regs r = regs_pae(0, 0);
    map_pae(PTE_P, PTE_P);
    /* PDE 3 (0x00600000) as a 2 MiB page at 0x00200000. */
    put64(PAE_PD + 24, 0x00200000u | PTE_P | PTE_RW | PTE_PS);
    ck_assert_int_eq(walk(&r, 0x0067FFFFu, MMU_ACC_WRITE, &w), 0);
    ck_assert_uint_eq(w.gpa, 0x0027FFFFu);
    ck_assert_uint_eq(w.page_size, 2u << 20);
    ck_assert_uint_eq(get32(PAE_PD + 24), 0x00200000u | 0xE3u);
    /* Bits 20:13 are reserved in a 2 MiB PDE. */
    put64(PAE_PD + 24, 0x00200000u | PTE_P | PTE_PS | 0x100000u);
    ck_assert_int_eq(walk(&r, 0x00600000u, 0, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_RSVD);
}
END_TEST

START_TEST(pae_nx)
{
    struct mmu_walk w;
    const uint64_t xd = 1ull << 63;
    struct mmu_regs nxe = regs_pae(0, MMU_EFER_NXE);
    map_pae(PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US | xd);
    ck_assert_int_eq(walk(&nxe, 0x00401000u, 0, &w), 0);            /* reads fine */
    ck_assert_int_eq(walk(&nxe, 0x00401000u, MMU_ACC_FETCH, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_ID);
    ck_assert_int_eq(walk(&nxe, 0x00401000u, MMU_ACC_FETCH | MMU_ACC_USER, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_ID | PF_ERR_U);
    /* XD in the PDE covers the page too. */
    map_pae(PTE_P | PTE_RW | PTE_US | xd, PTE_P | PTE_RW | PTE_US);
    ck_assert_int_eq(walk(&nxe, 0x00401000u, MMU_ACC_FETCH, &w), -1);
    /* A not-present fetch reports I/D alone. */
    put64(PAE_PT + 8, 0);
    ck_assert_int_eq(walk(&nxe, 0x00401000u, MMU_ACC_FETCH, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_ID);
    /* Without NXE, bit 63 is reserved. */
    struct mmu_regs nonx = regs_pae(0, 0);
    map_pae(PTE_P | PTE_RW, PTE_P | PTE_RW | xd);
    ck_assert_int_eq(walk(&nonx, 0x00401000u, 0, &w), -1);
    ck_assert_uint_eq(w.error, PF_ERR_P | PF_ERR_RSVD);
}
END_TEST

START_TEST(pae_pdpte_reserved_bits)
{
    unsigned refs = 0;
    uint64_t v[4] = { 1, 2, 3, 4 };
    put64(PDPT + 8, PAE_PD | PTE_P | PTE_RW);          /* bit 1 reserved */
    ck_assert_int_eq(mmu_load_pdptes(&pm, PDPT, v, &refs), -1);
    ck_assert_uint_eq(v[0], 1);                         /* nothing loaded */
    put64(PDPT + 8, PAE_PD | PTE_RW);                   /* not present: ignored */
    ck_assert_int_eq(mmu_load_pdptes(&pm, PDPT, v, &refs), 0);
    ck_assert_uint_eq(v[1], PAE_PD | PTE_RW);
    put64(PDPT + 24, PAE_PD | PTE_P | (1ull << 36));    /* above MAXPHYADDR */
    ck_assert_int_eq(mmu_load_pdptes(&pm, PDPT, v, &refs), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("walk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, two_level_4k_read_sets_accessed_only);
    tcase_add_test(tc, two_level_not_present_codes);
    tcase_add_test(tc, two_level_user_and_write_rights);
    tcase_add_test(tc, two_level_pse_large_pages);
    tcase_add_test(tc, two_level_nested_reference_count);
    tcase_add_test(tc, peek_changes_nothing);
    tcase_add_test(tc, pae_4k_and_status_bits);
    tcase_add_test(tc, pae_2m_pages);
    tcase_add_test(tc, pae_nx);
    tcase_add_test(tc, pae_pdpte_reserved_bits);
    suite_add_tcase(s, tc);
    return check_run(s);
}
