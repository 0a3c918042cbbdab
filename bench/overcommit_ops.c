/* Host cost of the overcommit mechanisms (docs/overcommit.md), not a test:
 * the sharing scanner (pages hashed per second, distinct and identical
 * pages), a copy-on-write break, and a page brought back from swap.
 *
 *   gcc -O2 -std=c11 -D_GNU_SOURCE -I. bench/overcommit_ops.c mmu/physmem.c \
 *       mmu/hostpool.c mmu/pageshare.c mmu/pageswap.c base/hash64.c -o /tmp/overcommit_ops
 *   /tmp/overcommit_ops [SWAPFILE]
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmu/physmem.h"

#define RAM (64u << 20)
#define PAGES (RAM >> 12)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fill(struct physmem *pm, uint32_t page, uint32_t seed)
{
    uint8_t *p = physmem_write_page(pm, page << 12);
    for (unsigned i = 0; i < 4096; i += 4)
        memcpy(p + i, &(uint32_t){ seed * 2654435761u + i }, 4);
}

int main(int argc, char **argv)
{
    const char *swap = argc > 1 ? argv[1] : "/tmp/overcommit_ops.swap";
    struct hostpool pool;
    struct physmem pm;
    char err[256];
    hostpool_init(&pool);
    physmem_init(&pm, RAM);
    physmem_set_pool(&pm, &pool);

    /* Scanner over distinct pages: every page hashed, nothing merges. */
    for (uint32_t i = 0; i < PAGES; i++)
        fill(&pm, i, i);
    physmem_share_scan(&pm, PAGES);   /* first visit: checksums */
    double t0 = now();
    physmem_share_scan(&pm, PAGES);
    double t1 = now();
    printf("scan, distinct pages:  %8.0f pages/s (%u pages, %llu merged)\n",
           PAGES / (t1 - t0), PAGES, (unsigned long long)pool.stats.merges);

    /* Scanner over identical pages: hashed, compared and merged. */
    for (uint32_t i = 0; i < PAGES; i++)
        fill(&pm, i, i % 16);
    physmem_share_scan(&pm, PAGES);
    t0 = now();
    physmem_share_scan(&pm, PAGES);
    t1 = now();
    printf("scan, identical pages: %8.0f pages/s (%llu merges, %llu host pages left)\n",
           PAGES / (t1 - t0), (unsigned long long)pool.stats.merges,
           (unsigned long long)pool.stats.resident);

    /* Copy-on-write: the first store to each shared page. */
    uint64_t breaks = pool.stats.cow_breaks;
    t0 = now();
    for (uint32_t i = 0; i < PAGES; i++)
        physmem_write(&pm, i << 12, 4, 0xFFFFFFFFu);
    t1 = now();
    breaks = pool.stats.cow_breaks - breaks;
    printf("copy-on-write break:   %8.0f ns each (%llu breaks)\n", (t1 - t0) * 1e9 / (double)breaks,
           (unsigned long long)breaks);

    /* Swap: a pool of 1/4 of the pages, then every page read in turn
     * (LRU's worst case: each read is a swap-in and an eviction). */
    if (hostpool_set_swap(&pool, swap, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    for (uint32_t i = 0; i < PAGES; i++) {   /* start again from the zero page */
        physmem_release_page(&pm, i << 12);
        physmem_reclaim_page(&pm, i << 12);
    }
    hostpool_set_limit(&pool, PAGES / 4);
    for (uint32_t i = 0; i < PAGES; i++)   /* evicts once at the limit */
        physmem_write(&pm, i << 12, 4, i);
    uint64_t ins = pool.stats.swap_ins;
    uint32_t sum = 0;
    t0 = now();
    for (uint32_t i = 0; i < PAGES; i++)
        sum += physmem_read(&pm, i << 12, 4);
    t1 = now();
    ins = pool.stats.swap_ins - ins;
    printf("swap-in (+ eviction):  %8.0f ns each (%llu swap-ins, %llu swap-outs in all, sum %08x)\n",
           (t1 - t0) * 1e9 / (double)ins, (unsigned long long)ins,
           (unsigned long long)pool.stats.swap_outs, sum);
    physmem_free(&pm);
    hostpool_free(&pool);
    unlink(swap);
    return 0;
}
