/* The interpreter's entry points below cpu_run(): decode at CS:EIP and
 * execute one decoded instruction. The translator ([dbt]) binds the same
 * handlers, so these are the single source of instruction semantics. */
#ifndef SHADOW86_CPU_EXEC_H
#define SHADOW86_CPU_EXEC_H

#include "cpu/cpu.h"

typedef void (*insn_handler)(struct cpu *cpu, const struct insn *in);

/* The handler implementing `in` (op_unimplemented for holes). */
insn_handler cpu_handler_for(const struct insn *in);

/* Fetch and decode the instruction at CS:EIP; raises #GP/#UD on failure. */
void cpu_decode_current(struct cpu *cpu, struct insn *in);

/* Run one decoded instruction whose first byte is at CS:EIP. */
void cpu_execute(struct cpu *cpu, const struct insn *in);

/* The callout observer's two calls around a sensitive instruction (see
 * enum cpu_callout_outcome): REACHED before it runs (only while
 * hooks.callout is set), then its outcome — EMULATED after it completed,
 * or FAULTED from cpu_handle_fault. */
void cpu_callout_reached(struct cpu *cpu, const struct insn *in, enum cpu_sensitivity sc);
void cpu_callout_outcome(struct cpu *cpu, const struct insn *in, enum cpu_callout_outcome outcome);

/* After a longjmp from cpu_raise() to an engine's setjmp point: roll the
 * faulting instruction back and deliver the exception (escalating to #DF
 * or a shutdown). Every engine (interpreter, translator) calls this. */
void cpu_handle_fault(struct cpu *cpu);

/* The exit reason of a run that ended with `why`: a run that used up its
 * budget reports HLT if the CPU halted, or STOP (taking the request) if a
 * stop was requested by its last instruction. Every engine ends with it. */
enum cpu_exit cpu_run_exit(struct cpu *cpu, enum cpu_exit why);

#endif
