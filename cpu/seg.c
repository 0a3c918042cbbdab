/* Segment register loads (SDM Vol. 3, chapter 5 "Protection"). */
#include "cpu/seg.h"
#include "cpu/except.h"
#include "cpu/mem.h"

void seg_read_desc(struct cpu *cpu, uint16_t sel, struct desc *d, int vec, unsigned ext)
{
    uint32_t index = sel & ~7u;
    uint32_t base, limit;
    if (sel & 4) {
        /* An LDT selector with no usable LDT loaded faults. */
        if (!(cpu->ldtr.attr & SEG_ATTR_P) || (cpu->ldtr.sel & ~3u) == 0)
            cpu_raise(cpu, vec, (sel & ~3u) | ext);
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if (index + 7 > limit)
        cpu_raise(cpu, vec, (sel & ~3u) | ext);
    d->lo = cpu_lin_read(cpu, base + index, 4);
    d->hi = cpu_lin_read(cpu, base + index + 4, 4);
}

void seg_read_descriptor(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    struct desc d;
    seg_read_desc(cpu, sel, &d, VEC_GP, 0);
    *lo = d.lo;
    *hi = d.hi;
}

void seg_set_null(struct seg_cache *c, uint16_t sel)
{
    c->sel = sel;
    c->base = 0;
    c->limit = 0;
    c->attr = 0;
}

void seg_load_v86(struct seg_cache *c, uint16_t sel)
{
    c->sel = sel;
    c->base = (uint32_t)sel << 4;
    c->limit = 0xFFFF;
    c->attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_RW | SEG_ATTR_ACCESSED | SEG_ATTR_DPL;
}

int seg_offset_ok(const struct seg_cache *c, uint32_t off, unsigned size)
{
    uint64_t last = (uint64_t)off + size - 1;
    if (!(c->attr & SEG_ATTR_CODE) && (c->attr & SEG_ATTR_DC)) {
        uint64_t upper = (c->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        return off > c->limit && last <= upper;
    }
    return last <= c->limit;
}

void seg_check_stack(struct cpu *cpu, uint16_t sel, unsigned cpl, int null_vec, uint32_t null_err,
                     int bad_vec, unsigned ext, struct seg_cache *out)
{
    struct desc d;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, null_vec, null_err);
    seg_read_desc(cpu, sel, &d, bad_vec, ext);
    if ((sel & 3u) != cpl || !desc_writable(d) || desc_dpl(d) != cpl)
        cpu_raise(cpu, bad_vec, (sel & ~3u) | ext);
    if (!desc_present(d))
        cpu_raise(cpu, VEC_SS, (sel & ~3u) | ext);
    seg_cache_from_descriptor(out, sel, d.lo, d.hi | 0x100);
}

void seg_null_invalid_for_cpl(struct cpu *cpu, unsigned cpl)
{
    static const int segs[] = { SEG_ES, SEG_FS, SEG_GS, SEG_DS };
    for (unsigned i = 0; i < 4; i++) {
        struct seg_cache *c = &cpu->seg[segs[i]];
        unsigned dpl = (c->attr & SEG_ATTR_DPL) >> 5;
        int conforming = (c->attr & SEG_ATTR_CODE) && (c->attr & SEG_ATTR_DC);
        if ((c->attr & SEG_ATTR_P) && !conforming && dpl < cpl)
            seg_set_null(c, 0);
    }
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

/* `gp` is the vector for every failure but not-present: #GP for
 * instructions, #TS inside a task switch (SDM 7.3 step 13). */
static void load_data_segment_pm(struct cpu *cpu, int seg, uint16_t sel, unsigned cpl, int gp)
{
    struct seg_cache *c = &cpu->seg[seg];
    unsigned rpl = sel & 3u, dpl;
    uint32_t lo, hi;
    uint16_t attr;

    if ((sel & ~3u) == 0) {
        /* Null selector: allowed for DS ES FS GS (the register becomes
         * unusable), #GP(0) for SS. */
        if (seg == SEG_SS)
            cpu_raise(cpu, gp, 0);
        seg_set_null(c, sel);
        return;
    }
    struct desc d;
    seg_read_desc(cpu, sel, &d, gp, 0);
    lo = d.lo;
    hi = d.hi;
    attr = (uint16_t)((hi >> 8) & 0xFF);
    dpl = (attr >> 5) & 3u;
    if (!(attr & SEG_ATTR_S))
        cpu_raise(cpu, gp, sel & ~3u);
    if (seg == SEG_SS) {
        /* SS: writable data, RPL = DPL = CPL (SDM "MOV" and 5.7). */
        if ((attr & SEG_ATTR_CODE) || !(attr & SEG_ATTR_RW) || rpl != cpl || dpl != cpl)
            cpu_raise(cpu, gp, sel & ~3u);
        if (!(attr & SEG_ATTR_P))
            cpu_raise(cpu, VEC_SS, sel & ~3u);
    } else {
        /* Data or readable code; unless conforming code, DPL >= max(CPL, RPL). */
        if ((attr & SEG_ATTR_CODE) && !(attr & SEG_ATTR_RW))
            cpu_raise(cpu, gp, sel & ~3u);
        int conforming = (attr & SEG_ATTR_CODE) && (attr & SEG_ATTR_DC);
        if (!conforming && (dpl < cpl || dpl < rpl))
            cpu_raise(cpu, gp, sel & ~3u);
        if (!(attr & SEG_ATTR_P))
            cpu_raise(cpu, VEC_NP, sel & ~3u);
    }
    seg_mark_accessed(cpu, sel, hi);
    seg_cache_from_descriptor(c, sel, lo, hi | 0x100);
}

void seg_load(struct cpu *cpu, int seg, uint16_t sel)
{
    if (cpu_protected(cpu)) {
        load_data_segment_pm(cpu, seg, sel, cpu_cpl(cpu), VEC_GP);
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

void seg_load_for_task(struct cpu *cpu, int seg, uint16_t sel, unsigned cpl)
{
    load_data_segment_pm(cpu, seg, sel, cpl, VEC_TS);
}
