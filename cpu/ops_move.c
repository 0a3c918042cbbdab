/* Data movement: MOV and its extending forms, XCHG, LEA, sign extensions,
 * BSWAP, XADD, CMPXCHG(8B), CMOVcc, SETcc, LAHF/SAHF, XLAT, NOP. */
#include "cpu/ops.h"
#include "cpu/operand.h"

void op_mov(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, opnd_read(cpu, in, 1));
}

void op_movzx(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, opnd_read(cpu, in, 1));
}

void op_movsx(struct cpu *cpu, const struct insn *in)
{
    uint32_t v = opnd_read(cpu, in, 1);
    v = in->opnd[1].size == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
    opnd_write(cpu, in, 0, v);
}

void op_xchg(struct cpu *cpu, const struct insn *in)
{
    uint32_t a = opnd_read(cpu, in, 0), b = opnd_read(cpu, in, 1);
    /* The memory operand (if any) is operand 0: store it first so a fault
     * leaves the register unchanged. */
    opnd_write(cpu, in, 0, b);
    opnd_write(cpu, in, 1, a);
}

void op_lea(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, cpu->ea);
}

void op_cbw(struct cpu *cpu, const struct insn *in)
{
    if (in->opsize == 2)
        reg_write(cpu, REG_EAX, 2, (uint32_t)(int32_t)(int8_t)reg_read(cpu, REG_EAX, 1));
    else
        cpu->regs[REG_EAX] = (uint32_t)(int32_t)(int16_t)reg_read(cpu, REG_EAX, 2);
}

void op_cwd(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint32_t sign = reg_read(cpu, REG_EAX, size) & size_sign(size);
    reg_write(cpu, REG_EDX, size, sign ? 0xFFFFFFFFu : 0);
}

void op_bswap(struct cpu *cpu, const struct insn *in)
{
    unsigned r = in->opnd[0].reg;
    if (in->opsize == 2) {
        /* SDM: undefined for 16-bit operands; P6 processors clear the
         * low word. */
        reg_write(cpu, r, 2, 0);
        return;
    }
    uint32_t v = cpu->regs[r];
    cpu->regs[r] = (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
}

void op_xadd(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t dst = opnd_read(cpu, in, 0), src = opnd_read(cpu, in, 1);
    uint32_t sum = dst + src;
    /* SRC := DEST, then DEST := SUM (the destination wins if both name
     * the same register); the memory destination is stored first. */
    if (in->opnd[0].kind == OPK_MEM) {
        opnd_write(cpu, in, 0, sum);
        opnd_write(cpu, in, 1, dst);
    } else {
        opnd_write(cpu, in, 1, dst);
        opnd_write(cpu, in, 0, sum);
    }
    flags_set_lazy(cpu, LF_ADD, size, dst, src, sum);
}

void op_cmpxchg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint32_t acc = reg_read(cpu, REG_EAX, size);
    uint32_t dst = opnd_read(cpu, in, 0);
    if (acc == dst) {
        opnd_write(cpu, in, 0, opnd_read(cpu, in, 1));
    } else {
        /* The processor always writes the destination (SDM "CMPXCHG"). */
        opnd_write(cpu, in, 0, dst);
        reg_write(cpu, REG_EAX, size, dst);
    }
    flags_set_lazy(cpu, LF_SUB, size, acc, dst, acc - dst);
}

void op_cmpxchg8b(struct cpu *cpu, const struct insn *in)
{
    uint32_t lo = cpu_read(cpu, in->seg, cpu->ea, 4);
    uint32_t hi = cpu_read(cpu, in->seg, (cpu->ea + 4) & addr_mask(in), 4);
    cpu_check_access(cpu, in->seg, cpu->ea, 4, 1);
    cpu_check_access(cpu, in->seg, (cpu->ea + 4) & addr_mask(in), 4, 1);
    if (lo == cpu->regs[REG_EAX] && hi == cpu->regs[REG_EDX]) {
        cpu_write(cpu, in->seg, cpu->ea, 4, cpu->regs[REG_EBX]);
        cpu_write(cpu, in->seg, (cpu->ea + 4) & addr_mask(in), 4, cpu->regs[REG_ECX]);
        flags_set_arith(cpu, EFLAGS_ZF, EFLAGS_ZF);
    } else {
        cpu_write(cpu, in->seg, cpu->ea, 4, lo);
        cpu_write(cpu, in->seg, (cpu->ea + 4) & addr_mask(in), 4, hi);
        cpu->regs[REG_EAX] = lo;
        cpu->regs[REG_EDX] = hi;
        flags_set_arith(cpu, EFLAGS_ZF, 0);
    }
}

void op_cmov(struct cpu *cpu, const struct insn *in)
{
    uint32_t v = opnd_read(cpu, in, 1);   /* the source is read (and may fault) either way */
    if (flags_cond(cpu, in->cond))
        opnd_write(cpu, in, 0, v);
}

void op_setcc(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, (uint32_t)flags_cond(cpu, in->cond));
}

void op_lahf(struct cpu *cpu, const struct insn *in)
{
    uint32_t f = cpu_get_eflags(cpu) & (EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF);
    reg_write(cpu, 4 /* AH */, 1, f | EFLAGS_FIXED1);
}

void op_sahf(struct cpu *cpu, const struct insn *in)
{
    uint32_t mask = EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF;
    flags_set_arith(cpu, mask, reg_read(cpu, 4 /* AH */, 1));
}

void op_xlat(struct cpu *cpu, const struct insn *in)
{
    uint32_t off = (reg_read_a(cpu, in, REG_EBX) + reg_read(cpu, REG_EAX, 1)) & addr_mask(in);
    reg_write(cpu, REG_EAX, 1, cpu_read(cpu, in->seg, off, 1));
}

/* NOP, the hint NOPs, and PAUSE (F3 90: a spin-wait loop's hint; the
 * platform may run another CPU, cpu_io.pause). */
void op_nop(struct cpu *cpu, const struct insn *in)
{
    if (in->rep == REP_E && in->nopnd == 0 && cpu->io.pause)
        cpu->io.pause(cpu->io.opaque);
}
