/* Intel 82077AA floppy disk controller in PC/AT mode, with up to two
 * 3.5"/5.25" drives (82077AA datasheet, order 290166; OSDev "Floppy Disk
 * Controller").
 *
 * Ports 0x3F0-0x3F5 and 0x3F7 (0x3F6 is the IDE's): DOR, TDR, MSR/DSR,
 * FIFO, DIR/CCR; IRQ 6 and DMA channel 2, both gated by DOR bit 3 as in AT
 * mode. The medium's geometry and data rate come from the image size
 * (fdc_geometry_for_size); a command at another data rate finds no
 * address marks, which is how a BIOS tells media apart.
 *
 * Commands: READ DATA, WRITE DATA, FORMAT TRACK, READ ID, SEEK,
 * RECALIBRATE, SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY,
 * VERSION, CONFIGURE, LOCK/UNLOCK, DUMPREG, PERPENDICULAR MODE. Data moves
 * by DMA only. The others (READ TRACK, READ/WRITE DELETED, VERIFY, SCANs,
 * relative SEEK, non-DMA execution) are logged once and answered as the
 * 82077AA answers a command it does not know: ST0 = 0x80.
 *
 * Timing is the virtual clock's: a data or seek command finishes a short
 * fixed time after it was issued (no rotation or step-rate model; see
 * docs/platform.md), on the device's clock timer.
 */
#ifndef SHADOW86_DEVICES_FDC_H
#define SHADOW86_DEVICES_FDC_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/irq.h"
#include "base/state.h"
#include "devices/blockdev.h"
#include "devices/i8237.h"
#include "devices/iobus.h"

#define FDC_DRIVES 2
#define FDC_SECTOR 512u

/* A medium the drive can hold, known by its image size. */
struct fdc_geometry {
    uint32_t bytes;
    uint8_t cyls, heads, spt;
    uint8_t rate;        /* data rate select: 0 500 kb/s, 1 300, 2 250, 3 1000 */
    uint8_t cmos_type;   /* CMOS 0x10 drive type: 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M */
    const char *name;
};

/* The geometry of an image of `bytes`, or NULL when no supported medium
 * has that size. */
const struct fdc_geometry *fdc_geometry_for_size(uint64_t bytes);

struct fdc_drive {
    struct blockdev *media;          /* NULL: no drive */
    const struct fdc_geometry *geo;
    uint8_t track;                   /* where the head is (the controller's PCN) */
    uint8_t changed;                 /* DSKCHG: set at power-on, cleared by a seek */
};

enum fdc_phase { FDC_COMMAND, FDC_PARAMS, FDC_EXECUTION, FDC_RESULT };

struct fdc {
    struct fdc_drive drive[FDC_DRIVES];
    uint8_t dor, tdr;
    uint8_t rate;                    /* DSR/CCR bits 0-1 */
    uint8_t phase;                   /* enum fdc_phase */
    uint8_t cmd[9], cmd_len, cmd_pos;
    uint8_t res[10], res_len, res_pos;
    uint8_t busy_drives;             /* MSR bits 0-3: seeking */
    uint8_t seek_pending;            /* drives whose seek ended, not yet sensed */
    uint8_t seek_st0[4];
    uint8_t reset_pending;           /* polling statuses left after a reset (bits 0-3) */
    uint8_t int_level;               /* the controller's INT before the DOR gate */
    uint8_t srt_hut, hlt_nd;         /* SPECIFY */
    uint8_t config, pretrk, locked, perp;   /* CONFIGURE, LOCK, PERPENDICULAR */
    uint8_t last_eot;
    uint8_t op;                      /* the command the timer finishes (0: none) */

    struct irq_line irq;
    struct i8237 *dma;
    unsigned dma_chan;
    struct clock *clock;
    int timer;
    FILE *log;
    uint32_t log_seen;
    uint8_t sector[FDC_SECTOR];
    uint64_t commands, sectors_read, sectors_written, tracks_formatted;
};

int fdc_init(struct fdc *f, struct iobus *bus, struct clock *clock, struct irq_line irq,
             struct i8237 *dma, unsigned dma_chan, FILE *log);
/* Put a medium in drive `n` (at wiring). `media` stays the board's. */
void fdc_attach(struct fdc *f, unsigned n, struct blockdev *media,
                const struct fdc_geometry *geo);
void fdc_reset(struct fdc *f);      /* hardware reset (the board's reset line) */
void fdc_save(const struct fdc *f, struct state_writer *w);
int fdc_load(struct fdc *f, struct state_reader *r);

uint32_t fdc_io_read(void *opaque, uint16_t port, unsigned size);
void fdc_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

#endif
