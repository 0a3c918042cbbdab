/* x2apic guest: x2APIC mode of the local APIC from inside (SDM 10.12),
 * run with -machine x2apic=on (expected-on.txt) and without it
 * (expected-off.txt: CPUID.1:ECX bit 21 clear, the MSRs and IA32_APIC_BASE
 * bit 10 refused). A #GP handler counts faults and skips the RDMSR/WRMSR.
 * Each failed check prints FAIL and the guest exits with its number. */
#define GUEST_NAME "x2apic"
#include "guest_check.h"

#define LAPIC 0xFEE00000u
#define MSR_APIC_BASE 0x1Bu
#define BASE_EN (1u << 11)
#define BASE_EXTD (1u << 10)
#define X2(off) (0x800u + ((off) >> 4))

static u64 gdt[3] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull };
static u64 idt[256];
extern volatile u32 gp_count;
extern u32 isr_table[];

static inline u32 rd(u32 a) { return *(volatile u32 *)a; }
static inline void wr(u32 a, u32 v) { *(volatile u32 *)a = v; }
static inline void outb_(u16 p, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }
static inline void sti_nop(void) { __asm__ volatile("sti; nop; nop; cli" ::: "memory"); }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (u64)hi << 32 | lo; }

/* RDMSR/WRMSR that report whether they faulted (#GP). */
static int rdmsr_gp(u32 i, u64 *v)
{
    u32 before = gp_count, lo = 0xDEAD, hi = 0xBEEF;
    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(i) : "memory");
    if (v)
        *v = (u64)hi << 32 | lo;
    return gp_count != before;
}

static int wrmsr_gp(u32 i, u64 v)
{
    u32 before = gp_count;
    __asm__ volatile("wrmsr" : : "c"(i), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
    return gp_count != before;
}

static u64 rdmsr(u32 i) { u64 v = 0; check(!rdmsr_gp(i, &v), 90, "unexpected #GP on RDMSR", i); return v; }
static void wrmsr(u32 i, u64 v) { check(!wrmsr_gp(i, v), 91, "unexpected #GP on WRMSR", i); }

static volatile u32 seen[16], nseen;
static volatile u32 ap_seen[16], ap_nseen, ap_ready, ap_id, ap_ldr;

void irq_handler(u32 vec)
{
    if (ap_ready && rdmsr(X2(0x020)) == 1) {   /* the AP (-smp 2) */
        if (ap_nseen < 16)
            ap_seen[ap_nseen] = vec;
        ap_nseen++;
        if (vec == 0x50)
            wrmsr(X2(0x300), 0x61);   /* answer: physical, to x2APIC ID 0 */
        wrmsr(X2(0x0B0), 0);
        return;
    }
    if (nseen < 16)
        seen[nseen] = vec;
    nseen++;
    wrmsr(X2(0x0B0), 0);   /* EOI */
}

static void reset_seen(void)
{
    nseen = 0;
    for (int i = 0; i < 16; i++)
        seen[i] = 0;
}

static u32 cpuid1_ecx(void)
{
    u32 a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return c;
}

/* -machine x2apic=off: nothing of x2APIC is there. */
static void not_offered(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);
    check(rdmsr_gp(X2(0x020), 0), 10, "ID MSR without x2APIC", gp_count);
    check(wrmsr_gp(X2(0x080), 0), 11, "TPR MSR without x2APIC", gp_count);
    check(wrmsr_gp(MSR_APIC_BASE, base | BASE_EXTD), 12, "IA32_APIC_BASE bit 10 without x2APIC", gp_count);
    check(rdmsr(MSR_APIC_BASE) == base, 13, "IA32_APIC_BASE unchanged", (u32)rdmsr(MSR_APIC_BASE));
    check(rd(LAPIC + 0x30) == 0x00040011u, 14, "xAPIC MMIO version", rd(LAPIC + 0x30));
    puts("x2APIC not offered: CPUID bit clear, MSRs and EXTD #GP: ok\n");
}

static void transitions_in(void)
{
    u64 base = rdmsr(MSR_APIC_BASE);
    check((base & (BASE_EN | BASE_EXTD)) == BASE_EN, 20, "xAPIC mode after reset", (u32)base);
    check(rdmsr_gp(X2(0x020), 0), 21, "ID MSR in xAPIC mode #GP", gp_count);
    check(wrmsr_gp(X2(0x080), 0), 22, "TPR MSR in xAPIC mode #GP", gp_count);
    u64 b = base & ~(u64)BASE_EN;
    check(wrmsr_gp(MSR_APIC_BASE, b | BASE_EXTD), 23, "EXTD without EN #GP", gp_count);
    check(rdmsr(MSR_APIC_BASE) == base, 24, "base kept after the refused write", (u32)rdmsr(MSR_APIC_BASE));
    wrmsr(MSR_APIC_BASE, base | BASE_EXTD);
    check(rdmsr(MSR_APIC_BASE) == (base | BASE_EXTD), 25, "x2APIC mode entered", (u32)rdmsr(MSR_APIC_BASE));
    check(wrmsr_gp(MSR_APIC_BASE, base), 26, "x2APIC to xAPIC directly #GP", gp_count);
    /* The MMIO window is off: reads float, writes go nowhere. */
    check(rd(LAPIC + 0x30) == 0xFFFFFFFFu, 27, "MMIO version read in x2APIC mode", rd(LAPIC + 0x30));
    wr(LAPIC + 0x80, 0x20);
    check(rdmsr(X2(0x080)) == 0, 28, "MMIO TPR write ignored", (u32)rdmsr(X2(0x080)));
    puts("transitions: xAPIC to x2APIC, EXTD without EN and back to xAPIC refused: ok\n");
}

static void registers(void)
{
    check(rdmsr(X2(0x020)) == 0, 30, "x2APIC ID", (u32)rdmsr(X2(0x020)));
    check(rdmsr(X2(0x030)) == 0x00040011u, 31, "version", (u32)rdmsr(X2(0x030)));
    check(rdmsr(X2(0x0D0)) == 1, 32, "LDR derived from ID 0 (cluster 0, bit 0)", (u32)rdmsr(X2(0x0D0)));
    wrmsr(X2(0x080), 0x35);
    check(rdmsr(X2(0x080)) == 0x35, 33, "TPR", (u32)rdmsr(X2(0x080)));
    check(rdmsr(X2(0x0A0)) == 0x35, 34, "PPR follows TPR", (u32)rdmsr(X2(0x0A0)));
    wrmsr(X2(0x080), 0);
    static const u32 bad_reads[] = { 0x0B0, 0x0E0, 0x3F0, 0x090, 0x0C0, 0x310, 0x330, 0x3A0 };
    for (u32 k = 0; k < sizeof bad_reads / sizeof bad_reads[0]; k++)
        check(rdmsr_gp(X2(bad_reads[k]), 0), 40 + k, "read of write-only/reserved MSR #GP", X2(bad_reads[k]));
    static const u32 bad_writes[] = { 0x020, 0x030, 0x0D0, 0x0E0, 0x0A0, 0x100, 0x200, 0x390 };
    for (u32 k = 0; k < sizeof bad_writes / sizeof bad_writes[0]; k++)
        check(wrmsr_gp(X2(bad_writes[k]), 0), 50 + k, "write of read-only/absent MSR #GP", X2(bad_writes[k]));
    check(wrmsr_gp(X2(0x0B0), 1), 60, "EOI write of nonzero #GP", gp_count);
    check(wrmsr_gp(X2(0x280), 1), 61, "ESR write of nonzero #GP", gp_count);
    check(wrmsr_gp(X2(0x080), 1ull << 32), 62, "TPR with bits 63:32 #GP", gp_count);
    check(wrmsr_gp(X2(0x3F0), 0x100), 63, "SELF IPI reserved bits #GP", gp_count);
    puts("registers: ID, version, LDR, TPR/PPR; #GP on reserved, write-only, read-only: ok\n");
}

static void timer(void)
{
    wrmsr(X2(0x0F0), 0x1FF);               /* software enable */
    wrmsr(X2(0x3E0), 0xB);                 /* divide by 1 */
    wrmsr(X2(0x320), 0x40);                /* one-shot, vector 0x40 */
    reset_seen();
    u64 t0 = rdtsc();
    wrmsr(X2(0x380), 3000);
    while (nseen == 0)
        sti_hlt();
    u64 t1 = rdtsc();
    check(seen[0] == 0x40 && nseen == 1, 70, "timer interrupt", seen[0]);
    check(t1 - t0 >= 3000 && t1 - t0 < 3200, 71, "one-shot after 3000 ticks", (u32)(t1 - t0));
    check(rdmsr(X2(0x390)) == 0, 72, "current count 0 after one-shot", (u32)rdmsr(X2(0x390)));
    check(rdmsr(X2(0x380)) == 3000, 73, "initial count reads back", (u32)rdmsr(X2(0x380)));
    puts("timer through MSRs: one-shot interrupt after 3000 ticks: ok\n");
}

static void ipis(void)
{
    reset_seen();
    wrmsr(X2(0x3F0), 0x41);                /* SELF IPI */
    sti_nop();
    check(nseen == 1 && seen[0] == 0x41, 80, "SELF IPI", seen[0]);
    reset_seen();
    wrmsr(X2(0x300), 0x42);                /* fixed, physical, destination 0 */
    sti_nop();
    check(nseen == 1 && seen[0] == 0x42, 81, "ICR IPI to own ID", seen[0]);
    check(rdmsr(X2(0x300)) == 0x42, 82, "ICR reads back", (u32)rdmsr(X2(0x300)));
    reset_seen();
    wrmsr(X2(0x300), 0x00000001ull << 32 | 1u << 11 | 0x50);   /* logical: cluster 0, bit 0 */
    sti_nop();
    check(nseen == 1 && seen[0] == 0x50, 83, "logical cluster IPI to self", seen[0]);
    reset_seen();
    wrmsr(X2(0x300), 0xFFFFFFFFull << 32 | 0x60);               /* physical broadcast */
    sti_nop();
    check(nseen == 1 && seen[0] == 0x60, 84, "physical 0xFFFFFFFF broadcast", seen[0]);
    reset_seen();
    wrmsr(X2(0x300), 0x00010001ull << 32 | 1u << 11 | 0x70);   /* cluster 1: not us */
    wrmsr(X2(0x300), 0x000000FFull << 32 | 0x70);               /* ID 0xFF: not a broadcast here */
    sti_nop();
    check(nseen == 0, 85, "IPIs to other destinations not taken", nseen);
    check((u32)(rdmsr(X2(0x300)) >> 32) == 0xFF, 86, "ICR destination in bits 63:32",
          (u32)(rdmsr(X2(0x300)) >> 32));
    puts("IPIs: self IPI MSR, ICR physical, logical cluster, broadcast: ok\n");
}

/* -smp 2: the AP started through the x2APIC ICR (INIT, SIPI with a
 * 32-bit destination), in x2APIC mode too; IPIs both ways by physical
 * ID and by logical cluster. */
#define TRAMP_BASE 0x7000u
extern char tramp_start[], tramp_end[];

void ap_main(void)
{
    struct { u16 limit; u32 base; } __attribute__((packed)) idtr = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | BASE_EXTD);
    ap_id = (u32)rdmsr(X2(0x020));
    ap_ldr = (u32)rdmsr(X2(0x0D0));
    wrmsr(X2(0x0F0), 0x1FF);
    ap_ready = 1;
    for (;;)
        __asm__ volatile("sti; hlt" ::: "memory");
}

static u32 cmos(u8 reg)
{
    outb_(0x70, reg);
    u8 v;
    __asm__ volatile("inb $0x71, %0" : "=a"(v));
    return v;
}

static void two_cpus(void)
{
    if (cmos(0x5F) != 1)
        return;   /* one CPU (or more than two): not this run */
    for (u32 i = 0; i < (u32)(tramp_end - tramp_start); i++)
        ((volatile char *)TRAMP_BASE)[i] = tramp_start[i];
    wrmsr(X2(0x300), 1ull << 32 | 1u << 14 | 5u << 8);                     /* INIT to ID 1 */
    wrmsr(X2(0x300), 1ull << 32 | 1u << 14 | 6u << 8 | (TRAMP_BASE >> 12)); /* SIPI */
    for (u32 k = 0; k < 1000000 && !ap_ready; k++)
        __asm__ volatile("pause");
    check(ap_ready, 110, "AP started by x2APIC INIT/SIPI", ap_ready);
    check(ap_id == 1 && ap_ldr == 2, 111, "AP x2APIC ID 1, LDR cluster 0 bit 1", ap_ldr);
    reset_seen();
    wrmsr(X2(0x300), 0x00000002ull << 32 | 1u << 11 | 0x42);   /* logical: cluster 0, bit 1 */
    for (u32 k = 0; k < 100000 && ap_nseen < 1; k++)
        __asm__ volatile("pause");
    check(ap_nseen == 1 && ap_seen[0] == 0x42 && nseen == 0, 112, "logical IPI to the AP only", ap_seen[0]);
    wrmsr(X2(0x300), 1ull << 32 | 0x50);                        /* physical ID 1; it answers 0x61 */
    for (u32 k = 0; k < 100000 && nseen < 1; k++)
        sti_nop();
    check(ap_nseen == 2 && ap_seen[1] == 0x50, 113, "physical IPI to the AP", ap_seen[1]);
    check(nseen == 1 && seen[0] == 0x61, 114, "the AP's IPI back to ID 0", seen[0]);
    reset_seen();
    wrmsr(X2(0x300), 0x00000003ull << 32 | 1u << 11 | 0x70);   /* logical: both */
    for (u32 k = 0; k < 100000 && (nseen < 1 || ap_nseen < 3); k++)
        sti_nop();
    check(nseen == 1 && seen[0] == 0x70 && ap_nseen == 3 && ap_seen[2] == 0x70, 115,
          "logical multicast to both CPUs", ap_nseen);
    puts("two CPUs: AP started by x2APIC ICR; logical and physical IPIs both ways: ok\n");
}

static void transitions_out(void)
{
    u64 base = rdmsr(MSR_APIC_BASE) & ~(u64)(BASE_EN | BASE_EXTD);
    wrmsr(MSR_APIC_BASE, base);            /* x2APIC to disabled */
    check(rdmsr_gp(X2(0x020), 0), 100, "ID MSR while disabled #GP", gp_count);
    check(wrmsr_gp(MSR_APIC_BASE, base | BASE_EN | BASE_EXTD), 101, "disabled to x2APIC #GP", gp_count);
    wrmsr(MSR_APIC_BASE, base | BASE_EN);  /* disabled to xAPIC */
    check(rd(LAPIC + 0x30) == 0x00040011u, 102, "xAPIC MMIO answers again", rd(LAPIC + 0x30));
    check(rdmsr_gp(X2(0x030), 0), 103, "version MSR in xAPIC mode #GP", gp_count);
    puts("transitions: x2APIC to disabled to xAPIC: ok\n");
}

u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    struct { u16 limit; u32 base; } __attribute__((packed)) gdtr = { sizeof gdt - 1, (u32)gdt },
                                                            idtr = { sizeof idt - 1, (u32)idt };
    for (u32 *p = isr_table; p[0]; p += 2)
        idt[p[0]] = (p[1] & 0xFFFFu) | (0x08ull << 16) | (0x8E00ull << 32) | ((u64)(p[1] >> 16) << 48);
    __asm__ volatile("lgdt %0\n\tlidt %1\n\t"
                     "ljmp $0x08, $1f\n1:\n\t"
                     "mov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%ss"
                     : : "m"(gdtr), "m"(idtr) : "eax", "memory");
    puts("x2apic guest\n");
    outb_(0x21, 0xFF);   /* the 8259s closed: nothing through LINT0 */
    outb_(0xA1, 0xFF);
    if (!(cpuid1_ecx() & (1u << 21))) {
        not_offered();
    } else {
        puts("CPUID.1:ECX.x2APIC set\n");
        transitions_in();
        registers();
        timer();
        ipis();
        two_cpus();
        transitions_out();
    }
    if (!failures)
        puts("x2apic: all checks passed\n");
    return failures;
}
