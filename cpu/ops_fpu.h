/* Shared by the x87 instruction handlers (cpu/ops_fpu*.c); internal to
 * cpu/. op_fpu (ops_fpu.c) decodes the escape and calls one of these with
 * the instruction's ModRM fields. */
#ifndef SHADOW86_CPU_OPS_FPU_H
#define SHADOW86_CPU_OPS_FPU_H

#include "cpu/cpu.h"

/* Memory operands: `n` bytes at the instruction's effective address,
 * checked whole before any byte moves (so a fault changes nothing). */
void fpu_mem_read(struct cpu *cpu, const struct insn *in, uint32_t disp, uint8_t *buf, unsigned n);
void fpu_mem_write(struct cpu *cpu, const struct insn *in, uint32_t disp, const uint8_t *buf,
                   unsigned n);
void fpu_mem_check_write(struct cpu *cpu, const struct insn *in, unsigned n);

/* Apply the exceptions an fp80 call raised and set C1 from the rounding
 * (ctx->c1): returns 1 when the result may be delivered. `mem_dest`:
 * the destination is memory, where unmasked OE and UE also forbid the
 * store (SDM Vol. 1, 4.9.1.4, 4.9.1.5). */
int fpu_commit(struct fpu *f, const struct fp80_ctx *c, int mem_dest);

/* A floating-point memory source of an arithmetic or compare instruction
 * (m32fp: `bits64` holds the 32 bits, `size` 4; m64fp: size 8), in
 * register format. Unlike FLD, a signalling NaN stays signalling, so the
 * operation applies the SDM's NaN rules (Table 4-7: an SNaN loses to a
 * QNaN, and raises IE). A denormal raises DE only when `other` (the
 * register operand) is not a NaN: NaN operands take precedence over the
 * denormal exception (SDM Vol. 1, 4.9.2). */
struct fp80 fpu_mem_real(struct fp80_ctx *c, uint64_t bits64, unsigned size, struct fp80 other);

/* Set C3 C2 C0 (and clear C1) from a comparison result. */
void fpu_set_cc_cmp(struct fpu *f, enum fp80_cmp r);

/* Handler groups, by file. `reg` and `rm` are the ModRM fields. */
void fpu_ctl_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg);
void fpu_ctl_reg(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg, unsigned rm);
void fpu_move_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg);
void fpu_move_reg(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg, unsigned rm);
void fpu_arith_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg);
void fpu_arith_reg(struct cpu *cpu, unsigned esc, unsigned reg, unsigned rm);
void fpu_cmp_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg);
void fpu_cmp_reg(struct cpu *cpu, unsigned esc, unsigned reg, unsigned rm);
void fpu_misc(struct cpu *cpu, unsigned reg, unsigned rm);   /* D9 F0-FF, D9 E0-E5 */

#endif
