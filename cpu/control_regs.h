/* Writes to the control registers that shape address translation (CR0,
 * CR3, CR4) and INVLPG: validation per the SDM, and the point where the
 * memory system learns that translations changed. The instruction
 * handlers (MOV CRn, LMSW, INVLPG) and task switches all come here. */
#ifndef SHADOW86_CPU_CONTROL_REGS_H
#define SHADOW86_CPU_CONTROL_REGS_H

#include "cpu/cpu.h"

#define CR4_PCE 0x00000100u   /* RDPMC at any CPL */

/* #GP(0) for invalid combinations (PG without PE, NW without CD). */
void cpu_write_cr0(struct cpu *cpu, uint32_t value);
void cpu_write_cr3(struct cpu *cpu, uint32_t value);
/* #GP(0) for reserved bits. */
void cpu_write_cr4(struct cpu *cpu, uint32_t value);
/* Drop any cached translation of the page holding linear address `lin`. */
void cpu_invlpg(struct cpu *cpu, uint32_t lin);

#endif
