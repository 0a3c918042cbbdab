/* Debug registers and the checks around every instruction (SDM Vol. 3,
 * chapter 17): instruction breakpoints (faults), data breakpoints and the
 * task-switch T bit (traps), general detect (DR7.GD), the resume flag, and
 * alignment checking (#AC), which shares the data-access hook. */
#ifndef SHADOW86_CPU_DEBUG_H
#define SHADOW86_CPU_DEBUG_H

#include "cpu/cpu.h"

#define DR6_BD 0x2000u   /* general detect */
#define DR6_BS 0x4000u   /* single step */
#define DR6_BT 0x8000u   /* task switch with the T bit */
#define DR7_GD 0x2000u

/* Before the instruction at CS:EIP: an enabled execute breakpoint on its
 * linear address raises #DB (a fault: EIP stays) unless EFLAGS.RF is set. */
void cpu_debug_insn_check(struct cpu *cpu);

/* Whether the hook below may have anything to do (mem.c asks before
 * calling): an enabled breakpoint, or alignment checks, which need CR0.AM
 * and EFLAGS.AC (and CPL 3, which the hook tests). Linux sets CR0.AM for
 * good and EFLAGS.AC almost never: CR0.AM alone sent every access of the
 * interpreter and of the translator's full forms to the slow path. */
static inline int cpu_access_hook_needed(const struct cpu *cpu)
{
    return (cpu->dr[7] & 0xFF) || ((cpu->cr0 & CR0_AM) && (cpu->eflags & EFLAGS_AC));
}

/* A data access of `size` bytes at linear `lin` by the instruction in
 * flight: #AC(0) if misaligned under CR0.AM + EFLAGS.AC at CPL 3, and
 * records data-breakpoint hits (write breakpoints on writes, read/write
 * ones on both) to be reported after the instruction. */
void cpu_access_hook(struct cpu *cpu, uint32_t lin, unsigned size, int write);

/* IN/OUT/INS/OUTS touching ports [port, port+size): with CR4.DE, I/O
 * breakpoints (RW = 10) that overlap are recorded as traps. */
void cpu_debug_io(struct cpu *cpu, uint16_t port, unsigned size);

/* MOV to/from a debug register with DR7.GD set: #DB with DR6.BD, GD
 * cleared so the handler can use the registers. */
void cpu_debug_general_detect(struct cpu *cpu);

/* After an instruction completed: the DR6 bits of the debug traps it
 * caused (data breakpoints, task T bit), 0 if none; clears them. */
uint32_t cpu_debug_take_traps(struct cpu *cpu);

#endif
