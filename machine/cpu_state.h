/* Saving and restoring a CPU's architectural state (record "CPU0").
 *
 * Kept in machine/ rather than cpu/ because it is part of the snapshot
 * machinery: it reads and writes struct cpu's fields field by field in a
 * fixed little-endian layout. What is saved is everything that survives
 * between two instructions: registers, lazy flags, segment caches,
 * descriptor tables, control/debug registers, MSRs, the TSC offset, the
 * instruction count, and the halt/interrupt-shadow/NMI state; the x87
 * state goes in a second record, "FPU0" (CPU k of -smp: "CPUk", "FPUk"). The
 * bookkeeping of an instruction in flight is not (a state is only taken
 * between instructions), nor are the observers and counters.
 */
#ifndef SHADOW86_MACHINE_CPU_STATE_H
#define SHADOW86_MACHINE_CPU_STATE_H

#include "cpu/cpu.h"
#include "base/state.h"

void cpu_state_save(const struct cpu *c, struct state_writer *w);
/* Returns 0, or -1 (bad record; the CPU may be partly written). */
int cpu_state_load(struct cpu *c, struct state_reader *r);
/* The same for CPU k of -smp (records "CPUk" and "FPUk"; k 0 is the
 * above). */
void cpu_state_save_as(const struct cpu *c, struct state_writer *w, unsigned k);
int cpu_state_load_as(struct cpu *c, struct state_reader *r, unsigned k);

#endif
