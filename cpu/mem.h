/* Guest memory as the CPU sees it: segmented (logical) accesses with their
 * limit and type checks, then linear → physical. Faults longjmp through
 * cpu_raise(). Paging is [mmu]'s: until it exists, linear = physical.
 */
#ifndef SHADOW86_CPU_MEM_H
#define SHADOW86_CPU_MEM_H

#include "cpu/cpu.h"

/* Linear-address accesses (no segmentation). */
uint32_t cpu_lin_read(struct cpu *cpu, uint32_t lin, unsigned size);
void cpu_lin_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val);

/* Logical accesses through segment `seg` at offset `off`; `size` is 1, 2
 * or 4. Limit and rights are checked over every byte: a violation raises
 * #GP(0), or #SS(0) for SS. */
uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t off, unsigned size);
void cpu_write(struct cpu *cpu, int seg, uint32_t off, unsigned size, uint32_t val);

/* Check that `size` bytes at seg:off may be read (write=0) or written
 * (write=1), raising the fault if not; returns the linear address. Used by
 * multi-part accesses (far pointers, descriptor tables, pushes) that must
 * check before changing any state. */
uint32_t cpu_check_access(struct cpu *cpu, int seg, uint32_t off, unsigned size, int write);

/* Fetch up to `max` instruction bytes at CS:EIP into buf, stopping at the
 * CS limit; returns the count fetched. */
unsigned cpu_fetch(struct cpu *cpu, uint32_t eip, uint8_t *buf, unsigned max);

#endif
