/* The interpreter: fetch, decode, dispatch one instruction at a time, and
 * the fault/double-fault machinery around it. This is the reference
 * semantics the translator is checked against. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/except.h"
#include "cpu/exec.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"

#define H(name, fn) [OP_##name] = fn,
static const insn_handler handlers[OP_COUNT] = {
    CPU_HANDLER_TABLE(H)
};
#undef H

insn_handler cpu_handler_for(const struct insn *in)
{
    insn_handler h = in->op < OP_COUNT ? handlers[in->op] : NULL;
    return h ? h : op_unimplemented;
}

static int code_is_32(const struct cpu *cpu)
{
    return (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) != 0;
}

void cpu_decode_current(struct cpu *cpu, struct insn *in)
{
    uint8_t buf[INSN_MAX_LEN];
    unsigned n = cpu_fetch(cpu, cpu->eip, buf, INSN_MAX_LEN);
    switch (decode_insn(buf, n, code_is_32(cpu), in, NULL)) {
    case DECODE_OK:
        return;
    case DECODE_NEED_MORE:
        /* The bytes stop at the CS limit (#GP) or a page paging refuses (#PF). */
        cpu_raise_fetch_fault(cpu, cpu->eip + n);
    case DECODE_TOO_LONG:
        cpu_raise(cpu, VEC_GP, 0);
    case DECODE_UD:
        cpu->stats.ud_count++;
        cpu_raise(cpu, VEC_UD, 0);
    }
}

void cpu_execute(struct cpu *cpu, const struct insn *in)
{
    uint32_t next = cpu->eip + in->len;
    if (!code_is_32(cpu))
        next &= 0xFFFF;
    if (in->has_ea)
        cpu->ea = insn_ea(cpu, in);
    cpu->cur = in;
    cpu->eip = next;
    enum cpu_sensitivity sc = cpu_sensitive_class(in);
    if (sc != CPU_SENS_NONE) {
        cpu->stats.sensitive[sc]++;
        cpu->stats.sensitive_op[in->op]++;
        if (cpu->hooks.callout)  /* debug/: callout trace */
            cpu_callout_reached(cpu, in, sc);
    }
    cpu_handler_for(in)(cpu, in);
    if (cpu->callout_open)
        cpu_callout_outcome(cpu, in, CPU_CALLOUT_EMULATED);
}

void cpu_callout_reached(struct cpu *cpu, const struct insn *in, enum cpu_sensitivity sc)
{
    cpu->callout_open = (uint8_t)(sc + 1);
    cpu->hooks.callout(cpu->hooks.opaque, cpu, in, (int)sc, CPU_CALLOUT_REACHED);
}

void cpu_callout_outcome(struct cpu *cpu, const struct insn *in, enum cpu_callout_outcome outcome)
{
    int sc = cpu->callout_open - 1;
    cpu->callout_open = 0;
    if (cpu->hooks.callout)
        cpu->hooks.callout(cpu->hooks.opaque, cpu, in, sc, outcome);
}

/* One instruction, with single-step trap and interrupt-shadow handling. */
static void step(struct cpu *cpu)
{
    struct insn in;
    struct cpu before;
    int trap_tf = (cpu->eflags & EFLAGS_TF) != 0;
    uint8_t shadow = cpu->irq_shadow;

    uint64_t switches = cpu->stats.task_switches;
    uint64_t ints = cpu->stats.interrupts;

    cpu->insn_eip = cpu->eip;
    cpu->insn_esp = cpu->regs[REG_ESP];
    cpu->dbg_pending = 0;
    cpu->dbg_code_fault = 0;
    if (cpu->hooks.insn_retired)
        /* Only the part before the software TLB (the architectural
         * state and the memory/MMU pointers, under 1 KB): the whole
         * struct is about 76 KB on x86-64, nearly all of it the TLB, and
         * copying it per instruction made every traced run 10x slower.
         * See struct cpu_hooks.insn_retired. */
        memcpy(&before, cpu, offsetof(struct cpu, tlb));
    /* Intel processors do not take an instruction breakpoint on the
     * instruction after MOV SS / POP SS: the shadow that holds off
     * interrupts holds it off too, and it is missed, not deferred (the
     * CPU reports GenuineIntel; AMD would take it). */
    if ((cpu->dr[7] & 0xFF) && shadow != IRQ_SHADOW_MOV_SS)
        cpu_debug_insn_check(cpu);
    cpu_decode_current(cpu, &in);
    cpu_execute(cpu, &in);
    cpu->icount++;
    /* RF suppresses instruction breakpoints for one instruction; it is
     * cleared when an instruction completes, except by IRET and task
     * switches, which load it (SDM 17.3.1.1). */
    if ((cpu->eflags & EFLAGS_RF) && in.op != OP_IRET && cpu->stats.task_switches == switches)
        cpu->eflags &= ~EFLAGS_RF;
    uint32_t traps = cpu_debug_take_traps(cpu);
    /* An interrupt shadow lasts for exactly one instruction; the one MOV SS
     * or POP SS starts also defers a single-step trap past the next
     * instruction, so one trap covers both. */
    if (shadow)
        cpu->irq_shadow = IRQ_SHADOW_NONE;
    else if (cpu->irq_shadow == IRQ_SHADOW_MOV_SS)
        trap_tf = 0;
    if (cpu->hooks.insn_retired)
        cpu->hooks.insn_retired(cpu->hooks.opaque, cpu, &in, &before);
    /* INT n, INT3, INTO and INT1 that deliver an interrupt take no
     * single-step trap: they clear TF on the way in (SDM 17.3.1.4, "The
     * INT n and INTO instructions clear the TF flag upon execution"), and
     * through a task gate the trap would otherwise land in the new task,
     * whose TF is its own (Bochs drops pending traps on any delivery). */
    if (cpu->stats.interrupts != ints)
        trap_tf = 0;
    if (trap_tf)
        traps |= DR6_BS;   /* single-step trap after the instruction (SDM 17.3.1.4) */
    if (traps) {
        /* One #DB reports every trap condition of the instruction. */
        cpu->dr[6] = (cpu->dr[6] & ~0xFu) | traps;
        cpu->insn_eip = cpu->eip;
        cpu->insn_esp = cpu->regs[REG_ESP];
        cpu_deliver_interrupt(cpu, VEC_DB, INT_SRC_EXCEPTION, 0, 0);
    }
}

/* Exception classes for double-fault decisions (SDM Vol. 3, Table 6-5). */
static int is_contributory(int vec)
{
    return vec == VEC_DE || vec == VEC_TS || vec == VEC_NP || vec == VEC_SS || vec == VEC_GP;
}

static void record_fault(struct cpu *cpu, int vec)
{
    if (cpu->fault_chain_len < sizeof(cpu->fault_chain))
        cpu->fault_chain[cpu->fault_chain_len++] = (uint8_t)vec;
}

void cpu_format_fault_chain(const struct cpu *cpu, char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = 0;
    for (unsigned i = 0; i < cpu->fault_chain_len && used < size; i++) {
        const char *n = cpu_vector_name(cpu->fault_chain[i] & 31u);
        int w = snprintf(buf + used, size - used, "%s%s", i ? " " : "", n ? n : "#?");
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Called after a longjmp from cpu_raise(): roll the faulting instruction
 * back and deliver, escalating to #DF and shutdown as the SDM requires. */
void cpu_handle_fault(struct cpu *cpu)
{
    int vec = cpu->fault_vector;
    int has_err = cpu->fault_has_error;
    uint32_t err = cpu->fault_error;

    if (cpu->callout_open)   /* a traced callout faulted */
        cpu_callout_outcome(cpu, NULL, CPU_CALLOUT_FAULTED);
    if (cpu->delivering < 0) {
        cpu->fault_chain_len = 0;
        cpu->fault_rf = cpu->eflags & EFLAGS_RF;
    } else {
        /* The delivery under way failed: the RF it set was for the image it
         * did not push (SDM 17.3.1.1 sets RF in the pushed EFLAGS image,
         * never in the live flag). */
        cpu->eflags = (cpu->eflags & ~EFLAGS_RF) | cpu->fault_rf;
    }
    record_fault(cpu, vec);
    if (cpu->delivering >= 0) {
        int first = cpu->delivering;
        if (first == VEC_DF) {
            /* A fault while delivering #DF: shutdown (SDM 6.15, int 8). */
            cpu->shutdown = 1;
            cpu->delivering = -1;
            return;
        }
        if ((is_contributory(first) && is_contributory(vec)) ||
            (first == VEC_PF && (vec == VEC_PF || is_contributory(vec)))) {
            vec = VEC_DF;
            has_err = 1;
            err = 0;
            record_fault(cpu, vec);
        }
        /* Otherwise the second exception is handled serially. */
    }
    /* Faults restart the instruction: EIP and ESP as before it ran. The
     * EFLAGS image of a fault carries RF = 1, so the restarted instruction
     * does not hit its own instruction breakpoint again (SDM 17.3.1.1);
     * instruction breakpoints themselves push RF = 0. RF is set here so
     * every image writer (stack frame, task-switch TSS) sees it; a gate
     * clears it once the image is saved, and a failed delivery restores
     * the value from before the fault (above). */
    cpu->eip = cpu->insn_eip;
    cpu->regs[REG_ESP] = cpu->insn_esp;
    if (!cpu->dbg_code_fault && vec != VEC_DF)
        cpu->eflags |= EFLAGS_RF;
    cpu->dbg_code_fault = 0;
    cpu->delivering = vec;
    cpu_deliver_interrupt(cpu, vec, INT_SRC_EXCEPTION, has_err, err);
    cpu->delivering = -1;
}

enum cpu_exit cpu_run(struct cpu *cpu, uint64_t budget)
{
    jmp_buf jb;
    jmp_buf *outer = cpu->fault_jmp;
    volatile enum cpu_exit why = CPU_EXIT_BUDGET;

    cpu->fault_jmp = &jb;
    cpu->run_end = cpu->icount + budget;
    if (setjmp(jb)) {
        cpu_handle_fault(cpu);
        /* A fault uses one unit of the budget, so a guest that faults on
         * every instruction still returns to the run loop. One that ends
         * in a shutdown too: the translator, which runs untranslatable
         * code through here, reports the units to lockstep from run_end. */
        if (cpu->run_end > cpu->icount)
            cpu->run_end--;
        if (cpu->shutdown) {
            cpu->fault_jmp = outer;
            return CPU_EXIT_SHUTDOWN;
        }
    }
    while (cpu->icount < cpu->run_end) {
        if (cpu->halted) {
            why = CPU_EXIT_HLT;
            break;
        }
        if (cpu->stop_requested) {
            cpu->stop_requested = 0;
            why = CPU_EXIT_STOP;
            break;
        }
        step(cpu);
    }
    why = cpu_run_exit(cpu, why);
    cpu->fault_jmp = outer;
    return why;
}

enum cpu_exit cpu_run_exit(struct cpu *cpu, enum cpu_exit why)
{
    if (why == CPU_EXIT_BUDGET && cpu->halted)
        why = CPU_EXIT_HLT;
    if (why == CPU_EXIT_BUDGET && cpu->stop_requested) {
        cpu->stop_requested = 0;
        why = CPU_EXIT_STOP;
    }
    return why;
}

/* Deliver an event from outside the instruction stream (INTR or NMI) at
 * an instruction boundary, with the double-fault logic of cpu_run(). */
static int deliver_event(struct cpu *cpu, int vec)
{
    jmp_buf jb;
    jmp_buf *outer = cpu->fault_jmp;
    int rc = 0;

    cpu->fault_jmp = &jb;
    cpu->halted = 0;
    cpu->insn_eip = cpu->eip;
    cpu->insn_esp = cpu->regs[REG_ESP];
    if (setjmp(jb)) {
        cpu_handle_fault(cpu);
        if (cpu->shutdown)
            rc = -1;
    } else {
        cpu->delivering = vec;
        cpu_deliver_interrupt(cpu, vec, INT_SRC_EXTERNAL, 0, 0);
        cpu->delivering = -1;
    }
    cpu->fault_jmp = outer;
    return rc;
}

int cpu_external_interrupt(struct cpu *cpu, int vec)
{
    return deliver_event(cpu, vec);
}

void cpu_raise_nmi(struct cpu *cpu)
{
    cpu->nmi_pending = 1;
}

int cpu_nmi_ready(const struct cpu *cpu)
{
    /* NMI ignores IF but not the MOV SS shadow; one NMI at a time: the
     * next is held until an IRET (SDM 6.7.1, 6.8.3). */
    return cpu->nmi_pending && !cpu->nmi_blocked && cpu->irq_shadow != IRQ_SHADOW_MOV_SS;
}

int cpu_deliver_nmi(struct cpu *cpu)
{
    cpu->nmi_pending = 0;
    cpu->nmi_blocked = 1;
    return deliver_event(cpu, VEC_NMI);
}
