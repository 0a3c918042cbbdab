/* Direct branches whose target lies within the CS limit the block was
 * translated for (part of its key): the limit check is done once, here,
 * at translation; the flag test is cpu/'s. */
#include "cpu/alu.h"
#include "cpu/operand.h"
#include "dbt/uops.h"

DBT_UOP(uop_jmp)
{
    cpu->eip = u->imm;
    DBT_NEXT(cpu, u, d);
}

DBT_UOP(uop_jcc)
{
    cpu->eip = flags_cond_fast(cpu, u->in.cond) ? u->imm : u->next_eip;
    DBT_NEXT(cpu, u, d);
}

dbt_uop_fn dbt_branch_form(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit)
{
    if ((in->op != OP_JMP && in->op != OP_JCC) || in->opnd[0].kind != OPK_REL)
        return NULL;
    uint32_t target = u->next_eip + in->imm;
    if (in->opsize == 2)
        target &= 0xFFFF;
    if (target > cs_limit)
        return NULL;   /* the full form raises the #GP */
    u->imm = target;
    u->sets_eip = 1;
    return in->op == OP_JMP ? uop_jmp : uop_jcc;
}

/* CMP or TEST fused with the Jcc after it: the comparison's flag record
 * (live: the block's successor may read it) and the branch decision from
 * that record in one micro-op, with one dispatch instead of two. The
 * condition is evaluated by cpu/'s flags_cond_fast on the record just
 * written, so the compiler can fold it into a direct compare. */
static inline const struct dbt_uop *fused(struct cpu *cpu, const struct dbt_uop *u,
                                          enum lf_op kind, uint32_t a, uint32_t b)
{
    const struct dbt_uop *j = u + 1;
    flags_record(cpu, kind, 4, a, b, kind == LF_SUB ? a - b : a & b);
    cpu->eip = flags_cond_fast(cpu, j->in.cond) ? j->imm : j->next_eip;
    return j;
}

DBT_UOP(fused_cmp_rr_jcc)
{
    u = fused(cpu, u, LF_SUB, cpu->regs[u->r0], cpu->regs[u->r1]) - 1;
    DBT_NEXT2(cpu, u, d);
}

DBT_UOP(fused_cmp_ri_jcc)
{
    u = fused(cpu, u, LF_SUB, cpu->regs[u->r0], u->imm) - 1;
    DBT_NEXT2(cpu, u, d);
}

DBT_UOP(fused_test_rr_jcc)
{
    u = fused(cpu, u, LF_LOGIC, cpu->regs[u->r0], cpu->regs[u->r1]) - 1;
    DBT_NEXT2(cpu, u, d);
}

DBT_UOP(fused_test_ri_jcc)
{
    u = fused(cpu, u, LF_LOGIC, cpu->regs[u->r0], u->imm) - 1;
    DBT_NEXT2(cpu, u, d);
}

dbt_uop_fn dbt_fused_form(const struct dbt_uop *first, const struct dbt_uop *jcc)
{
    const struct insn *in = &first->in;
    if (jcc->fn != uop_jcc || in->opnd[0].kind != OPK_REG || in->opnd[0].size != 4 ||
        in->nopnd != 2 || in->lock)
        return NULL;
    int reg = in->opnd[1].kind == OPK_REG, imm = in->opnd[1].kind == OPK_IMM;
    if (in->op == OP_CMP)
        return reg ? fused_cmp_rr_jcc : imm ? fused_cmp_ri_jcc : NULL;
    if (in->op == OP_TEST)
        return reg ? fused_test_rr_jcc : imm ? fused_test_ri_jcc : NULL;
    return NULL;
}
