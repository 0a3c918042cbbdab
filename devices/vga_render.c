/* Scan-out of the VGA and VBE picture (see vga_render.h). Register
 * meanings: IBM VGA Technical Reference (CRTC 08h, 09h, 0Ah-0Fh, 13h, 14h,
 * 17h, 18h; AR 10h, 12h-14h; GC 05h; sequencer 01h, 03h); the scan-line
 * model (one memory address counter reloaded each character row, reset
 * to 0 at line compare) follows the CRTC description there and in
 * FreeVGA's register notes.
 *
 * Chain-4 video memory is stored compacted (CPU byte A is plane A&3 at
 * offset A>>2, as vga_mem.c does), so the doubleword addressing mode of
 * the CRTC is taken as byte addressing: both then name the same bytes.
 */
#include <string.h>

#include "devices/vga_render.h"
#include "devices/vga_screen.h"

#define PLANE(v, off, p) ((v)->vram[(((off) & (VGA_PLANE_SIZE - 1)) << 2) | (p)])

static uint32_t dac_xrgb(const struct vga *v, unsigned index)
{
    const uint8_t *c = &v->dac[(index & v->dac_mask & 0xFF) * 3];
    if (v->vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC)
        return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
    uint32_t r = (uint32_t)(c[0] << 2 | c[0] >> 4) & 0xFF;
    uint32_t g = (uint32_t)(c[1] << 2 | c[1] >> 4) & 0xFF;
    uint32_t b = (uint32_t)(c[2] << 2 | c[2] >> 4) & 0xFF;
    return r << 16 | g << 8 | b;
}

/* The 16 attribute colours through the palette registers, AR 14h and the
 * DAC. */
static void attr_palette(const struct vga *v, uint32_t pal[16])
{
    for (unsigned i = 0; i < 16; i++) {
        uint8_t p = v->ar[i];
        unsigned dac = (v->ar[0x10] & 0x80) ? (p & 0x0Fu) | (v->ar[0x14] & 0x0Fu) << 4
                                             : (p & 0x3Fu) | (v->ar[0x14] & 0x0Cu) << 4;
        pal[i] = dac_xrgb(v, dac);
    }
}

/* ------------------------------------------------------------ the CRTC */

struct crtc {
    unsigned lines;        /* scan lines displayed (vertical display end + 1) */
    unsigned row_lines;    /* scan lines per character row (CRTC 9 bits 4:0, + 1) */
    unsigned dscan;        /* 2 with double scanning, else 1 */
    unsigned line_compare;
    unsigned start, offset;
    int word_mode, ma15;   /* word addressing; MA15 (else MA13) into bit 0 */
    int cms, sri;          /* row scan bit 0 -> MA13, bit 1 -> MA14 */
    unsigned preset_row, byte_pan;
    unsigned chars;        /* character clocks per line */
};

static void crtc_decode(const struct vga *v, struct crtc *c)
{
    const uint8_t *r = v->crtc;
    c->lines = ((unsigned)r[0x12] | ((r[7] >> 1) & 1u) << 8 | ((r[7] >> 6) & 1u) << 9) + 1;
    c->row_lines = (r[9] & 0x1Fu) + 1;
    c->dscan = (r[9] & 0x80) ? 2 : 1;
    c->line_compare = r[0x18] | ((r[7] >> 4) & 1u) << 8 | ((r[9] >> 6) & 1u) << 9;
    c->start = (unsigned)r[0x0C] << 8 | r[0x0D];
    c->offset = (unsigned)r[0x13] * 2;
    c->word_mode = !(r[0x14] & 0x40) && !(r[0x17] & 0x40);
    c->ma15 = (r[0x17] & 0x20) != 0;
    c->cms = !(r[0x17] & 0x01);
    c->sri = !(r[0x17] & 0x02);
    c->preset_row = r[8] & 0x1Fu;
    c->byte_pan = (r[8] >> 5) & 3u;
    c->chars = (unsigned)r[1] + 1;
}

/* The plane offset the CRTC puts out for counter value `ma` on row scan
 * line `rs`. */
static unsigned crtc_address(const struct crtc *c, unsigned ma, unsigned rs)
{
    unsigned a = ma;
    if (c->word_mode)
        a = (ma << 1) | ((ma >> (c->ma15 ? 15 : 13)) & 1u);
    if (c->cms)
        a = (a & ~0x2000u) | (rs & 1u) << 13;
    if (c->sri)
        a = (a & ~0x4000u) | ((rs >> 1) & 1u) << 14;
    return a & (VGA_PLANE_SIZE - 1);
}

/* Where scan line y starts: its counter value and row scan line, and
 * whether it lies below the line compare split. */
static void crtc_line(const struct crtc *c, unsigned y, unsigned *ma, unsigned *rs, int *split)
{
    unsigned sc;
    if (y > c->line_compare) {
        *split = 1;
        sc = (y - c->line_compare - 1) / c->dscan;
        *ma = 0;
    } else {
        *split = 0;
        sc = y / c->dscan + c->preset_row;
        *ma = c->start;
    }
    *ma += (sc / c->row_lines) * c->offset + c->byte_pan;
    *rs = sc % c->row_lines;
}

/* ------------------------------------------------------------ geometry */

static int graphics_geometry(const struct vga *v, const struct crtc *c, struct vga_frame_geometry *g)
{
    int mode256 = (v->ar[0x10] & 0x40) != 0;
    unsigned w = c->chars * (mode256 ? 4 : 8);
    /* Lines repeat within a character row unless the row scan counter
     * takes part in the address (CGA interleave). */
    unsigned repeat = c->dscan * ((c->cms || c->sri) ? 1 : c->row_lines);
    unsigned h = c->lines / repeat;
    g->width = w;
    g->height = h;
    g->display_w = w * ((v->seq[1] & 0x08) ? 2 : 1) * (mode256 ? 2 : 1);
    g->display_h = h * repeat;
    g->text = 0;
    return 0;
}

int vga_frame_geometry(const struct vga *v, struct vga_frame_geometry *g)
{
    memset(g, 0, sizeof *g);
    enum vga_screen_kind kind = vga_screen_kind(v);
    if (kind == VGA_SCREEN_VBE) {
        unsigned bpp = v->vbe[VBE_INDEX_BPP];
        if (bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32)
            return -1;
        g->width = g->display_w = v->vbe[VBE_INDEX_XRES];
        g->height = g->display_h = v->vbe[VBE_INDEX_YRES];
    } else if (kind == VGA_SCREEN_TEXT || kind == VGA_SCREEN_GRAPHICS) {
        struct crtc c;
        crtc_decode(v, &c);
        if (kind == VGA_SCREEN_GRAPHICS) {
            graphics_geometry(v, &c, g);
        } else {
            unsigned cw = (v->seq[1] & 0x01) ? 8 : 9;
            g->width = c.chars * cw;
            g->height = c.lines / c.dscan;
            g->display_w = g->width * ((v->seq[1] & 0x08) ? 2 : 1);
            g->display_h = c.lines;
            g->text = 1;
        }
    } else {
        return -1;
    }
    if (g->width == 0 || g->height == 0 || g->width > VBE_MAX_XRES || g->height > VBE_MAX_YRES)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ text */

/* Offset in plane 2 of character map n (sequencer 3 encoding). */
static unsigned font_base(unsigned n)
{
    static const unsigned base[8] = { 0x0000, 0x4000, 0x8000, 0xC000,
                                      0x2000, 0x6000, 0xA000, 0xE000 };
    return base[n & 7];
}

static void render_text(const struct vga *v, const struct vga_frame_geometry *g, uint32_t *px,
                        unsigned stride, uint64_t frame)
{
    struct crtc c;
    crtc_decode(v, &c);
    uint32_t pal[16];
    attr_palette(v, pal);
    unsigned cw = (v->seq[1] & 0x01) ? 8 : 9;
    uint8_t s3 = v->seq[3];
    unsigned map_a = font_base((s3 >> 2 & 3u) | (s3 >> 3 & 4u));
    unsigned map_b = font_base((s3 & 3u) | (s3 >> 2 & 4u));
    int blink_attr = (v->ar[0x10] & 0x08) != 0;
    int line_gfx = (v->ar[0x10] & 0x04) != 0;
    int blink_on = (frame / VGA_CHAR_BLINK_FRAMES) % 2 == 0;
    int cursor_on = (frame / VGA_CURSOR_BLINK_FRAMES) % 2 == 0 && !(v->crtc[0x0A] & 0x20);
    unsigned cursor = (unsigned)v->crtc[0x0E] << 8 | v->crtc[0x0F];
    unsigned cur_start = v->crtc[0x0A] & 0x1Fu, cur_end = v->crtc[0x0B] & 0x1Fu;
    unsigned underline = v->crtc[0x14] & 0x1Fu;
    unsigned cols = g->width / cw;

    for (unsigned y = 0; y < g->height; y++) {
        unsigned ma, rs;
        int split;
        crtc_line(&c, y * c.dscan, &ma, &rs, &split);
        uint32_t *o = px + (size_t)y * stride;
        for (unsigned col = 0; col < cols; col++, o += cw) {
            unsigned a = crtc_address(&c, ma + col, rs);
            uint8_t ch = PLANE(v, a, 0), at = PLANE(v, a, 1);
            unsigned font = (at & 0x08) ? map_a : map_b;
            unsigned bits = PLANE(v, font + ch * 32u + rs, 2);
            uint32_t fg = pal[at & 15], bg = pal[blink_attr ? (at >> 4) & 7 : at >> 4];
            if (blink_attr && (at & 0x80) && !blink_on)
                bits = 0;
            if (rs == underline && (at & 0x77) == 0x01)
                bits = 0xFF;
            if (cursor_on && ma + col == cursor && rs >= cur_start && rs <= cur_end)
                bits = 0xFF;
            for (unsigned b = 0; b < 8; b++)
                o[b] = (bits >> (7 - b)) & 1 ? fg : bg;
            if (cw == 9)
                o[8] = (line_gfx && ch >= 0xC0 && ch <= 0xDF && (bits & 1)) ? fg : bg;
        }
    }
}

/* ------------------------------------------------------------ graphics */

/* One scan line's colour indices, starting `skip` pixels into character
 * clock 0 (pixel panning). */
static void graphics_line(const struct vga *v, const struct crtc *c, unsigned ma, unsigned rs,
                          unsigned skip, uint8_t *idx, unsigned width)
{
    int mode256 = (v->ar[0x10] & 0x40) != 0;
    int interleave = (v->gc[5] & 0x20) != 0;
    unsigned ppc = mode256 ? 4 : 8;
    uint8_t plane_mask = v->ar[0x12] & 0x0F;
    unsigned need = width + skip;
    unsigned n = 0;
    uint8_t buf[8];
    for (unsigned k = 0; n < need; k++) {
        unsigned a = crtc_address(c, ma + k, rs);
        if (mode256) {
            for (unsigned p = 0; p < 4; p++)
                buf[p] = PLANE(v, a, p);
        } else if (interleave) {
            /* CGA 4 colours: plane 0 then plane 1, two bits a pixel
             * (planes 2/3 likewise give the upper bits). */
            for (unsigned i = 0; i < 8; i++) {
                unsigned lo = i < 4 ? 0 : 1, sh = 6 - 2 * (i & 3);
                unsigned px = (PLANE(v, a, lo) >> sh) & 3u;
                px |= ((PLANE(v, a, lo + 2) >> sh) & 3u) << 2;
                buf[i] = (uint8_t)(px & plane_mask);
            }
        } else {
            uint8_t p0 = PLANE(v, a, 0), p1 = PLANE(v, a, 1), p2 = PLANE(v, a, 2),
                    p3 = PLANE(v, a, 3);
            for (unsigned i = 0; i < 8; i++) {
                unsigned s = 7 - i;
                unsigned px = ((p0 >> s) & 1u) | ((p1 >> s) & 1u) << 1 | ((p2 >> s) & 1u) << 2 |
                              ((p3 >> s) & 1u) << 3;
                buf[i] = (uint8_t)(px & plane_mask);
            }
        }
        for (unsigned i = 0; i < ppc && n < need; i++, n++)
            if (n >= skip)
                idx[n - skip] = buf[i];
    }
}

static void render_graphics(const struct vga *v, const struct vga_frame_geometry *g, uint32_t *px,
                            unsigned stride)
{
    struct crtc c;
    crtc_decode(v, &c);
    int mode256 = (v->ar[0x10] & 0x40) != 0;
    uint32_t pal[16];
    attr_palette(v, pal);
    uint32_t dac[256];
    if (mode256)
        for (unsigned i = 0; i < 256; i++)
            dac[i] = dac_xrgb(v, i);
    unsigned repeat = c.dscan * ((c.cms || c.sri) ? 1 : c.row_lines);
    unsigned pan = v->ar[0x13] & 7u;
    if (mode256)
        pan >>= 1;
    uint8_t idx[VBE_MAX_XRES];
    for (unsigned y = 0; y < g->height; y++) {
        unsigned ma, rs;
        int split;
        crtc_line(&c, y * repeat, &ma, &rs, &split);
        unsigned skip = (split && (v->ar[0x10] & 0x20)) ? 0 : pan;
        graphics_line(v, &c, ma, rs, skip, idx, g->width);
        uint32_t *o = px + (size_t)y * stride;
        if (mode256)
            for (unsigned x = 0; x < g->width; x++)
                o[x] = dac[idx[x]];
        else
            for (unsigned x = 0; x < g->width; x++)
                o[x] = pal[idx[x] & 15];
    }
}

/* ------------------------------------------------------------ VBE */

static void render_vbe(const struct vga *v, const struct vga_frame_geometry *g, uint32_t *px,
                       unsigned stride)
{
    unsigned bpp = v->vbe[VBE_INDEX_BPP];
    unsigned bytes = bpp == 15 ? 2 : bpp / 8;
    uint32_t dac[256];
    if (bpp == 8)
        for (unsigned i = 0; i < 256; i++)
            dac[i] = dac_xrgb(v, i);
    for (unsigned y = 0; y < g->height; y++) {
        uint32_t *o = px + (size_t)y * stride;
        uint64_t line = (uint64_t)v->vbe_start + (uint64_t)y * v->vbe_line_offset;
        if (line + (uint64_t)g->width * bytes > VGA_VRAM_SIZE) {
            memset(o, 0, g->width * sizeof *o);      /* beyond video memory: black */
            continue;
        }
        const uint8_t *s = v->vram + line;
        switch (bpp) {
        case 8:
            for (unsigned x = 0; x < g->width; x++)
                o[x] = dac[s[x]];
            break;
        case 15:
            for (unsigned x = 0; x < g->width; x++) {
                unsigned p = s[2 * x] | (unsigned)s[2 * x + 1] << 8;
                o[x] = (uint32_t)((p >> 10 & 31) << 3) << 16 | (uint32_t)((p >> 5 & 31) << 3) << 8 |
                       (uint32_t)((p & 31) << 3);
            }
            break;
        case 16:
            for (unsigned x = 0; x < g->width; x++) {
                unsigned p = s[2 * x] | (unsigned)s[2 * x + 1] << 8;
                o[x] = (uint32_t)((p >> 11 & 31) << 3) << 16 | (uint32_t)((p >> 5 & 63) << 2) << 8 |
                       (uint32_t)((p & 31) << 3);
            }
            break;
        default:   /* 24, 32: bytes B, G, R (, X) */
            for (unsigned x = 0; x < g->width; x++) {
                const uint8_t *q = s + (size_t)x * bytes;
                o[x] = (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
            }
            break;
        }
    }
}

int vga_render_frame(const struct vga *v, uint32_t *px, unsigned stride, uint64_t frame)
{
    struct vga_frame_geometry g;
    if (vga_frame_geometry(v, &g) != 0)
        return -1;
    switch (vga_screen_kind(v)) {
    case VGA_SCREEN_VBE:
        render_vbe(v, &g, px, stride);
        return 0;
    case VGA_SCREEN_TEXT:
        render_text(v, &g, px, stride, frame);
        return 0;
    case VGA_SCREEN_GRAPHICS:
        render_graphics(v, &g, px, stride);
        return 0;
    default:
        return -1;
    }
}
