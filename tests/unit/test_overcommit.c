/* Memory overcommit (docs/overcommit.md): the host page pool's limit and
 * counters, content-based sharing (merges only equal bytes, whatever the
 * hash says; copy-on-write through a CPU's TLB in both MMU modes and
 * through DMA; all-zero pages back to the zero page; across machines of
 * one pool), host-side swapping (content kept, every way back in: CPU
 * reads, writes and fetches, DMA), the balloon's release/reclaim, and the
 * one-line failure of a full pool without swap. */
#include <check.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "mmu/mmu.h"
#include "mmu/physmem.h"
#include "check_run.h"

#define RAM (8u << 20)
#define PD 0x10000u
#define PT 0x11000u

static struct hostpool pool;
static struct physmem pm;

static void setup(void)
{
    ck_assert_int_eq(hostpool_init(&pool), 0);
    ck_assert_int_eq(physmem_init(&pm, RAM), 0);
    ck_assert_int_eq(physmem_set_pool(&pm, &pool), 0);
}

static void teardown(void)
{
    physmem_free(&pm);
    hostpool_free(&pool);
}

static void fill(struct physmem *m, uint32_t gpa, uint8_t seed)
{
    uint8_t buf[PHYSMEM_PAGE_SIZE];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(seed + i * 7 + (i >> 8));
    physmem_write_buf(m, gpa, buf, sizeof buf);
}

static int same_bytes(struct physmem *m, uint32_t a, uint32_t b)
{
    return memcmp(physmem_read_page(m, a), physmem_read_page(m, b), PHYSMEM_PAGE_SIZE) == 0;
}

/* Enough passes for every written page to be seen twice (a page is only
 * merged when its checksum held still since the last visit). */
static void scan_all(struct physmem *m)
{
    for (int i = 0; i < 3; i++)
        physmem_share_scan(m, RAM >> PHYSMEM_PAGE_SHIFT);
}

START_TEST(pool_counts_pages_against_its_limit)
{
    for (uint32_t a = 0x100000; a < 0x100000 + 10 * PHYSMEM_PAGE_SIZE; a += PHYSMEM_PAGE_SIZE)
        physmem_write(&pm, a, 4, a);
    ck_assert_uint_eq(pool.stats.resident, 10);
    ck_assert_uint_eq(pm.stats.private_pages, 10);
    physmem_write(&pm, 0x100000, 4, 0);   /* rewriting costs nothing */
    ck_assert_uint_eq(pool.stats.resident, 10);
    ck_assert_uint_eq(pool.stats.peak_resident, 10);
    ck_assert(!hostpool_full(&pool));
    hostpool_set_limit(&pool, 10);
    ck_assert(hostpool_full(&pool));
}
END_TEST

START_TEST(identical_pages_merge_and_writes_break_the_share)
{
    fill(&pm, 0x200000, 1);
    fill(&pm, 0x300000, 1);
    fill(&pm, 0x400000, 2);
    ck_assert_uint_eq(pool.stats.resident, 3);
    scan_all(&pm);
    ck_assert_uint_eq(pool.stats.shared_frames, 1);
    ck_assert_uint_eq(pool.stats.shared_refs, 2);
    ck_assert_uint_eq(pool.stats.resident, 2);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x200000), physmem_read_page(&pm, 0x300000));
    ck_assert_ptr_null(physmem_peek_write_page(&pm, 0x200000));
    /* A DMA store (physmem_write) copies first: the other page keeps its bytes. */
    uint32_t before = physmem_read(&pm, 0x300010, 4);
    physmem_write(&pm, 0x200010, 4, 0xCAFEBABEu);
    ck_assert_uint_eq(physmem_read(&pm, 0x200010, 4), 0xCAFEBABEu);
    ck_assert_uint_eq(physmem_read(&pm, 0x300010, 4), before);
    ck_assert_uint_eq(pool.stats.cow_breaks, 1);
    ck_assert_ptr_ne(physmem_read_page(&pm, 0x200000), physmem_read_page(&pm, 0x300000));
    /* The last reference takes the frame back without a copy. */
    uint64_t resident = pool.stats.resident;
    physmem_write_buf(&pm, 0x300FFE, "xy", 2);
    ck_assert_uint_eq(pool.stats.resident, resident);
    ck_assert_uint_eq(pool.stats.shared_frames, 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x300FFF), 'y');
}
END_TEST

START_TEST(pages_differing_in_the_last_byte_never_merge)
{
    fill(&pm, 0x200000, 9);
    fill(&pm, 0x201000, 9);
    physmem_write8(&pm, 0x201FFF, (uint8_t)(physmem_read8(&pm, 0x200FFF) ^ 1));
    scan_all(&pm);
    scan_all(&pm);
    ck_assert_uint_eq(pool.stats.shared_frames, 0);
    ck_assert(!same_bytes(&pm, 0x200000, 0x201000));
    ck_assert_uint_eq(pool.stats.resident, 2);
}
END_TEST

static uint64_t constant_hash(const uint8_t *page)
{
    (void)page;
    return 0x1234;
}

START_TEST(a_forced_hash_collision_never_merges_different_pages)
{
    pool.hash_fn = constant_hash;
    fill(&pm, 0x200000, 3);
    fill(&pm, 0x201000, 3);
    physmem_write8(&pm, 0x201FFF, (uint8_t)(physmem_read8(&pm, 0x200FFF) + 1));
    fill(&pm, 0x202000, 4);
    scan_all(&pm);
    scan_all(&pm);
    ck_assert_uint_eq(pool.stats.shared_frames, 0);
    ck_assert_uint_gt(pool.stats.hash_collisions, 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x201FFF),
                      (uint8_t)(physmem_read8(&pm, 0x200FFF) + 1));
    /* Equal pages under the same colliding hash still merge (memcmp says so). */
    fill(&pm, 0x300000, 4);
    scan_all(&pm);
    ck_assert_uint_eq(pool.stats.shared_frames, 1);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x202000), physmem_read_page(&pm, 0x300000));
    ck_assert_ptr_ne(physmem_read_page(&pm, 0x200000), physmem_read_page(&pm, 0x201000));
}
END_TEST

START_TEST(a_page_written_back_to_zero_merges_into_the_zero_page)
{
    physmem_write(&pm, 0x200100, 4, 0x11223344u);
    ck_assert_uint_eq(pool.stats.resident, 1);
    physmem_write(&pm, 0x200100, 4, 0);
    scan_all(&pm);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x200000), pm.zero_page);
    ck_assert_uint_eq(pool.stats.resident, 0);
    ck_assert_uint_eq(pool.stats.zero_merges, 1);
    physmem_write(&pm, 0x200104, 4, 5);
    ck_assert_uint_eq(physmem_read(&pm, 0x200100, 4), 0);
    ck_assert_uint_eq(physmem_read(&pm, 0x200104, 4), 5);
}
END_TEST

START_TEST(pages_merge_across_machines_of_one_pool)
{
    struct physmem other;
    ck_assert_int_eq(physmem_init(&other, RAM), 0);
    ck_assert_int_eq(physmem_set_pool(&other, &pool), 0);
    fill(&pm, 0x200000, 5);
    fill(&other, 0x500000, 5);
    scan_all(&pm);
    scan_all(&other);
    ck_assert_uint_eq(pool.stats.shared_frames, 1);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x200000), physmem_read_page(&other, 0x500000));
    physmem_write8(&other, 0x500000, 0xEE);
    ck_assert_uint_ne(physmem_read8(&pm, 0x200000), 0xEE);
    ck_assert_uint_eq(other.stats.cow_breaks, 1);
    physmem_free(&other);
    ck_assert_uint_eq(pool.members, 1);
}
END_TEST

/* A CPU with paging on (identity map of the first 4 MiB through one page
 * table, A and D preset so writes go straight to host memory), in MMU
 * mode `mode`. */
static struct cpu *paging_cpu(struct mmu *mmu, enum mmu_mode mode)
{
    struct cpu *cpu = calloc(1, sizeof *cpu);
    ck_assert_ptr_nonnull(cpu);
    physmem_write(&pm, PD, 4, PT | 0x67);
    for (uint32_t i = 0; i < 1024; i++)
        physmem_write(&pm, PT + i * 4, 4, (i << 12) | 0x67);
    ck_assert_int_eq(mmu_init(mmu, &pm, mode), 0);
    cpu_init(cpu, &pm, NULL);
    cpu_enter_flat32(cpu);
    cpu->mmu = mmu;
    cpu->cr3 = PD;
    cpu->cr0 |= CR0_PE | CR0_PG;
    cpu_mmu_state_loaded(cpu);
    return cpu;
}

static void cow_through_the_tlb(enum mmu_mode mode)
{
    struct mmu mmu;
    struct cpu *cpu = paging_cpu(&mmu, mode);
    fill(&pm, 0x200000, 7);
    fill(&pm, 0x300000, 7);
    /* The TLB now holds both pages, the first for writes too. */
    cpu_lin_write(cpu, 0x200020, 4, cpu_lin_read(cpu, 0x200020, 4));
    ck_assert_uint_eq(cpu_lin_read(cpu, 0x300020, 4), physmem_read(&pm, 0x200020, 4));
    ck_assert_ptr_nonnull(softtlb_lookup_write(&cpu->tlb, 0x200020, 4, SOFTTLB_SUPERVISOR));
    scan_all(&pm);
    ck_assert_uint_eq(pool.stats.shared_frames, 1);
    /* Sharing dropped the cached host pointer for writes. */
    ck_assert_ptr_null(softtlb_lookup_write(&cpu->tlb, 0x200020, 4, SOFTTLB_SUPERVISOR));
    uint32_t other = cpu_lin_read(cpu, 0x300020, 4);
    cpu_lin_write(cpu, 0x200020, 4, ~other);
    ck_assert_uint_eq(cpu_lin_read(cpu, 0x200020, 4), ~other);
    ck_assert_uint_eq(cpu_lin_read(cpu, 0x300020, 4), other);
    ck_assert_uint_eq(physmem_read(&pm, 0x300020, 4), other);
    ck_assert_uint_eq(pool.stats.cow_breaks, 1);
    /* And the next write to the private copy is a fast-path one again. */
    cpu_lin_write(cpu, 0x200024, 4, 1);
    ck_assert_ptr_nonnull(softtlb_lookup_write(&cpu->tlb, 0x200024, 4, SOFTTLB_SUPERVISOR));
    mmu_free(&mmu);
    free(cpu);
}

START_TEST(cow_break_through_the_tlb_in_nested_mode) { cow_through_the_tlb(MMU_MODE_NESTED); }
END_TEST
START_TEST(cow_break_through_the_tlb_in_shadow_mode) { cow_through_the_tlb(MMU_MODE_SHADOW); }
END_TEST

static char swap_path[64];

static void open_swap(void)
{
    snprintf(swap_path, sizeof swap_path, "/tmp/s86-swap-XXXXXX");
    int fd = mkstemp(swap_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[256];
    ck_assert_int_eq(hostpool_set_swap(&pool, swap_path, err, sizeof err), 0);
}

#define SWAP_PAGES 200u
#define SWAP_BASE 0x200000u

START_TEST(swapped_pages_keep_their_bytes_every_way_back_in)
{
    struct mmu mmu;
    struct cpu *cpu = paging_cpu(&mmu, MMU_MODE_SHADOW);
    open_swap();
    hostpool_set_limit(&pool, 64);
    for (uint32_t i = 0; i < SWAP_PAGES; i++) {
        fill(&pm, SWAP_BASE + i * PHYSMEM_PAGE_SIZE, (uint8_t)i);
        physmem_write8(&pm, SWAP_BASE + i * PHYSMEM_PAGE_SIZE + 4095, (uint8_t)(i * 3));
        ck_assert_uint_le(pool.stats.resident, 64);
    }
    ck_assert_uint_gt(pool.stats.swapped, 0);
    ck_assert_uint_eq(pm.stats.swapped_pages + pm.stats.private_pages, SWAP_PAGES + 2);
    uint8_t want[PHYSMEM_PAGE_SIZE], got[PHYSMEM_PAGE_SIZE];
    for (uint32_t i = 0; i < SWAP_PAGES; i++) {
        uint32_t a = SWAP_BASE + i * PHYSMEM_PAGE_SIZE;
        for (unsigned j = 0; j < sizeof want; j++)
            want[j] = (uint8_t)((uint8_t)i + j * 7 + (j >> 8));
        want[4095] = (uint8_t)(i * 3);
        switch (i % 3) {
        case 0:   /* DMA read */
            physmem_read_buf(&pm, a, got, sizeof got);
            break;
        case 1:   /* the CPU's reads (the page table itself may be out too) */
            for (unsigned j = 0; j < sizeof got; j += 4) {
                uint32_t v = cpu_lin_read(cpu, a + j, 4);
                memcpy(got + j, &v, 4);
            }
            break;
        default:  /* the translator's code fetch */
            ck_assert_uint_eq(cpu_fetch(cpu, a, got, 15), 15);
            memcpy(got + 15, physmem_read_page(&pm, a) + 15, sizeof got - 15);
            break;
        }
        ck_assert_msg(memcmp(got, want, sizeof got) == 0, "page %u changed in swap", i);
        ck_assert_uint_le(pool.stats.resident, 64);
    }
    ck_assert_uint_gt(pool.stats.swap_ins, 0);
    /* Stores to swapped-out pages: the CPU's and DMA's. */
    for (uint32_t i = 0; i < SWAP_PAGES; i++)
        if (i % 2)
            cpu_lin_write(cpu, SWAP_BASE + i * PHYSMEM_PAGE_SIZE + 8, 4, 0xA5A50000u | i);
        else
            physmem_write(&pm, SWAP_BASE + i * PHYSMEM_PAGE_SIZE + 8, 4, 0xA5A50000u | i);
    for (uint32_t i = 0; i < SWAP_PAGES; i++) {
        uint32_t a = SWAP_BASE + i * PHYSMEM_PAGE_SIZE;
        ck_assert_uint_eq(physmem_read(&pm, a + 8, 4), 0xA5A50000u | i);
        ck_assert_uint_eq(physmem_read8(&pm, a + 4095), (uint8_t)(i * 3));
    }
    ck_assert_uint_le(pool.stats.peak_resident, 64);
    mmu_free(&mmu);
    free(cpu);
    physmem_free(&pm);
    ck_assert_uint_eq(pool.stats.swapped, 0);
    ck_assert_uint_eq(pool.stats.resident, 0);
    ck_assert_int_eq(physmem_init(&pm, RAM), 0);   /* for teardown */
    unlink(swap_path);
}
END_TEST

static int swapped_out(struct physmem *m, uint32_t gpa)
{
    struct p2m_entry scratch;
    return (physmem_peek(m, gpa, &scratch)->flags & P2M_F_SWAPPED) != 0;
}

START_TEST(the_clock_spares_a_page_referenced_since_its_last_pass)
{
    open_swap();
    hostpool_set_limit(&pool, 8);
    for (uint32_t i = 0; i < 8; i++)
        physmem_write(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4, i + 1);
    /* The first eviction clears every referenced bit and takes the page
     * at the hand. */
    physmem_write(&pm, 0x108000, 4, 9);
    ck_assert(swapped_out(&pm, 0x100000));
    /* Page 1 is used again; page 2 is not: the hand spares 1, takes 2. */
    ck_assert_uint_eq(physmem_read(&pm, 0x101000, 4), 2);
    physmem_write(&pm, 0x109000, 4, 10);
    ck_assert(!swapped_out(&pm, 0x101000));
    ck_assert(swapped_out(&pm, 0x102000));
    ck_assert_uint_eq(pool.stats.swap_outs, 2);
    for (uint32_t i = 0; i < 10; i++)
        ck_assert_uint_eq(physmem_read(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4), i + 1);
    unlink(swap_path);
}
END_TEST

START_TEST(one_machine_can_evict_another_machines_page)
{
    struct physmem other;
    ck_assert_int_eq(physmem_init(&other, RAM), 0);
    ck_assert_int_eq(physmem_set_pool(&other, &pool), 0);
    open_swap();
    hostpool_set_limit(&pool, 16);
    for (uint32_t i = 0; i < 16; i++)
        physmem_write(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4, 0x1000 + i);
    for (uint32_t i = 0; i < 16; i++)
        physmem_write(&other, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4, 0x2000 + i);
    ck_assert_uint_eq(pool.stats.resident, 16);
    ck_assert_uint_gt(pm.stats.swapped_pages, 0);
    for (uint32_t i = 0; i < 16; i++) {
        ck_assert_uint_eq(physmem_read(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4), 0x1000 + i);
        ck_assert_uint_eq(physmem_read(&other, 0x100000 + i * PHYSMEM_PAGE_SIZE, 4), 0x2000 + i);
    }
    ck_assert_uint_le(pool.stats.peak_resident, 16);
    physmem_free(&other);
    unlink(swap_path);
}
END_TEST

static jmp_buf exhausted_jmp;
static char exhausted_msg[256];

static void on_exhausted(void *opaque, const char *msg)
{
    (void)opaque;
    snprintf(exhausted_msg, sizeof exhausted_msg, "%s", msg);
    longjmp(exhausted_jmp, 1);
}

START_TEST(a_full_pool_without_swap_fails_with_one_line)
{
    hostpool_set_limit(&pool, 8);
    hostpool_set_exhausted(&pool, on_exhausted, NULL);
    volatile uint32_t written = 0;
    if (setjmp(exhausted_jmp) == 0) {
        for (uint32_t i = 0; i < 20; i++) {
            physmem_write(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, 1, 1);
            written = i + 1;
        }
        ck_abort_msg("the pool never ran out");
    }
    ck_assert_uint_eq(written, 8);
    ck_assert_uint_eq(pool.stats.resident, 8);
    ck_assert_ptr_nonnull(strstr(exhausted_msg, "--host-mem"));
    ck_assert_ptr_nonnull(strstr(exhausted_msg, "--swap"));
    ck_assert_ptr_null(strchr(exhausted_msg, '\n'));
}
END_TEST

START_TEST(swap_refuses_a_file_with_contents)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/s86-swap-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "keep", 4), 4);
    close(fd);
    char err[256];
    ck_assert_int_eq(hostpool_set_swap(&pool, path, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not empty"));
    FILE *f = fopen(path, "rb");
    char buf[8] = {0};
    ck_assert_int_eq(fread(buf, 1, sizeof buf, f), 4);
    fclose(f);
    ck_assert_str_eq(buf, "keep");
    unlink(path);
}
END_TEST

START_TEST(balloon_release_and_reclaim)
{
    fill(&pm, 0x200000, 1);
    fill(&pm, 0x201000, 1);
    ck_assert_uint_eq(pool.stats.resident, 2);
    ck_assert_int_eq(physmem_release_page(&pm, 0x200000), 0);
    ck_assert_int_eq(physmem_release_page(&pm, 0x200000), 0);   /* twice: once counted */
    ck_assert_uint_eq(pool.stats.resident, 1);
    ck_assert_uint_eq(pool.stats.ballooned, 1);
    ck_assert_uint_eq(pm.stats.ballooned_pages, 1);
    ck_assert_uint_eq(physmem_read(&pm, 0x200000, 4), 0);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x200000), pm.zero_page);
    ck_assert_int_eq(physmem_reclaim_page(&pm, 0x200000), 0);
    ck_assert_uint_eq(pool.stats.ballooned, 0);
    /* A write to a released page takes it back too. */
    ck_assert_int_eq(physmem_release_page(&pm, 0x201000), 0);
    ck_assert_uint_eq(pool.stats.ballooned, 1);
    physmem_write8(&pm, 0x201000, 9);
    ck_assert_uint_eq(pool.stats.ballooned, 0);
    ck_assert_uint_eq(pool.stats.resident, 1);
    ck_assert_int_eq(physmem_release_page(&pm, RAM), -1);
    ck_assert_int_eq(physmem_reclaim_page(&pm, RAM), -1);
    /* A machine that goes takes its balloon's count with it. */
    struct physmem other;
    ck_assert_int_eq(physmem_init(&other, RAM), 0);
    ck_assert_int_eq(physmem_set_pool(&other, &pool), 0);
    ck_assert_int_eq(physmem_release_page(&other, 0x1000), 0);
    ck_assert_uint_eq(pool.stats.ballooned, 1);
    physmem_free(&other);
    ck_assert_uint_eq(pool.stats.ballooned, 0);
}
END_TEST

START_TEST(scanning_is_deterministic_and_bounded)
{
    struct hostpool pool2;
    struct physmem pm2;
    ck_assert_int_eq(hostpool_init(&pool2), 0);
    ck_assert_int_eq(physmem_init(&pm2, RAM), 0);
    ck_assert_int_eq(physmem_set_pool(&pm2, &pool2), 0);
    for (uint32_t i = 0; i < 64; i++) {
        fill(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE, (uint8_t)(i % 8));
        fill(&pm2, 0x100000 + i * PHYSMEM_PAGE_SIZE, (uint8_t)(i % 8));
    }
    /* The same calls on the same memory do the same, a bounded amount each. */
    for (int round = 0; round < 200; round++) {
        uint64_t before = pool.stats.scanned;
        physmem_share_scan(&pm, 10);
        physmem_share_scan(&pm2, 10);
        ck_assert_uint_le(pool.stats.scanned - before, 10);
        ck_assert_uint_eq(pool.stats.scanned, pool2.stats.scanned);
        ck_assert_uint_eq(pool.stats.merges, pool2.stats.merges);
        ck_assert_uint_eq(pool.stats.resident, pool2.stats.resident);
        ck_assert_uint_eq(pm.scan_hand, pm2.scan_hand);
    }
    /* 8 distinct contents remain, each once in the pool. */
    ck_assert_uint_eq(pool.stats.resident, 8);
    ck_assert_uint_eq(pool.stats.shared_refs, 64);
    for (uint32_t i = 8; i < 64; i++)
        ck_assert(same_bytes(&pm, 0x100000 + i * PHYSMEM_PAGE_SIZE,
                             0x100000 + (i % 8) * PHYSMEM_PAGE_SIZE));
    physmem_free(&pm2);
    hostpool_free(&pool2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("overcommit");
    TCase *tc = tcase_create("pool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pool_counts_pages_against_its_limit);
    tcase_add_test(tc, identical_pages_merge_and_writes_break_the_share);
    tcase_add_test(tc, pages_differing_in_the_last_byte_never_merge);
    tcase_add_test(tc, a_forced_hash_collision_never_merges_different_pages);
    tcase_add_test(tc, a_page_written_back_to_zero_merges_into_the_zero_page);
    tcase_add_test(tc, pages_merge_across_machines_of_one_pool);
    tcase_add_test(tc, cow_break_through_the_tlb_in_nested_mode);
    tcase_add_test(tc, cow_break_through_the_tlb_in_shadow_mode);
    tcase_add_test(tc, swapped_pages_keep_their_bytes_every_way_back_in);
    tcase_add_test(tc, the_clock_spares_a_page_referenced_since_its_last_pass);
    tcase_add_test(tc, one_machine_can_evict_another_machines_page);
    tcase_add_test(tc, a_full_pool_without_swap_fails_with_one_line);
    tcase_add_test(tc, swap_refuses_a_file_with_contents);
    tcase_add_test(tc, balloon_release_and_reclaim);
    tcase_add_test(tc, scanning_is_deterministic_and_bounded);
    suite_add_tcase(s, tc);
    return check_run(s);
}
