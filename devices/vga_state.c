/* VGA save/restore (base/state.h records): registers, DAC, latches,
 * VBE registers and all of video memory, in record "VGA0". Derived
 * values (the VBE line layout) are recomputed, never trusted. */
#include <string.h>

#include "devices/vga.h"
#include "devices/vga_state.h"

/* Video memory goes in 64 KiB blocks, all-zero blocks left out: a text
 * screen costs a few blocks, not 16 MiB. Only blocks ever written
 * (vram_touched) are looked at. */
#define VRAM_BLOCK 0x10000u
#define VRAM_BLOCKS (VGA_VRAM_SIZE / VRAM_BLOCK)

static int touched(const struct vga *v, unsigned b)
{
    return (v->vram_touched[b >> 6] >> (b & 63)) & 1;
}

static int block_is_zero(const uint8_t *p)
{
    static const uint8_t zero[256];
    for (unsigned i = 0; i < VRAM_BLOCK; i += sizeof zero)
        if (memcmp(p + i, zero, sizeof zero) != 0)
            return 0;
    return 1;
}

void vga_save(const struct vga *v, struct state_writer *w)
{
    state_begin(w, "VGA0", 1);
    state_put_u8(w, v->misc);
    state_put_u8(w, v->feature);
    state_put_u8(w, v->seq_index);
    state_put_bytes(w, v->seq, sizeof v->seq);
    state_put_u8(w, v->crtc_index);
    state_put_bytes(w, v->crtc, sizeof v->crtc);
    state_put_u8(w, v->gc_index);
    state_put_bytes(w, v->gc, sizeof v->gc);
    state_put_u8(w, v->ar_index);
    state_put_bytes(w, v->ar, sizeof v->ar);
    state_put_u8(w, (uint8_t)v->ar_flipflop);
    state_put_u8(w, v->dac_mask);
    state_put_u8(w, v->dac_read_index);
    state_put_u8(w, v->dac_write_index);
    state_put_u8(w, v->dac_sub);
    state_put_u8(w, v->dac_state);
    state_put_bytes(w, v->dac, sizeof v->dac);
    state_put_bytes(w, v->latch, sizeof v->latch);
    state_put_u32(w, v->status_reads);
    state_put_u16(w, v->vbe_index);
    for (unsigned i = 0; i < VBE_INDEX_COUNT; i++)
        state_put_u16(w, v->vbe[i]);
    uint16_t used = 0;
    for (unsigned b = 0; b < VRAM_BLOCKS; b++)
        used += touched(v, b) && !block_is_zero(v->vram + b * VRAM_BLOCK);
    state_put_u16(w, used);
    for (unsigned b = 0; b < VRAM_BLOCKS; b++) {
        if (!touched(v, b) || block_is_zero(v->vram + b * VRAM_BLOCK))
            continue;
        state_put_u16(w, (uint16_t)b);
        state_put_bytes(w, v->vram + b * VRAM_BLOCK, VRAM_BLOCK);
    }
    state_end(w);
}

int vga_load(struct vga *v, struct state_reader *r)
{
    if (state_open(r, "VGA0", 1) != 0)
        return -1;
    v->misc = state_get_u8(r);
    v->feature = state_get_u8(r);
    v->seq_index = state_get_u8(r);
    state_get_bytes(r, v->seq, sizeof v->seq);
    v->crtc_index = state_get_u8(r);
    state_get_bytes(r, v->crtc, sizeof v->crtc);
    v->gc_index = state_get_u8(r);
    state_get_bytes(r, v->gc, sizeof v->gc);
    v->ar_index = state_get_u8(r);
    state_get_bytes(r, v->ar, sizeof v->ar);
    v->ar_flipflop = state_get_u8(r) & 1;
    v->dac_mask = state_get_u8(r);
    v->dac_read_index = state_get_u8(r);
    v->dac_write_index = state_get_u8(r);
    v->dac_sub = state_get_u8(r);
    v->dac_state = state_get_u8(r);
    state_get_bytes(r, v->dac, sizeof v->dac);
    state_get_bytes(r, v->latch, sizeof v->latch);
    v->status_reads = state_get_u32(r);
    v->vbe_index = state_get_u16(r);
    for (unsigned i = 0; i < VBE_INDEX_COUNT; i++)
        v->vbe[i] = state_get_u16(r);
    /* Blocks never written are zero already: clear only the others. */
    for (unsigned b = 0; b < VRAM_BLOCKS; b++)
        if (touched(v, b))
            memset(v->vram + b * VRAM_BLOCK, 0, VRAM_BLOCK);
    memset(v->vram_touched, 0, sizeof v->vram_touched);
    unsigned used = state_get_u16(r);
    for (unsigned k = 0; k < used && k < VRAM_BLOCKS && !r->failed; k++) {
        unsigned b = state_get_u16(r);
        if (b >= VRAM_BLOCKS) {
            state_fail(r);
            break;
        }
        state_get_bytes(r, v->vram + b * VRAM_BLOCK, VRAM_BLOCK);
        vga_touch(v, b * VRAM_BLOCK);
    }
    if (used > VRAM_BLOCKS)
        state_fail(r);
    /* dac_sub indexes a DAC entry's three components. */
    if (v->dac_sub > 2)
        state_fail(r);
    if (state_close(r) != 0)
        return -1;
    vga_vbe_relayout(v);
    return 0;
}
