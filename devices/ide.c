/* IDE channels: the command and control blocks as the host sees them.
 * Command semantics live in ata.c and atapi.c, DMA in ide_dma.c. */
#include <stdio.h>
#include <string.h>

#include "devices/ide.h"

static const uint16_t ide_cmd_base[IDE_CHANNELS] = { 0x1F0, 0x170 };
static const uint16_t ide_ctl_port[IDE_CHANNELS] = { 0x3F6, 0x376 };

void ide_init(struct ide *ide)
{
    memset(ide, 0, sizeof *ide);
    for (int c = 0; c < IDE_CHANNELS; c++) {
        ide->ch[c].ide = ide;
        ide->ch[c].base = ide_cmd_base[c];
        ide->ch[c].ctl = ide_ctl_port[c];
    }
}

void ide_reset(struct ide *ide)
{
    for (int c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &ide->ch[c];
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

void ide_log_once(struct ide *ide, uint8_t *seen, unsigned code, const char *fmt)
{
    code &= 0xFF;
    if (seen[code >> 3] & (1u << (code & 7)))
        return;
    seen[code >> 3] |= (uint8_t)(1u << (code & 7));
    if (ide->log) {
        fprintf(ide->log, fmt, code);
        fputc('\n', ide->log);
    }
}

void ide_set_irq(struct ide *ide, int channel, struct irq_line line)
{
    ide->ch[channel].irq = line;
}

void ide_set_dma_mem(struct ide *ide, ide_dma_mem_fn read, ide_dma_mem_fn write, void *opaque)
{
    ide->dma_read = read;
    ide->dma_write = write;
    ide->dma_opaque = opaque;
}

/* INTRQ reaches the PIC unless nIEN masks it (ATA-6 7.9.6). */
void ide_update_irq(struct ide_channel *ch)
{
    int level = ch->intrq && !(ch->devctl & ATA_DC_NIEN);
    if (level != ch->irq_level) {
        ch->irq_level = level;
        irq_set(&ch->irq, level);
    }
}

void ide_raise(struct ide_channel *ch)
{
    ch->intrq = 1;
    ch->bm.status |= 0x04;   /* PIIX: the bus master's interrupt bit follows INTRQ */
    ide_update_irq(ch);
}

static void ide_make_drive(struct ide_drive *d, int cdrom, struct blockdev *media, int unit)
{
    memset(d, 0, sizeof *d);
    d->present = 1;
    d->is_cdrom = cdrom;
    d->media = media;
    snprintf(d->model, sizeof d->model, cdrom ? "SHADOW86 DVD-ROM" : "SHADOW86 HARDDISK");
    snprintf(d->serial, sizeof d->serial, "SH86-%04d", unit + 1);
    if (!cdrom && media) {
        /* The usual translation for big disks: 16 heads, 63 sectors per
         * track, cylinders capped at 16383 (ATA-6 6.2.1). */
        uint64_t total = media->sectors;
        uint64_t cyls = total / (16 * 63);
        d->def_heads = 16;
        d->def_spt = 63;
        d->def_cyls = (uint16_t)(cyls > 16383 ? 16383 : cyls < 1 ? 1 : cyls);
    }
    d->write_cache = 1;
    ata_reset_drive(d);
}

void ide_attach_disk(struct ide *ide, int unit, struct blockdev *media)
{
    ide_make_drive(&ide->ch[unit / 2].drive[unit % 2], 0, media, unit);
}

void ide_attach_cdrom(struct ide *ide, int unit, struct blockdev *media)
{
    ide_make_drive(&ide->ch[unit / 2].drive[unit % 2], 1, media, unit);
}

void ide_cdrom_change(struct ide *ide, int unit, struct blockdev *media)
{
    struct ide_drive *d = &ide->ch[unit / 2].drive[unit % 2];
    d->media = media;
    d->media_changed = 1;
}

static struct ide_drive *cur_drive(struct ide_channel *ch)
{
    return &ch->drive[ch->cur];
}

/* Data port: 16-bit (or 32-bit, as PIIX allows) PIO into or out of buf. */
static uint32_t data_read(struct ide_channel *ch, unsigned size)
{
    struct ide_drive *d = cur_drive(ch);
    if (!(d->status & ATA_SR_DRQ) ||
        (d->xfer != IDE_XFER_PIO_READ && d->xfer != IDE_XFER_ATAPI_READ))
        return 0;   /* nothing to transfer: the bus holds no data */
    uint32_t v = 0;
    for (unsigned i = 0; i < size && d->pos < d->len; i++)
        v |= (uint32_t)d->buf[d->pos++] << (8 * i);
    if (d->pos >= d->len) {
        if (d->xfer == IDE_XFER_PIO_READ)
            ata_pio_block_done(ch, d);
        else
            atapi_pio_chunk_done(ch, d);
    }
    return v;
}

static void data_write(struct ide_channel *ch, unsigned size, uint32_t val)
{
    struct ide_drive *d = cur_drive(ch);
    if (!(d->status & ATA_SR_DRQ) ||
        (d->xfer != IDE_XFER_PIO_WRITE && d->xfer != IDE_XFER_PACKET))
        return;
    for (unsigned i = 0; i < size && d->pos < d->len; i++)
        d->buf[d->pos++] = (uint8_t)(val >> (8 * i));
    if (d->pos >= d->len) {
        if (d->xfer == IDE_XFER_PIO_WRITE)
            ata_pio_block_done(ch, d);
        else
            atapi_packet_received(ch, d);
    }
}

uint32_t ide_cmd_read(struct ide_channel *ch, unsigned reg, unsigned size)
{
    struct ide_drive *d = cur_drive(ch);
    int hob = (ch->devctl & ATA_DC_HOB) != 0;
    if (reg == 0)
        return data_read(ch, size);
    /* No drive at all: the bus floats (pulled-up data lines read 0xFF on
     * most boards; drivers use it to see an empty channel). A missing
     * slave next to a master reads as zeros, as the master answers for
     * it with its registers released (ATA-6 9.16). */
    if (!ch->drive[0].present && !ch->drive[1].present)
        return 0xFF;
    if (!d->present)
        return reg == 6 ? ch->drive[ch->cur].select : 0;
    switch (reg) {
    case 1: return hob ? d->feature_hob : d->error;
    case 2: return hob ? d->nsector_hob : d->nsector;
    case 3: return hob ? d->sector_hob : d->sector;
    case 4: return hob ? d->lcyl_hob : d->lcyl;
    case 5: return hob ? d->hcyl_hob : d->hcyl;
    case 6: return d->select;
    default:
        /* Reading Status acknowledges the interrupt (ATA-6 5.2.13). */
        ch->intrq = 0;
        ide_update_irq(ch);
        return d->status;
    }
}

void ide_cmd_write(struct ide_channel *ch, unsigned reg, unsigned size, uint32_t val)
{
    uint8_t v = (uint8_t)val;
    if (reg == 0) {
        data_write(ch, size, val);
        return;
    }
    /* Writing any task file register clears HOB (ATA-6 7.9.6). */
    ch->devctl &= (uint8_t)~ATA_DC_HOB;
    /* Both drives latch task file writes; only the selected one acts. */
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &ch->drive[i];
        switch (reg) {
        case 1: d->feature_hob = d->feature; d->feature = v; break;
        case 2: d->nsector_hob = d->nsector; d->nsector = v; break;
        case 3: d->sector_hob = d->sector; d->sector = v; break;
        case 4: d->lcyl_hob = d->lcyl; d->lcyl = v; break;
        case 5: d->hcyl_hob = d->hcyl; d->hcyl = v; break;
        case 6: d->select = (uint8_t)(v | 0xA0); break;
        default: break;
        }
    }
    if (reg == 6) {
        ch->cur = (v >> 4) & 1;
        return;
    }
    if (reg == 7) {
        struct ide_drive *d = cur_drive(ch);
        if (!d->present)
            return;
        /* A command written while BSY is set is ignored (ATA-6 7.15);
         * DEVICE RESET is the one that may interrupt an ATAPI command. */
        if ((d->status & ATA_SR_BSY) && !(d->is_cdrom && v == 0x08))
            return;
        ch->intrq = 0;
        ide_update_irq(ch);
        ch->ide->commands++;
        ata_execute(ch, d, v);
    }
}

uint8_t ide_altstatus_read(struct ide_channel *ch)
{
    struct ide_drive *d = cur_drive(ch);
    if (!ch->drive[0].present && !ch->drive[1].present)
        return 0xFF;
    return d->present ? d->status : 0;
}

void ide_devctl_write(struct ide_channel *ch, uint8_t val)
{
    /* SRST going 1 -> 0 ends a software reset: both drives return to
     * their power-on state with their signatures (ATA-6 9.2). */
    if ((ch->devctl & ATA_DC_SRST) && !(val & ATA_DC_SRST)) {
        for (int i = 0; i < 2; i++)
            if (ch->drive[i].present)
                ata_reset_drive(&ch->drive[i]);
        ch->cur = 0;
        ch->intrq = 0;
    } else if (val & ATA_DC_SRST) {
        for (int i = 0; i < 2; i++) {
            ch->drive[i].status = ATA_SR_BSY;
            ch->drive[i].xfer = IDE_XFER_NONE;
        }
    }
    ch->devctl = val;
    ide_update_irq(ch);
}

static uint32_t ide_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct ide *ide = opaque;
    for (int c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &ide->ch[c];
        if (port >= ch->base && port < ch->base + 8)
            return ide_cmd_read(ch, port - ch->base, size);
        if (port == ch->ctl)
            return ide_altstatus_read(ch);
    }
    return iobus_float_value(size);
}

static void ide_port_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct ide *ide = opaque;
    for (int c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &ide->ch[c];
        if (port >= ch->base && port < ch->base + 8) {
            ide_cmd_write(ch, port - ch->base, size, val);
            return;
        }
        if (port == ch->ctl) {
            ide_devctl_write(ch, (uint8_t)val);
            return;
        }
    }
}

int ide_register_ports(struct ide *ide, struct iobus *bus)
{
    for (int c = 0; c < IDE_CHANNELS; c++) {
        if (iobus_register(bus, ide->ch[c].base, 8, ide_port_read, ide_port_write, ide,
                           c ? "ide-secondary" : "ide-primary") != 0 ||
            iobus_register(bus, ide->ch[c].ctl, 1, ide_port_read, ide_port_write, ide,
                           c ? "ide-secondary-ctl" : "ide-primary-ctl") != 0)
            return -1;
    }
    return 0;
}

/* ATA strings are space-padded and byte-swapped within each word
 * (ATA-6 7.16.7.x: "the first character is in bits 15:8"). */
void ide_put_string(uint16_t *words, unsigned first, unsigned nwords, const char *s)
{
    size_t n = strlen(s);
    for (unsigned i = 0; i < nwords; i++) {
        unsigned a = 2 * i, b = 2 * i + 1;
        uint8_t hi = a < n ? (uint8_t)s[a] : ' ';
        uint8_t lo = b < n ? (uint8_t)s[b] : ' ';
        words[first + i] = (uint16_t)(hi << 8 | lo);
    }
}
