/* The ISA DMA controllers and the floppy controller on the board: the
 * 8237s reach guest memory through the board's callbacks, the 82077AA
 * gets IRQ 6 and DMA channel 2, and -fda/-fdb images (opened with the
 * disks' locking and -snapshot rules) sit in its drives. */
#ifndef SHADOW86_MACHINE_BOARD_FLOPPY_H
#define SHADOW86_MACHINE_BOARD_FLOPPY_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* Board table operations (machine/board_devices.h). */
int board_dma_wire(struct machine *m, void *dma, char *err, size_t errsz);
/* Opens the images named by -fda/-fdb: a size that is no known medium,
 * or a file already behind another drive, is a one-line error. */
int board_fdc_wire(struct machine *m, void *fdc, char *err, size_t errsz);
/* CMOS 0x10: drive types, A: in the high nibble. */
void board_floppy_cmos(struct machine *m);
/* The equipment byte's floppy bits (CMOS 0x14 and the BIOS's 0x410). */
uint8_t board_floppy_equipment(const struct machine *m);

#endif
