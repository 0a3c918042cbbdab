/* Two-operand arithmetic/logic (ADD OR ADC SBB AND SUB XOR CMP TEST) and
 * the one-operand INC DEC NEG NOT. Flags are recorded lazily. */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"

void op_alu(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t a = opnd_read(cpu, in, 0);
    uint32_t b = opnd_read(cpu, in, 1) & size_mask(size);
    uint32_t r;
    enum lf_op kind = alu_compute(cpu, in->op, a, b, &r);
    /* Write first: a faulting store must leave the flags untouched. */
    if (in->op != OP_CMP && in->op != OP_TEST)
        opnd_write(cpu, in, 0, r);
    flags_set_lazy(cpu, kind, size, a, b, r);
}

void op_inc(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t a = opnd_read(cpu, in, 0);
    uint32_t r = a + 1;
    opnd_write(cpu, in, 0, r);
    flags_set_lazy(cpu, LF_INC, size, a, 1, r);
}

void op_dec(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t a = opnd_read(cpu, in, 0);
    uint32_t r = a - 1;
    opnd_write(cpu, in, 0, r);
    flags_set_lazy(cpu, LF_DEC, size, a, 1, r);
}

void op_neg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t a = opnd_read(cpu, in, 0);
    uint32_t r = 0 - a;
    opnd_write(cpu, in, 0, r);
    flags_set_lazy(cpu, LF_SUB, size, 0, a, r);
}

void op_not(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, ~opnd_read(cpu, in, 0));
}
