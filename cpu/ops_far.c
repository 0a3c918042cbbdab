/* Far transfers, software interrupts, IRET, BOUND and segment register
 * moves: the handlers decode operands and call cpu/transfer.c, cpu/iret.c
 * and cpu/v86.c, which hold the mode and privilege rules. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/transfer.h"
#include "cpu/v86.h"

/* Read a far pointer (offset of operand size, then a selector). */
static void read_far_pointer(struct cpu *cpu, const struct insn *in, uint16_t *sel, uint32_t *off)
{
    *off = cpu_read(cpu, in->seg, cpu->ea, in->opsize);
    *sel = (uint16_t)cpu_read(cpu, in->seg, (cpu->ea + in->opsize) & addr_mask(in), 2);
}

void op_jmp_far(struct cpu *cpu, const struct insn *in)
{
    cpu_far_jmp(cpu, (uint16_t)in->imm2, in->imm, in->opsize);
}

void op_jmp_far_ind(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, in, &sel, &off);
    cpu_far_jmp(cpu, sel, off, in->opsize);
}

void op_call_far(struct cpu *cpu, const struct insn *in)
{
    cpu_far_call(cpu, (uint16_t)in->imm2, in->imm, in->opsize);
}

void op_call_far_ind(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, in, &sel, &off);
    cpu_far_call(cpu, sel, off, in->opsize);
}

void op_retf(struct cpu *cpu, const struct insn *in)
{
    cpu_far_ret(cpu, in->opsize, in->nopnd ? (in->imm & 0xFFFF) : 0);
}

void op_iret(struct cpu *cpu, const struct insn *in)
{
    cpu_iret(cpu, in->opsize);
}

/* In V86 mode only INT n (CD) is IOPL-sensitive and subject to the
 * CR4.VME redirection bitmap; INT3 and INTO go to the IDT like any
 * exception, and INT1 (ICEBP) is not a software interrupt at all (SDM
 * "INT n/INTO/INT3/INT1": "IF VM = 1 and IOPL < 3 AND INT n"). */
void op_int(struct cpu *cpu, const struct insn *in)
{
    int vec = (int)(in->imm & 0xFF);
    if ((cpu->eflags & EFLAGS_VM) && v86_software_interrupt(cpu, vec))
        return;
    cpu_deliver_interrupt(cpu, vec, INT_SRC_SOFTWARE, 0, 0);
}

void op_int3(struct cpu *cpu, const struct insn *in)
{
    cpu_deliver_interrupt(cpu, VEC_BP, INT_SRC_SOFTWARE, 0, 0);
}

void op_into(struct cpu *cpu, const struct insn *in)
{
    if (flags_of(cpu))
        cpu_deliver_interrupt(cpu, VEC_OF, INT_SRC_SOFTWARE, 0, 0);
}

void op_int1(struct cpu *cpu, const struct insn *in)
{
    cpu_deliver_interrupt(cpu, VEC_DB, INT_SRC_ICEBP, 0, 0);
}

void op_bound(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    int32_t idx, lo, hi;
    uint32_t l = cpu_read(cpu, in->seg, cpu->ea, size);
    uint32_t h = cpu_read(cpu, in->seg, (cpu->ea + size) & addr_mask(in), size);
    uint32_t r = reg_read(cpu, in->opnd[0].reg, size);
    if (size == 2) {
        idx = (int16_t)r;
        lo = (int16_t)l;
        hi = (int16_t)h;
    } else {
        idx = (int32_t)r;
        lo = (int32_t)l;
        hi = (int32_t)h;
    }
    if (idx < lo || idx > hi)
        cpu_raise(cpu, VEC_BR, 0);
}

void op_mov_to_sreg(struct cpu *cpu, const struct insn *in)
{
    int seg = in->opnd[0].reg;
    if (seg == SEG_CS)
        cpu_raise(cpu, VEC_UD, 0);   /* MOV CS, r/m is invalid */
    seg_load(cpu, seg, (uint16_t)opnd_read(cpu, in, 1));
    if (seg == SEG_SS)
        cpu->irq_shadow = IRQ_SHADOW_MOV_SS;
}

void op_mov_from_sreg(struct cpu *cpu, const struct insn *in)
{
    /* A register destination with a 32-bit operand size gets the
     * selector zero-extended (P6 family). */
    opnd_write(cpu, in, 0, cpu->seg[in->opnd[1].reg].sel);
}

void op_load_far_ptr(struct cpu *cpu, const struct insn *in)
{
    static const uint8_t seg_of[] = { [OP_LDS - OP_LDS] = SEG_DS, [OP_LES - OP_LDS] = SEG_ES,
                                      [OP_LFS - OP_LDS] = SEG_FS, [OP_LGS - OP_LDS] = SEG_GS,
                                      [OP_LSS - OP_LDS] = SEG_SS };
    uint16_t sel;
    uint32_t off;
    int seg = seg_of[in->op - OP_LDS];
    read_far_pointer(cpu, in, &sel, &off);
    seg_load(cpu, seg, sel);
    reg_write(cpu, in->opnd[0].reg, in->opsize, off);
}
