/* -display text: the VGA text screen drawn in the terminal with ANSI
 * escape sequences (16 colours, cursor), redrawn when it changes; the
 * refresh runs from a machine timer every DISPLAY_TEXT_PERIOD_NS of
 * machine time. Graphics modes show a one-line placeholder. */
#ifndef SHADOW86_CLI_DISPLAY_TEXT_H
#define SHADOW86_CLI_DISPLAY_TEXT_H

#include <stdio.h>

#include "devices/vga_screen.h"

#define DISPLAY_TEXT_PERIOD_NS 20000000ull   /* 50 refreshes per second */

struct display_text {
    FILE *out;
    const struct vga *vga;
    struct vga_text_screen last;
    enum vga_screen_kind last_kind;
    int drawn;
    uint64_t redraws;
};

void display_text_init(struct display_text *d, const struct vga *v, FILE *out);
/* Redraw if the screen changed (a board_display_fn). */
void display_text_refresh(void *opaque);
/* Leave the terminal usable: colours reset, cursor shown, below the screen. */
void display_text_finish(struct display_text *d);

/* The ANSI colour number (0-15) nearest to an RGB colour: what a 16-colour
 * terminal can show of a VGA palette entry. */
unsigned display_text_ansi_colour(const uint8_t rgb[3]);

#endif
