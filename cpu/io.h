/* Port I/O from the CPU: the protected-mode permission check and the
 * calls out to the wired bus. */
#ifndef SHADOW86_CPU_IO_H
#define SHADOW86_CPU_IO_H

#include "cpu/cpu.h"

/* #GP(0) unless `size` bytes at `port` may be accessed: always in real
 * mode, at CPL <= IOPL, else per the TSS I/O permission bitmap (SDM Vol. 1,
 * 19.5.2). */
void cpu_io_check(struct cpu *cpu, uint16_t port, unsigned size);

uint32_t cpu_io_in(struct cpu *cpu, uint16_t port, unsigned size);
void cpu_io_out(struct cpu *cpu, uint16_t port, unsigned size, uint32_t val);

#endif
