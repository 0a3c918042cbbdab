#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "frontends/cli/cp437.h"
#include "frontends/cli/display_text.h"
#include "frontends/cli/keymap.h"

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

void display_text_init(struct display_text *d, const struct machine *m, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->m = m;
    d->last_kind = VGA_SCREEN_OFF;
    d->in_fd = -1;
}

void display_text_attach_input(struct display_text *d, int fd,
                               void (*key)(void *opaque, unsigned code, int down),
                               void (*quit)(void *opaque), void *opaque)
{
    d->in_fd = fd;
    d->key = key;
    d->quit = quit;
    d->input_opaque = opaque;
    if (isatty(fd) && tcgetattr(fd, &d->saved) == 0) {
        struct termios raw = d->saved;
        /* Keys as typed: no line editing, no echo, no signals from ^C
         * (the guest gets it), no CR/NL translation. */
        raw.c_lflag &= (tcflag_t)~(ICANON | ECHO | ISIG | IEXTEN);
        raw.c_iflag &= (tcflag_t)~(IXON | ICRNL | INLCR);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSANOW, &raw) == 0) {
            d->raw = 1;
            d->term_fd = fd;
        }
    }
}

static void send_key(struct display_text *d, const struct keymap_key *k)
{
    if (k->ctrl)
        d->key(d->input_opaque, KEYMAP_CTRL, 1);
    if (k->shift)
        d->key(d->input_opaque, KEYMAP_SHIFT, 1);
    d->key(d->input_opaque, k->code, 1);
    d->key(d->input_opaque, k->code, 0);
    if (k->shift)
        d->key(d->input_opaque, KEYMAP_SHIFT, 0);
    if (k->ctrl)
        d->key(d->input_opaque, KEYMAP_CTRL, 0);
    d->keys_sent++;
}

/* Take what the terminal sent and pass on at most one key. */
static void poll_input(struct display_text *d)
{
    if (d->in_fd < 0 || !d->key)
        return;
    struct pollfd p = { .fd = d->in_fd, .events = POLLIN };
    if (d->inlen < sizeof d->inbuf && poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
        ssize_t n = read(d->in_fd, d->inbuf + d->inlen, sizeof d->inbuf - d->inlen);
        if (n > 0)
            d->inlen += (size_t)n;
        else if (n == 0)
            d->in_fd = -1;             /* end of input: stop polling */
    }
    while (d->inlen) {
        struct keymap_key k;
        size_t used;
        if (d->ctrl_a) {
            d->ctrl_a = 0;
            if (d->inbuf[0] == 'x' || d->inbuf[0] == 'X') {
                memmove(d->inbuf, d->inbuf + 1, --d->inlen);
                if (d->quit)
                    d->quit(d->input_opaque);
                return;
            }
            if (d->inbuf[0] == 'a' && keymap_decode(d->inbuf, 1, 0, &k) == 1) {
                k.ctrl = 1;            /* Ctrl-A a: a literal Ctrl-A */
                memmove(d->inbuf, d->inbuf + 1, --d->inlen);
                send_key(d, &k);
                return;
            }
        } else if (d->inbuf[0] == 0x01) {
            d->ctrl_a = 1;
            memmove(d->inbuf, d->inbuf + 1, --d->inlen);
            continue;
        }
        /* An escape sequence may arrive split; after one refresh of
         * waiting, what is there is taken as complete (a lone Esc). */
        int r = keymap_decode(d->inbuf, d->inlen,
                              d->inlen < sizeof d->inbuf && d->partial_ticks < 1, &k);
        if (r < 0) {
            d->partial_ticks++;
            return;
        }
        d->partial_ticks = 0;
        used = r ? (size_t)r : 1;      /* unknown byte: dropped */
        memmove(d->inbuf, d->inbuf + used, d->inlen - used);
        d->inlen -= used;
        if (r > 0) {
            send_key(d, &k);
            return;
        }
    }
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
        machine_screen_attr_rgb(d->m, i, rgb);
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
        /* No newline after the last row: a terminal exactly as tall as the
         * screen must not scroll. */
        fputs(r + 1 < t->rows ? "\x1b[0m\x1b[K\r\n" : "\x1b[0m\x1b[K", f);
    }
    fputs("\x1b[J", f);
    if (t->cursor_visible)
        fprintf(f, "\x1b[%u;%uH\x1b[?25h", t->cursor_row + 1, t->cursor_col + 1);
    fflush(f);
}

void display_text_refresh(void *opaque)
{
    struct display_text *d = opaque;
    poll_input(d);
    enum vga_screen_kind kind = machine_screen_kind(d->m);
    if (kind == VGA_SCREEN_TEXT) {
        struct vga_text_screen t;
        machine_screen_text(d->m, &t);
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
    if (d->raw) {
        tcsetattr(d->term_fd, TCSANOW, &d->saved);
        d->raw = 0;
    }
    if (!d->drawn)
        return;
    unsigned rows = d->last_kind == VGA_SCREEN_TEXT ? d->last.rows : 1;
    fprintf(d->out, "\x1b[0m\x1b[?25h\x1b[%u;1H\n", rows + 1);
    fflush(d->out);
}
