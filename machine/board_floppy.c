#include <stdio.h>

#include "machine/board.h"
#include "machine/board_floppy.h"
#include "machine/machine.h"

static const char *const floppy_flag[FDC_DRIVES] = { "-fda", "-fdb" };
static const char *const ide_flag[MACHINE_IDE_UNITS] = { "-hda", "-hdb", "-hdc", "-hdd" };

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

int board_dma_wire(struct machine *m, void *dma, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return i8237_init(dma, &m->bus, dma_read, dma_write, m, m->opts.log);
}

/* One file behind two drives (record locks do not conflict within one
 * process, so compare inodes with every image already open). */
static int refuse_shared(struct machine *m, unsigned n, char *err, size_t errsz)
{
    const struct blockdev *bd = &m->floppy[n];
    for (unsigned u = 0; u < MACHINE_IDE_UNITS; u++) {
        if (blockdev_same_file(&m->media[u], bd)) {
            snprintf(err, errsz, "%s %s: same image as %s", floppy_flag[n], m->opts.fd_paths[n],
                     u == 2 && m->opts.cdrom_path ? "-cdrom" : ide_flag[u]);
            return -1;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (blockdev_same_file(&m->floppy[i], bd)) {
            snprintf(err, errsz, "%s %s: same image as %s", floppy_flag[n], m->opts.fd_paths[n],
                     floppy_flag[i]);
            return -1;
        }
    }
    return 0;
}

int board_fdc_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    struct fdc *f = dev;
    if (fdc_init(f, &m->bus, &m->clock, board_isa_irq(m, 6), &m->dma, 2, m->opts.log) != 0)
        return -1;
    for (unsigned n = 0; n < FDC_DRIVES; n++) {
        const char *path = m->opts.fd_paths[n];
        if (!path)
            continue;
        struct blockdev *bd = &m->floppy[n];
        if (blockdev_open(bd, floppy_flag[n], path, FDC_SECTOR, 0, m->opts.snapshot, err,
                          errsz) != 0 ||
            refuse_shared(m, n, err, errsz) != 0)
            return -1;
        const struct fdc_geometry *g = fdc_geometry_for_size(bd->sectors * FDC_SECTOR);
        if (!g) {
            snprintf(err, errsz, "%s %s: size %llu is no floppy medium (360 KiB, 720 KiB, "
                     "1.2 MiB, 1.44 MiB or 2.88 MiB)", floppy_flag[n], path,
                     (unsigned long long)(bd->sectors * FDC_SECTOR));
            return -1;
        }
        fdc_attach(f, n, bd, g);
    }
    return 0;
}

void board_floppy_cmos(struct machine *m)
{
    uint8_t types = 0;
    for (unsigned n = 0; n < FDC_DRIVES; n++)
        if (m->fdc.drive[n].geo)
            types |= (uint8_t)(m->fdc.drive[n].geo->cmos_type << (n ? 0 : 4));
    mc146818_set_cmos(&m->rtc, 0x10, types);
}

uint8_t board_floppy_equipment(const struct machine *m)
{
    unsigned count = 0;
    for (unsigned n = 0; n < FDC_DRIVES; n++)
        count += m->fdc.drive[n].geo != NULL;
    return count ? (uint8_t)(0x01 | ((count - 1) << 6)) : 0;
}
