/* Task management: TSS reads for stack switches and the task switch
 * itself (SDM Vol. 3, chapter 7). */
#ifndef SHADOW86_CPU_TASK_H
#define SHADOW86_CPU_TASK_H

#include "cpu/cpu.h"
#include "cpu/descriptor.h"

/* What started a task switch: decides the busy bits, NT and back link
 * (SDM Table 7-2). */
enum task_reason { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/* Find the TSS descriptor `tsel` names for a switch of kind `why`: GDT
 * only, an available TSS (a busy one for IRET), present. Failures raise
 * #GP(tsel|ext), or #TS(tsel) for IRET; not present #NP(tsel|ext). */
void task_lookup(struct cpu *cpu, uint16_t tsel, enum task_reason why, unsigned ext,
                 struct desc *out);

/* Switch to the task whose TSS descriptor `nd` was found by task_lookup.
 * The current EIP is saved as the old task's return point. If has_err, the
 * error code is pushed on the new task's stack (exceptions through task
 * gates). Faults after the commit point belong to the new task. */
void task_switch(struct cpu *cpu, uint16_t tsel, struct desc nd, enum task_reason why,
                 int has_err, uint32_t err, unsigned ext);

/* The stack for privilege level `cpl` (0-2) from the current TSS.
 * Raises #TS(TR selector|ext) when the TSS is too short. */
void task_stack_for_cpl(struct cpu *cpu, unsigned cpl, uint16_t *ss, uint32_t *esp, unsigned ext);

#endif
