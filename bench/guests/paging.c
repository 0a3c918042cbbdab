/* Paging heavy: several address spaces built from 4 KiB pages, CR3 switched
 * over and over, many pages touched after each switch (every first touch
 * is a TLB miss), PTEs rewritten and INVLPG'd while a space is live.
 *
 * Every address space maps the low 24 MiB one to one (code, data, stack,
 * the page tables, the pool) through six shared page tables, and a
 * private 4 MiB window at WINDOW_BASE whose 1,024 pages point into an
 * 8 MiB pool of physical frames at POOL_BASE.  Windows of different
 * spaces alias the same frames, so a write through one space is read
 * through another.
 *
 * The native twin cannot page, so both builds keep the same table
 * map[space][page] -> frame: the guest reaches a page through its virtual
 * window address (the MMU does the lookup), the native build through
 * pool + frame * 4096.  The checksums agree only if the MMU honoured every
 * mapping, every CR3 switch and every INVLPG. */
#include "rt.h"

const char bench_name[] = "paging";

#define SPACES 8
#define WINDOW_PAGES 1024               /* one page table per space */
#define POOL_FRAMES 2048                /* 8 MiB of frames */
#define POOL_WORDS (POOL_FRAMES * 1024)
#define ROUNDS 120
#define PAGE_WORDS 1024

#define PTE_P 0x001u
#define PTE_W 0x002u

static uint16_t map[SPACES][WINDOW_PAGES];

/* Frame of window page i of space s in round r: an odd multiplier makes
 * it one to one within a space; spaces overlap one another. */
static uint32_t frame_for(uint32_t s, uint32_t i, uint32_t r)
{
    return (i * 1237u + s * 311u + r * 97u) & (POOL_FRAMES - 1);
}

#ifdef BENCH_NATIVE
static uint32_t pool[POOL_WORDS];

static uint32_t *pool_word(uint32_t frame, uint32_t word) { return &pool[frame * PAGE_WORDS + word]; }
static uint32_t *page_word(uint32_t s, uint32_t i, uint32_t word) { return pool_word(map[s][i], word); }
static void space_switch(uint32_t s) { (void)s; }
static void space_map(uint32_t s, uint32_t i, uint32_t frame, int live)
{
    (void)live;
    map[s][i] = (uint16_t)frame;
}
static void paging_start(void) {}
#else
#define POOL_BASE 0x01000000u           /* 16 MiB */
#define WINDOW_BASE 0x40000000u         /* PDE 256 */
#define IDENTITY_TABLES 6               /* 24 MiB: also the pool itself */

typedef uint32_t page_table[1024] __attribute__((aligned(4096)));
static page_table directory[SPACES];
static page_table identity[IDENTITY_TABLES];
static page_table window[SPACES];

static uint32_t *pool_word(uint32_t frame, uint32_t word)
{
    return (uint32_t *)(POOL_BASE + frame * 4096u) + word;
}

static uint32_t *page_word(uint32_t s, uint32_t i, uint32_t word)
{
    (void)s;
    return (uint32_t *)(WINDOW_BASE + i * 4096u) + word;
}

static void space_switch(uint32_t s)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)directory[s]) : "memory");
}

/* Point window page i of space s at frame; when s is the live space the
 * stale translation is dropped with INVLPG. */
static void space_map(uint32_t s, uint32_t i, uint32_t frame, int live)
{
    map[s][i] = (uint16_t)frame;
    window[s][i] = (POOL_BASE + frame * 4096u) | PTE_P | PTE_W;
    if (live)
        __asm__ volatile("invlpg (%0)" : : "r"(WINDOW_BASE + i * 4096u) : "memory");
}

static void paging_start(void)
{
    for (uint32_t t = 0; t < IDENTITY_TABLES; t++)
        for (uint32_t e = 0; e < 1024; e++)
            identity[t][e] = ((t * 1024u + e) * 4096u) | PTE_P | PTE_W;
    for (uint32_t s = 0; s < SPACES; s++) {
        for (uint32_t t = 0; t < IDENTITY_TABLES; t++)
            directory[s][t] = (uint32_t)identity[t] | PTE_P | PTE_W;
        directory[s][WINDOW_BASE >> 22] = (uint32_t)window[s] | PTE_P | PTE_W;
    }
    space_switch(0);
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x80000000u) : "memory");
}
#endif

uint32_t bench_main(void)
{
    /* The pool gets known contents first (physical addresses: paging is
     * still off in the guest). */
    for (uint32_t w = 0; w < POOL_WORDS; w++)
        *pool_word(w >> 10, w & 1023) = w * 2654435761u;
    for (uint32_t s = 0; s < SPACES; s++)
        for (uint32_t i = 0; i < WINDOW_PAGES; i++)
            space_map(s, i, frame_for(s, i, 0), 0);
    paging_start();

    uint32_t sum = 0;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t s = 0; s < SPACES; s++) {
            space_switch(s);
            for (uint32_t k = 0; k < WINDOW_PAGES; k++) {
                uint32_t i = (k * 389u + s + r) & (WINDOW_PAGES - 1);
                uint32_t *p = page_word(s, i, (k * 13u + s) & (PAGE_WORDS - 1));
                uint32_t v = *p;
                *p = v + k + r;
                sum = (sum << 5 | sum >> 27) ^ v;
                if ((k & 63) == 63) /* remap a page of the live space */
                    space_map(s, i, frame_for(s, i, r + 1 + k), 1);
            }
        }
        /* Move every window of one space; its next CR3 load makes it live. */
        uint32_t moved = r % SPACES;
        for (uint32_t i = 0; i < WINDOW_PAGES; i++)
            space_map(moved, i, frame_for(moved, i, r + 1), 0);
    }
    for (uint32_t w = 0; w < POOL_WORDS; w += 4099)
        sum += *pool_word(w >> 10, w & 1023);
    return sum;
}
