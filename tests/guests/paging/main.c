/* paging guest: builds page tables and checks from inside what paging
 * does: map/unmap/remap with INVLPG, accessed and dirty bits, CR0.WP,
 * not-present faults (data and instruction fetch, an instruction that
 * straddles into a missing page), aliases, writes to its own page tables
 * through a self-mapping, several address spaces switched by CR3, global
 * pages, PSE 4 MiB pages, user-mode (CPL 3) accesses against U/S and
 * R/W, demand paging from the #PF handler, then PAE:
 * 2 MiB pages, NX with EFER.NXE, reserved bits, a PDPTE refused at MOV
 * to CR3, and a frame above 4 GiB. Every #PF's error code and CR2 are
 * printed: the output is the same under --mmu=nested and --mmu=shadow.
 *
 * Physical layout: the kernel at 1 MiB, test frames at 6 MiB (identity-
 * mapped, so their contents can be set and checked directly). */
#include "guest.h"

#define FAULT_MARK 0xFA17FA17u
#define P 0x001u
#define RW 0x002u
#define US 0x004u
#define A 0x020u
#define D 0x040u
#define PS 0x080u
#define G 0x100u
#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u

#define VA 0x40000000u                   /* the test window: pt_a */
#define VPAGE(i) (VA + (u32)(i) * 4096u)
#define FRAME(i) (0x600000u + (u32)(i) * 4096u)

struct frame {
    u32 edi, esi, ebp, esp_, ebx, edx, ecx, eax;
    u32 err, eip, cs, eflags;
};

volatile u32 recover_eip;
static volatile u32 faults, last_err, last_cr2, last_vec;
static volatile int demand_paging;
static u32 demand_next = FRAME(64);
static int failures;

u32 probe_read(u32 addr);
u32 probe_write(u32 addr, u32 value);
u32 probe_call(u32 addr);
u32 probe_load_cr3(u32 value);
void pf_stub(void);
void gp_stub(void);
void syscall_stub(void);
void run_user(u32 fn, u32 user_esp);

static volatile u32 pd_a[1024] __attribute__((aligned(4096)));
static volatile u32 pd_b[1024] __attribute__((aligned(4096)));
static volatile u32 pd_c[1024] __attribute__((aligned(4096)));
static volatile u32 pt_id[2][1024] __attribute__((aligned(4096)));   /* 0-8 MiB identity */
static volatile u32 pt_a[1024] __attribute__((aligned(4096)));
static volatile u32 pt_b[1024] __attribute__((aligned(4096)));
static volatile u32 pt_c[1024] __attribute__((aligned(4096)));
static volatile u64 pdpt[4] __attribute__((aligned(4096)));
static volatile u64 pdpt_bad[4] __attribute__((aligned(32)));
static volatile u64 pae_pd0[512] __attribute__((aligned(4096)));
static volatile u64 pae_pd1[512] __attribute__((aligned(4096)));
static volatile u64 pae_pt[512] __attribute__((aligned(4096)));

/* Null, kernel code 0x08, kernel data 0x10, user code 0x1B, user data
 * 0x23, TSS 0x28 (filled in at run time). */
static u64 gdt[6] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull, 0x00CFFA000000FFFFull,
                      0x00CFF2000000FFFFull, 0 };
static u32 tss[26];
static u8 ring0_stack[4096] __attribute__((aligned(16)));
static u8 user_stack[4096] __attribute__((aligned(16)));
static volatile u32 user_result[8];
static u64 idt[256];

static u32 cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static void set_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static u32 cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static void set_cr4(u32 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static void set_cr3(u32 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static void invlpg(u32 va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static u32 rd(u32 va) { return *(volatile u32 *)va; }
static void wr(u32 va, u32 v) { *(volatile u32 *)va = v; }

void fault_handler(struct frame *f, u32 cr2, u32 vector);
void fault_handler(struct frame *f, u32 cr2, u32 vector)
{
    faults++;
    last_err = f->err;
    last_cr2 = cr2;
    last_vec = vector;
    if (recover_eip) {
        f->eip = recover_eip;
        f->eax = FAULT_MARK;
        recover_eip = 0;
        return;
    }
    if (vector == 14 && demand_paging && (cr2 >> 22) == (VA >> 22)) {
        pt_a[(cr2 >> 12) & 1023] = demand_next | P | RW;
        wr(demand_next, cr2 & ~0xFFFu);   /* identity-mapped: fill it */
        demand_next += 4096;
        return;   /* the access is retried */
    }
    puts("unexpected fault: vector ");
    puthex32(vector);
    puts(" err ");
    puthex32(f->err);
    puts(" eip ");
    puthex32(f->eip);
    puts(" cr2 ");
    puthex32(cr2);
    putc('\n');
    guest_exit(3);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        puts("FAIL: ");
        puts(what);
        putc('\n');
    }
}

/* One line per expected fault: what was done, the value the probe gave,
 * and the fault's vector, error code and CR2. */
static void expect_fault(const char *what, u32 got, u32 vec, u32 err, u32 cr2)
{
    puts(what);
    puts(": vec ");
    puthex32(last_vec);
    puts(" err ");
    puthex32(last_err);
    puts(" cr2 ");
    puthex32(last_cr2);
    putc('\n');
    check(got == FAULT_MARK && last_vec == vec && last_err == err && last_cr2 == cr2, what);
    last_vec = last_err = last_cr2 = 0;
}

static void show(const char *what, u32 v)
{
    puts(what);
    puts(": ");
    puthex32(v);
    putc('\n');
}

static void setup_cpu_tables(void)
{
    struct { u16 limit; u32 base; } __attribute__((packed)) gdtr = { sizeof gdt - 1, (u32)gdt },
                                                            idtr = { sizeof idt - 1, (u32)idt };
    u32 pf = (u32)pf_stub, gp = (u32)gp_stub, sc = (u32)syscall_stub;
    idt[14] = (pf & 0xFFFFu) | (0x08ull << 16) | (0x8E00ull << 32) | ((u64)(pf >> 16) << 48);
    idt[13] = (gp & 0xFFFFu) | (0x08ull << 16) | (0x8E00ull << 32) | ((u64)(gp >> 16) << 48);
    /* INT 0x80 from ring 3 returns to the kernel: a DPL-3 interrupt gate. */
    idt[0x80] = (sc & 0xFFFFu) | (0x08ull << 16) | (0xEE00ull << 32) | ((u64)(sc >> 16) << 48);
    /* A 32-bit TSS: only SS0:ESP0 matter (the stack for ring 3 → 0). */
    u32 t = (u32)tss;
    tss[1] = (u32)ring0_stack + sizeof ring0_stack;   /* ESP0 */
    tss[2] = 0x10;                                    /* SS0 */
    gdt[5] = (sizeof tss - 1) | ((u64)(t & 0xFFFFFFu) << 16) | (0x89ull << 40) |
             ((u64)(t >> 24) << 56);
    __asm__ volatile("lgdt %0\n\tlidt %1\n\t"
                     "ljmp $0x08, $1f\n1:\n\t"
                     "mov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%ss\n\t"
                     "mov $0x28, %%ax\n\tltr %%ax"
                     : : "m"(gdtr), "m"(idtr) : "eax", "memory");
}

/* Space A, B, C share the identity map of 0-8 MiB; each maps the test
 * window through its own page table. */
static void build_spaces(void)
{
    for (u32 i = 0; i < 2048; i++)
        pt_id[i >> 10][i & 1023] = (i << 12) | P | RW | US;
    volatile u32 *pds[3] = { pd_a, pd_b, pd_c };
    volatile u32 *pts[3] = { pt_a, pt_b, pt_c };
    for (int s = 0; s < 3; s++) {
        pds[s][0] = (u32)pt_id[0] | P | RW | US;
        pds[s][1] = (u32)pt_id[1] | P | RW | US;
        pds[s][VA >> 22] = (u32)pts[s] | P | RW | US;
        pts[s][0] = FRAME(20 + s) | P | RW;
        wr(FRAME(20 + s), 0xA0A0A0A0u + (u32)s);
    }
}

static void test_map_unmap_remap(void)
{
    wr(FRAME(1), 0x11111111u);
    wr(FRAME(2), 0x22222222u);
    pt_a[1] = FRAME(1) | P | RW;
    invlpg(VPAGE(1));
    show("map: read", rd(VPAGE(1)));
    wr(VPAGE(1) + 4, 0x1111AAAAu);
    check(rd(FRAME(1) + 4) == 0x1111AAAAu, "map: write reaches the frame");
    pt_a[1] = 0;
    invlpg(VPAGE(1));
    expect_fault("unmap: read", probe_read(VPAGE(1) + 0x10), 14, 0, VPAGE(1) + 0x10);
    expect_fault("unmap: write", probe_write(VPAGE(1) + 0x20, 5), 14, 2, VPAGE(1) + 0x20);
    pt_a[1] = FRAME(2) | P | RW;
    invlpg(VPAGE(1));
    show("remap: read", rd(VPAGE(1)));
}

static void test_accessed_dirty(void)
{
    pt_a[3] = FRAME(3) | P | RW;
    invlpg(VPAGE(3));
    show("A/D fresh", pt_a[3] & (A | D));
    (void)rd(VPAGE(3));
    show("A/D after read", pt_a[3] & (A | D));
    wr(VPAGE(3), 1);
    show("A/D after write", pt_a[3] & (A | D));
    pt_a[3] &= ~(A | D);
    invlpg(VPAGE(3));
    (void)rd(VPAGE(3) + 8);
    show("A/D cleared, read", pt_a[3] & (A | D));
    wr(VPAGE(3) + 8, 2);
    show("A/D cleared, write", pt_a[3] & (A | D));
    check((pd_a[VA >> 22] & A) == A, "A/D: the PDE is accessed");
}

static void test_write_protect(void)
{
    pt_a[4] = FRAME(4) | P;   /* read-only */
    invlpg(VPAGE(4));
    show("WP=0: supervisor write to read-only", probe_write(VPAGE(4), 0x4444));
    check(rd(FRAME(4)) == 0x4444, "WP=0: the write happened");
    set_cr0(cr0() | CR0_WP);
    expect_fault("WP=1: supervisor write to read-only", probe_write(VPAGE(4) + 12, 1), 14, 3,
                 VPAGE(4) + 12);
    show("WP=1: read still works", rd(VPAGE(4)));
    set_cr0(cr0() & ~CR0_WP);
    expect_fault("missing PDE: write", probe_write(0x7FC00040u, 1), 14, 2, 0x7FC00040u);
}

static void test_fetch_faults(void)
{
    static const u8 code[6] = { 0xB8, 0x34, 0x12, 0x00, 0x00, 0xC3 };   /* mov eax,0x1234; ret */
    pt_a[5] = 0;
    invlpg(VPAGE(5));
    expect_fault("fetch from a missing page", probe_call(VPAGE(5)), 14, 0, VPAGE(5));
    memcpy((void *)FRAME(5), code, sizeof code);
    pt_a[5] = FRAME(5) | P;
    invlpg(VPAGE(5));
    show("fetch after mapping", probe_call(VPAGE(5)));
    /* The opcode on the last byte of a page, the rest on a missing one:
     * the fault names the missing page. */
    *(volatile u8 *)(FRAME(6) + 0xFFF) = 0xB8;
    memcpy((void *)FRAME(7), code + 1, sizeof code - 1);
    pt_a[6] = FRAME(6) | P;
    pt_a[7] = 0;
    invlpg(VPAGE(6));
    invlpg(VPAGE(7));
    expect_fault("instruction straddling into a missing page", probe_call(VPAGE(6) + 0xFFF), 14,
                 0, VPAGE(7));
    pt_a[7] = FRAME(7) | P;
    invlpg(VPAGE(7));
    show("straddling instruction after mapping", probe_call(VPAGE(6) + 0xFFF));
}

static void test_alias_and_self_map(void)
{
    pt_a[8] = FRAME(8) | P | RW;
    pt_a[9] = FRAME(8) | P | RW;
    invlpg(VPAGE(8));
    invlpg(VPAGE(9));
    wr(VPAGE(8) + 0x100, 0xA11A5ED0u);
    show("alias: read through the other address", rd(VPAGE(9) + 0x100));
    wr(VPAGE(9) + 0x104, 0x0DDBA11u);
    show("alias: and back", rd(VPAGE(8) + 0x104));

    /* pt_a mapped at VPAGE(10): its entries are writable through it. */
    wr(FRAME(11), 0xB0B0B011u);
    wr(FRAME(12), 0xB0B0B012u);
    pt_a[10] = (u32)pt_a | P | RW;
    invlpg(VPAGE(10));
    wr(VPAGE(10) + 4 * 11, FRAME(11) | P | RW);
    invlpg(VPAGE(11));
    show("self-map: new entry", rd(VPAGE(11)));
    wr(VPAGE(10) + 4 * 11, FRAME(12) | P | RW);
    invlpg(VPAGE(11));
    show("self-map: changed entry", rd(VPAGE(11)));
    show("self-map: entry read back", rd(VPAGE(10) + 4 * 11) & ~(A | D));
    show("self-map: page table's own entry A/D", pt_a[10] & (A | D));
}

static void test_address_spaces(void)
{
    u32 pds[3] = { (u32)pd_a, (u32)pd_b, (u32)pd_c };
    u32 sum = 0, wrong = 0;
    for (int round = 0; round < 6; round++)
        for (int s = 0; s < 3; s++) {
            set_cr3(pds[s]);
            u32 v = rd(VA);
            sum += v;
            wrong += v != 0xA0A0A0A0u + (u32)s;
            wr(VA + 4, (u32)round);
        }
    set_cr3(pds[0]);
    show("CR3 switches: sum of reads", sum);
    show("CR3 switches: wrong reads", wrong);
    show("CR3 switches: space C's last write", rd(FRAME(22) + 4));
    /* Changing space B's table while A is current takes effect in B. */
    pt_b[0] = FRAME(2) | P | RW;
    set_cr3(pds[1]);
    show("space B remapped while not current", rd(VA));
    set_cr3(pds[0]);
}

/* Runs at CPL 3: each probe's value (or FAULT_MARK) and each fault's
 * error code and CR2 go to user_result[] (ring 3 cannot print). */
static void user_code(void)
{
    user_result[0] = probe_read(VPAGE(15));          /* supervisor page */
    user_result[1] = last_err;
    user_result[2] = probe_write(VPAGE(16) + 8, 7);  /* user, read-only */
    user_result[3] = last_err;
    user_result[4] = probe_read(VPAGE(17));          /* not present */
    user_result[5] = last_err;
    user_result[6] = probe_read(VPAGE(16));          /* user, readable */
    user_result[7] = probe_write(VPAGE(18), 0x05E4);   /* user, writable */
    __asm__ volatile("int $0x80");
}

static void test_user_mode(void)
{
    wr(FRAME(15), 0x5E5E5E5Eu);
    wr(FRAME(16), 0x05E40016u);
    pt_a[15] = FRAME(15) | P | RW;        /* supervisor only */
    pt_a[16] = FRAME(16) | P | US;        /* user, read-only */
    pt_a[17] = 0;
    pt_a[18] = FRAME(18) | P | RW | US;   /* user, writable */
    for (u32 i = 15; i <= 18; i++)
        invlpg(VPAGE(i));
    run_user((u32)user_code, (u32)user_stack + sizeof user_stack);
    puts("CPL 3: read of a supervisor page: value ");
    puthex32(user_result[0]);
    puts(" err ");
    puthex32(user_result[1]);
    putc('\n');
    puts("CPL 3: write to a read-only page: value ");
    puthex32(user_result[2]);
    puts(" err ");
    puthex32(user_result[3]);
    putc('\n');
    puts("CPL 3: read of a missing page: value ");
    puthex32(user_result[4]);
    puts(" err ");
    puthex32(user_result[5]);
    putc('\n');
    show("CPL 3: read of a user page", user_result[6]);
    show("CPL 3: write to a user page", user_result[7]);
    show("CPL 3: written value", rd(FRAME(18)));
    show("CPL 3: user page A/D", pt_a[18] & (A | D));
    check(user_result[1] == 5 && user_result[3] == 7 && user_result[5] == 4 &&
          user_result[0] == FAULT_MARK && user_result[2] == FAULT_MARK &&
          user_result[4] == FAULT_MARK && user_result[6] == 0x05E40016u && user_result[7] == 0,
          "CPL 3: U/S and R/W");
    last_vec = last_err = last_cr2 = 0;
}

static void test_global_pages(void)
{
    set_cr4(cr4() | CR4_PGE);
    /* The kernel's identity map as global pages, as an OS does. */
    for (u32 i = 0; i < 2048; i++)
        pt_id[i >> 10][i & 1023] |= G;
    pt_a[13] = FRAME(13) | P | RW | G;
    wr(FRAME(13), 0x61061013u);
    wr(FRAME(14), 0x61061014u);
    invlpg(VPAGE(13));
    show("global: read", rd(VPAGE(13)));
    set_cr3((u32)pd_b);
    set_cr3((u32)pd_a);
    show("global: read after CR3 reloads", rd(VPAGE(13)));
    /* INVLPG drops a global translation too. */
    pt_a[13] = FRAME(14) | P | RW | G;
    invlpg(VPAGE(13));
    show("global: remapped with INVLPG", rd(VPAGE(13)));
    set_cr4(cr4() & ~CR4_PGE);
    show("global: PGE off, read", rd(VPAGE(13)));
}

static void test_pse(void)
{
    set_cr4(cr4() | CR4_PSE);
    pd_a[0x200] = 0x00800000u | P | RW | PS;   /* 0x80000000: 4 MiB at 8 MiB */
    pd_a[0x201] = 0x00800000u | P | RW | PS;   /* 0x80400000: the same 4 MiB */
    invlpg(0x80000000u);
    invlpg(0x80400000u);
    wr(0x80000000u + 0x3FF000u, 0x45E45E00u);
    show("PSE: read through the alias", rd(0x80400000u + 0x3FF000u));
    show("PSE: PDE A/D (written)", pd_a[0x200] & (A | D));
    show("PSE: alias PDE A/D (read)", pd_a[0x201] & (A | D));
    pd_a[0x202] = 0x00800000u | P | RW | PS | 0x2000u;   /* reserved bit 13 */
    invlpg(0x80800000u);
    expect_fault("PSE: reserved bit", probe_read(0x80800000u), 14, 9, 0x80800000u);
}

static void test_demand_paging(void)
{
    u32 before = faults, sum = 0;
    demand_paging = 1;
    for (u32 i = 0; i < 16; i++)
        sum += rd(VA + 0x200000u + i * 4096u + 0x10) + rd(VA + 0x200000u + i * 4096u);
    demand_paging = 0;
    show("demand paging: faults", faults - before);
    show("demand paging: sum", sum);
}

static void test_pae(void)
{
    const u64 xd = 1ull << 63;
    set_cr0(cr0() & ~CR0_PG);
    set_cr4(0);
    for (u32 i = 0; i < 4; i++)
        pae_pd0[i] = (u64)(i << 21) | P | RW | PS;   /* 0-8 MiB identity, 2 MiB pages */
    pdpt[0] = (u32)pae_pd0 | P;
    pdpt[1] = (u32)pae_pd1 | P;                      /* 0x40000000- */
    pae_pd1[0] = (u32)pae_pt | P | RW;
    pae_pd1[1] = 0x00600000u | P | RW | PS;          /* 0x40200000: 2 MiB at 6 MiB */
    pae_pt[0] = FRAME(20) | P | RW;
    pae_pt[1] = FRAME(5) | P | RW | xd;              /* the code page, not executable */
    pae_pt[2] = FRAME(1) | P | RW | (1ull << 40);    /* reserved bit */
    pae_pt[4] = 0x100000000ull | P | RW;             /* above 4 GiB: nothing there */
    __asm__ volatile("wrmsr" : : "c"(0xC0000080u), "a"(1u << 11), "d"(0u));   /* EFER.NXE */
    set_cr3((u32)pdpt);
    set_cr4(CR4_PAE);
    set_cr0(cr0() | CR0_PG);
    show("PAE: 4 KiB page", rd(VA));
    show("PAE: 2 MiB page", rd(VA + 0x200000u + 0x1000));
    show("PAE: 2 MiB PDE A/D", (u32)pae_pd1[1] & (A | D));
    show("PAE: NX page reads", rd(VPAGE(1)));
    expect_fault("PAE: fetch from an NX page", probe_call(VPAGE(1)), 14, 0x11, VPAGE(1));
    expect_fault("PAE: reserved bit, read", probe_read(VPAGE(2)), 14, 9, VPAGE(2));
    expect_fault("PAE: reserved bit, write", probe_write(VPAGE(2) + 4, 1), 14, 0xB, VPAGE(2) + 4);
    expect_fault("PAE: fetch from a missing page", probe_call(VPAGE(3)), 14, 0x10, VPAGE(3));
    show("PAE: frame above 4 GiB reads", rd(VPAGE(4)));
    pdpt_bad[0] = (u32)pae_pd0 | P | RW;             /* bit 1 is reserved in a PDPTE */
    u32 r = probe_load_cr3((u32)pdpt_bad);
    puts("PAE: bad PDPTE at MOV to CR3: vec ");
    puthex32(last_vec);
    puts(" err ");
    puthex32(last_err);
    putc('\n');
    check(r == FAULT_MARK && last_vec == 13 && last_err == 0, "PAE: bad PDPTE refused");
    show("PAE: CR3 kept, read", rd(VA));
    set_cr0(cr0() & ~CR0_PG);
    set_cr4(0);
}

u32 guest_main(u32 magic, void *info);
u32 guest_main(u32 magic, void *info)
{
    (void)info;
    if (magic != 0x2BADB002u)
        return 2;
    setup_cpu_tables();
    build_spaces();
    set_cr3((u32)pd_a);
    set_cr0(cr0() | CR0_PG);
    puts("paging on\n");
    test_map_unmap_remap();
    test_accessed_dirty();
    test_write_protect();
    test_fetch_faults();
    test_alias_and_self_map();
    test_address_spaces();
    test_user_mode();
    test_global_pages();
    test_pse();
    test_demand_paging();
    set_cr0(cr0() & ~CR0_PG);
    puts("paging off\n");
    test_pae();
    show("page faults taken", faults);
    puts(failures ? "paging: FAILED\n" : "paging: all checks passed\n");
    return failures ? 1 : 0;
}
