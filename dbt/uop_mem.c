/* Memory forms of the most frequent instructions: MOV between a register
 * and memory, PUSH/POP of a register, direct CALL and RET. They may fault,
 * so they record the instruction start (EIP, ESP) and the exact count
 * first; the accesses themselves are cpu/'s (cpu_read, cpu_write,
 * stack_push, stack_pop), limit checks and paging included. */
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
    default:
        return NULL;
    }
}
