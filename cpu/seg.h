/* Segment registers: descriptor reads and loads with their checks.
 *
 * Real and virtual-8086 mode loads set base = selector << 4 and keep the
 * cached limit and attributes (that is what makes "unreal mode" work).
 * Protected-mode loads read the descriptor from the GDT or LDT.
 */
#ifndef SHADOW86_CPU_SEG_H
#define SHADOW86_CPU_SEG_H

#include "cpu/cpu.h"
#include "cpu/descriptor.h"

static inline int cpu_protected(const struct cpu *cpu)
{
    return (cpu->cr0 & CR0_PE) && !(cpu->eflags & EFLAGS_VM);
}

/* Current privilege level: 0 in real mode, 3 in V86, else SS.DPL.
 *
 * Protected-mode code keeps SS.DPL = CPL (every SS load checks it, every
 * privilege change loads SS), and CS.RPL = CPL once CS is reloaded. The
 * two differ in the window between setting CR0.PE and the far jump that
 * reloads CS: the CS selector is then a real-mode paragraph with any low
 * bits, while the CPL is still 0 (SDM 9.9.1) -- which SS.DPL, 0 since
 * real mode, gives. */
static inline unsigned cpu_cpl(const struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PE))
        return 0;
    if (cpu->eflags & EFLAGS_VM)
        return 3;
    return (cpu->seg[SEG_SS].attr & SEG_ATTR_DPL) >> 5;
}

/* Read the 8-byte descriptor named by `sel` from the GDT/LDT into lo/hi.
 * A selector beyond the table limit raises #GP(sel & ~3). */
void seg_read_descriptor(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi);

/* Read the descriptor named by `sel`; a selector beyond its table (or an
 * LDT selector without a usable LDT) raises `vec` with error code
 * (sel & ~3) | ext. */
void seg_read_desc(struct cpu *cpu, uint16_t sel, struct desc *d, int vec, unsigned ext);

/* Fill a descriptor cache from a raw descriptor. */
void seg_cache_from_descriptor(struct seg_cache *c, uint16_t sel, uint32_t lo, uint32_t hi);

/* Set the accessed bit of the descriptor named by `sel` in memory. */
void seg_mark_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi);

/* Load a data segment register (DS ES FS GS) or SS with a selector, as
 * MOV, POP and LDS/LES/LFS/LGS/LSS do, with every protected-mode check. */
void seg_load(struct cpu *cpu, int seg, uint16_t sel);

/* The same checks for a task switch: every failure but not-present is
 * #TS(sel), not-present is #NP(sel) (#SS(sel) for SS); CPL is `cpl`. */
void seg_load_for_task(struct cpu *cpu, int seg, uint16_t sel, unsigned cpl);

/* Load a V86/real-mode style segment: base = sel << 4, 64 KiB writable
 * data at DPL 3 (V86; SDM 20.1.1). */
void seg_load_v86(struct seg_cache *c, uint16_t sel);

/* Make a segment register unusable (null selector loaded). */
void seg_set_null(struct seg_cache *c, uint16_t sel);

/* Whether `size` bytes at offset `off` lie within the segment (expand-down
 * aware, 16-bit or 32-bit upper bound); no type checks. */
int seg_offset_ok(const struct seg_cache *c, uint32_t off, unsigned size);

/* Checks for a stack segment about to become SS at privilege `cpl`
 * (inter-privilege CALL/INT from the TSS, outer RET/IRET from the stack).
 * A null selector raises null_vec(null_err); a bad type, RPL or DPL raises
 * bad_vec(sel|ext); not present #SS(sel|ext). Fills `out`. */
void seg_check_stack(struct cpu *cpu, uint16_t sel, unsigned cpl, int null_vec, uint32_t null_err,
                     int bad_vec, unsigned ext, struct seg_cache *out);

/* After a return to an outer level: data segments (and non-conforming
 * code) that the new CPL may not use are nulled (SDM "RET", "IRET"). */
void seg_null_invalid_for_cpl(struct cpu *cpu, unsigned cpl);

#endif
