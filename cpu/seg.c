/* Segment register loads (SDM Vol. 3, chapter 5 "Protection"). */
#include "cpu/seg.h"
#include "cpu/except.h"
#include "cpu/mem.h"

void seg_read_descriptor(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t index = sel & ~7u;
    uint32_t base, limit;
    if (sel & 4) {
        /* An LDT selector with no usable LDT loaded faults. */
        if (!(cpu->ldtr.attr & SEG_ATTR_P) || (cpu->ldtr.sel & ~3u) == 0)
            cpu_raise(cpu, VEC_GP, sel & ~3u);
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if (index + 7 > limit)
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    *lo = cpu_lin_read(cpu, base + index, 4);
    *hi = cpu_lin_read(cpu, base + index + 4, 4);
}

void seg_cache_from_descriptor(struct seg_cache *c, uint16_t sel, uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
    c->sel = sel;
    c->base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
    c->attr = (uint16_t)(((hi >> 8) & 0xFF) | ((hi >> 8) & 0xF000));
    if (hi & 0x00800000u)   /* G: limit in 4 KiB units */
        limit = (limit << 12) | 0xFFF;
    c->limit = limit;
}

void seg_mark_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi)
{
    if (hi & 0x100)
        return;
    uint32_t base = (sel & 4) ? cpu->ldtr.base : cpu->gdtr.base;
    cpu_lin_write(cpu, base + (sel & ~7u) + 5, 1, ((hi >> 8) & 0xFF) | 1);
}

static void load_data_segment_pm(struct cpu *cpu, int seg, uint16_t sel)
{
    struct seg_cache *c = &cpu->seg[seg];
    unsigned cpl = cpu_cpl(cpu), rpl = sel & 3u, dpl;
    uint32_t lo, hi;
    uint16_t attr;

    if ((sel & ~3u) == 0) {
        /* Null selector: allowed for DS ES FS GS (the register becomes
         * unusable), #GP(0) for SS. */
        if (seg == SEG_SS)
            cpu_raise(cpu, VEC_GP, 0);
        c->sel = sel;
        c->base = 0;
        c->limit = 0;
        c->attr = 0;
        return;
    }
    seg_read_descriptor(cpu, sel, &lo, &hi);
    attr = (uint16_t)((hi >> 8) & 0xFF);
    dpl = (attr >> 5) & 3u;
    if (!(attr & SEG_ATTR_S))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (seg == SEG_SS) {
        /* SS: writable data, RPL = DPL = CPL (SDM "MOV" and 5.7). */
        if ((attr & SEG_ATTR_CODE) || !(attr & SEG_ATTR_RW) || rpl != cpl || dpl != cpl)
            cpu_raise(cpu, VEC_GP, sel & ~3u);
        if (!(attr & SEG_ATTR_P))
            cpu_raise(cpu, VEC_SS, sel & ~3u);
    } else {
        /* Data or readable code; unless conforming code, DPL >= max(CPL, RPL). */
        if ((attr & SEG_ATTR_CODE) && !(attr & SEG_ATTR_RW))
            cpu_raise(cpu, VEC_GP, sel & ~3u);
        int conforming = (attr & SEG_ATTR_CODE) && (attr & SEG_ATTR_DC);
        if (!conforming && (dpl < cpl || dpl < rpl))
            cpu_raise(cpu, VEC_GP, sel & ~3u);
        if (!(attr & SEG_ATTR_P))
            cpu_raise(cpu, VEC_NP, sel & ~3u);
    }
    seg_mark_accessed(cpu, sel, hi);
    seg_cache_from_descriptor(c, sel, lo, hi | 0x100);
}

void seg_load(struct cpu *cpu, int seg, uint16_t sel)
{
    if (cpu_protected(cpu)) {
        load_data_segment_pm(cpu, seg, sel);
        return;
    }
    cpu->seg[seg].sel = sel;
    cpu->seg[seg].base = (uint32_t)sel << 4;
    if (cpu->eflags & EFLAGS_VM) {
        /* V86 segments are always 64 KiB writable data at DPL 3. */
        cpu->seg[seg].limit = 0xFFFF;
        cpu->seg[seg].attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_RW |
                             SEG_ATTR_ACCESSED | SEG_ATTR_DPL;
    }
}

void seg_check_far_target(struct cpu *cpu, uint16_t sel, uint32_t off, struct seg_cache *out)
{
    if (!cpu_protected(cpu)) {
        *out = cpu->seg[SEG_CS];
        out->sel = sel;
        out->base = (uint32_t)sel << 4;
        if (off > out->limit)
            cpu_raise(cpu, VEC_GP, 0);
        return;
    }
    unsigned cpl = cpu_cpl(cpu), rpl = sel & 3u, dpl;
    uint32_t lo, hi;
    uint16_t attr;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_GP, 0);
    seg_read_descriptor(cpu, sel, &lo, &hi);
    attr = (uint16_t)((hi >> 8) & 0xFF);
    dpl = (attr >> 5) & 3u;
    if (!(attr & SEG_ATTR_S))
        cpu_raise_unimplemented(cpu, "far transfer through a gate or TSS");
    if (!(attr & SEG_ATTR_CODE))
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    if (attr & SEG_ATTR_DC) {
        if (dpl > cpl)
            cpu_raise(cpu, VEC_GP, sel & ~3u);
    } else if (rpl > cpl || dpl != cpl) {
        cpu_raise(cpu, VEC_GP, sel & ~3u);
    }
    if (!(attr & SEG_ATTR_P))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
    seg_cache_from_descriptor(out, (uint16_t)((sel & ~3u) | cpl), lo, hi | 0x100);
    if (off > out->limit)
        cpu_raise(cpu, VEC_GP, 0);
    seg_mark_accessed(cpu, sel, hi);
}

void seg_far_jump(struct cpu *cpu, uint16_t sel, uint32_t off, unsigned opsize)
{
    struct seg_cache target;
    if (opsize == 2)
        off &= 0xFFFF;
    seg_check_far_target(cpu, sel, off, &target);
    cpu->seg[SEG_CS] = target;
    cpu->eip = off;
}
