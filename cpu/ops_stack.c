/* Stack instructions: PUSH/POP (general, segment, all, flags), ENTER and
 * LEAVE. Multi-step instructions work on local copies and commit at the
 * end, so a fault in the middle leaves the registers as they were. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/v86.h"

void op_push(struct cpu *cpu, const struct insn *in)
{
    /* PUSH ESP pushes the value before the decrement (286 and later). */
    uint32_t v = opnd_read(cpu, in, 0);
    stack_push(cpu, in->opsize, v);
}

void op_pop(struct cpu *cpu, const struct insn *in)
{
    uint32_t v = stack_pop(cpu, in->opsize);
    /* A memory destination based on ESP uses ESP after the pop (SDM
     * "POP"): recompute the address now. */
    if (in->opnd[0].kind == OPK_MEM)
        cpu->ea = insn_ea(cpu, in);
    opnd_write(cpu, in, 0, v);
}

void op_push_sreg(struct cpu *cpu, const struct insn *in)
{
    uint32_t sp = (stack_sp(cpu) - in->opsize) & stack_mask(cpu);
    /* With a 32-bit operand size P6-family processors move 16 bits and
     * leave the upper half of the slot unchanged (SDM "PUSH"). */
    cpu_check_access(cpu, SEG_SS, sp, in->opsize, 1);
    cpu_write(cpu, SEG_SS, sp, 2, cpu->seg[in->opnd[0].reg].sel);
    stack_set_sp(cpu, sp);
}

void op_pop_sreg(struct cpu *cpu, const struct insn *in)
{
    /* SP advances by the stack size in force when the instruction starts:
     * POP SS that switches between a 16- and a 32-bit stack moves SP (or
     * ESP) as the OLD SS sees it (SDM "POP": the increment is part of the
     * pop from the current stack; Bochs does the same). */
    uint32_t m = stack_mask(cpu);
    uint32_t sp = (stack_sp(cpu) + in->opsize) & m;
    uint32_t v = stack_peek(cpu, 0, in->opsize);
    int seg = in->opnd[0].reg;
    seg_load(cpu, seg, (uint16_t)v);
    cpu->regs[REG_ESP] = (cpu->regs[REG_ESP] & ~m) | sp;
    if (seg == SEG_SS)
        cpu->irq_shadow = IRQ_SHADOW_MOV_SS;
}

void op_pusha(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint32_t sp = stack_sp(cpu), m = stack_mask(cpu);
    /* The limit check covers the whole frame first; the slots are then
     * written in order, so a page fault part-way leaves the earlier ones
     * written (stack_check_push_limit). The ESP slot holds the whole ESP
     * even on a 16-bit stack (SDM "PUSHA": Temp <- (ESP) for PUSHAD). */
    stack_check_push_limit(cpu, 8, size);
    for (unsigned r = REG_EAX; r <= REG_EDI; r++) {
        uint32_t v = cpu->regs[r];
        cpu_write(cpu, SEG_SS, (sp - (r + 1) * size) & m, size, v);
    }
    stack_set_sp(cpu, sp - 8 * size);
}

void op_popa(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint32_t v[8];
    for (unsigned i = 0; i < 8; i++)
        v[i] = stack_peek(cpu, i * size, size);   /* EDI first */
    for (unsigned i = 0; i < 8; i++) {
        unsigned r = REG_EDI - i;
        if (r != REG_ESP)
            reg_write(cpu, r, size, v[i]);
    }
    stack_set_sp(cpu, stack_sp(cpu) + 8 * size);
}

void op_pushf(struct cpu *cpu, const struct insn *in)
{
    uint32_t f = cpu_get_eflags(cpu) & ~(EFLAGS_VM | EFLAGS_RF);
    if ((cpu->eflags & EFLAGS_VM) && (cpu->eflags & EFLAGS_IOPL) != EFLAGS_IOPL) {
        /* V86 with IOPL < 3: #GP, except 16-bit PUSHF under CR4.VME,
         * which shows VIF as IF and IOPL as 3 (SDM 20.3.1). */
        if (!v86_vme_applies(cpu) || in->opsize != 2)
            cpu_raise(cpu, VEC_GP, 0);
        f = (f & ~EFLAGS_IF) | EFLAGS_IOPL | ((cpu->eflags & EFLAGS_VIF) ? EFLAGS_IF : 0);
    }
    /* VM and RF are never seen in the pushed image. */
    stack_push(cpu, in->opsize, f);
}

void op_popf(struct cpu *cpu, const struct insn *in)
{
    uint32_t old = cpu_get_eflags(cpu);
    uint32_t mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_IF | EFLAGS_DF |
                    EFLAGS_IOPL | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID;
    unsigned cpl = cpu_cpl(cpu), iopl = (old >> 12) & 3;

    if (cpu->eflags & EFLAGS_VM) {
        if (iopl != 3) {
            /* 16-bit POPF under CR4.VME: IF goes to VIF; TF set, or IF
             * set with VIP pending, faults (SDM "POPF"). */
            if (!v86_vme_applies(cpu) || in->opsize != 2)
                cpu_raise(cpu, VEC_GP, 0);
            uint32_t v = stack_peek(cpu, 0, 2);
            if ((v & EFLAGS_TF) || ((v & EFLAGS_IF) && (old & EFLAGS_VIP)))
                cpu_raise(cpu, VEC_GP, 0);
            stack_pop(cpu, 2);
            mask = (EFLAGS_ARITH | EFLAGS_DF | EFLAGS_NT) & 0xFFFF;
            old = (old & ~EFLAGS_VIF) | ((v & EFLAGS_IF) ? EFLAGS_VIF : 0);
            cpu_set_eflags(cpu, (old & ~mask) | (v & mask));
            return;
        }
        mask &= ~EFLAGS_IOPL;
    } else if (cpu->cr0 & CR0_PE) {
        /* SDM "POPF": IOPL changes only at CPL 0, IF only at CPL <= IOPL. */
        if (cpl > 0)
            mask &= ~EFLAGS_IOPL;
        if (cpl > iopl)
            mask &= ~EFLAGS_IF;
    }
    if (in->opsize == 2)
        mask &= 0xFFFF;
    uint32_t v = stack_pop(cpu, in->opsize);
    cpu_set_eflags(cpu, (old & ~mask) | (v & mask));
}

void op_enter(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    unsigned level = in->imm2 & 31;
    uint32_t m = stack_mask(cpu);
    uint32_t sp = stack_sp(cpu), bp = cpu->regs[REG_EBP] & m;

    sp = (sp - size) & m;
    cpu_write(cpu, SEG_SS, sp, size, cpu->regs[REG_EBP]);
    /* The frame pointer is the whole ESP after that push: with a 32-bit
     * operand on a 16-bit stack, EBP gets ESP's upper half with SP below
     * it (SDM "ENTER": FrameTemp <- ESP; with 16 bits, BP <- SP). */
    uint32_t frame = size == 4 ? (cpu->regs[REG_ESP] & ~m) | sp : sp & 0xFFFF;
    if (level > 0) {
        for (unsigned i = 1; i < level; i++) {
            bp = (bp - size) & m;
            uint32_t v = cpu_read(cpu, SEG_SS, bp, size);
            sp = (sp - size) & m;
            cpu_write(cpu, SEG_SS, sp, size, v);
        }
        sp = (sp - size) & m;
        cpu_write(cpu, SEG_SS, sp, size, frame);
    }
    sp = (sp - (in->imm & 0xFFFF)) & m;
    /* SDM "ENTER", #PF: "if a write using the final value of the stack
     * pointer would cause a page fault" -- checked, nothing written.
     * Registers are written only after it: a fault anywhere leaves them
     * as they were (the slots already pushed stay written, as in Bochs). */
    cpu_check_access(cpu, SEG_SS, sp, size, 1);
    reg_write(cpu, REG_EBP, size, frame);
    stack_set_sp(cpu, sp);
}

void op_leave(struct cpu *cpu, const struct insn *in)
{
    uint32_t m = stack_mask(cpu);
    uint32_t bp = cpu->regs[REG_EBP] & m;
    uint32_t v = cpu_read(cpu, SEG_SS, bp, in->opsize);
    stack_set_sp(cpu, bp + in->opsize);
    reg_write(cpu, REG_EBP, in->opsize, v);
}
