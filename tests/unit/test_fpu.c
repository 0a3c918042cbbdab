/* The x87 instruction layer from outside: state after reset and FNINIT,
 * the register stack and tag word, stack faults, the FSTENV/FSAVE/FXSAVE
 * images byte for byte against the SDM's figures, the #NM/#MF rules of
 * CR0, FERR#/IGNNE# with the port 0xF0 logic, and snapshots and lockstep
 * comparison of the x87 state. Instructions run one at a time on a CPU
 * with 1 MiB of RAM. */
#include <check.h>
#include <setjmp.h>
#include <string.h>

#include "cpu/compare.h"
#include "cpu/cpu.h"
#include "cpu/exec.h"
#include "cpu/fpu.h"
#include "devices/ferr.h"
#include "machine/cpu_state.h"

static struct physmem pm;
static struct cpu cpu;
static int ferr_calls, ferr_level;

#define CODE 0x3000u
#define DATA 0x2000u
#define OUT 0x4000u

static void on_ferr(void *opaque, int line, int level)
{
    (void)opaque;
    (void)line;
    ferr_calls++;
    ferr_level = level;
}

static void setup_common(void)
{
    ck_assert_int_eq(physmem_init(&pm, 1u << 20), 0);
    struct cpu_io io = { .opaque = NULL, .ferr = irq_line_make(on_ferr, NULL, 0) };
    cpu_init(&cpu, &pm, &io);
    ferr_calls = 0;
    ferr_level = 0;
}

/* Flat 32-bit protected mode, CPL 0, CR0.NE set (as Linux runs). */
static void setup32(void)
{
    setup_common();
    cpu_enter_flat32(&cpu);
    cpu.cr0 |= CR0_NE;
    cpu.regs[REG_ESP] = 0x8000;
}

/* Real mode with CS = 0 (so code at CODE is at CS:CODE). */
static void setup16(void)
{
    setup_common();
    cpu_load_real_seg(&cpu, SEG_CS, 0);
    cpu.regs[REG_ESP] = 0x8000;
}

static void teardown(void)
{
    physmem_free(&pm);
}

/* Run `len` bytes of code at CODE one instruction at a time until EIP
 * leaves them. Returns -1 when all ran, else the vector raised (EIP then
 * on the faulting instruction). A frozen CPU (halted) also stops. */
static int run(const uint8_t *code, unsigned len)
{
    jmp_buf jb;
    physmem_load(&pm, CODE, code, len);
    cpu.eip = CODE;
    cpu.fault_jmp = &jb;
    while (cpu.eip >= CODE && cpu.eip < CODE + len && !cpu.halted) {
        cpu.insn_eip = cpu.eip;
        cpu.insn_esp = cpu.regs[REG_ESP];
        if (setjmp(jb)) {
            cpu.eip = cpu.insn_eip;
            return cpu.fault_vector;
        }
        struct insn in;
        cpu_decode_current(&cpu, &in);
        cpu_execute(&cpu, &in);
    }
    return -1;
}

#define RUN(...) do { static const uint8_t c_[] = { __VA_ARGS__ }; \
                      ck_assert_int_eq(run(c_, sizeof c_), -1); } while (0)
#define RUN_FAULT(vec, ...) do { static const uint8_t c_[] = { __VA_ARGS__ }; \
                                 ck_assert_int_eq(run(c_, sizeof c_), (vec)); } while (0)

static void put80(uint32_t addr, uint64_t mant, uint16_t se)
{
    physmem_write(&pm, addr, 4, (uint32_t)mant);
    physmem_write(&pm, addr + 4, 4, (uint32_t)(mant >> 32));
    physmem_write(&pm, addr + 8, 2, se);
}

static void expect_bytes(uint32_t addr, const uint8_t *want, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t got = physmem_read(&pm, addr + i, 1);
        ck_assert_msg(got == want[i], "byte %u: %02x, want %02x", i, got, want[i]);
    }
}

#define FNINIT 0xDB, 0xE3
#define FLD1 0xD9, 0xE8
#define FLDZ 0xD9, 0xEE
#define FNSTSW_AX 0xDF, 0xE0

/* ------------------------------------------------------------ state */

START_TEST(reset_and_fninit)
{
    setup32();
    /* SDM Vol. 3, Table 9-1. */
    ck_assert_uint_eq(cpu.fpu.cw, 0x0040);
    ck_assert_uint_eq(cpu.fpu.sw, 0);
    ck_assert_uint_eq(cpu.fpu.tw, 0x5555);
    cpu.fpu.r[3].mant = 123;
    RUN(FNINIT);
    ck_assert_uint_eq(cpu.fpu.cw, 0x037F);
    ck_assert_uint_eq(cpu.fpu.sw, 0);
    ck_assert_uint_eq(cpu.fpu.tw, 0xFFFF);
    ck_assert_uint_eq(cpu.fpu.r[3].mant, 123);   /* FNINIT keeps the registers */
    teardown();
}
END_TEST

START_TEST(push_pop_and_tags)
{
    setup32();
    RUN(FNINIT, FLD1, FLDZ, FNSTSW_AX);
    ck_assert_uint_eq(cpu.regs[REG_EAX] & 0xFFFF, 0x3000);   /* TOP = 6 */
    ck_assert_uint_eq(cpu.fpu.tw, 0x1FFF);                   /* R7 valid, R6 zero */
    ck_assert_uint_eq(fpu_tag_word(&cpu.fpu), 0x1FFF);
    ck_assert_uint_eq(cpu.fpu.r[7].se, 0x3FFF);
    ck_assert_uint_eq(cpu.fpu.r[7].mant, 0x8000000000000000ull);
    /* FSTP ST(0) pops; FINCSTP/FDECSTP move TOP only; FFREE empties. */
    RUN(0xDD, 0xD8, 0xD9, 0xF6, 0xD9, 0xF7, 0xDD, 0xC0);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 7);
    ck_assert_uint_eq(cpu.fpu.tw, 0xFFFF);
    /* Special tags: denormal, infinity, unnormal (integer bit clear). */
    ck_assert_int_eq(fpu_tag_of((struct fp80){ 1, 0 }), FPU_TAG_SPECIAL);
    ck_assert_int_eq(fpu_tag_of((struct fp80){ 0x8000000000000000ull, 0x7FFF }), FPU_TAG_SPECIAL);
    ck_assert_int_eq(fpu_tag_of((struct fp80){ 0x4000000000000000ull, 0x3FFF }), FPU_TAG_SPECIAL);
    ck_assert_int_eq(fpu_tag_of((struct fp80){ 0, 0x8000 }), FPU_TAG_ZERO);
    teardown();
}
END_TEST

START_TEST(stack_overflow_and_underflow)
{
    setup32();
    /* Nine pushes: the ninth overflows; masked, it pushes the indefinite. */
    RUN(FNINIT, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FNSTSW_AX);
    uint16_t sw = (uint16_t)cpu.regs[REG_EAX];
    ck_assert_uint_eq(sw & (FPU_SW_IE | FPU_SW_SF | FPU_SW_C1), FPU_SW_IE | FPU_SW_SF | FPU_SW_C1);
    ck_assert_uint_eq(sw & FPU_SW_ES, 0);
    struct fp80 st0 = fpu_st(&cpu.fpu, 0);
    ck_assert_uint_eq(st0.se, 0xFFFF);
    ck_assert_uint_eq(st0.mant, 0xC000000000000000ull);

    /* Underflow: FADD with an empty ST(1); C1 = 0, indefinite in ST(0). */
    RUN(FNINIT, FLD1, 0xD8, 0xC1, FNSTSW_AX);
    sw = (uint16_t)cpu.regs[REG_EAX];
    ck_assert_uint_eq(sw & (FPU_SW_IE | FPU_SW_SF | FPU_SW_C1), FPU_SW_IE | FPU_SW_SF);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0xFFFF);

    /* Unmasked (FLDCW 037Eh): nothing changes but the status word. */
    physmem_write(&pm, DATA, 2, 0x037E);
    RUN(FNINIT, 0xD9, 0x2D, 0x00, 0x20, 0x00, 0x00, FLD1, 0xD8, 0xC1, FNSTSW_AX);
    sw = (uint16_t)cpu.regs[REG_EAX];
    ck_assert_uint_eq(sw & (FPU_SW_IE | FPU_SW_SF | FPU_SW_ES | FPU_SW_B),
                      FPU_SW_IE | FPU_SW_SF | FPU_SW_ES | FPU_SW_B);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0x3FFF);       /* still 1.0 */
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 7);
    teardown();
}
END_TEST

START_TEST(control_and_status_words)
{
    setup32();
    /* FLDCW keeps bits 0-5, 8-12 and reads bit 6 as 1. */
    physmem_write(&pm, DATA, 2, 0xFFFF);
    RUN(FNINIT, 0xD9, 0x2D, 0x00, 0x20, 0x00, 0x00,               /* fldcw [DATA] */
        0xD9, 0x3D, 0x00, 0x40, 0x00, 0x00,                       /* fnstcw [OUT] */
        0xDD, 0x3D, 0x02, 0x40, 0x00, 0x00);                      /* fnstsw [OUT+2] */
    ck_assert_uint_eq(physmem_read(&pm, OUT, 2), 0x1F7F);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 2, 2), 0);
    /* FNCLEX clears flags, SF, ES and B, not the condition codes or TOP. */
    cpu.fpu.sw = 0xFFFF & ~FPU_SW_TOP;
    RUN(0xDB, 0xE2);
    ck_assert_uint_eq(cpu.fpu.sw, FPU_SW_CC);
    teardown();
}
END_TEST

/* ------------------------------------------------------------ images */

/* The state the image tests store: FNINIT, then FLD tword [DATA] (1.0),
 * which records the pointers: FOP = 32Dh (DB /5, ModRM 2D). */
START_TEST(fnstenv_protected32)
{
    setup32();
    put80(DATA, 0x8000000000000000ull, 0x3FFF);
    RUN(FNINIT, 0xDB, 0x2D, 0x00, 0x20, 0x00, 0x00,               /* fld tword [DATA] */
        0xD9, 0x35, 0x00, 0x40, 0x00, 0x00);                      /* fnstenv [OUT] */
    uint16_t cs = cpu.seg[SEG_CS].sel, ds = cpu.seg[SEG_DS].sel;
    uint32_t ip = CODE + 2;
    const uint8_t want[28] = {
        0x7F, 0x03, 0xFF, 0xFF, 0x00, 0x38, 0xFF, 0xFF, 0xFF, 0x3F, 0xFF, 0xFF,
        (uint8_t)ip, (uint8_t)(ip >> 8), 0, 0,
        (uint8_t)cs, (uint8_t)(cs >> 8), 0x2D, 0x03,
        0x00, 0x20, 0x00, 0x00,
        (uint8_t)ds, (uint8_t)(ds >> 8), 0xFF, 0xFF };
    expect_bytes(OUT, want, sizeof want);
    ck_assert_uint_eq(cpu.fpu.cw, 0x037F);
    teardown();
}
END_TEST

START_TEST(fnstenv_protected16)
{
    setup32();
    put80(DATA, 0x8000000000000000ull, 0x3FFF);
    RUN(FNINIT, 0xDB, 0x2D, 0x00, 0x20, 0x00, 0x00,
        0x66, 0xD9, 0x35, 0x00, 0x40, 0x00, 0x00);                /* o16 fnstenv */
    uint16_t cs = cpu.seg[SEG_CS].sel, ds = cpu.seg[SEG_DS].sel;
    const uint8_t want[14] = { 0x7F, 0x03, 0x00, 0x38, 0xFF, 0x3F, 0x02, 0x30,
                               (uint8_t)cs, (uint8_t)(cs >> 8), 0x00, 0x20,
                               (uint8_t)ds, (uint8_t)(ds >> 8) };
    expect_bytes(OUT, want, sizeof want);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 14, 1), 0);   /* 14 bytes only */
    teardown();
}
END_TEST

/* Real mode: linear pointers; DS = 1000h puts the operand at 12000h so
 * bits 16-19 of the data pointer show. */
START_TEST(fnstenv_real16_and_real32)
{
    setup16();
    cpu_load_real_seg(&cpu, SEG_DS, 0x1000);
    put80(0x12000, 0x8000000000000000ull, 0x3FFF);
    RUN(FNINIT, 0xDB, 0x2E, 0x00, 0x20,                           /* fld tword [2000h] */
        0x2E, 0xD9, 0x36, 0x00, 0x40);                            /* fnstenv cs:[4000h] */
    /* FOP 32Eh: DB /5 with the 16-bit ModRM 2E (disp16). */
    const uint8_t want16[14] = { 0x7F, 0x03, 0x00, 0x38, 0xFF, 0x3F, 0x02, 0x30,
                                 0x2E, 0x03, 0x00, 0x20, 0x00, 0x10 };
    expect_bytes(OUT, want16, sizeof want16);

    RUN(FNINIT, 0xDB, 0x2E, 0x00, 0x20,
        0x66, 0x2E, 0xD9, 0x36, 0x00, 0x40);                      /* o32 fnstenv */
    const uint8_t want32[28] = {
        0x7F, 0x03, 0xFF, 0xFF, 0x00, 0x38, 0xFF, 0xFF, 0xFF, 0x3F, 0xFF, 0xFF,
        0x02, 0x30, 0xFF, 0xFF, 0x2E, 0x03, 0x00, 0x00,
        0x00, 0x20, 0xFF, 0xFF, 0x00, 0x10, 0x00, 0x00 };
    expect_bytes(OUT, want32, sizeof want32);

    /* FLDENV of that image and FNSTENV again give the same bytes. */
    RUN(FNINIT, 0x66, 0x2E, 0xD9, 0x26, 0x00, 0x40,               /* o32 fldenv */
        0x66, 0x2E, 0xD9, 0x36, 0x00, 0x50);                      /* o32 fnstenv [5000h] */
    expect_bytes(0x5000, want32, sizeof want32);
    teardown();
}
END_TEST

START_TEST(fnsave_frstor)
{
    setup32();
    put80(DATA, 0x8000000000000000ull, 0x3FFF);
    RUN(FNINIT, 0xDB, 0x2D, 0x00, 0x20, 0x00, 0x00, FLDZ,
        0xDD, 0x35, 0x00, 0x40, 0x00, 0x00);                      /* fnsave [OUT] */
    /* The environment, then ST0 (0.0) and ST1 (1.0); FNSAVE then inits. */
    ck_assert_uint_eq(physmem_read(&pm, OUT + 4, 2), 0x3000);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 8, 2), 0x1FFF);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_uint_eq(physmem_read(&pm, OUT + 28 + i, 1), 0);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 38 + 7, 1), 0x80);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 38 + 8, 2), 0x3FFF);
    ck_assert_uint_eq(cpu.fpu.cw, 0x037F);
    ck_assert_uint_eq(cpu.fpu.tw, 0xFFFF);
    /* FRSTOR brings it all back; FNSAVE again gives the same 108 bytes. */
    RUN(0xDD, 0x25, 0x00, 0x40, 0x00, 0x00,                       /* frstor [OUT] */
        0xDD, 0x35, 0x00, 0x50, 0x00, 0x00);                      /* fnsave [5000h] */
    for (unsigned i = 0; i < 108; i++)
        ck_assert_uint_eq(physmem_read(&pm, 0x5000 + i, 1), physmem_read(&pm, OUT + i, 1));
    /* 94 bytes with a 16-bit operand size. */
    physmem_write(&pm, 0x6000 + 94, 1, 0xAA);
    RUN(FLD1, 0x66, 0xDD, 0x35, 0x00, 0x60, 0x00, 0x00);
    ck_assert_uint_eq(physmem_read(&pm, 0x6000 + 94, 1), 0xAA);
    ck_assert_uint_eq(physmem_read(&pm, 0x6000 + 14 + 7, 1), 0x80);
    teardown();
}
END_TEST

START_TEST(fxsave_fxrstor)
{
    setup32();
    uint16_t cs;
    RUN(FNINIT, FLD1, FLDZ, 0x0F, 0xAE, 0x05, 0x00, 0x40, 0x00, 0x00);   /* fxsave [OUT] */
    cs = cpu.seg[SEG_CS].sel;
    uint32_t ip = CODE + 4;   /* FLDZ, the last non-control instruction */
    const uint8_t want[32] = {
        0x7F, 0x03, 0x00, 0x30, 0xC0, 0x00, 0xEE, 0x01,
        (uint8_t)ip, (uint8_t)(ip >> 8), 0, 0, (uint8_t)cs, (uint8_t)(cs >> 8), 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    expect_bytes(OUT, want, sizeof want);
    for (unsigned i = 0; i < 16; i++)   /* ST0 = +0.0 with its 6 reserved bytes */
        ck_assert_uint_eq(physmem_read(&pm, OUT + 32 + i, 1), 0);
    ck_assert_uint_eq(physmem_read(&pm, OUT + 48 + 7, 1), 0x80);   /* ST1 = 1.0 */
    ck_assert_uint_eq(physmem_read(&pm, OUT + 48 + 8, 2), 0x3FFF);
    /* FXRSTOR after FNINIT restores TOP, tags and registers. */
    RUN(FNINIT, 0x0F, 0xAE, 0x0D, 0x00, 0x40, 0x00, 0x00);              /* fxrstor [OUT] */
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 6);
    ck_assert_uint_eq(cpu.fpu.tw, 0x1FFF);
    ck_assert_uint_eq(cpu.fpu.fop, 0x1EE);
    /* Alignment: #GP(0) off a 16-byte boundary. EM: #UD. TS: #NM. */
    RUN_FAULT(VEC_GP, 0x0F, 0xAE, 0x05, 0x08, 0x40, 0x00, 0x00);
    cpu.cr0 |= CR0_EM;
    RUN_FAULT(VEC_UD, 0x0F, 0xAE, 0x05, 0x00, 0x40, 0x00, 0x00);
    cpu.cr0 = (cpu.cr0 & ~CR0_EM) | CR0_TS;
    RUN_FAULT(VEC_NM, 0x0F, 0xAE, 0x0D, 0x00, 0x40, 0x00, 0x00);
    teardown();
}
END_TEST

/* ------------------------------------------------------------ CR0 rules */

START_TEST(device_not_available)
{
    setup32();
    cpu.cr0 |= CR0_EM;
    RUN_FAULT(VEC_NM, FLD1);
    RUN_FAULT(VEC_NM, FNINIT);         /* non-waiting ones too */
    RUN(0x9B);                         /* WAIT ignores EM */
    cpu.cr0 = (cpu.cr0 & ~CR0_EM) | CR0_TS;
    RUN_FAULT(VEC_NM, FNSTSW_AX);
    RUN(0x9B);                         /* WAIT: TS alone is not enough */
    cpu.cr0 |= CR0_MP;
    RUN_FAULT(VEC_NM, 0x9B);
    cpu.cr0 &= ~(CR0_TS | CR0_MP);
    RUN(FNINIT, 0x9B);
    teardown();
}
END_TEST

/* An unmasked zero divide: FLDCW 037Bh, then 1/0. */
#define UNMASK_ZE 0xD9, 0x2D, 0x00, 0x20, 0x00, 0x00
#define DIV_BY_ZERO FLDZ, FLD1, 0xD8, 0xF1   /* fdiv st0, st1 */

START_TEST(pending_exception_native)
{
    setup32();
    physmem_write(&pm, DATA, 2, 0x037B);
    RUN(FNINIT, UNMASK_ZE, DIV_BY_ZERO);
    ck_assert_uint_eq(cpu.fpu.sw & (FPU_SW_ZE | FPU_SW_ES | FPU_SW_B),
                      FPU_SW_ZE | FPU_SW_ES | FPU_SW_B);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0x3FFF);   /* unmasked: ST(0) unchanged */
    ck_assert_uint_eq(cpu.fpu.fop, 0x0F1);               /* the faulting instruction's */
    ck_assert_uint_eq(cpu.fpu.fip, CODE + 6 + 2 + 2 + 2 + 2 - 2);
    /* Non-waiting instructions run; the next waiting one is #MF. */
    RUN(FNSTSW_AX);
    RUN_FAULT(VEC_MF, FLD1);
    RUN_FAULT(VEC_MF, 0x9B);
    ck_assert_int_eq(ferr_calls, 0);   /* NE=1: FERR# is not driven */
    RUN(0xDB, 0xE2, FLD1);             /* FNCLEX */
    /* FLDCW that unmasks a flag already set makes it pending. */
    RUN(FNINIT, FLDZ, FLD1, 0xD8, 0xF1, UNMASK_ZE);
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_ES, FPU_SW_ES);
    RUN_FAULT(VEC_MF, FLD1);
    teardown();
}
END_TEST

START_TEST(pending_exception_dos_mode)
{
    setup32();
    cpu.cr0 &= ~CR0_NE;
    physmem_write(&pm, DATA, 2, 0x037B);
    RUN(FNINIT, UNMASK_ZE, DIV_BY_ZERO);
    ck_assert_int_eq(ferr_calls, 1);
    ck_assert_int_eq(ferr_level, 1);
    /* The next waiting instruction freezes the CPU on itself. */
    static const uint8_t fld1[] = { FLD1 };
    ck_assert_int_eq(run(fld1, 2), -1);
    ck_assert(cpu.halted);
    ck_assert_uint_eq(cpu.eip, CODE);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 6);
    /* With IGNNE# asserted it runs, and the exception stays pending. */
    cpu.halted = 0;
    fpu_set_ignne(&cpu, 1);
    RUN(FLD1);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 5);
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_ES, FPU_SW_ES);
    /* FNCLEX drops FERR#. */
    RUN(0xDB, 0xE2);
    ck_assert_int_eq(ferr_calls, 2);
    ck_assert_int_eq(ferr_level, 0);
    teardown();
}
END_TEST

/* The board's port 0xF0 logic, with recording IRQ and IGNNE# lines. */
static int irq13, ignne;
static void rec_irq(void *opaque, int line, int level)
{
    (void)opaque;
    (void)line;
    irq13 = level;
}
static void rec_ignne(void *opaque, int level)
{
    (void)opaque;
    ignne = level;
}

START_TEST(port_f0_logic)
{
    struct iobus bus;
    struct ferr d;
    iobus_init(&bus);
    irq13 = ignne = 0;
    ck_assert_int_eq(ferr_init(&d, &bus, irq_line_make(rec_irq, NULL, 13), rec_ignne, NULL), 0);
    ferr_set_ferr(&d, 1);
    ck_assert_int_eq(irq13, 1);
    ck_assert_int_eq(ignne, 0);
    iobus_write(&bus, 0xF0, 1, 0);           /* the handler's "clear busy" */
    ck_assert_int_eq(irq13, 0);
    ck_assert_int_eq(ignne, 1);
    ferr_set_ferr(&d, 1);                    /* still active: no new IRQ under IGNNE# */
    ck_assert_int_eq(irq13, 0);
    ferr_set_ferr(&d, 0);                    /* FNCLEX: IGNNE# released */
    ck_assert_int_eq(ignne, 0);
    iobus_write(&bus, 0xF0, 1, 0);           /* without FERR#: nothing asserted */
    ck_assert_int_eq(ignne, 0);
    ck_assert_uint_eq(iobus_read(&bus, 0xF0, 1), 0xFF);
    /* Saved and restored. */
    ferr_set_ferr(&d, 1);
    struct state_writer w;
    state_writer_init(&w);
    ferr_save(&d, &w);
    struct ferr e = d;
    e.ferr = 0;
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(ferr_load(&e, &r), 0);
    ck_assert_int_eq(e.ferr, 1);
    state_writer_free(&w);
}
END_TEST


/* ------------------------------------------------------------ instructions */

#define FLD_M80(addr) 0xDB, 0x2D, (uint8_t)(addr), (uint8_t)((addr) >> 8), 0x00, 0x00
#define FXAM 0xD9, 0xE5

/* FXAM's C3 C2 C0 (and C1 = sign) for each class (SDM Vol. 2, FXAM). */
START_TEST(fxam_classes)
{
    static const struct { uint64_t mant; uint16_t se; uint16_t cc; } cases[] = {
        { 0, 0x0000, FPU_SW_C3 },                                        /* +0 */
        { 1, 0x8000, FPU_SW_C3 | FPU_SW_C2 | FPU_SW_C1 },                /* -denormal */
        { 0x8000000000000000ull, 0x3FFF, FPU_SW_C2 },                    /* 1.0 */
        { 0x8000000000000000ull, 0xFFFF, FPU_SW_C2 | FPU_SW_C0 | FPU_SW_C1 }, /* -inf */
        { 0xC000000000000000ull, 0x7FFF, FPU_SW_C0 },                    /* QNaN */
        { 0x4000000000000000ull, 0x3FFF, 0 },                            /* unnormal */
    };
    setup32();
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put80(DATA, cases[i].mant, cases[i].se);
        RUN(FNINIT, FLD_M80(DATA), FXAM);
        ck_assert_msg((cpu.fpu.sw & FPU_SW_CC) == cases[i].cc, "case %u: sw %04x", i, cpu.fpu.sw);
    }
    RUN(FNINIT, FXAM);                                   /* empty: C3 and C0 */
    ck_assert_uint_eq(cpu.fpu.sw & (FPU_SW_C3 | FPU_SW_C2 | FPU_SW_C0), FPU_SW_C3 | FPU_SW_C0);
    teardown();
}
END_TEST

/* FCOMI/FUCOMIP: ZF PF CF from the comparison, OF SF AF cleared; the
 * masked invalid of an unordered FCOMI sets all three. */
START_TEST(fcomi_flags)
{
    setup32();
    uint32_t arith = EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF;
    cpu_set_eflags(&cpu, cpu_get_eflags(&cpu) | arith);
    RUN(FNINIT, FLD1, FLDZ, 0xDB, 0xF1);                 /* fcomi st0(0), st1(1): less */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & arith, EFLAGS_CF);
    RUN(0xD9, 0xC9, 0xDB, 0xF1);                         /* fxch; greater */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & arith, 0);
    RUN(FNINIT, FLD1, FLD1, 0xDF, 0xE9);                 /* fucomip: equal, pops */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & arith, EFLAGS_ZF);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 7);
    put80(DATA, 0xC000000000000000ull, 0x7FFF);          /* QNaN: FCOMI is invalid */
    RUN(FNINIT, FLD1, FLD_M80(DATA), 0xDB, 0xF1);
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & arith, EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF);
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_IE, FPU_SW_IE);
    RUN(FNINIT, FLD1, FLD_M80(DATA), 0xDB, 0xE9);        /* FUCOMI: quiet, no IE */
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_IE, 0);
    teardown();
}
END_TEST

START_TEST(fcmov_and_fxch)
{
    setup32();
    RUN(FNINIT, FLD1, FLDZ, 0xF9, 0xDA, 0xC1);           /* stc; fcmovb st0, st1 */
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0x3FFF);
    RUN(FNINIT, FLD1, FLDZ, 0xF8, 0xDA, 0xC1);           /* clc: no move */
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0);
    /* FXCH with an empty ST(1): masked underflow, both read as the
     * indefinite first. */
    RUN(FNINIT, FLD1, 0xD9, 0xC9);
    ck_assert_uint_eq(cpu.fpu.sw & (FPU_SW_IE | FPU_SW_SF), FPU_SW_IE | FPU_SW_SF);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0xFFFF);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 1).se, 0x3FFF);
    teardown();
}
END_TEST

/* FSIN, FCOS, FSINCOS, FPTAN with |x| >= 2^63: C2 = 1, nothing else
 * changes; FPTAN in range pushes 1.0 with C2 = 0. */
START_TEST(trig_out_of_range)
{
    static const uint8_t ops[4] = { 0xFE, 0xFF, 0xFB, 0xF2 };
    setup32();
    put80(DATA, 0x8000000000000000ull, 0x3FFF + 64);
    for (unsigned i = 0; i < 4; i++) {
        uint8_t code[] = { FNINIT, FLD_M80(DATA), 0xD9, ops[i] };
        ck_assert_int_eq(run(code, sizeof code), -1);
        ck_assert_msg(cpu.fpu.sw & FPU_SW_C2, "op %02x: sw %04x", ops[i], cpu.fpu.sw);
        ck_assert_uint_eq(fpu_top(&cpu.fpu), 7);
        ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0x3FFF + 64);
    }
    put80(DATA, 0x8000000000000000ull, 0x3FFE);           /* 0.5 */
    RUN(FNINIT, FLD_M80(DATA), 0xD9, 0xF2);
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_C2, 0);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 6);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).se, 0x3FFF);
    ck_assert_uint_eq(fpu_st(&cpu.fpu, 0).mant, 0x8000000000000000ull);
    teardown();
}
END_TEST

/* Stores: an unmasked overflow stores nothing and does not pop; masked
 * invalid conversions store the integer indefinite; an empty ST(0)
 * stores the indefinite of the format. */
START_TEST(stores_and_indefinites)
{
    setup32();
    put80(DATA, 0xFFFFFFFFFFFFFFFFull, 0x7FFE);           /* too big for m32 */
    physmem_write(&pm, DATA + 16, 2, 0x0377);             /* OE unmasked */
    physmem_write(&pm, OUT, 4, 0x12345678);
    RUN(FNINIT, 0xD9, 0x2D, 0x10, 0x20, 0x00, 0x00, FLD_M80(DATA),
        0xD9, 0x1D, 0x00, 0x40, 0x00, 0x00);               /* fstp dword [OUT] */
    ck_assert_uint_eq(physmem_read(&pm, OUT, 4), 0x12345678);
    ck_assert_uint_eq(cpu.fpu.sw & (FPU_SW_OE | FPU_SW_ES), FPU_SW_OE | FPU_SW_ES);
    ck_assert_uint_eq(fpu_top(&cpu.fpu), 7);               /* not popped */
    RUN(FNINIT, FLD_M80(DATA), 0xDB, 0x1D, 0x00, 0x40, 0x00, 0x00);   /* fistp dword */
    ck_assert_uint_eq(physmem_read(&pm, OUT, 4), 0x80000000u);
    ck_assert_uint_eq(cpu.fpu.sw & FPU_SW_IE, FPU_SW_IE);
    RUN(FNINIT, 0xDF, 0x1D, 0x00, 0x40, 0x00, 0x00);      /* fistp word, empty */
    ck_assert_uint_eq(physmem_read(&pm, OUT, 2), 0x8000);
    ck_assert_uint_eq(cpu.fpu.sw & (FPU_SW_IE | FPU_SW_SF), FPU_SW_IE | FPU_SW_SF);
    RUN(FNINIT, 0xDD, 0x1D, 0x00, 0x40, 0x00, 0x00);      /* fstp qword, empty */
    ck_assert_uint_eq(physmem_read(&pm, OUT + 4, 4), 0xFFF80000u);
    ck_assert_uint_eq(physmem_read(&pm, OUT, 4), 0);
    teardown();
}
END_TEST

/* The pointers: a register instruction keeps FDP/FDS; control
 * instructions (FNOP, FINCSTP) change nothing. */
START_TEST(instruction_pointers)
{
    setup32();
    put80(DATA, 0x8000000000000000ull, 0x3FFF);
    RUN(FNINIT, FLD_M80(DATA), FLD1, 0xD9, 0xD0, 0xD9, 0xF7);
    ck_assert_uint_eq(cpu.fpu.fip, CODE + 8);             /* FLD1 */
    ck_assert_uint_eq(cpu.fpu.fop, 0x1E8);
    ck_assert_uint_eq(cpu.fpu.fdp, DATA);                 /* from the FLD m80 */
    ck_assert_uint_eq(cpu.fpu.fds, cpu.seg[SEG_DS].sel);
    teardown();
}
END_TEST

/* ------------------------------------------------------------ whole state */

START_TEST(snapshot_and_compare)
{
    setup32();
    RUN(FNINIT, FLD1, FLDZ);
    cpu.fpu.fdp = 0x1234;
    struct cpu copy;
    struct state_writer w;
    state_writer_init(&w);
    cpu_state_save(&cpu, &w);
    ck_assert(!state_writer_failed(&w));
    memset(&copy, 0, sizeof copy);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(cpu_state_load(&copy, &r), 0);
    for (int i = 0; i < 8; i++) {
        ck_assert_uint_eq(copy.fpu.r[i].mant, cpu.fpu.r[i].mant);
        ck_assert_uint_eq(copy.fpu.r[i].se, cpu.fpu.r[i].se);
    }
    ck_assert_uint_eq(copy.fpu.cw, cpu.fpu.cw);
    ck_assert_uint_eq(copy.fpu.sw, cpu.fpu.sw);
    ck_assert_uint_eq(copy.fpu.tw, cpu.fpu.tw);
    ck_assert_uint_eq(copy.fpu.fop, cpu.fpu.fop);
    ck_assert_uint_eq(copy.fpu.fip, cpu.fpu.fip);
    ck_assert_uint_eq(copy.fpu.fdp, cpu.fpu.fdp);
    state_writer_free(&w);
    char buf[256];
    ck_assert_int_eq(cpu_compare(&cpu, &cpu, buf, sizeof buf), 0);
    struct cpu other = cpu;
    other.fpu.r[7].mant ^= 1;
    other.fpu.sw ^= FPU_SW_C2;
    ck_assert_int_eq(cpu_compare(&cpu, &other, buf, sizeof buf), 1);
    ck_assert_ptr_nonnull(strstr(buf, "fsw"));
    ck_assert_ptr_nonnull(strstr(buf, "r7"));
    teardown();
}
END_TEST

/* Fields the lazy-flags record's operation does not read are saved as 0:
 * two machines that differ only there (the engines leave different stale
 * values) must save, and so hash, the same bytes. */
START_TEST(lazy_flags_saved_canonically)
{
    setup32();
    struct cpu a = cpu, b = cpu;
    a.lf = (struct lazy_flags){ .op = LF_ADD, .size = 4, .cin = 1, .dst = 5, .src = 6, .res = 11 };
    b.lf = a.lf;
    b.lf.cin = 0;
    struct state_writer wa, wb;
    state_writer_init(&wa);
    state_writer_init(&wb);
    cpu_state_save(&a, &wa);
    cpu_state_save(&b, &wb);
    ck_assert_uint_eq(wa.len, wb.len);
    ck_assert(memcmp(wa.buf, wb.buf, wa.len) == 0);
    state_writer_free(&wa);
    state_writer_free(&wb);
    /* A materialised record: nothing of it is read. */
    a.lf.op = b.lf.op = LF_NONE;
    b.lf.dst = 99;
    b.lf.size = 1;
    state_writer_init(&wa);
    state_writer_init(&wb);
    cpu_state_save(&a, &wa);
    cpu_state_save(&b, &wb);
    ck_assert(wa.len == wb.len && memcmp(wa.buf, wb.buf, wa.len) == 0);
    state_writer_free(&wa);
    state_writer_free(&wb);
    /* ...but the carry-in an ADC record reads is kept. */
    a.lf = (struct lazy_flags){ .op = LF_ADC, .size = 4, .cin = 1, .dst = 5, .src = 6, .res = 12 };
    b.lf = a.lf;
    b.lf.cin = 0;
    state_writer_init(&wa);
    state_writer_init(&wb);
    cpu_state_save(&a, &wa);
    cpu_state_save(&b, &wb);
    ck_assert(wa.len == wb.len && memcmp(wa.buf, wb.buf, wa.len) != 0);
    state_writer_free(&wa);
    state_writer_free(&wb);
    teardown();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fpu");
    TCase *t = tcase_create("layer");
    tcase_add_test(t, reset_and_fninit);
    tcase_add_test(t, push_pop_and_tags);
    tcase_add_test(t, stack_overflow_and_underflow);
    tcase_add_test(t, control_and_status_words);
    tcase_add_test(t, fnstenv_protected32);
    tcase_add_test(t, fnstenv_protected16);
    tcase_add_test(t, fnstenv_real16_and_real32);
    tcase_add_test(t, fnsave_frstor);
    tcase_add_test(t, fxsave_fxrstor);
    tcase_add_test(t, device_not_available);
    tcase_add_test(t, pending_exception_native);
    tcase_add_test(t, pending_exception_dos_mode);
    tcase_add_test(t, port_f0_logic);
    tcase_add_test(t, snapshot_and_compare);
    tcase_add_test(t, fxam_classes);
    tcase_add_test(t, fcomi_flags);
    tcase_add_test(t, fcmov_and_fxch);
    tcase_add_test(t, trig_out_of_range);
    tcase_add_test(t, stores_and_indefinites);
    tcase_add_test(t, instruction_pointers);
    tcase_add_test(t, lazy_flags_saved_canonically);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
