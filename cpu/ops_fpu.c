/* The x87 escapes (D8-DF): the gate every one passes (#NM, pending
 * exceptions, FERR#, the last-instruction pointers) and the dispatch to
 * the handler families; FXSAVE/FXRSTOR (0F AE /0 /1); the memory-operand
 * helpers the handlers share. The decoder has already rejected the
 * encodings that do not exist (cpu/decode.c). */
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/operand.h"
#include "cpu/ops.h"
#include "cpu/ops_fpu.h"

enum fpu_kind {
    FPU_NORMAL,    /* waiting; records FIP/FCS/FOP/FDP/FDS */
    FPU_CONTROL,   /* waiting control instruction: no pointer update */
    FPU_NOWAIT     /* FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE (and the
                      8087/287 leftovers FNENI FNDISI FNSETPM) */
};

/* The control instructions of SDM Vol. 1, Table 5-14 (8.1.8: they leave
 * the instruction and data pointers alone), and which of them do not
 * wait (8.3.12). */
static enum fpu_kind fpu_kind_of(unsigned esc, int mem, unsigned reg, unsigned rm)
{
    if (mem) {
        if (esc == 1 && (reg == 6 || reg == 7))
            return FPU_NOWAIT;                            /* FNSTENV, FNSTCW */
        if (esc == 5 && (reg == 6 || reg == 7))
            return FPU_NOWAIT;                            /* FNSAVE, FNSTSW m16 */
        if ((esc == 1 && (reg == 4 || reg == 5)) || (esc == 5 && reg == 4))
            return FPU_CONTROL;                           /* FLDENV, FLDCW, FRSTOR */
        return FPU_NORMAL;
    }
    if (esc == 3 && reg == 4)
        return FPU_NOWAIT;                                /* FNCLEX, FNINIT, FNENI.. */
    if (esc == 7 && reg == 4)
        return FPU_NOWAIT;                                /* FNSTSW AX */
    if ((esc == 1 && reg == 2) ||                         /* FNOP */
        (esc == 1 && reg == 6 && rm >= 6) ||              /* FDECSTP, FINCSTP */
        ((esc == 5 || esc == 7) && reg == 0))             /* FFREE, FFREEP */
        return FPU_CONTROL;
    return FPU_NORMAL;
}

static int is_compare(unsigned esc, int mem, unsigned reg, unsigned rm)
{
    if (mem)
        return !(esc & 1) && (reg == 2 || reg == 3);      /* FCOM(P) FICOM(P) m */
    switch (esc) {
    case 0: case 4: return reg == 2 || reg == 3;
    case 1: return reg == 4 && rm >= 4;                   /* FTST, FXAM */
    case 2: return reg == 5;                              /* FUCOMPP */
    case 3: return reg == 5 || reg == 6;                  /* FUCOMI, FCOMI */
    case 5: return reg == 4 || reg == 5;                  /* FUCOM(P) */
    case 6: return reg == 2 || reg == 3;                  /* FCOMP alias, FCOMPP */
    default: return reg == 5 || reg == 6;                 /* FUCOMIP, FCOMIP */
    }
}

void op_fpu(struct cpu *cpu, const struct insn *in)
{
    unsigned esc = in->opcode & 7, reg = (in->modrm >> 3) & 7, rm = in->modrm & 7;
    int mem = insn_has_mem(in);

    /* CR0.EM or TS: #NM before anything else (SDM Vol. 3, Table 2-2). */
    if (cpu->cr0 & (CR0_EM | CR0_TS))
        cpu_raise(cpu, VEC_NM, 0);
    enum fpu_kind kind = fpu_kind_of(esc, mem, reg, rm);
    if (kind != FPU_NOWAIT && fpu_check_pending(cpu, 1))
        return;   /* frozen until IRQ 13 (MS-DOS compatibility mode) */

    if (is_compare(esc, mem, reg, rm)) {
        if (mem)
            fpu_cmp_mem(cpu, in, esc, reg);
        else
            fpu_cmp_reg(cpu, esc, reg, rm);
    } else if (kind != FPU_NORMAL) {
        if (mem)
            fpu_ctl_mem(cpu, in, esc, reg);
        else
            fpu_ctl_reg(cpu, in, esc, reg, rm);
    } else if (mem) {
        if (esc & 1)
            fpu_move_mem(cpu, in, esc, reg);    /* D9 DB DD DF: loads and stores */
        else
            fpu_arith_mem(cpu, in, esc, reg);
    } else if (esc == 0 || esc == 4 || esc == 6) {
        fpu_arith_reg(cpu, esc, reg, rm);
    } else if (esc == 1 && reg >= 6) {
        fpu_misc(cpu, reg, rm);
    } else {
        fpu_move_reg(cpu, in, esc, reg, rm);
    }
    if (kind == FPU_NORMAL)
        fpu_note_insn(cpu, in);
    fpu_update_ferr(cpu);
}

void op_wait(struct cpu *cpu, const struct insn *in)
{
    /* WAIT faults #NM only when MP and TS are both set (Table 2-2), then
     * reports a pending unmasked exception like any waiting x87
     * instruction. */
    if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise(cpu, VEC_NM, 0);
    fpu_check_pending(cpu, 1);
}

/* ------------------------------------------------------------ memory */

static uint32_t at(const struct cpu *cpu, const struct insn *in, uint32_t disp)
{
    return (cpu->ea + disp) & addr_mask(in);
}

void fpu_mem_read(struct cpu *cpu, const struct insn *in, uint32_t disp, uint8_t *buf, unsigned n)
{
    cpu_check_access(cpu, in->seg, at(cpu, in, disp), n, 0);
    unsigned i = 0;
    for (; i + 4 <= n; i += 4)
        fpu_put32(buf + i, cpu_read(cpu, in->seg, at(cpu, in, disp + i), 4));
    for (; i < n; i++)
        buf[i] = (uint8_t)cpu_read(cpu, in->seg, at(cpu, in, disp + i), 1);
}

void fpu_mem_check_write(struct cpu *cpu, const struct insn *in, unsigned n)
{
    cpu_check_access(cpu, in->seg, cpu->ea, n, 1);
}

void fpu_mem_write(struct cpu *cpu, const struct insn *in, uint32_t disp, const uint8_t *buf,
                   unsigned n)
{
    cpu_check_access(cpu, in->seg, at(cpu, in, disp), n, 1);
    unsigned i = 0;
    for (; i + 4 <= n; i += 4)
        cpu_write(cpu, in->seg, at(cpu, in, disp + i), 4, fpu_get32(buf + i));
    for (; i < n; i++)
        cpu_write(cpu, in->seg, at(cpu, in, disp + i), 1, buf[i]);
}

/* ------------------------------------------------------------ shared */

int fpu_commit(struct fpu *f, const struct fp80_ctx *c, int mem_dest)
{
    unsigned blocking = mem_dest ? (FPU_SW_IE | FPU_SW_DE | FPU_SW_ZE | FPU_SW_OE | FPU_SW_UE)
                                 : (FPU_SW_IE | FPU_SW_DE | FPU_SW_ZE);
    unsigned flags = c->flags, c1 = c->c1;
    /* An unmasked IE, ZE or DE stops the x87 before it computes: the
     * later flags fp80 also reported are not raised, nothing is rounded
     * (C1 = 0) and nothing is stored (docs/fpu-arith.md). */
    if (flags & ~f->cw & (FPU_SW_IE | FPU_SW_ZE | FPU_SW_DE)) {
        flags &= FPU_SW_IE | FPU_SW_ZE | FPU_SW_DE;
        c1 = 0;
    }
    fpu_signal(f, flags);
    if (c1)
        f->sw |= FPU_SW_C1;
    else
        f->sw &= (uint16_t)~FPU_SW_C1;
    return !(flags & ~f->cw & blocking);
}

struct fp80 fpu_mem_real(struct fp80_ctx *c, uint64_t bits, unsigned size, struct fp80 other)
{
    unsigned fbits = size == 4 ? 23 : 52;
    uint64_t frac = bits & ((1ull << fbits) - 1);
    unsigned exp = (unsigned)(bits >> fbits) & (size == 4 ? 0xFF : 0x7FF);
    uint16_t sign = (bits >> (size * 8 - 1)) & 1 ? 0x8000 : 0;
    if (exp == (size == 4 ? 0xFFu : 0x7FFu) && frac) {
        /* NaN: the exact 80-bit image, quiet bit as it was. */
        struct fp80 v = { (1ull << 63) | (frac << (63 - fbits)), (uint16_t)(sign | 0x7FFF) };
        return v;
    }
    struct fp80_ctx k = *c;
    k.flags = 0;
    struct fp80 v = size == 4 ? fp80_from_f32(&k, (uint32_t)bits) : fp80_from_f64(&k, bits);
    if (fp80_is_nan(other) || fp80_classify(other) == FP80_CLASS_UNSUPPORTED)
        k.flags &= (uint8_t)~FP80_DE;
    c->flags |= k.flags;
    return v;
}

void fpu_set_cc_cmp(struct fpu *f, enum fp80_cmp r)
{
    uint16_t cc = 0;
    switch (r) {
    case FP80_LT: cc = FPU_SW_C0; break;
    case FP80_EQ: cc = FPU_SW_C3; break;
    case FP80_GT: cc = 0; break;
    default: cc = FPU_SW_C0 | FPU_SW_C2 | FPU_SW_C3; break;
    }
    f->sw = (uint16_t)((f->sw & ~FPU_SW_CC) | cc);
}

/* ------------------------------------------------------------ FXSAVE */

/* FXSAVE and FXRSTOR (SDM Vol. 2): #UD with CR0.EM, #NM with CR0.TS, no
 * pending-exception check; the operand must be 16-byte aligned (#GP(0)
 * whatever the segment). CR4.OSFXSR only governs the XMM state, which
 * this CPU does not have, so the x87 part moves either way. */
static void fxsr_checks(struct cpu *cpu, const struct insn *in, int write)
{
    if (cpu->cr0 & CR0_EM)
        cpu_raise(cpu, VEC_UD, 0);
    if (cpu->cr0 & CR0_TS)
        cpu_raise(cpu, VEC_NM, 0);
    if ((cpu->seg[in->seg].base + cpu->ea) & 15)
        cpu_raise(cpu, VEC_GP, 0);
    cpu_check_access(cpu, in->seg, cpu->ea, 512, write);
}

void op_fxsave(struct cpu *cpu, const struct insn *in)
{
    uint8_t img[FPU_FXSAVE_X87_BYTES];
    fxsr_checks(cpu, in, 1);
    fpu_store_fxsave(&cpu->fpu, img);
    fpu_mem_write(cpu, in, 0, img, sizeof img);
}

void op_fxrstor(struct cpu *cpu, const struct insn *in)
{
    uint8_t img[FPU_FXSAVE_X87_BYTES];
    fxsr_checks(cpu, in, 0);
    fpu_mem_read(cpu, in, 0, img, sizeof img);
    fpu_load_fxsave(&cpu->fpu, img);
    fpu_update_ferr(cpu);
}
