/* x87 arithmetic through cpu/fp80.h: FADD FSUB FSUBR FMUL FDIV FDIVR in
 * every form (m32fp, m64fp, m16int, m32int, ST(0),ST(i), ST(i),ST(0), the
 * popping forms), FSQRT, FSCALE, FXTRACT, FPREM, FPREM1, FRNDINT and the
 * transcendentals. Masked responses are the arithmetic's; here are the
 * stack faults and the rule that an unmasked IE, DE or ZE stores nothing
 * (SDM Vol. 1, 8.5). */
#include "cpu/ops_fpu.h"

enum arith { A_ADD, A_MUL, A_SUB, A_SUBR, A_DIV, A_DIVR };

/* ModRM.reg to operation, for ST(0) = ST(0) op src (D8, memory forms)
 * and for ST(i) = ST(i) op ST(0) (DC, DE register forms, where /4-/7
 * swap: DC E0+i is FSUBR ST(i),ST(0), i.e. ST(0) - ST(i)). */
static const uint8_t op_st0[8] = { A_ADD, A_MUL, 0, 0, A_SUB, A_SUBR, A_DIV, A_DIVR };
static const uint8_t op_sti[8] = { A_ADD, A_MUL, 0, 0, A_SUBR, A_SUB, A_DIVR, A_DIV };

static struct fp80 apply(struct fp80_ctx *c, unsigned op, struct fp80 a, struct fp80 b)
{
    switch (op) {
    case A_ADD: return fp80_add(c, a, b);
    case A_MUL: return fp80_mul(c, a, b);
    case A_SUB: return fp80_sub(c, a, b);
    case A_SUBR: return fp80_sub(c, b, a);
    case A_DIV: return fp80_div(c, a, b);
    default: return fp80_div(c, b, a);
    }
}

/* ST(d) = ST(d) op src. `src_reg` >= 0 names a register source, else
 * `src` is the converted memory operand (its conversion's exceptions
 * already in *c). */
static void arith(struct fpu *f, unsigned op, unsigned d, int src_reg, struct fp80 src, int pop,
                  struct fp80_ctx *c)
{
    if (fpu_empty(f, d) || (src_reg >= 0 && fpu_empty(f, (unsigned)src_reg))) {
        if (!fpu_stack_underflow(f))
            return;
        fpu_set_st(f, d, fp80_indefinite());
    } else {
        if (src_reg >= 0)
            src = fpu_st(f, (unsigned)src_reg);
        struct fp80 r = apply(c, op, fpu_st(f, d), src);
        if (!fpu_commit(f, c, 0))
            return;
        fpu_set_st(f, d, r);
    }
    if (pop)
        fpu_pop(f);
}

void fpu_arith_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    uint8_t b[8];
    struct fp80 v;
    fpu_mem_read(cpu, in, 0, b, in->opnd[0].size);
    /* A denormal dividend over a zero divisor raises ZE without DE (the
     * arithmetic does the same for register operands, docs/fpu-arith.md):
     * for FDIVR m, the memory operand is the dividend of ST(0). */
    struct fp80 other = fpu_st(f, 0);
    uint8_t keep = c.flags;
    int zero_divisor = op_st0[reg] == A_DIVR && !fpu_empty(f, 0) &&
                       fp80_classify(other) == FP80_CLASS_ZERO;
    switch (esc) {
    case 0: v = fpu_mem_real(&c, fpu_get32(b), 4, other); break;
    case 4: v = fpu_mem_real(&c, fpu_get32(b) | ((uint64_t)fpu_get32(b + 4) << 32), 8, other); break;
    case 2: v = fp80_from_int((int32_t)fpu_get32(b)); break;
    default: v = fp80_from_int((int16_t)fpu_get16(b)); break;
    }
    if (zero_divisor)
        c.flags = (uint8_t)(keep | (c.flags & ~FP80_DE));
    arith(f, op_st0[reg], 0, -1, v, 0, &c);
}

void fpu_arith_reg(struct cpu *cpu, unsigned esc, unsigned reg, unsigned rm)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    struct fp80 none = { 0, 0 };
    if (esc == 0)
        arith(f, op_st0[reg], 0, (int)rm, none, 0, &c);
    else
        arith(f, op_sti[reg], rm, 0, none, esc == 6, &c);
}

/* ------------------------------------------------------------ D9 F0-FF */

typedef struct fp80 (*unary_fn)(struct fp80_ctx *, struct fp80);
typedef struct fp80 (*binary_fn)(struct fp80_ctx *, struct fp80, struct fp80);

/* ST(0) = fn(ST(0)). */
static void unary(struct fpu *f, unary_fn fn)
{
    struct fp80_ctx c = fpu_ctx(f);
    if (fpu_empty(f, 0)) {
        if (fpu_stack_underflow(f))
            fpu_set_st(f, 0, fp80_indefinite());
        return;
    }
    struct fp80 r = fn(&c, fpu_st(f, 0));
    if (fpu_commit(f, &c, 0))
        fpu_set_st(f, 0, r);
}

/* FYL2X, FYL2XP1 (ST(1) = fn(ST(0), ST(1)), pop), FPATAN (ST(1) =
 * atan(ST(1) / ST(0)), pop) and FSCALE (ST(0) = fn(ST(0), ST(1))). */
static void binary(struct fpu *f, binary_fn fn, int swap, unsigned dest, int pop)
{
    struct fp80_ctx c = fpu_ctx(f);
    if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
        if (!fpu_stack_underflow(f))
            return;
        fpu_set_st(f, dest, fp80_indefinite());
    } else {
        struct fp80 a = fpu_st(f, 0), b = fpu_st(f, 1);
        struct fp80 r = swap ? fn(&c, b, a) : fn(&c, a, b);
        if (!fpu_commit(f, &c, 0))
            return;
        fpu_set_st(f, dest, r);
    }
    if (pop)
        fpu_pop(f);
}

static void prem(struct fpu *f, int ieee)
{
    struct fp80_ctx c = fpu_ctx(f);
    /* Whenever no remainder is delivered (a stack fault, an unmasked
     * invalid operand, a NaN result) C2 = 0, "reduction complete", and
     * C0, C1, C3 stay, as the host's x87 does. */
    if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
        if (fpu_stack_underflow(f))
            fpu_set_st(f, 0, fp80_indefinite());
        f->sw &= (uint16_t)~FPU_SW_C2;
        return;
    }
    uint16_t cc = 0;
    struct fp80 r = fp80_prem(&c, fpu_st(f, 0), fpu_st(f, 1), ieee, &cc);
    if (!fpu_commit(f, &c, 0)) {
        f->sw &= (uint16_t)~FPU_SW_C2;
        return;
    }
    fpu_set_st(f, 0, r);
    if (fp80_is_nan(r))
        f->sw &= (uint16_t)~FPU_SW_C2;
    else
        f->sw = (uint16_t)((f->sw & ~FPU_SW_CC) | (cc & FPU_SW_CC));
}

/* Instructions that replace ST(0) and push a second result: FXTRACT
 * (significand above the exponent), FPTAN (1.0 above the tangent),
 * FSINCOS (cosine above the sine). The push needs ST(7) empty. */
enum two_result { TR_XTRACT, TR_PTAN, TR_SINCOS };

static void two_results(struct fpu *f, enum two_result k)
{
    struct fp80_ctx c = fpu_ctx(f);
    if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
        int masked = fpu_empty(f, 0) ? fpu_stack_underflow(f) : fpu_stack_overflow(f);
        f->sw &= (uint16_t)~FPU_SW_C2;   /* not "out of range" (as the host's x87) */
        if (masked) {
            fpu_set_st(f, 0, fp80_indefinite());
            fpu_push(f, fp80_indefinite());
        }
        return;
    }
    struct fp80 v = fpu_st(f, 0), lo, hi;
    int oor = 0;
    switch (k) {
    case TR_XTRACT:
        fp80_xtract(&c, v, &hi, &lo);
        break;
    case TR_PTAN:
        lo = fp80_tan(&c, v, &oor);
        /* 1.0 goes above a tangent; above a NaN (NaN or invalid
         * operand) goes the NaN again, as the host's x87 does. */
        hi = fp80_is_nan(lo) ? lo : fp80_constant(FP80_ONE, FP80_RC_NEAREST);
        break;
    default:
        lo = fp80_sin(&c, v, &oor);
        if (!oor)
            hi = fp80_cos(&c, v, &oor);
        break;
    }
    if (oor) {
        /* |ST(0)| >= 2^63: C2 = 1 and nothing else changes. */
        f->sw |= FPU_SW_C2;
        return;
    }
    if (!fpu_commit(f, &c, 0))
        return;
    if (k != TR_XTRACT)
        f->sw &= (uint16_t)~FPU_SW_C2;
    fpu_set_st(f, 0, lo);
    fpu_push(f, hi);
}

/* FSIN, FCOS. */
static void trig(struct fpu *f, int cosine)
{
    struct fp80_ctx c = fpu_ctx(f);
    if (fpu_empty(f, 0)) {
        if (fpu_stack_underflow(f))
            fpu_set_st(f, 0, fp80_indefinite());
        return;
    }
    int oor = 0;
    struct fp80 v = fpu_st(f, 0);
    struct fp80 r = cosine ? fp80_cos(&c, v, &oor) : fp80_sin(&c, v, &oor);
    if (oor) {
        f->sw |= FPU_SW_C2;
        return;
    }
    if (!fpu_commit(f, &c, 0))
        return;
    f->sw &= (uint16_t)~FPU_SW_C2;
    fpu_set_st(f, 0, r);
}

static struct fp80 fpatan_yx(struct fp80_ctx *c, struct fp80 y, struct fp80 x)
{
    return fp80_fpatan(c, y, x);
}

void fpu_misc(struct cpu *cpu, unsigned reg, unsigned rm)
{
    struct fpu *f = &cpu->fpu;
    switch (reg * 8 + rm) {
    case 6 * 8 + 0: unary(f, fp80_f2xm1); break;                  /* F2XM1 */
    case 6 * 8 + 1: binary(f, fp80_fyl2x, 0, 1, 1); break;        /* FYL2X: x = ST0, y = ST1 */
    case 6 * 8 + 2: two_results(f, TR_PTAN); break;               /* FPTAN */
    case 6 * 8 + 3: binary(f, fpatan_yx, 1, 1, 1); break;         /* FPATAN: y = ST1, x = ST0 */
    case 6 * 8 + 4: two_results(f, TR_XTRACT); break;             /* FXTRACT */
    case 6 * 8 + 5: prem(f, 1); break;                            /* FPREM1 */
    case 7 * 8 + 0: prem(f, 0); break;                            /* FPREM */
    case 7 * 8 + 1: binary(f, fp80_fyl2xp1, 0, 1, 1); break;      /* FYL2XP1 */
    case 7 * 8 + 2: unary(f, fp80_sqrt); break;                   /* FSQRT */
    case 7 * 8 + 3: two_results(f, TR_SINCOS); break;             /* FSINCOS */
    case 7 * 8 + 4: unary(f, fp80_round_to_int); break;           /* FRNDINT */
    case 7 * 8 + 5: binary(f, fp80_scale, 0, 0, 0); break;        /* FSCALE */
    case 7 * 8 + 6: trig(f, 0); break;                            /* FSIN */
    default: trig(f, 1); break;                                   /* FCOS */
    }
}
