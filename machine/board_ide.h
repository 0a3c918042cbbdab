/* The PIIX IDE controller's side of the board: its two channels on the
 * legacy ports and IRQs 14/15, bus-master DMA into guest RAM, and the disk
 * and CD-ROM images of -hda..-hdd and -cdrom behind them. */
#ifndef SHADOW86_MACHINE_BOARD_IDE_H
#define SHADOW86_MACHINE_BOARD_IDE_H

#include <stddef.h>

struct machine;
struct state_writer;
struct state_reader;

/* Board table operations (machine/board_devices.h). wire: open the images
 * named in the options (a bad image is a one-line error naming the flag
 * and the file), attach them, register ports, IRQs and DMA. */
int board_ide_wire(struct machine *m, void *ide, char *err, size_t errsz);
/* One image: its -snapshot overlay's record, and closing it (flushed). */
void board_ide_media_save(const void *bd, struct state_writer *w, const char *tag);
int board_ide_media_load(void *bd, struct state_reader *r, const char *tag);
void board_ide_media_free(void *bd);
/* The AT CMOS disk fields for the first two disks (after the RTC is wired). */
void board_ide_cmos(struct machine *m);

#endif
