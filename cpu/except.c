/* Raising and delivering exceptions and interrupts.
 *
 * Real mode: the IVT at IDTR.base, FLAGS/CS/IP pushed, IF/TF/AC cleared
 * (SDM Vol. 3, 20.1.4). Protected mode: interrupt and trap gates to a code
 * segment at the current privilege level. Privilege changes, task gates
 * and V86 exits are [system]'s and raise #UD-for-unimplemented until then.
 */
#include <stdio.h>

#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "cpu/stack.h"

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
    stack_check_push(cpu, 3, 2);
    stack_push(cpu, 2, cpu_get_eflags(cpu));
    stack_push(cpu, 2, cpu->seg[SEG_CS].sel);
    stack_push(cpu, 2, cpu->eip);
    cpu->eflags &= ~(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    cpu_load_real_seg(cpu, SEG_CS, new_cs);
    cpu->eip = new_ip;
}

static void deliver_protected(struct cpu *cpu, int vec, enum int_source src,
                              int has_error, uint32_t err)
{
    uint32_t off = (uint32_t)vec * 8;
    uint32_t ext = (src == INT_SRC_EXTERNAL || src == INT_SRC_EXCEPTION) ? 1 : 0;
    if (off + 7 > cpu->idtr.limit)
        cpu_raise(cpu, VEC_GP, off + 2 + ext);
    uint32_t lo = cpu_lin_read(cpu, cpu->idtr.base + off, 4);
    uint32_t hi = cpu_lin_read(cpu, cpu->idtr.base + off + 4, 4);
    unsigned type = (hi >> 8) & 0x1F;   /* S bit and type */
    unsigned gate_dpl = (hi >> 13) & 3u;
    int gate32;

    switch (type) {
    case 0x0E: case 0x0F: gate32 = 1; break;   /* 32-bit interrupt/trap gate */
    case 0x06: case 0x07: gate32 = 0; break;   /* 16-bit interrupt/trap gate */
    case 0x05:
        cpu_raise_unimplemented(cpu, "task gate in the IDT");
    default:
        cpu_raise(cpu, VEC_GP, off + 2 + ext);
    }
    if (src == INT_SRC_SOFTWARE && gate_dpl < cpu_cpl(cpu))
        cpu_raise(cpu, VEC_GP, off + 2);
    if (!(hi & 0x8000))
        cpu_raise(cpu, VEC_NP, off + 2 + ext);

    uint16_t sel = (uint16_t)(lo >> 16);
    uint32_t target = (lo & 0xFFFF) | (gate32 ? (hi & 0xFFFF0000u) : 0);
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, ext);
    uint32_t dlo, dhi;
    seg_read_descriptor(cpu, sel, &dlo, &dhi);
    unsigned dattr = (dhi >> 8) & 0xFF;
    unsigned ddpl = (dattr >> 5) & 3u;
    if (!(dattr & SEG_ATTR_S) || !(dattr & SEG_ATTR_CODE) || ddpl > cpu_cpl(cpu))
        cpu_raise(cpu, VEC_GP, (sel & ~3u) + ext);
    if (!(dattr & SEG_ATTR_P))
        cpu_raise(cpu, VEC_NP, (sel & ~3u) + ext);
    if (!(dattr & SEG_ATTR_DC) && ddpl < cpu_cpl(cpu)) {
        cpu_raise_unimplemented(cpu, "inter-privilege interrupt");
    }
    if (cpu->eflags & EFLAGS_VM)
        cpu_raise_unimplemented(cpu, "interrupt from virtual-8086 mode");

    struct seg_cache cs;
    seg_cache_from_descriptor(&cs, (uint16_t)((sel & ~3u) | cpu_cpl(cpu)), dlo, dhi | 0x100);
    if (target > cs.limit)
        cpu_raise(cpu, VEC_GP, ext);

    unsigned size = gate32 ? 4 : 2;
    stack_check_push(cpu, has_error ? 4 : 3, size);
    stack_push(cpu, size, cpu_get_eflags(cpu));
    stack_push(cpu, size, cpu->seg[SEG_CS].sel);
    stack_push(cpu, size, cpu->eip);
    if (has_error)
        stack_push(cpu, size, err);
    seg_mark_accessed(cpu, sel, dhi);
    cpu->seg[SEG_CS] = cs;
    cpu->eip = target;
    /* Interrupt gates clear IF; trap gates leave it (SDM 6.12.1.2). */
    if (!(type & 1))
        cpu->eflags &= ~EFLAGS_IF;
    cpu->eflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM);
}

void cpu_deliver_interrupt(struct cpu *cpu, int vec, enum int_source src,
                           int has_error, uint32_t err)
{
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
