/* IDE: two ATA channels (primary 0x1F0-0x1F7/0x3F6, IRQ 14; secondary
 * 0x170-0x177/0x376, IRQ 15), each with a master and a slave drive, and
 * the PIIX bus-master DMA engine that the PCI IDE function exposes.
 *
 * Every command completes at once (the emulated drive has no seek time):
 * a PIO read has its first block ready when the command register write
 * returns, a DMA transfer is done when the bus master is started. The
 * guest still sees the architected protocol -- BSY/DRQ/INTRQ, the status
 * read that acknowledges the interrupt, nIEN, SRST and HOB -- because
 * that protocol is what drivers check.
 *
 * Layout: ata.c (taskfile and ATA commands), atapi.c (PACKET commands for
 * CD-ROMs), ide_dma.c (bus master), ide.c (ports and channel wiring).
 * References: ATA/ATAPI-6 (T13/1410D), SFF-8020i / MMC for ATAPI, and
 * Intel's PIIX3 datasheet (290550) for the bus master registers.
 */
#ifndef SHADOW86_DEVICES_IDE_H
#define SHADOW86_DEVICES_IDE_H

#include <stdint.h>

#include "devices/blockdev.h"
#include "devices/iobus.h"
#include "base/irq.h"
#include <stdio.h>

#define IDE_CHANNELS 2
#define IDE_SECTOR 512u
#define ATAPI_SECTOR 2048u
/* PIO buffer: the largest DRQ block (MULTIPLE with 128 sectors, or an
 * ATAPI transfer capped at 64 KiB) fits. */
#define IDE_BUF_SIZE (128u * IDE_SECTOR)
#define IDE_MAX_MULTIPLE 16u

/* Status register bits (ATA-6 7.15.6). */
#define ATA_SR_ERR 0x01
#define ATA_SR_DRQ 0x08
#define ATA_SR_DSC 0x10
#define ATA_SR_DF 0x20
#define ATA_SR_DRDY 0x40
#define ATA_SR_BSY 0x80
/* Error register bits. */
#define ATA_ER_ABRT 0x04
#define ATA_ER_IDNF 0x10
#define ATA_ER_UNC 0x40
/* Device control register. */
#define ATA_DC_NIEN 0x02
#define ATA_DC_SRST 0x04
#define ATA_DC_HOB 0x80

/* Guest physical memory for bus-master DMA. */
typedef void (*ide_dma_mem_fn)(void *opaque, uint32_t addr, void *buf, uint32_t len);

enum ide_xfer {
    IDE_XFER_NONE,
    IDE_XFER_PIO_READ,      /* device -> host through the data port */
    IDE_XFER_PIO_WRITE,     /* host -> device */
    IDE_XFER_PACKET,        /* receiving an ATAPI command packet */
    IDE_XFER_ATAPI_READ,    /* ATAPI data to the host */
    IDE_XFER_DMA_READ,      /* waiting for the bus master: to memory */
    IDE_XFER_DMA_WRITE,     /* from memory */
    IDE_XFER_ATAPI_DMA,     /* ATAPI data waiting for the bus master */
};

struct ide_drive {
    int present;
    int is_cdrom;
    struct blockdev *media;  /* not owned; NULL: no medium (CD tray empty) */
    char model[41];
    char serial[21];

    /* Task file. The *_hob copies hold the previous write of each
     * register: the high-order bytes of an LBA48 command (ATA-6 6.20). */
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t feature_hob, nsector_hob, sector_hob, lcyl_hob, hcyl_hob;
    uint8_t status, error;

    /* CHS translation in use (INITIALIZE DEVICE PARAMETERS can change
     * heads and sectors per track) and the default one. */
    uint16_t cyls, heads, spt;
    uint16_t def_cyls, def_heads, def_spt;
    uint8_t multiple;        /* sectors per DRQ block of READ/WRITE MULTIPLE; 0: off */
    uint8_t dma_mode;        /* SET FEATURES transfer mode (for IDENTIFY word 63/88) */
    int write_cache;

    /* The transfer in progress. */
    enum ide_xfer xfer;
    uint8_t cmd;             /* command being executed */
    uint64_t lba;            /* next sector */
    uint32_t remaining;      /* sectors (or ATAPI blocks) still to move */
    uint32_t block;          /* sectors per DRQ block */
    uint32_t pos, len;       /* in buf */
    uint8_t buf[IDE_BUF_SIZE];

    /* ATAPI. */
    uint8_t packet[12];
    uint32_t byte_limit;     /* byte count limit from the cylinder registers */
    uint8_t sense_key, asc, ascq;
    int media_changed;       /* report UNIT ATTENTION once */
    int dma_requested;       /* PACKET with the DMA feature bit */
};

struct ide_busmaster {
    uint8_t cmd;             /* bit 0 start, bit 3 direction (1: to memory) */
    uint8_t status;          /* bit 0 active, 1 error, 2 interrupt, 5-6 drive DMA capable */
    uint32_t prd;            /* physical address of the PRD table */
};

struct ide_channel {
    struct ide_drive drive[2];
    uint8_t devctl;
    int cur;                 /* selected drive (DEV bit of the last select write) */
    int intrq;               /* the channel's INTRQ (before nIEN) */
    int irq_level;           /* level last given to the line */
    struct irq_line irq;     /* IRQ 14 / 15 */
    struct ide_busmaster bm;
    uint16_t base, ctl;      /* port bases, for messages */
    struct ide *ide;
};

struct ide {
    struct ide_channel ch[IDE_CHANNELS];
    ide_dma_mem_fn dma_read, dma_write;   /* guest memory -> buf, buf -> memory */
    void *dma_opaque;
    uint16_t bm_base;        /* 0: bus master not mapped */
    /* Commands and packets we do not implement, each logged once. */
    uint8_t unknown_cmd_seen[256 / 8];
    uint8_t unknown_packet_seen[256 / 8];
    FILE *log;               /* one-line notices; NULL: silent */
    uint64_t commands, packets, dma_transfers;
};

/* Set up both channels with no drives. */
void ide_init(struct ide *ide);
/* The board's reset line: drives reset (media kept), channels idle, IRQs low. */
void ide_reset(struct ide *ide);
/* Put the legacy ports of both channels on the bus. */
int ide_register_ports(struct ide *ide, struct iobus *bus);
void ide_set_irq(struct ide *ide, int channel, struct irq_line line);
void ide_set_dma_mem(struct ide *ide, ide_dma_mem_fn read, ide_dma_mem_fn write, void *opaque);

/* Attach a disk (media is a 512-byte-sector blockdev) or a CD-ROM drive
 * (media may be NULL: empty tray). `unit` is 0..3 (hda..hdd). */
void ide_attach_disk(struct ide *ide, int unit, struct blockdev *media);
void ide_attach_cdrom(struct ide *ide, int unit, struct blockdev *media);
/* Insert or eject (media NULL) a CD: the drive reports UNIT ATTENTION. */
void ide_cdrom_change(struct ide *ide, int unit, struct blockdev *media);

/* Port access, also used by tests: offset 0-7 in the command block,
 * and the control block's alternate status / device control. */
uint32_t ide_cmd_read(struct ide_channel *ch, unsigned reg, unsigned size);
void ide_cmd_write(struct ide_channel *ch, unsigned reg, unsigned size, uint32_t val);
uint8_t ide_altstatus_read(struct ide_channel *ch);
void ide_devctl_write(struct ide_channel *ch, uint8_t val);

/* Bus master registers: offset 0-15 from BAR4 (channel = offset / 8). */
uint32_t ide_bm_read(struct ide *ide, unsigned offset, unsigned size);
void ide_bm_write(struct ide *ide, unsigned offset, unsigned size, uint32_t val);

/* Internal to devices/ide*.c, ata.c and atapi.c. */
void ide_update_irq(struct ide_channel *ch);
void ide_raise(struct ide_channel *ch);
void ide_log_once(struct ide *ide, uint8_t *seen, unsigned code, const char *fmt);
void ata_reset_drive(struct ide_drive *d);
void ata_execute(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd);
void ata_pio_block_done(struct ide_channel *ch, struct ide_drive *d);
int ata_dma_run(struct ide_channel *ch, struct ide_drive *d);
void atapi_packet_received(struct ide_channel *ch, struct ide_drive *d);
void atapi_pio_chunk_done(struct ide_channel *ch, struct ide_drive *d);
void atapi_identify(struct ide_drive *d);
void atapi_set_signature(struct ide_drive *d);
int atapi_dma_fill(struct ide_channel *ch, struct ide_drive *d);
void ata_set_signature(struct ide_drive *d);
void ide_put_string(uint16_t *words, unsigned first, unsigned nwords, const char *s);

#endif
