/* Architectural state comparison of two CPUs: the basis of lockstep
 * checking (translator against interpreter) and of divergence reports. */
#ifndef SHADOW86_CPU_COMPARE_H
#define SHADOW86_CPU_COMPARE_H

#include <stddef.h>

#include "cpu/cpu.h"

/* Returns 0 if `a` and `b` hold the same architectural state (registers,
 * EIP, EFLAGS, segment registers with their hidden parts, descriptor
 * table registers, control and debug registers, the x87 state (words,
 * registers R0-R7, pointers, opcode, FERR#), instruction count, halted
 * state); otherwise 1, with each difference described in `buf`
 * ("eax 00000001 != 00000002; ..."). */
int cpu_compare(const struct cpu *a, const struct cpu *b, char *buf, size_t size);

#endif
