#include <stdlib.h>
#include <string.h>

#include "devices/vga_render.h"
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

int vga_render_rgb(const struct vga *v, uint8_t **rgb, unsigned *width, unsigned *height)
{
    if (vga_screen_kind(v) == VGA_SCREEN_TEXT)
        return -1;
    struct vga_frame_geometry g;
    if (vga_frame_geometry(v, &g) != 0)
        return -1;
    size_t n = (size_t)g.width * g.height;
    uint32_t *px = malloc(n * sizeof *px);
    uint8_t *out = malloc(n * 3);
    if (!px || !out || vga_render_frame(v, px, g.width, 0) != 0) {
        free(px);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        out[3 * i] = (uint8_t)(px[i] >> 16);
        out[3 * i + 1] = (uint8_t)(px[i] >> 8);
        out[3 * i + 2] = (uint8_t)px[i];
    }
    free(px);
    *rgb = out;
    *width = g.width;
    *height = g.height;
    return 0;
}
