/* The VGA's side of the board: its ports, the legacy window at 0xA0000,
 * its PCI function (02.0) whose BARs map the linear frame buffer and the
 * VGA BIOS ROM where the firmware puts them, and the BIOS image itself.
 * This file is the one place that maps the VGA into guest physical
 * memory. */
#ifndef SHADOW86_MACHINE_BOARD_VGA_H
#define SHADOW86_MACHINE_BOARD_VGA_H

#include <stddef.h>

struct machine;

/* The VGA BIOS the board loads unless told otherwise (Debian "seabios"). */
#define BOARD_DEFAULT_VGA_BIOS "/usr/share/seabios/vgabios-stdvga.bin"
#define BOARD_VGA_WINDOW 0xA0000u
#define BOARD_VGA_WINDOW_SIZE 0x20000u
#define BOARD_VGA_DEVFN 0x10   /* 02.0 */

/* Board table operations (machine/board_devices.h). */
int board_vga_wire(struct machine *m, void *vga, char *err, size_t errsz);
void board_vga_free(void *vga);

#endif
