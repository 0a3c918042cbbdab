/* IRET/IRETD (SDM Vol. 2, "IRET"): real mode, virtual-8086 mode (IOPL 3,
 * or 16-bit with CR4.VME), task return (NT), return to V86 from CPL 0,
 * and protected-mode returns to the same or an outer level. */
#include "cpu/transfer.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/task.h"
#include "cpu/v86.h"

static void iret_real(struct cpu *cpu, unsigned size)
{
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
    uint32_t flags = stack_peek(cpu, 2 * size, size);
    /* Real mode: everything but VM, VIF and VIP (SDM "IRET"). */
    uint32_t mask = size == 2 ? 0x7FD5u : 0x257FD5u;
    if (size == 2)
        off &= 0xFFFF;
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    stack_set_sp(cpu, stack_sp(cpu) + 3 * size);
    cpu_load_real_seg(cpu, SEG_CS, sel);
    cpu->eip = off;
    cpu_set_eflags(cpu, (cpu_get_eflags(cpu) & ~mask) | (flags & mask));
}

static void iret_v86(struct cpu *cpu, unsigned size)
{
    uint32_t old = cpu_get_eflags(cpu);
    int vme = v86_vme_applies(cpu);
    if ((old & EFLAGS_IOPL) != EFLAGS_IOPL && !(vme && size == 2))
        cpu_raise(cpu, VEC_GP, 0);
    uint32_t off = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
    uint32_t flags = stack_peek(cpu, 2 * size, size);
    uint32_t mask;
    if (size == 2)
        off &= 0xFFFF;
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    if ((old & EFLAGS_IOPL) == EFLAGS_IOPL) {
        mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_IF | EFLAGS_DF | EFLAGS_NT |
               EFLAGS_RF | EFLAGS_AC | EFLAGS_ID;
    } else {
        /* VME (SDM 20.3.1): IF goes to VIF; TF set, or IF set with a
         * pending virtual interrupt, faults. */
        if ((flags & EFLAGS_TF) || ((flags & EFLAGS_IF) && (old & EFLAGS_VIP)))
            cpu_raise(cpu, VEC_GP, 0);
        mask = EFLAGS_ARITH | EFLAGS_DF | EFLAGS_NT;
        old = (old & ~EFLAGS_VIF) | ((flags & EFLAGS_IF) ? EFLAGS_VIF : 0);
    }
    if (size == 2)
        mask &= 0xFFFF;
    stack_set_sp(cpu, stack_sp(cpu) + 3 * size);
    seg_load_v86(&cpu->seg[SEG_CS], sel);
    cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    cpu->eip = off;
    cpu_set_eflags(cpu, (old & ~mask) | (flags & mask));
}

/* IRETD at CPL 0 with VM set in the popped image (SDM "IRET",
 * RETURN-TO-VIRTUAL-8086-MODE): the frame continues with ESP, SS, ES,
 * DS, FS, GS. */
static void iret_to_v86(struct cpu *cpu, uint32_t off, uint16_t sel, uint32_t flags)
{
    uint32_t v[6];
    for (unsigned i = 0; i < 6; i++)
        v[i] = stack_peek_frame(cpu, 12 + 4 * i, 4);
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    cpu_set_eflags(cpu, flags);
    seg_load_v86(&cpu->seg[SEG_CS], sel);
    cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    seg_load_v86(&cpu->seg[SEG_SS], (uint16_t)v[1]);
    seg_load_v86(&cpu->seg[SEG_ES], (uint16_t)v[2]);
    seg_load_v86(&cpu->seg[SEG_DS], (uint16_t)v[3]);
    seg_load_v86(&cpu->seg[SEG_FS], (uint16_t)v[4]);
    seg_load_v86(&cpu->seg[SEG_GS], (uint16_t)v[5]);
    cpu->regs[REG_ESP] = v[0];
    cpu->eip = off & 0xFFFF;
}

static void iret_task_return(struct cpu *cpu)
{
    struct desc d;
    uint16_t link = (uint16_t)cpu_lin_read(cpu, cpu->tr.base, 2);
    task_lookup(cpu, link, TASK_IRET, 0, &d);
    task_switch(cpu, link, d, TASK_IRET, 0, 0, 0);
}

static void iret_body(struct cpu *cpu, unsigned size);

/* EFLAGS bits a protected-mode IRET may change at `cpl` (SDM "IRET"). */
static uint32_t iret_mask(const struct cpu *cpu, unsigned cpl, unsigned size)
{
    uint32_t mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT;
    unsigned iopl = (cpu->eflags & EFLAGS_IOPL) >> 12;
    if (size == 4)
        mask |= EFLAGS_RF | EFLAGS_AC | EFLAGS_ID;
    if (cpl <= iopl)
        mask |= EFLAGS_IF;
    if (cpl == 0) {
        mask |= EFLAGS_IOPL;
        if (size == 4)
            mask |= EFLAGS_VIF | EFLAGS_VIP;
    }
    return mask;
}

void cpu_iret(struct cpu *cpu, unsigned size)
{
    /* An IRET ends NMI blocking (SDM 6.7.1); one that faults is restarted
     * with nothing changed, so the flag drops only when it completes. */
    iret_body(cpu, size);
    cpu->nmi_blocked = 0;
}

static void iret_body(struct cpu *cpu, unsigned size)
{
    if (!(cpu->cr0 & CR0_PE)) {
        iret_real(cpu, size);
        return;
    }
    if (cpu->eflags & EFLAGS_VM) {
        iret_v86(cpu, size);
        return;
    }
    if (cpu->eflags & EFLAGS_NT) {
        iret_task_return(cpu);
        return;
    }
    /* The frame must lie within the stack limit as a whole (SDM "IRET":
     * "IF top 6 [12] bytes of stack not within stack limits THEN
     * #SS(0)"): stack_peek_frame does not wrap a 16-bit SP. The SDM
     * leaves the order of the reads open; they go from the top down as in
     * Bochs (EFLAGS, CS, EIP; then SS, ESP), which fixes which word a
     * page fault names in CR2. */
    unsigned cpl = cpu_cpl(cpu);
    uint32_t flags = stack_peek_frame(cpu, 2 * size, size);
    uint16_t sel = (uint16_t)stack_peek_frame(cpu, size, size);
    uint32_t off = stack_peek_frame(cpu, 0, size);
    if (size == 2)
        off &= 0xFFFF;
    if (size == 4 && (flags & EFLAGS_VM) && cpl == 0) {
        iret_to_v86(cpu, off, sel, flags);
        return;
    }
    struct desc d;
    transfer_check_return_cs(cpu, sel, &d);
    unsigned rpl = sel & 3u;
    uint32_t mask = iret_mask(cpu, cpl, size);
    if (size == 2)
        mask &= 0xFFFF;
    uint32_t new_flags = (cpu_get_eflags(cpu) & ~mask) | (flags & mask);
    if (rpl == cpl) {
        if (off > desc_limit(d))
            cpu_raise(cpu, VEC_GP, 0);
        stack_set_sp(cpu, stack_sp(cpu) + 3 * size);
    } else {
        uint16_t ss_sel = (uint16_t)stack_peek_frame(cpu, 4 * size, size);
        uint32_t new_esp = stack_peek_frame(cpu, 3 * size, size);
        struct seg_cache ss;
        seg_check_stack(cpu, ss_sel, rpl, VEC_GP, 0, VEC_GP, 0, &ss);
        if (off > desc_limit(d))
            cpu_raise(cpu, VEC_GP, 0);
        struct desc ssd;
        seg_read_desc(cpu, ss_sel, &ssd, VEC_GP, 0);
        seg_mark_accessed(cpu, ss_sel, ssd.hi);
        cpu->seg[SEG_SS] = ss;
        /* A 16-bit SS gets SP only, whatever the operand size: the upper
         * half of ESP keeps its CPL-0 value (stack_load_outer_esp). */
        stack_load_outer_esp(cpu, new_esp);
    }
    seg_mark_accessed(cpu, sel, d.hi);
    seg_cache_from_descriptor(&cpu->seg[SEG_CS], sel, d.lo, d.hi | 0x100);
    cpu->eip = off;
    cpu_set_eflags(cpu, new_flags);
    if (rpl != cpl)
        seg_null_invalid_for_cpl(cpu, rpl);
}
