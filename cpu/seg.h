/* Segment registers: descriptor reads and loads with their checks.
 *
 * Real and virtual-8086 mode loads set base = selector << 4 and keep the
 * cached limit and attributes (that is what makes "unreal mode" work).
 * Protected-mode loads read the descriptor from the GDT or LDT.
 */
#ifndef SHADOW86_CPU_SEG_H
#define SHADOW86_CPU_SEG_H

#include "cpu/cpu.h"

static inline int cpu_protected(const struct cpu *cpu)
{
    return (cpu->cr0 & CR0_PE) && !(cpu->eflags & EFLAGS_VM);
}

/* Current privilege level: 0 in real mode, 3 in V86, else CS.RPL. */
static inline unsigned cpu_cpl(const struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PE))
        return 0;
    if (cpu->eflags & EFLAGS_VM)
        return 3;
    return cpu->seg[SEG_CS].sel & 3u;
}

static inline int seg_is_32(const struct seg_cache *s)
{
    return (s->attr & SEG_ATTR_DB) != 0;
}

/* Read the 8-byte descriptor named by `sel` from the GDT/LDT into lo/hi.
 * A selector beyond the table limit raises #GP(sel & ~3). */
void seg_read_descriptor(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi);

/* Fill a descriptor cache from a raw descriptor. */
void seg_cache_from_descriptor(struct seg_cache *c, uint16_t sel, uint32_t lo, uint32_t hi);

/* Set the accessed bit of the descriptor named by `sel` in memory. */
void seg_mark_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi);

/* Load a data segment register (DS ES FS GS) or SS with a selector, as
 * MOV, POP and LDS/LES/LFS/LGS/LSS do, with every protected-mode check. */
void seg_load(struct cpu *cpu, int seg, uint16_t sel);

/* Far transfer of control to sel:off (JMP/CALL/RET/IRET targets at the
 * same privilege level). Checks the code segment and the offset against
 * its limit before changing anything; `opsize` truncates the offset. */
void seg_far_jump(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize);

/* Check a far transfer's target without changing state; fills `out`. */
void seg_check_far_target(struct cpu *cpu, uint16_t sel, uint32_t off, struct seg_cache *out);

#endif
