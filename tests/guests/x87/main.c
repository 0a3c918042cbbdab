/* x87 guest: float, double and long double arithmetic as gcc -m32
 * compiles it, the x87 instructions gcc does not emit (inline assembly),
 * FSAVE/FRSTOR and FXSAVE/FXRSTOR round trips, and the exception paths
 * from inside: #NM through CR0.TS and CR0.EM, #MF with CR0.NE = 1, and
 * IRQ 13 through FERR# and port 0xF0 with CR0.NE = 0.
 * Each failed check prints FAIL and the guest exits with its number. */
#define GUEST_NAME "x87"
#include "guest_check.h"
#include "guest_cpu.h"

typedef long double ld;

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];

void nm_stub(void);
void mf_stub(void);
void irq13_stub(void);

/* ------------------------------------------------------------ handlers */

static volatile u32 nm_count, mf_count, irq13_count, handler_sw, mf_eip, fault_fop;

#define CR0_MP 0x2u
#define CR0_EM 0x4u
#define CR0_TS 0x8u
#define CR0_NE 0x20u

void nm_handler(u32 *frame)
{
    (void)frame;
    nm_count++;
    /* The OS's lazy-FPU answer: give the task the FPU (CLTS), or here
     * also turn emulation off, and restart the instruction. */
    write_cr0(read_cr0() & ~(CR0_TS | CR0_EM));
}

void mf_handler(u32 *frame)
{
    u16 sw;
    u8 env[28];
    mf_count++;
    mf_eip = frame[0];
    __asm__ volatile("fnstsw %0\n\tfnstenv %1\n\tfnclex" : "=m"(sw), "=m"(env));
    handler_sw = sw;
    fault_fop = (u32)(env[18] | (env[19] << 8)) & 0x7FF;
}

void irq13_handler(u32 *frame)
{
    u16 sw;
    (void)frame;
    irq13_count++;
    outb(0xF0, 0);                       /* clear the request, IGNNE# on */
    __asm__ volatile("fnstsw %0\n\tfnclex" : "=m"(sw));
    handler_sw = sw;
    outb(0xA0, 0x20);                    /* EOI: slave, then master */
    outb(0x20, 0x20);
}

/* ------------------------------------------------------------ helpers */

static u64 bits_d(double d)
{
    u64 v;
    memcpy(&v, &d, 8);
    return v;
}

static u32 bits_f(float f)
{
    u32 v;
    memcpy(&v, &f, 4);
    return v;
}

static void bits_ld(ld x, u64 *mant, u16 *se)
{
    u8 b[16];
    memcpy(b, &x, 10);
    memcpy(mant, b, 8);
    *se = (u16)(b[8] | (b[9] << 8));
}

static ld fsqrt(ld x) { __asm__("fsqrt" : "+t"(x)); return x; }
static ld fsin(ld x) { __asm__("fsin" : "+t"(x)); return x; }
static ld fcos(ld x) { __asm__("fcos" : "+t"(x)); return x; }
static ld fldpi(void) { ld x; __asm__("fldpi" : "=t"(x)); return x; }
static ld fpatan(ld y, ld x)
{
    ld r;
    __asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
    return r;
}
static ld fyl2x(ld x, ld y)
{
    ld r;
    __asm__("fyl2x" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
    return r;
}
static ld f2xm1(ld x) { __asm__("f2xm1" : "+t"(x)); return x; }

static ld labs_(ld x) { return x < 0 ? -x : x; }

static u16 fnstsw(void)
{
    u16 sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}

static u16 fnstcw(void)
{
    u16 cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

static void fldcw(u16 cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

/* ------------------------------------------------------------ checks */

static volatile double vd3 = 3.0, vd1 = 1.0, vneg = -2.5, vbig = 1e18;
static volatile float vf3 = 3.0f;
static volatile ld vl3 = 3.0L, vl2 = 2.0L;
static volatile int vi = -123456789;
static volatile s64 vll = 0x7FFFFFFFFFFFFFFFll;

static void arithmetic(void)
{
    u64 m;
    u16 se;
    check(bits_d(vd1 / vd3) == 0x3FD5555555555555ull, 10, "1.0/3.0 (double)",
          (u32)bits_d(vd1 / vd3));
    check(bits_f(1.0f / vf3) == 0x3EAAAAABu, 11, "1.0f/3.0f", bits_f(1.0f / vf3));
    bits_ld(1.0L / vl3, &m, &se);
    check(m == 0xAAAAAAAAAAAAAAABull && se == 0x3FFD, 12, "1.0L/3.0L", (u32)m);
    check((int)vneg == -2, 13, "(int)-2.5 truncates", (u32)(int)vneg);
    check((s64)vbig == 1000000000000000000ll, 14, "(long long)1e18", (u32)(s64)vbig);
    check((double)vi == -123456789.0, 15, "(double)int", (u32)(int)(double)vi);
    check(bits_d((double)vll) == 0x43E0000000000000ull, 16, "(double)INT64_MAX",
          (u32)(bits_d((double)vll) >> 32));
    double acc = 0;
    for (int i = 1; i <= 100; i++)
        acc += 1.0 / i;
    /* The sum's bits are in expected.txt (recorded from the host's x87
     * running the same loop built the same way). */
    volatile double s = 0;
    for (int i = 0; i < 10; i++)
        s += 0.1;
    check(s != 1.0 && s > 0.9999999 && s < 1.0000001, 18, "0.1 summed", (u32)bits_d(s));
    puts("arithmetic: ");
    puthex32((u32)(bits_d(acc) >> 32));
    puthex32((u32)bits_d(acc));
    putc('\n');
}

static void special_values(void)
{
    volatile double zero = 0.0, inf, nan;
    inf = 1.0 / zero;
    nan = zero / zero;
    check(bits_d(inf) == 0x7FF0000000000000ull, 20, "1/0", (u32)(bits_d(inf) >> 32));
    check(bits_d(nan) == 0xFFF8000000000000ull, 21, "0/0 (indefinite)", (u32)(bits_d(nan) >> 32));
    check(!(nan == nan) && !(nan < 1.0) && !(nan > 1.0) && nan != nan, 22, "NaN compares", 0);
    check(inf > 1e308 && -inf < -1e308, 23, "infinity compares", 0);
    u16 sw = fnstsw();
    check((sw & 0x05) == 0x05, 24, "IE and ZE flags set", sw);   /* 0/0 invalid, 1/0 zero divide */
    __asm__ volatile("fnclex");
}

static void transcendental(void)
{
    u64 m;
    u16 se;
    bits_ld(fldpi(), &m, &se);
    check(m == 0xC90FDAA22168C235ull && se == 0x4000, 30, "FLDPI", (u32)m);
    bits_ld(fsqrt(vl2), &m, &se);
    check(m == 0xB504F333F9DE6484ull && se == 0x3FFF, 31, "FSQRT 2", (u32)m);
    ld s = fsin(0.5L), c = fcos(0.5L);
    check(labs_(s * s + c * c - 1.0L) < 1e-18L, 32, "sin^2 + cos^2", 0);
    check(labs_(s - 0.479425538604203000273L) < 1e-18L, 33, "sin 0.5", 0);
    check(labs_(4 * fpatan(1.0L, 1.0L) - fldpi()) < 1e-18L, 34, "4 atan(1)", 0);
    ld l = fyl2x(8.0L, 1.0L);
    check(l == 3.0L, 35, "log2 8", (u32)(int)l);
    check(labs_(f2xm1(0.5L) + 1 - fsqrt(vl2)) < 1e-18L, 36, "2^0.5", 0);
    /* FSIN out of range: C2 = 1 and the operand stays. */
    ld big = 1e30L, r;
    u16 sw;
    __asm__ volatile("fsin\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(big));
    check((sw & 0x400) && r == big, 38, "FSIN out of range", sw);
}

static void save_restore(void)
{
    static u8 fsave_area[108];
    static u8 fx_area[512] __attribute__((aligned(16)));
    ld a, b;
    __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfnsave %0" : "=m"(fsave_area));
    check(fnstcw() == 0x037F, 40, "FNSAVE initializes", fnstcw());
    __asm__ volatile("frstor %2\n\tfstpt %0\n\tfstpt %1" : "=m"(a), "=m"(b) : "m"(fsave_area));
    check(a == fldpi() && b == 1.0L, 41, "FSAVE/FRSTOR", 0);
    u32 cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 0x200));   /* CR4.OSFXSR */
    __asm__ volatile("fninit\n\tfldl2e\n\tfldz\n\tfxsave %0\n\tfninit" : "=m"(fx_area));
    check(fx_area[4] == 0xC0, 42, "FXSAVE abridged tag", fx_area[4]);
    __asm__ volatile("fxrstor %2\n\tfstpt %0\n\tfstpt %1" : "=m"(a), "=m"(b) : "m"(fx_area));
    u64 m;
    u16 se;
    bits_ld(b, &m, &se);
    check(a == 0.0L && m == 0xB8AA3B295C17F0BCull, 43, "FXSAVE/FXRSTOR", (u32)m);
    puts("save/restore: ok\n");
}

static void device_not_available(void)
{
    u32 cr0 = read_cr0();
    volatile double x = 2.0;
    nm_count = 0;
    write_cr0(cr0 | CR0_TS | CR0_MP);
    x = x * 3.0;                     /* #NM, handler does CLTS, retried */
    check(nm_count == 1 && x == 6.0, 50, "#NM with CR0.TS", nm_count);
    write_cr0(read_cr0() | CR0_EM);
    x = x + 1.0;                     /* #NM, handler clears EM */
    check(nm_count == 2 && x == 7.0, 51, "#NM with CR0.EM", nm_count);
    write_cr0(read_cr0() | CR0_TS);
    __asm__ volatile("fwait");       /* TS with MP: WAIT faults too */
    check(nm_count == 3, 52, "#NM on WAIT with TS and MP", nm_count);
    write_cr0(cr0);
    puts("#NM: ok\n");
}

static void math_fault(void)
{
    u32 cr0 = read_cr0();
    write_cr0(cr0 | CR0_NE);
    mf_count = 0;
    __asm__ volatile("fninit");
    fldcw(0x037B);                   /* ZE unmasked */
    __asm__ volatile("fldz\n\tfld1\n\tfdiv %%st(1), %%st\n\t"
                     "fnop\n\t"      /* waiting: #MF here */
                     "fninit" ::: "memory");
    check(mf_count == 1, 60, "#MF count", mf_count);
    check((handler_sw & 0x80FF) == 0x8084, 61, "#MF status word (ZE ES B)", handler_sw);
    check(fault_fop == 0x0F1, 62, "FOP of the faulting FDIV", fault_fop);
    check(mf_eip != 0, 63, "#MF EIP", mf_eip);
    write_cr0(cr0);
    puts("#MF: ok\n");
}

static const u16 cw_unmask_ze = 0x037B;

static void irq13(void)
{
    u32 cr0 = read_cr0();
    write_cr0(cr0 & ~CR0_NE);
    /* PIC: vectors 20h/28h, cascade on IRQ 2, only IRQ 2 and 13 open. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFB); outb(0xA1, 0xDF);
    irq13_count = 0;
    __asm__ volatile("sti");
    __asm__ volatile("fninit");
    fldcw(0x037B);
    __asm__ volatile("fldz\n\tfld1\n\tfdiv %%st(1), %%st\n\t"
                     "fld1\n\t"      /* IRQ 13 is taken before this (IF = 1) */
                     "fninit" ::: "memory");
    __asm__ volatile("cli");
    check(irq13_count == 1, 70, "IRQ 13 count", irq13_count);
    check((handler_sw & 0x80FF) == 0x8084, 71, "IRQ 13 status word", handler_sw);
    /* Again with interrupts off while the exception is raised, then STI:
     * its shadow lets the next instruction (a waiting FLD1) start before
     * IRQ 13 can be taken, so the CPU must freeze on it and resume it
     * after the handler. */
    ld top;
    u16 post_sw;
    __asm__ volatile("fninit\n\t"
                     "fldcw %2\n\t"
                     "fldz\n\tfld1\n\tfdiv %%st(1), %%st\n\t"
                     "sti\n\t"
                     "fld1\n\t"
                     "cli\n\t"
                     "fnstsw %1\n\t"
                     "fstpt %0\n\t"
                     "fninit" : "=m"(top), "=m"(post_sw) : "m"(cw_unmask_ze) : "memory");
    check(irq13_count == 2, 72, "IRQ 13 count after the freeze", irq13_count);
    /* The handler ran before FLD1 (TOP still 6: two pushes), and FLD1
     * completed after it (TOP 5, ES clear). */
    check(((handler_sw >> 11) & 7) == 6 && (handler_sw & 0x80), 73, "handler before FLD1",
          handler_sw);
    check(top == 1.0L && ((post_sw >> 11) & 7) == 5 && !(post_sw & 0x80), 74,
          "FLD1 resumed after IRQ 13", post_sw);
    outb(0x21, 0xFF); outb(0xA1, 0xFF);
    write_cr0(cr0);
    puts("IRQ 13: ok\n");
}

u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    idt[7] = idt_gate((u32)nm_stub, 0);
    idt[16] = idt_gate((u32)mf_stub, 0);
    idt[0x2D] = idt_gate((u32)irq13_stub, 0);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    u32 a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    check((d & 1) && (d & (1u << 24)), 1, "CPUID FPU and FXSR", d);
    __asm__ volatile("fninit");
    check(fnstcw() == 0x037F && fnstsw() == 0, 2, "FNINIT state", fnstcw());
    puts("x87 guest\n");
    arithmetic();
    special_values();
    transcendental();
    save_restore();
    device_not_available();
    math_fault();
    irq13();
    if (!failures)
        puts("x87: all checks passed\n");
    return failures;
}
