/* smp guest: start the application processors the way firmware and Linux
 * do (INIT, SIPI, SIPI to all excluding self), then check from inside
 * what -smp N gives (tests/guests/README.md):
 *   - the CPU count in CMOS 0x5F, the MP table and the MADT;
 *   - each AP's APIC ID (the local APIC's ID register and CPUID.1:EBX
 *     bits 31:24) and IA32_APIC_BASE without the BSP flag;
 *   - a counter every CPU increments with LOCK INC at the same time;
 *   - fixed IPIs by physical destination to each AP and back, all
 *     excluding self from the BSP and from an AP;
 *   - an AP that sends INIT to itself waits for SIPI, and starts again.
 * Only the BSP prints. Each failed check prints FAIL; the guest exits with
 * the number of the first. */
#define GUEST_NAME "smp"
#include "guest_check.h"
#include "guest_cpu.h"

#define LAPIC 0xFEE00000u
#define TRAMP_BASE 0x7000u
#define SIPI_VECTOR (TRAMP_BASE >> 12)
#define MAX_CPUS 8
#define ITERATIONS 50000u

#define ICR_INIT 0x00000500u
#define ICR_SIPI 0x00000600u
#define ICR_ASSERT (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_BUSY (1u << 12)

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];

extern char tramp_start[], tramp_end[];
extern u32 isr_table[];

static volatile u32 started, go, done, counter;
static volatile u32 ap_apic_id[MAX_CPUS], ap_cpuid_id[MAX_CPUS], ap_base_msr[MAX_CPUS];
static volatile u32 got40[MAX_CPUS], got42[MAX_CPUS], got43[MAX_CPUS], got44[MAX_CPUS];
static volatile u32 bsp41;

static inline u32 lapic_rd(u32 off) { return *(volatile u32 *)(LAPIC + off); }
static inline void lapic_wr(u32 off, u32 v) { *(volatile u32 *)(LAPIC + off) = v; }
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void lock_inc(volatile u32 *p) { __asm__ volatile("lock incl %0" : "+m"(*p) : : "memory"); }
static inline u8 cmos(u8 reg)
{
    u8 v;
    __asm__ volatile("outb %0, $0x70" : : "a"(reg));
    __asm__ volatile("inb $0x71, %0" : "=a"(v));
    return v;
}
static u32 cpuid1_ebx(void)
{
    u32 a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return b;
}
static u32 my_id(void) { return lapic_rd(0x20) >> 24; }

/* Send an IPI: wait for the previous one to leave, destination, command. */
static void ipi(u32 dest, u32 lo)
{
    while (lapic_rd(0x300) & ICR_BUSY)
        pause();
    lapic_wr(0x310, dest << 24);
    lapic_wr(0x300, lo);
}

static void delay(u32 n)
{
    for (u32 i = 0; i < n; i++)
        pause();
}

void irq_handler(u32 vec)
{
    u32 id = my_id() & (MAX_CPUS - 1);
    switch (vec) {
    case 0x40: got40[id]++; ipi(0, 0x41); break;            /* answer the BSP */
    case 0x41: bsp41++; break;
    case 0x42: got42[id]++; break;
    case 0x43: got43[id]++; break;
    case 0x44: got44[id]++; ipi(0, ICR_ALL_BUT_SELF | 0x43); break;
    case 0x45: lapic_wr(0xB0, 0); ipi(id, ICR_ASSERT | ICR_INIT); return;   /* INIT itself */
    default: break;
    }
    if (vec != 0xFF)
        lapic_wr(0xB0, 0);
}

void ap_main(void)
{
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    lapic_wr(0xF0, 0x1FF);
    u32 id = my_id() & (MAX_CPUS - 1);
    ap_apic_id[id] = my_id() + 1;
    ap_cpuid_id[id] = (cpuid1_ebx() >> 24) + 1;
    ap_base_msr[id] = (u32)rdmsr(0x1B);
    lock_inc(&started);
    while (!go)
        pause();
    for (u32 i = 0; i < ITERATIONS; i++)
        lock_inc(&counter);
    lock_inc(&done);
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* The processor entries of the MP table (the floating pointer is in
 * 0xF0000-0xFFFFF) and the MADT (RSDP at 0xE0000-0xFFFFF). */
static u32 mp_processors(void)
{
    for (u32 a = 0xF0000; a < 0x100000; a += 16) {
        const u8 *p = (const u8 *)a;
        if (p[0] != '_' || p[1] != 'M' || p[2] != 'P' || p[3] != '_')
            continue;
        const u8 *cfg = (const u8 *)*(const u32 *)(p + 4);
        u32 n = 0, entries = *(const u16 *)(cfg + 34);
        const u8 *e = cfg + 44;
        for (u32 i = 0; i < entries; i++) {
            if (e[0] == 0) {
                n++;
                e += 20;
            } else {
                e += 8;
            }
        }
        return n;
    }
    return 0;
}

static u32 madt_processors(void)
{
    for (u32 a = 0xE0000; a < 0x100000; a += 16) {
        const char *p = (const char *)a;
        if (memcmp(p, "RSD PTR ", 8) != 0)
            continue;
        const u8 *rsdt = (const u8 *)*(const u32 *)(p + 16);
        u32 len = *(const u32 *)(rsdt + 4);
        for (u32 i = 36; i + 4 <= len; i += 4) {
            const u8 *t = (const u8 *)*(const u32 *)(rsdt + i);
            if (memcmp(t, "APIC", 4) != 0)
                continue;
            u32 tlen = *(const u32 *)(t + 4), n = 0;
            for (u32 o = 44; o + 2 <= tlen; o += t[o + 1])
                if (t[o] == 0 && (*(const u32 *)(t + o + 4) & 1))
                    n++;
            return n;
        }
    }
    return 0;
}

static void wait_for(volatile u32 *v, u32 want)
{
    for (u32 i = 0; i < 2000000 && *v != want; i++)
        __asm__ volatile("sti; pause; cli" ::: "memory");
}

u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    idt_gates(idt, isr_table);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    /* The 8259s as a loader leaves them: the PIT's IRQ 0 would come by
     * ExtINT (LINT0) to a vector this guest has no gate for. */
    __asm__ volatile("outb %0, $0x21\n\toutb %0, $0xA1" : : "a"((u8)0xFF));
    puts("smp guest\n");

    u32 n = cmos(0x5F) + 1u;
    puts("CPUs: CMOS ");
    putdec64(n);
    puts(", MP table ");
    putdec64(mp_processors());
    puts(", MADT ");
    putdec64(madt_processors());
    puts("\n");
    check(n >= 1 && n <= MAX_CPUS, 1, "CMOS 0x5F CPU count", n);
    check(mp_processors() == n, 2, "MP table processor entries", mp_processors());
    check(madt_processors() == n, 3, "MADT processor entries", madt_processors());
    if (failures)
        return failures;

    lapic_wr(0xF0, 0x1FF);
    check(my_id() == 0, 4, "BSP APIC ID", my_id());
    check((cpuid1_ebx() >> 24) == 0, 5, "BSP CPUID.1:EBX[31:24]", cpuid1_ebx());
    check(((u32)rdmsr(0x1B) & 0x900u) == 0x900u, 6, "BSP IA32_APIC_BASE: BSP and enable", (u32)rdmsr(0x1B));

    /* The start-up sequence (MP spec B.4, SDM 8.4.4.1). */
    memcpy((void *)TRAMP_BASE, tramp_start, (size_t)(tramp_end - tramp_start));
    ipi(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_INIT);
    delay(1000);
    ipi(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_SIPI | SIPI_VECTOR);
    delay(1000);
    ipi(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_SIPI | SIPI_VECTOR);   /* ignored: they run */
    wait_for(&started, n - 1);
    delay(1000);
    puts("APs started: ");
    putdec64(started);
    puts("\n");
    check(started == n - 1, 7, "APs started (each once)", started);
    for (u32 id = 1; id < n; id++) {
        puts("CPU ");
        putdec64(id);
        puts(": APIC ID ");
        putdec64(ap_apic_id[id] - 1);
        puts(", CPUID ");
        putdec64(ap_cpuid_id[id] - 1);
        puts(", IA32_APIC_BASE 0x");
        puthex32(ap_base_msr[id]);
        puts("\n");
        check(ap_apic_id[id] == id + 1, 8, "AP APIC ID", ap_apic_id[id]);
        check(ap_cpuid_id[id] == id + 1, 9, "AP CPUID.1:EBX[31:24]", ap_cpuid_id[id]);
        check(ap_base_msr[id] == 0xFEE00800u, 10, "AP IA32_APIC_BASE (no BSP flag)", ap_base_msr[id]);
    }

    /* Every CPU at once: no increment may be lost. */
    go = 1;
    for (u32 i = 0; i < ITERATIONS; i++)
        lock_inc(&counter);
    wait_for(&done, n - 1);
    puts("LOCK INC counter: ");
    putdec64(counter);
    puts("\n");
    check(counter == n * ITERATIONS, 11, "LOCK INC counter", counter);

    /* Fixed IPIs to each AP by physical destination; each answers (one
     * at a time: answers that arrive while one is pending merge in IRR). */
    for (u32 id = 1; id < n; id++) {
        ipi(id, 0x40);
        wait_for(&bsp41, id);
    }
    /* All excluding self, from the BSP. */
    ipi(0, ICR_ALL_BUT_SELF | 0x42);
    delay(1000);
    /* All excluding self, from AP 1 (asked by vector 0x44). */
    if (n > 1)
        ipi(1, 0x44);
    delay(1000);
    __asm__ volatile("sti; nop; cli");
    /* Per CPU: how many of vectors 40, 42, 43 and 44 it took. */
    for (u32 id = 0; id < n; id++) {
        puts("CPU ");
        putdec64(id);
        puts(" took IPIs 40/42/43/44: ");
        putdec64(got40[id]);
        puts("/");
        putdec64(got42[id]);
        puts("/");
        putdec64(got43[id]);
        puts("/");
        putdec64(got44[id]);
        puts("\n");
    }
    puts("answers to 40: ");
    putdec64(bsp41);
    puts("\n");
    check(bsp41 == n - 1, 12, "answers to the fixed IPIs", bsp41);
    for (u32 id = 0; id < n; id++) {
        check(got40[id] == (id ? 1u : 0u), 13, "fixed IPI 0x40 once per AP", got40[id]);
        check(got42[id] == (id ? 1u : 0u), 14, "all-excluding-self 0x42 from the BSP", got42[id]);
        check(got43[id] == (n > 1 && id != 1 ? 1u : 0u), 15, "all-excluding-self 0x43 from AP 1",
              got43[id]);
    }
    /* AP 1 sends INIT to itself (vector 0x45 asks it): it must stop and
     * wait for a SIPI, which starts it once more at the trampoline. */
    if (n > 1) {
        ipi(1, 0x45);
        delay(1000);
        u32 before = started;
        ipi(1, ICR_ASSERT | ICR_SIPI | SIPI_VECTOR);
        wait_for(&started, n);
        delay(1000);
        puts("AP 1 after INIT to itself: started ");
        putdec64(before);
        puts(" before its SIPI, ");
        putdec64(started);
        puts(" after\n");
        check(before == n - 1 && started == n, 16, "AP restarted by SIPI after its own INIT", started);
    }
    if (!failures)
        puts("smp: all checks passed\n");
    return failures;
}
