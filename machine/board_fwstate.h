/* The board as firmware leaves it, for a direct (-kernel, firmware-less)
 * boot: what SeaBIOS has done to the devices by the time it jumps to a
 * boot loader, so a kernel that relies on it (STI; HLT waiting for the
 * BIOS timer, ata_piix looking for -hda) finds the same machine. */
#ifndef SHADOW86_MACHINE_BOARD_FWSTATE_H
#define SHADOW86_MACHINE_BOARD_FWSTATE_H

struct machine;

/* PIT channel 0 in mode 3 with count 65536 (18.2 Hz); both 8259s
 * initialised (vectors 0x08 and 0x70, cascaded on IRQ 2, 8086 mode) with
 * IRQ 0, 1 and 2 unmasked; the PIIX IDE decode bits; the PCI interrupt
 * routing and card BARs. The local APIC needs nothing: the BSP's LINT0
 * is ExtINT from reset (devices/lapic.c), so the PIC reaches the CPU. */
void board_firmware_state(struct machine *m);

#endif
