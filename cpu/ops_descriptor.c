/* Instructions on system segments and descriptors: LLDT SLDT LTR STR, and
 * the unprivileged descriptor probes LAR LSL VERR VERW and ARPL. All are
 * #UD outside protected mode (each one's "Real-Address Mode Exceptions"
 * and "Virtual-8086 Mode Exceptions" in the SDM). */
#include "cpu/descriptor.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"

static void require_protected(struct cpu *cpu)
{
    if (!cpu_protected(cpu))
        cpu_raise(cpu, VEC_UD, 0);
}

static void require_cpl0(struct cpu *cpu)
{
    if (cpu_cpl(cpu) != 0)
        cpu_raise(cpu, VEC_GP, 0);
}

void op_sldt(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    opnd_write(cpu, in, 0, cpu->ldtr.sel);
}

void op_str(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    opnd_write(cpu, in, 0, cpu->tr.sel);
}

void op_lldt(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    require_cpl0(cpu);
    uint16_t sel = (uint16_t)opnd_read(cpu, in, 0);
    if ((sel & ~3u) == 0) {
        /* A null selector leaves the LDT unusable (SDM "LLDT"). */
        cpu->ldtr.sel = sel;
        cpu->ldtr.base = 0;
        cpu->ldtr.limit = 0;
        cpu->ldtr.attr = 0;
        return;
    }
    if (sel & 4)
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    struct desc d;
    seg_read_descriptor(cpu, sel, &d.lo, &d.hi);
    if (!desc_is_system(d) || desc_type(d) != DESC_LDT)
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (!desc_present(d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
    seg_cache_from_descriptor(&cpu->ldtr, sel, d.lo, d.hi);
}

void op_ltr(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    require_cpl0(cpu);
    uint16_t sel = (uint16_t)opnd_read(cpu, in, 0);
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    if (sel & 4)
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    struct desc d;
    seg_read_descriptor(cpu, sel, &d.lo, &d.hi);
    unsigned t = desc_type(d);
    if (!desc_is_system(d) || (t != DESC_TSS16_AVAIL && t != DESC_TSS32_AVAIL))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (!desc_present(d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
    /* LTR marks the TSS busy in the GDT (SDM "LTR"). */
    d.hi |= 0x200;
    cpu_lin_write(cpu, cpu->gdtr.base + (sel & ~7u) + 5, 1, (d.hi >> 8) & 0xFF);
    seg_cache_from_descriptor(&cpu->tr, sel, d.lo, d.hi);
}

/* Fetch the descriptor a probe (LAR LSL VERR VERW) asks about. Unlike a
 * load, a null selector or one beyond its table only clears ZF (returns
 * 0); faults while reading the table itself still happen. */
static int probe_descriptor(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    if ((sel & ~3u) == 0)
        return 0;
    const struct seg_cache *table = (sel & 4) ? &cpu->ldtr : NULL;
    uint32_t base = table ? table->base : cpu->gdtr.base;
    uint32_t limit = table ? table->limit : cpu->gdtr.limit;
    if (table && (!(table->attr & SEG_ATTR_P) || (table->sel & ~3u) == 0))
        return 0;
    if ((uint32_t)(sel & ~7u) + 7 > limit)
        return 0;
    d->lo = cpu_lin_read(cpu, base + (sel & ~7u), 4);
    d->hi = cpu_lin_read(cpu, base + (sel & ~7u) + 4, 4);
    return 1;
}

static void set_zf(struct cpu *cpu, int on)
{
    flags_set_arith(cpu, EFLAGS_ZF, on ? EFLAGS_ZF : 0);
}

/* The selector operand of LAR/LSL is a 16-bit r/m (opnd 1). */
static uint16_t probe_selector(struct cpu *cpu, const struct insn *in, unsigned i)
{
    const struct opnd *o = &in->opnd[i];
    if (o->kind == OPK_REG)
        return (uint16_t)reg_read(cpu, o->reg, 2);
    return (uint16_t)cpu_read(cpu, in->seg, cpu->ea, 2);
}

void op_lar(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    uint16_t sel = probe_selector(cpu, in, 1);
    struct desc d;
    int ok = probe_descriptor(cpu, sel, &d) && desc_lar_type_ok(d) &&
             desc_privilege_ok(d, cpu_cpl(cpu), sel & 3u);
    if (ok) {
        /* Access rights: bytes 5 and 6 of the descriptor, the limit bits
         * 19:16 cleared (SDM "LAR"). */
        uint32_t rights = d.hi & 0x00F0FF00u;
        reg_write(cpu, in->opnd[0].reg, in->opsize, in->opsize == 2 ? rights & 0xFF00 : rights);
    }
    set_zf(cpu, ok);
}

void op_lsl(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    uint16_t sel = probe_selector(cpu, in, 1);
    struct desc d;
    int ok = probe_descriptor(cpu, sel, &d) && desc_lsl_type_ok(d) &&
             desc_privilege_ok(d, cpu_cpl(cpu), sel & 3u);
    if (ok)
        reg_write(cpu, in->opnd[0].reg, in->opsize, desc_limit(d));
    set_zf(cpu, ok);
}

void op_verr_verw(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    uint16_t sel = probe_selector(cpu, in, 0);
    struct desc d;
    int ok = probe_descriptor(cpu, sel, &d) && !desc_is_system(d) &&
             desc_privilege_ok(d, cpu_cpl(cpu), sel & 3u) &&
             (in->op == OP_VERR ? desc_readable(d) : desc_writable(d));
    set_zf(cpu, ok);
}

void op_arpl(struct cpu *cpu, const struct insn *in)
{
    require_protected(cpu);
    uint16_t dst = (uint16_t)opnd_read(cpu, in, 0);
    uint16_t src = (uint16_t)reg_read(cpu, in->opnd[1].reg, 2);
    if ((dst & 3u) < (src & 3u)) {
        opnd_write(cpu, in, 0, (dst & ~3u) | (src & 3u));
        set_zf(cpu, 1);
    } else {
        set_zf(cpu, 0);
    }
}
