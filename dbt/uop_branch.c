/* Direct branches whose target lies within the CS limit the block was
 * translated for (part of its key): the limit check is done once, here,
 * at translation; the flag test is cpu/'s. */
#include "cpu/alu.h"
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
