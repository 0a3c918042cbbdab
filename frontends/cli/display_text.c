#include <string.h>

#include "frontends/cli/cp437.h"
#include "frontends/cli/display_text.h"

/* The CGA/EGA default palette, in ANSI colour order (black, red, green,
 * yellow, blue, magenta, cyan, white, then the bright ones). */
static const uint8_t ansi_rgb[16][3] = {
    { 0, 0, 0 }, { 170, 0, 0 }, { 0, 170, 0 }, { 170, 85, 0 },
    { 0, 0, 170 }, { 170, 0, 170 }, { 0, 170, 170 }, { 170, 170, 170 },
    { 85, 85, 85 }, { 255, 85, 85 }, { 85, 255, 85 }, { 255, 255, 85 },
    { 85, 85, 255 }, { 255, 85, 255 }, { 85, 255, 255 }, { 255, 255, 255 },
};

unsigned display_text_ansi_colour(const uint8_t rgb[3])
{
    unsigned best = 0;
    long best_d = -1;
    for (unsigned i = 0; i < 16; i++) {
        long d = 0;
        for (int k = 0; k < 3; k++) {
            long e = (long)rgb[k] - ansi_rgb[i][k];
            d += e * e;
        }
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

void display_text_init(struct display_text *d, const struct vga *v, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->vga = v;
    d->last_kind = VGA_SCREEN_OFF;
}

static void sgr(FILE *f, unsigned fg, unsigned bg)
{
    fprintf(f, "\x1b[0;%u;%um", fg < 8 ? 30 + fg : 90 + fg - 8, bg < 8 ? 40 + bg : 100 + bg - 8);
}

static void draw_text(struct display_text *d, const struct vga_text_screen *t)
{
    FILE *f = d->out;
    unsigned colour[16];
    for (unsigned i = 0; i < 16; i++) {
        uint8_t rgb[3];
        vga_attr_rgb(d->vga, i, rgb);
        colour[i] = display_text_ansi_colour(rgb);
    }
    fputs("\x1b[?25l\x1b[H", f);
    for (unsigned r = 0; r < t->rows; r++) {
        int cur = -1;
        for (unsigned c = 0; c < t->cols; c++) {
            uint8_t a = t->attr[r][c];
            /* With blinking enabled, attribute bit 7 blinks instead of
             * brightening the background; the terminal shows it steady. */
            unsigned bg = t->blink_enabled ? (a >> 4) & 7 : a >> 4;
            int key = (int)(colour[a & 15] | colour[bg] << 4);
            if (key != cur) {
                sgr(f, colour[a & 15], colour[bg]);
                cur = key;
            }
            char u[4];
            size_t n = cp437_to_utf8(t->ch[r][c], u);
            fwrite(u, 1, n, f);
        }
        fputs("\x1b[0m\x1b[K\r\n", f);
    }
    fputs("\x1b[J", f);
    if (t->cursor_visible)
        fprintf(f, "\x1b[%u;%uH\x1b[?25h", t->cursor_row + 1, t->cursor_col + 1);
    fflush(f);
}

void display_text_refresh(void *opaque)
{
    struct display_text *d = opaque;
    enum vga_screen_kind kind = vga_screen_kind(d->vga);
    if (kind == VGA_SCREEN_TEXT) {
        struct vga_text_screen t;
        vga_text_snapshot(d->vga, &t);
        if (d->drawn && d->last_kind == kind && memcmp(&t, &d->last, sizeof t) == 0)
            return;
        draw_text(d, &t);
        d->last = t;
    } else {
        if (d->drawn && d->last_kind == kind)
            return;
        fputs("\x1b[0m\x1b[H\x1b[J", d->out);
        if (kind == VGA_SCREEN_OFF)
            fputs("[screen blanked]\r\n", d->out);
        else
            fputs("[graphics mode: not shown in -display text; --screendump saves it]\r\n", d->out);
        fflush(d->out);
    }
    d->last_kind = kind;
    d->drawn = 1;
    d->redraws++;
}

void display_text_finish(struct display_text *d)
{
    if (!d->drawn)
        return;
    unsigned rows = d->last_kind == VGA_SCREEN_TEXT ? d->last.rows : 1;
    fprintf(d->out, "\x1b[0m\x1b[?25h\x1b[%u;1H\n", rows + 1);
    fflush(d->out);
}
