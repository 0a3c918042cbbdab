/* The VGA as PCI function 1234:1111 (the Bochs/QEMU "stdvga" identity the
 * SeaBIOS VGA BIOS looks for): class 03/00/00, BAR0 = the linear frame
 * buffer (prefetchable memory, all of video memory), and an expansion ROM
 * BAR holding the VGA BIOS, which the system BIOS copies to 0xC0000 and
 * runs. The board maps the BARs where the firmware puts them. */
#ifndef SHADOW86_DEVICES_VGA_PCI_H
#define SHADOW86_DEVICES_VGA_PCI_H

#include "devices/pci.h"
#include "devices/vga.h"

#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111

/* Set the function up; without v->rom there is no ROM BAR. */
void vga_pci_init(struct pci_device *d, struct vga *v, pci_bar_map_fn map, void *opaque);

#endif
