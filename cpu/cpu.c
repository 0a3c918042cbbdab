/* CPU lifecycle and whole-state helpers: init, reset, EFLAGS access, the
 * loader entry state. */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/msr.h"
#include "cpu/seg.h"
#include "mmu/mmu.h"

void cpu_init(struct cpu *cpu, struct physmem *mem, const struct cpu_io *io)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem = mem;
    if (io)
        cpu->io = *io;
    cpu_reset(cpu);
}

/* A real-mode data segment as the processor leaves it after reset:
 * present, writable, accessed, 64 KiB. */
static void set_real_seg(struct seg_cache *s, uint16_t sel, uint32_t base)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xFFFF;
    s->attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_RW | SEG_ATTR_ACCESSED;
}

void cpu_reset(struct cpu *cpu)
{
    /* SDM Vol. 3, 9.1.1 "Processor State After Reset". */
    struct physmem *mem = cpu->mem;
    struct mmu *mmu = cpu->mmu;   /* [mmu]: the MMU outlives resets; its caches do not */
    struct cpu_io io = cpu->io;
    struct cpu_hooks hooks = cpu->hooks;
    struct cpu_stats stats = cpu->stats;
    uint64_t icount = cpu->icount;
    uint8_t apic_id = cpu->apic_id;

    memset(cpu, 0, sizeof(*cpu));
    cpu->apic_id = apic_id;
    cpu->mem = mem;
    cpu->mmu = mmu;
    if (mmu)
        mmu_reset(mmu);
    cpu->io = io;
    cpu->hooks = hooks;
    cpu->stats = stats;
    cpu->icount = icount;

    cpu->eflags = EFLAGS_FIXED1;
    cpu->lf.op = LF_NONE;
    cpu->eip = 0xFFF0;
    for (int s = 0; s < SEG_COUNT; s++)
        set_real_seg(&cpu->seg[s], 0, 0);
    set_real_seg(&cpu->seg[SEG_CS], 0xF000, 0xFFFF0000u);
    cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    cpu->idtr.limit = 0xFFFF;
    cpu->gdtr.limit = 0xFFFF;
    cpu->ldtr.limit = 0xFFFF;
    cpu->ldtr.attr = SEG_ATTR_P | 0x2;   /* LDT system segment */
    cpu->tr.limit = 0xFFFF;
    cpu->tr.attr = SEG_ATTR_P | 0xB;     /* busy 32-bit TSS */
    cpu->cr0 = CR0_ET | CR0_CD | CR0_NW;
    /* EDX holds the processor signature after reset: family 6. */
    cpu->regs[REG_EDX] = 0x00000633;
    cpu->dr[6] = 0xFFFF0FF0u;
    cpu->dr[7] = 0x00000400u;
    cpu->delivering = -1;
    cpu_msr_reset(cpu);
    fpu_reset(cpu);
}

void cpu_load_real_seg(struct cpu *cpu, int seg, uint16_t sel)
{
    cpu->seg[seg].sel = sel;
    cpu->seg[seg].base = (uint32_t)sel << 4;
}

void cpu_enter_flat32(struct cpu *cpu)
{
    cpu->cr0 |= CR0_PE;
    cpu->cr0 &= ~CR0_PG;
    for (int s = 0; s < SEG_COUNT; s++) {
        struct seg_cache *c = &cpu->seg[s];
        c->sel = (s == SEG_CS) ? 0x08 : 0x10;
        c->base = 0;
        c->limit = 0xFFFFFFFFu;
        c->attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_RW | SEG_ATTR_ACCESSED |
                  SEG_ATTR_DB | SEG_ATTR_G;
    }
    cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
    cpu_set_eflags(cpu, EFLAGS_FIXED1);
}

uint32_t cpu_get_eflags(const struct cpu *cpu)
{
    uint32_t f = cpu->eflags & ~EFLAGS_ARITH;
    if (cpu->lf.op == LF_NONE)
        return cpu->eflags | EFLAGS_FIXED1;
    if (flags_cf(cpu)) f |= EFLAGS_CF;
    if (flags_pf(cpu)) f |= EFLAGS_PF;
    if (flags_af(cpu)) f |= EFLAGS_AF;
    if (flags_zf(cpu)) f |= EFLAGS_ZF;
    if (flags_sf(cpu)) f |= EFLAGS_SF;
    if (flags_of(cpu)) f |= EFLAGS_OF;
    return f | EFLAGS_FIXED1;
}

/* Bits that exist on the modelled CPU; reserved ones read as 0 (bit 1 as
 * 1). VIF/VIP belong to [system]'s VME and are kept as written. */
#define EFLAGS_DEFINED (EFLAGS_ARITH | EFLAGS_TF | EFLAGS_IF | EFLAGS_DF | \
                        EFLAGS_IOPL | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM | \
                        EFLAGS_AC | EFLAGS_VIF | EFLAGS_VIP | EFLAGS_ID)

void cpu_set_eflags(struct cpu *cpu, uint32_t value)
{
    if (cpu->intr_waiting && (value & ~cpu->eflags & EFLAGS_IF))
        cpu->stop_requested = 1;
    cpu->eflags = (value & EFLAGS_DEFINED) | EFLAGS_FIXED1;
    cpu->lf.op = LF_NONE;
}

void cpu_request_stop(struct cpu *cpu)
{
    cpu->stop_requested = 1;
}
