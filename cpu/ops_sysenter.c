/* SYSENTER and SYSEXIT: fast system calls between CPL 3 and CPL 0 through
 * flat segments derived from IA32_SYSENTER_CS (SDM "SYSENTER", "SYSEXIT").
 * No descriptor is read: the caches are loaded with fixed values, so the
 * GDT must hold matching descriptors for the OS's own later reloads. */
#include "cpu/except.h"
#include "cpu/ops.h"
#include "cpu/seg.h"

static void set_flat(struct seg_cache *c, uint16_t sel, unsigned dpl, int code)
{
    c->sel = sel;
    c->base = 0;
    c->limit = 0xFFFFFFFFu;
    c->attr = (uint16_t)(SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_RW | SEG_ATTR_ACCESSED |
                         SEG_ATTR_DB | SEG_ATTR_G | (dpl << 5) | (code ? SEG_ATTR_CODE : 0));
}

void op_sysenter(struct cpu *cpu, const struct insn *in)
{
    uint16_t cs = (uint16_t)cpu->msr.sysenter_cs;
    if (!(cpu->cr0 & CR0_PE) || (cs & 0xFFFCu) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->eflags &= ~(EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    set_flat(&cpu->seg[SEG_CS], cs & 0xFFFCu, 0, 1);
    set_flat(&cpu->seg[SEG_SS], (uint16_t)((cs & 0xFFFCu) + 8), 0, 0);
    cpu->regs[REG_ESP] = cpu->msr.sysenter_esp;
    cpu->eip = cpu->msr.sysenter_eip;
}

void op_sysexit(struct cpu *cpu, const struct insn *in)
{
    uint16_t cs = (uint16_t)cpu->msr.sysenter_cs;
    if (!cpu_protected(cpu) || cpu_cpl(cpu) != 0 || (cs & 0xFFFCu) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    set_flat(&cpu->seg[SEG_CS], (uint16_t)((cs + 16) | 3), 3, 1);
    set_flat(&cpu->seg[SEG_SS], (uint16_t)((cs + 24) | 3), 3, 0);
    cpu->regs[REG_ESP] = cpu->regs[REG_ECX];
    cpu->eip = cpu->regs[REG_EDX];
}
