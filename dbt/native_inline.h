/* Register micro-ops written as host instructions in place of a call
 * (dbt/native.c): 32-bit MOV, the ALU group and shifts by an immediate
 * with register or immediate operands, INC/DEC with dead flags, and a
 * CMP/TEST fused with the Jcc that ends its block, which branches on the
 * host's own flags. They cannot fault and touch only cpu->regs, the lazy
 * flag record (exactly the fields flags_record() writes, when the flags
 * are live) and, for the branch, cpu->eip. Internal to dbt/. */
#ifndef SHADOW86_DBT_NATIVE_INLINE_H
#define SHADOW86_DBT_NATIVE_INLINE_H

#include "dbt/block.h"
#include "dbt/x64_emit.h"

/* The host registers inline code may clobber: RAX, RCX, RDX (the block
 * keeps RBX = cpu and R12 = translator). */

#define DBT_INLINE_MISS 8

/* Emit u inline when it has an inline form: 1, else 0 (nothing emitted).
 * A form that cannot always finish inline (INC/DEC when the record it
 * replaces keeps CF where only flags_cf() can find it) leaves the sites of
 * its jumps to a call of u in miss[] (*nmiss). */
int dbt_inline_uop(struct x64_emit *e, const struct dbt_uop *u, uintptr_t miss[DBT_INLINE_MISS],
                   unsigned *nmiss);

/* EAX = the effective address of `in` (insn_ea(): base + index << scale
 * + disp, 16 bits wide with 16-bit addressing). Clobbers RCX. */
void dbt_inline_ea(struct x64_emit *e, const struct insn *in);

/* Whether u, the instruction before a Jcc that ends the block, has an
 * inline form that leaves the host flags equal to the guest flags the
 * Jcc reads (CMP/TEST, fused or not, and the 32-bit ADD/SUB/AND/OR/XOR
 * register forms, NEG, and INC/DEC for a condition that does not read CF,
 * which they keep); dbt_inline_flags_for_jcc() emits it, with misses as
 * dbt_inline_uop(). */
int dbt_inline_sets_jcc_flags(const struct dbt_uop *u, unsigned cc);
void dbt_inline_flags_for_jcc(struct x64_emit *e, const struct dbt_uop *u,
                              uintptr_t miss[DBT_INLINE_MISS], unsigned *nmiss);

/* The host flags from the lazy record, for a Jcc right after: for 32-bit
 * records of LF_SUB (CMP dst, src), LF_ADD (ADD) and LF_LOGIC (TEST res,
 * res), whose host flags are the guest's for every condition; any other
 * record is a miss (the Jcc micro-op's call). Clobbers RAX, RCX. */
void dbt_inline_record_flags(struct x64_emit *e, uintptr_t miss[DBT_INLINE_MISS],
                             unsigned *nmiss);

/* ECX = the guest's CF from the lazy record, for the producers
 * flags_cf_try() knows; any other record is a miss (a jump whose site
 * goes into miss[]). Clobbers RAX, RDX and the host flags. */
void dbt_inline_cf_from_record(struct x64_emit *e, uintptr_t miss[DBT_INLINE_MISS],
                               unsigned *nmiss);

/* Whether the fused CMP/TEST at u (with its Jcc at u + 1) has the inline
 * form of dbt_inline_fused_compare(). */
int dbt_inline_fused_ok(const struct dbt_uop *u);
/* Its comparison: loads the operands, writes the flag record (always:
 * the Jcc's successor may read it), and leaves the host flags set by the
 * same CMP or TEST, for a Jcc with the guest's condition code
 * (u[1].in.cond: x86's numbering on both sides). Emit nothing between it
 * and that Jcc that changes the host flags. */
void dbt_inline_fused_compare(struct x64_emit *e, const struct dbt_uop *u);

#endif
