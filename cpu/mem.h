/* Guest memory as the CPU sees it: segmented (logical) accesses with their
 * limit and type checks, then linear → physical through the software TLB
 * and, on a miss, paging (mmu/). Faults longjmp through cpu_raise(); a
 * page fault sets CR2. See docs/mmu.md.
 */
#ifndef SHADOW86_CPU_MEM_H
#define SHADOW86_CPU_MEM_H

#include "cpu/cpu.h"

/* Linear-address accesses (no segmentation). These are the implicit
 * supervisor accesses to system structures (GDT, LDT, IDT, TSS): paging
 * checks them as supervisor accesses whatever the CPL (SDM Vol. 3, 4.6). */
uint32_t cpu_lin_read(struct cpu *cpu, uint32_t lin, unsigned size);
void cpu_lin_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val);

/* Logical accesses through segment `seg` at offset `off`; `size` is 1, 2
 * or 4. Limit and rights are checked over every byte: a violation raises
 * #GP(0), or #SS(0) for SS. */
uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t off, unsigned size);
void cpu_write(struct cpu *cpu, int seg, uint32_t off, unsigned size, uint32_t val);

/* Check that `size` bytes at seg:off may be read (write=0) or written
 * (write=1), raising the fault if not (segment faults, and with paging
 * on, #PF for every page touched); returns the linear address. Used by
 * multi-part accesses (far pointers, descriptor tables, pushes) that must
 * check before changing any state. */
uint32_t cpu_check_access(struct cpu *cpu, int seg, uint32_t off, unsigned size, int write);

/* Fetch up to `max` instruction bytes at CS:EIP into buf, stopping at the
 * CS limit or at a page that paging refuses (no fault is raised here);
 * returns the count fetched. */
unsigned cpu_fetch(struct cpu *cpu, uint32_t eip, uint8_t *buf, unsigned max);

/* The decoder needed the byte at CS:eip and cpu_fetch could not get it:
 * raise #PF for it if paging refuses it, else #GP(0) (CS limit). */
_Noreturn void cpu_raise_fetch_fault(struct cpu *cpu, uint32_t eip);

/* Guest-physical address of code at linear `lin` for the translator: a
 * fetch translation at the CPL that never faults. 0, or -1 if paging
 * refuses it (the interpreter then raises the fault). */
int cpu_code_phys(struct cpu *cpu, uint32_t lin, uint32_t *gpa);

/* For debuggers: the physical address of `lin` through the guest's page
 * tables as a supervisor read would see it, without side effects (no
 * fault, no A/D bits, no TLB fill). 0, or -1 if not mapped. */
int cpu_debug_linear_to_phys(const struct cpu *cpu, uint32_t lin, uint32_t *pa);

/* Translation caches are stale after CR0/CR3/CR4/EFER or memory were set
 * behind the CPU's back (snapshot restore): flush them all. */
void cpu_mmu_state_loaded(struct cpu *cpu);

/* Call after changing cpu->hooks: registers the CPU as the MMU's event
 * observer while hooks.mmu is set (so mmu/'s walk references, A/D
 * updates and shadow-table events reach it), and removes it otherwise. */
void cpu_hooks_changed(struct cpu *cpu);

#endif
