#include <string.h>

#include "devices/devlog.h"
#include "devices/fdc.h"

/* Supported media (sizes as images; rates as a drive of that type reads
 * them). 360 KiB media are read in a 360 KiB drive (250 kb/s). */
static const struct fdc_geometry geometries[] = {
    {  368640, 40, 2,  9, 2, 1, "360 KiB 5.25\"" },
    { 1228800, 80, 2, 15, 0, 2, "1.2 MiB 5.25\"" },
    {  737280, 80, 2,  9, 2, 3, "720 KiB 3.5\"" },
    { 1474560, 80, 2, 18, 0, 4, "1.44 MiB 3.5\"" },
    { 2949120, 80, 2, 36, 3, 5, "2.88 MiB 3.5\"" },
};

const struct fdc_geometry *fdc_geometry_for_size(uint64_t bytes)
{
    for (size_t i = 0; i < sizeof geometries / sizeof geometries[0]; i++)
        if (geometries[i].bytes == bytes)
            return &geometries[i];
    return NULL;
}

/* Register bits. */
#define DOR_DRIVE 0x03
#define DOR_NRESET 0x04
#define DOR_DMA_GATE 0x08   /* AT mode: IRQ and DRQ outputs enabled */
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10
#define ST0_ABNORMAL 0x40
#define ST0_INVALID 0x80
#define ST0_SE 0x20
#define ST0_EC 0x10
#define ST1_EN 0x80
#define ST1_OR 0x10
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
#define ST2_WC 0x10
#define CONFIG_EIS 0x40
#define CONFIG_POLL_OFF 0x10
#define CONFIG_RESET 0x20   /* FIFO disabled, polling on, threshold 1 */

/* Time a command takes (virtual clock): the drive is idealized, with no
 * rotation and no step rate; these only keep the completion interrupt
 * after the command, as a guest expects. */
#define FDC_SEEK_NS 100000ull        /* + FDC_STEP_NS per track crossed */
#define FDC_STEP_NS 10000ull
#define FDC_XFER_NS 100000ull        /* a data command, whatever its length */

enum { LOG_NON_DMA, LOG_UNKNOWN_CMD, LOG_POWER_DOWN, LOG_FORMAT_GEOMETRY, LOG_FM, LOG_SIZE };

enum fdc_op { OP_NONE, OP_READ, OP_WRITE, OP_FORMAT, OP_READ_ID, OP_SEEK, OP_RECAL };

/* ------------------------------------------------------------ the INT line */

static void update_irq(struct fdc *f)
{
    irq_set(&f->irq, f->int_level && (f->dor & DOR_DMA_GATE) && (f->dor & DOR_NRESET));
}

static void set_int(struct fdc *f, int level)
{
    f->int_level = (uint8_t)(level != 0);
    update_irq(f);
}

/* ------------------------------------------------------------ reset */

static void controller_reset(struct fdc *f)
{
    clock_cancel(f->clock, f->timer);
    f->op = OP_NONE;
    f->phase = FDC_COMMAND;
    f->cmd_pos = f->cmd_len = 0;
    f->res_pos = f->res_len = 0;
    f->busy_drives = 0;
    f->seek_pending = 0;
    f->reset_pending = 0;
    f->perp &= 0x3C;          /* GAP and WGATE cleared; the drive bits stay */
    if (!f->locked) {
        f->config = CONFIG_RESET;
        f->pretrk = 0;
    }
    set_int(f, 0);
}

/* Leaving reset: with polling on, the controller reports a "ready
 * changed" status for each of the four drive selects and interrupts. */
static void controller_leave_reset(struct fdc *f)
{
    if (!(f->config & CONFIG_POLL_OFF)) {
        f->reset_pending = 0x0F;
        set_int(f, 1);
    }
}

void fdc_reset(struct fdc *f)
{
    f->dor = 0;               /* held in reset until the BIOS lets go */
    f->tdr = 0;
    f->rate = 2;              /* 250 kb/s */
    f->srt_hut = f->hlt_nd = 0;
    f->locked = 0;
    f->perp = 0;
    f->last_eot = 0;
    controller_reset(f);
    for (int i = 0; i < FDC_DRIVES; i++) {
        f->drive[i].track = 0;
        f->drive[i].changed = 1;
    }
}

/* ------------------------------------------------------------ phases */

static void enter_result(struct fdc *f, const uint8_t *res, unsigned n)
{
    memcpy(f->res, res, n);
    f->res_len = (uint8_t)n;
    f->res_pos = 0;
    f->phase = FDC_RESULT;
}

static void invalid_command(struct fdc *f)
{
    uint8_t st0 = ST0_INVALID;
    enter_result(f, &st0, 1);
}

static struct fdc_drive *drive_of(struct fdc *f, uint8_t ds)
{
    ds &= 3;
    return ds < FDC_DRIVES && f->drive[ds].media ? &f->drive[ds] : NULL;
}

/* Result bytes of a data command: ST0-ST2 and the ID it ended at. */
static void data_result(struct fdc *f, uint8_t st0, uint8_t st1, uint8_t st2, uint8_t c,
                        uint8_t h, uint8_t r, uint8_t n)
{
    uint8_t res[7] = { st0, st1, st2, c, h, r, n };
    enter_result(f, res, 7);
    set_int(f, 1);
}

/* Whether the medium in `d` can be read at the selected data rate on
 * head `head`; otherwise the controller finds no address mark. */
static int medium_readable(const struct fdc *f, const struct fdc_drive *d, unsigned head)
{
    return d && d->geo && d->geo->rate == f->rate && head < d->geo->heads;
}

/* ------------------------------------------------------------ data commands */

/* READ DATA / WRITE DATA: sectors from R on, across heads with MT, until
 * the DMA channel's terminal count or the end of the cylinder. */
static void run_read_write(struct fdc *f, int write)
{
    uint8_t mt = f->cmd[0] & 0x80, mfm = f->cmd[0] & 0x40;
    uint8_t ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    uint8_t c = f->cmd[2], h = f->cmd[3], r = f->cmd[4], n = f->cmd[5], eot = f->cmd[6];
    struct fdc_drive *d = drive_of(f, ds);
    f->last_eot = eot;
    uint8_t st0 = (uint8_t)(head << 2 | ds);
    if (!medium_readable(f, d, head) || !mfm) {
        if (!mfm)
            devlog_once(f->log, &f->log_seen, LOG_FM, "fdc: FM (single density) commands find no "
                        "address marks on the MFM media modelled");
        data_result(f, st0 | ST0_ABNORMAL, ST1_MA, 0, c, h, r, n);
        return;
    }
    if (f->config & CONFIG_EIS) {
        d->track = c;         /* implied seek */
        d->changed = 0;
    }
    if (c != d->track) {
        data_result(f, st0 | ST0_ABNORMAL, ST1_ND, ST2_WC, c, h, r, n);
        return;
    }
    if (n != 2) {
        devlog_once(f->log, &f->log_seen, LOG_SIZE,
                    "fdc: sector size code %u: the media hold 512-byte sectors only", n);
        data_result(f, st0 | ST0_ABNORMAL, ST1_ND, 0, c, h, r, n);
        return;
    }
    if (write && d->media->read_only) {
        data_result(f, st0 | ST0_ABNORMAL, ST1_NW, 0, c, h, r, n);
        return;
    }
    const struct fdc_geometry *g = d->geo;
    for (;;) {
        if (r < 1 || r > g->spt || c >= g->cyls) {
            data_result(f, st0 | ST0_ABNORMAL, ST1_ND, 0, c, h, r, n);
            return;
        }
        uint64_t lba = ((uint64_t)c * g->heads + head) * g->spt + (r - 1u);
        int tc = 0;
        uint32_t moved;
        if (write) {
            memset(f->sector, 0, FDC_SECTOR);   /* TC mid-sector: the rest is 0 */
            moved = i8237_read_memory(f->dma, f->dma_chan, f->sector, FDC_SECTOR, &tc);
            if (moved == 0 && !tc) {
                data_result(f, st0 | ST0_ABNORMAL, ST1_OR, 0, c, h, r, n);
                return;
            }
            if (blockdev_write(d->media, lba, 1, f->sector) != 0) {
                data_result(f, st0 | ST0_ABNORMAL, ST1_ND, 0, c, h, r, n);
                return;
            }
            f->sectors_written++;
        } else {
            if (blockdev_read(d->media, lba, 1, f->sector) != 0) {
                data_result(f, st0 | ST0_ABNORMAL, ST1_ND, 0, c, h, r, n);
                return;
            }
            moved = i8237_write_memory(f->dma, f->dma_chan, f->sector, FDC_SECTOR, &tc);
            f->sectors_read++;
        }
        /* The DMA channel not answering: the data outran it. */
        if (moved < FDC_SECTOR && !tc) {
            data_result(f, st0 | ST0_ABNORMAL, ST1_OR, 0, c, h, r, n);
            return;
        }
        /* The next sector's ID, as the result reports it (datasheet table
         * "Result phase ID after a transfer"). */
        int end_of_cyl = 0;
        if (r < eot) {
            r++;
        } else if (mt && head == 0) {
            head = 1;
            h ^= 1;
            r = 1;
            st0 = (uint8_t)(head << 2 | ds);
        } else {
            if (mt)
                h ^= 1;
            c++;
            r = 1;
            end_of_cyl = 1;
        }
        if (tc) {
            data_result(f, st0, 0, 0, c, h, r, n);
            return;
        }
        if (end_of_cyl) {
            /* EOT passed without TC: "end of cylinder", abnormal. */
            data_result(f, st0 | ST0_ABNORMAL, ST1_EN, 0, c, h, r, n);
            return;
        }
    }
}

/* FORMAT TRACK: one 4-byte ID (C, H, R, N) per sector by DMA; each sector
 * of the track under the head is filled with the filler byte D. */
static void run_format(struct fdc *f)
{
    uint8_t ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    uint8_t n = f->cmd[2], sc = f->cmd[3], fill = f->cmd[5];
    struct fdc_drive *d = drive_of(f, ds);
    uint8_t st0 = (uint8_t)(head << 2 | ds);
    uint8_t id[4] = { 0, 0, 0, 0 };
    if (!medium_readable(f, d, head) || !(f->cmd[0] & 0x40)) {
        data_result(f, st0 | ST0_ABNORMAL, ST1_MA, 0, 0, 0, 0, n);
        return;
    }
    if (d->media->read_only) {
        data_result(f, st0 | ST0_ABNORMAL, ST1_NW, 0, 0, 0, 0, n);
        return;
    }
    const struct fdc_geometry *g = d->geo;
    if (n != 2 || sc != g->spt)
        devlog_once(f->log, &f->log_seen, LOG_FORMAT_GEOMETRY,
                    "fdc: FORMAT TRACK with %u sectors of size code %u: the %s image keeps "
                    "only its own %u x 512-byte sectors", sc, n, g->name, g->spt);
    memset(f->sector, fill, FDC_SECTOR);
    for (unsigned i = 0; i < sc; i++) {
        int tc = 0;
        uint32_t moved = i8237_read_memory(f->dma, f->dma_chan, id, 4, &tc);
        if (moved < 4) {
            data_result(f, st0 | ST0_ABNORMAL, ST1_OR, 0, id[0], id[1], id[2], id[3]);
            return;
        }
        /* The ID's R places the sector; the track and side are physical. */
        if (id[3] == 2 && id[2] >= 1 && id[2] <= g->spt && d->track < g->cyls) {
            uint64_t lba = ((uint64_t)d->track * g->heads + head) * g->spt + (id[2] - 1u);
            if (blockdev_write(d->media, lba, 1, f->sector) != 0) {
                data_result(f, st0 | ST0_ABNORMAL, ST1_ND, 0, id[0], id[1], id[2], id[3]);
                return;
            }
            f->sectors_written++;
        }
        if (tc)
            break;
    }
    f->tracks_formatted++;
    data_result(f, st0, 0, 0, id[0], id[1], id[2], id[3]);
}

/* READ ID: the first ID that passes the head, from the disk's angle at
 * this instant (300 rpm: one turn in 200 ms of machine time). */
static void run_read_id(struct fdc *f)
{
    uint8_t ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    struct fdc_drive *d = drive_of(f, ds);
    uint8_t st0 = (uint8_t)(head << 2 | ds);
    if (!medium_readable(f, d, head) || !(f->cmd[0] & 0x40)) {
        data_result(f, st0 | ST0_ABNORMAL, ST1_MA, 0, 0, 0, 0, 0);
        return;
    }
    uint64_t turn = 200000000ull;
    uint64_t r = (clock_now(f->clock) % turn) * d->geo->spt / turn + 1;
    data_result(f, st0, 0, 0, d->track, head, (uint8_t)r, 2);
}

/* SEEK and RECALIBRATE end: the head is there; SENSE INTERRUPT reports. */
static void finish_seek(struct fdc *f, int recal)
{
    uint8_t ds = f->cmd[1] & 3, head = (f->cmd[1] >> 2) & 1;
    uint8_t st0 = (uint8_t)(ST0_SE | head << 2 | ds);
    if (ds < FDC_DRIVES && f->drive[ds].media) {
        struct fdc_drive *d = &f->drive[ds];
        d->track = recal ? 0 : f->cmd[2];
        d->changed = 0;   /* the step pulse clears the disk-change latch */
    } else if (recal) {
        st0 |= ST0_ABNORMAL | ST0_EC;   /* no drive: track 0 never seen */
    }
    f->busy_drives &= (uint8_t)~(1u << ds);
    f->seek_st0[ds] = st0;
    f->seek_pending |= (uint8_t)(1u << ds);
    set_int(f, 1);
}

static void fdc_timer(void *opaque)
{
    struct fdc *f = opaque;
    uint8_t op = f->op;
    f->op = OP_NONE;
    switch (op) {
    case OP_READ: run_read_write(f, 0); break;
    case OP_WRITE: run_read_write(f, 1); break;
    case OP_FORMAT: run_format(f); break;
    case OP_READ_ID: run_read_id(f); break;
    case OP_SEEK: finish_seek(f, 0); break;
    case OP_RECAL: finish_seek(f, 1); break;
    default: break;
    }
}

/* ------------------------------------------------------------ commands */

/* Bytes of a command (with its first), or 0 for an unknown one. */
static unsigned command_length(uint8_t b)
{
    /* Data commands carry MT (0x80), MFM (0x40) and SK (0x20, READ only). */
    if ((b & 0x1F) == 0x06 || (b & 0x3F) == 0x05)
        return 9;                                     /* READ DATA, WRITE DATA */
    if ((b & 0xBF) == 0x0A)
        return 2;                                     /* READ ID */
    if ((b & 0xBF) == 0x0D)
        return 6;                                     /* FORMAT TRACK */
    switch (b) {
    case 0x03: return 3;   /* SPECIFY */
    case 0x04: return 2;   /* SENSE DRIVE STATUS */
    case 0x07: return 2;   /* RECALIBRATE */
    case 0x08: return 1;   /* SENSE INTERRUPT STATUS */
    case 0x0E: return 1;   /* DUMPREG */
    case 0x0F: return 3;   /* SEEK */
    case 0x10: return 1;   /* VERSION */
    case 0x12: return 2;   /* PERPENDICULAR MODE */
    case 0x13: return 4;   /* CONFIGURE */
    case 0x14: case 0x94: return 1;   /* UNLOCK, LOCK */
    default: return 0;
    }
}

static void start_op(struct fdc *f, uint8_t op, uint64_t delay)
{
    f->op = op;
    clock_schedule(f->clock, f->timer, clock_now(f->clock) + delay);
}

static void start_seek(struct fdc *f, uint8_t op, uint8_t target)
{
    uint8_t ds = f->cmd[1] & 3;
    uint8_t from = ds < FDC_DRIVES ? f->drive[ds].track : 0;
    unsigned steps = from > target ? from - target : target - from;
    f->busy_drives |= (uint8_t)(1u << ds);
    f->phase = FDC_COMMAND;   /* the 82077 takes commands while a drive seeks */
    start_op(f, op, FDC_SEEK_NS + FDC_STEP_NS * steps);
}

static void sense_interrupt(struct fdc *f)
{
    for (unsigned i = 0; i < 4; i++) {
        if (f->reset_pending & (1u << i)) {
            f->reset_pending &= (uint8_t)~(1u << i);
            uint8_t res[2] = { (uint8_t)(0xC0 | i), i < FDC_DRIVES ? f->drive[i].track : 0 };
            enter_result(f, res, 2);
            set_int(f, f->reset_pending || f->seek_pending);
            return;
        }
    }
    for (unsigned i = 0; i < 4; i++) {
        if (f->seek_pending & (1u << i)) {
            f->seek_pending &= (uint8_t)~(1u << i);
            uint8_t res[2] = { f->seek_st0[i], i < FDC_DRIVES ? f->drive[i].track : 0 };
            enter_result(f, res, 2);
            set_int(f, f->seek_pending != 0);
            return;
        }
    }
    invalid_command(f);   /* no interrupt pending */
}

static void execute_command(struct fdc *f)
{
    uint8_t b = f->cmd[0];
    f->commands++;
    /* A new command (other than SENSE INTERRUPT) clears a data command's
     * interrupt. */
    if (b != 0x08 && !f->seek_pending && !f->reset_pending)
        set_int(f, 0);
    if ((b & 0x3F) == 0x05 || (b & 0x1F) == 0x06 || (b & 0xBF) == 0x0A || (b & 0xBF) == 0x0D) {
        if (f->hlt_nd & 1) {
            devlog_once(f->log, &f->log_seen, LOG_NON_DMA,
                        "fdc: non-DMA data transfers (SPECIFY ND=1) are not modelled: "
                        "the command ends with an overrun");
            uint8_t res[7] = { (uint8_t)(ST0_ABNORMAL | (f->cmd[1] & 7)), ST1_OR, 0, 0, 0, 0, 0 };
            enter_result(f, res, 7);
            set_int(f, 1);
            return;
        }
        f->phase = FDC_EXECUTION;
        uint8_t op = (b & 0x3F) == 0x05 ? OP_WRITE : (b & 0x1F) == 0x06 ? OP_READ
                     : (b & 0xBF) == 0x0A ? OP_READ_ID : OP_FORMAT;
        start_op(f, op, FDC_XFER_NS);
        return;
    }
    switch (b) {
    case 0x03:   /* SPECIFY: no result */
        f->srt_hut = f->cmd[1];
        f->hlt_nd = f->cmd[2];
        f->phase = FDC_COMMAND;
        break;
    case 0x04: { /* SENSE DRIVE STATUS -> ST3 */
        uint8_t ds = f->cmd[1] & 3;
        struct fdc_drive *d = drive_of(f, ds);
        uint8_t st3 = (uint8_t)(0x20 | (f->cmd[1] & 7));   /* RDY always on the 82077 */
        if (ds < FDC_DRIVES && f->drive[ds].track == 0)
            st3 |= 0x10;
        if (d && d->media->read_only)
            st3 |= 0x40;
        if (d && d->geo && d->geo->heads == 2)
            st3 |= 0x08;
        enter_result(f, &st3, 1);
        break;
    }
    case 0x07:   /* RECALIBRATE */
        start_seek(f, OP_RECAL, 0);
        break;
    case 0x0F:   /* SEEK */
        start_seek(f, OP_SEEK, f->cmd[2]);
        break;
    case 0x08:
        sense_interrupt(f);
        break;
    case 0x0E: { /* DUMPREG */
        uint8_t res[10] = {
            f->drive[0].track, f->drive[1].track, 0, 0, f->srt_hut, f->hlt_nd, f->last_eot,
            (uint8_t)((f->locked ? 0x80 : 0) | (f->perp & 0x3F)), f->config, f->pretrk
        };
        enter_result(f, res, 10);
        break;
    }
    case 0x10: { /* VERSION: the 82077AA's */
        uint8_t v = 0x90;
        enter_result(f, &v, 1);
        break;
    }
    case 0x12:   /* PERPENDICULAR MODE: OW gates the drive bits */
        f->perp = (uint8_t)((f->cmd[1] & 0x80 ? f->cmd[1] & 0x3C : f->perp & 0x3C) |
                            (f->cmd[1] & 0x03));
        f->phase = FDC_COMMAND;
        break;
    case 0x13:   /* CONFIGURE */
        f->config = f->cmd[2] & 0x7F;
        f->pretrk = f->cmd[3];
        f->phase = FDC_COMMAND;
        break;
    case 0x14: case 0x94: {
        f->locked = b >> 7;
        uint8_t v = (uint8_t)(f->locked << 4);
        enter_result(f, &v, 1);
        break;
    }
    }
}

static void write_fifo(struct fdc *f, uint8_t v)
{
    if (f->phase == FDC_COMMAND) {
        unsigned len = command_length(v);
        if (len == 0) {
            devlog_once(f->log, &f->log_seen, LOG_UNKNOWN_CMD,
                        "fdc: command 0x%02x is not modelled (answered as invalid)", v);
            f->commands++;
            invalid_command(f);
            return;
        }
        f->cmd[0] = v;
        f->cmd_len = (uint8_t)len;
        f->cmd_pos = 1;
        f->phase = FDC_PARAMS;
    } else if (f->phase == FDC_PARAMS) {
        f->cmd[f->cmd_pos++] = v;
    } else {
        return;   /* no byte is wanted: RQM was clear */
    }
    if (f->cmd_pos == f->cmd_len)
        execute_command(f);
}

static uint8_t read_fifo(struct fdc *f)
{
    if (f->phase != FDC_RESULT)
        return 0xFF;
    uint8_t v = f->res[f->res_pos++];
    /* A data command's interrupt ends with its first result byte. */
    if (f->res_pos == 1 && f->res_len == 7 && !f->seek_pending && !f->reset_pending)
        set_int(f, 0);
    if (f->res_pos == f->res_len)
        f->phase = FDC_COMMAND;
    return v;
}

static uint8_t msr(const struct fdc *f)
{
    if (!(f->dor & DOR_NRESET))
        return 0;
    uint8_t busy = f->busy_drives & 0x0F;
    switch (f->phase) {
    case FDC_PARAMS: return MSR_RQM | MSR_CB | busy;
    case FDC_EXECUTION: return MSR_CB | busy;
    case FDC_RESULT: return MSR_RQM | MSR_DIO | MSR_CB | busy;
    default: return (uint8_t)(MSR_RQM | busy);
    }
}

uint32_t fdc_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct fdc *f = opaque;
    uint32_t high = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    switch (port & 7) {
    case 2: return high | f->dor;
    case 3: return high | 0xFC | (f->tdr & 3);
    case 4: return high | msr(f);
    case 5: return high | read_fifo(f);
    case 7: {   /* DIR: bit 7 only (bits 0-6 are the hard disk's, undriven) */
        unsigned sel = f->dor & DOR_DRIVE;
        int chg = sel < FDC_DRIVES && f->drive[sel].media ? f->drive[sel].changed : 0;
        return high | 0x7F | (chg ? 0x80 : 0);
    }
    default:    /* SRA/SRB: PS/2 mode only */
        return iobus_float_value(size);
    }
}

void fdc_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct fdc *f = opaque;
    (void)size;
    uint8_t v = (uint8_t)val;
    switch (port & 7) {
    case 2: {
        uint8_t old = f->dor;
        f->dor = v;
        if (!(v & DOR_NRESET))
            controller_reset(f);
        else if (!(old & DOR_NRESET))
            controller_leave_reset(f);
        update_irq(f);
        break;
    }
    case 3: f->tdr = v & 3; break;
    case 4:     /* DSR */
        f->rate = v & 3;
        if (v & 0x40)
            devlog_once(f->log, &f->log_seen, LOG_POWER_DOWN,
                        "fdc: DSR power down is not modelled");
        if (v & 0x80) {   /* software reset, self-clearing */
            controller_reset(f);
            controller_leave_reset(f);
        }
        break;
    case 5:
        if (f->dor & DOR_NRESET)
            write_fifo(f, v);
        break;
    case 7: f->rate = v & 3; break;   /* CCR */
    default: break;   /* SRA/SRB are read-only */
    }
}

/* ------------------------------------------------------------ wiring */

int fdc_init(struct fdc *f, struct iobus *bus, struct clock *clock, struct irq_line irq,
             struct i8237 *dma, unsigned dma_chan, FILE *log)
{
    memset(f, 0, sizeof *f);
    f->clock = clock;
    f->irq = irq;
    f->dma = dma;
    f->dma_chan = dma_chan;
    f->log = log;
    f->timer = clock_timer_add(clock, "fdc", fdc_timer, f);
    if (f->timer < 0)
        return -1;
    fdc_reset(f);
    if (iobus_register(bus, 0x3F0, 6, fdc_io_read, fdc_io_write, f, "fdc") != 0 ||
        iobus_register(bus, 0x3F7, 1, fdc_io_read, fdc_io_write, f, "fdc-dir") != 0)
        return -1;
    return 0;
}

void fdc_attach(struct fdc *f, unsigned n, struct blockdev *media, const struct fdc_geometry *geo)
{
    if (n >= FDC_DRIVES)
        return;
    f->drive[n].media = media;
    f->drive[n].geo = geo;
    f->drive[n].changed = 1;
}

/* ------------------------------------------------------------ state */

static const struct state_field fdc_fields[] = {
    STATE_EACH(struct fdc, drive, track, 0xFF),
    STATE_EACH(struct fdc, drive, changed, 1),
    STATE_FIELD(struct fdc, dor, 0xFF),
    STATE_FIELD(struct fdc, tdr, 3),
    STATE_FIELD(struct fdc, rate, 3),
    STATE_FIELD(struct fdc, phase, FDC_RESULT),
    STATE_ARRAY(struct fdc, cmd, 0xFF),
    STATE_FIELD(struct fdc, cmd_len, 9),
    STATE_FIELD(struct fdc, cmd_pos, 9),
    STATE_ARRAY(struct fdc, res, 0xFF),
    STATE_FIELD(struct fdc, res_len, 10),
    STATE_FIELD(struct fdc, res_pos, 10),
    STATE_FIELD(struct fdc, busy_drives, 0x0F),
    STATE_FIELD(struct fdc, seek_pending, 0x0F),
    STATE_ARRAY(struct fdc, seek_st0, 0xFF),
    STATE_FIELD(struct fdc, reset_pending, 0x0F),
    STATE_FIELD(struct fdc, int_level, 1),
    STATE_FIELD(struct fdc, srt_hut, 0xFF),
    STATE_FIELD(struct fdc, hlt_nd, 0xFF),
    STATE_FIELD(struct fdc, config, 0x7F),
    STATE_FIELD(struct fdc, pretrk, 0xFF),
    STATE_FIELD(struct fdc, locked, 1),
    STATE_FIELD(struct fdc, perp, 0x3F),
    STATE_FIELD(struct fdc, last_eot, 0xFF),
    STATE_FIELD(struct fdc, op, OP_RECAL),
};
static const struct state_layout fdc_layout = STATE_LAYOUT("FDC ", 1, fdc_fields);

void fdc_save(const struct fdc *f, struct state_writer *w)
{
    state_save_layout(w, &fdc_layout, NULL, f);
}

int fdc_load(struct fdc *f, struct state_reader *r)
{
    if (state_load_layout(r, &fdc_layout, NULL, f) != 0)
        return -1;
    if (f->cmd_pos > f->cmd_len || f->res_pos > f->res_len)
        return -1;
    update_irq(f);
    return 0;
}
