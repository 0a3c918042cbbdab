#include <stdlib.h>
#include <string.h>

#include "machine/board.h"
#include "machine/board_storage.h"
#include "machine/image_file.h"
#include "machine/machine.h"
#include "devices/ide_state.h"
#include "devices/vga_pci.h"
#include "devices/vga_state.h"

static const char *const unit_flag[BOARD_IDE_UNITS] = { "-hda", "-hdb", "-hdc", "-hdd" };

/* ---------------------------------------------------------------- memory */

static void pam_set(void *opaque, unsigned chunk, unsigned mode)
{
    struct board_storage *s = opaque;
    physmem_set_pam(&s->m->mem, chunk, mode);
}

static void dma_read(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct board_storage *s = opaque;
    physmem_read_buf(&s->m->mem, addr, buf, len);
}

static void dma_write(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct board_storage *s = opaque;
    physmem_write_buf(&s->m->mem, addr, buf, len);
}

/* Multi-byte MMIO accesses are little-endian byte sequences. */
static uint32_t window_read(void *opaque, uint32_t off, unsigned size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= (uint32_t)vga_mem_read(v, off + i) << (8 * i);
    return r;
}

static void window_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct vga *v = opaque;
    for (unsigned i = 0; i < size; i++)
        vga_mem_write(v, off + i, (uint8_t)(val >> (8 * i)));
}

static uint32_t lfb_read(void *opaque, uint32_t off, unsigned size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= (uint32_t)vga_lfb_read(v, off + i) << (8 * i);
    return r;
}

static void lfb_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct vga *v = opaque;
    for (unsigned i = 0; i < size; i++)
        vga_lfb_write(v, off + i, (uint8_t)(val >> (8 * i)));
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
    struct board_storage *s = d->opaque;
    struct vga *v = &s->vga;
    const struct mmio_ops *ops = bar == PCI_ROM_BAR ? &rom_ops : &lfb_ops;
    if (bar != 0 && bar != PCI_ROM_BAR)
        return;
    if (old_addr)
        physmem_unmap_mmio(&s->m->mem, old_addr);
    if (new_addr &&
        physmem_map_mmio(&s->m->mem, new_addr, d->bar_size[bar], ops, v,
                         bar == PCI_ROM_BAR ? "vga-rom" : "vga-lfb") != 0) {
        d->bar_mapped[bar] = 0;
        if (s->m->opts.log)
            fprintf(s->m->opts.log, "pci: vga BAR%d at 0x%08X overlaps other memory: not mapped\n",
                    bar, new_addr);
    }
}

/* ---------------------------------------------------------------- images */

static int open_media(struct board_storage *s, const struct machine_options *o, char *err,
                      size_t errsz)
{
    for (int u = 0; u < BOARD_IDE_UNITS; u++) {
        s->media[u].fd = -1;
    }
    if (o->cdrom_path && o->hd_paths[2]) {
        snprintf(err, errsz, "-cdrom and -hdc both want the secondary master; give one");
        return -1;
    }
    for (int u = 0; u < BOARD_IDE_UNITS; u++) {
        if (o->hd_paths[u]) {
            if (blockdev_open(&s->media[u], unit_flag[u], o->hd_paths[u], IDE_SECTOR, 0,
                              o->snapshot, err, errsz) != 0)
                return -1;
            ide_attach_disk(&s->ide, u, &s->media[u]);
        }
    }
    if (o->cdrom_path) {
        if (blockdev_open(&s->media[2], "-cdrom", o->cdrom_path, ATAPI_SECTOR, 1, 0, err,
                          errsz) != 0)
            return -1;
        ide_attach_cdrom(&s->ide, 2, &s->media[2]);
    }
    return 0;
}

static int load_vga_bios(struct board_storage *s, const struct machine_options *o, char *err,
                         size_t errsz)
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
    s->vga.rom = data;
    s->vga.rom_size = (uint32_t)size;
    return 0;
}

/* ---------------------------------------------------------------- CMOS */

/* The AT CMOS fields for the first two disks (the layout Bochs and QEMU
 * use, which DOS-era software reads): 0x12 drive types (0xF = "see 0x19/
 * 0x1A"), 0x19/0x1A extended type 47 (user defined), and the user-defined
 * parameter blocks at 0x1B (disk 0) and 0x24 (disk 1): cylinders, heads,
 * write precompensation (none), control byte (bit 3: more than 8 heads),
 * landing zone, sectors per track. 0x39 bits 0-3: LBA translation for
 * disks 0 and 1. The board computes the checksum afterwards. */
static void set_cmos_disks(struct machine *m)
{
    struct board_storage *s = m->storage;
    uint8_t types = 0, trans = 0;
    for (int u = 0; u < 2; u++) {
        const struct ide_drive *d = &s->ide.ch[0].drive[u];
        if (!d->present || d->is_cdrom)
            continue;
        unsigned base = u ? 0x24 : 0x1B;
        types |= (uint8_t)(u ? 0x0F : 0xF0);
        mc146818_set_cmos(&m->rtc, u ? 0x1A : 0x19, 47);
        mc146818_set_cmos(&m->rtc, base + 0, (uint8_t)d->def_cyls);
        mc146818_set_cmos(&m->rtc, base + 1, (uint8_t)(d->def_cyls >> 8));
        mc146818_set_cmos(&m->rtc, base + 2, (uint8_t)d->def_heads);
        mc146818_set_cmos(&m->rtc, base + 3, 0xFF);
        mc146818_set_cmos(&m->rtc, base + 4, 0xFF);
        mc146818_set_cmos(&m->rtc, base + 5, (uint8_t)(0xC0 | (d->def_heads > 8 ? 0x08 : 0)));
        mc146818_set_cmos(&m->rtc, base + 6, (uint8_t)d->def_cyls);
        mc146818_set_cmos(&m->rtc, base + 7, (uint8_t)(d->def_cyls >> 8));
        mc146818_set_cmos(&m->rtc, base + 8, (uint8_t)d->def_spt);
        trans |= (uint8_t)(1u << (2 * u));   /* 01 = LBA translation */
    }
    mc146818_set_cmos(&m->rtc, 0x12, types);
    mc146818_set_cmos(&m->rtc, 0x39, trans);
}

/* ---------------------------------------------------------------- wiring */

static void display_tick(void *opaque)
{
    struct board_storage *s = opaque;
    if (!s->display)
        return;
    s->display(s->display_opaque);
    clock_schedule(&s->m->clock, s->display_timer, clock_now(&s->m->clock) + s->display_period_ns);
}

int board_storage_set_display(struct machine *m, board_display_fn fn, void *opaque,
                              uint64_t period_ns)
{
    struct board_storage *s = m->storage;
    if (!s)
        return -1;
    s->display = fn;
    s->display_opaque = opaque;
    s->display_period_ns = period_ns;
    if (s->display_timer < 0) {
        s->display_timer = clock_timer_add(&m->clock, "display", display_tick, s);
        if (s->display_timer < 0)
            return -1;
    }
    if (fn && period_ns)
        clock_schedule(&m->clock, s->display_timer, clock_now(&m->clock) + period_ns);
    else
        clock_cancel(&m->clock, s->display_timer);
    return 0;
}

int board_storage_wire(struct machine *m, char *err, size_t errsz)
{
    struct board_storage *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsz, "out of memory for the PCI devices");
        return -1;
    }
    m->storage = s;
    s->m = m;
    s->display_timer = -1;
    for (int u = 0; u < BOARD_IDE_UNITS; u++)
        s->media[u].fd = -1;

    ide_init(&s->ide);
    s->ide.log = m->opts.log;
    if (open_media(s, &m->opts, err, errsz) != 0)
        return -1;
    if (vga_init(&s->vga, m->opts.log) != 0) {
        snprintf(err, errsz, "out of memory for video memory");
        return -1;
    }
    if (load_vga_bios(s, &m->opts, err, errsz) != 0)
        return -1;

    pci_bus_init(&s->pci, m->opts.log);
    if (pci_bus_register_ports(&s->pci, &m->bus) != 0 ||
        ide_register_ports(&s->ide, &m->bus) != 0 || vga_register_ports(&s->vga, &m->bus) != 0 ||
        pci_pc_init(&s->chipset, &s->pci, &m->bus, &s->ide, pam_set, s) != 0) {
        snprintf(err, errsz, "internal error: PCI/IDE/VGA ports overlap other devices");
        return -1;
    }
    if (acpi_pm_init(&s->pm, &m->bus, &m->clock, board_isa_irq(m, ACPI_PM_SCI_IRQ),
                     board_poweroff_line, m, m->opts.log) != 0 ||
        pci_bus_add(&s->pci, &s->pm.fn, ACPI_PM_DEVFN) != 0) {
        snprintf(err, errsz, "internal error: cannot wire the ACPI PM function");
        return -1;
    }
    vga_pci_init(&s->vga_fn, &s->vga, vga_bar_map, s);
    if (pci_bus_add(&s->pci, &s->vga_fn, 0x10) != 0) {   /* 02.0 */
        snprintf(err, errsz, "internal error: PCI slot 2 taken");
        return -1;
    }
    ide_set_irq(&s->ide, 0, board_isa_irq(m, 14));
    ide_set_irq(&s->ide, 1, board_isa_irq(m, 15));
    ide_set_dma_mem(&s->ide, dma_read, dma_write, s);
    if (physmem_map_mmio(&m->mem, BOARD_VGA_WINDOW, BOARD_VGA_WINDOW_SIZE, &window_ops,
                         &s->vga, "vga-window") != 0) {
        snprintf(err, errsz, "internal error: the VGA window overlaps another MMIO region");
        return -1;
    }
    s->vga_window_mapped = 1;
    set_cmos_disks(m);
    /* Without a screen, ask SeaBIOS to copy INT 10h text output to COM1
     * (its "sercon", read from fw_cfg as a little-endian port number), so
     * the banner and a boot sector's messages reach the serial console. */
    if (m->opts.sercon) {
        uint8_t port[2] = { 0xF8, 0x03 };
        if (fw_cfg_add_file(&m->fw_cfg, "etc/sercon-port", port, sizeof port) != 0) {
            snprintf(err, errsz, "internal error: fw_cfg has no room for etc/sercon-port");
            return -1;
        }
    }
    return 0;
}

void board_storage_reset(struct machine *m)
{
    struct board_storage *s = m->storage;
    if (!s)
        return;
    pci_pc_reset(&s->chipset);
    acpi_pm_reset(&s->pm);
    vga_reset(&s->vga);
    for (int c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &s->ide.ch[c];
        for (int d = 0; d < 2; d++)
            if (ch->drive[d].present)
                ata_reset_drive(&ch->drive[d]);
        ch->devctl = 0;
        ch->cur = 0;
        ch->intrq = 0;
        memset(&ch->bm, 0, sizeof ch->bm);
        ide_update_irq(ch);
    }
}

void board_storage_destroy(struct machine *m)
{
    struct board_storage *s = m->storage;
    if (!s)
        return;
    for (int u = 0; u < BOARD_IDE_UNITS; u++)
        if (s->media[u].fd >= 0)
            blockdev_close(&s->media[u]);
    vga_free(&s->vga);
    free(s);
    m->storage = NULL;
}

static const char *const disk_tag[BOARD_IDE_UNITS] = { "DSK0", "DSK1", "DSK2", "DSK3" };

void board_storage_save(const struct machine *m, struct state_writer *w)
{
    const struct board_storage *s = m->storage;
    pci_save(&s->pci, w);
    ide_save(&s->ide, w);
    vga_save(&s->vga, w);
    acpi_pm_save(&s->pm, w);
    for (int u = 0; u < BOARD_IDE_UNITS; u++)
        if (s->media[u].fd >= 0)
            blockdev_save(&s->media[u], disk_tag[u], w);
}

int board_storage_load(struct machine *m, struct state_reader *r)
{
    struct board_storage *s = m->storage;
    if (pci_load(&s->pci, r) != 0 || ide_load(&s->ide, r) != 0 || vga_load(&s->vga, r) != 0 ||
        acpi_pm_load(&s->pm, r) != 0)
        return -1;
    for (int u = 0; u < BOARD_IDE_UNITS; u++)
        if (s->media[u].fd >= 0 && blockdev_load(&s->media[u], disk_tag[u], r) != 0)
            return -1;
    return 0;
}
