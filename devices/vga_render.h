/* The VGA's picture as pixels: what the CRT controller, the attribute
 * controller and the DAC would scan out of video memory, scan line by
 * scan line, for every mode the device models:
 *
 *   text       characters from planes 0/1, glyphs from the font the guest
 *              loaded into plane 2 (character maps A/B by attribute bit
 *              3), 8- or 9-dot cells (line-graphics ninth column), blink,
 *              cursor shape (CRTC 0Ah/0Bh), underline, preset row scan;
 *   graphics   CGA 4-colour (shift register interleave, GC 5 bit 5),
 *              EGA/VGA 16-colour planar (and CGA 2-colour through the
 *              colour plane enable), 256-colour chained (mode 13h) and
 *              unchained ("mode X");
 *   both       start address, offset, byte/word addressing with the CGA
 *              row-scan substitutions (CRTC 17h bits 0/1), double scan,
 *              line compare (split screen, with the AR 10h bit 5 panning
 *              reset), pixel panning (AR 13h) and byte panning (CRTC 8);
 *   VBE        the Bochs DISPI frame buffer at 8 (through the DAC), 15,
 *              16, 24 and 32 bits per pixel, with its virtual width and
 *              display offsets.
 *
 * Read-only: nothing here changes the device, so a frontend may call it
 * at any frame boundary. Pixels are 0x00RRGGBB.
 */
#ifndef SHADOW86_DEVICES_VGA_RENDER_H
#define SHADOW86_DEVICES_VGA_RENDER_H

#include <stdint.h>

#include "devices/vga.h"

/* Frames (of the frontend's refresh) per half period of the cursor blink
 * and of the character blink; the VGA uses 8 and 16 of its ~70 Hz frames. */
#define VGA_CURSOR_BLINK_FRAMES 8u
#define VGA_CHAR_BLINK_FRAMES 16u

struct vga_frame_geometry {
    unsigned width, height;          /* pixels rendered */
    unsigned display_w, display_h;   /* their size on a monitor (dot clock
                                      * halving and double scan undone), for
                                      * the window's aspect */
    int text;                        /* a text mode (blinks with the frame) */
};

/* The size the current mode renders at. Returns 0, or -1 when the screen
 * is off or the mode is one nothing renders (VBE 4 bpp, an empty or
 * oversized CRTC setting). */
int vga_frame_geometry(const struct vga *v, struct vga_frame_geometry *g);

/* Render the whole picture into `px` (`stride` pixels per row, at least
 * g->width x g->height as vga_frame_geometry gives). `frame` counts the
 * frontend's refreshes and sets the blink phases. Returns 0 or -1 (as
 * vga_frame_geometry). */
int vga_render_frame(const struct vga *v, uint32_t *px, unsigned stride, uint64_t frame);

#endif
