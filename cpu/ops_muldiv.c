/* MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * After multiplies CF = OF = "the high half is significant"; SF ZF PF are
 * set from the low half and AF cleared (SDM: undefined). Divides leave the
 * flags unchanged (SDM: undefined) and raise #DE on a zero divisor or a
 * quotient that does not fit.
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"

static void set_mul_flags(struct cpu *cpu, uint32_t low, unsigned size, int overflow)
{
    uint32_t f = flags_szp(low, size);
    if (overflow)
        f |= EFLAGS_CF | EFLAGS_OF;
    flags_set_arith(cpu, EFLAGS_ARITH, f);
}

static int64_t sign_extend(uint32_t v, unsigned size)
{
    unsigned shift = 32 - size * 8;
    return (int64_t)((int32_t)(v << shift) >> shift);
}

void op_mul(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint64_t src = opnd_read(cpu, in, 0);
    uint64_t acc = reg_read(cpu, REG_EAX, size);
    uint64_t p = acc * src;
    unsigned bits = size * 8;

    if (size == 1) {
        reg_write(cpu, REG_EAX, 2, (uint32_t)p);
    } else {
        reg_write(cpu, REG_EAX, size, (uint32_t)p);
        reg_write(cpu, REG_EDX, size, (uint32_t)(p >> bits));
    }
    set_mul_flags(cpu, (uint32_t)p, size, (p >> bits) != 0);
}

void op_imul1(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    int64_t src = sign_extend(opnd_read(cpu, in, 0), size);
    int64_t acc = sign_extend(reg_read(cpu, REG_EAX, size), size);
    int64_t p = acc * src;
    unsigned bits = size * 8;
    uint64_t up = (uint64_t)p;

    if (size == 1) {
        reg_write(cpu, REG_EAX, 2, (uint32_t)up);
    } else {
        reg_write(cpu, REG_EAX, size, (uint32_t)up);
        reg_write(cpu, REG_EDX, size, (uint32_t)(up >> bits));
    }
    set_mul_flags(cpu, (uint32_t)up, size, sign_extend((uint32_t)up, size) != p);
}

void op_imul(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    /* 0F AF: Gv *= Ev; 69/6B: Gv = Ev * imm. */
    unsigned a = in->nopnd == 3 ? 1 : 0, b = in->nopnd == 3 ? 2 : 1;
    uint32_t x = opnd_read(cpu, in, a);
    uint32_t y = opnd_read(cpu, in, b);
    opnd_write(cpu, in, 0, alu_imul(cpu, x, y, size, 1));
}

void op_div(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    unsigned bits = size * 8;
    uint64_t divisor = opnd_read(cpu, in, 0);
    uint64_t dividend;

    if (size == 1)
        dividend = reg_read(cpu, REG_EAX, 2);
    else
        dividend = ((uint64_t)reg_read(cpu, REG_EDX, size) << bits) | reg_read(cpu, REG_EAX, size);
    if (divisor == 0)
        cpu_raise(cpu, VEC_DE, 0);
    uint64_t q = dividend / divisor, r = dividend % divisor;
    if (q > size_mask(size))
        cpu_raise(cpu, VEC_DE, 0);
    if (size == 1) {
        reg_write(cpu, REG_EAX, 2, (uint32_t)((r << 8) | q));
    } else {
        reg_write(cpu, REG_EAX, size, (uint32_t)q);
        reg_write(cpu, REG_EDX, size, (uint32_t)r);
    }
}

void op_idiv(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    unsigned bits = size * 8;
    int64_t divisor = sign_extend(opnd_read(cpu, in, 0), size);
    int64_t dividend;

    if (size == 1) {
        dividend = sign_extend(reg_read(cpu, REG_EAX, 2), 2);
    } else {
        uint64_t u = ((uint64_t)reg_read(cpu, REG_EDX, size) << bits) | reg_read(cpu, REG_EAX, size);
        unsigned shift = 64 - 2 * bits;
        dividend = (int64_t)(u << shift) >> shift;
    }
    if (divisor == 0)
        cpu_raise(cpu, VEC_DE, 0);
    /* The one division C leaves undefined, INT64_MIN / -1 (a 32-bit IDIV
     * of EDX:EAX = 8000000000000000h by -1), overflows the quotient. */
    if (dividend == INT64_MIN && divisor == -1)
        cpu_raise(cpu, VEC_DE, 0);
    int64_t q = dividend / divisor, r = dividend % divisor;
    int64_t max = (int64_t)(size_sign(size) - 1);
    if (q > max || q < -max - 1)
        cpu_raise(cpu, VEC_DE, 0);
    if (size == 1) {
        reg_write(cpu, REG_EAX, 2, (uint32_t)(((uint64_t)r & 0xFF) << 8 | ((uint64_t)q & 0xFF)));
    } else {
        reg_write(cpu, REG_EAX, size, (uint32_t)q);
        reg_write(cpu, REG_EDX, size, (uint32_t)r);
    }
}
