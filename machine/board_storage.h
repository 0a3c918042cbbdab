/* The PCI side of the board and what hangs off it: the PCI bus with the
 * i440FX/PIIX3 functions, the IDE channels with their disk and CD-ROM
 * images, and the VGA with its BIOS. board_wire_pc() calls
 * board_storage_wire(); this file is the one place that maps the
 * devices' BARs, window and ROM into guest physical memory.
 */
#ifndef SHADOW86_MACHINE_BOARD_STORAGE_H
#define SHADOW86_MACHINE_BOARD_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "devices/acpi_pm.h"
#include "devices/blockdev.h"
#include "devices/ide.h"
#include "devices/pci.h"
#include "devices/pci_pc.h"
#include "devices/vga.h"

struct machine;

#define BOARD_IDE_UNITS 4
/* The VGA BIOS the board loads unless told otherwise (Debian "seabios"). */
#define BOARD_DEFAULT_VGA_BIOS "/usr/share/seabios/vgabios-stdvga.bin"
#define BOARD_VGA_WINDOW 0xA0000u
#define BOARD_VGA_WINDOW_SIZE 0x20000u

/* Called every `period` of virtual time, for a frontend's screen refresh
 * and input polling. */
typedef void (*board_display_fn)(void *opaque);

struct board_storage {
    struct pci_bus pci;
    struct pci_pc chipset;
    struct pci_device vga_fn;
    struct acpi_pm pm;         /* 01.3: PIIX4 power management (ACPI) */
    struct vga vga;
    struct ide ide;
    struct blockdev media[BOARD_IDE_UNITS];
    struct machine *m;
    int vga_window_mapped;

    int display_timer;
    uint64_t display_period_ns;
    board_display_fn display;
    void *display_opaque;
};

/* Create and wire everything: open the images named in m->opts (a bad
 * image is a one-line error naming the flag and file), load the VGA BIOS,
 * register ports, IRQs 14/15 and the VGA window. Returns 0 or -1. */
int board_storage_wire(struct machine *m, char *err, size_t errsz);
/* Flush and close the images, free video memory. Safe on a partly wired
 * or never wired machine. */
void board_storage_destroy(struct machine *m);
/* The reset line: chipset registers, PAM, drives. Images and VRAM kept. */
void board_storage_reset(struct machine *m);

/* Snapshot records of the PCI functions, IDE, VGA, the ACPI PM block and
 * the -snapshot disk overlays ("PCI0", "IDE0", "VGA0", "APM0",
 * "DSK0".."DSK3"). Loading needs a
 * machine made with the same drives; mappings (BARs, PAM) are re-derived.
 * Returns 0 or -1. */
struct state_writer;
struct state_reader;
void board_storage_save(const struct machine *m, struct state_writer *w);
int board_storage_load(struct machine *m, struct state_reader *r);

/* Have `fn` called every `period_ns` of machine time (0 stops it). */
int board_storage_set_display(struct machine *m, board_display_fn fn, void *opaque,
                              uint64_t period_ns);

#endif
