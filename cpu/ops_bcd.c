/* Decimal adjust instructions (DAA DAS AAA AAS AAM AAD) and SALC, after
 * the SDM pseudocode (286-and-later forms: AAA/AAS adjust AX as a whole).
 * Flags the SDM leaves undefined are set from the result (SF ZF PF) and
 * cleared (OF, and AF/CF for AAM/AAD). */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"

void op_daa(struct cpu *cpu, const struct insn *in)
{
    uint32_t al = reg_read(cpu, REG_EAX, 1), old_al = al;
    int old_cf = flags_cf(cpu), cf = 0, af = 0;
    if ((al & 0x0F) > 9 || flags_af(cpu)) {
        cf = old_cf || al + 6 > 0xFF;
        al = (al + 6) & 0xFF;
        af = 1;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xFF;
        cf = 1;
    } else {
        cf = 0;
    }
    reg_write(cpu, REG_EAX, 1, al);
    flags_set_arith(cpu, EFLAGS_ARITH, flags_szp(al, 1) | (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0));
}

void op_das(struct cpu *cpu, const struct insn *in)
{
    uint32_t al = reg_read(cpu, REG_EAX, 1), old_al = al;
    int old_cf = flags_cf(cpu), cf = 0, af = 0;
    if ((al & 0x0F) > 9 || flags_af(cpu)) {
        cf = old_cf || al < 6;
        al = (al - 6) & 0xFF;
        af = 1;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xFF;
        cf = 1;
    }
    reg_write(cpu, REG_EAX, 1, al);
    flags_set_arith(cpu, EFLAGS_ARITH, flags_szp(al, 1) | (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0));
}

static void ascii_adjust(struct cpu *cpu, int subtract)
{
    uint32_t ax = reg_read(cpu, REG_EAX, 2);
    int adjust = (ax & 0x0F) > 9 || flags_af(cpu);
    if (adjust) {
        if (subtract)
            ax = ((ax - 6) & 0xFFFF) - 0x100;
        else
            ax = ax + 0x106;
    }
    ax &= 0xFF0F;
    reg_write(cpu, REG_EAX, 2, ax);
    flags_set_arith(cpu, EFLAGS_ARITH,
                    flags_szp(ax & 0xFF, 1) | (adjust ? EFLAGS_CF | EFLAGS_AF : 0));
}

void op_aaa(struct cpu *cpu, const struct insn *in)
{
    ascii_adjust(cpu, 0);
}

void op_aas(struct cpu *cpu, const struct insn *in)
{
    ascii_adjust(cpu, 1);
}

void op_aam(struct cpu *cpu, const struct insn *in)
{
    uint32_t base = in->imm & 0xFF, al = reg_read(cpu, REG_EAX, 1);
    if (base == 0)
        cpu_raise(cpu, VEC_DE, 0);
    uint32_t r = al % base;
    reg_write(cpu, REG_EAX, 2, ((al / base) << 8) | r);
    flags_set_arith(cpu, EFLAGS_ARITH, flags_szp(r, 1));
}

void op_aad(struct cpu *cpu, const struct insn *in)
{
    uint32_t base = in->imm & 0xFF;
    uint32_t al = reg_read(cpu, REG_EAX, 1), ah = (reg_read(cpu, REG_EAX, 2) >> 8);
    uint32_t r = (al + ah * base) & 0xFF;
    reg_write(cpu, REG_EAX, 2, r);
    flags_set_arith(cpu, EFLAGS_ARITH, flags_szp(r, 1));
}

void op_salc(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, REG_EAX, 1, flags_cf(cpu) ? 0xFF : 0x00);
}
