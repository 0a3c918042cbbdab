/* Full micro-ops: the exact interpreter sequence after decoding, with the
 * instruction count and EIP brought up to date first. */
#include "cpu/operand.h"
#include "cpu/sensitive.h"
#include "dbt/uops.h"

static inline void enter_insn(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    const struct insn *in = &u->in;
    cpu->icount = d->icount0 + u->idx;
    cpu->insn_eip = u->eip;
    cpu->insn_esp = cpu->regs[REG_ESP];
    if (in->has_ea)
        cpu->ea = insn_ea(cpu, in);
    cpu->cur = in;
    cpu->eip = u->next_eip;
}

/* Whether a full form that is not a callout may change what the memory
 * forms' fast halves decided (dbt_mem_state): a data segment register.
 * The rest that could (CR0, DR7, CPL, far transfers) are callouts, or end
 * the block, and the run loop decides again before the next one. */
static int loads_segment(unsigned op)
{
    switch (op) {
    case OP_POP_SREG: case OP_MOV_TO_SREG:
    case OP_LDS: case OP_LES: case OP_LFS: case OP_LGS: case OP_LSS:
        return 1;
    default:
        return 0;
    }
}

const struct dbt_uop *dbt_uop_full(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    uint32_t gen = d->code_gen;
    enter_insn(cpu, u, d);
    u->handler(cpu, &u->in);
    if (loads_segment(u->in.op))
        dbt_mem_state(d);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

/* x87 instructions, WAIT and FXRSTOR: the full sequence, and the block
 * ends when the instruction froze the CPU (a pending exception in MS-DOS
 * compatibility mode: cpu->halted with EIP back on it) or asked the run
 * to stop (FERR# raised IRQ 13), as the interpreter stops after it. */
const struct dbt_uop *dbt_uop_full_x87(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    uint32_t gen = d->code_gen;
    enter_insn(cpu, u, d);
    u->handler(cpu, &u->in);
    dbt_mem_state(d);
    if (cpu->halted || cpu->stop_requested)
        DBT_STOP(u, d);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}

/* A sensitive instruction (cpu/sensitive.h): a callout into its cpu/
 * system function, counted per class as the interpreter counts it and as
 * a translator callout. */
const struct dbt_uop *dbt_uop_callout(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    uint32_t gen = d->code_gen;
    enum cpu_sensitivity sc = cpu_sensitive_class(&u->in);
    enter_insn(cpu, u, d);
    cpu->stats.sensitive[sc]++;
    cpu->stats.sensitive_op[u->in.op]++;
    (*u->callout_count)++;
    if (cpu->hooks.callout)  /* debug/: callout trace */
        cpu_callout_reached(cpu, &u->in, sc);
    u->handler(cpu, &u->in);
    if (cpu->callout_open)
        cpu_callout_outcome(cpu, &u->in, CPU_CALLOUT_EMULATED);
    dbt_mem_state(d);
    DBT_NEXT_UNLESS_CODE_WRITTEN(cpu, u, d, gen);
}
