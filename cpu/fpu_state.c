/* x87 state: reset and FNINIT, the register stack and tag word, exception
 * flags, and when a pending exception becomes #MF or FERR# (SDM Vol. 1,
 * 8.1 and 8.7; Vol. 3, 2.5 and Table 2-2). */
#include <string.h>

#include "cpu/except.h"
#include "cpu/fpu.h"
#include "cpu/seg.h"

void fpu_reset(struct cpu *cpu)
{
    /* SDM Vol. 3, Table 9-1 (P6 family): CW 0040h, SW 0, TW 5555h (every
     * register tagged zero), R0-R7 +0.0, pointers and opcode 0. */
    struct fpu *f = &cpu->fpu;
    memset(f, 0, sizeof *f);   /* FERR# and IGNNE# low: the board resets its side too */
    f->cw = 0x0040;
    f->tw = 0x5555;
}

void fpu_init(struct cpu *cpu)
{
    /* FNINIT (SDM Vol. 2, FINIT/FNINIT): CW 037Fh, SW 0, TW FFFFh,
     * pointers and opcode 0; the registers keep their contents. */
    struct fpu *f = &cpu->fpu;
    f->cw = FPU_CW_INIT;
    f->sw = 0;
    f->tw = 0xFFFF;
    f->fop = 0;
    f->fcs = f->fds = 0;
    f->fip = f->fdp = 0;
}

enum fpu_tag fpu_tag_of(struct fp80 v)
{
    unsigned exp = v.se & 0x7FFF;
    if (exp == 0)
        return v.mant == 0 ? FPU_TAG_ZERO : FPU_TAG_SPECIAL;   /* denormals */
    if (exp == 0x7FFF || !(v.mant >> 63))
        return FPU_TAG_SPECIAL;   /* NaN, infinity, unsupported encodings */
    return FPU_TAG_VALID;
}

void fpu_set_tag_phys(struct fpu *f, unsigned p, enum fpu_tag t)
{
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | ((unsigned)t << (2 * p)));
}

void fpu_set_st(struct fpu *f, unsigned i, struct fp80 v)
{
    unsigned p = fpu_phys(f, i);
    f->r[p] = v;
    fpu_set_tag_phys(f, p, fpu_tag_of(v));
}

void fpu_push(struct fpu *f, struct fp80 v)
{
    fpu_set_top(f, fpu_top(f) - 1);
    fpu_set_st(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
    fpu_set_tag_phys(f, fpu_top(f), FPU_TAG_EMPTY);
    fpu_set_top(f, fpu_top(f) + 1);
}

uint16_t fpu_tag_word(const struct fpu *f)
{
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        enum fpu_tag t = fpu_tag_phys(f, p);
        if (t != FPU_TAG_EMPTY)
            t = fpu_tag_of(f->r[p]);
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

void fpu_load_tag_word(struct fpu *f, uint16_t tw)
{
    for (unsigned p = 0; p < 8; p++) {
        int empty = ((tw >> (2 * p)) & 3) == FPU_TAG_EMPTY;
        fpu_set_tag_phys(f, p, empty ? FPU_TAG_EMPTY : fpu_tag_of(f->r[p]));
    }
}

uint8_t fpu_abridged_tag(const struct fpu *f)
{
    uint8_t a = 0;
    for (unsigned p = 0; p < 8; p++)
        if (fpu_tag_phys(f, p) != FPU_TAG_EMPTY)
            a |= (uint8_t)(1u << p);
    return a;
}

void fpu_load_abridged_tag(struct fpu *f, uint8_t atw)
{
    for (unsigned p = 0; p < 8; p++)
        fpu_set_tag_phys(f, p, (atw >> p) & 1 ? fpu_tag_of(f->r[p]) : FPU_TAG_EMPTY);
}

struct fp80_ctx fpu_ctx(const struct fpu *f)
{
    struct fp80_ctx c;
    c.rc = (uint8_t)((f->cw >> 10) & 3);
    c.pc = (uint8_t)((f->cw >> 8) & 3);
    c.mask = (uint8_t)(f->cw & FPU_EXC_MASK);
    c.flags = 0;
    c.c1 = 0;
    return c;
}

void fpu_update_es(struct fpu *f)
{
    /* ES (and B, its copy since the 387) summarise the unmasked flags:
     * FLDCW, FLDENV and FRSTOR that unmask a set flag make it pending
     * for the next waiting instruction (SDM Vol. 2, FLDCW). */
    if (f->sw & ~f->cw & FPU_EXC_MASK)
        f->sw |= FPU_SW_ES | FPU_SW_B;
    else
        f->sw &= (uint16_t)~(FPU_SW_ES | FPU_SW_B);
}

int fpu_signal(struct fpu *f, unsigned flags)
{
    f->sw |= (uint16_t)(flags & (FPU_EXC_MASK | FPU_SW_SF));
    fpu_update_es(f);
    return (flags & ~f->cw & (FPU_SW_IE | FPU_SW_DE | FPU_SW_ZE)) != 0;
}

int fpu_stack_overflow(struct fpu *f)
{
    f->sw |= FPU_SW_C1;
    return !fpu_signal(f, FPU_SW_IE | FPU_SW_SF);
}

int fpu_stack_underflow(struct fpu *f)
{
    f->sw &= (uint16_t)~FPU_SW_C1;
    return !fpu_signal(f, FPU_SW_IE | FPU_SW_SF);
}

int fpu_check_pending(struct cpu *cpu, int waiting)
{
    if (!waiting || !(cpu->fpu.sw & FPU_SW_ES))
        return 0;
    if (cpu->cr0 & CR0_NE)
        cpu_raise(cpu, VEC_MF, 0);
    if (cpu->fpu.ignne)
        return 0;   /* IGNNE# asserted: the instruction runs, ES stays */
    /* MS-DOS compatibility mode (SDM Vol. 1, D.2.1): the processor freezes
     * before the waiting instruction; FERR# (raised when the exception
     * was detected) reaches the PIC as IRQ 13, whose handler clears the
     * exception. Modelled as a halt with EIP on the instruction: the
     * interrupt wakes the CPU and its IRET restarts the instruction. */
    cpu->eip = cpu->insn_eip;
    cpu->halted = 1;
    return 1;
}

void fpu_update_ferr(struct cpu *cpu)
{
    /* FERR# is driven while an unmasked exception is pending. shadow86
     * connects it only in MS-DOS compatibility mode (CR0.NE=0): with
     * NE=1 the error is reported as #MF and a board that also raised
     * IRQ 13 would give the guest a second, spurious report. */
    uint8_t level = (cpu->fpu.sw & FPU_SW_ES) && !(cpu->cr0 & CR0_NE);
    if (level == cpu->fpu.ferr)
        return;
    cpu->fpu.ferr = level;
    irq_set(&cpu->io.ferr, level);
}

void fpu_set_ignne(struct cpu *cpu, int level)
{
    cpu->fpu.ignne = level ? 1 : 0;
}

void fpu_note_insn(struct cpu *cpu, const struct insn *in)
{
    struct fpu *f = &cpu->fpu;
    f->fip = cpu->insn_eip;
    f->fcs = cpu->seg[SEG_CS].sel;
    f->fop = (uint16_t)(((in->opcode & 7) << 8) | in->modrm);
    if (insn_has_mem(in)) {
        f->fdp = cpu->ea;
        f->fds = cpu->seg[in->seg].sel;
    }
}
