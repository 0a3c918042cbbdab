/* Operand access for instruction handlers: registers by size, decoded
 * operands, effective addresses. Inline: these are on every instruction's
 * path. */
#ifndef SHADOW86_CPU_OPERAND_H
#define SHADOW86_CPU_OPERAND_H

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/mem_fast.h"

static inline uint32_t reg_read(const struct cpu *cpu, unsigned r, unsigned size)
{
    if (size == 4)
        return cpu->regs[r];
    if (size == 2)
        return cpu->regs[r] & 0xFFFF;
    return r < 4 ? cpu->regs[r] & 0xFF : (cpu->regs[r - 4] >> 8) & 0xFF;
}

static inline void reg_write(struct cpu *cpu, unsigned r, unsigned size, uint32_t v)
{
    if (size == 4)
        cpu->regs[r] = v;
    else if (size == 2)
        cpu->regs[r] = (cpu->regs[r] & 0xFFFF0000u) | (v & 0xFFFF);
    else if (r < 4)
        cpu->regs[r] = (cpu->regs[r] & 0xFFFFFF00u) | (v & 0xFF);
    else
        cpu->regs[r - 4] = (cpu->regs[r - 4] & 0xFFFF00FFu) | ((v & 0xFF) << 8);
}

/* Effective address offset of the instruction's memory operand,
 * truncated to the address size. */
static inline uint32_t insn_ea(const struct cpu *cpu, const struct insn *in)
{
    uint32_t ea = (uint32_t)in->disp;
    if (in->ea_base != EA_NONE)
        ea += cpu->regs[in->ea_base];
    if (in->ea_index != EA_NONE)
        ea += cpu->regs[in->ea_index] << in->ea_scale;
    return in->addrsize == 2 ? (ea & 0xFFFF) : ea;
}

static inline uint32_t opnd_read(struct cpu *cpu, const struct insn *in, unsigned i)
{
    const struct opnd *o = &in->opnd[i];
    switch (o->kind) {
    case OPK_REG:    return reg_read(cpu, o->reg, o->size);
    case OPK_MEM:    return cpu_read_fast(cpu, in->seg, cpu->ea, o->size);
    case OPK_IMM:    return in->imm;
    case OPK_CONST1: return 1;
    case OPK_SREG:   return cpu->seg[o->reg].sel;
    default:         return 0;
    }
}

static inline void opnd_write(struct cpu *cpu, const struct insn *in, unsigned i, uint32_t v)
{
    const struct opnd *o = &in->opnd[i];
    if (o->kind == OPK_REG)
        reg_write(cpu, o->reg, o->size, v);
    else
        cpu_write_fast(cpu, in->seg, cpu->ea, o->size, v & size_mask(o->size));
}

/* Address-size-dependent counter and index registers (string ops, LOOP). */
static inline uint32_t addr_mask(const struct insn *in)
{
    return in->addrsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

static inline uint32_t reg_read_a(const struct cpu *cpu, const struct insn *in, unsigned r)
{
    return cpu->regs[r] & addr_mask(in);
}

static inline void reg_write_a(struct cpu *cpu, const struct insn *in, unsigned r, uint32_t v)
{
    uint32_t m = addr_mask(in);
    cpu->regs[r] = (cpu->regs[r] & ~m) | (v & m);
}

#endif
