/* -display text: the VGA text screen drawn in the terminal with ANSI
 * escape sequences (16 colours, cursor), redrawn when it changes; the
 * refresh runs from a machine timer every DISPLAY_TEXT_PERIOD_NS of
 * machine time. Graphics modes show a one-line placeholder.
 *
 * Keys typed in the terminal (raw mode while the display runs) go to the
 * guest's keyboard, one key per refresh so the PS/2 queue never
 * overflows: frontends/cli/keymap.c turns the bytes into scan codes.
 * Ctrl-A x ends the run; Ctrl-A a sends a Ctrl-A. */
#ifndef SHADOW86_CLI_DISPLAY_TEXT_H
#define SHADOW86_CLI_DISPLAY_TEXT_H

#include <stdio.h>
#include <termios.h>

#include "machine/frontend_api.h"

#define DISPLAY_TEXT_PERIOD_NS 20000000ull   /* 50 refreshes per second */

struct display_text {
    FILE *out;
    const struct machine *m;
    struct vga_text_screen last;
    enum vga_screen_kind last_kind;
    int drawn;
    uint64_t redraws;

    /* Input. */
    int in_fd;                 /* -1: none */
    uint8_t inbuf[64];
    size_t inlen;
    int ctrl_a;                /* the previous byte was Ctrl-A */
    int raw;                   /* the terminal was put in raw mode (restore it) */
    int term_fd;               /* the terminal in raw mode */
    int partial_ticks;         /* refreshes an unfinished escape sequence waited */
    struct termios saved;
    void (*key)(void *opaque, unsigned code, int down);
    void (*quit)(void *opaque);
    void *input_opaque;
    uint64_t keys_sent;
};

void display_text_init(struct display_text *d, const struct machine *m, FILE *out);
/* Redraw if the screen changed (a board_display_fn). */
void display_text_refresh(void *opaque);
/* Read keys from `fd` (a terminal is put in raw mode): `key` gets set-2
 * codes (| KEYMAP_E0) going down and up, `quit` the Ctrl-A x request. */
void display_text_attach_input(struct display_text *d, int fd,
                               void (*key)(void *opaque, unsigned code, int down),
                               void (*quit)(void *opaque), void *opaque);

/* Leave the terminal usable: colours reset, cursor shown, below the screen. */
void display_text_finish(struct display_text *d);

/* The ANSI colour number (0-15) nearest to an RGB colour: what a 16-colour
 * terminal can show of a VGA palette entry. */
unsigned display_text_ansi_colour(const uint8_t rgb[3]);

#endif
