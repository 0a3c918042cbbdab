/* apic guest: the local APIC, the I/O APIC and the HPET from inside
 * (tests/guests/README.md). Interrupts are recorded in order by one
 * handler; time is read from the TSC, which counts the virtual clock's
 * 10 ns ticks, as do the APIC timer (divide 1) and the HPET.
 * Each failed check prints FAIL and the guest exits with its number. */
#define GUEST_NAME "apic"
#include "guest_check.h"
#include "guest_cpu.h"

#define LAPIC 0xFEE00000u
#define IOAPIC 0xFEC00000u
#define HPET 0xFED00000u

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];

static inline u32 rd(u32 a) { return *(volatile u32 *)a; }
static inline void wr(u32 a, u32 v) { *(volatile u32 *)a = v; }
static inline u32 lapic_rd(u32 off) { return rd(LAPIC + off); }
static inline void lapic_wr(u32 off, u32 v) { wr(LAPIC + off, v); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

static u32 ioapic_rd(u32 r) { wr(IOAPIC, r); return rd(IOAPIC + 0x10); }
static void ioapic_wr(u32 r, u32 v) { wr(IOAPIC, r); wr(IOAPIC + 0x10, v); }

/* ------------------------------------------------------------ the handler */

static volatile u32 seen[64], nseen;
static volatile u32 eoi_in_handler = 1;
static volatile u32 nested_irr41;   /* IRR bit of 0x41 seen inside 0x40 */
static volatile u32 rtc_remote_irr, rtc_reads, hpet_status;

#define ICR_SELF (1u << 18)
#define ICR_ALL (2u << 18)
#define ICR_OTHERS (3u << 18)

void irq_handler(u32 vec)
{
    if (nseen < 64)
        seen[nseen] = vec;
    nseen++;
    if (vec == 0x40 && !eoi_in_handler) {
        /* Nested priorities: 0x60 (a higher class) interrupts this
         * handler at once; 0x41 (the in-service class) waits for our EOI. */
        lapic_wr(0x300, ICR_SELF | 0x41);
        lapic_wr(0x300, ICR_SELF | 0x60);
        sti();
        __asm__ volatile("nop; nop");
        cli();
        nested_irr41 = lapic_rd(0x200 + 0x20) & (1u << 1);
    }
    if (vec == 0x38) {
        /* The RTC's level line: the first time leave it asserted (no read
         * of register C), so the EOI finds it still up and it comes back. */
        rtc_remote_irr = ioapic_rd(0x10 + 2 * 8) & (1u << 14);
        if (rtc_reads++ > 0) {
            outb(0x70, 0x0C);
            inb(0x71);
        }
    }
    if (vec == 0x53) {
        /* The HPET's level line: clear its status before the EOI, or the
         * I/O APIC sends it again at once. */
        hpet_status = *(volatile u32 *)(HPET + 0x20);
        *(volatile u32 *)(HPET + 0x20) = 4;
    }
    if (vec != 2 && vec != 0xFF)   /* NMI and the spurious vector take no EOI */
        lapic_wr(0xB0, 0);
}

static void reset_seen(void) { nseen = 0; }

/* ------------------------------------------------------------ checks */

static void identity(void)
{
    u32 a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    check(d & (1u << 9), 1, "CPUID.1:EDX.APIC", d);
    check((u32)rdmsr(0x1B) == 0xFEE00900u, 2, "IA32_APIC_BASE", (u32)rdmsr(0x1B));
    check(lapic_rd(0x20) == 0, 3, "APIC ID", lapic_rd(0x20));
    check(lapic_rd(0x30) == 0x00040011u, 4, "APIC version", lapic_rd(0x30));
    check(lapic_rd(0xF0) == 0xFF, 5, "SVR at reset (disabled, vector 0xFF)", lapic_rd(0xF0));
    check(lapic_rd(0x350) == 0x700, 6, "LINT0 at reset: ExtINT (virtual wire)", lapic_rd(0x350));
    check(lapic_rd(0xE0) == 0xFFFFFFFFu, 7, "DFR at reset", lapic_rd(0xE0));
    lapic_wr(0xF0, 0x1F0);
    check(lapic_rd(0xF0) == 0x1FF, 8, "SVR: enabled, vector bits 3:0 read as 1 (P6)", lapic_rd(0xF0));
    puts("identity: ok\n");
}

static void tpr_and_nesting(void)
{
    lapic_wr(0x80, 0x50);
    reset_seen();
    lapic_wr(0x300, ICR_SELF | 0x40);
    sti();
    __asm__ volatile("nop; nop; nop");
    cli();
    check(nseen == 0, 10, "TPR 0x50 holds vector 0x40", nseen);
    check(lapic_rd(0x220) & 1, 11, "IRR bit 0x40 set while held", lapic_rd(0x220));
    check(lapic_rd(0xA0) == 0x50, 12, "PPR = TPR", lapic_rd(0xA0));
    lapic_wr(0x80, 0x40);
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 0, 13, "TPR 0x40 (same class) still holds 0x40", nseen);
    lapic_wr(0x80, 0x00);
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 1 && seen[0] == 0x40, 14, "0x40 taken once TPR is lowered", nseen);
    check(lapic_rd(0x100 + 0x20) == 0 && lapic_rd(0xA0) == 0, 15, "ISR empty after EOI", lapic_rd(0x120));

    /* Nested: 0x40's handler sends 0x41 and 0x60 before its EOI. */
    reset_seen();
    eoi_in_handler = 0;
    lapic_wr(0x300, ICR_SELF | 0x40);
    sti(); __asm__ volatile("nop; nop"); cli();
    eoi_in_handler = 1;
    check(nseen == 3, 16, "nested count", nseen);
    check(seen[0] == 0x40 && seen[1] == 0x60 && seen[2] == 0x41, 17, "nested order 40 60 41",
          seen[0] << 16 | seen[1] << 8 | seen[2]);
    check(nested_irr41 != 0, 18, "0x41 pending in IRR while 0x40 in service", nested_irr41);
    puts("TPR, PPR, EOI and nesting: ok\n");
}

/* SDM 10.9: INTR raised for a request that the processor masks (TPR
 * raised) before it accepts the interrupt: the INTA gets the spurious
 * vector (SVR bits 7:0, here 0xFF), nothing goes in service, no EOI. */
static void spurious(void)
{
    cli();
    lapic_wr(0x80, 0x00);
    reset_seen();
    lapic_wr(0x300, ICR_SELF | 0x40);              /* INTR raised: 0x40 beats PPR 0 */
    lapic_wr(0x80, 0x50);                          /* masked before acceptance */
    check(lapic_rd(0xA0) == 0x50, 80, "PPR = raised TPR", lapic_rd(0xA0));
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 1 && seen[0] == 0xFF, 81, "spurious vector 0xFF delivered once",
          nseen << 8 | (nseen ? seen[0] : 0));
    check(lapic_rd(0x100 + 0x70) == 0 && (lapic_rd(0x100 + 0x20) & 1) == 0, 82,
          "spurious vector not in service (ISR 0xFF and 0x40 clear)", lapic_rd(0x170));
    check(lapic_rd(0x200 + 0x20) & 1, 83, "0x40 still requested in IRR", lapic_rd(0x220));
    check(lapic_rd(0xA0) == 0x50, 84, "PPR unchanged: no EOI was needed", lapic_rd(0xA0));
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 1, 85, "no second spurious while TPR holds 0x40", nseen);
    lapic_wr(0x80, 0x00);                          /* 0x40 now delivered for real */
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 2 && seen[1] == 0x40, 86, "0x40 taken once TPR is lowered", nseen);
    check(lapic_rd(0x100 + 0x20) == 0 && lapic_rd(0xA0) == 0, 87, "ISR empty after its EOI",
          lapic_rd(0x120));

    /* Masked and unmasked again before acceptance: the real vector. */
    reset_seen();
    lapic_wr(0x300, ICR_SELF | 0x41);
    lapic_wr(0x80, 0x50);
    lapic_wr(0x80, 0x00);
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 1 && seen[0] == 0x41, 88, "TPR raised and lowered again: vector 0x41",
          nseen << 8 | (nseen ? seen[0] : 0));
    /* TPR raised before the request: INTR never raised, nothing at all. */
    reset_seen();
    lapic_wr(0x80, 0x50);
    lapic_wr(0x300, ICR_SELF | 0x42);
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 0, 89, "request below TPR from the start: no spurious", nseen);
    lapic_wr(0x80, 0x00);
    sti(); __asm__ volatile("nop; nop"); cli();
    check(nseen == 1 && seen[0] == 0x42, 90, "0x42 taken once TPR is lowered", nseen);
    puts("spurious interrupt (TPR raised before acceptance): ok\n");
}

static void ipis(void)
{
    reset_seen();
    lapic_wr(0x310, 0);
    lapic_wr(0x300, ICR_ALL | 0x50);               /* all including self */
    lapic_wr(0x300, ICR_OTHERS | 0x52);            /* all but self: nobody */
    lapic_wr(0x310, 0u << 24);
    lapic_wr(0x300, 0x53);                         /* physical, APIC ID 0 */
    lapic_wr(0x310, 5u << 24);
    lapic_wr(0x300, 0x60);                         /* physical, APIC ID 5: nobody */
    lapic_wr(0xD0, 0x01000000u);                   /* LDR: logical ID 1 (flat) */
    lapic_wr(0x310, 0x01u << 24);
    lapic_wr(0x300, (1u << 11) | 0x80);            /* logical 1: us */
    lapic_wr(0x310, 0x02u << 24);
    lapic_wr(0x300, (1u << 11) | 0x41);            /* logical 2: nobody */
    lapic_wr(0x310, 0x01u << 24);
    lapic_wr(0x300, (1u << 11) | (1u << 8) | 0x31); /* lowest priority, logical 1: us */
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 4, 20, "IPIs delivered", nseen);
    check(seen[0] == 0x80 && seen[1] == 0x53 && seen[2] == 0x50 && seen[3] == 0x31, 21,
          "IPI vectors by priority 80 53 50 31", seen[0] << 24 | seen[1] << 16 | seen[2] << 8 | seen[3]);
    /* NMI through the all-including-self shorthand: vector 2, IF=0 too. */
    reset_seen();
    lapic_wr(0x300, ICR_ALL | (4u << 8));
    __asm__ volatile("nop; nop");
    check(nseen == 1 && seen[0] == 2, 22, "NMI IPI to self", nseen);
    lapic_rd(0x300);
    check((lapic_rd(0x300) & (1u << 12)) == 0, 23, "ICR delivery status idle", lapic_rd(0x300));
    puts("IPIs (self, shorthands, physical, logical, lowest priority, NMI): ok\n");
}

static void errors(void)
{
    lapic_wr(0x280, 0);
    lapic_wr(0x370, 0x70);                         /* error LVT: vector 0x70 */
    reset_seen();
    lapic_wr(0x300, ICR_SELF | 0x05);              /* an illegal vector */
    sti(); __asm__ volatile("nop"); cli();
    lapic_wr(0x280, 0);
    check(lapic_rd(0x280) == 0x20, 30, "ESR send illegal vector", lapic_rd(0x280));
    check(nseen == 1 && seen[0] == 0x70, 31, "error interrupt", nseen);
    reset_seen();
    lapic_rd(0x3F0);                               /* no register there */
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 1 && seen[0] == 0x70, 34, "error interrupt for the illegal register", nseen);
    lapic_wr(0x280, 0);
    check(lapic_rd(0x280) == 0x80, 32, "ESR illegal register address", lapic_rd(0x280));
    lapic_wr(0x280, 0);
    check(lapic_rd(0x280) == 0, 33, "ESR cleared by the next write", lapic_rd(0x280));
    lapic_wr(0x370, 0x10070);
    puts("ESR and the error LVT: ok\n");
}

static const struct { u32 cfg, div; } divides[8] = {
    { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
};

static void timer(void)
{
    /* Divide values: the count falls by elapsed ticks / divisor. */
    for (int i = 0; i < 8; i++) {
        lapic_wr(0x320, 0x10050);                  /* masked, one-shot */
        lapic_wr(0x3E0, divides[i].cfg);
        lapic_wr(0x380, 0xFFFFFFFFu);
        u64 t0 = rdtsc();
        u32 c0 = lapic_rd(0x390);
        for (volatile int k = 0; k < 3000; k++)
            ;
        u32 c1 = lapic_rd(0x390);
        u64 t1 = rdtsc();
        u32 ticks = (u32)(t1 - t0), dec = c0 - c1;
        u32 expect = ticks / divides[i].div;
        check(dec <= expect + 1 && dec + 2 + 40 / divides[i].div >= expect, 40 + (u32)i,
              "timer count falls at the divided rate", dec);
        check(lapic_rd(0x3E0) == divides[i].cfg, 48, "divide register", lapic_rd(0x3E0));
    }
    /* One-shot: one interrupt, then the count stays 0. */
    lapic_wr(0x3E0, 0xB);
    lapic_wr(0x320, 0x50);
    reset_seen();
    u64 t0 = rdtsc();
    lapic_wr(0x380, 5000);
    while (nseen == 0)
        sti_hlt();
    u64 t1 = rdtsc();
    check(nseen == 1 && seen[0] == 0x50, 50, "one-shot interrupt", seen[0]);
    check(t1 - t0 >= 5000 && t1 - t0 < 5200, 51, "one-shot after 5000 ticks", (u32)(t1 - t0));
    check(lapic_rd(0x390) == 0, 52, "one-shot count stays 0", lapic_rd(0x390));
    /* Periodic: five interrupts 2000 ticks apart. */
    lapic_wr(0x320, 0x20050);
    reset_seen();
    t0 = rdtsc();
    lapic_wr(0x380, 2000);
    while (nseen < 5)
        sti_hlt();
    t1 = rdtsc();
    lapic_wr(0x380, 0);                            /* stops it */
    check(t1 - t0 >= 10000 && t1 - t0 < 10200, 53, "periodic: 5 periods of 2000 ticks", (u32)(t1 - t0));
    check(lapic_rd(0x390) == 0, 54, "initial count 0 stops the timer", lapic_rd(0x390));
    /* Periodic, divide by 16: a period of 16 x 100 ticks. */
    lapic_wr(0x3E0, 0x3);
    reset_seen();
    t0 = rdtsc();
    lapic_wr(0x380, 100);
    while (nseen < 3)
        sti_hlt();
    t1 = rdtsc();
    lapic_wr(0x380, 0);
    check(t1 - t0 >= 4800 && t1 - t0 < 5000, 55, "periodic divide 16: 3 x 1600 ticks", (u32)(t1 - t0));
    /* Masked: the count runs out, no interrupt. */
    lapic_wr(0x3E0, 0xB);
    lapic_wr(0x320, 0x10050);
    reset_seen();
    lapic_wr(0x380, 300);
    for (volatile int k = 0; k < 400; k++)
        ;
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 0 && lapic_rd(0x390) == 0, 56, "masked timer: no interrupt", nseen);
    puts("timer: divides, one-shot, periodic, masked: ok\n");
}

static void disable_and_relocate(void)
{
    /* Software disable: LVT masks are forced and a fixed IPI is held. */
    lapic_wr(0x320, 0x50);
    lapic_wr(0xF0, 0x0FF);
    check(lapic_rd(0x320) & 0x10000, 60, "software disable masks the LVT", lapic_rd(0x320));
    lapic_wr(0x320, 0x50);
    check(lapic_rd(0x320) & 0x10000, 61, "the mask stays set while disabled", lapic_rd(0x320));
    reset_seen();
    lapic_wr(0x300, ICR_SELF | 0x60);
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 0, 62, "no delivery while software disabled", nseen);
    lapic_wr(0xF0, 0x1FF);
    sti(); __asm__ volatile("nop"); cli();
    check(nseen == 1 && seen[0] == 0x60, 63, "held IPI delivered on enable", nseen);
    lapic_wr(0x320, 0x10050);

    /* Relocation. */
    u64 base = rdmsr(0x1B);
    wrmsr(0x1B, 0xFEB00000u | 0x900u);
    check(rd(0xFEB00030u) == 0x00040011u, 64, "version at the new base", rd(0xFEB00030u));
    check(rd(LAPIC + 0x30) != 0x00040011u, 65, "old base no longer decodes", rd(LAPIC + 0x30));
    wrmsr(0x1B, base);
    check(lapic_rd(0x30) == 0x00040011u, 66, "back at 0xFEE00000", lapic_rd(0x30));
    /* Hardware disable: the window is gone and CPUID... stays (the bit
     * tells of the APIC, not its state); re-enable gives reset values. */
    wrmsr(0x1B, base & ~0x800ull);
    check(rd(LAPIC + 0x30) != 0x00040011u, 67, "disabled APIC answers no reads", rd(LAPIC + 0x30));
    wrmsr(0x1B, base);
    check(lapic_rd(0xF0) == 0xFF && lapic_rd(0xD0) == 0, 68, "re-enabled APIC in its reset state", lapic_rd(0xF0));
    lapic_wr(0xF0, 0x1FF);
    puts("software and hardware disable, relocation: ok\n");
}

/* I/O APIC: the PIT on input 2 (edge) and the RTC's IRQ 8 as a level. */
static void ioapic(void)
{
    check(ioapic_rd(1) == 0x00170011u, 70, "I/O APIC version", ioapic_rd(1));
    check(ioapic_rd(0) == 0x01000000u, 71, "I/O APIC ID", ioapic_rd(0));
    check(ioapic_rd(0x10 + 4) == 0x10000, 72, "redirection entries masked at reset", ioapic_rd(0x14));
    outb(0x21, 0xFF);                             /* 8259 masked: nothing by ExtINT */
    outb(0xA1, 0xFF);
    ioapic_wr(0x10 + 2 * 2 + 1, 0);                /* pin 2: APIC 0 */
    ioapic_wr(0x10 + 2 * 2, 0x31);                 /* fixed, physical, edge, unmasked */
    check(ioapic_rd(0x14) == 0x31, 73, "redirection entry read back", ioapic_rd(0x14));
    outb(0x43, 0x34);                             /* PIT ch. 0 rate generator */
    outb(0x40, 0x00);
    outb(0x40, 0x10);                             /* 4096 PIT ticks */
    reset_seen();
    while (nseen < 3)
        sti_hlt();
    check(seen[0] == 0x31 && seen[2] == 0x31, 74, "PIT IRQ 0 on input 2", seen[0]);
    ioapic_wr(0x14, 0x10031);
    outb(0x43, 0x30);                             /* PIT silent: mode 0, no count */

    /* Level: the RTC periodic interrupt (IRQF stays up until register C
     * is read). */
    ioapic_wr(0x10 + 2 * 8 + 1, 0);
    ioapic_wr(0x10 + 2 * 8, 0x38 | (1u << 15));    /* level */
    outb(0x70, 0x0A); outb(0x71, 0x26);          /* 1024 Hz */
    outb(0x70, 0x0B); outb(0x71, 0x42);          /* PIE, 24 h */
    outb(0x70, 0x0C); inb(0x71);
    reset_seen();
    rtc_reads = 0;
    while (nseen < 2)
        sti_hlt();
    check(seen[0] == 0x38 && seen[1] == 0x38, 75, "RTC level interrupt twice", nseen);
    check(rtc_remote_irr != 0, 76, "remote IRR set while in service", rtc_remote_irr);
    check((ioapic_rd(0x20) & (1u << 14)) == 0, 77, "remote IRR cleared by the EOI", ioapic_rd(0x20));
    outb(0x70, 0x0B); outb(0x71, 0x02);          /* PIE off */
    outb(0x70, 0x0C); inb(0x71);
    ioapic_wr(0x20, 0x10038 | (1u << 15));
    puts("I/O APIC: redirection, edge, level with remote IRR: ok\n");
}

static u32 hpet_rd(u32 off) { return rd(HPET + off); }
static void hpet_wr(u32 off, u32 v) { wr(HPET + off, v); }

static void hpet(void)
{
    check(hpet_rd(0) == 0x8086A201u, 80, "HPET capabilities", hpet_rd(0));
    check(hpet_rd(4) == 10000000u, 81, "HPET period (fs)", hpet_rd(4));
    u32 c0 = hpet_rd(0xF0);
    for (volatile int k = 0; k < 100; k++)
        ;
    check(hpet_rd(0xF0) == c0, 82, "counter halted before enable", hpet_rd(0xF0));
    /* Timer 2, one-shot, edge, on input 20. */
    ioapic_wr(0x10 + 2 * 20 + 1, 0);
    ioapic_wr(0x10 + 2 * 20, 0x52);
    check(hpet_rd(0x144) & (1u << 20), 83, "timer 2 can route to input 20", hpet_rd(0x144));
    hpet_wr(0x140, (20u << 9) | (1u << 2));
    hpet_wr(0x148, 3000);
    hpet_wr(0x14C, 0);
    reset_seen();
    u64 t0 = rdtsc();
    hpet_wr(0x10, 1);                              /* enable */
    while (nseen == 0)
        sti_hlt();
    u64 t1 = rdtsc();
    check(seen[0] == 0x52, 84, "HPET timer 2 interrupt", seen[0]);
    check(t1 - t0 >= 3000 && t1 - t0 < 3200, 85, "HPET one-shot after 3000 ticks", (u32)(t1 - t0));
    /* Level mode: the status bit, cleared by writing 1. */
    ioapic_wr(0x10 + 2 * 21, 0x53 | (1u << 15));
    hpet_wr(0x140, (21u << 9) | (1u << 2) | (1u << 1));
    reset_seen();
    hpet_wr(0x148, hpet_rd(0xF0) + 500);
    while (nseen == 0)
        sti_hlt();
    check(nseen == 1 && seen[0] == 0x53 && (hpet_status & 4), 86, "HPET level interrupt and status",
          hpet_status);
    check((hpet_rd(0x20) & 4) == 0, 87, "status cleared by writing 1", hpet_rd(0x20));
    check((ioapic_rd(0x10 + 2 * 21) & (1u << 14)) == 0, 90, "remote IRR clear after the EOI",
          ioapic_rd(0x10 + 2 * 21));
    hpet_wr(0x140, 0);
    /* Timer 0 periodic through the legacy route: IRQ 0, input 2. */
    ioapic_wr(0x14, 0x31);
    hpet_wr(0x10, 0);
    /* 32-bit mode, as Linux programs it: value-set, the first match,
     * then the period. */
    hpet_wr(0x100, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 8));
    hpet_wr(0x108, hpet_rd(0xF0) + 1000);
    hpet_wr(0x108, 1000);                          /* the period */
    reset_seen();
    t0 = rdtsc();
    hpet_wr(0x10, 3);                              /* enable, legacy replacement */
    while (nseen < 4)
        sti_hlt();
    t1 = rdtsc();
    check(seen[0] == 0x31 && seen[3] == 0x31, 88, "HPET legacy route to IRQ 0", seen[0]);
    check(t1 - t0 >= 4000 && t1 - t0 < 4200, 89, "periodic: 4 periods of 1000 ticks", (u32)(t1 - t0));
    hpet_wr(0x10, 0);
    ioapic_wr(0x14, 0x10031);
    puts("HPET: one-shot, level status, periodic legacy route: ok\n");
}

extern u32 isr_table[];

u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    idt_gates(idt, isr_table);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    puts("apic guest\n");
    /* A direct boot leaves the 8259s as firmware does (timer and
     * keyboard open, docs/platform.md): close them, or IRQ 0 comes
     * through LINT0 as ExtINT at vector 8 as soon as IF is set. */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    identity();
    tpr_and_nesting();
    spurious();
    ipis();
    errors();
    timer();
    disable_and_relocate();
    ioapic();
    hpet();
    if (!failures)
        puts("apic: all checks passed\n");
    return failures;
}
