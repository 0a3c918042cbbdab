/* What the VGA shows: the text screen (characters, attributes, cursor)
 * or the pixels of a graphics or VBE mode, decoded from the registers
 * the way the CRT controller and attribute controller would scan them
 * out. Read-only: nothing here changes the device. */
#ifndef SHADOW86_DEVICES_VGA_SCREEN_H
#define SHADOW86_DEVICES_VGA_SCREEN_H

#include <stdint.h>

#include "devices/vga.h"

#define VGA_TEXT_MAX_COLS 160
#define VGA_TEXT_MAX_ROWS 100

enum vga_screen_kind { VGA_SCREEN_TEXT, VGA_SCREEN_GRAPHICS, VGA_SCREEN_VBE, VGA_SCREEN_OFF };

struct vga_text_screen {
    unsigned cols, rows;
    uint8_t ch[VGA_TEXT_MAX_ROWS][VGA_TEXT_MAX_COLS];
    uint8_t attr[VGA_TEXT_MAX_ROWS][VGA_TEXT_MAX_COLS];
    int cursor_visible;
    unsigned cursor_row, cursor_col;
    int blink_enabled;      /* attribute bit 7 blinks (else bright background) */
};

enum vga_screen_kind vga_screen_kind(const struct vga *v);

/* Fill `t` from a text mode. Returns 0, or -1 when not in a text mode. */
int vga_text_snapshot(const struct vga *v, struct vga_text_screen *t);

/* 8-bit RGB of attribute colour `index` (0-15) through the attribute
 * palette and the DAC, as the screen would show it. */
void vga_attr_rgb(const struct vga *v, unsigned index, uint8_t rgb[3]);

/* Render a graphics or VBE mode as 8-bit RGB triples (width*height*3,
 * malloc'd; caller frees). Returns 0 or -1 (text mode, an unsupported
 * depth, or a size beyond the maxima). */
int vga_render_rgb(const struct vga *v, uint8_t **rgb, unsigned *width, unsigned *height);

#endif
