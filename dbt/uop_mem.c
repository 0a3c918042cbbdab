/* Memory forms of the most frequent instructions: MOV between a register
 * (or an immediate) and memory of 1, 2 or 4 bytes, MOVZX/MOVSX from
 * memory, the two-operand ALU group with one memory operand, PUSH/POP of a
 * 32-bit register, direct CALL and RET.
 *
 * Each form has two halves:
 * - the fast half handles the case that needs no decision: no access hook
 *   (d->mem_hooks_off), the segment check passes and the softtlb hits
 *   (cpu/mem_fast.h's hit path; a write hit is plain RAM with no watch,
 *   so it cannot hit translated code). It cannot fault and touches no
 *   device, so it skips all bookkeeping, like a register form: EIP and the
 *   instruction count are brought up to date later (dbt/block.h). It
 *   commits nothing until every access has hit.
 * - otherwise it hands over, untouched, to the slow half: the exact
 *   sequence of the interpreter's handler, through cpu_read/cpu_write
 *   (limit checks, paging, faults, devices), after recording the
 *   instruction start (EIP, ESP) and the exact count for a fault.
 * The results and flag records are cpu/alu.h's, as in the interpreter. */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/mem_fast.h"
#include "cpu/operand.h"
#include "cpu/stack.h"
#include "dbt/uops.h"

#define UOP(name) DBT_UOP(name)

static inline void mem_enter(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    cpu->icount = d->icount0 + u->idx;
    cpu->insn_eip = u->eip;
    cpu->insn_esp = cpu->regs[REG_ESP];
    cpu->eip = u->next_eip;
}

/* The fast half's access: 1 with the host pointer in *p when the segment
 * check passes (nothing to check for a flat segment, d->flat_rd/flat_wr)
 * and the softtlb hits; 0, having changed nothing, otherwise. */
static inline __attribute__((always_inline)) int rd_hit(struct cpu *cpu, struct dbt *d, int seg,
                                                       uint32_t off, unsigned size,
                                                       const uint8_t **p)
{
    uint32_t lin;
    if ((d->flat_rd >> seg) & 1)
        lin = off;
    else if (d->mem_hooks_off && mem_fast_seg_ok(&cpu->seg[seg], off, size, 0))
        lin = cpu->seg[seg].base + off;
    else
        return 0;
    return mem_fast_tlb_read(cpu, lin, size, d->tlb_priv, p);
}

static inline __attribute__((always_inline)) int wr_hit(struct cpu *cpu, struct dbt *d, int seg,
                                                       uint32_t off, unsigned size, uint8_t **p)
{
    uint32_t lin;
    if ((d->flat_wr >> seg) & 1)
        lin = off;
    else if (d->mem_hooks_off && mem_fast_seg_ok(&cpu->seg[seg], off, size, 1))
        lin = cpu->seg[seg].base + off;
    else
        return 0;
    return mem_fast_tlb_write(cpu, lin, size, d->tlb_priv, p);
}

/* Effective addresses: the general recipe, and the most common one bound
 * apart (the `_bd` forms: 32-bit addressing, base register and
 * displacement, no index). */
#define EA_GEN insn_ea(cpu, &u->in)
#define EA_BD (cpu->regs[u->in.ea_base] + (uint32_t)u->in.disp)

static int ea_is_bd(const struct insn *in)
{
    return in->addrsize == 4 && in->ea_base != EA_NONE && in->ea_index == EA_NONE;
}

static inline uint32_t sext(uint32_t v, unsigned size)
{
    return size == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
}

/* ---- MOV r, m / MOVZX / MOVSX: the slow half ---------------------------- */

/* u->imm: the access size; u->r1: 0 plain (MOV, destination of the same
 * size), 1 zero-extend, 2 sign-extend into the 32-bit u->r0. */
UOP(load_slow)
{
    mem_enter(cpu, u, d);
    unsigned size = u->imm;
    uint32_t v = cpu_read(cpu, u->in.seg, insn_ea(cpu, &u->in), size);
    if (u->r1 == 0)
        reg_write(cpu, u->r0, size, v);
    else
        cpu->regs[u->r0] = u->r1 == 2 ? sext(v, size) : v;
    /* A read can have effects too (a local APIC register that does not
     * exist raises the error interrupt): stop where the interpreter does. */
    if (cpu->stop_requested)
        DBT_STOP(u, d);
    DBT_NEXT(cpu, u, d);
}

#define LOAD_FORM_EA(name, size, EXPR, EA) \
    UOP(name) \
    { \
        const uint8_t *p; \
        if (!rd_hit(cpu, d, u->in.seg, EA, size, &p)) \
            DBT_TAIL(load_slow, cpu, u, d); \
        uint32_t v = mem_fast_get(p, size); \
        EXPR; \
        DBT_NEXT(cpu, u, d); \
    }
#define LOAD_FORM(name, size, EXPR) \
    LOAD_FORM_EA(name, size, EXPR, EA_GEN) LOAD_FORM_EA(name##_bd, size, EXPR, EA_BD)

LOAD_FORM(load_4, 4, cpu->regs[u->r0] = v)
LOAD_FORM(load_2, 2, reg_write(cpu, u->r0, 2, v))
LOAD_FORM(load_1, 1, reg_write(cpu, u->r0, 1, v))
LOAD_FORM(loadzx_1, 1, cpu->regs[u->r0] = v)
LOAD_FORM(loadzx_2, 2, cpu->regs[u->r0] = v)
LOAD_FORM(loadsx_1, 1, cpu->regs[u->r0] = sext(v, 1))
LOAD_FORM(loadsx_2, 2, cpu->regs[u->r0] = sext(v, 2))

/* ---- MOV m, r / MOV m, imm ---------------------------------------------- */

/* u->r0: the access size; u->r1 the source register, or 0xFF for u->imm. */
UOP(store_slow)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    unsigned size = u->r0;
    uint32_t v = u->r1 == 0xFF ? u->imm : reg_read(cpu, u->r1, size);
    cpu_write(cpu, u->in.seg, insn_ea(cpu, &u->in), size, v);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

#define STORE_FORM_EA(name, size, VAL, EA) \
    UOP(name) \
    { \
        uint8_t *p; \
        if (!wr_hit(cpu, d, u->in.seg, EA, size, &p)) \
            DBT_TAIL(store_slow, cpu, u, d); \
        mem_fast_put(p, size, VAL); \
        DBT_NEXT(cpu, u, d); \
    }
#define STORE_FORM(name, size, VAL) \
    STORE_FORM_EA(name, size, VAL, EA_GEN) STORE_FORM_EA(name##_bd, size, VAL, EA_BD)

STORE_FORM(store_r_4, 4, cpu->regs[u->r1])
STORE_FORM(store_r_2, 2, cpu->regs[u->r1])
STORE_FORM(store_r_1, 1, reg_read(cpu, u->r1, 1))
STORE_FORM(store_i_4, 4, u->imm)
STORE_FORM(store_i_2, 2, u->imm)
STORE_FORM(store_i_1, 1, u->imm)

/* ---- PUSH r32, POP r32, CALL rel32, RET (32-bit stack) ----------------- */

UOP(push_slow)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    stack_push(cpu, 4, cpu->regs[u->r0]);   /* PUSH ESP: the value before */
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(pop_slow)
{
    mem_enter(cpu, u, d);
    uint32_t v = stack_pop(cpu, 4);
    cpu->regs[u->r0] = v;                    /* POP ESP: the popped value wins */
    DBT_NEXT(cpu, u, d);
}

UOP(call_slow)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    stack_push(cpu, 4, u->next_eip);
    cpu->eip = u->imm;
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(ret_slow)
{
    mem_enter(cpu, u, d);
    uint32_t target = stack_pop(cpu, 4);
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->eip = target;
    DBT_NEXT(cpu, u, d);
}

/* The fast halves need a 32-bit stack (SS.B): ESP is the whole pointer. */
static inline int push_hit(struct cpu *cpu, struct dbt *d, uint32_t *sp, uint8_t **p)
{
    if (!(cpu->seg[SEG_SS].attr & SEG_ATTR_DB))
        return 0;
    *sp = cpu->regs[REG_ESP] - 4;
    return wr_hit(cpu, d, SEG_SS, *sp, 4, p);
}

static inline int pop_hit(struct cpu *cpu, struct dbt *d, const uint8_t **p)
{
    if (!(cpu->seg[SEG_SS].attr & SEG_ATTR_DB))
        return 0;
    return rd_hit(cpu, d, SEG_SS, cpu->regs[REG_ESP], 4, p);
}

UOP(push_r_4)
{
    uint32_t sp;
    uint8_t *p;
    if (!push_hit(cpu, d, &sp, &p))
        DBT_TAIL(push_slow, cpu, u, d);
    mem_fast_put(p, 4, cpu->regs[u->r0]);
    cpu->regs[REG_ESP] = sp;
    DBT_NEXT(cpu, u, d);
}

UOP(pop_r_4)
{
    const uint8_t *p;
    if (!pop_hit(cpu, d, &p))
        DBT_TAIL(pop_slow, cpu, u, d);
    uint32_t v = mem_fast_get(p, 4);
    cpu->regs[REG_ESP] += 4;
    cpu->regs[u->r0] = v;
    DBT_NEXT(cpu, u, d);
}

/* CALL rel32 whose target was checked against the CS limit at translation. */
UOP(call_rel_4)
{
    uint32_t sp;
    uint8_t *p;
    if (!push_hit(cpu, d, &sp, &p))
        DBT_TAIL(call_slow, cpu, u, d);
    mem_fast_put(p, 4, u->next_eip);
    cpu->regs[REG_ESP] = sp;
    cpu->eip = u->imm;
    DBT_NEXT(cpu, u, d);
}

UOP(ret_4)
{
    const uint8_t *p;
    uint32_t target;
    if (!pop_hit(cpu, d, &p) || (target = mem_fast_get(p, 4)) > cpu->seg[SEG_CS].limit)
        DBT_TAIL(ret_slow, cpu, u, d);   /* it raises the #GP */
    cpu->regs[REG_ESP] += 4;
    cpu->eip = target;
    DBT_NEXT(cpu, u, d);
}

/* ---- ALU with one memory operand --------------------------------------- */

static inline void alu_flags_mem(struct cpu *cpu, unsigned op, enum lf_op kind, unsigned size,
                                 uint32_t a, uint32_t b, uint32_t r)
{
    if (op == OP_ADC || op == OP_SBB)
        flags_set_lazy(cpu, kind, size, a, b, r);   /* captures the carry in */
    else
        flags_record(cpu, kind, size, a, b, r);
}

/* The slow half of every shape, as op_alu runs it: the store first so a
 * faulting write leaves the flags alone. The flags are always recorded: a
 * memory access can fault, so the flags before it count as live anyway.
 * u->in: the operation; operand 0 decides the shape. */
UOP(alu_mem_slow)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    const struct insn *in = &u->in;
    unsigned op = in->op, size = in->opnd[0].size;
    int reg_dest = in->opnd[0].kind == OPK_REG;
    uint32_t ea = insn_ea(cpu, in), a, b, r;
    if (reg_dest) {
        a = reg_read(cpu, u->r0, size);
        b = cpu_read(cpu, in->seg, ea, size);
    } else {
        a = cpu_read(cpu, in->seg, ea, size);
        b = in->opnd[1].kind == OPK_IMM ? u->imm & size_mask(size) : reg_read(cpu, u->r1, size);
    }
    enum lf_op kind = alu_compute(cpu, op, a, b, &r);
    if (op != OP_CMP && op != OP_TEST) {
        if (reg_dest)
            reg_write(cpu, u->r0, size, r);
        else
            cpu_write(cpu, in->seg, ea, size, r);
    }
    alu_flags_mem(cpu, op, kind, size, a, b, r);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

enum alu_shape { SHAPE_RM, SHAPE_MR, SHAPE_MI };

/* The fast half: 1 when done, 0 (nothing changed) for the slow half.
 * Always inlined: each form's operation, size and shape must fold. */
static inline __attribute__((always_inline)) int alu_mem_fast(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d,
                               uint32_t ea, unsigned op, unsigned size, enum alu_shape shape)
{
    uint32_t a, b, r;
    int writes = shape != SHAPE_RM && op != OP_CMP && op != OP_TEST;
    const uint8_t *rp;
    uint8_t *wp = NULL;
    if (!rd_hit(cpu, d, u->in.seg, ea, size, &rp))
        return 0;
    if (writes && !wr_hit(cpu, d, u->in.seg, ea, size, &wp)) {
        cpu->tlb.stats.hit[SOFTTLB_READ]--;   /* the slow half reads (and counts) again */
        return 0;
    }
    if (shape == SHAPE_RM) {
        a = reg_read(cpu, u->r0, size);
        b = mem_fast_get(rp, size);
    } else {
        a = mem_fast_get(rp, size);
        b = shape == SHAPE_MI ? u->imm & size_mask(size) : reg_read(cpu, u->r1, size);
    }
    enum lf_op kind = alu_compute(cpu, op, a, b, &r);
    if (op != OP_CMP && op != OP_TEST) {
        if (shape == SHAPE_RM)
            reg_write(cpu, u->r0, size, r);
        else
            mem_fast_put(wp, size, r);
    }
    alu_flags_mem(cpu, op, kind, size, a, b, r);
    return 1;
}

#define ALU_MEM_1(OP, SH, S, EA, SUFFIX) \
    UOP(alu_##SH##_##OP##_##S##SUFFIX) \
    { \
        if (!alu_mem_fast(cpu, u, d, EA, OP_##OP, S, SHAPE_##SH)) \
            DBT_TAIL(alu_mem_slow, cpu, u, d); \
        DBT_NEXT(cpu, u, d); \
    }
#define ALU_MEM_SIZES(OP, SH) \
    ALU_MEM_1(OP, SH, 1, EA_GEN, ) ALU_MEM_1(OP, SH, 2, EA_GEN, ) ALU_MEM_1(OP, SH, 4, EA_GEN, ) \
    ALU_MEM_1(OP, SH, 1, EA_BD, _bd) ALU_MEM_1(OP, SH, 2, EA_BD, _bd) ALU_MEM_1(OP, SH, 4, EA_BD, _bd)
#define ALU_MEM_OP(OP) ALU_MEM_SIZES(OP, RM) ALU_MEM_SIZES(OP, MR) ALU_MEM_SIZES(OP, MI)

ALU_MEM_OP(ADD) ALU_MEM_OP(OR) ALU_MEM_OP(ADC) ALU_MEM_OP(SBB)
ALU_MEM_OP(AND) ALU_MEM_OP(SUB) ALU_MEM_OP(XOR) ALU_MEM_OP(CMP) ALU_MEM_OP(TEST)

#define ALU_MEM_SH(OP, SH) \
    { { alu_##SH##_##OP##_1, alu_##SH##_##OP##_1_bd }, { alu_##SH##_##OP##_2, alu_##SH##_##OP##_2_bd }, \
      { alu_##SH##_##OP##_4, alu_##SH##_##OP##_4_bd } }
#define ALU_MEM_ROW(OP) { ALU_MEM_SH(OP, RM), ALU_MEM_SH(OP, MR), ALU_MEM_SH(OP, MI) }
/* Indexed [op - OP_ADD (TEST: 8)][shape][size 1,2,4 → 0,1,2][base+disp]. */
static const dbt_uop_fn alu_mem_table[9][3][3][2] = {
    ALU_MEM_ROW(ADD), ALU_MEM_ROW(OR), ALU_MEM_ROW(ADC), ALU_MEM_ROW(SBB),
    ALU_MEM_ROW(AND), ALU_MEM_ROW(SUB), ALU_MEM_ROW(XOR), ALU_MEM_ROW(CMP), ALU_MEM_ROW(TEST) };

/* ---- INC/DEC of a memory operand ---------------------------------------- */

/* The slow half, as op_inc/op_dec run it: read, write, then the record
 * (flags_set_lazy keeps CF in cin). */
UOP(incdec_mem_slow)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    const struct insn *in = &u->in;
    unsigned size = in->opnd[0].size;
    int dec = in->op == OP_DEC;
    uint32_t ea = insn_ea(cpu, in);
    uint32_t a = cpu_read(cpu, in->seg, ea, size), r = dec ? a - 1 : a + 1;
    cpu_write(cpu, in->seg, ea, size, r);
    flags_set_lazy(cpu, dec ? LF_DEC : LF_INC, size, a, 1, r);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

/* The fast half: both hits and a CF the record tells (flags_cf_try), or
 * nothing changed and the slow half. */
static inline __attribute__((always_inline)) int incdec_mem_fast(struct cpu *cpu,
        const struct dbt_uop *u, struct dbt *d, uint32_t ea, unsigned size, int dec)
{
    const uint8_t *rp;
    uint8_t *wp;
    int cf;
    /* CF first: a hit is counted when found, and a slow half after it
     * would count the access again. */
    if (!flags_cf_try(cpu, &cf) || !rd_hit(cpu, d, u->in.seg, ea, size, &rp))
        return 0;
    if (!wr_hit(cpu, d, u->in.seg, ea, size, &wp)) {
        cpu->tlb.stats.hit[SOFTTLB_READ]--;   /* the slow half reads (and counts) again */
        return 0;
    }
    uint32_t a = mem_fast_get(rp, size), r = dec ? a - 1 : a + 1;
    mem_fast_put(wp, size, r);
    flags_record_incdec(cpu, dec ? LF_DEC : LF_INC, size, a, r, cf);
    return 1;
}

#define INCDEC_MEM_1(name, DEC, S, EA) \
    UOP(name) \
    { \
        if (!incdec_mem_fast(cpu, u, d, EA, S, DEC)) \
            DBT_TAIL(incdec_mem_slow, cpu, u, d); \
        DBT_NEXT(cpu, u, d); \
    }
#define INCDEC_MEM(name, DEC) \
    INCDEC_MEM_1(name##_1, DEC, 1, EA_GEN) INCDEC_MEM_1(name##_1_bd, DEC, 1, EA_BD) \
    INCDEC_MEM_1(name##_2, DEC, 2, EA_GEN) INCDEC_MEM_1(name##_2_bd, DEC, 2, EA_BD) \
    INCDEC_MEM_1(name##_4, DEC, 4, EA_GEN) INCDEC_MEM_1(name##_4_bd, DEC, 4, EA_BD)

INCDEC_MEM(inc_mem, 0) INCDEC_MEM(dec_mem, 1)

/* Indexed [dec][size 1,2,4 → 0,1,2][base+disp]. */
static const dbt_uop_fn incdec_mem_table[2][3][2] = {
    { { inc_mem_1, inc_mem_1_bd }, { inc_mem_2, inc_mem_2_bd }, { inc_mem_4, inc_mem_4_bd } },
    { { dec_mem_1, dec_mem_1_bd }, { dec_mem_2, dec_mem_2_bd }, { dec_mem_4, dec_mem_4_bd } } };

/* ---- binding ----------------------------------------------------------- */

static unsigned size_index(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

static int sized(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

dbt_uop_fn dbt_mem_form(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit)
{
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    int bd = ea_is_bd(in);
    if (in->lock)
        return NULL;
    u->r0 = o0->reg;
    u->r1 = o1->reg;
    u->imm = in->imm;
    /* The forms that do not branch (all but CALL and RET) leave EIP to the
     * block's end, like register forms; their slow halves set it, which is
     * the same value. */
    switch (in->op) {
    case OP_MOV:
        if (!sized(o0->size) || in->nopnd != 2)
            return NULL;
        u->sets_eip = 0;
        if (o0->kind == OPK_REG && o1->kind == OPK_MEM) {
            u->imm = o0->size;
            u->r1 = 0;
            if (o0->size == 4)
                return bd ? load_4_bd : load_4;
            return o0->size == 2 ? (bd ? load_2_bd : load_2) : (bd ? load_1_bd : load_1);
        }
        if (o0->kind == OPK_MEM && (o1->kind == OPK_REG || o1->kind == OPK_IMM)) {
            u->r0 = (uint8_t)o0->size;
            if (o1->kind == OPK_IMM) {
                u->r1 = 0xFF;
                if (o0->size == 4)
                    return bd ? store_i_4_bd : store_i_4;
                if (o0->size == 2)
                    return bd ? store_i_2_bd : store_i_2;
                return bd ? store_i_1_bd : store_i_1;
            }
            if (o0->size == 4)
                return bd ? store_r_4_bd : store_r_4;
            if (o0->size == 2)
                return bd ? store_r_2_bd : store_r_2;
            return bd ? store_r_1_bd : store_r_1;
        }
        u->sets_eip = 1;
        return NULL;
    case OP_MOVZX: case OP_MOVSX:
        if (o0->kind != OPK_REG || o0->size != 4 || o1->kind != OPK_MEM ||
            (o1->size != 1 && o1->size != 2))
            return NULL;
        u->sets_eip = 0;
        u->imm = o1->size;
        u->r1 = in->op == OP_MOVZX ? 1 : 2;
        if (in->op == OP_MOVZX)
            return o1->size == 1 ? (bd ? loadzx_1_bd : loadzx_1) : (bd ? loadzx_2_bd : loadzx_2);
        return o1->size == 1 ? (bd ? loadsx_1_bd : loadsx_1) : (bd ? loadsx_2_bd : loadsx_2);
    case OP_PUSH: case OP_POP:
        if (in->opsize != 4 || o0->kind != OPK_REG)
            return NULL;
        u->sets_eip = 0;
        return in->op == OP_PUSH ? push_r_4 : pop_r_4;
    case OP_CALL: {
        if (in->opsize != 4 || o0->kind != OPK_REL)
            return NULL;
        uint32_t target = u->next_eip + in->imm;
        if (target > cs_limit)
            return NULL;
        u->imm = target;
        return call_rel_4;
    }
    case OP_RET:
        return in->opsize == 4 && in->nopnd == 0 ? ret_4 : NULL;
    case OP_ADD: case OP_OR: case OP_ADC: case OP_SBB:
    case OP_AND: case OP_SUB: case OP_XOR: case OP_CMP: case OP_TEST: {
        unsigned row = in->op == OP_TEST ? 8 : (unsigned)(in->op - OP_ADD);
        enum alu_shape shape;
        if (!sized(o0->size) || in->nopnd != 2 ||
            (o1->kind != OPK_IMM && o1->size != o0->size))
            return NULL;
        if (o0->kind == OPK_REG && o1->kind == OPK_MEM)
            shape = SHAPE_RM;
        else if (o0->kind == OPK_MEM && o1->kind == OPK_REG)
            shape = SHAPE_MR;
        else if (o0->kind == OPK_MEM && o1->kind == OPK_IMM)
            shape = SHAPE_MI;
        else
            return NULL;
        u->sets_eip = 0;
        return alu_mem_table[row][shape][size_index(o0->size)][bd];
    }
    case OP_INC: case OP_DEC:
        if (!sized(o0->size) || o0->kind != OPK_MEM)
            return NULL;
        u->sets_eip = 0;
        return incdec_mem_table[in->op == OP_DEC][size_index(o0->size)][bd];
    default:
        return NULL;
    }
}
