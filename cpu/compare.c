#include <stdarg.h>
#include <stdio.h>

#include "cpu/compare.h"

struct diff_out {
    char *buf;
    size_t size, used;
    int count;
};

static void note(struct diff_out *o, const char *fmt, ...)
{
    va_list ap;
    o->count++;
    if (o->used >= o->size)
        return;
    va_start(ap, fmt);
    int w = vsnprintf(o->buf + o->used, o->size - o->used, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->used += (size_t)w < o->size - o->used ? (size_t)w : o->size - o->used;
}

static void cmp32(struct diff_out *o, const char *name, uint32_t a, uint32_t b)
{
    if (a != b)
        note(o, "%s %08x != %08x; ", name, a, b);
}

static void cmp_seg(struct diff_out *o, const char *name, const struct seg_cache *a,
                    const struct seg_cache *b)
{
    if (a->sel != b->sel || a->base != b->base || a->limit != b->limit || a->attr != b->attr)
        note(o, "%s %04x/%08x/%08x/%04x != %04x/%08x/%08x/%04x; ", name, a->sel, a->base,
             a->limit, a->attr, b->sel, b->base, b->limit, b->attr);
}

int cpu_compare(const struct cpu *a, const struct cpu *b, char *buf, size_t size)
{
    static const char *const regs[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *const segs[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };
    struct diff_out o = { buf, size, 0, 0 };
    if (size)
        buf[0] = 0;

    for (int i = 0; i < 8; i++)
        cmp32(&o, regs[i], a->regs[i], b->regs[i]);
    cmp32(&o, "eip", a->eip, b->eip);
    cmp32(&o, "eflags", cpu_get_eflags(a), cpu_get_eflags(b));
    for (int s = 0; s < SEG_COUNT; s++)
        cmp_seg(&o, segs[s], &a->seg[s], &b->seg[s]);
    cmp_seg(&o, "ldtr", &a->ldtr, &b->ldtr);
    cmp_seg(&o, "tr", &a->tr, &b->tr);
    cmp32(&o, "gdtr.base", a->gdtr.base, b->gdtr.base);
    cmp32(&o, "gdtr.limit", a->gdtr.limit, b->gdtr.limit);
    cmp32(&o, "idtr.base", a->idtr.base, b->idtr.base);
    cmp32(&o, "idtr.limit", a->idtr.limit, b->idtr.limit);
    cmp32(&o, "cr0", a->cr0, b->cr0);
    cmp32(&o, "cr2", a->cr2, b->cr2);
    cmp32(&o, "cr3", a->cr3, b->cr3);
    cmp32(&o, "cr4", a->cr4, b->cr4);
    for (int i = 0; i < 8; i++) {
        char name[4] = { 'd', 'r', (char)('0' + i), 0 };
        cmp32(&o, name, a->dr[i], b->dr[i]);
    }
    cmp32(&o, "fcw", a->fpu.cw, b->fpu.cw);
    cmp32(&o, "fsw", a->fpu.sw, b->fpu.sw);
    cmp32(&o, "ftw", a->fpu.tw, b->fpu.tw);
    for (int i = 0; i < 8; i++) {
        const struct fp80 *x = &a->fpu.r[i], *y = &b->fpu.r[i];
        if (x->mant != y->mant || x->se != y->se)
            note(&o, "r%d %04x:%016llx != %04x:%016llx; ", i, x->se, (unsigned long long)x->mant,
                 y->se, (unsigned long long)y->mant);
    }
    cmp32(&o, "fop", a->fpu.fop, b->fpu.fop);
    cmp32(&o, "fcs", a->fpu.fcs, b->fpu.fcs);
    cmp32(&o, "fip", a->fpu.fip, b->fpu.fip);
    cmp32(&o, "fds", a->fpu.fds, b->fpu.fds);
    cmp32(&o, "fdp", a->fpu.fdp, b->fpu.fdp);
    cmp32(&o, "ferr", a->fpu.ferr, b->fpu.ferr);
    if (a->icount != b->icount)
        note(&o, "icount %llu != %llu; ", (unsigned long long)a->icount,
             (unsigned long long)b->icount);
    if (a->halted != b->halted)
        note(&o, "halted %d != %d; ", a->halted, b->halted);
    return o.count != 0;
}
