/* Virtual-8086 mode extensions (CR4.VME) and protected-mode virtual
 * interrupts (CR4.PVI): SDM Vol. 3, 20.3 and 20.4. */
#ifndef SHADOW86_CPU_V86_H
#define SHADOW86_CPU_V86_H

#include "cpu/cpu.h"

#define CR4_VME 0x1u
#define CR4_PVI 0x2u
#define CR4_TSD 0x4u
#define CR4_DE  0x8u

/* In V86 mode with CR4.VME and IOPL < 3: the virtual flags take over. */
int v86_vme_applies(const struct cpu *cpu);

/* CLI/STI: 1 if the instruction acted on VIF (VME in V86, or PVI at
 * CPL 3 in protected mode, IOPL < 3); raises #GP(0) where the SDM says. */
int v86_virtual_cli(struct cpu *cpu);
int v86_virtual_sti(struct cpu *cpu);

/* INT n in V86 mode: applies IOPL and, with VME, the TSS interrupt
 * redirection bitmap. Returns 1 if the interrupt was redirected through
 * the V86 task's own IVT (done), 0 if it goes to the protected-mode IDT. */
int v86_software_interrupt(struct cpu *cpu, int vec);

#endif
