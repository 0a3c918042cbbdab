/* The protected-mode system architecture from outside: descriptor
 * decoding and the pure privilege rules (cpu/descriptor.h), the
 * sensitive-instruction table, MSRs, and single system instructions run on
 * a CPU with a hand-built GDT, checking results and exact fault codes. */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "cpu/descriptor.h"
#include "cpu/except.h"
#include "cpu/exec.h"
#include "cpu/msr.h"
#include "cpu/sensitive.h"
#include "cpu/seg.h"
#include "check_run.h"

/* ---------------------------------------------------------------- pure */

/* Build a descriptor from its fields (the inverse of the decoders). */
static struct desc make_desc(uint32_t base, uint32_t limit20, unsigned access, unsigned flags)
{
    struct desc d;
    d.lo = (limit20 & 0xFFFF) | (base << 16);
    d.hi = ((base >> 16) & 0xFF) | (access << 8) | (limit20 & 0xF0000) |
           ((flags & 0xF) << 20) | (base & 0xFF000000u);
    return d;
}

START_TEST(decode_segment)
{
    struct desc d = make_desc(0x12345678, 0xABCDE, 0xF2, 0x4);   /* data, DPL3, B */
    ck_assert_uint_eq(desc_base(d), 0x12345678);
    ck_assert_uint_eq(desc_limit(d), 0xABCDE);
    ck_assert_uint_eq(desc_dpl(d), 3);
    ck_assert(desc_present(d));
    ck_assert(!desc_is_system(d));
    ck_assert(desc_is_data(d) && desc_writable(d) && desc_readable(d));
    d = make_desc(0, 0x00001, 0x9A, 0xC);   /* code, G: 4 KiB units */
    ck_assert_uint_eq(desc_limit(d), 0x1FFF);
    ck_assert(desc_is_code(d) && desc_readable(d) && !desc_writable(d) && !desc_conforming(d));
    d = make_desc(0, 0xFFFFF, 0x9E, 0xC);   /* conforming readable code */
    ck_assert_uint_eq(desc_limit(d), 0xFFFFFFFFu);
    ck_assert(desc_conforming(d));
    d = make_desc(0, 0, 0x98, 0);           /* execute-only code */
    ck_assert(!desc_readable(d));
    d = make_desc(0, 0, 0x90, 0);           /* read-only data */
    ck_assert(desc_readable(d) && !desc_writable(d));
}
END_TEST

START_TEST(decode_gates_and_tss)
{
    struct desc g = { 0x00281234u, 0xABCDEC03u };   /* 32-bit call gate, DPL 3, 3 params */
    ck_assert(desc_is_system(g));
    ck_assert_uint_eq(desc_type(g), DESC_CALL_GATE32);
    ck_assert_uint_eq(gate_selector(g), 0x28);
    ck_assert_uint_eq(gate_offset(g), 0xABCD1234u);
    ck_assert_uint_eq(gate_param_count(g), 3);
    ck_assert_uint_eq(desc_dpl(g), 3);
    g.hi = 0xABCD8405u & ~0x800u;                 /* 16-bit call gate: high word ignored */
    ck_assert_uint_eq(desc_type(g), DESC_CALL_GATE16);
    ck_assert_uint_eq(gate_offset(g), 0x1234);
    struct desc t = make_desc(0x5000, 0x67, 0x89, 0);
    ck_assert(desc_is_tss(t));
    t.hi |= 0x200;                                 /* busy */
    ck_assert(desc_is_tss(t));
    ck_assert(!desc_is_tss(make_desc(0, 0, 0x82, 0)));   /* LDT */
    ck_assert(!desc_is_tss(g));
}
END_TEST

START_TEST(privilege_rules)
{
    struct desc d0 = make_desc(0, 0xFFFF, 0x92, 0);   /* data DPL 0 */
    struct desc d3 = make_desc(0, 0xFFFF, 0xF2, 0);   /* data DPL 3 */
    struct desc c2 = make_desc(0, 0xFFFF, 0xDE, 0);   /* conforming code DPL 2 */
    ck_assert(desc_privilege_ok(d0, 0, 0));
    ck_assert(!desc_privilege_ok(d0, 3, 0));   /* DPL < CPL */
    ck_assert(!desc_privilege_ok(d0, 0, 1));   /* DPL < RPL */
    ck_assert(desc_privilege_ok(d3, 3, 3));
    ck_assert(desc_privilege_ok(c2, 3, 3));    /* conforming: no check */
    /* LAR: gates yes except interrupt/trap; LSL: no gates at all. */
    struct desc ig = { 0, 0x00008E00u }, cg = { 0, 0x00008C00u }, tg = { 0, 0x00008500u };
    struct desc ldt = make_desc(0, 0, 0x82, 0), bad = { 0, 0x00008D00u };
    ck_assert(!desc_lar_type_ok(ig));
    ck_assert(desc_lar_type_ok(cg) && desc_lar_type_ok(tg) && desc_lar_type_ok(ldt));
    ck_assert(!desc_lar_type_ok(bad));             /* reserved type D */
    ck_assert(!desc_lsl_type_ok(cg) && !desc_lsl_type_ok(tg));
    ck_assert(desc_lsl_type_ok(ldt) && desc_lsl_type_ok(d0));
}
END_TEST

START_TEST(sensitive_table)
{
    struct insn in = { 0 };
    in.op = OP_SGDT;
    ck_assert_int_eq(cpu_sensitive_class(&in), CPU_SENS_UNPRIVILEGED);
    in.op = OP_LGDT;
    ck_assert_int_eq(cpu_sensitive_class(&in), CPU_SENS_PRIVILEGED);
    in.op = OP_CLI;
    ck_assert_int_eq(cpu_sensitive_class(&in), CPU_SENS_IOPL);
    in.op = OP_ADD;
    ck_assert_int_eq(cpu_sensitive_class(&in), CPU_SENS_NONE);
    ck_assert_ptr_null(cpu_sensitive_reason(OP_ADD));
    ck_assert_int_eq(cpu_sensitive_class_of_op(OP_COUNT + 5), CPU_SENS_NONE);
    /* The seventeen of Robin & Irvine are all there. */
    static const unsigned ri[] = { OP_SGDT, OP_SIDT, OP_SLDT, OP_SMSW, OP_PUSHF, OP_POPF,
        OP_LAR, OP_LSL, OP_VERR, OP_VERW, OP_POP_SREG, OP_PUSH_SREG, OP_MOV_TO_SREG,
        OP_MOV_FROM_SREG, OP_CALL_FAR, OP_JMP_FAR, OP_INT, OP_RETF, OP_STR, OP_IRET };
    for (unsigned i = 0; i < sizeof ri / sizeof ri[0]; i++)
        ck_assert_msg(cpu_sensitive_class_of_op(ri[i]) == CPU_SENS_UNPRIVILEGED, "%s",
                      insn_op_name(ri[i]));
    unsigned privileged = 0;
    for (unsigned op = 0; op < OP_COUNT; op++)
        if (cpu_sensitive_class_of_op(op) == CPU_SENS_PRIVILEGED) {
            privileged++;
            ck_assert_ptr_nonnull(cpu_sensitive_reason(op));
        }
    ck_assert_uint_eq(privileged, 18);
}
END_TEST

/* ---------------------------------------------------------------- on a CPU */

static struct physmem pm;
static struct cpu cpu;

#define GDT_BASE 0x1000u
#define CODE_BASE 0x3000u

static void put_desc(unsigned index, struct desc d)
{
    physmem_write(&pm, GDT_BASE + index * 8, 4, d.lo);
    physmem_write(&pm, GDT_BASE + index * 8 + 4, 4, d.hi);
}

/* GDT: 08 code32 DPL0, 10 data DPL0, 18 code32 DPL3, 20 data DPL3,
 * 28 TSS32 available, 30 LDT, 38 32-bit call gate DPL 3, 40 interrupt
 * gate, 48 conforming code DPL0 execute-only, 50 not-present data. */
static void setup_pm(unsigned cpl)
{
    ck_assert_int_eq(physmem_init(&pm, 1u << 20), 0);
    cpu_init(&cpu, &pm, NULL);
    put_desc(1, make_desc(0, 0xFFFFF, 0x9A, 0xC));
    put_desc(2, make_desc(0, 0xFFFFF, 0x92, 0xC));
    put_desc(3, make_desc(0, 0xFFFFF, 0xFA, 0xC));
    put_desc(4, make_desc(0, 0xFFFFF, 0xF2, 0xC));
    put_desc(5, make_desc(0x5000, 0x67, 0x89, 0));
    put_desc(6, make_desc(0x6000, 0x17, 0x82, 0));
    put_desc(7, (struct desc){ 0x00081234u, 0x0000EC02u });
    put_desc(8, (struct desc){ 0x00081234u, 0x00008E00u });
    put_desc(9, make_desc(0, 0x0FFFF, 0x9C, 0x4));
    put_desc(10, make_desc(0, 0x0FFFF, 0x12, 0x4));
    cpu.gdtr.base = GDT_BASE;
    cpu.gdtr.limit = 11 * 8 - 1;
    cpu_enter_flat32(&cpu);
    if (cpl == 3) {
        cpu.seg[SEG_CS].sel = 0x1B;
        cpu.seg[SEG_CS].attr |= SEG_ATTR_DPL;
        cpu.seg[SEG_SS].sel = 0x23;
        cpu.seg[SEG_SS].attr |= SEG_ATTR_DPL;
    }
    cpu.regs[REG_ESP] = 0x8000;
}

static void teardown_pm(void)
{
    physmem_free(&pm);
}

/* Run the instruction `bytes` at CODE_BASE. Returns -1 if it completed,
 * else the vector it raised (error code in *err). */
static int run1(const uint8_t *bytes, unsigned len, uint32_t *err)
{
    jmp_buf jb;
    physmem_load(&pm, CODE_BASE, bytes, len);
    cpu.eip = CODE_BASE;
    cpu.fault_jmp = &jb;
    if (setjmp(jb)) {
        if (err)
            *err = cpu.fault_error;
        return cpu.fault_vector;
    }
    struct insn in;
    cpu_decode_current(&cpu, &in);
    cpu_execute(&cpu, &in);
    return -1;
}

static int zf(void)
{
    return (cpu_get_eflags(&cpu) & EFLAGS_ZF) != 0;
}

START_TEST(lar_lsl_verr_verw)
{
    static const uint8_t lar[] = { 0x0F, 0x02, 0xC3 };      /* lar eax, ebx */
    static const uint8_t lsl[] = { 0x0F, 0x03, 0xC3 };      /* lsl eax, ebx */
    static const uint8_t verr[] = { 0x0F, 0x00, 0xE3 };     /* verr bx */
    static const uint8_t verw[] = { 0x0F, 0x00, 0xEB };     /* verw bx */
    setup_pm(3);
    cpu.regs[REG_EBX] = 0x23;
    ck_assert_int_eq(run1(lar, 3, NULL), -1);
    ck_assert(zf());
    ck_assert_uint_eq(cpu.regs[REG_EAX], 0x00C0F200u);
    ck_assert_int_eq(run1(lsl, 3, NULL), -1);
    ck_assert(zf());
    ck_assert_uint_eq(cpu.regs[REG_EAX], 0xFFFFFFFFu);
    cpu.regs[REG_EAX] = 0x55;
    cpu.regs[REG_EBX] = 0x10;                 /* DPL 0 data from CPL 3 */
    ck_assert_int_eq(run1(lar, 3, NULL), -1);
    ck_assert(!zf());
    ck_assert_uint_eq(cpu.regs[REG_EAX], 0x55);  /* unchanged on failure */
    cpu.regs[REG_EBX] = 0x3B;                 /* call gate DPL 3: LAR yes, LSL no */
    ck_assert_int_eq(run1(lar, 3, NULL), -1);
    ck_assert(zf());
    ck_assert_uint_eq(cpu.regs[REG_EAX], 0x0000EC00u);
    ck_assert_int_eq(run1(lsl, 3, NULL), -1);
    ck_assert(!zf());
    cpu.regs[REG_EBX] = 0x4B;                 /* conforming code: no privilege check */
    ck_assert_int_eq(run1(lsl, 3, NULL), -1);
    ck_assert(zf());
    ck_assert_uint_eq(cpu.regs[REG_EAX], 0xFFFF);
    ck_assert_int_eq(run1(verr, 3, NULL), -1);
    ck_assert(!zf());                         /* execute-only */
    cpu.regs[REG_EBX] = 0x1B;
    ck_assert_int_eq(run1(verr, 3, NULL), -1);
    ck_assert(zf());
    ck_assert_int_eq(run1(verw, 3, NULL), -1);
    ck_assert(!zf());                         /* code is never writable */
    cpu.regs[REG_EBX] = 0x23;
    ck_assert_int_eq(run1(verw, 3, NULL), -1);
    ck_assert(zf());
    cpu.regs[REG_EBX] = 0x0;                  /* null */
    ck_assert_int_eq(run1(verr, 3, NULL), -1);
    ck_assert(!zf());
    cpu.regs[REG_EBX] = 0xFFF8;               /* beyond the GDT limit: no fault */
    ck_assert_int_eq(run1(lar, 3, NULL), -1);
    ck_assert(!zf());
    cpu.regs[REG_EBX] = 0x0C;                 /* LDT selector, no LDT */
    ck_assert_int_eq(run1(lsl, 3, NULL), -1);
    ck_assert(!zf());
    teardown_pm();
}
END_TEST

START_TEST(ltr_lldt_checks)
{
    static const uint8_t ltr[] = { 0x0F, 0x00, 0xD8 };      /* ltr ax */
    static const uint8_t lldt[] = { 0x0F, 0x00, 0xD0 };     /* lldt ax */
    static const uint8_t str[] = { 0x0F, 0x00, 0xCB };      /* str ebx */
    uint32_t err;
    setup_pm(0);
    cpu.regs[REG_EAX] = 0;
    ck_assert_int_eq(run1(ltr, 3, &err), VEC_GP);
    ck_assert_uint_eq(err, 0);
    cpu.regs[REG_EAX] = 0x10;                 /* data segment */
    ck_assert_int_eq(run1(ltr, 3, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x10);
    cpu.regs[REG_EAX] = 0x2C;                 /* TI=1 */
    ck_assert_int_eq(run1(ltr, 3, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x2C);
    cpu.regs[REG_EAX] = 0x2B;                 /* RPL ignored */
    ck_assert_int_eq(run1(ltr, 3, NULL), -1);
    ck_assert_uint_eq(cpu.tr.base, 0x5000);
    ck_assert_uint_eq(cpu.tr.attr & 0x1F, 0x0B);                  /* busy */
    ck_assert_uint_eq(physmem_read8(&pm, GDT_BASE + 0x28 + 5), 0x8B);
    ck_assert_int_eq(run1(ltr, 3, &err), VEC_GP);                 /* now busy */
    ck_assert_uint_eq(err, 0x28);
    ck_assert_int_eq(run1(str, 3, NULL), -1);
    ck_assert_uint_eq(cpu.regs[REG_EBX], 0x2B);
    cpu.regs[REG_EAX] = 0x50;                 /* LLDT on a data descriptor */
    ck_assert_int_eq(run1(lldt, 3, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x50);
    cpu.regs[REG_EAX] = 0x30;
    ck_assert_int_eq(run1(lldt, 3, NULL), -1);
    ck_assert_uint_eq(cpu.ldtr.base, 0x6000);
    ck_assert_uint_eq(cpu.ldtr.limit, 0x17);
    physmem_write8(&pm, GDT_BASE + 0x30 + 5, 0x02);               /* not present */
    ck_assert_int_eq(run1(lldt, 3, &err), VEC_NP);
    ck_assert_uint_eq(err, 0x30);
    teardown_pm();
    setup_pm(3);
    cpu.regs[REG_EAX] = 0x30;
    ck_assert_int_eq(run1(lldt, 3, &err), VEC_GP);                /* CPL 3 */
    ck_assert_uint_eq(err, 0);
    teardown_pm();
}
END_TEST

START_TEST(data_segment_loads)
{
    static const uint8_t mov_ds[] = { 0x8E, 0xD8 };         /* mov ds, ax */
    static const uint8_t mov_ss[] = { 0x8E, 0xD0 };         /* mov ss, ax */
    uint32_t err;
    setup_pm(3);
    cpu.regs[REG_EAX] = 0x13;                 /* DPL 0 data from CPL 3 */
    ck_assert_int_eq(run1(mov_ds, 2, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x10);
    cpu.regs[REG_EAX] = 0x53;                 /* not present: privilege first */
    ck_assert_int_eq(run1(mov_ds, 2, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x50);
    cpu.regs[REG_EAX] = 0x22;                 /* SS: RPL must equal CPL */
    ck_assert_int_eq(run1(mov_ss, 2, &err), VEC_GP);
    ck_assert_uint_eq(err, 0x20);
    cpu.regs[REG_EAX] = 0x3;                  /* null SS */
    ck_assert_int_eq(run1(mov_ss, 2, &err), VEC_GP);
    ck_assert_uint_eq(err, 0);
    cpu.regs[REG_EAX] = 0x3;                  /* null DS: allowed */
    ck_assert_int_eq(run1(mov_ds, 2, NULL), -1);
    ck_assert_uint_eq(cpu.seg[SEG_DS].sel, 3);
    teardown_pm();
    setup_pm(0);
    cpu.regs[REG_EAX] = 0x50;
    ck_assert_int_eq(run1(mov_ds, 2, &err), VEC_NP);
    ck_assert_uint_eq(err, 0x50);
    physmem_write8(&pm, GDT_BASE + 0x50 + 5, 0x92);
    ck_assert_int_eq(run1(mov_ss, 2, &err), -1);
    ck_assert_uint_eq(physmem_read8(&pm, GDT_BASE + 0x50 + 5), 0x93);   /* accessed */
    teardown_pm();
}
END_TEST

START_TEST(privileged_at_cpl3)
{
    static const struct { uint8_t b[3]; unsigned len; } insns[] = {
        { { 0xF4 }, 1 },               /* hlt */
        { { 0x0F, 0x06 }, 2 },         /* clts */
        { { 0x0F, 0x20, 0xC0 }, 3 },   /* mov eax, cr0 */
        { { 0x0F, 0x21, 0xC0 }, 3 },   /* mov eax, dr0 */
        { { 0x0F, 0x32 }, 2 },         /* rdmsr */
        { { 0x0F, 0x08 }, 2 },         /* invd */
        { { 0x0F, 0x35 }, 2 },         /* sysexit */
        { { 0xFA }, 1 },               /* cli with IOPL 0 */
    };
    uint32_t err;
    setup_pm(3);
    for (unsigned i = 0; i < sizeof insns / sizeof insns[0]; i++) {
        err = 99;
        ck_assert_int_eq(run1(insns[i].b, insns[i].len, &err), VEC_GP);
        ck_assert_uint_eq(err, 0);
    }
    ck_assert_uint_eq(cpu.stats.sensitive[CPU_SENS_PRIVILEGED], 7);
    ck_assert_uint_eq(cpu.stats.sensitive[CPU_SENS_IOPL], 1);
    teardown_pm();
}
END_TEST

START_TEST(msrs)
{
    uint64_t v;
    setup_pm(0);
    ck_assert_int_eq(cpu_msr_read(&cpu, MSR_PAT, &v), 0);
    ck_assert_uint_eq(v, 0x0007040600070406ull);
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_PAT, 0x0606060606060606ull), 0);
    ck_assert_int_eq(cpu_msr_read(&cpu, MSR_PAT, &v), 0);
    ck_assert_uint_eq(v, 0x0606060606060606ull);
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_PAT, 0x02), -1);          /* type 2 reserved */
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_EFER, EFER_NXE), 0);
    ck_assert_uint_eq(cpu.efer, EFER_NXE);
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_EFER, 1), -1);            /* SCE */
    ck_assert_int_eq(cpu_msr_write(&cpu, 0x205, 0xFFF000800ull), 0);   /* PhysMask2 */
    ck_assert_int_eq(cpu_msr_read(&cpu, 0x205, &v), 0);
    ck_assert_uint_eq(v, 0xFFF000800ull);
    ck_assert_int_eq(cpu_msr_write(&cpu, 0x204, 0x100003ull), -1);     /* type 3 */
    ck_assert_int_eq(cpu_msr_write(&cpu, 0x26C, 0x0606060606060606ull), 0);
    ck_assert_int_eq(cpu_msr_read(&cpu, 0x26C, &v), 0);
    ck_assert_uint_eq(v, 0x0606060606060606ull);
    ck_assert_int_eq(cpu_msr_read(&cpu, 0x12345, &v), -1);
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_BIOS_SIGN_ID, 0), 0);     /* Linux's probe */
    ck_assert_int_eq(cpu_msr_read(&cpu, MSR_BIOS_SIGN_ID, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_PLATFORM_ID, 0), -1);     /* read-only */
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_MTRRCAP, 0), -1);         /* read-only */
    cpu.icount = 1000;
    ck_assert_int_eq(cpu_msr_write(&cpu, MSR_TSC, 5000), 0);
    cpu.icount = 1010;
    ck_assert_uint_eq(cpu_read_tsc(&cpu), 5010);
    cpu_reset(&cpu);                                   /* TSC back to 0 */
    ck_assert_uint_eq(cpu_read_tsc(&cpu), 0);
    cpu.icount += 7;
    ck_assert_uint_eq(cpu_read_tsc(&cpu), 7);
    ck_assert_int_eq(cpu_msr_read(&cpu, MSR_PAT, &v), 0);
    ck_assert_uint_eq(v, 0x0007040600070406ull);       /* reset value again */
    teardown_pm();
}
END_TEST

START_TEST(sysenter_sysexit)
{
    static const uint8_t sysenter[] = { 0x0F, 0x34 };
    static const uint8_t sysexit[] = { 0x0F, 0x35 };
    uint32_t err;
    setup_pm(3);
    ck_assert_int_eq(run1(sysenter, 2, &err), VEC_GP);   /* SYSENTER_CS = 0 */
    cpu.msr.sysenter_cs = 0x08;
    cpu.msr.sysenter_esp = 0x7000;
    cpu.msr.sysenter_eip = 0x12345;
    cpu.eflags |= EFLAGS_IF;
    ck_assert_int_eq(run1(sysenter, 2, NULL), -1);
    ck_assert_uint_eq(cpu.seg[SEG_CS].sel, 0x08);
    ck_assert_uint_eq(cpu.seg[SEG_SS].sel, 0x10);
    ck_assert_uint_eq(cpu_cpl(&cpu), 0);
    ck_assert_uint_eq(cpu.eip, 0x12345);
    ck_assert_uint_eq(cpu.regs[REG_ESP], 0x7000);
    ck_assert(!(cpu.eflags & EFLAGS_IF));
    cpu.regs[REG_ECX] = 0x9000;
    cpu.regs[REG_EDX] = 0x4444;
    ck_assert_int_eq(run1(sysexit, 2, NULL), -1);
    ck_assert_uint_eq(cpu.seg[SEG_CS].sel, 0x1B);
    ck_assert_uint_eq(cpu.seg[SEG_SS].sel, 0x23);
    ck_assert_uint_eq(cpu_cpl(&cpu), 3);
    ck_assert_uint_eq(cpu.eip, 0x4444);
    ck_assert_uint_eq(cpu.regs[REG_ESP], 0x9000);
    teardown_pm();
}
END_TEST

START_TEST(nmi_blocking)
{
    static const uint8_t iret[] = { 0xCF };
    ck_assert_int_eq(physmem_init(&pm, 1u << 20), 0);
    cpu_init(&cpu, &pm, NULL);
    cpu_load_real_seg(&cpu, SEG_CS, 0);
    cpu_load_real_seg(&cpu, SEG_SS, 0);
    cpu.regs[REG_ESP] = 0x8000;
    cpu.eip = 0x1234;
    physmem_write(&pm, 2 * 4, 2, CODE_BASE);   /* IVT[2] = 0000:CODE_BASE */
    physmem_write(&pm, 2 * 4 + 2, 2, 0);
    ck_assert(!cpu_nmi_ready(&cpu));
    cpu_raise_nmi(&cpu);
    ck_assert(cpu_nmi_ready(&cpu));            /* IF = 0 does not mask it */
    ck_assert_int_eq(cpu_deliver_nmi(&cpu), 0);
    ck_assert_uint_eq(cpu.eip, CODE_BASE);
    ck_assert_uint_eq(physmem_read(&pm, 0x7FFA, 2), 0x1234);   /* pushed IP */
    cpu_raise_nmi(&cpu);
    ck_assert(!cpu_nmi_ready(&cpu));           /* held until IRET */
    ck_assert_int_eq(run1(iret, 1, NULL), -1);
    ck_assert_uint_eq(cpu.eip, 0x1234);
    ck_assert(cpu_nmi_ready(&cpu));
    ck_assert_uint_eq(cpu.stats.interrupts, 1);
    teardown_pm();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("system");
    TCase *tc = tcase_create("descriptors");
    tcase_add_test(tc, decode_segment);
    tcase_add_test(tc, decode_gates_and_tss);
    tcase_add_test(tc, privilege_rules);
    tcase_add_test(tc, sensitive_table);
    suite_add_tcase(s, tc);
    tc = tcase_create("instructions");
    tcase_add_test(tc, lar_lsl_verr_verw);
    tcase_add_test(tc, ltr_lldt_checks);
    tcase_add_test(tc, data_segment_loads);
    tcase_add_test(tc, privileged_at_cpl3);
    tcase_add_test(tc, msrs);
    tcase_add_test(tc, sysenter_sysexit);
    tcase_add_test(tc, nmi_blocking);
    suite_add_tcase(s, tc);
    return check_run(s);
}
