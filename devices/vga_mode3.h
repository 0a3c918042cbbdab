/* Text mode 3 (80x25 colour, 8x16 cells) set up through the VGA's own
 * ports, as a VGA BIOS's INT 10h mode set leaves the card: for guests
 * started without firmware (a Linux -kernel boot tells the kernel it is in
 * mode 3, and vgacon takes the screen over from there).
 *
 * The register values are the IBM VGA's published mode 3 table; the DAC
 * gets the EGA-compatible 64-colour palette; the screen is cleared to
 * grey-on-black spaces with the cursor at the top left. The character
 * generator (plane 2) is not loaded: no font ships with the project, and
 * the text display and screen dumps read characters, not glyphs.
 */
#ifndef SHADOW86_DEVICES_VGA_MODE3_H
#define SHADOW86_DEVICES_VGA_MODE3_H

#include "devices/vga.h"

void vga_set_mode3(struct vga *v);

#endif
