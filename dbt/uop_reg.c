/* Register forms: instructions whose operands are all registers or
 * immediates. They cannot fault and touch nothing but registers and
 * flags, so they run without bookkeeping (see dbt/block.h). Results and
 * flag records come from cpu/alu.h and cpu/operand.h — the interpreter's
 * own definitions; each form is instantiated per operation, size and
 * whether its flags are live (dead flags are not recorded at all). */
#include "cpu/alu.h"
#include "cpu/operand.h"
#include "dbt/uops.h"

#define UOP(name) DBT_UOP(name)

static inline void alu_flags(struct cpu *cpu, unsigned op, enum lf_op kind, unsigned size,
                             uint32_t a, uint32_t b, uint32_t r)
{
    if (op == OP_ADC || op == OP_SBB)
        flags_set_lazy(cpu, kind, size, a, b, r);   /* captures the carry in */
    else
        flags_record(cpu, kind, size, a, b, r);
}

static inline void alu_rr(struct cpu *cpu, const struct dbt_uop *u, unsigned op, unsigned size,
                         int live)
{
    uint32_t a = reg_read(cpu, u->r0, size), b = reg_read(cpu, u->r1, size), r;
    enum lf_op kind = alu_compute(cpu, op, a, b, &r);
    if (op != OP_CMP && op != OP_TEST)
        reg_write(cpu, u->r0, size, r);
    if (live)
        alu_flags(cpu, op, kind, size, a, b, r);
}

static inline void alu_ri(struct cpu *cpu, const struct dbt_uop *u, unsigned op, unsigned size,
                         int live)
{
    uint32_t a = reg_read(cpu, u->r0, size), b = u->imm & size_mask(size), r;
    enum lf_op kind = alu_compute(cpu, op, a, b, &r);
    if (op != OP_CMP && op != OP_TEST)
        reg_write(cpu, u->r0, size, r);
    if (live)
        alu_flags(cpu, op, kind, size, a, b, r);
}

/* One function per (form, operation, size, liveness). */
#define ALU_FORMS(OP) \
    UOP(rr_##OP##_1_0) { alu_rr(cpu, u, OP_##OP, 1, 0); DBT_NEXT(cpu, u, d); } \
    UOP(rr_##OP##_1_1) { alu_rr(cpu, u, OP_##OP, 1, 1); DBT_NEXT(cpu, u, d); } \
    UOP(rr_##OP##_2_0) { alu_rr(cpu, u, OP_##OP, 2, 0); DBT_NEXT(cpu, u, d); } \
    UOP(rr_##OP##_2_1) { alu_rr(cpu, u, OP_##OP, 2, 1); DBT_NEXT(cpu, u, d); } \
    UOP(rr_##OP##_4_0) { alu_rr(cpu, u, OP_##OP, 4, 0); DBT_NEXT(cpu, u, d); } \
    UOP(rr_##OP##_4_1) { alu_rr(cpu, u, OP_##OP, 4, 1); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_1_0) { alu_ri(cpu, u, OP_##OP, 1, 0); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_1_1) { alu_ri(cpu, u, OP_##OP, 1, 1); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_2_0) { alu_ri(cpu, u, OP_##OP, 2, 0); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_2_1) { alu_ri(cpu, u, OP_##OP, 2, 1); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_4_0) { alu_ri(cpu, u, OP_##OP, 4, 0); DBT_NEXT(cpu, u, d); } \
    UOP(ri_##OP##_4_1) { alu_ri(cpu, u, OP_##OP, 4, 1); DBT_NEXT(cpu, u, d); }

ALU_FORMS(ADD) ALU_FORMS(OR) ALU_FORMS(ADC) ALU_FORMS(SBB)
ALU_FORMS(AND) ALU_FORMS(SUB) ALU_FORMS(XOR) ALU_FORMS(CMP) ALU_FORMS(TEST)

#define ALU_ROW(OP) { { rr_##OP##_1_0, rr_##OP##_1_1 }, { rr_##OP##_2_0, rr_##OP##_2_1 }, \
                      { rr_##OP##_4_0, rr_##OP##_4_1 } }
#define ALU_ROW_I(OP) { { ri_##OP##_1_0, ri_##OP##_1_1 }, { ri_##OP##_2_0, ri_##OP##_2_1 }, \
                        { ri_##OP##_4_0, ri_##OP##_4_1 } }
/* Indexed [op - OP_ADD][size 1,2,4 → 0,1,2][flags live]; TEST is row 8. */
static const dbt_uop_fn alu_rr_table[9][3][2] = {
    ALU_ROW(ADD), ALU_ROW(OR), ALU_ROW(ADC), ALU_ROW(SBB),
    ALU_ROW(AND), ALU_ROW(SUB), ALU_ROW(XOR), ALU_ROW(CMP), ALU_ROW(TEST) };
static const dbt_uop_fn alu_ri_table[9][3][2] = {
    ALU_ROW_I(ADD), ALU_ROW_I(OR), ALU_ROW_I(ADC), ALU_ROW_I(SBB),
    ALU_ROW_I(AND), ALU_ROW_I(SUB), ALU_ROW_I(XOR), ALU_ROW_I(CMP), ALU_ROW_I(TEST) };

UOP(mov_rr_4) { cpu->regs[u->r0] = cpu->regs[u->r1]; DBT_NEXT(cpu, u, d); }
UOP(mov_rr_2) { reg_write(cpu, u->r0, 2, reg_read(cpu, u->r1, 2)); DBT_NEXT(cpu, u, d); }
UOP(mov_rr_1) { reg_write(cpu, u->r0, 1, reg_read(cpu, u->r1, 1)); DBT_NEXT(cpu, u, d); }
UOP(mov_ri_4) { cpu->regs[u->r0] = u->imm; DBT_NEXT(cpu, u, d); }
UOP(mov_ri_2) { reg_write(cpu, u->r0, 2, u->imm); DBT_NEXT(cpu, u, d); }
UOP(mov_ri_1) { reg_write(cpu, u->r0, 1, u->imm); DBT_NEXT(cpu, u, d); }

UOP(lea_4) { cpu->regs[u->r0] = insn_ea(cpu, &u->in); DBT_NEXT(cpu, u, d); }
UOP(lea_2) { reg_write(cpu, u->r0, 2, insn_ea(cpu, &u->in)); DBT_NEXT(cpu, u, d); }

/* INC/DEC keep CF: when the record they replace is one only flags_cf()
 * can read, the out-of-line form captures it (so the others make no call
 * and need no stack frame). */
UOP(incdec_slow)
{
    unsigned size = u->in.opnd[0].size;
    int dec = u->in.op == OP_DEC;
    uint32_t a = reg_read(cpu, u->r0, size), r = dec ? a - 1 : a + 1;
    reg_write(cpu, u->r0, size, r);
    flags_set_lazy(cpu, dec ? LF_DEC : LF_INC, size, a, 1, r);
    DBT_NEXT(cpu, u, d);
}

#define INCDEC_LIVE(name, dec, size) \
    UOP(name) \
    { \
        int cf; \
        if (!flags_cf_try(cpu, &cf)) \
            DBT_TAIL(incdec_slow, cpu, u, d); \
        uint32_t a = reg_read(cpu, u->r0, size), r = dec ? a - 1 : a + 1; \
        reg_write(cpu, u->r0, size, r); \
        flags_record_incdec(cpu, dec ? LF_DEC : LF_INC, size, a, r, cf); \
        DBT_NEXT(cpu, u, d); \
    }

UOP(inc_4_0) { cpu->regs[u->r0]++; DBT_NEXT(cpu, u, d); }
UOP(dec_4_0) { cpu->regs[u->r0]--; DBT_NEXT(cpu, u, d); }
INCDEC_LIVE(inc_4_1, 0, 4)
INCDEC_LIVE(dec_4_1, 1, 4)
INCDEC_LIVE(inc_2_1, 0, 2)
INCDEC_LIVE(dec_2_1, 1, 2)

/* Shifts of a 32-bit register by an immediate count (masked to 5 bits,
 * non-zero: a zero count is not bound here since it changes nothing and
 * keeps the flags). Flags as cpu/ops_shift.c records them. */
static inline void shift_ri(struct cpu *cpu, const struct dbt_uop *u, enum lf_op kind, int live)
{
    uint32_t v = cpu->regs[u->r0], count = u->imm, r;
    if (kind == LF_SHL)
        r = v << count;
    else if (kind == LF_SHR)
        r = v >> count;
    else
        r = (uint32_t)((int32_t)v >> count);
    cpu->regs[u->r0] = r;
    if (live)
        flags_record(cpu, kind, 4, v, count, r);   /* 32-bit: flags_set_lazy()'s record */
}

UOP(shl_ri_4_0) { shift_ri(cpu, u, LF_SHL, 0); DBT_NEXT(cpu, u, d); }
UOP(shl_ri_4_1) { shift_ri(cpu, u, LF_SHL, 1); DBT_NEXT(cpu, u, d); }
UOP(shr_ri_4_0) { shift_ri(cpu, u, LF_SHR, 0); DBT_NEXT(cpu, u, d); }
UOP(shr_ri_4_1) { shift_ri(cpu, u, LF_SHR, 1); DBT_NEXT(cpu, u, d); }
UOP(sar_ri_4_0) { shift_ri(cpu, u, LF_SAR, 0); DBT_NEXT(cpu, u, d); }
UOP(sar_ri_4_1) { shift_ri(cpu, u, LF_SAR, 1); DBT_NEXT(cpu, u, d); }

/* Shifts of an 8-, 16- or 32-bit register by an immediate (u->imm,
 * masked, non-zero) or by CL (masked at run time: a zero count changes
 * nothing, not even the flags), as cpu/ops_shift.c's op_shift computes
 * and records them (a count below 32 is its own masked value). */
static inline void shift_r(struct cpu *cpu, const struct dbt_uop *u, enum lf_op kind,
                           unsigned size, int by_cl, int live)
{
    uint32_t count = by_cl ? cpu->regs[REG_ECX] & 0x1F : u->imm, v, r;
    if (count == 0)
        return;
    v = reg_read(cpu, u->r0, size);
    if (kind == LF_SHL) {
        r = v << count;
    } else if (kind == LF_SHR) {
        r = v >> count;
    } else {
        unsigned shift = 32 - size * 8;
        r = (uint32_t)(((int32_t)(v << shift) >> shift) >> count);
    }
    reg_write(cpu, u->r0, size, r);
    if (live)
        flags_record(cpu, kind, size, v, count, r);
}

#define SHIFT_FORMS(name, kind) \
    UOP(name##_ri_1_0) { shift_r(cpu, u, kind, 1, 0, 0); DBT_NEXT(cpu, u, d); } \
    UOP(name##_ri_1_1) { shift_r(cpu, u, kind, 1, 0, 1); DBT_NEXT(cpu, u, d); } \
    UOP(name##_ri_2_0) { shift_r(cpu, u, kind, 2, 0, 0); DBT_NEXT(cpu, u, d); } \
    UOP(name##_ri_2_1) { shift_r(cpu, u, kind, 2, 0, 1); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_1_0) { shift_r(cpu, u, kind, 1, 1, 0); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_1_1) { shift_r(cpu, u, kind, 1, 1, 1); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_2_0) { shift_r(cpu, u, kind, 2, 1, 0); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_2_1) { shift_r(cpu, u, kind, 2, 1, 1); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_4_0) { shift_r(cpu, u, kind, 4, 1, 0); DBT_NEXT(cpu, u, d); } \
    UOP(name##_cl_4_1) { shift_r(cpu, u, kind, 4, 1, 1); DBT_NEXT(cpu, u, d); }

SHIFT_FORMS(shl, LF_SHL) SHIFT_FORMS(shr, LF_SHR) SHIFT_FORMS(sar, LF_SAR)

/* [SHL SHR SAR][imm 1, imm 2, CL 1, CL 2, CL 4][flags live] */
static const dbt_uop_fn shift_table[3][5][2] = {
#define SHIFT_ROW(name) { { name##_ri_1_0, name##_ri_1_1 }, { name##_ri_2_0, name##_ri_2_1 }, \
        { name##_cl_1_0, name##_cl_1_1 }, { name##_cl_2_0, name##_cl_2_1 }, \
        { name##_cl_4_0, name##_cl_4_1 } }
    SHIFT_ROW(shl), SHIFT_ROW(shr), SHIFT_ROW(sar)
#undef SHIFT_ROW
};

/* CMOVcc r32, r32 (op_cmov: the condition from the flags, the source
 * always read) and NOP. */
UOP(cmov_rr_4)
{
    uint32_t v = cpu->regs[u->r1];
    if (flags_cond_fast(cpu, u->in.cond))
        cpu->regs[u->r0] = v;
    DBT_NEXT(cpu, u, d);
}
UOP(nop) { DBT_NEXT(cpu, u, d); }

static inline void neg_r(struct cpu *cpu, const struct dbt_uop *u, int live)
{
    uint32_t a = cpu->regs[u->r0], r = 0 - a;
    cpu->regs[u->r0] = r;
    if (live)
        flags_record(cpu, LF_SUB, 4, 0, a, r);   /* as op_neg: 0 - a */
}

UOP(neg_4_0) { neg_r(cpu, u, 0); DBT_NEXT(cpu, u, d); }
UOP(neg_4_1) { neg_r(cpu, u, 1); DBT_NEXT(cpu, u, d); }

UOP(not_4) { cpu->regs[u->r0] = ~cpu->regs[u->r0]; DBT_NEXT(cpu, u, d); }

UOP(xchg_4)
{
    uint32_t t = cpu->regs[u->r0];
    cpu->regs[u->r0] = cpu->regs[u->r1];
    cpu->regs[u->r1] = t;
    DBT_NEXT(cpu, u, d);
}

UOP(movzx_b_4) { cpu->regs[u->r0] = reg_read(cpu, u->r1, 1); DBT_NEXT(cpu, u, d); }
UOP(movzx_w_4) { cpu->regs[u->r0] = cpu->regs[u->r1] & 0xFFFF; DBT_NEXT(cpu, u, d); }
UOP(movsx_b_4) { cpu->regs[u->r0] = (uint32_t)(int32_t)(int8_t)reg_read(cpu, u->r1, 1); DBT_NEXT(cpu, u, d); }
/* IMUL r32, r32 and IMUL r32, r32, imm (cpu/alu.h's alu_imul). */
UOP(imul_rr_4_0) { cpu->regs[u->r0] = alu_imul(cpu, cpu->regs[u->r0], cpu->regs[u->r1], 4, 0); DBT_NEXT(cpu, u, d); }
UOP(imul_rr_4_1) { cpu->regs[u->r0] = alu_imul(cpu, cpu->regs[u->r0], cpu->regs[u->r1], 4, 1); DBT_NEXT(cpu, u, d); }
UOP(imul_rri_4_0) { cpu->regs[u->r0] = alu_imul(cpu, cpu->regs[u->r1], u->imm, 4, 0); DBT_NEXT(cpu, u, d); }
UOP(imul_rri_4_1) { cpu->regs[u->r0] = alu_imul(cpu, cpu->regs[u->r1], u->imm, 4, 1); DBT_NEXT(cpu, u, d); }
UOP(movsx_w_4) { cpu->regs[u->r0] = (uint32_t)(int32_t)(int16_t)cpu->regs[u->r1]; DBT_NEXT(cpu, u, d); }

static unsigned size_index(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

dbt_uop_fn dbt_reg_form(const struct insn *in, int live, struct dbt_uop *u)
{
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    unsigned size = o0->size;
    if (in->lock)
        return NULL;
    u->r0 = o0->reg;
    u->r1 = o1->reg;
    u->imm = in->imm;

    switch (in->op) {
    case OP_ADD: case OP_OR: case OP_ADC: case OP_SBB:
    case OP_AND: case OP_SUB: case OP_XOR: case OP_CMP: case OP_TEST: {
        unsigned row = in->op == OP_TEST ? 8 : (unsigned)(in->op - OP_ADD);
        if (o0->kind != OPK_REG || in->nopnd != 2)
            return NULL;
        if (o1->kind == OPK_REG)
            return alu_rr_table[row][size_index(size)][live ? 1 : 0];
        if (o1->kind == OPK_IMM)
            return alu_ri_table[row][size_index(size)][live ? 1 : 0];
        return NULL;
    }
    case OP_MOV:
        if (o0->kind != OPK_REG)
            return NULL;
        if (o1->kind == OPK_REG)
            return size == 4 ? mov_rr_4 : size == 2 ? mov_rr_2 : mov_rr_1;
        if (o1->kind == OPK_IMM)
            return size == 4 ? mov_ri_4 : size == 2 ? mov_ri_2 : mov_ri_1;
        return NULL;
    case OP_LEA:
        return size == 4 ? lea_4 : lea_2;
    case OP_INC: case OP_DEC:
        if (o0->kind != OPK_REG || size == 1)
            return NULL;
        if (size == 2)
            return in->op == OP_INC ? inc_2_1 : dec_2_1;
        if (in->op == OP_INC)
            return live ? inc_4_1 : inc_4_0;
        return live ? dec_4_1 : dec_4_0;
    case OP_NOT:
        return o0->kind == OPK_REG && size == 4 ? not_4 : NULL;
    case OP_NEG:
        if (o0->kind != OPK_REG || size != 4)
            return NULL;
        return live ? neg_4_1 : neg_4_0;
    case OP_SHL: case OP_SAL: case OP_SHR: case OP_SAR: {
        unsigned row = in->op == OP_SHR ? 1 : in->op == OP_SAR ? 2 : 0;
        if (o0->kind != OPK_REG || in->nopnd != 2)
            return NULL;
        if (o1->kind == OPK_REG && o1->reg == REG_ECX && o1->size == 1)   /* by CL */
            return shift_table[row][size == 1 ? 2 : size == 2 ? 3 : 4][live ? 1 : 0];
        if (o1->kind != OPK_IMM && o1->kind != OPK_CONST1)
            return NULL;
        u->imm = (o1->kind == OPK_CONST1 ? 1 : in->imm) & 0x1F;
        if (u->imm == 0)
            return NULL;
        if (size != 4)
            return shift_table[row][size == 1 ? 0 : 1][live ? 1 : 0];
        if (in->op == OP_SHR)
            return live ? shr_ri_4_1 : shr_ri_4_0;
        if (in->op == OP_SAR)
            return live ? sar_ri_4_1 : sar_ri_4_0;
        return live ? shl_ri_4_1 : shl_ri_4_0;
    }
    case OP_CMOV:
        return o0->kind == OPK_REG && o1->kind == OPK_REG && size == 4 ? cmov_rr_4 : NULL;
    case OP_NOP:   /* not PAUSE (F3 90): it calls cpu_io.pause, the full handler's */
        return in->rep == REP_E && in->nopnd == 0 ? NULL : nop;
    case OP_XCHG:
        return o0->kind == OPK_REG && o1->kind == OPK_REG && size == 4 ? xchg_4 : NULL;
    case OP_IMUL:   /* 0F AF and 69/6B with a register source */
        if (o0->kind != OPK_REG || o1->kind != OPK_REG || size != 4)
            return NULL;
        if (in->nopnd == 2)
            return live ? imul_rr_4_1 : imul_rr_4_0;
        if (in->nopnd == 3 && in->opnd[2].kind == OPK_IMM)
            return live ? imul_rri_4_1 : imul_rri_4_0;
        return NULL;
    case OP_MOVZX: case OP_MOVSX:
        if (o0->kind != OPK_REG || o1->kind != OPK_REG || size != 4)
            return NULL;
        if (in->op == OP_MOVZX)
            return o1->size == 1 ? movzx_b_4 : movzx_w_4;
        return o1->size == 1 ? movsx_b_4 : movsx_w_4;
    default:
        return NULL;
    }
}
