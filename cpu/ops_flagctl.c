/* Flag control: CLC STC CMC CLD STD, and the IOPL-sensitive CLI/STI. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/seg.h"

void op_flag_insn(struct cpu *cpu, const struct insn *in)
{
    switch (in->op) {
    case OP_CLC: flags_set_arith(cpu, EFLAGS_CF, 0); break;
    case OP_STC: flags_set_arith(cpu, EFLAGS_CF, EFLAGS_CF); break;
    case OP_CMC: flags_set_arith(cpu, EFLAGS_CF, flags_cf(cpu) ? 0 : EFLAGS_CF); break;
    case OP_CLD: cpu->eflags &= ~EFLAGS_DF; break;
    default:     cpu->eflags |= EFLAGS_DF; break;   /* STD */
    }
}

/* CLI/STI need CPL <= IOPL in protected mode and IOPL = 3 in V86
 * (virtual interrupt flags under CR4.VME/PVI are [system]'s). */
static void check_iopl(struct cpu *cpu)
{
    unsigned iopl = (cpu->eflags & EFLAGS_IOPL) >> 12;
    if ((cpu->cr0 & CR0_PE) && cpu_cpl(cpu) > iopl)
        cpu_raise(cpu, VEC_GP, 0);
}

void op_cli(struct cpu *cpu, const struct insn *in)
{
    check_iopl(cpu);
    cpu->eflags &= ~EFLAGS_IF;
}

void op_sti(struct cpu *cpu, const struct insn *in)
{
    check_iopl(cpu);
    /* STI delays interrupts by one instruction only when it sets IF. */
    if (!(cpu->eflags & EFLAGS_IF))
        cpu->irq_shadow = IRQ_SHADOW_STI;
    cpu->eflags |= EFLAGS_IF;
}
