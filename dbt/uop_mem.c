/* Memory forms of the most frequent instructions: MOV between a register
 * and memory, PUSH/POP of a register, direct CALL and RET. They may fault,
 * so they record the instruction start (EIP, ESP) and the exact count
 * first; the accesses themselves are cpu/'s (cpu_read, cpu_write,
 * stack_push, stack_pop), limit checks and paging included. */
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

UOP(load_4)
{
    mem_enter(cpu, u, d);
    cpu->regs[u->r0] = cpu_read_fast(cpu, u->in.seg, insn_ea(cpu, &u->in), 4);
    DBT_NEXT(cpu, u, d);
}

UOP(store_r_4)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    cpu_write_fast(cpu, u->in.seg, insn_ea(cpu, &u->in), 4, cpu->regs[u->r1]);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(store_i_4)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    cpu_write_fast(cpu, u->in.seg, insn_ea(cpu, &u->in), 4, u->imm);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(push_r_4)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    stack_push(cpu, 4, cpu->regs[u->r0]);   /* PUSH ESP: the value before */
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(pop_r_4)
{
    mem_enter(cpu, u, d);
    uint32_t v = stack_pop(cpu, 4);
    cpu->regs[u->r0] = v;                    /* POP ESP: the popped value wins */
    DBT_NEXT(cpu, u, d);
}

/* CALL rel32 whose target was checked against the CS limit at translation. */
UOP(call_rel_4)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    stack_push(cpu, 4, u->next_eip);
    cpu->eip = u->imm;
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

UOP(ret_4)
{
    mem_enter(cpu, u, d);
    uint32_t target = stack_pop(cpu, 4);
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->eip = target;
    DBT_NEXT(cpu, u, d);
}

/* Two-operand ALU with one memory operand (32-bit): the result and flag
 * record of cpu/alu.h, the store first so a faulting write leaves the
 * flags alone (as op_alu does). The flags are always recorded: a memory
 * access can fault, so the flags before it count as live anyway. */
static inline const struct dbt_uop *alu_mem(struct cpu *cpu, const struct dbt_uop *u,
                                            struct dbt *d, int reg_dest)
{
    uint32_t gen = d->code_gen;
    mem_enter(cpu, u, d);
    uint32_t ea = insn_ea(cpu, &u->in), a, b, r;
    unsigned op = u->in.op;
    if (reg_dest) {
        a = cpu->regs[u->r0];
        b = cpu_read_fast(cpu, u->in.seg, ea, 4);
    } else {
        a = cpu_read_fast(cpu, u->in.seg, ea, 4);
        b = u->in.opnd[1].kind == OPK_IMM ? u->imm : cpu->regs[u->r1];
    }
    enum lf_op kind = alu_compute(cpu, op, a, b, &r);
    if (op != OP_CMP && op != OP_TEST) {
        if (reg_dest)
            cpu->regs[u->r0] = r;
        else
            cpu_write_fast(cpu, u->in.seg, ea, 4, r);
    }
    if (op == OP_ADC || op == OP_SBB)
        flags_set_lazy(cpu, kind, 4, a, b, r);
    else
        flags_record(cpu, kind, 4, a, b, r);
    return d->code_gen != gen ? NULL : u;
}

UOP(alu_rm_4)
{
    if (!alu_mem(cpu, u, d, 1))
        DBT_STOP(u, d);
    DBT_NEXT(cpu, u, d);
}

UOP(alu_mr_4)
{
    if (!alu_mem(cpu, u, d, 0))
        DBT_STOP(u, d);
    DBT_NEXT(cpu, u, d);
}

dbt_uop_fn dbt_mem_form(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit)
{
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    if (in->lock || in->opsize != 4)
        return NULL;
    u->r0 = o0->reg;
    u->r1 = o1->reg;
    u->imm = in->imm;
    switch (in->op) {
    case OP_MOV:
        if (o0->size != 4)
            return NULL;
        if (o0->kind == OPK_REG && o1->kind == OPK_MEM)
            return load_4;
        if (o0->kind == OPK_MEM && o1->kind == OPK_REG)
            return store_r_4;
        if (o0->kind == OPK_MEM && o1->kind == OPK_IMM)
            return store_i_4;
        return NULL;
    case OP_PUSH:
        return o0->kind == OPK_REG ? push_r_4 : NULL;
    case OP_POP:
        return o0->kind == OPK_REG ? pop_r_4 : NULL;
    case OP_CALL: {
        if (o0->kind != OPK_REL)
            return NULL;
        uint32_t target = u->next_eip + in->imm;
        if (target > cs_limit)
            return NULL;
        u->imm = target;
        return call_rel_4;
    }
    case OP_RET:
        return in->nopnd == 0 ? ret_4 : NULL;
    case OP_ADD: case OP_OR: case OP_ADC: case OP_SBB:
    case OP_AND: case OP_SUB: case OP_XOR: case OP_CMP: case OP_TEST:
        if (o0->size != 4 || in->nopnd != 2)
            return NULL;
        if (o0->kind == OPK_REG && o1->kind == OPK_MEM)
            return alu_rm_4;
        if (o0->kind == OPK_MEM && (o1->kind == OPK_REG || o1->kind == OPK_IMM))
            return alu_mr_4;
        return NULL;
    default:
        return NULL;
    }
}
