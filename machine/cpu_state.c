#include <string.h>

#include "cpu/msr.h"
#include "machine/cpu_state.h"

static void put_seg(struct state_writer *w, const struct seg_cache *s)
{
    state_put_u16(w, s->sel);
    state_put_u16(w, s->attr);
    state_put_u32(w, s->base);
    state_put_u32(w, s->limit);
}

static void get_seg(struct state_reader *r, struct seg_cache *s)
{
    s->sel = state_get_u16(r);
    s->attr = state_get_u16(r);
    s->base = state_get_u32(r);
    s->limit = state_get_u32(r);
}

/* The x87 (record "FPU0"): registers, the three words, the pointers and
 * opcode, and the FERR#/IGNNE# levels. */
static void fpu_state_save(const struct fpu *f, struct state_writer *w, const char *tag)
{
    state_begin(w, tag, 1);
    for (int i = 0; i < 8; i++) {
        state_put_u64(w, f->r[i].mant);
        state_put_u16(w, f->r[i].se);
    }
    state_put_u16(w, f->cw);
    state_put_u16(w, f->sw);
    state_put_u16(w, f->tw);
    state_put_u16(w, f->fop);
    state_put_u16(w, f->fcs);
    state_put_u16(w, f->fds);
    state_put_u32(w, f->fip);
    state_put_u32(w, f->fdp);
    state_put_u8(w, f->ferr);
    state_put_u8(w, f->ignne);
    state_end(w);
}

static int fpu_state_load(struct fpu *f, struct state_reader *r, const char *tag)
{
    if (state_open(r, tag, 1) != 0)
        return -1;
    for (int i = 0; i < 8; i++) {
        f->r[i].mant = state_get_u64(r);
        f->r[i].se = state_get_u16(r);
    }
    f->cw = state_get_u16(r);
    f->sw = state_get_u16(r);
    f->tw = state_get_u16(r);
    f->fop = state_get_u16(r) & 0x7FF;
    f->fcs = state_get_u16(r);
    f->fds = state_get_u16(r);
    f->fip = state_get_u32(r);
    f->fdp = state_get_u32(r);
    f->ferr = state_get_u8(r) & 1;
    f->ignne = state_get_u8(r) & 1;
    return state_close(r);
}

/* Records "CPUk" and "FPUk" for CPU k (0..9). */
static void tags(unsigned k, char cpu_tag[5], char fpu_tag[5])
{
    memcpy(cpu_tag, "CPU0", 5);
    memcpy(fpu_tag, "FPU0", 5);
    cpu_tag[3] = fpu_tag[3] = (char)('0' + k % 10);
}

void cpu_state_save(const struct cpu *c, struct state_writer *w)
{
    cpu_state_save_as(c, w, 0);
}

int cpu_state_load(struct cpu *c, struct state_reader *r)
{
    return cpu_state_load_as(c, r, 0);
}

void cpu_state_save_as(const struct cpu *c, struct state_writer *w, unsigned k)
{
    char ct[5], ft[5];
    tags(k, ct, ft);
    state_begin(w, ct, 2);
    for (int i = 0; i < 8; i++)
        state_put_u32(w, c->regs[i]);
    state_put_u32(w, c->eip);
    state_put_u32(w, c->eflags);
    /* The lazy-flags record in a canonical form: fields its operation
     * does not read are written as 0. The engines leave different stale
     * values there (a carry-in from an earlier ADC under an ADD record,
     * the operands under a materialised one), which would make two
     * identical machines hash and save differently. */
    struct lazy_flags lf = c->lf;
    if (lf.op == LF_NONE)
        memset(&lf, 0, sizeof lf);
    else if (lf.op != LF_ADC && lf.op != LF_SBB && lf.op != LF_INC && lf.op != LF_DEC)
        lf.cin = 0;
    state_put_u8(w, lf.op);
    state_put_u8(w, lf.size);
    state_put_u8(w, lf.cin);
    state_put_u32(w, lf.dst);
    state_put_u32(w, lf.src);
    state_put_u32(w, lf.res);
    for (int i = 0; i < SEG_COUNT; i++)
        put_seg(w, &c->seg[i]);
    state_put_u32(w, c->gdtr.base);
    state_put_u16(w, c->gdtr.limit);
    state_put_u32(w, c->idtr.base);
    state_put_u16(w, c->idtr.limit);
    put_seg(w, &c->ldtr);
    put_seg(w, &c->tr);
    state_put_u32(w, c->cr0);
    state_put_u32(w, c->cr2);
    state_put_u32(w, c->cr3);
    state_put_u32(w, c->cr4);
    for (int i = 0; i < 8; i++)
        state_put_u32(w, c->dr[i]);
    state_put_u64(w, c->tsc_offset);
    state_put_u64(w, c->efer);
    state_put_u32(w, c->msr.sysenter_cs);
    state_put_u32(w, c->msr.sysenter_esp);
    state_put_u32(w, c->msr.sysenter_eip);
    state_put_u64(w, c->msr.apic_base);
    state_put_u64(w, c->msr.pat);
    state_put_u64(w, c->msr.mtrr_def_type);
    for (int i = 0; i < 2 * CPU_MTRR_VAR_COUNT; i++)
        state_put_u64(w, c->msr.mtrr_var[i]);
    for (int i = 0; i < CPU_MTRR_FIXED_COUNT; i++)
        state_put_u64(w, c->msr.mtrr_fixed[i]);
    state_put_u64(w, c->icount);
    state_put_u8(w, (uint8_t)c->halted);
    state_put_u8(w, (uint8_t)c->shutdown);
    state_put_u8(w, c->irq_shadow);
    state_put_u8(w, c->nmi_pending);
    state_put_u8(w, c->nmi_blocked);
    state_put_u32(w, c->dbg_pending);
    /* Version 2: the P6 performance-monitoring MSRs and MISC_ENABLE. */
    for (int i = 0; i < 2; i++) {
        state_put_u64(w, c->msr.perfctr[i]);
        state_put_u32(w, c->msr.perfevtsel[i]);
    }
    state_put_u64(w, c->msr.misc_enable);
    state_end(w);
    fpu_state_save(&c->fpu, w, ft);
}

int cpu_state_load_as(struct cpu *c, struct state_reader *r, unsigned k)
{
    char ct[5], ft[5];
    tags(k, ct, ft);
    if (state_open(r, ct, 2) != 0)
        return -1;
    for (int i = 0; i < 8; i++)
        c->regs[i] = state_get_u32(r);
    c->eip = state_get_u32(r);
    c->eflags = state_get_u32(r);
    c->lf.op = state_get_u8(r);
    c->lf.size = state_get_u8(r);
    c->lf.cin = state_get_u8(r);
    c->lf.dst = state_get_u32(r);
    c->lf.src = state_get_u32(r);
    c->lf.res = state_get_u32(r);
    /* The lazy-flags record selects a flag function by op and shifts by
     * size: out-of-range values from a damaged state must not reach it. */
    if (c->lf.op > LF_SAR ||
        (c->lf.op != LF_NONE && c->lf.size != 1 && c->lf.size != 2 && c->lf.size != 4))
        state_fail(r);
    for (int i = 0; i < SEG_COUNT; i++)
        get_seg(r, &c->seg[i]);
    c->gdtr.base = state_get_u32(r);
    c->gdtr.limit = state_get_u16(r);
    c->idtr.base = state_get_u32(r);
    c->idtr.limit = state_get_u16(r);
    get_seg(r, &c->ldtr);
    get_seg(r, &c->tr);
    c->cr0 = state_get_u32(r);
    c->cr2 = state_get_u32(r);
    c->cr3 = state_get_u32(r);
    c->cr4 = state_get_u32(r);
    for (int i = 0; i < 8; i++)
        c->dr[i] = state_get_u32(r);
    c->tsc_offset = state_get_u64(r);
    c->efer = state_get_u64(r);
    c->msr.sysenter_cs = state_get_u32(r);
    c->msr.sysenter_esp = state_get_u32(r);
    c->msr.sysenter_eip = state_get_u32(r);
    c->msr.apic_base = state_get_u64(r);
    c->msr.pat = state_get_u64(r);
    c->msr.mtrr_def_type = state_get_u64(r);
    for (int i = 0; i < 2 * CPU_MTRR_VAR_COUNT; i++)
        c->msr.mtrr_var[i] = state_get_u64(r);
    for (int i = 0; i < CPU_MTRR_FIXED_COUNT; i++)
        c->msr.mtrr_fixed[i] = state_get_u64(r);
    c->icount = state_get_u64(r);
    c->halted = state_get_u8(r) & 1;
    c->shutdown = state_get_u8(r) & 1;
    c->irq_shadow = state_get_u8(r);
    if (c->irq_shadow > IRQ_SHADOW_MOV_SS)
        state_fail(r);
    c->nmi_pending = state_get_u8(r) & 1;
    c->nmi_blocked = state_get_u8(r) & 1;
    c->dbg_pending = state_get_u32(r);
    if (r->version >= 2) {
        for (int i = 0; i < 2; i++) {
            c->msr.perfctr[i] = state_get_u64(r) & PERFCTR_MASK;
            c->msr.perfevtsel[i] = state_get_u32(r);
        }
        c->msr.misc_enable = state_get_u64(r);
    } else {
        c->msr.perfctr[0] = c->msr.perfctr[1] = 0;   /* as at power-on */
        c->msr.perfevtsel[0] = c->msr.perfevtsel[1] = 0;
        c->msr.misc_enable = MISC_ENABLE_RESET;
    }
    c->delivering = -1;
    c->stop_requested = 0;
    if (state_close(r) != 0)
        return -1;
    return fpu_state_load(&c->fpu, r, ft);
}
