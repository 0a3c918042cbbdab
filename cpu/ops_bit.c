/* Bit test and scan: BT BTS BTR BTC, BSF BSR.
 * Flags: CF is the tested bit; ZF is unaffected; OF SF AF PF are left as
 * they were (SDM: undefined). BSF/BSR of zero set ZF and leave the
 * destination unchanged, as Intel processors do (SDM: undefined). */
#include "cpu/ops.h"
#include "cpu/operand.h"

void op_bt(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size, bits = size * 8;
    uint32_t offset = opnd_read(cpu, in, 1);
    uint32_t bit, value, result;
    uint32_t ea = cpu->ea;

    if (in->opnd[0].kind == OPK_MEM && in->opnd[1].kind == OPK_REG) {
        /* A register bit offset is a signed index into a bit string that
         * may lie outside the addressed operand (SDM "BT"). */
        int32_t soff = size == 2 ? (int32_t)(int16_t)offset : (int32_t)offset;
        int32_t units = soff >> (size == 2 ? 4 : 5);   /* arithmetic: floor */
        cpu->ea = (ea + (uint32_t)units * size) & addr_mask(in);
        bit = (uint32_t)soff & (bits - 1);
    } else {
        bit = offset & (bits - 1);
    }
    value = opnd_read(cpu, in, 0);
    switch (in->op) {
    case OP_BTS: result = value | (1u << bit); break;
    case OP_BTR: result = value & ~(1u << bit); break;
    case OP_BTC: result = value ^ (1u << bit); break;
    default:     result = value; break;
    }
    if (in->op != OP_BT)
        opnd_write(cpu, in, 0, result);
    cpu->ea = ea;
    flags_set_arith(cpu, EFLAGS_CF, (value >> bit) & 1 ? EFLAGS_CF : 0);
}

void op_bsf(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t v = opnd_read(cpu, in, 1) & size_mask(size);
    if (v == 0) {
        flags_set_arith(cpu, EFLAGS_ZF, EFLAGS_ZF);
        return;
    }
    unsigned i = 0;
    while (!((v >> i) & 1))
        i++;
    opnd_write(cpu, in, 0, i);
    flags_set_arith(cpu, EFLAGS_ZF, 0);
}

void op_bsr(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t v = opnd_read(cpu, in, 1) & size_mask(size);
    if (v == 0) {
        flags_set_arith(cpu, EFLAGS_ZF, EFLAGS_ZF);
        return;
    }
    unsigned i = size * 8 - 1;
    while (!((v >> i) & 1))
        i--;
    opnd_write(cpu, in, 0, i);
    flags_set_arith(cpu, EFLAGS_ZF, 0);
}
