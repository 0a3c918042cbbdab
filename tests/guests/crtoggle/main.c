/* crtoggle guest: what MOV to CR0/CR4 does to cached translations. With
 * paging on it toggles CR0.WP and CR4.PGE in a loop (the command line
 * gives the rounds, default 1000) around supervisor stores to a
 * read-only page, which must fault exactly when WP = 1, and reads of 64
 * pages; before paging it toggles CR4.PSE/PGE and CR0.WP, which change
 * no translation. tests/guests/crtoggle/run_flushes.sh checks the
 * software TLB's flush counters from --stats; the output is the same in
 * both MMU modes. */
#include "guest_cpu.h"

#define P 1u
#define RW 2u
#define G 0x100u
#define CR0_WP 0x10000u
#define CR0_PG 0x80000000u
#define CR4_PGE 0x80u
#define CR4_PSE 0x10u
#define RO_VA 0x40000000u

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];
static volatile u32 pd[1024] __attribute__((aligned(4096)));
static volatile u32 pt_id[4][1024] __attribute__((aligned(4096)));   /* 0-16 MiB, global */
static volatile u32 pt_ro[1024] __attribute__((aligned(4096)));
static volatile u32 target[1024] __attribute__((aligned(4096)));   /* RO_VA aliases it */
static volatile u32 data[64][1024] __attribute__((aligned(4096)));
extern volatile u32 pf_count;
void pf_handler(void);

struct multiboot_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

/* A supervisor store to the read-only alias: faults (and is skipped) or
 * lands in target[0]. */
static void store_ro(u32 v)
{
    __asm__ volatile(".byte 0x89, 0x03" : : "a"(v), "b"(RO_VA) : "memory");   /* movl %eax,(%ebx) */
}

u32 guest_main(u32 magic, const struct multiboot_info *mbi);
u32 guest_main(u32 magic, const struct multiboot_info *mbi)
{
    u32 rounds = 0;
    if (magic != 0x2BADB002u)
        return 2;
    if (mbi->flags & 4)
        for (const char *c = cmdline_args((const char *)mbi->cmdline); *c >= '0' && *c <= '9'; c++)
            rounds = rounds * 10 + (u32)(*c - '0');
    if (!rounds)
        rounds = 1000;

    idt[14] = idt_gate((u32)pf_handler, 0);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    puts("crtoggle guest\n");

    /* Without paging these bits change no translation. */
    for (u32 i = 0; i < 100; i++) {
        write_cr4(read_cr4() ^ (CR4_PSE | CR4_PGE));
        write_cr0(read_cr0() ^ CR0_WP);
    }
    write_cr4(0);
    write_cr0(read_cr0() & ~CR0_WP);

    for (u32 i = 0; i < 4096; i++)
        pt_id[i >> 10][i & 1023] = (i << 12) | P | RW | G;
    pt_ro[0] = (u32)target | P;                  /* read-only, supervisor, not global */
    for (u32 i = 0; i < 4; i++)
        pd[i] = (u32)pt_id[i] | P | RW;
    pd[RO_VA >> 22] = (u32)pt_ro | P | RW;
    __asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
    write_cr4(CR4_PGE);
    write_cr0(read_cr0() | CR0_PG);

    u32 sum = 0, bad = 0;
    for (u32 r = 0; r < rounds; r++) {
        /* WP = 0: the store lands; WP = 1: it faults. */
        write_cr0(read_cr0() & ~CR0_WP);
        store_ro(r);
        if (target[0] != r || pf_count != r)
            bad++;
        sum += *(volatile u32 *)RO_VA;
        write_cr0(read_cr0() | CR0_WP);
        store_ro(~r);
        if (target[0] != r || pf_count != r + 1)
            bad++;
        for (u32 p = 0; p < 64; p++)
            sum += data[p][r & 1023] += p;
        write_cr4(read_cr4() & ~CR4_PGE);
        write_cr4(read_cr4() | CR4_PGE);
    }
    write_cr0(read_cr0() & ~CR0_PG);
    puts("rounds ");
    putdec64(rounds);
    puts(", faults ");
    putdec64(pf_count);
    puts(", bad ");
    putdec64(bad);
    puts(", checksum ");
    puthex32(sum);
    puts("\n");
    return bad != 0;
}
