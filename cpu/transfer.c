/* Far JMP, far CALL and far RET in protected mode (real and V86 mode are
 * the short paths at the top of each). Every check and every read happens
 * before the first register changes; the new stack of an inter-privilege
 * CALL is filled through a stack_build before SS:ESP are switched. */
#include "cpu/transfer.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/task.h"

/* Real/V86-mode far target: base = sel << 4, the rest of the cache kept
 * (real mode) or fixed (V86). */
static void far_real(struct cpu *cpu, uint16_t sel, uint32_t off)
{
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    if (cpu->eflags & EFLAGS_VM) {
        seg_load_v86(&cpu->seg[SEG_CS], sel);
        cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    } else {
        cpu_load_real_seg(cpu, SEG_CS, sel);
    }
    cpu->eip = off;
}

/* The code segment a JMP or CALL goes to directly or through a gate:
 * conforming needs DPL <= CPL, non-conforming DPL == CPL (for a direct
 * transfer also RPL <= CPL). `via_gate` relaxes the non-conforming rule
 * to DPL <= CPL (CALL through a gate may go inward; JMP may not). */
static void check_code_target(struct cpu *cpu, uint16_t sel, const struct desc *d, int direct,
                              int call_gate)
{
    unsigned cpl = cpu_cpl(cpu), dpl = desc_dpl(*d);
    if (!desc_is_code(*d))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (desc_conforming(*d)) {
        if (dpl > cpl)
            cpu_raise(cpu, VEC_GP, sel & ~3u);
    } else if (direct) {
        if ((sel & 3u) > cpl || dpl != cpl)
            cpu_raise(cpu, VEC_GP, sel & ~3u);
    } else if (call_gate ? dpl > cpl : dpl != cpl) {
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    }
    if (!desc_present(*d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
}

static void load_cs(struct cpu *cpu, uint16_t sel, struct desc d, unsigned cpl, uint32_t off)
{
    seg_mark_accessed(cpu, sel, d.hi);
    seg_cache_from_descriptor(&cpu->seg[SEG_CS], (uint16_t)((sel & ~3u) | cpl), d.lo, d.hi | 0x100);
    cpu->eip = off;
}

/* Gate or TSS named by a far JMP/CALL: DPL >= max(CPL, RPL), present. */
static void check_system_target(struct cpu *cpu, uint16_t sel, const struct desc *d)
{
    unsigned dpl = desc_dpl(*d);
    if (dpl < cpu_cpl(cpu) || dpl < (sel & 3u))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (!desc_present(*d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
}

/* A far JMP or CALL to a task gate or TSS. */
static void far_to_task(struct cpu *cpu, uint16_t sel, struct desc d, enum task_reason why)
{
    uint16_t tsel = sel;
    check_system_target(cpu, sel, &d);
    if (desc_type(d) == DESC_TASK_GATE) {
        tsel = gate_selector(d);
        task_lookup(cpu, tsel, why, 0, &d);
    } else if (desc_type(d) & 2) {
        cpu_raise(cpu, VEC_GP, sel & ~3u);   /* a busy TSS */
    }
    task_switch(cpu, tsel, d, why, 0, 0, 0);
}

/* Read a gate's target code descriptor (null → #GP(0)). */
static uint16_t gate_target(struct cpu *cpu, struct desc gate, struct desc *cd)
{
    uint16_t csel = gate_selector(gate);
    if ((csel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    seg_read_desc(cpu, csel, cd, VEC_GP, 0);
    return csel;
}

void cpu_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize)
{
    struct desc d, cd;
    if (opsize == 2)
        off &= 0xFFFF;
    if (!cpu_protected(cpu)) {
        far_real(cpu, sel, off);
        return;
    }
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    seg_read_desc(cpu, sel, &d, VEC_GP, 0);
    if (!desc_is_system(d)) {
        check_code_target(cpu, sel, &d, 1, 0);
        if (off > desc_limit(d))
            cpu_raise(cpu, VEC_GP, 0);
        load_cs(cpu, sel, d, cpu_cpl(cpu), off);
        return;
    }
    switch (desc_type(d)) {
    case DESC_CALL_GATE16: case DESC_CALL_GATE32: {
        check_system_target(cpu, sel, &d);
        uint16_t csel = gate_target(cpu, d, &cd);
        check_code_target(cpu, csel, &cd, 0, 0);
        uint32_t goff = gate_offset(d);
        if (goff > desc_limit(cd))
            cpu_raise(cpu, VEC_GP, 0);
        load_cs(cpu, csel, cd, cpu_cpl(cpu), goff);
        return;
    }
    case DESC_TASK_GATE: case DESC_TSS16_AVAIL: case DESC_TSS32_AVAIL:
    case DESC_TSS16_BUSY: case DESC_TSS32_BUSY:
        far_to_task(cpu, sel, d, TASK_JMP);
        return;
    default:
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    }
}

/* CALL through a call gate to a more privileged non-conforming segment:
 * new stack from the TSS, old SS:ESP, `count` parameters copied from the
 * old stack, then CS:EIP, all of the gate's size (SDM 5.8.5, Figure 5-13). */
static void call_gate_inner(struct cpu *cpu, struct desc gate, uint16_t csel, struct desc cd)
{
    unsigned new_cpl = desc_dpl(cd);
    unsigned size = gate_is_32(gate) ? 4 : 2;
    unsigned count = gate_param_count(gate);
    uint32_t goff = gate_offset(gate);
    uint16_t ss_sel;
    uint32_t esp;
    struct stack_build sb;
    uint32_t params[32];

    task_stack_for_cpl(cpu, new_cpl, &ss_sel, &esp, 0);
    seg_check_stack(cpu, ss_sel, new_cpl, VEC_TS, 0, VEC_TS, 0, &sb.ss);
    sb.esp = esp;
    stack_build_check(cpu, &sb, 4 + count, size, VEC_SS, ss_sel & ~3u);
    if (goff > desc_limit(cd))
        cpu_raise(cpu, VEC_GP, 0);
    for (unsigned i = 0; i < count; i++)
        params[i] = stack_peek(cpu, (count - 1 - i) * size, size);

    uint32_t old_ss = cpu->seg[SEG_SS].sel, old_esp = cpu->regs[REG_ESP];
    stack_build_push(cpu, &sb, size, old_ss);
    stack_build_push(cpu, &sb, size, old_esp);
    for (unsigned i = 0; i < count; i++)
        stack_build_push(cpu, &sb, size, params[i]);
    stack_build_push(cpu, &sb, size, cpu->seg[SEG_CS].sel);
    stack_build_push(cpu, &sb, size, cpu->eip);
    /* Mark the new SS accessed only now that the transfer will happen. */
    struct desc ssd;
    seg_read_desc(cpu, ss_sel, &ssd, VEC_TS, 0);
    seg_mark_accessed(cpu, ss_sel, ssd.hi);
    stack_build_commit(cpu, &sb);
    load_cs(cpu, csel, cd, new_cpl, goff);
}

static void push_return(struct cpu *cpu, unsigned size)
{
    stack_check_push_limit(cpu, 2, size);
    stack_push(cpu, size, cpu->seg[SEG_CS].sel);
    stack_push(cpu, size, cpu->eip);
}

void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize)
{
    struct desc d, cd;
    if (opsize == 2)
        off &= 0xFFFF;
    if (!cpu_protected(cpu)) {
        if (off > cpu->seg[SEG_CS].limit)
            cpu_raise(cpu, VEC_GP, 0);
        push_return(cpu, opsize);
        far_real(cpu, sel, off);
        return;
    }
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    seg_read_desc(cpu, sel, &d, VEC_GP, 0);
    if (!desc_is_system(d)) {
        check_code_target(cpu, sel, &d, 1, 0);
        if (off > desc_limit(d))
            cpu_raise(cpu, VEC_GP, 0);
        push_return(cpu, opsize);
        load_cs(cpu, sel, d, cpu_cpl(cpu), off);
        return;
    }
    switch (desc_type(d)) {
    case DESC_CALL_GATE16: case DESC_CALL_GATE32: {
        check_system_target(cpu, sel, &d);
        uint16_t csel = gate_target(cpu, d, &cd);
        check_code_target(cpu, csel, &cd, 0, 1);
        if (!desc_conforming(cd) && desc_dpl(cd) < cpu_cpl(cpu)) {
            call_gate_inner(cpu, d, csel, cd);
            return;
        }
        uint32_t goff = gate_offset(d);
        if (goff > desc_limit(cd))
            cpu_raise(cpu, VEC_GP, 0);
        push_return(cpu, gate_is_32(d) ? 4 : 2);
        load_cs(cpu, csel, cd, cpu_cpl(cpu), goff);
        return;
    }
    case DESC_TASK_GATE: case DESC_TSS16_AVAIL: case DESC_TSS32_AVAIL:
    case DESC_TSS16_BUSY: case DESC_TSS32_BUSY:
        far_to_task(cpu, sel, d, TASK_CALL);
        return;
    default:
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    }
}

void transfer_check_return_cs(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    unsigned rpl = sel & 3u;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    seg_read_desc(cpu, sel, d, VEC_GP, 0);
    if (!desc_is_code(*d) || rpl < cpu_cpl(cpu))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (desc_conforming(*d) ? desc_dpl(*d) > rpl : desc_dpl(*d) != rpl)
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (!desc_present(*d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
}

void cpu_far_ret(struct cpu *cpu, unsigned size, uint32_t release)
{
    struct desc d;
    if (!cpu_protected(cpu)) {
        uint32_t off = stack_peek(cpu, 0, size);
        uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
        if (size == 2)
            off &= 0xFFFF;
        if (off > cpu->seg[SEG_CS].limit)
            cpu_raise(cpu, VEC_GP, 0);
        stack_set_sp(cpu, stack_sp(cpu) + 2 * size + release);
        far_real(cpu, sel, off);
        return;
    }
    /* The frame must lie within the stack limit as a whole (no wrap of a
     * 16-bit SP: stack_peek_frame). The selector is read before the
     * offset: the SDM leaves the order of the two reads open; Bochs reads
     * CS first (it validates it before it needs the offset), so a frame
     * entirely on a not-present page reports the CS word in CR2. */
    uint16_t sel = (uint16_t)stack_peek_frame(cpu, size, size);
    uint32_t off = stack_peek_frame(cpu, 0, size);
    if (size == 2)
        off &= 0xFFFF;
    transfer_check_return_cs(cpu, sel, &d);
    unsigned rpl = sel & 3u;
    if (rpl == cpu_cpl(cpu)) {
        if (off > desc_limit(d))
            cpu_raise(cpu, VEC_GP, 0);
        stack_set_sp(cpu, stack_sp(cpu) + 2 * size + release);
        load_cs(cpu, sel, d, rpl, off);
        return;
    }
    /* Return to an outer level: SS:ESP follow the parameters (SDM "RET"),
     * SS read first as Bochs does. */
    uint32_t at = 2 * size + release;
    uint16_t ss_sel = (uint16_t)stack_peek_frame(cpu, at + size, size);
    uint32_t new_esp = stack_peek_frame(cpu, at, size);
    struct seg_cache ss;
    seg_check_stack(cpu, ss_sel, rpl, VEC_GP, 0, VEC_GP, 0, &ss);
    if (off > desc_limit(d))
        cpu_raise(cpu, VEC_GP, 0);
    struct desc ssd;
    seg_read_desc(cpu, ss_sel, &ssd, VEC_GP, 0);
    seg_mark_accessed(cpu, ss_sel, ssd.hi);
    load_cs(cpu, sel, d, rpl, off);
    cpu->seg[SEG_SS] = ss;
    if (size == 2)
        new_esp &= 0xFFFF;
    /* A 16-bit SS gets only SP: the upper half of ESP keeps its inner
     * value, as with IRET (stack_load_outer_esp). */
    stack_load_outer_esp(cpu, new_esp + release);
    seg_null_invalid_for_cpl(cpu, rpl);
}
