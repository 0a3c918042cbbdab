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

/* A record only flags_cond() can read: out of line, so the forms below
 * make no call (and need no stack frame). */
DBT_UOP(uop_jcc_slow)
{
    cpu->eip = flags_cond(cpu, u->in.cond) ? u->imm : u->next_eip;
    DBT_NEXT(cpu, u, d);
}

/* One Jcc per condition code, so the test folds to the few instructions
 * that condition needs. */
#define JCC(CC) \
    DBT_UOP(uop_jcc_##CC) \
    { \
        int taken; \
        if (!flags_cond_try(cpu, 0x##CC, &taken)) \
            DBT_TAIL(uop_jcc_slow, cpu, u, d); \
        cpu->eip = taken ? u->imm : u->next_eip; \
        DBT_NEXT(cpu, u, d); \
    }
#define FOR_EACH_CC(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
                       X(8) X(9) X(A) X(B) X(C) X(D) X(E) X(F)
FOR_EACH_CC(JCC)
#define JCC_ENTRY(CC) uop_jcc_##CC,
static const dbt_uop_fn jcc_table[16] = { FOR_EACH_CC(JCC_ENTRY) };

static int is_jcc(dbt_uop_fn fn)
{
    for (unsigned i = 0; i < 16; i++)
        if (fn == jcc_table[i])
            return 1;
    return 0;
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
    return in->op == OP_JMP ? uop_jmp : jcc_table[in->cond & 15];
}

/* CMP or TEST fused with the Jcc after it: the comparison's flag record
 * (live: the block's successor may read it) and the branch decision from
 * that record in one micro-op, with one dispatch instead of two. The
 * condition is evaluated by cpu/'s flags_cond_fast on the record just
 * written, one function per condition code, so the compiler folds it into
 * a direct compare. */
static inline void fused(struct cpu *cpu, const struct dbt_uop *u, enum lf_op kind, uint32_t a,
                         uint32_t b, unsigned cc)
{
    const struct dbt_uop *j = u + 1;
    flags_record(cpu, kind, 4, a, b, kind == LF_SUB ? a - b : a & b);
    cpu->eip = flags_cond_fast(cpu, cc) ? j->imm : j->next_eip;
}

#define FUSED(CC) \
    DBT_UOP(fused_cmp_rr_##CC) \
    { \
        fused(cpu, u, LF_SUB, cpu->regs[u->r0], cpu->regs[u->r1], 0x##CC); \
        DBT_NEXT2(cpu, u, d); \
    } \
    DBT_UOP(fused_cmp_ri_##CC) \
    { \
        fused(cpu, u, LF_SUB, cpu->regs[u->r0], u->imm, 0x##CC); \
        DBT_NEXT2(cpu, u, d); \
    } \
    DBT_UOP(fused_test_rr_##CC) \
    { \
        fused(cpu, u, LF_LOGIC, cpu->regs[u->r0], cpu->regs[u->r1], 0x##CC); \
        DBT_NEXT2(cpu, u, d); \
    } \
    DBT_UOP(fused_test_ri_##CC) \
    { \
        fused(cpu, u, LF_LOGIC, cpu->regs[u->r0], u->imm, 0x##CC); \
        DBT_NEXT2(cpu, u, d); \
    }
FOR_EACH_CC(FUSED)
#define FUSED_ENTRY(CC) { fused_cmp_rr_##CC, fused_cmp_ri_##CC, fused_test_rr_##CC, fused_test_ri_##CC },
/* Indexed [cc][cmp rr, cmp ri, test rr, test ri]. */
static const dbt_uop_fn fused_table[16][4] = { FOR_EACH_CC(FUSED_ENTRY) };

dbt_uop_fn dbt_fused_form(const struct dbt_uop *first, const struct dbt_uop *jcc)
{
    const struct insn *in = &first->in;
    if (!is_jcc(jcc->fn) || in->opnd[0].kind != OPK_REG || in->opnd[0].size != 4 ||
        in->nopnd != 2 || in->lock)
        return NULL;
    int reg = in->opnd[1].kind == OPK_REG, imm = in->opnd[1].kind == OPK_IMM;
    if (!reg && !imm)
        return NULL;
    if (in->op == OP_CMP)
        return fused_table[jcc->in.cond & 15][reg ? 0 : 1];
    if (in->op == OP_TEST)
        return fused_table[jcc->in.cond & 15][reg ? 2 : 3];
    return NULL;
}
