/* Raising and delivering exceptions and interrupts.
 *
 * Real mode: the IVT at IDTR.base, FLAGS/CS/IP pushed, IF/TF/AC cleared
 * (SDM Vol. 3, 20.1.4). Protected mode: interrupt, trap and task gates,
 * with the stack switch for inner levels and the exit from V86 mode.
 */
#include <stdio.h>

#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "cpu/stack.h"
#include "cpu/task.h"

_Noreturn void cpu_raise(struct cpu *cpu, int vec, uint32_t err)
{
    cpu->fault_vector = vec;
    cpu->fault_has_error = vector_has_error(vec);
    cpu->fault_error = err;
    longjmp(*cpu->fault_jmp, 1);
}

/* Only the first few are logged: a guest looping on one is still visible
 * in --stats without flooding the console. */
#define UNIMPLEMENTED_LOG_LIMIT 8

_Noreturn void cpu_raise_unimplemented(struct cpu *cpu, const char *what)
{
    if (cpu->stats.unimplemented++ < UNIMPLEMENTED_LOG_LIMIT)
        fprintf(stderr, "shadow86: unimplemented: %s at %04X:%08X (raising #UD)\n",
                what, cpu->seg[SEG_CS].sel, cpu->insn_eip);
    cpu_raise(cpu, VEC_UD, 0);
}

static void deliver_real(struct cpu *cpu, int vec)
{
    uint32_t off = (uint32_t)vec * 4;
    if (off + 3 > cpu->idtr.limit)
        cpu_raise(cpu, VEC_GP, (uint32_t)vec * 8 + 2);
    uint32_t new_ip = cpu_lin_read(cpu, cpu->idtr.base + off, 2);
    uint16_t new_cs = (uint16_t)cpu_lin_read(cpu, cpu->idtr.base + off + 2, 2);

    /* Check all three pushes before writing any (the delivery must not
     * leave a half-built frame behind if the stack faults). */
    stack_check_push_limit(cpu, 3, 2);
    stack_push(cpu, 2, cpu_get_eflags(cpu));
    stack_push(cpu, 2, cpu->seg[SEG_CS].sel);
    stack_push(cpu, 2, cpu->eip);
    cpu->eflags &= ~(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    cpu_load_real_seg(cpu, SEG_CS, new_cs);
    cpu->eip = new_ip;
}

/* The frame of an interrupt that changes privilege level (or leaves V86
 * mode) goes on the inner stack named by the TSS (SDM 6.12.1, Figure 6-4;
 * from V86 also GS FS DS ES, Figure 20-5). Everything is checked and
 * written before SS:ESP and CS:EIP change. */
static void deliver_inner(struct cpu *cpu, struct desc gate, uint16_t csel, struct desc cd,
                          int has_error, uint32_t err, unsigned ext)
{
    unsigned new_cpl = desc_dpl(cd);
    unsigned size = gate_is_32(gate) ? 4 : 2;
    int from_v86 = (cpu->eflags & EFLAGS_VM) != 0;
    uint32_t target = gate_offset(gate);
    uint16_t ss_sel;
    uint32_t esp;
    struct stack_build sb;

    task_stack_for_cpl(cpu, new_cpl, &ss_sel, &esp, ext);
    seg_check_stack(cpu, ss_sel, new_cpl, VEC_TS, ext, VEC_TS, ext, &sb.ss);
    sb.esp = esp;
    stack_build_check(cpu, &sb, 5 + (has_error ? 1 : 0) + (from_v86 ? 4 : 0), size,
                      VEC_SS, (ss_sel & ~3u) | ext);
    if (target > desc_limit(cd))
        cpu_raise(cpu, VEC_GP, ext);
    if (from_v86) {
        stack_build_push(cpu, &sb, size, cpu->seg[SEG_GS].sel);
        stack_build_push(cpu, &sb, size, cpu->seg[SEG_FS].sel);
        stack_build_push(cpu, &sb, size, cpu->seg[SEG_DS].sel);
        stack_build_push(cpu, &sb, size, cpu->seg[SEG_ES].sel);
    }
    stack_build_push(cpu, &sb, size, cpu->seg[SEG_SS].sel);
    stack_build_push(cpu, &sb, size, cpu->regs[REG_ESP]);
    stack_build_push(cpu, &sb, size, cpu_get_eflags(cpu));
    stack_build_push(cpu, &sb, size, cpu->seg[SEG_CS].sel);
    stack_build_push(cpu, &sb, size, cpu->eip);
    if (has_error)
        stack_build_push(cpu, &sb, size, err);
    struct desc ssd;
    seg_read_desc(cpu, ss_sel, &ssd, VEC_TS, ext);
    seg_mark_accessed(cpu, ss_sel, ssd.hi);
    seg_mark_accessed(cpu, csel, cd.hi);
    stack_build_commit(cpu, &sb);
    if (from_v86) {
        /* The handler runs with null data segments (SDM 20.3.1.1). */
        static const int data[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
        for (unsigned i = 0; i < 4; i++)
            seg_set_null(&cpu->seg[data[i]], 0);
        cpu->stats.v86_exits++;
    }
    seg_cache_from_descriptor(&cpu->seg[SEG_CS], (uint16_t)((csel & ~3u) | new_cpl), cd.lo,
                              cd.hi | 0x100);
    cpu->eip = target;
}

static void deliver_same_level(struct cpu *cpu, struct desc gate, uint16_t csel, struct desc cd,
                               int has_error, uint32_t err, unsigned ext)
{
    unsigned size = gate_is_32(gate) ? 4 : 2;
    uint32_t target = gate_offset(gate);
    struct stack_build sb = { cpu->seg[SEG_SS], cpu->regs[REG_ESP] };
    stack_build_check(cpu, &sb, has_error ? 4 : 3, size, VEC_SS, ext);
    if (target > desc_limit(cd))
        cpu_raise(cpu, VEC_GP, ext);
    /* The pushes are ordinary stack accesses at the current privilege
     * level (user pages at CPL 3), unlike an inner-level frame. */
    uint32_t flags = cpu_get_eflags(cpu);
    stack_push(cpu, size, flags);
    stack_push(cpu, size, cpu->seg[SEG_CS].sel);
    stack_push(cpu, size, cpu->eip);
    if (has_error)
        stack_push(cpu, size, err);
    seg_mark_accessed(cpu, csel, cd.hi);
    seg_cache_from_descriptor(&cpu->seg[SEG_CS], (uint16_t)((csel & ~3u) | cpu_cpl(cpu)), cd.lo,
                              cd.hi | 0x100);
    cpu->eip = target;
}

/* Protected-mode delivery through the IDT (SDM 6.12 and the "INT n"
 * pseudocode): task gates switch tasks; interrupt and trap gates go to the
 * same level (conforming or DPL = CPL), to an inner level through the TSS
 * stack, or out of V86 mode to ring 0. EXT (bit 0 of error codes) is set
 * for everything but INT n, INT3 and INTO (SDM 6.13). */
static void deliver_protected(struct cpu *cpu, int vec, enum int_source src,
                              int has_error, uint32_t err)
{
    uint32_t off = (uint32_t)vec * 8;
    unsigned ext = src == INT_SRC_SOFTWARE ? 0 : 1;
    struct desc gate, cd;
    if (off + 7 > cpu->idtr.limit)
        cpu_raise(cpu, VEC_GP, off + 2 + ext);
    gate.lo = cpu_lin_read(cpu, cpu->idtr.base + off, 4);
    gate.hi = cpu_lin_read(cpu, cpu->idtr.base + off + 4, 4);
    unsigned type = desc_type(gate);
    if (!desc_is_system(gate) || (type != DESC_TASK_GATE && type != DESC_INT_GATE16 &&
        type != DESC_TRAP_GATE16 && type != DESC_INT_GATE32 && type != DESC_TRAP_GATE32))
        cpu_raise(cpu, VEC_GP, off + 2 + ext);
    if (src == INT_SRC_SOFTWARE && desc_dpl(gate) < cpu_cpl(cpu))
        cpu_raise(cpu, VEC_GP, off + 2);
    if (!desc_present(gate))
        cpu_raise(cpu, VEC_NP, off + 2 + ext);

    if (type == DESC_TASK_GATE) {
        struct desc tss;
        uint16_t tsel = gate_selector(gate);
        task_lookup(cpu, tsel, TASK_INT, ext, &tss);
        task_switch(cpu, tsel, tss, TASK_INT, has_error, err, ext);
        return;
    }

    uint16_t csel = gate_selector(gate);
    if ((csel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, ext);
    seg_read_desc(cpu, csel, &cd, VEC_GP, ext);
    unsigned cpl = cpu_cpl(cpu), dpl = desc_dpl(cd);
    if (!desc_is_code(cd) || dpl > cpl)
        cpu_raise(cpu, VEC_GP, (csel & ~3u) | ext);
    if (!desc_present(cd))
        cpu_raise(cpu, VEC_NP, (csel & ~3u) | ext);
    if (cpu->eflags & EFLAGS_VM) {
        /* Leaving V86 needs a non-conforming ring-0 handler. */
        if (desc_conforming(cd) || dpl != 0)
            cpu_raise(cpu, VEC_GP, (csel & ~3u) | ext);
        deliver_inner(cpu, gate, csel, cd, has_error, err, ext);
    } else if (!desc_conforming(cd) && dpl < cpl) {
        deliver_inner(cpu, gate, csel, cd, has_error, err, ext);
    } else {
        deliver_same_level(cpu, gate, csel, cd, has_error, err, ext);
    }
    /* Interrupt gates clear IF; trap gates leave it (SDM 6.12.1.2). */
    if (!(type & 1))
        cpu->eflags &= ~EFLAGS_IF;
    cpu->eflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM);
}

void cpu_deliver_interrupt(struct cpu *cpu, int vec, enum int_source src,
                           int has_error, uint32_t err)
{
    if (cpu->hooks.interrupt)  /* debug/: int trace, gdb */
        cpu->hooks.interrupt(cpu->hooks.opaque, cpu, vec, (int)src, has_error, err);
    if (src == INT_SRC_EXCEPTION)
        cpu->stats.exceptions[vec & 31]++;
    else
        cpu->stats.interrupts++;
    if (cpu->cr0 & CR0_PE)
        deliver_protected(cpu, vec, src, has_error, err);
    else
        deliver_real(cpu, vec);
}

int cpu_interrupts_enabled(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_IF) && !cpu->irq_shadow;
}

const char *cpu_vector_name(unsigned vec)
{
    static const char *const names[32] = {
        [0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF", [5] = "#BR",
        [6] = "#UD", [7] = "#NM", [8] = "#DF", [9] = "#CSO", [10] = "#TS", [11] = "#NP",
        [12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC",
        [19] = "#XM",
    };
    return vec < 32 ? names[vec] : NULL;
}
