/* Binding decoded instructions to micro-ops. Internal to dbt/. */
#ifndef SHADOW86_DBT_UOPS_H
#define SHADOW86_DBT_UOPS_H

#include "dbt/cache.h"

/* The call variant (dbt/uop_*_call.c): the same micro-op sources compiled
 * a second time as plain functions that return the next micro-op (or NULL
 * to stop), for the native backend (dbt/native.c), whose emitted code
 * calls each micro-op in turn with a direct call. The exported names get a
 * _call suffix (below); the static forms are per translation unit. */
#ifdef DBT_CALL_VARIANT
#ifndef SHADOW86_DBT_LOOP
#define SHADOW86_DBT_LOOP 1
#endif
#endif

/* Dispatch. Threaded code: each micro-op jumps straight to the next by a
 * tail call (one indirect branch per site, well predicted), and the end
 * sentinels jump into the next block.
 * - clang: guaranteed tail calls (musttail).
 * - gcc, optimising, on x86-64: ordinary tail calls, which gcc turns into
 *   jumps (sibling calls) but does not promise to. A call it left a call
 *   is still correct C, only the stack grows; so the end sentinels go on
 *   into the next block only while the stack is within DBT_STACK_BUDGET
 *   of where the run started (DBT_STACK_GUARD), and otherwise return,
 *   unwinding to the run loop.
 * - otherwise each micro-op returns the next to a tight loop in dbt.c.
 *   -DSHADOW86_DBT_LOOP forces the loop, so both paths can be built and
 *   tested with one compiler. */
#if !defined(SHADOW86_DBT_LOOP) && defined(__clang__) && defined(__has_attribute)
#if __has_attribute(musttail)
#define DBT_THREADED 1
#define DBT_MUSTTAIL __attribute__((musttail))
#define DBT_STACK_GUARD 0
#endif
#endif
#if !defined(DBT_THREADED) && !defined(SHADOW86_DBT_LOOP) && !defined(__clang__) && \
    defined(__GNUC__) && defined(__OPTIMIZE__) && defined(__x86_64__)
#define DBT_THREADED 1
#define DBT_MUSTTAIL
#define DBT_STACK_GUARD 1
#endif
#ifndef DBT_THREADED
#define DBT_THREADED 0
#define DBT_STACK_GUARD 0
#endif
#define DBT_STACK_BUDGET (256u * 1024u)

#if DBT_STACK_GUARD
static inline uintptr_t dbt_stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
}
#endif

#if DBT_THREADED
#define DBT_NEXT(cpu, u, d) DBT_MUSTTAIL return (u)[1].fn((cpu), (u) + 1, (d))
#else
#define DBT_NEXT(cpu, u, d) return (u) + 1
#endif
/* Continue with the micro-op after the next (a fused pair). */
#if DBT_THREADED
#define DBT_NEXT2(cpu, u, d) DBT_MUSTTAIL return (u)[2].fn((cpu), (u) + 2, (d))
#else
#define DBT_NEXT2(cpu, u, d) return (u) + 2
#endif
/* Hand this micro-op over to another function of the same shape (an out
 * of line slow half, so the fast half makes no call). */
#if DBT_THREADED
#define DBT_TAIL(fn, cpu, u, d) DBT_MUSTTAIL return fn((cpu), (u), (d))
#else
#define DBT_TAIL(fn, cpu, u, d) return fn((cpu), (u), (d))
#endif
/* End the run of blocks after this micro-op (back to the run loop). */
#define DBT_STOP(u, d) do { (d)->stop_at = (u) + 1; return NULL; } while (0)
/* Continue, unless a store of this micro-op hit translated code, or a
 * device it reached asked the run to stop (a local APIC write that sent
 * an NMI or raised a vector: the interpreter takes it after this
 * instruction, so the block must end here too). */
#define DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen) \
    do { if ((d)->code_gen != (gen) || (cpu)->stop_requested) DBT_STOP(u, d); \
         DBT_NEXT(cpu, u, d); } while (0)

#define DBT_UOP(name) \
    static const struct dbt_uop *name(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)

/* The sentinel that ends block `b` (its kind of exit decides): it goes on
 * into the successor block when a chain link, the budget and the block's
 * kind allow it (dbt/dbt.c), else ends the run of blocks with
 * d->stop_at = itself. */
dbt_uop_fn dbt_end_sentinel(const struct dbt_block *b);

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
/* A CMP/TEST register form followed by a direct Jcc: the fused micro-op
 * for the pair (bound to the first; it runs both and skips the second),
 * or NULL when the pair has none. */
dbt_uop_fn dbt_fused_form(const struct dbt_uop *first, const struct dbt_uop *jcc);

const struct dbt_uop *dbt_uop_full(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);
/* The full form for x87 escapes, WAIT, FXSAVE/FXRSTOR: also ends the
 * block when the instruction halted the CPU or requested a stop. */
const struct dbt_uop *dbt_uop_full_x87(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);
const struct dbt_uop *dbt_uop_callout(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);

/* The same, as plain calls (DBT_CALL_VARIANT). */
void dbt_bind_uop_call(struct dbt *d, struct dbt_uop *u, uint32_t cs_limit);
dbt_uop_fn dbt_reg_form_call(const struct insn *in, int flags_live, struct dbt_uop *u);
dbt_uop_fn dbt_mem_form_call(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit);
dbt_uop_fn dbt_branch_form_call(const struct insn *in, struct dbt_uop *u, uint32_t cs_limit);
dbt_uop_fn dbt_fused_form_call(const struct dbt_uop *first, const struct dbt_uop *jcc);
const struct dbt_uop *dbt_uop_full_call(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d);
const struct dbt_uop *dbt_uop_full_x87_call(struct cpu *cpu, const struct dbt_uop *u,
                                            struct dbt *d);
const struct dbt_uop *dbt_uop_callout_call(struct cpu *cpu, const struct dbt_uop *u,
                                           struct dbt *d);
#ifdef DBT_CALL_VARIANT
#define dbt_bind_uop dbt_bind_uop_call
#define dbt_reg_form dbt_reg_form_call
#define dbt_mem_form dbt_mem_form_call
#define dbt_branch_form dbt_branch_form_call
#define dbt_fused_form dbt_fused_form_call
#define dbt_uop_full dbt_uop_full_call
#define dbt_uop_full_x87 dbt_uop_full_x87_call
#define dbt_uop_callout dbt_uop_callout_call
#endif

/* Flag liveness (backward over a block): does `in` write all six
 * arithmetic flags without reading any, or leave them alone entirely? */
int dbt_insn_kills_flags(const struct insn *in);
int dbt_insn_flag_transparent(const struct insn *in);

#endif
