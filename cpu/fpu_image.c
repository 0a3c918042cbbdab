/* The x87 state images in memory: FSTENV/FLDENV and FSAVE/FRSTOR in their
 * four layouts (SDM Vol. 1, 8.1.10, Figures 8-9 to 8-12), and the legacy
 * FXSAVE/FXRSTOR image (Vol. 1, Table 10-2). Only the byte layouts live
 * here; the handlers (cpu/ops_fpu_ctl.c) do the memory accesses. */
#include "cpu/cpu.h"
#include "cpu/fpu.h"

/* Fields the figures mark reserved in the 32-bit layouts are written as
 * FFFFh, which is what the x87 of Intel and AMD processors stores there
 * (an FNSTENV on the development host shows it). */
#define RSVD 0xFFFF0000u

/* The real-address layouts (real and V86 mode) hold 32-bit linear
 * pointers, the protected ones selector and offset. */
static int real_layout(const struct cpu *cpu)
{
    return !(cpu->cr0 & CR0_PE) || (cpu->eflags & EFLAGS_VM);
}

static uint32_t lin_ip(const struct fpu *f)
{
    return ((uint32_t)f->fcs << 4) + f->fip;
}

static uint32_t lin_dp(const struct fpu *f)
{
    return ((uint32_t)f->fds << 4) + f->fdp;
}

unsigned fpu_env_size(unsigned opsize)
{
    return opsize == 4 ? 28 : 14;
}

void fpu_store_env(const struct cpu *cpu, unsigned opsize, uint8_t *img)
{
    const struct fpu *f = &cpu->fpu;
    uint16_t tw = fpu_tag_word(f), fop = f->fop & 0x7FF;
    int real = real_layout(cpu);
    if (opsize == 4) {
        fpu_put32(img + 0, RSVD | f->cw);
        fpu_put32(img + 4, RSVD | f->sw);
        fpu_put32(img + 8, RSVD | tw);
        if (real) {
            uint32_t ip = lin_ip(f), dp = lin_dp(f);
            fpu_put32(img + 12, RSVD | (ip & 0xFFFF));
            fpu_put32(img + 16, ((ip >> 16) << 12) | fop);
            fpu_put32(img + 20, RSVD | (dp & 0xFFFF));
            fpu_put32(img + 24, (dp >> 16) << 12);
        } else {
            fpu_put32(img + 12, f->fip);
            fpu_put32(img + 16, f->fcs | ((uint32_t)fop << 16));
            fpu_put32(img + 20, f->fdp);
            fpu_put32(img + 24, RSVD | f->fds);
        }
    } else {
        fpu_put16(img + 0, f->cw);
        fpu_put16(img + 2, f->sw);
        fpu_put16(img + 4, tw);
        if (real) {
            uint32_t ip = lin_ip(f), dp = lin_dp(f);
            fpu_put16(img + 6, (uint16_t)ip);
            fpu_put16(img + 8, (uint16_t)((((ip >> 16) & 0xF) << 12) | fop));
            fpu_put16(img + 10, (uint16_t)dp);
            fpu_put16(img + 12, (uint16_t)(((dp >> 16) & 0xF) << 12));
        } else {
            fpu_put16(img + 6, (uint16_t)f->fip);
            fpu_put16(img + 8, f->fcs);
            fpu_put16(img + 10, (uint16_t)f->fdp);
            fpu_put16(img + 12, f->fds);
        }
    }
}

/* A loaded control word keeps its defined bits; bit 6 reads as 1. */
static uint16_t cw_from_image(uint16_t cw)
{
    return (uint16_t)((cw & 0x1F3F) | 0x0040);
}

void fpu_load_env(struct cpu *cpu, unsigned opsize, const uint8_t *img)
{
    struct fpu *f = &cpu->fpu;
    int real = real_layout(cpu);
    uint16_t tw;
    if (opsize == 4) {
        f->cw = cw_from_image(fpu_get16(img + 0));
        f->sw = fpu_get16(img + 4);
        tw = fpu_get16(img + 8);
        if (real) {
            f->fip = fpu_get16(img + 12) | (((fpu_get32(img + 16) >> 12) & 0xFFFF) << 16);
            f->fop = fpu_get16(img + 16) & 0x7FF;
            f->fdp = fpu_get16(img + 20) | (((fpu_get32(img + 24) >> 12) & 0xFFFF) << 16);
            f->fcs = f->fds = 0;
        } else {
            f->fip = fpu_get32(img + 12);
            f->fcs = fpu_get16(img + 16);
            f->fop = fpu_get16(img + 18) & 0x7FF;
            f->fdp = fpu_get32(img + 20);
            f->fds = fpu_get16(img + 24);
        }
    } else {
        f->cw = cw_from_image(fpu_get16(img + 0));
        f->sw = fpu_get16(img + 2);
        tw = fpu_get16(img + 4);
        if (real) {
            uint16_t w = fpu_get16(img + 8);
            f->fip = fpu_get16(img + 6) | ((uint32_t)(w >> 12) << 16);
            f->fop = w & 0x7FF;
            f->fdp = fpu_get16(img + 10) | ((uint32_t)(fpu_get16(img + 12) >> 12) << 16);
            f->fcs = f->fds = 0;
        } else {
            /* The 16-bit protected layout has no opcode field: FOP keeps
             * its value. */
            f->fip = fpu_get16(img + 6);
            f->fcs = fpu_get16(img + 8);
            f->fdp = fpu_get16(img + 10);
            f->fds = fpu_get16(img + 12);
        }
    }
    fpu_load_tag_word(f, tw);
    /* ES and B are not taken from the image: they are recomputed from the
     * flags and masks just loaded (as the development host's x87 does), so
     * an image with unmasked flags makes them pending. */
    fpu_update_es(f);
}

void fpu_store_regs(const struct fpu *f, uint8_t *img)
{
    for (unsigned i = 0; i < 8; i++)
        fpu_put80(img + 10 * i, fpu_st(f, i));
}

void fpu_load_regs(struct fpu *f, const uint8_t *img)
{
    for (unsigned i = 0; i < 8; i++)
        f->r[fpu_phys(f, i)] = fpu_get80(img + 10 * i);
    /* Re-derive the non-empty tags from the new contents. */
    fpu_load_tag_word(f, f->tw);
}

void fpu_store_fxsave(const struct fpu *f, uint8_t *img)
{
    for (unsigned i = 0; i < FPU_FXSAVE_X87_BYTES; i++)
        img[i] = 0;
    fpu_put16(img + 0, f->cw);
    fpu_put16(img + 2, f->sw);
    img[4] = fpu_abridged_tag(f);
    fpu_put16(img + 6, f->fop & 0x7FF);
    fpu_put32(img + 8, f->fip);
    fpu_put16(img + 12, f->fcs);
    fpu_put32(img + 16, f->fdp);
    fpu_put16(img + 20, f->fds);
    /* MXCSR and MXCSR_MASK (bytes 24-31) stay 0: no SSE. */
    for (unsigned i = 0; i < 8; i++)
        fpu_put80(img + 32 + 16 * i, fpu_st(f, i));
}

void fpu_load_fxsave(struct fpu *f, const uint8_t *img)
{
    f->cw = cw_from_image(fpu_get16(img + 0));
    f->sw = fpu_get16(img + 2);
    f->fop = fpu_get16(img + 6) & 0x7FF;
    f->fip = fpu_get32(img + 8);
    f->fcs = fpu_get16(img + 12);
    f->fdp = fpu_get32(img + 16);
    f->fds = fpu_get16(img + 20);
    for (unsigned i = 0; i < 8; i++)
        f->r[fpu_phys(f, i)] = fpu_get80(img + 32 + 16 * i);
    fpu_load_abridged_tag(f, img[4]);
    fpu_update_es(f);
}
