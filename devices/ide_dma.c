/* PIIX bus-master IDE DMA (Intel 290550, 2.7: "Bus Master IDE Registers").
 *
 * Per channel: command (start bit 0, direction bit 3: 1 = write to
 * memory), status (active, error, interrupt, drive 0/1 DMA capable) and
 * the physical address of a table of Physical Region Descriptors: each is
 * {u32 base, u16 byte count (0 = 64 KiB), bit 31 of the second dword =
 * end of table}. The transfer runs when both the drive has a DMA command
 * and the start bit is set, in whichever order they come. */
#include <string.h>

#include "base/endian.h"
#include "devices/ide.h"

#define BM_CMD_START 0x01
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_IRQ 0x04

struct prd_cursor {
    struct ide *ide;
    uint32_t next;      /* address of the next descriptor */
    uint32_t addr;      /* current region */
    uint32_t left;      /* bytes left in it */
    int last;           /* the current region is the table's last */
    unsigned walked;    /* descriptors read, to stop a looping table */
};

/* A table longer than this cannot be meant: the PIIX's own limit is 64 KiB
 * of descriptors (a table may not cross a 64 KiB boundary). */
#define PRD_MAX 8192u

static int prd_load(struct prd_cursor *c)
{
    uint8_t e[8];
    if (c->last || c->walked >= PRD_MAX)
        return -1;
    c->ide->dma_read(c->ide->dma_opaque, c->next, e, 8);
    c->walked++;
    c->next += 8;
    c->addr = le32_load(e);
    c->addr &= ~1u;                      /* bit 0 is reserved: word aligned */
    c->left = le16_load(e + 4);
    c->left &= ~1u;
    if (c->left == 0)
        c->left = 0x10000;
    c->last = (e[7] & 0x80) != 0;
    return 0;
}

/* Move len bytes between buf and the regions. Returns the bytes moved. */
static uint32_t prd_copy(struct prd_cursor *c, uint8_t *buf, uint32_t len, int to_mem)
{
    uint32_t done = 0;
    while (done < len) {
        if (c->left == 0 && prd_load(c) != 0)
            break;
        uint32_t n = len - done < c->left ? len - done : c->left;
        if (to_mem)
            c->ide->dma_write(c->ide->dma_opaque, c->addr, buf + done, n);
        else
            c->ide->dma_read(c->ide->dma_opaque, c->addr, buf + done, n);
        c->addr += n;
        c->left -= n;
        done += n;
    }
    return done;
}

static void dma_end(struct ide_channel *ch, struct ide_drive *d, struct prd_cursor *c, int ok)
{
    /* Active stays set when the table had room for more than the drive
     * moved (290550 table 2.7.2, "interrupt / active" combinations). */
    if (c->left == 0 && c->last)
        ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;
    if (!ok)
        ch->bm.status |= BM_ST_ERROR;
    d->xfer = IDE_XFER_NONE;
    ch->ide->dma_transfers++;
}

/* Run the pending DMA transfer of drive d. Returns 0 when done. */
int ata_dma_run(struct ide_channel *ch, struct ide_drive *d)
{
    struct prd_cursor c;
    memset(&c, 0, sizeof c);
    c.ide = ch->ide;
    c.next = ch->bm.prd;
    if (!ch->ide->dma_read || !ch->ide->dma_write)
        return -1;

    if (d->xfer == IDE_XFER_ATAPI_DMA) {
        for (;;) {
            if (prd_copy(&c, d->buf, d->len, 1) != d->len) {
                dma_end(ch, d, &c, 0);
                d->status = ATA_SR_DRDY | ATA_SR_ERR;
                d->error = ATA_ER_ABRT;
                d->nsector = 3;
                ide_raise(ch);
                return -1;
            }
            int more = atapi_dma_fill(ch, d);
            if (more < 0) {
                dma_end(ch, d, &c, 0);
                return -1;
            }
            if (!more)
                break;
        }
        dma_end(ch, d, &c, 1);
        d->nsector = 3;                  /* I/O and CoD: command complete */
        d->status = ATA_SR_DRDY | ATA_SR_DSC;
        ide_raise(ch);
        return 0;
    }

    int to_mem = d->xfer == IDE_XFER_DMA_READ;
    while (d->remaining) {
        uint32_t n = d->remaining < IDE_BUF_SIZE / IDE_SECTOR ? d->remaining
                                                              : IDE_BUF_SIZE / IDE_SECTOR;
        uint32_t bytes = n * IDE_SECTOR;
        int err = 0;
        if (to_mem) {
            err = blockdev_read(d->media, d->lba, n, d->buf) != 0;
            if (!err && prd_copy(&c, d->buf, bytes, 1) != bytes)
                err = 2;
        } else {
            if (prd_copy(&c, d->buf, bytes, 0) != bytes)
                err = 2;
            else
                err = blockdev_write(d->media, d->lba, n, d->buf) != 0;
        }
        if (err) {
            dma_end(ch, d, &c, 0);
            d->error = err == 2 ? ATA_ER_ABRT : ATA_ER_UNC;
            d->status = ATA_SR_DRDY | ATA_SR_ERR;
            ide_raise(ch);
            return -1;
        }
        d->lba += n;
        d->remaining -= n;
    }
    dma_end(ch, d, &c, 1);
    d->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_raise(ch);
    return 0;
}

uint32_t ide_bm_read(struct ide *ide, unsigned offset, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (offset + i) & 15;
        struct ide_channel *ch = &ide->ch[off >> 3];
        uint8_t b;
        switch (off & 7) {
        case 0: b = ch->bm.cmd; break;
        case 2: b = ch->bm.status; break;
        case 4: case 5: case 6: case 7: b = (uint8_t)(ch->bm.prd >> (8 * ((off & 7) - 4))); break;
        default: b = 0; break;
        }
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

void ide_bm_write(struct ide *ide, unsigned offset, unsigned size, uint32_t val)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (offset + i) & 15;
        struct ide_channel *ch = &ide->ch[off >> 3];
        uint8_t b = (uint8_t)(val >> (8 * i));
        switch (off & 7) {
        case 0: {
            int was = ch->bm.cmd & BM_CMD_START;
            ch->bm.cmd = b & 0x09;
            if (!(b & BM_CMD_START)) {
                ch->bm.status &= (uint8_t)~BM_ST_ACTIVE;   /* stop: abort the transfer */
            } else if (!was) {
                ch->bm.status |= BM_ST_ACTIVE;
                for (int k = 0; k < 2; k++) {
                    struct ide_drive *d = &ch->drive[k];
                    if (d->xfer == IDE_XFER_DMA_READ || d->xfer == IDE_XFER_DMA_WRITE ||
                        d->xfer == IDE_XFER_ATAPI_DMA) {
                        ata_dma_run(ch, d);
                        break;
                    }
                }
            }
            break;
        }
        case 2:
            /* Error and interrupt are write-one-to-clear; the two DMA
             * capable bits are plain storage. */
            ch->bm.status = (uint8_t)((ch->bm.status & ~(b & (BM_ST_ERROR | BM_ST_IRQ)) & 0x07) |
                                      (b & 0x60));
            break;
        case 4: case 5: case 6: case 7: {
            unsigned sh = 8 * ((off & 7) - 4);
            ch->bm.prd = (ch->bm.prd & ~(0xFFu << sh)) | (uint32_t)b << sh;
            ch->bm.prd &= ~3u;           /* dword aligned */
            break;
        }
        default:
            break;
        }
    }
}
