/* ATA commands for hard disks (and the few an ATAPI device also takes):
 * the task file in, status/error and data out. ATA/ATAPI-6 (T13/1410D)
 * section numbers are given at each command. */
#include <string.h>

#include "devices/ide.h"

/* Power-on / reset signature (ATA-6 9.12): a disk shows 01 01 00 00. */
void ata_set_signature(struct ide_drive *d)
{
    d->nsector = 1;
    d->sector = 1;
    d->lcyl = 0;
    d->hcyl = 0;
    d->select = 0xA0 | (d->select & 0x10);
}

void ata_reset_drive(struct ide_drive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->pos = d->len = 0;
    d->error = 0x01;           /* diagnostic code: no error */
    d->cyls = d->def_cyls;
    d->heads = d->def_heads;
    d->spt = d->def_spt;
    d->multiple = 0;
    if (d->is_cdrom) {
        atapi_set_signature(d);
        d->status = 0;         /* ATAPI devices leave DRDY clear after reset */
    } else {
        ata_set_signature(d);
        d->status = ATA_SR_DRDY | ATA_SR_DSC;
    }
}

static void ata_finish(struct ide_channel *ch, struct ide_drive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_raise(ch);
}

static void ata_abort(struct ide_channel *ch, struct ide_drive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->error = ATA_ER_ABRT;
    d->status = ATA_SR_DRDY | ATA_SR_ERR;
    ide_raise(ch);
}

/* A media error at the sector the transfer reached: the task file shows
 * where it stopped (ATA-6 6.2: "the address of the sector in error"). */
static void ata_set_lba(struct ide_drive *d, uint64_t lba, int lba48);

static void ata_media_error(struct ide_channel *ch, struct ide_drive *d, uint8_t err, int lba48)
{
    ata_set_lba(d, d->lba, lba48);
    d->xfer = IDE_XFER_NONE;
    d->error = err;
    d->status = ATA_SR_DRDY | ATA_SR_ERR;
    ide_raise(ch);
}

static int cmd_is_lba48(uint8_t cmd)
{
    switch (cmd) {
    case 0x24: case 0x25: case 0x29: case 0x34: case 0x35: case 0x39: case 0x42: case 0x27:
        return 1;
    default:
        return 0;
    }
}

/* The starting sector of a command: LBA28, LBA48 or CHS (ATA-6 6.2). */
static int ata_get_lba(const struct ide_drive *d, int lba48, uint64_t *lba)
{
    if (lba48) {
        *lba = (uint64_t)d->sector | (uint64_t)d->lcyl << 8 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->sector_hob << 24 | (uint64_t)d->lcyl_hob << 32 |
               (uint64_t)d->hcyl_hob << 40;
        return 0;
    }
    if (d->select & 0x40) {
        *lba = (uint64_t)d->sector | (uint64_t)d->lcyl << 8 | (uint64_t)d->hcyl << 16 |
               (uint64_t)(d->select & 0x0F) << 24;
        return 0;
    }
    unsigned cyl = (unsigned)d->hcyl << 8 | d->lcyl;
    unsigned head = d->select & 0x0F;
    unsigned sect = d->sector;
    if (sect == 0 || sect > d->spt || head >= d->heads || cyl >= 65536u)
        return -1;
    *lba = ((uint64_t)cyl * d->heads + head) * d->spt + (sect - 1);
    return 0;
}

static void ata_set_lba(struct ide_drive *d, uint64_t lba, int lba48)
{
    if (lba48) {
        d->sector = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->sector_hob = (uint8_t)(lba >> 24);
        d->lcyl_hob = (uint8_t)(lba >> 32);
        d->hcyl_hob = (uint8_t)(lba >> 40);
    } else if (d->select & 0x40) {
        d->sector = (uint8_t)lba;
        d->lcyl = (uint8_t)(lba >> 8);
        d->hcyl = (uint8_t)(lba >> 16);
        d->select = (uint8_t)((d->select & 0xF0) | ((lba >> 24) & 0x0F));
    } else if (d->heads && d->spt) {
        uint64_t cyl = lba / ((uint64_t)d->heads * d->spt);
        unsigned rem = (unsigned)(lba % ((uint64_t)d->heads * d->spt));
        d->hcyl = (uint8_t)(cyl >> 8);
        d->lcyl = (uint8_t)cyl;
        d->select = (uint8_t)((d->select & 0xF0) | (rem / d->spt));
        d->sector = (uint8_t)(rem % d->spt + 1);
    }
}

static uint32_t ata_count(const struct ide_drive *d, int lba48)
{
    if (lba48) {
        uint32_t n = (uint32_t)d->nsector_hob << 8 | d->nsector;
        return n ? n : 65536u;
    }
    return d->nsector ? d->nsector : 256u;
}

/* IDENTIFY DEVICE data (ATA-6 8.15, table 27). */
static void ata_identify(struct ide_drive *d)
{
    uint16_t w[256];
    uint64_t total = d->media ? d->media->sectors : 0;
    uint32_t lba28 = total > 0x0FFFFFFFu ? 0x0FFFFFFFu : (uint32_t)total;
    uint32_t chs_cap = (uint32_t)d->cyls * d->heads * d->spt;

    memset(w, 0, sizeof w);
    w[0] = 0x0040;                           /* fixed, not removable */
    w[1] = d->def_cyls;
    w[3] = d->def_heads;
    w[6] = d->def_spt;
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, "1.0");
    ide_put_string(w, 27, 20, d->model);
    w[47] = 0x8000 | IDE_MAX_MULTIPLE;
    w[49] = 0x0300;                          /* LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;                          /* PIO timing mode 2 */
    w[53] = 0x0007;                          /* words 54-58, 64-70, 88 valid */
    w[54] = d->cyls;
    w[55] = d->heads;
    w[56] = d->spt;
    w[57] = (uint16_t)chs_cap;
    w[58] = (uint16_t)(chs_cap >> 16);
    w[59] = d->multiple ? (uint16_t)(0x0100 | d->multiple) : 0;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    /* Multiword DMA 0-2 supported; the selected mode in the high byte. */
    w[63] = 0x0007 | ((d->dma_mode & 0xF8) == 0x20 ? (uint16_t)(0x100 << (d->dma_mode & 7)) : 0);
    w[64] = 0x0003;                          /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007E;                          /* ATA-1..ATA-6 */
    w[82] = 0x4000 | (1u << 5);              /* NOP, write cache */
    w[83] = 0x4000 | (1u << 13) | (1u << 12) | (1u << 10);  /* FLUSH EXT, FLUSH, LBA48 */
    w[84] = 0x4000;
    w[85] = (uint16_t)(0x4000 | (d->write_cache ? 1u << 5 : 0));
    w[86] = (1u << 13) | (1u << 12) | (1u << 10);
    w[87] = 0x4000;
    w[88] = 0x003F | ((d->dma_mode & 0xF8) == 0x40 ? (uint16_t)(0x100 << (d->dma_mode & 7)) : 0);
    w[93] = 0x6001;                          /* hardware reset result, device 0 */
    w[100] = (uint16_t)total;
    w[101] = (uint16_t)(total >> 16);
    w[102] = (uint16_t)(total >> 32);
    w[103] = (uint16_t)(total >> 48);
    for (unsigned i = 0; i < 256; i++) {
        d->buf[2 * i] = (uint8_t)w[i];
        d->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
}

/* Start a PIO data-in block: fill buf from the medium, raise DRQ and the
 * interrupt (ATA-6 9.5, PIO data-in protocol: one interrupt per block). */
static void ata_read_block(struct ide_channel *ch, struct ide_drive *d)
{
    int lba48 = cmd_is_lba48(d->cmd);
    uint32_t n = d->remaining < d->block ? d->remaining : d->block;
    if (blockdev_read(d->media, d->lba, n, d->buf) != 0) {
        ata_media_error(ch, d, d->lba >= d->media->sectors ? ATA_ER_IDNF | ATA_ER_ABRT
                                                           : ATA_ER_UNC, lba48);
        return;
    }
    d->pos = 0;
    d->len = n * IDE_SECTOR;
    d->xfer = IDE_XFER_PIO_READ;
    d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    ide_raise(ch);
}

/* Prepare to receive the next PIO data-out block. */
static void ata_want_block(struct ide_drive *d)
{
    uint32_t n = d->remaining < d->block ? d->remaining : d->block;
    d->pos = 0;
    d->len = n * IDE_SECTOR;
    d->xfer = IDE_XFER_PIO_WRITE;
    d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
}

/* The host has drained (read) or filled (write) the buffer. */
void ata_pio_block_done(struct ide_channel *ch, struct ide_drive *d)
{
    uint32_t n = d->len / IDE_SECTOR;
    int lba48 = cmd_is_lba48(d->cmd);

    if (d->cmd == 0xEC || d->cmd == 0xA1) {   /* IDENTIFY: one block, no sectors */
        d->xfer = IDE_XFER_NONE;
        d->status = ATA_SR_DRDY | ATA_SR_DSC;
        return;
    }
    if (d->xfer == IDE_XFER_PIO_WRITE) {
        if (blockdev_write(d->media, d->lba, n, d->buf) != 0) {
            ata_media_error(ch, d, ATA_ER_UNC, lba48);
            return;
        }
    }
    d->lba += n;
    d->remaining -= n;
    ata_set_lba(d, d->lba - 1, lba48);
    if (d->remaining == 0) {
        if (d->xfer == IDE_XFER_PIO_WRITE) {
            ata_finish(ch, d);     /* the write's completion interrupt */
        } else {
            d->xfer = IDE_XFER_NONE;
            d->status = ATA_SR_DRDY | ATA_SR_DSC;
        }
        return;
    }
    if (d->xfer == IDE_XFER_PIO_READ) {
        ata_read_block(ch, d);
    } else {
        ata_want_block(d);
        ide_raise(ch);             /* PIO data-out: interrupt per block after the first */
    }
}

/* Check and latch a read/write command's range. */
static int ata_start_rw(struct ide_channel *ch, struct ide_drive *d, uint32_t block)
{
    int lba48 = cmd_is_lba48(d->cmd);
    uint64_t lba;
    if (!d->media || ata_get_lba(d, lba48, &lba) != 0) {
        d->error = ATA_ER_IDNF | ATA_ER_ABRT;
        d->status = ATA_SR_DRDY | ATA_SR_ERR;
        ide_raise(ch);
        return -1;
    }
    d->lba = lba;
    d->remaining = ata_count(d, lba48);
    d->block = block;
    if (lba > d->media->sectors || d->remaining > d->media->sectors - lba) {
        d->error = ATA_ER_IDNF;
        d->status = ATA_SR_DRDY | ATA_SR_ERR;
        ide_raise(ch);
        return -1;
    }
    return 0;
}

static void ata_set_features(struct ide_channel *ch, struct ide_drive *d)
{
    switch (d->feature) {
    case 0x02: d->write_cache = 1; break;
    case 0x82: d->write_cache = 0; break;
    case 0x03: {
        /* Transfer mode: PIO (0x08-0x0F, or 0/1 for default), multiword
         * DMA (0x20-0x22), Ultra DMA (0x40-0x45). The mode only changes
         * IDENTIFY words 63/88; transfers take no time either way. */
        uint8_t m = d->nsector;
        if (m <= 0x01 || (m >= 0x08 && m <= 0x0C))
            break;
        if ((m >= 0x20 && m <= 0x22) || (m >= 0x40 && m <= 0x45)) {
            d->dma_mode = m;
            break;
        }
        ata_abort(ch, d);
        return;
    }
    case 0x66: case 0xCC: case 0xAA: case 0x55:   /* defaults, look-ahead: no effect here */
        break;
    default:
        ide_log_once(ch->ide, ch->ide->unknown_cmd_seen, 0xEF,
                     "ide: SET FEATURES subcommand (command 0x%02X) not implemented: aborted");
        ata_abort(ch, d);
        return;
    }
    ata_finish(ch, d);
}

void ata_execute(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
    d->cmd = cmd;
    d->error = 0;
    if (d->is_cdrom) {
        switch (cmd) {
        case 0xA0:                           /* PACKET (ATA-6 8.21) */
            d->dma_requested = d->feature & 1;
            d->byte_limit = (uint32_t)d->hcyl << 8 | d->lcyl;
            d->pos = 0;
            d->len = 12;
            d->xfer = IDE_XFER_PACKET;
            d->nsector = 0x01;               /* CoD=1, I/O=0: send the packet */
            d->status = ATA_SR_DRDY | ATA_SR_DRQ;
            return;                          /* no interrupt for the packet DRQ */
        case 0xA1:                           /* IDENTIFY PACKET DEVICE (8.16) */
            atapi_identify(d);
            d->pos = 0;
            d->len = 512;
            d->xfer = IDE_XFER_PIO_READ;
            d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
            ide_raise(ch);
            return;
        case 0x08:                           /* DEVICE RESET (8.7) */
            ata_reset_drive(d);
            return;
        case 0x90:                           /* EXECUTE DEVICE DIAGNOSTIC */
            ata_reset_drive(d);
            ide_raise(ch);
            return;
        case 0xEF:
            ata_set_features(ch, d);
            return;
        case 0xE0: case 0xE1: case 0xE7: case 0xEA: case 0x00:
            ata_finish(ch, d);
            return;
        default:
            /* Any other command aborts and leaves the ATAPI signature, which
             * is how hosts tell a packet device from a disk (ATA-6 9.12). */
            atapi_set_signature(d);
            ata_abort(ch, d);
            return;
        }
    }

    /* The board never attaches a disk without an image; a drive without
     * one would answer nothing but aborts. */
    if (!d->media) {
        ata_abort(ch, d);
        return;
    }
    switch (cmd) {
    case 0xEC:                               /* IDENTIFY DEVICE (8.15) */
        ata_identify(d);
        d->pos = 0;
        d->len = 512;
        d->xfer = IDE_XFER_PIO_READ;
        d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
        ide_raise(ch);
        return;
    case 0x20: case 0x21: case 0x24:         /* READ SECTORS (EXT) (8.27, 8.28) */
        if (ata_start_rw(ch, d, 1) == 0)
            ata_read_block(ch, d);
        return;
    case 0xC4: case 0x29:                    /* READ MULTIPLE (EXT) (8.25, 8.26) */
        if (!d->multiple) {
            ata_abort(ch, d);
            return;
        }
        if (ata_start_rw(ch, d, d->multiple) == 0)
            ata_read_block(ch, d);
        return;
    case 0x30: case 0x31: case 0x34:         /* WRITE SECTORS (EXT) (8.48, 8.49) */
    case 0xC5: case 0x39:                    /* WRITE MULTIPLE (EXT) (8.46, 8.47) */
        if ((cmd == 0xC5 || cmd == 0x39) && !d->multiple) {
            ata_abort(ch, d);
            return;
        }
        if (ata_start_rw(ch, d, (cmd == 0xC5 || cmd == 0x39) ? d->multiple : 1) == 0)
            ata_want_block(d);               /* first block: DRQ without interrupt */
        return;
    case 0xC8: case 0xC9: case 0x25:         /* READ DMA (EXT) */
    case 0xCA: case 0xCB: case 0x35:         /* WRITE DMA (EXT) */
        if (ata_start_rw(ch, d, 0) == 0) {
            d->xfer = (cmd == 0xCA || cmd == 0xCB || cmd == 0x35) ? IDE_XFER_DMA_WRITE
                                                                  : IDE_XFER_DMA_READ;
            d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
            /* If the bus master was started first, go now. */
            if (ch->bm.cmd & 1)
                ata_dma_run(ch, d);
        }
        return;
    case 0x40: case 0x41: case 0x42:         /* READ VERIFY SECTORS (EXT) */
        if (ata_start_rw(ch, d, 1) == 0) {
            d->lba += d->remaining;
            ata_set_lba(d, d->lba - 1, cmd == 0x42);
            ata_finish(ch, d);
        }
        return;
    case 0xC6:                               /* SET MULTIPLE MODE (8.39) */
        if (d->nsector > IDE_MAX_MULTIPLE || (d->nsector & (d->nsector - 1))) {
            ata_abort(ch, d);
            return;
        }
        d->multiple = d->nsector;
        ata_finish(ch, d);
        return;
    case 0x91:                               /* INITIALIZE DEVICE PARAMETERS */
        if (d->nsector == 0) {
            ata_abort(ch, d);
            return;
        }
        d->spt = d->nsector;
        d->heads = (uint16_t)((d->select & 0x0F) + 1);
        {
            uint64_t c = d->media->sectors / ((uint64_t)d->spt * d->heads);
            d->cyls = (uint16_t)(c > 65535 ? 65535 : c);
        }
        ata_finish(ch, d);
        return;
    case 0xE7: case 0xEA:                    /* FLUSH CACHE (EXT) (8.13, 8.14) */
        if (blockdev_flush(d->media) != 0) {
            ata_abort(ch, d);
            return;
        }
        ata_finish(ch, d);
        return;
    case 0xEF:
        ata_set_features(ch, d);
        return;
    case 0xF8: case 0x27: {                  /* READ NATIVE MAX ADDRESS (EXT) */
        uint64_t max = d->media->sectors - 1;
        if (cmd == 0xF8 && max > 0x0FFFFFFF)
            max = 0x0FFFFFFF;
        if (cmd == 0xF8)
            d->select |= 0x40;
        ata_set_lba(d, max, cmd == 0x27);
        ata_finish(ch, d);
        return;
    }
    case 0x90:                               /* EXECUTE DEVICE DIAGNOSTIC (8.11) */
        ata_reset_drive(d);
        ide_raise(ch);
        return;
    case 0x10: case 0x70:                    /* RECALIBRATE, SEEK: nothing moves */
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: /* standby / idle */
        ata_finish(ch, d);
        return;
    case 0xA0: case 0xA1:
        /* PACKET and IDENTIFY PACKET DEVICE abort on a disk: that is how
         * hosts tell it from an ATAPI device (ATA-6 8.16.3). */
        ata_abort(ch, d);
        return;
    case 0xE5:                               /* CHECK POWER MODE: active */
        d->nsector = 0xFF;
        ata_finish(ch, d);
        return;
    default:
        ide_log_once(ch->ide, ch->ide->unknown_cmd_seen, cmd,
                     "ide: ATA command 0x%02X not implemented: aborted");
        ata_abort(ch, d);
        return;
    }
}
