/* ATAPI: SCSI-style command packets for a CD-ROM drive, carried over the
 * ATA PACKET command (ATA-6 8.21, 9.8-9.9) -- SFF-8020i and MMC-3 for the
 * packets themselves. The interrupt reason lives in the sector count
 * register: bit 0 CoD (command/data), bit 1 I/O (to host). */
#include <string.h>

#include "base/endian.h"
#include "devices/ide.h"

#define ATAPI_IR_COD 0x01
#define ATAPI_IR_IO 0x02

/* Sense keys and additional sense codes (SPC-3 4.5.6, MMC-3 annex F). */
#define SENSE_NOT_READY 0x02
#define SENSE_MEDIUM_ERROR 0x03
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION 0x06
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INVALID_FIELD 0x24
#define ASC_INVALID_OPCODE 0x20
#define ASC_MEDIUM_CHANGED 0x28
#define ASC_NO_MEDIUM 0x3A
#define ASC_READ_ERROR 0x11

/* The most blocks one PIO chunk or buffer fill holds. */
#define ATAPI_MAX_CHUNK_BLOCKS (IDE_BUF_SIZE / ATAPI_SECTOR)

void atapi_set_signature(struct ide_drive *d)
{
    d->nsector = 1;
    d->sector = 1;
    d->lcyl = 0x14;
    d->hcyl = 0xEB;
}

/* IDENTIFY PACKET DEVICE (ATA-6 8.16, table 30). */
void atapi_identify(struct ide_drive *d)
{
    uint16_t w[256];
    memset(w, 0, sizeof w);
    /* ATAPI, CD-ROM device type (5), removable, DRQ within 50 us,
     * 12-byte packets. */
    w[0] = (2u << 14) | (5u << 8) | (1u << 7) | (2u << 5);
    ide_put_string(w, 10, 10, d->serial);
    ide_put_string(w, 23, 4, "1.0");
    ide_put_string(w, 27, 20, d->model);
    w[49] = 0x0300;                 /* LBA, DMA */
    w[53] = 0x0007;
    w[63] = 0x0007;
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[71] = 30;
    w[72] = 30;
    w[80] = 0x001E;                 /* ATA/ATAPI-4..6 */
    w[88] = 0x003F;
    for (unsigned i = 0; i < 256; i++) {
        d->buf[2 * i] = (uint8_t)w[i];
        d->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
}


static void atapi_ok(struct ide_channel *ch, struct ide_drive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->remaining = 0;
    d->sense_key = 0;
    d->asc = d->ascq = 0;
    d->nsector = ATAPI_IR_IO | ATAPI_IR_COD;
    d->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_raise(ch);
}

/* CHECK CONDITION: the sense key shows in the error register's high
 * nibble, the details wait for REQUEST SENSE (ATA-6 8.21.5). */
static void atapi_fail(struct ide_channel *ch, struct ide_drive *d, uint8_t key, uint8_t asc)
{
    d->xfer = IDE_XFER_NONE;
    d->remaining = 0;
    d->sense_key = key;
    d->asc = asc;
    d->ascq = 0;
    d->error = (uint8_t)(key << 4 | ATA_ER_ABRT);
    d->nsector = ATAPI_IR_IO | ATAPI_IR_COD;
    d->status = ATA_SR_DRDY | ATA_SR_ERR;
    ide_raise(ch);
}

/* Offer buf[0..len) to the host as one PIO chunk: the byte count goes in
 * the cylinder registers (ATA-6 9.9, PIO data-in for PACKET). */
static void atapi_start_pio_chunk(struct ide_channel *ch, struct ide_drive *d)
{
    d->pos = 0;
    d->xfer = IDE_XFER_ATAPI_READ;
    d->lcyl = (uint8_t)d->len;
    d->hcyl = (uint8_t)(d->len >> 8);
    d->nsector = ATAPI_IR_IO;
    d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    ide_raise(ch);
}

/* Blocks per buffer fill for a READ: in PIO, what the byte count limit
 * allows (at least one block); in DMA, the whole buffer. */
static uint32_t atapi_chunk_blocks(const struct ide_drive *d)
{
    uint32_t n = ATAPI_MAX_CHUNK_BLOCKS;
    if (!d->dma_requested) {
        uint32_t limit = d->byte_limit ? d->byte_limit : 0xFFFE;
        n = limit / ATAPI_SECTOR;
        if (n == 0)
            n = 1;
        if (n > ATAPI_MAX_CHUNK_BLOCKS)
            n = ATAPI_MAX_CHUNK_BLOCKS;
    }
    return n;
}

/* Read the next blocks of a READ(10/12) into buf. */
static int atapi_fill_read(struct ide_channel *ch, struct ide_drive *d)
{
    uint32_t n = atapi_chunk_blocks(d);
    if (n > d->remaining)
        n = d->remaining;
    if (!d->media || blockdev_read(d->media, d->lba, n, d->buf) != 0) {
        atapi_fail(ch, d, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
        return -1;
    }
    d->lba += n;
    d->remaining -= n;
    d->len = n * ATAPI_SECTOR;
    d->block = 0;
    return 0;
}

/* Send a response already in buf[0..len), cut to the allocation length. */
static void atapi_reply(struct ide_channel *ch, struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    if (len > alloc)
        len = alloc;
    if (len == 0) {
        atapi_ok(ch, d);
        return;
    }
    d->remaining = 0;
    d->len = len;
    d->block = 0;
    if (d->dma_requested) {
        d->xfer = IDE_XFER_ATAPI_DMA;
        d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
        if (ch->bm.cmd & 1)
            ata_dma_run(ch, d);
        return;
    }
    /* A response longer than the byte count limit goes in several
     * chunks; d->block holds how many bytes wait behind this one. */
    uint32_t limit = d->byte_limit ? d->byte_limit & ~1u : 0xFFFE;
    if (limit && d->len > limit) {
        d->block = d->len - limit;
        d->len = limit;
    }
    atapi_start_pio_chunk(ch, d);
}

void atapi_pio_chunk_done(struct ide_channel *ch, struct ide_drive *d)
{
    if (d->block) {                      /* rest of a long response */
        uint32_t rest = d->block;
        memmove(d->buf, d->buf + d->len, rest);
        uint32_t limit = d->byte_limit ? d->byte_limit & ~1u : 0xFFFE;
        d->len = rest;
        d->block = 0;
        if (limit && d->len > limit) {
            d->block = d->len - limit;
            d->len = limit;
        }
        atapi_start_pio_chunk(ch, d);
        return;
    }
    if (d->remaining) {
        if (atapi_fill_read(ch, d) == 0)
            atapi_start_pio_chunk(ch, d);
        return;
    }
    atapi_ok(ch, d);
}

/* DMA: the bus master takes buf[0..len) and asks for more here.
 * Returns 1 when more data was put in buf, 0 at the end, -1 on error
 * (the command was failed). */
int atapi_dma_fill(struct ide_channel *ch, struct ide_drive *d)
{
    if (!d->remaining)
        return 0;
    return atapi_fill_read(ch, d) == 0 ? 1 : -1;
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;                          /* the 2-second lead-in (MMC-3 6.1) */
    p[0] = (uint8_t)(lba / (75 * 60));
    p[1] = (uint8_t)(lba / 75 % 60);
    p[2] = (uint8_t)(lba % 75);
}

static void toc_address(uint8_t *p, uint32_t lba, int msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        be32_store(p, lba);
    }
}

/* READ TOC/PMA/ATIP formats 0 (TOC) and 1 (session info) for a
 * one-track data disc (MMC-3 6.26). */
static int atapi_read_toc(struct ide_drive *d, uint32_t *len)
{
    const uint8_t *p = d->packet;
    int msf = (p[1] >> 1) & 1;
    unsigned format = p[2] & 0x0F;
    if (format == 0 && (p[9] >> 6))      /* the old SFF-8020i position */
        format = p[9] >> 6;
    uint8_t *b = d->buf;
    memset(b, 0, 32);
    uint32_t end = (uint32_t)d->media->sectors;
    switch (format) {
    case 0: {
        unsigned start = p[6];
        if (start > 1 && start != 0xAA)
            return -1;
        unsigned n = 4;
        b[2] = 1;
        b[3] = 1;
        if (start <= 1) {
            b[n + 1] = 0x14;             /* ADR 1, data track */
            b[n + 2] = 1;
            toc_address(b + n + 4, 0, msf);
            n += 8;
        }
        b[n + 1] = 0x14;
        b[n + 2] = 0xAA;                 /* lead-out */
        toc_address(b + n + 4, end, msf);
        n += 8;
        be16_store(b, n - 2);
        *len = n;
        return 0;
    }
    case 1:
        be16_store(b, 10);
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        toc_address(b + 8, 0, msf);
        *len = 12;
        return 0;
    default:
        return -1;
    }
}

/* MODE SENSE(10) for the pages hosts ask a CD-ROM for: 0x01 error
 * recovery, 0x2A capabilities (MMC-3 6.3.11). */
static int atapi_mode_sense(struct ide_drive *d, uint32_t *len)
{
    unsigned page = d->packet[2] & 0x3F;
    uint8_t *b = d->buf;
    memset(b, 0, 64);
    unsigned n = 8;
    if (page == 0x01 || page == 0x3F) {
        b[n] = 0x01;
        b[n + 1] = 0x06;
        n += 8;
    }
    if (page == 0x2A || page == 0x3F) {
        b[n] = 0x2A;
        b[n + 1] = 0x12;
        b[n + 2] = 0x00;                 /* reads CD-ROM */
        b[n + 4] = 0x71;                 /* audio play, composite, digital ports, multisession */
        b[n + 5] = 0x00;
        b[n + 6] = 0x2B | (d->media ? 0 : 0);   /* lock, eject, tray loader */
        be16_store(b + n + 8, 706);        /* max speed, kB/s (4x) */
        be16_store(b + n + 10, 2);         /* volume levels */
        be16_store(b + n + 12, 512);       /* buffer, kB */
        be16_store(b + n + 14, 706);
        n += 20;
    }
    if (n == 8)
        return -1;
    be16_store(b, n - 2);
    b[2] = d->media ? 0x01 : 0x70;       /* medium type: 120 mm data / no disc */
    *len = n;
    return 0;
}

/* GET CONFIGURATION (MMC-3 6.6): the feature header with the current
 * profile (CD-ROM, 0008h, or none), then the Profile List feature (0000h)
 * when asked for everything from feature 0. Enough for hosts to learn
 * what kind of disc is in. */
static uint32_t atapi_get_configuration(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    unsigned rt = d->packet[1] & 3;
    unsigned start = be16_load(d->packet + 2);
    memset(b, 0, 20);
    be16_store(b + 6, d->media ? 0x0008 : 0x0000);
    uint32_t n = 8;
    if (start == 0 && rt != 3) {
        be16_store(b + 8, 0x0000);         /* Profile List */
        b[10] = 0x03;                    /* persistent, current */
        b[11] = 4;
        be16_store(b + 12, 0x0008);        /* CD-ROM */
        b[14] = d->media ? 1 : 0;        /* current */
        n = 16;
    }
    be32_store(b, n - 4);
    return n;
}

/* GET EVENT STATUS NOTIFICATION, polled, media class only (MMC-3 6.7):
 * a changed medium shows as "new media" once (the drive's UNIT
 * ATTENTION stays pending for the next command, as SPC says). */
static int atapi_event_status(struct ide_drive *d, uint32_t *len)
{
    uint8_t *b = d->buf;
    if (!(d->packet[1] & 1))
        return -1;                       /* asynchronous mode: not supported */
    memset(b, 0, 8);
    if (!(d->packet[4] & 0x10)) {        /* no media class requested */
        be16_store(b, 2);
        b[2] = 0x80;                     /* NEA: no event available */
        b[3] = 0x10;
        *len = 4;
        return 0;
    }
    be16_store(b, 6);
    b[2] = 0x04;                         /* media class */
    b[3] = 0x10;                         /* supported: media */
    b[4] = d->media_changed ? 0x02 : 0x00;   /* new media / no change */
    b[5] = d->media ? 0x02 : 0x00;       /* media present */
    *len = 8;
    return 0;
}

/* READ DISC INFORMATION (MMC-3 6.22): a finalized single-session disc. */
static uint32_t atapi_disc_info(struct ide_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, 34);
    be16_store(b, 32);
    b[2] = 0x0E;                         /* last session complete, disc finalized */
    b[3] = 1;                            /* first track */
    b[4] = 1;                            /* sessions */
    b[5] = 1;                            /* first track in last session */
    b[6] = 1;                            /* last track in last session */
    b[8] = 0x00;                         /* disc type: CD-DA or CD-ROM */
    return 34;
}

/* Commands that need a disc in the drive. */
static int needs_medium(uint8_t op)
{
    return op == 0x00 || op == 0x25 || op == 0x28 || op == 0xA8 || op == 0x43 || op == 0x2B ||
           op == 0x51;
}

void atapi_packet_received(struct ide_channel *ch, struct ide_drive *d)
{
    memcpy(d->packet, d->buf, 12);
    const uint8_t *p = d->packet;
    uint8_t op = p[0];
    uint32_t len;

    ch->ide->packets++;
    d->xfer = IDE_XFER_NONE;
    d->status = ATA_SR_DRDY | ATA_SR_BSY;

    /* A changed medium is reported once, to the first command that is
     * not INQUIRY, REQUEST SENSE or GET EVENT STATUS NOTIFICATION
     * (SPC-3 5.9.7; MMC-3 6.7 lets that one run with an attention
     * pending). */
    if (d->media_changed && op != 0x12 && op != 0x03 && op != 0x4A) {
        d->media_changed = 0;
        atapi_fail(ch, d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
        return;
    }
    if (needs_medium(op) && !d->media) {
        atapi_fail(ch, d, SENSE_NOT_READY, ASC_NO_MEDIUM);
        return;
    }

    switch (op) {
    case 0x00:                                   /* TEST UNIT READY */
    case 0x1B:                                   /* START STOP UNIT */
    case 0x1E:                                   /* PREVENT ALLOW MEDIUM REMOVAL */
    case 0x2B:                                   /* SEEK(10) */
        atapi_ok(ch, d);
        return;
    case 0x03: {                                 /* REQUEST SENSE (SPC-3 6.27) */
        uint8_t *b = d->buf;
        memset(b, 0, 18);
        b[0] = 0x70;                             /* current error, fixed format */
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        d->sense_key = 0;
        d->asc = d->ascq = 0;
        atapi_reply(ch, d, 18, p[4]);
        return;
    }
    case 0x12: {                                 /* INQUIRY (SPC-3 6.4) */
        uint8_t *b = d->buf;
        memset(b, 0, 36);
        b[0] = 0x05;                             /* CD/DVD device */
        b[1] = 0x80;                             /* removable */
        b[2] = 0x00;
        b[3] = 0x21;                             /* ATAPI version 2, response format 1 */
        b[4] = 31;
        memcpy(b + 8, "SHADOW86", 8);
        memcpy(b + 16, "DVD-ROM         ", 16);
        memcpy(b + 32, "1.0 ", 4);
        atapi_reply(ch, d, 36, be16_load(p + 3) > 255 ? 255 : p[4]);
        return;
    }
    case 0x25: {                                 /* READ CAPACITY (MMC-3 6.23) */
        be32_store(d->buf, (uint32_t)d->media->sectors - 1);
        be32_store(d->buf + 4, ATAPI_SECTOR);
        atapi_reply(ch, d, 8, 8);
        return;
    }
    case 0x28: case 0xA8: {                      /* READ(10), READ(12) (MMC-3 6.15/6.16) */
        uint32_t lba = be32_load(p + 2);
        uint32_t count = op == 0x28 ? be16_load(p + 7) : be32_load(p + 6);
        if ((uint64_t)lba + count > d->media->sectors) {
            atapi_fail(ch, d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
            return;
        }
        if (count == 0) {
            atapi_ok(ch, d);
            return;
        }
        d->lba = lba;
        d->remaining = count;
        if (atapi_fill_read(ch, d) != 0)
            return;
        if (d->dma_requested) {
            d->xfer = IDE_XFER_ATAPI_DMA;
            d->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
            if (ch->bm.cmd & 1)
                ata_dma_run(ch, d);
            return;
        }
        atapi_start_pio_chunk(ch, d);
        return;
    }
    case 0x43:                                   /* READ TOC */
        if (atapi_read_toc(d, &len) != 0) {
            atapi_fail(ch, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        atapi_reply(ch, d, len, be16_load(p + 7));
        return;
    case 0x46:                                   /* GET CONFIGURATION */
        len = atapi_get_configuration(d);
        atapi_reply(ch, d, len, be16_load(p + 7));
        return;
    case 0x4A:                                   /* GET EVENT STATUS NOTIFICATION */
        if (atapi_event_status(d, &len) != 0) {
            atapi_fail(ch, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        atapi_reply(ch, d, len, be16_load(p + 7));
        return;
    case 0x51:                                   /* READ DISC INFORMATION */
        len = atapi_disc_info(d);
        atapi_reply(ch, d, len, be16_load(p + 7));
        return;
    case 0xBD: {                                 /* MECHANISM STATUS (MMC-3 6.11) */
        uint8_t *b = d->buf;
        memset(b, 0, 8);                         /* no changer, tray closed, no slots */
        atapi_reply(ch, d, 8, be16_load(p + 8));
        return;
    }
    case 0x5A:                                   /* MODE SENSE(10) */
        if (atapi_mode_sense(d, &len) != 0) {
            atapi_fail(ch, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        atapi_reply(ch, d, len, be16_load(p + 7));
        return;
    default:
        ide_log_once(ch->ide, ch->ide->unknown_packet_seen, op,
                     "ide: ATAPI packet 0x%02X not implemented: ILLEGAL REQUEST");
        atapi_fail(ch, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
}
