/* Exceptions and interrupts: raising a fault from inside an instruction,
 * and delivering exceptions, INT n and external interrupts through the IVT
 * (real mode) or the IDT (protected mode).
 */
#ifndef SHADOW86_CPU_EXCEPT_H
#define SHADOW86_CPU_EXCEPT_H

#include "cpu/cpu.h"

/* Vectors that push an error code (SDM Vol. 3, Table 6-1). */
static inline int vector_has_error(int vec)
{
    return vec == VEC_DF || vec == VEC_TS || vec == VEC_NP || vec == VEC_SS ||
           vec == VEC_GP || vec == VEC_PF || vec == VEC_AC;
}

/* Abort the current instruction with exception `vec` (error code `err`
 * where the vector has one). State is rolled back to the instruction's
 * start (EIP, ESP) and the exception is delivered by cpu_run(). */
_Noreturn void cpu_raise(struct cpu *cpu, int vec, uint32_t err);

/* Raise #UD for something valid that shadow86 does not implement yet
 * (`what` names it), counting it; the first occurrences are logged. */
_Noreturn void cpu_raise_unimplemented(struct cpu *cpu, const char *what);

/* Sources of an interrupt, which differ in privilege checks and EIP. */
enum int_source {
    INT_SRC_EXCEPTION,  /* fault or trap raised by the CPU */
    INT_SRC_SOFTWARE,   /* INT n, INT3, INTO (checks gate DPL) */
    INT_SRC_ICEBP,      /* INT1 (F1) */
    INT_SRC_EXTERNAL    /* PIC/NMI */
};

/* Deliver vector `vec` now, with the return address `cpu->eip`.
 * May raise a nested fault (handled by cpu_run's double-fault logic). */
void cpu_deliver_interrupt(struct cpu *cpu, int vec, enum int_source src,
                           int has_error, uint32_t err);

/* Whether an external (maskable) interrupt could be taken now: IF=1 and
 * no STI / MOV SS interrupt shadow. */
int cpu_interrupts_enabled(const struct cpu *cpu);
/* The SDM's mnemonic of exception vector `vec` ("#DE", "NMI", "#PF", ...),
 * or NULL for a reserved vector or one above 31: the one table that
 * traces, statistics and fault-chain messages print from. */
const char *cpu_vector_name(unsigned vec);

/* Deliver an external interrupt (the caller checked
 * cpu_interrupts_enabled). Wakes the CPU from HLT. Returns 0, or -1 if the
 * delivery ended in a shutdown. */
int cpu_external_interrupt(struct cpu *cpu, int vec);

/* Non-maskable interrupt: the platform raises the line (cpu_raise_nmi);
 * at an instruction boundary where cpu_nmi_ready(), it calls
 * cpu_deliver_nmi() (0, or -1 for a shutdown). Further NMIs wait for the
 * handler's IRET. */
void cpu_raise_nmi(struct cpu *cpu);
int cpu_nmi_ready(const struct cpu *cpu);
int cpu_deliver_nmi(struct cpu *cpu);

#endif
