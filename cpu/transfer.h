/* Far transfers of control in every mode: JMP, CALL and RET to code
 * segments, through call gates (with the inter-privilege stack switch and
 * parameter copy), and to tasks through task gates or TSS descriptors
 * (SDM Vol. 3, 5.8; the "JMP", "CALL" and "RET" pages of Vol. 2). */
#ifndef SHADOW86_CPU_TRANSFER_H
#define SHADOW86_CPU_TRANSFER_H

#include "cpu/cpu.h"

/* `opsize` is the instruction's operand size (2 or 4): it truncates the
 * offset and sizes what CALL pushes and RET pops (gates size their own). */
void cpu_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize);
void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize);
/* RETF with `release` extra bytes of parameters (RET imm16). */
void cpu_far_ret(struct cpu *cpu, unsigned opsize, uint32_t release);
/* IRET/IRETD in every mode (also to V86 and to another task). */
void cpu_iret(struct cpu *cpu, unsigned opsize);

/* Check a return CS selector popped by RET/IRET against the current CPL
 * (SDM "RET": RPL >= CPL, conforming DPL <= RPL, else DPL = RPL,
 * present). Returns its descriptor. */
struct desc;
void transfer_check_return_cs(struct cpu *cpu, uint16_t sel, struct desc *d);

#endif
