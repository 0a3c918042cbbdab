/* x87 comparisons and classification: FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/
 * FUCOMPP, FICOM/FICOMP, FCOMI/FCOMIP/FUCOMI/FUCOMIP, FTST, FXAM. */
#include "cpu/flags.h"
#include "cpu/ops_fpu.h"

/* How the result lands: in C3 C2 C0, or in ZF PF CF (FCOMI family, which
 * also clears OF SF AF: SDM Vol. 2, FCOMI). */
enum cmp_dest { TO_CC, TO_EFLAGS };

static void deliver(struct cpu *cpu, enum cmp_dest dest, enum fp80_cmp r)
{
    if (dest == TO_CC) {
        fpu_set_cc_cmp(&cpu->fpu, r);
        return;
    }
    uint32_t v = 0;
    switch (r) {
    case FP80_LT: v = EFLAGS_CF; break;
    case FP80_EQ: v = EFLAGS_ZF; break;
    case FP80_GT: v = 0; break;
    default: v = EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF; break;
    }
    flags_set_arith(cpu, EFLAGS_ARITH, v);
    /* C1 is left alone (cleared only by a stack underflow), as the
     * host's x87 does. */
}

/* Compare ST(0) with `b` (whose register, if any, is `b_reg`, else -1),
 * then pop `pops` times. */
static void compare(struct cpu *cpu, int b_reg, struct fp80 b, int quiet, enum cmp_dest dest,
                    unsigned pops, struct fp80_ctx *c)
{
    struct fpu *f = &cpu->fpu;
    if (fpu_empty(f, 0) || (b_reg >= 0 && fpu_empty(f, (unsigned)b_reg))) {
        /* Stack underflow: masked, the result is "unordered". */
        if (!fpu_stack_underflow(f))
            return;
        deliver(cpu, dest, FP80_UNORDERED);
    } else {
        if (b_reg >= 0)
            b = fpu_st(f, (unsigned)b_reg);
        enum fp80_cmp r = fp80_compare(c, fpu_st(f, 0), b, quiet);
        /* An unmasked IE or DE leaves the condition codes (or EFLAGS) and
         * the stack alone. */
        uint16_t c1 = f->sw & FPU_SW_C1;
        int ok = fpu_commit(f, c, 0);
        if (dest == TO_EFLAGS)
            f->sw = (uint16_t)((f->sw & ~FPU_SW_C1) | c1);
        if (!ok)
            return;
        deliver(cpu, dest, r);
    }
    while (pops--)
        fpu_pop(f);
}

void fpu_cmp_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    uint8_t b[8];
    struct fp80 v;
    fpu_mem_read(cpu, in, 0, b, in->opnd[0].size);
    switch (esc) {
    case 0: v = fpu_mem_real(&c, fpu_get32(b), 4, fpu_st(f, 0)); break;
    case 4: v = fpu_mem_real(&c, fpu_get32(b) | ((uint64_t)fpu_get32(b + 4) << 32), 8, fpu_st(f, 0)); break;
    case 2: v = fp80_from_int((int32_t)fpu_get32(b)); break;
    default: v = fp80_from_int((int16_t)fpu_get16(b)); break;
    }
    /* A signalling NaN in memory is an invalid operand of FCOM like any
     * NaN; the conversion's IE says the same. */
    compare(cpu, -1, v, 0, TO_CC, reg == 3, &c);
}

static void fxam(struct fpu *f)
{
    static const uint16_t code[] = {
        [FP80_CLASS_UNSUPPORTED] = 0,
        [FP80_CLASS_NAN] = FPU_SW_C0,
        [FP80_CLASS_NORMAL] = FPU_SW_C2,
        [FP80_CLASS_INFINITY] = FPU_SW_C2 | FPU_SW_C0,
        [FP80_CLASS_ZERO] = FPU_SW_C3,
        [FP80_CLASS_DENORMAL] = FPU_SW_C3 | FPU_SW_C2,
    };
    struct fp80 v = fpu_st(f, 0);
    uint16_t cc = fpu_empty(f, 0) ? (FPU_SW_C3 | FPU_SW_C0) : code[fp80_classify(v)];
    if (fp80_sign(v))
        cc |= FPU_SW_C1;
    f->sw = (uint16_t)((f->sw & ~FPU_SW_CC) | cc);
}

void fpu_cmp_reg(struct cpu *cpu, unsigned esc, unsigned reg, unsigned rm)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    struct fp80 zero = { 0, 0 };
    switch (esc) {
    case 0: case 4:                    /* FCOM(P) ST(i), and DC's aliases */
        compare(cpu, (int)rm, zero, 0, TO_CC, reg == 3, &c);
        break;
    case 1:
        if (rm == 4)                   /* FTST: against +0.0 */
            compare(cpu, -1, zero, 0, TO_CC, 0, &c);
        else                           /* FXAM */
            fxam(f);
        break;
    case 2:                            /* FUCOMPP */
        compare(cpu, 1, zero, 1, TO_CC, 2, &c);
        break;
    case 3:                            /* FUCOMI (/5), FCOMI (/6) */
        compare(cpu, (int)rm, zero, reg == 5, TO_EFLAGS, 0, &c);
        break;
    case 5:                            /* FUCOM (/4), FUCOMP (/5) */
        compare(cpu, (int)rm, zero, 1, TO_CC, reg == 5, &c);
        break;
    case 6:                            /* DE D0+i: FCOMP alias; DE D9: FCOMPP */
        compare(cpu, reg == 3 ? 1 : (int)rm, zero, 0, TO_CC, reg == 3 ? 2 : 1, &c);
        break;
    default:                           /* FUCOMIP (/5), FCOMIP (/6) */
        compare(cpu, (int)rm, zero, reg == 5, TO_EFLAGS, 1, &c);
        break;
    }
}
