#include <stdio.h>

#include "base/state.h"
#include "machine/board.h"
#include "machine/board_ide.h"
#include "machine/machine.h"

static const char *const unit_flag[MACHINE_IDE_UNITS] = { "-hda", "-hdb", "-hdc", "-hdd" };

static void dma_read(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct machine *m = opaque;
    physmem_read_buf(&m->mem, addr, buf, len);
}

static void dma_write(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct machine *m = opaque;
    physmem_write_buf(&m->mem, addr, buf, len);
}

/* One file behind two drives would be written through two caches that
 * know nothing of each other. The record lock cannot tell (POSIX locks
 * never conflict within one process), so compare the inodes of the units
 * already open (the CD-ROM, unit 2, is opened after the disks). */
static int refuse_shared_image(struct machine *m, int unit, const char *flag, const char *path,
                               char *err, size_t errsz)
{
    for (int u = 0; u < MACHINE_IDE_UNITS; u++) {
        if (u != unit && blockdev_same_file(&m->media[u], &m->media[unit])) {
            snprintf(err, errsz, "%s %s: same image as %s", flag, path, unit_flag[u]);
            return -1;
        }
    }
    return 0;
}

static int open_media(struct machine *m, char *err, size_t errsz)
{
    const struct machine_options *o = &m->opts;
    if (o->cdrom_path && o->hd_paths[2]) {
        snprintf(err, errsz, "-cdrom and -hdc both want the secondary master; give one");
        return -1;
    }
    for (int u = 0; u < MACHINE_IDE_UNITS; u++) {
        if (o->hd_paths[u]) {
            if (blockdev_open(&m->media[u], unit_flag[u], o->hd_paths[u], IDE_SECTOR, 0,
                              o->snapshot, err, errsz) != 0 ||
                refuse_shared_image(m, u, unit_flag[u], o->hd_paths[u], err, errsz) != 0)
                return -1;
            if (o->snapshot &&
                blockdev_set_overlay_limit(&m->media[u], BLOCKDEV_OVERLAY_RAM_DEFAULT,
                                           o->tmp_dir) != 0) {
                snprintf(err, errsz, "%s %s: out of memory", unit_flag[u], o->hd_paths[u]);
                return -1;
            }
            ide_attach_disk(&m->ide, u, &m->media[u]);
        }
    }
    if (o->cdrom_path) {
        if (blockdev_open(&m->media[2], "-cdrom", o->cdrom_path, ATAPI_SECTOR, 1, 0, err,
                          errsz) != 0 ||
            refuse_shared_image(m, 2, "-cdrom", o->cdrom_path, err, errsz) != 0)
            return -1;
        ide_attach_cdrom(&m->ide, 2, &m->media[2]);
    }
    return 0;
}

int board_ide_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    struct ide *ide = dev;
    ide_init(ide);
    ide->log = m->opts.log;
    if (open_media(m, err, errsz) != 0)
        return -1;
    if (ide_register_ports(ide, &m->bus) != 0)
        return -1;
    ide_set_irq(ide, 0, board_isa_irq(m, 14));
    ide_set_irq(ide, 1, board_isa_irq(m, 15));
    ide_set_dma_mem(ide, dma_read, dma_write, m);
    return 0;
}

void board_ide_media_save(const void *dev, struct state_writer *w, const char *tag)
{
    const struct blockdev *bd = dev;
    if (bd->fd >= 0)
        blockdev_save(bd, tag, w);
}

int board_ide_media_load(void *dev, struct state_reader *r, const char *tag)
{
    struct blockdev *bd = dev;
    return bd->fd >= 0 ? blockdev_load(bd, tag, r) : 0;
}

void board_ide_media_free(void *dev)
{
    struct blockdev *bd = dev;
    if (bd->fd >= 0)
        blockdev_close(bd);
}

/* The AT CMOS fields for the first two disks (the layout Bochs and QEMU
 * use, which DOS-era software reads): 0x12 drive types (0xF = "see 0x19/
 * 0x1A"), 0x19/0x1A extended type 47 (user defined), and the user-defined
 * parameter blocks at 0x1B (disk 0) and 0x24 (disk 1): cylinders, heads,
 * write precompensation (none), control byte (bit 3: more than 8 heads),
 * landing zone, sectors per track. 0x39 bits 0-3: LBA translation for
 * disks 0 and 1. The board computes the checksum afterwards. */
void board_ide_cmos(struct machine *m)
{
    uint8_t types = 0, trans = 0;
    for (int u = 0; u < 2; u++) {
        const struct ide_drive *d = &m->ide.ch[0].drive[u];
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
