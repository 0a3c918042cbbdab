/* Far transfers, software interrupts, IRET, BOUND and segment register
 * moves. Real mode and same-privilege protected mode are handled here;
 * privilege changes, gates, tasks and V86 are [system]'s (seg.c refuses
 * them explicitly). Each handler reads and checks everything before it
 * changes any register. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"
#include "cpu/stack.h"

static void far_call(struct cpu *cpu, const struct insn *in, uint16_t sel, uint32_t off)
{
    struct seg_cache target;
    unsigned size = in->opsize;
    if (size == 2)
        off &= 0xFFFF;
    seg_check_far_target(cpu, sel, off, &target);
    stack_check_push(cpu, 2, size);
    stack_push(cpu, size, cpu->seg[SEG_CS].sel);
    stack_push(cpu, size, cpu->eip);
    cpu->seg[SEG_CS] = target;
    cpu->eip = off;
}

/* Read a far pointer (offset of operand size, then a selector). */
static void read_far_pointer(struct cpu *cpu, const struct insn *in, uint16_t *sel, uint32_t *off)
{
    *off = cpu_read(cpu, in->seg, cpu->ea, in->opsize);
    *sel = (uint16_t)cpu_read(cpu, in->seg, (cpu->ea + in->opsize) & addr_mask(in), 2);
}

void op_jmp_far(struct cpu *cpu, const struct insn *in)
{
    seg_far_jump(cpu, (uint16_t)in->imm2, in->imm, in->opsize);
}

void op_jmp_far_ind(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, in, &sel, &off);
    seg_far_jump(cpu, sel, off, in->opsize);
}

void op_call_far(struct cpu *cpu, const struct insn *in)
{
    far_call(cpu, in, (uint16_t)in->imm2, in->imm);
}

void op_call_far_ind(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, in, &sel, &off);
    far_call(cpu, in, sel, off);
}

void op_retf(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
    struct seg_cache target;
    if (size == 2)
        off &= 0xFFFF;
    if (cpu_protected(cpu) && (sel & 3u) > cpu_cpl(cpu))
        cpu_raise_unimplemented(cpu, "far return to an outer privilege level");
    seg_check_far_target(cpu, sel, off, &target);
    stack_set_sp(cpu, stack_sp(cpu) + 2 * size + (in->nopnd ? (in->imm & 0xFFFF) : 0));
    cpu->seg[SEG_CS] = target;
    cpu->eip = off;
}

void op_iret(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
    uint32_t flags = stack_peek(cpu, 2 * size, size);
    uint32_t old = cpu_get_eflags(cpu), mask;
    struct seg_cache target;

    if (size == 2)
        off &= 0xFFFF;
    if (cpu->eflags & EFLAGS_VM) {
        if ((old & EFLAGS_IOPL) != EFLAGS_IOPL)
            cpu_raise(cpu, VEC_GP, 0);
        mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_IF | EFLAGS_DF | EFLAGS_NT |
               EFLAGS_RF | EFLAGS_AC | EFLAGS_ID;
    } else if (cpu->cr0 & CR0_PE) {
        unsigned cpl = cpu_cpl(cpu);
        /* Task returns, returns to outer levels and to V86: [system]. */
        if ((old & EFLAGS_NT) || (sel & 3u) > cpl || (size == 4 && (flags & EFLAGS_VM) && cpl == 0))
            cpu_raise_unimplemented(cpu, "IRET to another task, level or V86");
        mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_RF |
               EFLAGS_AC | EFLAGS_ID | EFLAGS_IF | EFLAGS_IOPL;
        if (cpl > 0)
            mask &= ~EFLAGS_IOPL;
        if (cpl > ((old >> 12) & 3u))
            mask &= ~EFLAGS_IF;
    } else {
        /* Real mode: everything but VM, VIF and VIP (SDM "IRET"). */
        mask = 0x257FD5u;
    }
    if (size == 2)
        mask &= 0xFFFF;
    seg_check_far_target(cpu, sel, off, &target);
    stack_set_sp(cpu, stack_sp(cpu) + 3 * size);
    cpu->seg[SEG_CS] = target;
    cpu->eip = off;
    cpu_set_eflags(cpu, (old & ~mask) | (flags & mask));
}

static void software_interrupt(struct cpu *cpu, int vec, enum int_source src)
{
    if ((cpu->eflags & EFLAGS_VM) && (cpu->eflags & EFLAGS_IOPL) != EFLAGS_IOPL &&
        src == INT_SRC_SOFTWARE)
        cpu_raise(cpu, VEC_GP, 0);
    cpu_deliver_interrupt(cpu, vec, src, 0, 0);
}

void op_int(struct cpu *cpu, const struct insn *in)
{
    software_interrupt(cpu, (int)(in->imm & 0xFF), INT_SRC_SOFTWARE);
}

void op_int3(struct cpu *cpu, const struct insn *in)
{
    software_interrupt(cpu, VEC_BP, INT_SRC_SOFTWARE);
}

void op_into(struct cpu *cpu, const struct insn *in)
{
    if (flags_of(cpu))
        software_interrupt(cpu, VEC_OF, INT_SRC_SOFTWARE);
}

void op_int1(struct cpu *cpu, const struct insn *in)
{
    software_interrupt(cpu, VEC_DB, INT_SRC_ICEBP);
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
