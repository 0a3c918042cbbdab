/* IN and OUT, and the I/O permission check shared with INS/OUTS. */
#include "cpu/debug.h"
#include "cpu/except.h"
#include "cpu/io.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"

void cpu_io_check(struct cpu *cpu, uint16_t port, unsigned size)
{
    unsigned iopl = (cpu->eflags & EFLAGS_IOPL) >> 12;
    cpu_debug_io(cpu, port, size);
    if (!(cpu->cr0 & CR0_PE))
        return;
    if (!(cpu->eflags & EFLAGS_VM) && cpu_cpl(cpu) <= iopl)
        return;
    /* Consult the I/O permission bitmap of a 32-bit TSS. */
    unsigned type = cpu->tr.attr & 0x1F;
    if ((type != 0x09 && type != 0x0B) || cpu->tr.limit < 0x67)
        cpu_raise(cpu, VEC_GP, 0);
    uint32_t map = cpu_lin_read(cpu, cpu->tr.base + 0x66, 2);
    uint32_t byte = map + port / 8u;
    if (byte + 1 > cpu->tr.limit)
        cpu_raise(cpu, VEC_GP, 0);
    uint32_t bits = cpu_lin_read(cpu, cpu->tr.base + byte, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1))
        cpu_raise(cpu, VEC_GP, 0);
}

uint32_t cpu_io_in(struct cpu *cpu, uint16_t port, unsigned size)
{
    if (!cpu->io.in)
        return size_mask(size);
    return cpu->io.in(cpu->io.opaque, port, size) & size_mask(size);
}

void cpu_io_out(struct cpu *cpu, uint16_t port, unsigned size, uint32_t val)
{
    if (cpu->io.out)
        cpu->io.out(cpu->io.opaque, port, size, val & size_mask(size));
}

/* The port operand is an immediate byte or DX. */
static uint16_t io_port(struct cpu *cpu, const struct insn *in, unsigned i)
{
    return (uint16_t)opnd_read(cpu, in, i);
}

void op_in(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    uint16_t port = io_port(cpu, in, 1);
    cpu_io_check(cpu, port, size);
    reg_write(cpu, REG_EAX, size, cpu_io_in(cpu, port, size));
}

void op_out(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[1].size;
    uint16_t port = io_port(cpu, in, 0);
    cpu_io_check(cpu, port, size);
    cpu_io_out(cpu, port, size, reg_read(cpu, REG_EAX, size));
}
