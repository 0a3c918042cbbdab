/* x87 data transfer: FLD/FST/FSTP (registers, m32, m64, m80), FILD,
 * FIST/FISTP, FBLD/FBSTP, FXCH, FCMOVcc, the constants, FABS and FCHS.
 * Stack faults follow SDM Vol. 1, 8.5.1.1: a masked one delivers the
 * indefinite, an unmasked one changes nothing but the status word. */
#include "cpu/operand.h"
#include "cpu/ops_fpu.h"

/* Integer indefinite and the memory formats' QNaN indefinites. */
#define F32_INDEFINITE 0xFFC00000u
#define F64_INDEFINITE 0xFFF8000000000000ull

/* Push `v` unless ST(7) is in use (stack overflow: the masked response
 * pushes the indefinite). */
static void push_checked(struct fpu *f, struct fp80 v)
{
    if (!fpu_empty(f, 7)) {
        if (fpu_stack_overflow(f))
            fpu_push(f, fp80_indefinite());
        return;
    }
    fpu_push(f, v);
}

/* A load of a converted value: the conversion's exceptions are those of
 * the instruction (SNaN source: IE; denormal: DE). */
static void push_converted(struct fpu *f, struct fp80 v, const struct fp80_ctx *c)
{
    if (!fpu_empty(f, 7)) {
        if (fpu_stack_overflow(f))
            fpu_push(f, fp80_indefinite());
        return;
    }
    /* Only an unmasked IE (an SNaN source) stops the load: with DE
     * unmasked the denormal is still loaded, flagged, and reported by the
     * next waiting instruction, as the host's x87 does. */
    fpu_signal(f, c->flags);
    f->sw &= (uint16_t)~FPU_SW_C1;
    if (c->flags & ~f->cw & FPU_SW_IE)
        return;
    fpu_push(f, v);
}

static void load_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    uint8_t b[10];
    unsigned size = in->opnd[0].size;
    fpu_mem_read(cpu, in, 0, b, size);
    if (esc == 1) {                            /* FLD m32fp */
        struct fp80 v = fp80_from_f32(&c, fpu_get32(b));
        push_converted(f, v, &c);
    } else if (esc == 5) {                     /* FLD m64fp */
        uint64_t bits = fpu_get32(b) | ((uint64_t)fpu_get32(b + 4) << 32);
        push_converted(f, fp80_from_f64(&c, bits), &c);
    } else if (esc == 3) {
        if (reg == 0)                          /* FILD m32int */
            push_converted(f, fp80_from_int((int32_t)fpu_get32(b)), &c);
        else                                   /* FLD m80fp: no exception, SNaN kept */
            push_converted(f, fpu_get80(b), &c);
    } else if (reg == 0) {                     /* FILD m16int */
        push_converted(f, fp80_from_int((int16_t)fpu_get16(b)), &c);
    } else if (reg == 5) {                     /* FILD m64int */
        uint64_t v = fpu_get32(b) | ((uint64_t)fpu_get32(b + 4) << 32);
        push_converted(f, fp80_from_int((int64_t)v), &c);
    } else {                                   /* FBLD m80bcd */
        push_converted(f, fp80_from_bcd(b), &c);
    }
}

/* FST/FSTP/FIST/FISTP/FBSTP to memory. */
static void store_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    struct fpu *f = &cpu->fpu;
    struct fp80_ctx c = fpu_ctx(f);
    unsigned size = in->opnd[0].size;
    int pop = reg == 3 || reg == 6 || reg == 7;   /* FSTP/FISTP m, FBSTP, FSTP m80 / FISTP m64 */
    uint8_t b[10];
    int empty = fpu_empty(f, 0);
    struct fp80 v = fpu_st(f, 0);
    int64_t iv = 0;
    int ok = 1;

    if (empty) {
        /* Stack underflow: the masked response stores the indefinite of
         * the destination format (SDM Vol. 1, 8.5.1.1; 4.8.3.7). */
        fpu_mem_check_write(cpu, in, size);
        if (!fpu_stack_underflow(f))
            return;
        c.flags = 0;
        if (esc == 1)
            fpu_put32(b, F32_INDEFINITE);
        else if (esc == 5) {
            fpu_put32(b, 0);
            fpu_put32(b + 4, (uint32_t)(F64_INDEFINITE >> 32));
        } else if (esc == 3 && reg == 7)
            fpu_put80(b, fp80_indefinite());
        else if (esc == 7 && reg == 6) {
            for (int i = 0; i < 7; i++)
                b[i] = 0;
            b[7] = 0xC0;
            b[8] = b[9] = 0xFF;
        } else {
            for (unsigned i = 0; i < size; i++)
                b[i] = 0;
            b[size - 1] = 0x80;   /* integer indefinite: the most negative value */
        }
        fpu_mem_write(cpu, in, 0, b, size);
        if (pop)
            fpu_pop(f);
        return;
    }

    if (esc == 1) {                            /* FST(P) m32fp */
        fpu_put32(b, fp80_to_f32(&c, v));
    } else if (esc == 5) {                     /* FST(P) m64fp */
        uint64_t bits = fp80_to_f64(&c, v);
        fpu_put32(b, (uint32_t)bits);
        fpu_put32(b + 4, (uint32_t)(bits >> 32));
    } else if (esc == 3 && reg == 7) {         /* FSTP m80fp: exact, no exception */
        fpu_put80(b, v);
    } else if (esc == 7 && reg == 6) {         /* FBSTP m80bcd */
        fp80_to_bcd(&c, v, b);
    } else {                                   /* FIST(P) m16/m32, FISTP m64 */
        iv = fp80_to_int(&c, v, size * 8, 0, &ok);
        uint64_t u = (uint64_t)iv;
        fpu_put32(b, (uint32_t)u);
        fpu_put32(b + 4, (uint32_t)(u >> 32));
    }
    (void)ok;
    /* Decide on the store without touching the state, write, then
     * commit the flags: a fault in the write leaves everything as it was. */
    unsigned blocking = FPU_SW_IE | FPU_SW_DE | FPU_SW_ZE | FPU_SW_OE | FPU_SW_UE;
    int store = !(c.flags & ~f->cw & blocking);
    if (store)
        fpu_mem_write(cpu, in, 0, b, size);
    else
        fpu_mem_check_write(cpu, in, size);
    if (fpu_commit(f, &c, 1) && pop)
        fpu_pop(f);
}

void fpu_move_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    if (reg == 0 || (esc == 3 && reg == 5) || (esc == 7 && (reg == 4 || reg == 5)))
        load_mem(cpu, in, esc, reg);
    else
        store_mem(cpu, in, esc, reg);
}

/* FCMOVcc conditions: DA /0-/3 B E BE U, DB /0-/3 their negations, as
 * EFLAGS condition codes (cpu/flags.h). */
static const uint8_t fcmov_cc[4] = { 0x2, 0x4, 0x6, 0xA };

static void fxch(struct fpu *f, unsigned i)
{
    if (fpu_empty(f, 0) || fpu_empty(f, i)) {
        if (!fpu_stack_underflow(f))
            return;
        /* Masked: the empty register(s) read as the indefinite. */
        if (fpu_empty(f, 0))
            fpu_set_st(f, 0, fp80_indefinite());
        if (fpu_empty(f, i))
            fpu_set_st(f, i, fp80_indefinite());
        f->sw &= (uint16_t)~FPU_SW_C1;
    } else {
        f->sw &= (uint16_t)~FPU_SW_C1;
    }
    struct fp80 a = fpu_st(f, 0), b = fpu_st(f, i);
    fpu_set_st(f, 0, b);
    fpu_set_st(f, i, a);
}

/* FST/FSTP ST(i). */
static void fst_reg(struct fpu *f, unsigned i, int pop)
{
    if (fpu_empty(f, 0)) {
        if (!fpu_stack_underflow(f))
            return;
        fpu_set_st(f, i, fp80_indefinite());
    } else {
        f->sw &= (uint16_t)~FPU_SW_C1;
        fpu_set_st(f, i, fpu_st(f, 0));
    }
    if (pop)
        fpu_pop(f);
}

/* FABS, FCHS: sign only, no exception but the stack fault. */
static void sign_op(struct fpu *f, int chs)
{
    if (fpu_empty(f, 0)) {
        if (fpu_stack_underflow(f))
            fpu_set_st(f, 0, fp80_indefinite());
        return;
    }
    f->sw &= (uint16_t)~FPU_SW_C1;
    struct fp80 v = fpu_st(f, 0);
    fpu_set_st(f, 0, chs ? fp80_chs(v) : fp80_abs(v));
}

void fpu_move_reg(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg, unsigned rm)
{
    struct fpu *f = &cpu->fpu;
    (void)in;
    switch (esc) {
    case 1:
        if (reg == 0) {                        /* FLD ST(i) */
            if (fpu_empty(f, rm)) {
                /* An empty source is an underflow (C1 = 0) even when
                 * ST(7) is in use too, as the host's x87 reports it. */
                if (fpu_stack_underflow(f))
                    fpu_push(f, fp80_indefinite());
                return;
            }
            f->sw &= (uint16_t)~FPU_SW_C1;
            push_checked(f, fpu_st(f, rm));
        } else if (reg == 1) {                 /* FXCH */
            fxch(f, rm);
        } else if (reg == 3) {                 /* D9 D8+i: FSTP ST(i) (undocumented alias) */
            fst_reg(f, rm, 1);
        } else if (reg == 4) {                 /* FCHS (E0), FABS (E1) */
            sign_op(f, rm == 0);
        } else {                               /* D9 E8-EE: the constants */
            static const enum fp80_const k[7] = { FP80_ONE, FP80_L2T, FP80_L2E, FP80_PI,
                                                  FP80_LG2, FP80_LN2, FP80_ZERO };
            struct fp80 v = fp80_constant(k[rm], (enum fp80_rc)((f->cw >> 10) & 3));
            if (fpu_empty(f, 7))
                f->sw &= (uint16_t)~FPU_SW_C1;
            push_checked(f, v);
        }
        break;
    case 2: case 3: {                          /* FCMOVcc ST(0), ST(i) */
        int cond = flags_cond(cpu, fcmov_cc[reg & 3]);
        if (esc == 3)
            cond = !cond;
        if (fpu_empty(f, 0) || fpu_empty(f, rm)) {
            if (fpu_stack_underflow(f))
                fpu_set_st(f, 0, fp80_indefinite());
            return;
        }
        /* C1 is left alone (only a stack fault clears it), as the host's
         * x87 does. */
        if (cond)
            fpu_set_st(f, 0, fpu_st(f, rm));
        break;
    }
    case 5:
        if (reg == 1)                          /* DD C8+i: FXCH alias */
            fxch(f, rm);
        else                                   /* FST / FSTP ST(i) */
            fst_reg(f, rm, reg == 3);
        break;
    default:                                   /* DF */
        if (reg == 1)
            fxch(f, rm);
        else                                   /* DF D0+i, D8+i: FSTP aliases */
            fst_reg(f, rm, 1);
        break;
    }
}
