/* Binding decoded instructions to micro-ops. Internal to dbt/. */
#ifndef SHADOW86_DBT_UOPS_H
#define SHADOW86_DBT_UOPS_H

#include "dbt/cache.h"

/* Choose the micro-op for `u->in` (already filled with in, eip, next_eip,
 * idx, flags_live): a register form when one exists, else the full form
 * (a callout for sensitive instructions). `cs_limit` bounds direct branch
 * targets that may skip their limit check. */
void dbt_bind_uop(struct dbt *d, struct dbt_uop *u, uint32_t cs_limit);

/* Register forms: NULL when `in` has none. */
dbt_uop_fn dbt_reg_form(const struct insn *in, int flags_live, struct dbt_uop *u);
/* Memory forms (MOV, PUSH/POP, CALL, RET with 32-bit operands): NULL
 * when `in` has none. */
dbt_uop_fn dbt_mem_form(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit);
/* Direct branches with a target inside the segment: NULL otherwise. */
dbt_uop_fn dbt_branch_form(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit);

int dbt_uop_full(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);
int dbt_uop_callout(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);

/* Flag liveness (backward over a block): does `in` write all six
 * arithmetic flags without reading any, or leave them alone entirely? */
int dbt_insn_kills_flags(const struct insn *in);
int dbt_insn_flag_transparent(const struct insn *in);

#endif
