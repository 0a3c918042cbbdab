/* Inline register forms for the x86-64 backend (dbt/native_inline.h).
 *
 * The guest registers stay in cpu->regs; each form loads what it reads
 * into RAX/RCX, computes with the host instruction of the same name, and
 * stores the result. The guest's 32-bit ADD/SUB/AND/OR/XOR/CMP/TEST and
 * SHL/SHR/SAR compute the same result bits on the host, and the flag
 * record keeps the operands and result as cpu/alu.h's flags_record()
 * stores them (op, size 4, dst, src, res), so later flag readers — in
 * this block, the next, or the interpreter — see the very record the
 * portable forms write. ADC/SBB (carry in), 8/16-bit forms and INC/DEC
 * with live flags (preserved CF) stay calls. */
#include <stddef.h>

#include "cpu/alu.h"
#include "dbt/native_inline.h"

#define R_CPU X64_RBX
#define REG(r) ((int32_t)(offsetof(struct cpu, regs) + 4u * (r)))
#define LF(f) ((int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, f)))

/* op and size are adjacent bytes: one 16-bit store writes both. */
_Static_assert(offsetof(struct lazy_flags, size) == offsetof(struct lazy_flags, op) + 1,
               "lazy_flags: op, size adjacent");

static int alu_of(unsigned op, enum x64_alu *a, enum lf_op *kind)
{
    switch (op) {
    case OP_ADD: *a = X64_ADD; *kind = LF_ADD; return 1;
    case OP_OR:  *a = X64_OR;  *kind = LF_LOGIC; return 1;
    case OP_AND: *a = X64_AND; *kind = LF_LOGIC; return 1;
    case OP_SUB: *a = X64_SUB; *kind = LF_SUB; return 1;
    case OP_XOR: *a = X64_XOR; *kind = LF_LOGIC; return 1;
    case OP_CMP: *a = X64_SUB; *kind = LF_SUB; return 1;
    case OP_TEST: *a = X64_AND; *kind = LF_LOGIC; return 1;
    default: return 0;
    }
}

/* Where register operand r of `size` bytes lives in struct cpu: the low
 * bytes of regs[r], or for AH..BH (size 1, r 4..7) byte 1 of regs[r - 4]
 * (cpu/operand.h's reg_read/reg_write; the host is little-endian). */
static int32_t reg_at(unsigned r, unsigned size)
{
    return size == 1 && r >= 4 ? REG(r - 4) + 1 : REG(r);
}

/* A 32-bit two-operand form: register destination, register or
 * immediate source (what dbt_reg_form() binds to its register forms). */
static int reg_or_imm_32(const struct insn *in)
{
    return !in->lock && in->nopnd == 2 && in->opnd[0].kind == OPK_REG &&
           in->opnd[0].size == 4 &&
           (in->opnd[1].kind == OPK_REG || in->opnd[1].kind == OPK_IMM);
}

/* The same with 8-bit operands (AL..BH). */
static int reg_or_imm_8(const struct insn *in)
{
    return !in->lock && in->nopnd == 2 && in->opnd[0].kind == OPK_REG &&
           in->opnd[0].size == 1 &&
           ((in->opnd[1].kind == OPK_REG && in->opnd[1].size == 1) ||
            in->opnd[1].kind == OPK_IMM);
}

/* RAX = dst, RCX = src. Operands come from the decoded instruction, not
 * from what a binder left in u. */
static void load_operands(struct x64_emit *e, const struct dbt_uop *u)
{
    x64_mov_rm32(e, X64_RAX, R_CPU, REG(u->in.opnd[0].reg));
    if (u->in.opnd[1].kind == OPK_REG)
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(u->in.opnd[1].reg));
    else
        x64_mov_ri32(e, X64_RCX, u->in.imm);
}

/* flags_record(cpu, kind, size, RAX, RCX, RDX), the three already
 * truncated to the size. */
static void record_size(struct x64_emit *e, enum lf_op kind, unsigned size)
{
    x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)(kind | size << 8));
    x64_mov_mr32(e, R_CPU, LF(dst), X64_RAX);
    x64_mov_mr32(e, R_CPU, LF(src), X64_RCX);
    x64_mov_mr32(e, R_CPU, LF(res), X64_RDX);
}

/* flags_record(cpu, kind, 4, RAX, RCX, RDX). */
static void record(struct x64_emit *e, enum lf_op kind)
{
    x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)(kind | 4u << 8));
    x64_mov_mr32(e, R_CPU, LF(dst), X64_RAX);
    x64_mov_mr32(e, R_CPU, LF(src), X64_RCX);
    x64_mov_mr32(e, R_CPU, LF(res), X64_RDX);
}

/* The 8-bit ALU register forms (rr_/ri_OP_1): the operands zero-extended
 * from their bytes in cpu->regs, the host's 8-bit operation (whose flags
 * are the guest's, for a Jcc right after), the result byte stored back,
 * the record of size 1. */
static void alu8(struct x64_emit *e, const struct dbt_uop *u, enum x64_alu a, enum lf_op kind)
{
    const struct insn *in = &u->in;
    int32_t at = reg_at(in->opnd[0].reg, 1);
    x64_load32(e, X64_RAX, R_CPU, at, 1, 0);
    if (in->opnd[1].kind == OPK_REG)
        x64_load32(e, X64_RCX, R_CPU, reg_at(in->opnd[1].reg, 1), 1, 0);
    else
        x64_mov_ri32(e, X64_RCX, in->imm & 0xFFu);
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_alu_rr8(e, a, X64_RDX, X64_RCX);                /* EDX stays zero-extended */
    if (in->op != OP_CMP && in->op != OP_TEST)
        x64_store(e, R_CPU, at, X64_RDX, 1);
    if (u->flags_live)
        record_size(e, kind, 1);
}

static int inline_alu(struct x64_emit *e, const struct dbt_uop *u)
{
    enum x64_alu a;
    enum lf_op kind;
    const struct insn *in = &u->in;
    if (alu_of(in->op, &a, &kind) && reg_or_imm_8(in)) {
        if (in->op == OP_CMP || in->op == OP_TEST ? u->flags_live : 1)
            alu8(e, u, a, kind);
        return 1;
    }
    if (!alu_of(in->op, &a, &kind) || !reg_or_imm_32(in))
        return 0;
    int writes = in->op != OP_CMP && in->op != OP_TEST;
    if (!writes && !u->flags_live)
        return 1;   /* a compare nobody reads: nothing to do */
    if (!u->flags_live && in->opnd[1].kind == OPK_IMM) {
        x64_alu_m32_i32(e, a, R_CPU, REG(in->opnd[0].reg), in->imm);   /* add [&eax], imm */
        return 1;
    }
    load_operands(e, u);
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_alu_rr32(e, a, X64_RDX, X64_RCX);
    if (writes)
        x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RDX);
    if (u->flags_live)
        record(e, kind);
    return 1;
}

/* SHL/SHR/SAR of an 8-, 16- or 32-bit register by an immediate or by CL
 * (the register forms shift_r/shift_ri): EAX = the operand zero-extended
 * (the record's dst), EDX = the result, computed on the operand extended
 * to 32 bits (sign-extended for SAR), so the low `size` bytes are the
 * guest's; by CL, a zero masked count skips everything. */
static int inline_shift(struct x64_emit *e, const struct dbt_uop *u)
{
    const struct insn *in = &u->in;
    unsigned digit;
    enum lf_op kind;
    switch (in->op) {
    case OP_SHL: case OP_SAL: digit = 4; kind = LF_SHL; break;
    case OP_SHR: digit = 5; kind = LF_SHR; break;
    case OP_SAR: digit = 7; kind = LF_SAR; break;
    default: return 0;
    }
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    unsigned size = o0->size;
    int by_cl = o1->kind == OPK_REG && o1->reg == REG_ECX && o1->size == 1;
    if (in->lock || in->nopnd != 2 || o0->kind != OPK_REG ||
        (size != 1 && size != 2 && size != 4) ||
        (!by_cl && o1->kind != OPK_IMM && o1->kind != OPK_CONST1))
        return 0;
    /* The masked count, as dbt_reg_form() computes it; a zero immediate
     * count changes nothing (not even the flags) and is not a register
     * form. */
    uint8_t count = (uint8_t)((o1->kind == OPK_CONST1 ? 1 : in->imm) & 0x1F);
    uintptr_t skip = 0;
    if (by_cl) {
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(REG_ECX));
        x64_alu_ri32(e, X64_AND, X64_RCX, 0x1F);
        skip = x64_jcc(e, X64_CC_E, 0);
    } else if (count == 0) {
        return 0;
    }
    int32_t at = reg_at(o0->reg, size);
    x64_load32(e, X64_RAX, R_CPU, at, size, 0);
    if (kind == LF_SAR && size != 4)
        x64_load32(e, X64_RDX, R_CPU, at, size, 1);
    else
        x64_mov_rr32(e, X64_RDX, X64_RAX);
    if (by_cl)
        x64_shift_cl32(e, digit, X64_RDX);
    else
        x64_shift_ri32(e, digit, X64_RDX, count);
    x64_store(e, R_CPU, at, X64_RDX, size);
    if (u->flags_live) {
        if (size != 4)
            x64_alu_ri32(e, X64_AND, X64_RDX, size == 1 ? 0xFFu : 0xFFFFu);
        if (!by_cl)
            x64_mov_ri32(e, X64_RCX, count);
        x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)(kind | size << 8));
        x64_mov_mr32(e, R_CPU, LF(dst), X64_RAX);
        x64_mov_mr32(e, R_CPU, LF(src), X64_RCX);
        x64_mov_mr32(e, R_CPU, LF(res), X64_RDX);
    }
    if (skip)
        x64_patch_here(e, skip);
    return 1;
}

void dbt_inline_ea(struct x64_emit *e, const struct insn *in)
{
    x64_mov_ri32(e, X64_RAX, (uint32_t)in->disp);
    if (in->ea_base != EA_NONE)
        x64_alu_rm32(e, X64_ADD, X64_RAX, R_CPU, REG(in->ea_base));
    if (in->ea_index != EA_NONE) {
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->ea_index));
        if (in->ea_scale)
            x64_shift_ri32(e, 4, X64_RCX, in->ea_scale);
        x64_alu_rr32(e, X64_ADD, X64_RAX, X64_RCX);
    }
    if (in->addrsize == 2)
        x64_alu_ri32(e, X64_AND, X64_RAX, 0xFFFF);
}

static void miss_on(uintptr_t miss[], unsigned *n, uintptr_t site)
{
    if (site && *n < DBT_INLINE_MISS)
        miss[(*n)++] = site;
}

/* ECX = the guest's CF from the lazy record, for the producers
 * flags_cf_try() knows (LF_LOGIC: 0, LF_SUB: dst < src, LF_ADD: res <
 * dst, LF_INC/LF_DEC: cin); any other record is a miss. Clobbers RAX,
 * RDX and the host flags. */
void dbt_inline_cf_from_record(struct x64_emit *e, uintptr_t miss[DBT_INLINE_MISS], unsigned *nmiss)
{
    uintptr_t done[4];
    unsigned nd = 0;
    x64_load32(e, X64_RAX, R_CPU, LF(op), 1, 0);
    x64_mov_ri32(e, X64_RCX, 0);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_LOGIC);
    done[nd++] = x64_jcc(e, X64_CC_E, 0);
    x64_mov_rm32(e, X64_RDX, R_CPU, LF(dst));
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_SUB);
    uintptr_t not_sub = x64_jcc(e, X64_CC_NE, 0);
    x64_alu_rm32(e, X64_CMP, X64_RDX, R_CPU, LF(src));
    x64_setcc(e, 0x2, X64_RCX);                           /* dst < src */
    done[nd++] = x64_jmp(e, 0);
    if (not_sub)
        x64_patch_rel32(e->w - (e->x - not_sub), not_sub, e->x);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_ADD);
    uintptr_t not_add = x64_jcc(e, X64_CC_NE, 0);
    x64_mov_rm32(e, X64_RAX, R_CPU, LF(res));
    x64_alu_rr32(e, X64_CMP, X64_RAX, X64_RDX);
    x64_setcc(e, 0x2, X64_RCX);                           /* res < dst */
    done[nd++] = x64_jmp(e, 0);
    if (not_add)
        x64_patch_rel32(e->w - (e->x - not_add), not_add, e->x);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_INC);
    uintptr_t cin = x64_jcc(e, X64_CC_E, 0);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_DEC);
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_NE, 0));
    if (cin)
        x64_patch_rel32(e->w - (e->x - cin), cin, e->x);
    x64_load32(e, X64_RCX, R_CPU, LF(cin), 1, 0);
    for (unsigned i = 0; i < nd; i++)
        if (done[i])
            x64_patch_rel32(e->w - (e->x - done[i]), done[i], e->x);
}

/* INC/DEC r32 with live flags (dbt/uop_reg.c's INCDEC_LIVE): the kept CF
 * from the record (else a miss: the micro-op's own slow form), then the
 * result by the host ADD/SUB 1, whose ZF, SF, OF and PF are INC/DEC's
 * (its CF is not: the guest keeps CF, in the record's cin), and
 * flags_record_incdec(): cin, op, size 4, dst, src 1, res. */
static void incdec_live(struct x64_emit *e, const struct insn *in, uintptr_t miss[],
                        unsigned *nmiss)
{
    unsigned r = in->opnd[0].reg;
    dbt_inline_cf_from_record(e, miss, nmiss);
    x64_mov_rm32(e, X64_RAX, R_CPU, REG(r));
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_alu_ri32(e, in->op == OP_INC ? X64_ADD : X64_SUB, X64_RDX, 1);
    x64_mov_mr32(e, R_CPU, REG(r), X64_RDX);
    x64_store(e, R_CPU, LF(cin), X64_RCX, 1);
    x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)((in->op == OP_INC ? LF_INC : LF_DEC) | 4u << 8));
    x64_mov_mr32(e, R_CPU, LF(dst), X64_RAX);
    x64_mov_m32_i32(e, R_CPU, LF(src), 1);
    x64_mov_mr32(e, R_CPU, LF(res), X64_RDX);
}

/* NEG r32 (neg_4_0, neg_4_1): the record is that of 0 - a. */
static void neg_r(struct x64_emit *e, const struct dbt_uop *u)
{
    unsigned r = u->in.opnd[0].reg;
    x64_mov_rm32(e, X64_RCX, R_CPU, REG(r));
    x64_mov_rr32(e, X64_RDX, X64_RCX);
    x64_neg32(e, X64_RDX);
    x64_mov_mr32(e, R_CPU, REG(r), X64_RDX);
    if (u->flags_live) {
        x64_mov_ri32(e, X64_RAX, 0);
        x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)(LF_SUB | 4u << 8));
        x64_mov_mr32(e, R_CPU, LF(dst), X64_RAX);
        x64_mov_mr32(e, R_CPU, LF(src), X64_RCX);
        x64_mov_mr32(e, R_CPU, LF(res), X64_RDX);
    }
}

static int reg32(const struct opnd *o)
{
    return o->kind == OPK_REG && o->size == 4;
}

/* IMUL r32, r32 and IMUL r32, r32, imm (the register forms imul_rr_4,
 * imul_rri_4, cpu/alu.h's alu_imul): the host IMUL computes the same low
 * half and sets CF = OF the same way; with live flags, SF ZF PF come from
 * a TEST of the result (the host's IMUL leaves them undefined), AF is
 * cleared, and EFLAGS takes all six with the lazy record dropped, as
 * flags_set_arith() does. */
static int inline_imul(struct x64_emit *e, const struct dbt_uop *u)
{
    const struct insn *in = &u->in;
    int live = u->flags_live;
    if (in->lock || !reg32(&in->opnd[0]) || !reg32(&in->opnd[1]))
        return 0;
    if (in->nopnd != 2 && (in->nopnd != 3 || in->opnd[2].kind != OPK_IMM))
        return 0;
    if (live)
        x64_alu_rr32(e, X64_XOR, X64_RDX, X64_RDX);
    if (in->nopnd == 2) {
        x64_mov_rm32(e, X64_RAX, R_CPU, REG(in->opnd[0].reg));
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->opnd[1].reg));
        x64_imul_rr32(e, X64_RAX, X64_RCX);
    } else {
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->opnd[1].reg));
        x64_imul_rri32_32(e, X64_RAX, X64_RCX, (int32_t)in->imm);
    }
    x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RAX);
    if (!live)
        return 1;
    x64_setcc(e, 0x0 /* O */, X64_RDX);                    /* EDX = 1 on overflow */
    x64_imul_rri32_32(e, X64_RDX, X64_RDX, (int32_t)(EFLAGS_CF | EFLAGS_OF));
    x64_test_rr32(e, X64_RAX, X64_RAX);
    x64_pushf_pop(e, X64_RCX);
    x64_alu_ri32(e, X64_AND, X64_RCX, EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF);
    x64_alu_rr32(e, X64_OR, X64_RCX, X64_RDX);
    x64_mov_rm32(e, X64_RAX, R_CPU, (int32_t)offsetof(struct cpu, eflags));
    x64_alu_ri32(e, X64_AND, X64_RAX, ~EFLAGS_ARITH);
    x64_alu_rr32(e, X64_OR, X64_RAX, X64_RCX);
    x64_mov_mr32(e, R_CPU, (int32_t)offsetof(struct cpu, eflags), X64_RAX);
    x64_mov_m16_i16(e, R_CPU, LF(op), (uint16_t)(LF_NONE | 4u << 8));
    return 1;
}

int dbt_inline_uop(struct x64_emit *e, const struct dbt_uop *u, uintptr_t miss[DBT_INLINE_MISS],
                   unsigned *nmiss)
{
    const struct insn *in = &u->in;
    *nmiss = 0;
    if (u->sets_eip || u->fused)
        return 0;   /* not a register form, or one the block end handles */
    switch (in->op) {
    case OP_NEG:
        if (in->lock || !reg32(&in->opnd[0]))
            return 0;
        neg_r(e, u);
        return 1;
    case OP_NOT:
        if (in->lock || !reg32(&in->opnd[0]))
            return 0;
        x64_mov_rm32(e, X64_RAX, R_CPU, REG(in->opnd[0].reg));
        x64_not32(e, X64_RAX);
        x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RAX);
        return 1;
    case OP_IMUL:
        return inline_imul(e, u);
    case OP_NOP:   /* PAUSE calls cpu_io.pause: the handler's */
        return !(in->rep == REP_E && in->nopnd == 0);
    case OP_XCHG:
        if (in->lock || !reg32(&in->opnd[0]) || !reg32(&in->opnd[1]))
            return 0;
        x64_mov_rm32(e, X64_RAX, R_CPU, REG(in->opnd[0].reg));
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->opnd[1].reg));
        x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RCX);
        x64_mov_mr32(e, R_CPU, REG(in->opnd[1].reg), X64_RAX);
        return 1;
    case OP_MOV:
        if (!reg_or_imm_32(in))
            return 0;
        if (in->opnd[1].kind == OPK_IMM) {
            x64_mov_m32_i32(e, R_CPU, REG(in->opnd[0].reg), in->imm);
        } else {
            x64_mov_rm32(e, X64_RAX, R_CPU, REG(in->opnd[1].reg));
            x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RAX);
        }
        return 1;
    case OP_LEA:   /* lea_4: the address, no memory access */
        if (in->lock || in->opnd[0].kind != OPK_REG || in->opnd[0].size != 4)
            return 0;
        dbt_inline_ea(e, in);
        x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RAX);
        return 1;
    case OP_INC: case OP_DEC:
        if (in->lock || in->opnd[0].kind != OPK_REG || in->opnd[0].size != 4)
            return 0;
        if (u->flags_live)
            incdec_live(e, in, miss, nmiss);
        else
            x64_alu_m32_i32(e, in->op == OP_INC ? X64_ADD : X64_SUB, R_CPU,
                            REG(in->opnd[0].reg), 1);
        return 1;
    default:
        return inline_alu(e, u) || inline_shift(e, u);
    }
}

int dbt_inline_sets_jcc_flags(const struct dbt_uop *u, unsigned cc)
{
    enum x64_alu a;
    enum lf_op kind;
    const struct insn *in = &u->in;
    if (u->fused)
        return dbt_inline_fused_ok(u);
    if (u->sets_eip)
        return 0;
    if ((in->op == OP_SHL || in->op == OP_SAL || in->op == OP_SHR || in->op == OP_SAR) &&
        !in->lock && reg32(&in->opnd[0]) && u->flags_live &&
        (in->opnd[1].kind == OPK_IMM || in->opnd[1].kind == OPK_CONST1)) {
        /* The host shift's CF (last bit out), ZF, SF, PF are the guest's;
         * its OF too for a count of 1, but undefined beyond: then O, NO,
         * L, GE, LE, G (0, 1, 0xC-0xF) read it and are not taken here. */
        unsigned count = (in->opnd[1].kind == OPK_CONST1 ? 1 : in->imm) & 0x1F, c = cc & 15;
        return count != 0 && (count == 1 || !(c <= 1 || c >= 0xC));
    }
    if ((in->op == OP_NEG || in->op == OP_INC || in->op == OP_DEC) && !in->lock &&
        reg32(&in->opnd[0]) && u->flags_live) {
        /* INC/DEC keep CF: B, AE, BE, A (2, 3, 6, 7) read it. */
        unsigned c = cc & 15;
        return in->op == OP_NEG || !(c == 2 || c == 3 || c == 6 || c == 7);
    }
    return alu_of(in->op, &a, &kind) && (reg_or_imm_32(in) || reg_or_imm_8(in));
}

void dbt_inline_flags_for_jcc(struct x64_emit *e, const struct dbt_uop *u,
                              uintptr_t miss[DBT_INLINE_MISS], unsigned *nmiss)
{
    enum x64_alu a;
    enum lf_op kind;
    *nmiss = 0;
    if (u->fused) {
        dbt_inline_fused_compare(e, u);
        return;
    }
    if (u->in.op == OP_NEG) {
        neg_r(e, u);
        return;
    }
    if (u->in.op == OP_INC || u->in.op == OP_DEC) {
        incdec_live(e, &u->in, miss, nmiss);
        return;
    }
    if (inline_shift(e, u))
        return;
    alu_of(u->in.op, &a, &kind);
    if (reg_or_imm_8(&u->in)) {
        alu8(e, u, a, kind);
        return;
    }
    /* The result from the host instruction that also sets the host
     * flags the Jcc tests; the stores after it (result, record when the
     * flags are live beyond the block) do not change them. */
    load_operands(e, u);
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_alu_rr32(e, a, X64_RDX, X64_RCX);
    if (u->in.op != OP_CMP && u->in.op != OP_TEST)
        x64_mov_mr32(e, R_CPU, REG(u->in.opnd[0].reg), X64_RDX);
    if (u->flags_live)
        record(e, kind);
}

void dbt_inline_record_flags(struct x64_emit *e, uintptr_t miss[DBT_INLINE_MISS],
                             unsigned *nmiss)
{
    uintptr_t join[2];
    *nmiss = 0;
    x64_load32(e, X64_RAX, R_CPU, LF(op), 2, 0);            /* op | size << 8 */
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_SUB | 4u << 8);
    uintptr_t not_sub = x64_jcc(e, X64_CC_NE, 0);
    x64_mov_rm32(e, X64_RCX, R_CPU, LF(dst));
    x64_alu_rm32(e, X64_CMP, X64_RCX, R_CPU, LF(src));
    join[0] = x64_jmp(e, 0);
    if (not_sub)
        x64_patch_rel32(e->w - (e->x - not_sub), not_sub, e->x);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_LOGIC | 4u << 8);
    uintptr_t not_logic = x64_jcc(e, X64_CC_NE, 0);
    x64_mov_rm32(e, X64_RCX, R_CPU, LF(res));
    x64_test_rr32(e, X64_RCX, X64_RCX);
    join[1] = x64_jmp(e, 0);
    if (not_logic)
        x64_patch_rel32(e->w - (e->x - not_logic), not_logic, e->x);
    x64_alu_ri32(e, X64_CMP, X64_RAX, LF_ADD | 4u << 8);
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_NE, 0));
    x64_mov_rm32(e, X64_RCX, R_CPU, LF(dst));
    x64_alu_rm32(e, X64_ADD, X64_RCX, R_CPU, LF(src));
    for (int i = 0; i < 2; i++)
        if (join[i])
            x64_patch_rel32(e->w - (e->x - join[i]), join[i], e->x);
}

int dbt_inline_fused_ok(const struct dbt_uop *u)
{
    return u->fused && (u->in.op == OP_CMP || u->in.op == OP_TEST) && reg_or_imm_32(&u->in);
}

void dbt_inline_fused_compare(struct x64_emit *e, const struct dbt_uop *u)
{
    int test = u->in.op == OP_TEST;
    load_operands(e, u);
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_alu_rr32(e, test ? X64_AND : X64_SUB, X64_RDX, X64_RCX);
    record(e, test ? LF_LOGIC : LF_SUB);
    if (test)
        x64_test_rr32(e, X64_RAX, X64_RCX);
    else
        x64_alu_rr32(e, X64_CMP, X64_RAX, X64_RCX);
}
