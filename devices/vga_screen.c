#include <stdlib.h>
#include <string.h>

#include "devices/vga_screen.h"

enum vga_screen_kind vga_screen_kind(const struct vga *v)
{
    if (v->vbe[VBE_INDEX_ENABLE] & VBE_ENABLED)
        return VGA_SCREEN_VBE;
    /* Screen off: sequencer clocking mode bit 5, or the attribute
     * controller's palette address source (index bit 5) clear. */
    if ((v->seq[1] & 0x20) || !(v->ar_index & 0x20))
        return VGA_SCREEN_OFF;
    /* Attribute mode control bit 0 selects graphics (AR 10h). */
    return (v->ar[0x10] & 1) ? VGA_SCREEN_GRAPHICS : VGA_SCREEN_TEXT;
}

static unsigned vertical_display_end(const struct vga *v)
{
    /* CRTC 12h plus bit 8 (overflow bit 1) and bit 9 (overflow bit 6). */
    return (unsigned)v->crtc[0x12] | ((v->crtc[7] >> 1) & 1u) << 8 | ((v->crtc[7] >> 6) & 1u) << 9;
}

int vga_text_snapshot(const struct vga *v, struct vga_text_screen *t)
{
    memset(t, 0, sizeof *t);
    if (vga_screen_kind(v) != VGA_SCREEN_TEXT)
        return -1;
    unsigned cols = (unsigned)v->crtc[1] + 1;
    unsigned char_height = (v->crtc[9] & 0x1F) + 1u;
    unsigned rows = (vertical_display_end(v) + 1) / char_height;
    if (cols > VGA_TEXT_MAX_COLS)
        cols = VGA_TEXT_MAX_COLS;
    if (rows > VGA_TEXT_MAX_ROWS)
        rows = VGA_TEXT_MAX_ROWS;
    t->cols = cols;
    t->rows = rows;
    unsigned start = (unsigned)v->crtc[0x0C] << 8 | v->crtc[0x0D];
    /* CRTC 13h counts words per row in word mode (the text modes). */
    unsigned pitch = (unsigned)v->crtc[0x13] * 2;
    for (unsigned r = 0; r < rows; r++) {
        for (unsigned c = 0; c < cols; c++) {
            /* Word mode: the CRTC's character address doubled is the plane
             * offset; plane 0 holds the code, plane 1 the attribute. */
            uint32_t addr = ((start + r * pitch + c) * 2) & (VGA_PLANE_SIZE - 1);
            t->ch[r][c] = v->vram[addr * 4];
            t->attr[r][c] = v->vram[addr * 4 + 1];
        }
    }
    unsigned cursor = ((unsigned)v->crtc[0x0E] << 8 | v->crtc[0x0F]) - start;
    t->cursor_visible = !(v->crtc[0x0A] & 0x20) && pitch && cursor < rows * pitch &&
                        cursor % pitch < cols;
    if (pitch) {
        t->cursor_row = cursor / pitch;
        t->cursor_col = cursor % pitch;
    }
    t->blink_enabled = (v->ar[0x10] >> 3) & 1;
    return 0;
}

static void dac_rgb(const struct vga *v, unsigned index, uint8_t rgb[3])
{
    int eight = (v->vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC) != 0;
    index &= v->dac_mask;
    for (int i = 0; i < 3; i++) {
        uint8_t c = v->dac[index * 3 + (unsigned)i];
        rgb[i] = eight ? c : (uint8_t)(c << 2 | c >> 4);
    }
}

/* Attribute palette -> DAC index (AR 10h bit 7 and AR 14h, IBM VGA TR
 * "Color Select Register"). */
static unsigned attr_to_dac(const struct vga *v, unsigned index)
{
    uint8_t pal = v->ar[index & 0x0F];
    unsigned dac;
    if (v->ar[0x10] & 0x80)
        dac = (pal & 0x0F) | (unsigned)(v->ar[0x14] & 0x0F) << 4;
    else
        dac = (pal & 0x3F) | (unsigned)(v->ar[0x14] & 0x0C) << 4;
    return dac;
}

void vga_attr_rgb(const struct vga *v, unsigned index, uint8_t rgb[3])
{
    dac_rgb(v, attr_to_dac(v, index), rgb);
}

static int render_vbe(const struct vga *v, uint8_t *out, unsigned w, unsigned h)
{
    unsigned bpp = v->vbe[VBE_INDEX_BPP];
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            uint8_t *o = out + ((size_t)y * w + x) * 3;
            uint64_t p;
            switch (bpp) {
            case 8:
                p = (uint64_t)v->vbe_start + (uint64_t)y * v->vbe_line_offset + x;
                if (p >= VGA_VRAM_SIZE)
                    return -1;
                dac_rgb(v, v->vram[p], o);
                break;
            case 15: case 16: {
                p = (uint64_t)v->vbe_start + (uint64_t)y * v->vbe_line_offset + 2ull * x;
                if (p + 1 >= VGA_VRAM_SIZE)
                    return -1;
                unsigned px = v->vram[p] | (unsigned)v->vram[p + 1] << 8;
                if (bpp == 15) {
                    o[0] = (uint8_t)((px >> 10 & 31) << 3);
                    o[1] = (uint8_t)((px >> 5 & 31) << 3);
                } else {
                    o[0] = (uint8_t)((px >> 11 & 31) << 3);
                    o[1] = (uint8_t)((px >> 5 & 63) << 2);
                }
                o[2] = (uint8_t)((px & 31) << 3);
                break;
            }
            case 24: case 32:
                p = (uint64_t)v->vbe_start + (uint64_t)y * v->vbe_line_offset +
                    (uint64_t)x * (bpp / 8);
                if (p + 2 >= VGA_VRAM_SIZE)
                    return -1;
                o[0] = v->vram[p + 2];   /* stored B, G, R */
                o[1] = v->vram[p + 1];
                o[2] = v->vram[p];
                break;
            default:
                return -1;
            }
        }
    }
    return 0;
}

static int render_vga(const struct vga *v, uint8_t *out, unsigned w, unsigned h,
                      unsigned line_div)
{
    unsigned start = (unsigned)v->crtc[0x0C] << 8 | v->crtc[0x0D];
    int mode256 = (v->ar[0x10] & 0x40) != 0;
    for (unsigned y = 0; y < h; y++) {
        unsigned line = y / line_div;
        for (unsigned x = 0; x < w; x++) {
            uint8_t *o = out + ((size_t)y * w + x) * 3;
            if (mode256) {
                /* Chain-4 (mode 13h): CRTC doubleword addressing, four
                 * pixels per address, one per plane -- linear here. */
                uint32_t p = (start * 4 + line * (unsigned)v->crtc[0x13] * 8 + x) &
                             (4 * VGA_PLANE_SIZE - 1);
                dac_rgb(v, v->vram[p], o);
            } else {
                /* Planar 16 colours: one bit per plane per pixel. */
                uint32_t off = (start + line * (unsigned)v->crtc[0x13] * 2 + x / 8) &
                               (VGA_PLANE_SIZE - 1);
                unsigned bit = 7 - (x & 7), idx = 0;
                for (unsigned p = 0; p < 4; p++)
                    idx |= ((v->vram[off * 4 + p] >> bit) & 1u) << p;
                idx &= v->ar[0x12] & 0x0F;     /* colour plane enable */
                vga_attr_rgb(v, idx, o);
            }
        }
    }
    return 0;
}

int vga_render_rgb(const struct vga *v, uint8_t **rgb, unsigned *width, unsigned *height)
{
    enum vga_screen_kind kind = vga_screen_kind(v);
    unsigned w, h, line_div = 1;
    if (kind == VGA_SCREEN_VBE) {
        w = v->vbe[VBE_INDEX_XRES];
        h = v->vbe[VBE_INDEX_YRES];
    } else if (kind == VGA_SCREEN_GRAPHICS) {
        w = ((unsigned)v->crtc[1] + 1) * 8;
        if (v->ar[0x10] & 0x40)
            w /= 2;                       /* 256 colours: two clocks per pixel */
        line_div = (v->crtc[9] & 0x1F) + 1u;
        if (v->crtc[9] & 0x80)
            line_div *= 2;
        h = (vertical_display_end(v) + 1) / line_div;
        line_div = 1;
    } else {
        return -1;
    }
    if (w == 0 || h == 0 || w > VBE_MAX_XRES || h > VBE_MAX_YRES)
        return -1;
    uint8_t *out = malloc((size_t)w * h * 3);
    if (!out)
        return -1;
    int rc = kind == VGA_SCREEN_VBE ? render_vbe(v, out, w, h) : render_vga(v, out, w, h, line_div);
    if (rc != 0) {
        free(out);
        return -1;
    }
    *rgb = out;
    *width = w;
    *height = h;
    return 0;
}
