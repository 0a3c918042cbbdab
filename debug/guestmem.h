/* Reading guest memory for debug/ (traces, the gdb stub, reports) by
 * linear address, without side effects: no faults raised, no accessed or
 * dirty bits set, no device touched.
 *
 * Translation goes through [mmu]'s side-effect-free walk
 * (cpu_debug_linear_to_phys: no fault, no A/D bits, no TLB fill), once per
 * page touched. It reads only the fields of struct cpu before `tlb`, so an
 * insn_retired `before` snapshot is a valid argument.
 */
#ifndef SHADOW86_DEBUG_GUESTMEM_H
#define SHADOW86_DEBUG_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Physical address of `lin`, or -1 if unmapped. */
int debug_linear_to_phys(const struct cpu *cpu, uint32_t lin, uint32_t *pa);
/* Copy `len` bytes at `lin`. Returns 0, or -1 if any byte is not backed by
 * RAM or ROM (open bus is reported as unmapped, not as 0xFF). */
int debug_read_linear(const struct cpu *cpu, uint32_t lin, uint8_t *buf, size_t len);
/* Write `len` bytes at `lin` (RAM only: ROM and open bus refuse). Returns 0
 * or -1; nothing is written when -1. */
int debug_write_linear(struct cpu *cpu, uint32_t lin, const uint8_t *buf, size_t len);

#endif
