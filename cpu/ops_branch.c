/* Near control transfers: JMP, Jcc, JCXZ, LOOPcc, CALL, RET. The target
 * is checked against the CS limit before anything is pushed or changed. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/stack.h"

/* Target of a near transfer, truncated to the operand size and checked
 * against the CS limit (#GP(0)). */
static uint32_t near_target(struct cpu *cpu, const struct insn *in, uint32_t target)
{
    if (in->opsize == 2)
        target &= 0xFFFF;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    return target;
}

void op_jmp(struct cpu *cpu, const struct insn *in)
{
    cpu->eip = near_target(cpu, in, cpu->eip + in->imm);
}

void op_jmp_ind(struct cpu *cpu, const struct insn *in)
{
    cpu->eip = near_target(cpu, in, opnd_read(cpu, in, 0));
}

void op_jcc(struct cpu *cpu, const struct insn *in)
{
    if (flags_cond(cpu, in->cond))
        cpu->eip = near_target(cpu, in, cpu->eip + in->imm);
}

void op_jcxz(struct cpu *cpu, const struct insn *in)
{
    if (reg_read_a(cpu, in, REG_ECX) == 0)
        cpu->eip = near_target(cpu, in, cpu->eip + in->imm);
}

void op_loop(struct cpu *cpu, const struct insn *in)
{
    uint32_t count = (reg_read_a(cpu, in, REG_ECX) - 1) & addr_mask(in);
    int taken = count != 0;
    if (in->op == OP_LOOPE)
        taken = taken && flags_zf(cpu);
    else if (in->op == OP_LOOPNE)
        taken = taken && !flags_zf(cpu);
    uint32_t target = taken ? near_target(cpu, in, cpu->eip + in->imm) : cpu->eip;
    reg_write_a(cpu, in, REG_ECX, count);
    cpu->eip = target;
}

void op_call(struct cpu *cpu, const struct insn *in)
{
    uint32_t target = near_target(cpu, in, cpu->eip + in->imm);
    stack_push(cpu, in->opsize, cpu->eip);
    cpu->eip = target;
}

void op_call_ind(struct cpu *cpu, const struct insn *in)
{
    uint32_t target = near_target(cpu, in, opnd_read(cpu, in, 0));
    stack_push(cpu, in->opsize, cpu->eip);
    cpu->eip = target;
}

void op_ret(struct cpu *cpu, const struct insn *in)
{
    uint32_t target = near_target(cpu, in, stack_pop(cpu, in->opsize));
    if (in->nopnd)
        stack_set_sp(cpu, stack_sp(cpu) + (in->imm & 0xFFFF));
    cpu->eip = target;
}
