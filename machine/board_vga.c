#include <stdio.h>
#include <stdlib.h>

#include "machine/board_vga.h"
#include "machine/image_file.h"
#include "machine/machine.h"
#include "devices/vga_pci.h"

/* Multi-byte MMIO accesses are little-endian byte sequences of the
 * VGA's byte accessors (the legacy window goes through the planes and
 * latches, the linear frame buffer straight to VRAM). */
typedef uint8_t (*vga_byte_read_fn)(struct vga *v, uint32_t off);
typedef void (*vga_byte_write_fn)(struct vga *v, uint32_t off, uint8_t val);

static uint32_t bytes_read(struct vga *v, vga_byte_read_fn rd, uint32_t off, unsigned size)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= (uint32_t)rd(v, off + i) << (8 * i);
    return r;
}

static void bytes_write(struct vga *v, vga_byte_write_fn wr, uint32_t off, unsigned size,
                        uint32_t val)
{
    for (unsigned i = 0; i < size; i++)
        wr(v, off + i, (uint8_t)(val >> (8 * i)));
}

static uint32_t window_read(void *opaque, uint32_t off, unsigned size)
{
    return bytes_read(opaque, vga_mem_read, off, size);
}

static void window_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    bytes_write(opaque, vga_mem_write, off, size, val);
}

static uint32_t lfb_read(void *opaque, uint32_t off, unsigned size)
{
    return bytes_read(opaque, vga_lfb_read, off, size);
}

static void lfb_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    bytes_write(opaque, vga_lfb_write, off, size, val);
}

static uint32_t rom_read(void *opaque, uint32_t off, unsigned size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++) {
        uint32_t o = off + i;
        r |= (uint32_t)(o < v->rom_size ? v->rom[o] : 0xFF) << (8 * i);
    }
    return r;
}

static void rom_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    (void)opaque;
    (void)off;
    (void)size;
    (void)val;   /* ROM */
}

static const struct mmio_ops window_ops = { window_read, window_write };
static const struct mmio_ops lfb_ops = { lfb_read, lfb_write };
static const struct mmio_ops rom_ops = { rom_read, rom_write };

/* The VGA's BARs follow the firmware's assignments. A BAR placed over
 * RAM or another region is left unmapped and said once: the firmware's
 * mistake must not take the host down. */
static void vga_bar_map(struct pci_device *d, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct machine *m = d->opaque;
    const struct mmio_ops *ops = bar == PCI_ROM_BAR ? &rom_ops : &lfb_ops;
    if (bar != 0 && bar != PCI_ROM_BAR)
        return;
    if (old_addr)
        physmem_unmap_mmio(&m->mem, old_addr);
    if (new_addr &&
        physmem_map_mmio(&m->mem, new_addr, d->bar_size[bar], ops, &m->vga,
                         bar == PCI_ROM_BAR ? "vga-rom" : "vga-lfb") != 0) {
        d->bar_mapped[bar] = 0;
        if (m->opts.log)
            fprintf(m->opts.log, "pci: vga BAR%d at 0x%08X overlaps other memory: not mapped\n",
                    bar, new_addr);
    }
}

static int load_vga_bios(struct vga *v, const struct machine_options *o, char *err, size_t errsz)
{
    const char *path = o->vga_bios_path ? o->vga_bios_path : BOARD_DEFAULT_VGA_BIOS;
    uint8_t *data;
    size_t size;
    char why[IMAGE_ERR_MAX];
    if (image_file_read(path, 0x20000, &data, &size, why, sizeof why) != 0) {
        if (o->vga_bios_path) {
            snprintf(err, errsz, "-vga-bios: %s", why);
            return -1;
        }
        /* No package installed: the VGA works, but no BIOS sets it up. */
        if (o->log)
            fprintf(o->log, "shadow86: no VGA BIOS (%s); the screen stays as the guest sets "
                            "it (scripts/setup.sh installs seabios)\n", why);
        return 0;
    }
    if (size < 512 || data[0] != 0x55 || data[1] != 0xAA) {
        snprintf(err, errsz, "%s %s: not an option ROM (no 55 AA signature)",
                 o->vga_bios_path ? "-vga-bios" : "VGA BIOS", path);
        free(data);
        return -1;
    }
    v->rom = data;
    v->rom_size = (uint32_t)size;
    return 0;
}

int board_vga_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    struct vga *v = dev;
    if (vga_init(v, m->opts.log) != 0) {
        snprintf(err, errsz, "out of memory for video memory");
        return -1;
    }
    if (load_vga_bios(v, &m->opts, err, errsz) != 0 || vga_register_ports(v, &m->bus) != 0)
        return -1;
    vga_pci_init(&m->vga_fn, v, vga_bar_map, m);
    if (pci_bus_add(&m->pci, &m->vga_fn, BOARD_VGA_DEVFN) != 0)
        return -1;
    if (physmem_map_mmio(&m->mem, BOARD_VGA_WINDOW, BOARD_VGA_WINDOW_SIZE, &window_ops, v,
                         "vga-window") != 0) {
        snprintf(err, errsz, "internal error: the VGA window overlaps another MMIO region");
        return -1;
    }
    return 0;
}

void board_vga_free(void *dev)
{
    vga_free(dev);
}
