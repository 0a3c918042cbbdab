/* Virtual-8086 mode: the IOPL and VME rules of the instructions that
 * touch the interrupt flag or raise software interrupts. */
#include "cpu/v86.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "cpu/stack.h"

static unsigned iopl(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_IOPL) >> 12;
}

int v86_vme_applies(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_VM) && (cpu->cr4 & CR4_VME) && iopl(cpu) < 3;
}

/* Whether CLI/STI act on VIF instead of IF (SDM Table 20-2 and the CLI
 * and STI pages): V86 with VME and IOPL < 3, or CPL 3 with PVI and
 * IOPL < 3. Otherwise the usual CPL <= IOPL (IOPL = 3 in V86) rule. */
static int virtual_if_applies(struct cpu *cpu)
{
    unsigned cpl = cpu_cpl(cpu);
    if (!(cpu->cr0 & CR0_PE) || cpl <= iopl(cpu))
        return 0;
    if (v86_vme_applies(cpu))
        return 1;
    if (!(cpu->eflags & EFLAGS_VM) && cpl == 3 && (cpu->cr4 & CR4_PVI))
        return 1;
    cpu_raise(cpu, VEC_GP, 0);
}

int v86_virtual_cli(struct cpu *cpu)
{
    if (!virtual_if_applies(cpu))
        return 0;
    cpu->eflags &= ~EFLAGS_VIF;
    return 1;
}

int v86_virtual_sti(struct cpu *cpu)
{
    if (!virtual_if_applies(cpu))
        return 0;
    if (cpu->eflags & EFLAGS_VIP)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->eflags |= EFLAGS_VIF;
    return 1;
}

/* Bit `vec` of the redirection bitmap: the 32 bytes just below the I/O
 * map base of a 32-bit TSS (SDM 20.3.3). Set means "not redirected". */
static int redirection_bit(struct cpu *cpu, int vec)
{
    if ((cpu->tr.attr & 0xF) != 0xB || cpu->tr.limit < 0x67)
        cpu_raise(cpu, VEC_GP, 0);
    uint32_t map = cpu_lin_read(cpu, cpu->tr.base + 0x66, 2);
    uint32_t at = map - 32 + (uint32_t)vec / 8;
    if (map < 32 || at > cpu->tr.limit)
        cpu_raise(cpu, VEC_GP, 0);
    return (cpu_lin_read(cpu, cpu->tr.base + at, 1) >> (vec & 7)) & 1;
}

/* Deliver through the V86 task's IVT at linear 0 (SDM 20.3.3.4, method 5
 * and 6): FLAGS (IF from VIF and IOPL 3 when IOPL < 3), CS, IP. */
static void redirect(struct cpu *cpu, int vec)
{
    uint32_t ip = cpu_lin_read(cpu, (uint32_t)vec * 4, 2);
    uint16_t cs = (uint16_t)cpu_lin_read(cpu, (uint32_t)vec * 4 + 2, 2);
    uint32_t flags = cpu_get_eflags(cpu) & 0xFFFF;
    if (iopl(cpu) < 3) {
        flags = (flags & ~EFLAGS_IF) | EFLAGS_IOPL;
        if (cpu->eflags & EFLAGS_VIF)
            flags |= EFLAGS_IF;
    }
    stack_check_push_limit(cpu, 3, 2);
    stack_push(cpu, 2, flags);
    stack_push(cpu, 2, cpu->seg[SEG_CS].sel);
    stack_push(cpu, 2, cpu->eip);
    seg_load_v86(&cpu->seg[SEG_CS], cs);
    cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    cpu->eip = ip;
    if (iopl(cpu) < 3)
        cpu->eflags &= ~EFLAGS_VIF;
    else
        cpu->eflags &= ~EFLAGS_IF;
    cpu->eflags &= ~(EFLAGS_TF | EFLAGS_RF);
    cpu->stats.interrupts++;
}

int v86_software_interrupt(struct cpu *cpu, int vec)
{
    if (cpu->cr4 & CR4_VME) {
        if (!redirection_bit(cpu, vec)) {
            redirect(cpu, vec);
            return 1;
        }
    }
    if (iopl(cpu) < 3)
        cpu_raise(cpu, VEC_GP, 0);
    return 0;
}
