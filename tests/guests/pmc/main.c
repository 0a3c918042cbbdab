/* pmc guest: RDPMC and the P6 performance-monitoring MSRs (PerfCtr0/1 at
 * 0xC1/0xC2, PerfEvtSel0/1 at 0x186/0x187), and IA32_MISC_ENABLE
 * (0x1A0): values held and read back, the 40-bit counters' sign
 * extension, #GP for reserved bits and out-of-range counters, and
 * CR4.PCE governing RDPMC at CPL 3. */
#define GUEST_NAME "pmc"
#include "guest_check.h"
#include "guest_cpu.h"

static u64 gdt[6] = {
    0, GDT_FLAT_CODE, GDT_FLAT_DATA,                   /* ring 0 code, data */
    0x00CFFA000000FFFFull, 0x00CFF2000000FFFFull,      /* ring 3 code, data */
    0,                                                 /* TSS */
};
static u64 idt[256];
static u32 tss[26];

extern volatile u32 gp_count, user_ecx, user_eax, user_edx;
void gp_handler(void);
void back_to_kernel(void);
void user_rdpmc(void);
void enter_user(void (*fn)(void));

static u64 rdpmc(u32 c)
{
    u32 lo = 0, hi = 0;
    __asm__ volatile("rdpmc" : "+a"(lo), "+d"(hi) : "c"(c) : "memory");
    return (u64)hi << 32 | lo;
}
static void setup(void)
{
    static u8 ring0_stack[4096] __attribute__((aligned(16)));
    tss[1] = (u32)ring0_stack + sizeof ring0_stack;   /* ESP0 */
    tss[2] = 0x10;                                    /* SS0 */
    u32 b = (u32)tss;
    gdt[5] = (sizeof tss - 1) | (u64)(b & 0xFFFFFFu) << 16 | 0x89ull << 40 |
             (u64)(b >> 24) << 56;
    idt[13] = idt_gate((u32)gp_handler, 0);
    idt[0x80] = idt_gate((u32)back_to_kernel, 3);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    __asm__ volatile("ltr %w0" : : "r"(0x28u) : "memory");
}

u32 guest_main(u32 magic, u32 info);
u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    setup();
    puts("pmc guest\n");

    /* IA32_MISC_ENABLE: fast strings, perfmon available, BTS and PEBS
     * unavailable; fast strings writable, read-only bits fixed. */
    u64 me = rdmsr(0x1A0);
    check(gp_count == 0 && me == 0x1881u, 1, "MISC_ENABLE at reset", (u32)me);
    wrmsr(0x1A0, me & ~1ull);
    check(gp_count == 0 && rdmsr(0x1A0) == 0x1880u, 2, "MISC_ENABLE fast strings cleared",
          (u32)rdmsr(0x1A0));
    wrmsr(0x1A0, me | (1u << 22));
    check(gp_count == 1 && rdmsr(0x1A0) == 0x1880u, 3, "MISC_ENABLE bit 22 refused", gp_count);
    wrmsr(0x1A0, me);
    check(gp_count == 1 && rdmsr(0x1A0) == 0x1881u, 4, "MISC_ENABLE restored", (u32)rdmsr(0x1A0));
    puts("MISC_ENABLE: reset value, fast strings kept, read-only bits refused\n");

    /* Event selects: 32 bits, bit 21 and the high half reserved. */
    gp_count = 0;
    wrmsr(0x186, 0x00430079u);
    wrmsr(0x187, 0xFF9F00C0u);
    check(gp_count == 0 && rdmsr(0x186) == 0x00430079u, 5, "PerfEvtSel0 holds its value",
          (u32)rdmsr(0x186));
    check(rdmsr(0x187) == 0xFF9F00C0u, 6, "PerfEvtSel1 holds its value", (u32)rdmsr(0x187));
    wrmsr(0x186, 0x00200000u);
    wrmsr(0x187, 0x100000000ull);
    check(gp_count == 2 && rdmsr(0x186) == 0x00430079u, 7, "PerfEvtSel reserved bits: #GP",
          gp_count);
    puts("PerfEvtSel0/1: held, reserved bits refused\n");

    /* Counters: low 32 bits written, bits 39:32 copy bit 31, EDX ignored. */
    gp_count = 0;
    wrmsr(0xC1, 0xAB12345678ull);
    wrmsr(0xC2, 0x87654321u);
    u64 c0 = rdmsr(0xC1), c1 = rdmsr(0xC2);
    check(c0 == 0x12345678u, 8, "PerfCtr0 = 0x12345678", (u32)(c0 >> 32));
    check(c1 == 0xFF87654321ull, 9, "PerfCtr1 sign-extended to 40 bits", (u32)(c1 >> 32));
    check(rdpmc(0) == c0 && rdpmc(1) == c1, 10, "RDPMC 0/1 = PerfCtr0/1", (u32)(rdpmc(1) >> 32));
    check(gp_count == 0, 11, "no fault so far", gp_count);
    rdpmc(2);
    check(gp_count == 1, 12, "RDPMC ECX=2: #GP", gp_count);
    puts("PerfCtr0/1 and RDPMC: 40-bit values, ECX out of range refused\n");

    /* CPL 3: #GP unless CR4.PCE. */
    gp_count = 0;
    user_ecx = 1;
    write_cr4(read_cr4() & ~0x100u);
    enter_user(user_rdpmc);
    check(gp_count == 1, 13, "RDPMC at CPL 3 without CR4.PCE: #GP", gp_count);
    write_cr4(read_cr4() | 0x100u);
    enter_user(user_rdpmc);
    check(gp_count == 1 && user_eax == 0x87654321u && user_edx == 0xFF, 14,
          "RDPMC at CPL 3 with CR4.PCE", user_edx);
    write_cr4(read_cr4() & ~0x100u);
    puts("CR4.PCE: RDPMC at CPL 3 only when set\n");

    if (!failures)
        puts("pmc: all checks passed\n");
    return failures;
}
