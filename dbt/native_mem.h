/* The softtlb hit of the commonest memory micro-ops written inline by the
 * x86-64 backend (dbt/native.c): MOV loads and stores, MOVZX/MOVSX loads,
 * the ALU group with a memory operand, PUSH/POP, CALL rel32 and RET.
 * Internal to dbt/. */
#ifndef SHADOW86_DBT_NATIVE_MEM_H
#define SHADOW86_DBT_NATIVE_MEM_H

#include "dbt/block.h"
#include "dbt/x64_emit.h"

#define DBT_INLINE_MEM_MISS 8

/* Emit u's fast half inline: 1 with the sites of its jumps to the slow
 * path in miss[] (*nmiss of them; the caller points them at an out of
 * line call to u, which then takes its own fast-or-slow decision again
 * and runs exactly as under the portable backend), 0 when u has no
 * inline form (nothing emitted). `priv` is the softtlb privilege of the
 * block's CPL, `cs_limit` its CS limit (direct CALL targets beyond it
 * are full forms). The code does not count its softtlb hits: it adds
 * them to hits[type] (per access type), and the caller emits the
 * additions to cpu->tlb.stats.hit where the hit path goes on to code
 * that could see or lose them (a call, an exit), and on a miss takes
 * them back around the call (dbt/native.c). Clobbers RAX, RCX, RDX. */
int dbt_inline_mem(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                   uint32_t cs_limit, uintptr_t miss[DBT_INLINE_MEM_MISS], unsigned *nmiss,
                   unsigned hits[SOFTTLB_ACCESS_TYPES]);

/* Whether dbt_inline_mem() emits u as an ALU operation with a memory
 * operand (ADD/SUB/AND/OR/XOR/CMP/TEST, 1 or 4 bytes) whose last host
 * instruction to change the flags is the operation itself, so the host
 * flags are the guest's for a Jcc right after (on the hit path). */
int dbt_inline_mem_sets_flags(const struct dbt_uop *u);

#endif
