/* pagebench guest: a paging-heavy workload for comparing --mmu modes.
 * Four address spaces, each mapping 512 pages (2 MiB, twice the software
 * TLB) of its own frames at 0x40000000; every round switches to each
 * space in turn and reads and writes every page, then remaps one page per
 * space (PTE store + INVLPG). Nearly every page touch misses the TLB, so
 * the cost of a fill dominates: a two-stage walk in nested mode, a shadow
 * lookup in shadow mode. The checksum is the same in both. The command
 * line gives the number of rounds (default 100); with a 'w' after it,
 * every round also rewrites all 512 PTEs of each space (page-table churn,
 * which costs shadow mode a write trap per PTE). */
#include "guest.h"

#define SPACES 4u
#define PAGES 512u
#define VA 0x40000000u
#define FRAMES 0x00800000u     /* 8 MiB + space * 2 MiB + page * 4 KiB */
#define P 1u
#define RW 2u

static volatile u32 pd[SPACES][1024] __attribute__((aligned(4096)));
static volatile u32 pt[SPACES][1024] __attribute__((aligned(4096)));
static volatile u32 pt_id[4][1024] __attribute__((aligned(4096)));   /* 0-16 MiB */

static u32 frame(u32 s, u32 p) { return FRAMES + s * (PAGES * 4096u) + p * 4096u; }

struct multiboot_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

u32 guest_main(u32 magic, const struct multiboot_info *mbi);
u32 guest_main(u32 magic, const struct multiboot_info *mbi)
{
    if (magic != 0x2BADB002u)
        return 2;
    u32 rounds = 0, churn = 0;
    if (mbi->flags & 4) {
        const char *c = cmdline_args((const char *)mbi->cmdline);
        for (; *c >= '0' && *c <= '9'; c++)
            rounds = rounds * 10 + (u32)(*c - '0');
        churn = *c == 'w';
    }
    if (!rounds)
        rounds = 100;
    for (u32 i = 0; i < 4096; i++)
        pt_id[i >> 10][i & 1023] = (i << 12) | P | RW;
    for (u32 s = 0; s < SPACES; s++) {
        for (u32 t = 0; t < 4; t++)
            pd[s][t] = (u32)pt_id[t] | P | RW;
        pd[s][VA >> 22] = (u32)pt[s] | P | RW;
        for (u32 p = 0; p < PAGES; p++) {
            pt[s][p] = frame(s, p) | P | RW;
            *(volatile u32 *)frame(s, p) = s * 1000u + p;
        }
    }
    __asm__ volatile("mov %0, %%cr3\n\tmov %%cr0, %%eax\n\tor $0x80000000, %%eax\n\t"
                     "mov %%eax, %%cr0" : : "r"((u32)pd[0]) : "eax", "memory");
    u32 sum = 0;
    for (u32 r = 0; r < rounds; r++) {
        for (u32 s = 0; s < SPACES; s++) {
            __asm__ volatile("mov %0, %%cr3" : : "r"((u32)pd[s]) : "memory");
            for (u32 p = 0; p < PAGES; p++) {
                volatile u32 *w = (volatile u32 *)(VA + p * 4096u);
                sum = sum * 31u + *w;
                w[1 + (r & 7)] = sum;
            }
        }
        if (churn)
            for (u32 s = 0; s < SPACES; s++)
                for (u32 p = 0; p < PAGES; p++)
                    pt[s][p] = frame(s, (p + r) % PAGES) | P | RW;
        /* Swap two pages of each space: PTE stores, then INVLPG. */
        for (u32 s = 0; s < SPACES; s++) {
            u32 a = r % PAGES, b = (r * 7u + 3u) % PAGES;
            u32 ea = pt[s][a], eb = pt[s][b];
            pt[s][a] = eb;
            pt[s][b] = ea;
            __asm__ volatile("invlpg (%0)\n\tinvlpg (%1)" : : "r"(VA + a * 4096u),
                             "r"(VA + b * 4096u) : "memory");
        }
    }
    __asm__ volatile("mov %%cr0, %%eax\n\tand $0x7FFFFFFF, %%eax\n\tmov %%eax, %%cr0"
                     : : : "eax", "memory");
    puts("pagebench: ");
    putdec64((u64)rounds * SPACES * PAGES);
    puts(" page visits, checksum ");
    puthex32(sum);
    putc('\n');
    return 0;
}
