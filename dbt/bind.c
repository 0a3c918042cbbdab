/* Choosing each instruction's micro-op, and the flag-liveness facts the
 * choice depends on. */
#include "cpu/sensitive.h"
#include "dbt/uops.h"

#ifndef DBT_CALL_VARIANT   /* defined once, by the threaded compile */
static int all_register_operands(const struct insn *in)
{
    for (unsigned i = 0; i < in->nopnd; i++)
        if (in->opnd[i].kind != OPK_REG && in->opnd[i].kind != OPK_IMM)
            return 0;
    return !in->has_ea && !in->lock;
}

/* Writes all six arithmetic flags, reads none and cannot fault. (A
 * faulting instruction leaves the flags to the exception frame, so only
 * register forms may kill the flags before them.) */
int dbt_insn_kills_flags(const struct insn *in)
{
    switch (in->op) {
    case OP_ADD: case OP_OR: case OP_AND: case OP_SUB: case OP_XOR:
    case OP_CMP: case OP_TEST: case OP_NEG:
        return all_register_operands(in);
    default:
        return 0;
    }
}

/* Neither reads nor writes the flags and cannot fault. */
int dbt_insn_flag_transparent(const struct insn *in)
{
    switch (in->op) {
    case OP_MOV: case OP_LEA: case OP_XCHG: case OP_MOVZX: case OP_MOVSX:
    case OP_NOT: case OP_NOP: case OP_BSWAP: case OP_CBW: case OP_CWD:
        return in->op == OP_LEA ? !in->lock : all_register_operands(in);
    default:
        return 0;
    }
}

#endif

void dbt_bind_uop(struct dbt *d, struct dbt_uop *u, uint32_t cs_limit)
{
    const struct insn *in = &u->in;
    enum cpu_sensitivity sc = cpu_sensitive_class(in);
    dbt_uop_fn fn;

    u->handler = cpu_handler_for(in);
    u->callout_count = &d->stats.callouts[sc];
    u->sets_eip = 1;
    if (sc != CPU_SENS_NONE) {
        u->fn = dbt_uop_callout;
        return;
    }
    if ((fn = dbt_branch_form(in, u, cs_limit)) != NULL) {
        u->fn = fn;
        return;
    }
    if ((fn = dbt_reg_form(in, u->flags_live, u)) != NULL) {
        u->fn = fn;
        u->sets_eip = 0;
        return;
    }
    if ((fn = dbt_mem_form(in, u, cs_limit)) != NULL) {
        u->fn = fn;
        return;
    }
    if (in->op == OP_FPU || in->op == OP_WAIT || in->op == OP_FXRSTOR) {
        u->fn = dbt_uop_full_x87;
        return;
    }
    u->fn = dbt_uop_full;
}
