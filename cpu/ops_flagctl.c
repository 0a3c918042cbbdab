/* Flag control: CLC STC CMC CLD STD, and the IOPL-sensitive CLI/STI. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/seg.h"
#include "cpu/v86.h"

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

/* CLI/STI need CPL <= IOPL in protected mode and IOPL = 3 in V86; under
 * CR4.VME (V86) or CR4.PVI (CPL 3) they act on VIF instead (cpu/v86.c). */
void op_cli(struct cpu *cpu, const struct insn *in)
{
    if (v86_virtual_cli(cpu))
        return;
    cpu->eflags &= ~EFLAGS_IF;
}

void op_sti(struct cpu *cpu, const struct insn *in)
{
    if (v86_virtual_sti(cpu))
        return;
    /* STI delays interrupts by one instruction only when it sets IF. */
    if (!(cpu->eflags & EFLAGS_IF)) {
        cpu->irq_shadow = IRQ_SHADOW_STI;
        if (cpu->intr_waiting)
            cpu->stop_requested = 1;   /* INTR is waiting for this */
    }
    cpu->eflags |= EFLAGS_IF;
}
