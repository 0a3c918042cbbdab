#include "devices/vga_pci.h"

void vga_pci_init(struct pci_device *d, struct vga *v, pci_bar_map_fn map, void *opaque)
{
    pci_device_init(d, "vga", VGA_PCI_VENDOR, VGA_PCI_DEVICE, 0x02, 0x030000, 0x00);
    d->opaque = opaque;
    d->bar_map = map;
    /* Subsystem IDs as QEMU's stdvga reports them (Red Hat, QEMU). */
    pci_set16(d, 0x2C, 0x1AF4);
    pci_set16(d, 0x2E, 0x1100);
    pci_device_add_bar(d, 0, VGA_VRAM_SIZE, 0, 1);
    if (v->rom && v->rom_size) {
        uint32_t size = 0x800;            /* the smallest ROM BAR is 2 KiB */
        while (size < v->rom_size)
            size <<= 1;
        pci_device_add_bar(d, PCI_ROM_BAR, size, 0, 0);
    }
}
