/* Disk images (blockdev) and the IDE controller driven register by
 * register, as a driver would: ATA PIO and DMA command sequences, status
 * and interrupt protocol, resets and signatures, ATAPI packets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/ide.h"
#include "devices/ide_state.h"
#include "base/state.h"

#define DISK_SECTORS 20160u   /* 20 cylinders of 16 heads x 63 sectors */

static char disk_path[64], cd_path[64];
static struct ide *ide;
static struct blockdev disk, cd;
static int irq_level[16], irq_rises[16];
static uint8_t *mem;          /* 1 MiB of fake guest memory for DMA */

static void irq_set_cb(void *opaque, int line, int level)
{
    (void)opaque;
    if (level && !irq_level[line])
        irq_rises[line]++;
    irq_level[line] = level;
}

static void mem_read(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    (void)opaque;
    ck_assert_uint_le((uint64_t)addr + len, 1u << 20);
    memcpy(buf, mem + addr, len);
}

static void mem_write(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    (void)opaque;
    ck_assert_uint_le((uint64_t)addr + len, 1u << 20);
    memcpy(mem + addr, buf, len);
}

/* Sector N of the test images: every byte is (N * 3 + i) & 0xFF. */
static uint8_t pattern(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 3 + i);
}

static void make_image(char *path, uint32_t sector_size, uint32_t sectors)
{
    strcpy(path, "/tmp/shadow86-ide-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t *buf = malloc(sector_size);
    for (uint32_t s = 0; s < sectors; s++) {
        for (unsigned i = 0; i < sector_size; i++)
            buf[i] = pattern(s, i);
        ck_assert_int_eq(write(fd, buf, sector_size), (ssize_t)sector_size);
    }
    free(buf);
    close(fd);
}

static void setup(void)
{
    char err[BLOCKDEV_ERR_MAX];
    make_image(disk_path, 512, DISK_SECTORS);
    make_image(cd_path, 2048, 300);
    ck_assert_int_eq(blockdev_open(&disk, "-hda", disk_path, 512, 0, 0, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_open(&cd, "-cdrom", cd_path, 2048, 1, 0, err, sizeof err), 0);
    ide = calloc(1, sizeof *ide);
    mem = calloc(1, 1u << 20);
    ide_init(ide);
    ide_attach_disk(ide, 0, &disk);
    ide_attach_cdrom(ide, 2, &cd);
    ide_set_irq(ide, 0, irq_line_make(irq_set_cb, NULL, 14));
    ide_set_irq(ide, 1, irq_line_make(irq_set_cb, NULL, 15));
    ide_set_dma_mem(ide, mem_read, mem_write, NULL);
    memset(irq_level, 0, sizeof irq_level);
    memset(irq_rises, 0, sizeof irq_rises);
}

static void teardown(void)
{
    blockdev_close(&disk);
    blockdev_close(&cd);
    unlink(disk_path);
    unlink(cd_path);
    free(ide);
    free(mem);
}

static struct ide_channel *pri(void) { return &ide->ch[0]; }
static struct ide_channel *sec(void) { return &ide->ch[1]; }

static uint8_t status(struct ide_channel *ch) { return (uint8_t)ide_cmd_read(ch, 7, 1); }

static void lba28(struct ide_channel *ch, uint32_t lba, uint8_t count)
{
    ide_cmd_write(ch, 6, 1, 0xE0 | ((lba >> 24) & 0x0F));
    ide_cmd_write(ch, 2, 1, count);
    ide_cmd_write(ch, 3, 1, lba & 0xFF);
    ide_cmd_write(ch, 4, 1, (lba >> 8) & 0xFF);
    ide_cmd_write(ch, 5, 1, (lba >> 16) & 0xFF);
}

static void read_words(struct ide_channel *ch, uint8_t *buf, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        uint32_t w = ide_cmd_read(ch, 0, 2);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
}

static void check_sector(const uint8_t *buf, uint64_t sector, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        if (buf[i] != pattern(sector, i))
            ck_abort_msg("sector %llu byte %u: got %02X want %02X", (unsigned long long)sector,
                         i, buf[i], pattern(sector, i));
}

/* ------------------------------------------------------------ images */

START_TEST(blockdev_rejects_bad_images)
{
    char err[BLOCKDEV_ERR_MAX], path[64];
    struct blockdev bd;
    ck_assert_int_eq(blockdev_open(&bd, "-hdb", "/nonexistent/x.img", 512, 0, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "-hdb /nonexistent/x.img"));
    strcpy(path, "/tmp/shadow86-ide-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_eq(blockdev_open(&bd, "-hda", path, 512, 0, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "empty"));
    ck_assert_int_eq(write(fd, "abc", 3), 3);
    ck_assert_int_eq(blockdev_open(&bd, "-hda", path, 512, 0, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a multiple of the 512-byte sector"));
    close(fd);
    unlink(path);
    ck_assert_int_eq(blockdev_open(&bd, "-cdrom", "/tmp", 2048, 1, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "-cdrom /tmp: is a directory"));
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(blockdev_lock_excludes_second_process)
{
    /* fcntl locks are per process: the second opener must be another one. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char err[BLOCKDEV_ERR_MAX];
        struct blockdev bd;
        int rc = blockdev_open(&bd, "-hda", disk_path, 512, 0, 0, err, sizeof err);
        _exit(rc == -1 && strstr(err, "in use") ? 0 : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(blockdev_snapshot_keeps_file)
{
    char err[BLOCKDEV_ERR_MAX];
    struct blockdev snap;
    uint8_t buf[1024], back[1024];
    blockdev_close(&disk);     /* drop the write lock held by the fixture */
    ck_assert_int_eq(blockdev_open(&snap, "-hda", disk_path, 512, 0, 1, err, sizeof err), 0);
    memset(buf, 0x5A, sizeof buf);
    ck_assert_int_eq(blockdev_write(&snap, 200, 2, buf), 0);
    ck_assert_int_eq(blockdev_read(&snap, 199, 2, back), 0);
    check_sector(back, 199, 512);
    ck_assert_int_eq(back[512], 0x5A);
    ck_assert_int_eq(blockdev_write(&snap, DISK_SECTORS - 1, 2, buf), -1);   /* past the end */
    blockdev_close(&snap);
    /* The file is untouched. */
    ck_assert_int_eq(blockdev_open(&snap, "-hda", disk_path, 512, 0, 0, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_read(&snap, 200, 1, back), 0);
    check_sector(back, 200, 512);
    blockdev_close(&snap);
    ck_assert_int_eq(blockdev_open(&disk, "-hda", disk_path, 512, 0, 0, err, sizeof err), 0);
}
END_TEST

/* ------------------------------------------------------------ ATA */

START_TEST(signatures_and_presence)
{
    /* Disk: 01 01 00 00, DRDY. */
    ck_assert_uint_eq(ide_cmd_read(pri(), 2, 1), 1);
    ck_assert_uint_eq(ide_cmd_read(pri(), 4, 1), 0);
    ck_assert_uint_eq(status(pri()) & (ATA_SR_DRDY | ATA_SR_BSY), ATA_SR_DRDY);
    /* No slave on the primary: registers read 0. */
    ide_cmd_write(pri(), 6, 1, 0xB0);
    ck_assert_uint_eq(status(pri()), 0);
    /* ATAPI on the secondary master: 14 EB. */
    ck_assert_uint_eq(ide_cmd_read(sec(), 4, 1), 0x14);
    ck_assert_uint_eq(ide_cmd_read(sec(), 5, 1), 0xEB);
    /* IDENTIFY DEVICE on it aborts and keeps the signature. */
    ide_cmd_write(sec(), 7, 1, 0xEC);
    ck_assert_uint_eq(status(sec()) & ATA_SR_ERR, ATA_SR_ERR);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) & ATA_ER_ABRT, ATA_ER_ABRT);
    ck_assert_uint_eq(ide_cmd_read(sec(), 5, 1), 0xEB);
}
END_TEST

START_TEST(identify_reports_geometry_and_capacity)
{
    uint8_t id[512];
    ide_cmd_write(pri(), 6, 1, 0xA0);
    ide_cmd_write(pri(), 7, 1, 0xEC);
    ck_assert_uint_eq(irq_level[14], 1);
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ);
    ck_assert_uint_eq(irq_level[14], 0);   /* the status read acknowledged it */
    read_words(pri(), id, 512);
    ck_assert_uint_eq(status(pri()) & ATA_SR_DRQ, 0);
#define W(n) ((unsigned)(id[2 * (n)] | id[2 * (n) + 1] << 8))
    ck_assert_uint_eq(W(1), 20);
    ck_assert_uint_eq(W(3), 16);
    ck_assert_uint_eq(W(6), 63);
    ck_assert_uint_eq(W(60) | W(61) << 16, DISK_SECTORS);
    ck_assert_uint_eq(W(100) | W(101) << 16, DISK_SECTORS);
    ck_assert_uint_eq(W(83) & (1u << 10), 1u << 10);   /* LBA48 */
    ck_assert_uint_eq(W(49) & 0x0200, 0x0200);          /* LBA */
    /* Model string, byte-swapped per word: "SHADOW86 HARDDISK". */
    ck_assert_uint_eq(id[54], 'H');
    ck_assert_uint_eq(id[55], 'S');
#undef W
}
END_TEST

START_TEST(read_sectors_lba28_one_irq_per_sector)
{
    uint8_t buf[512];
    lba28(pri(), 1234, 3);
    ide_cmd_write(pri(), 7, 1, 0x20);
    for (unsigned s = 0; s < 3; s++) {
        ck_assert_int_eq(irq_rises[14], (int)s + 1);
        ck_assert_uint_eq(status(pri()) & ATA_SR_DRQ, ATA_SR_DRQ);
        read_words(pri(), buf, 512);
        check_sector(buf, 1234 + s, 512);
    }
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_DSC);
    /* The task file shows the last sector transferred. */
    ck_assert_uint_eq(ide_cmd_read(pri(), 3, 1), (1236 & 0xFF));
    ck_assert_uint_eq(ide_cmd_read(pri(), 4, 1), (1236 >> 8));
}
END_TEST

START_TEST(read_sectors_chs)
{
    uint8_t buf[512];
    /* C 2 H 3 S 4 = (2 * 16 + 3) * 63 + 3 = 2208 */
    ide_cmd_write(pri(), 6, 1, 0xA0 | 3);
    ide_cmd_write(pri(), 2, 1, 1);
    ide_cmd_write(pri(), 3, 1, 4);
    ide_cmd_write(pri(), 4, 1, 2);
    ide_cmd_write(pri(), 5, 1, 0);
    ide_cmd_write(pri(), 7, 1, 0x20);
    read_words(pri(), buf, 512);
    check_sector(buf, 2208, 512);
    /* Sector 0 does not exist in CHS: IDNF. */
    ide_cmd_write(pri(), 3, 1, 0);
    ide_cmd_write(pri(), 7, 1, 0x20);
    ck_assert_uint_eq(status(pri()) & ATA_SR_ERR, ATA_SR_ERR);
    ck_assert_uint_eq(ide_cmd_read(pri(), 1, 1) & ATA_ER_IDNF, ATA_ER_IDNF);
}
END_TEST

START_TEST(read_lba48_and_out_of_range)
{
    uint8_t buf[512];
    /* LBA48: high bytes first, then low (the HOB registers). */
    ide_cmd_write(pri(), 6, 1, 0x40);
    ide_cmd_write(pri(), 2, 1, 0);
    ide_cmd_write(pri(), 3, 1, 0);
    ide_cmd_write(pri(), 4, 1, 0);
    ide_cmd_write(pri(), 5, 1, 0);
    ide_cmd_write(pri(), 2, 1, 1);
    ide_cmd_write(pri(), 3, 1, (20000 & 0xFF));
    ide_cmd_write(pri(), 4, 1, (20000 >> 8));
    ide_cmd_write(pri(), 5, 1, 0);
    ide_cmd_write(pri(), 7, 1, 0x24);
    read_words(pri(), buf, 512);
    check_sector(buf, 20000, 512);
    /* HOB reads back the previous (high-order) writes. */
    ide_devctl_write(pri(), ATA_DC_HOB);
    ck_assert_uint_eq(ide_cmd_read(pri(), 2, 1), 0);
    ide_devctl_write(pri(), 0);
    /* Past the end: IDNF, no data. */
    lba28(pri(), DISK_SECTORS - 1, 2);
    ide_cmd_write(pri(), 7, 1, 0x20);
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_ERR);
    ck_assert_uint_eq(ide_cmd_read(pri(), 1, 1), ATA_ER_IDNF);
}
END_TEST

START_TEST(write_sectors_and_multiple)
{
    uint8_t buf[512];
    lba28(pri(), 500, 2);
    ide_cmd_write(pri(), 7, 1, 0x30);
    /* PIO data-out: the first DRQ comes without an interrupt. */
    ck_assert_int_eq(irq_rises[14], 0);
    for (unsigned s = 0; s < 2; s++) {
        ck_assert_uint_eq(ide_altstatus_read(pri()) & ATA_SR_DRQ, ATA_SR_DRQ);
        for (unsigned i = 0; i < 256; i++)
            ide_cmd_write(pri(), 0, 2, 0xA5A5u + s);
        /* One interrupt per block, acknowledged by reading Status. */
        ck_assert_int_eq(irq_rises[14], (int)s + 1);
        ck_assert_uint_eq(status(pri()), s ? ATA_SR_DRDY | ATA_SR_DSC
                                           : ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ);
    }
    ide_cmd_write(pri(), 7, 1, 0xE7);                 /* FLUSH CACHE */
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_DSC);
    ck_assert_int_eq(blockdev_read(&disk, 501, 1, buf), 0);
    ck_assert_uint_eq(buf[0], 0xA6);
    ck_assert_uint_eq(buf[511], 0xA5);

    /* READ MULTIPLE without SET MULTIPLE aborts; with 4, one IRQ per 4. */
    lba28(pri(), 600, 8);
    ide_cmd_write(pri(), 7, 1, 0xC4);
    ck_assert_uint_eq(status(pri()) & ATA_SR_ERR, ATA_SR_ERR);
    ide_cmd_write(pri(), 2, 1, 4);
    ide_cmd_write(pri(), 7, 1, 0xC6);
    ck_assert_uint_eq(status(pri()) & ATA_SR_ERR, 0);
    irq_rises[14] = 0;
    lba28(pri(), 600, 8);
    ide_cmd_write(pri(), 7, 1, 0xC4);
    uint8_t big[4 * 512];
    ck_assert_int_eq(irq_rises[14], 1);
    (void)status(pri());                              /* acknowledge, then read the block */
    read_words(pri(), big, sizeof big);
    check_sector(big + 3 * 512, 603, 512);
    (void)status(pri());
    read_words(pri(), big, sizeof big);
    ck_assert_int_eq(irq_rises[14], 2);
    check_sector(big + 3 * 512, 607, 512);
}
END_TEST

START_TEST(nien_masks_and_srst_resets)
{
    ide_devctl_write(pri(), ATA_DC_NIEN);
    lba28(pri(), 0, 1);
    ide_cmd_write(pri(), 7, 1, 0x20);
    ck_assert_int_eq(irq_level[14], 0);
    ide_devctl_write(pri(), 0);      /* INTRQ still pending: now visible */
    ck_assert_int_eq(irq_level[14], 1);
    ck_assert_uint_eq(ide_altstatus_read(pri()) & ATA_SR_DRQ, ATA_SR_DRQ);
    ck_assert_int_eq(irq_level[14], 1);   /* alternate status does not acknowledge */
    ide_devctl_write(pri(), ATA_DC_SRST);
    ck_assert_uint_eq(ide_altstatus_read(pri()) & ATA_SR_BSY, ATA_SR_BSY);
    ide_devctl_write(pri(), 0);
    ck_assert_uint_eq(ide_altstatus_read(pri()), ATA_SR_DRDY | ATA_SR_DSC);
    ck_assert_uint_eq(ide_cmd_read(pri(), 2, 1), 1);
    ck_assert_int_eq(irq_level[14], 0);
    /* Unknown command: aborted. */
    ide_cmd_write(pri(), 7, 1, 0xFF);
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_ERR);
}
END_TEST

START_TEST(bus_master_dma_read_and_write)
{
    /* PRD table at 0x1000: 1 KiB at 0x20000, then 1 KiB at 0x30000 (EOT). */
    uint8_t prd[16] = { 0x00, 0x00, 0x02, 0x00, 0x00, 0x04, 0x00, 0x00,
                        0x00, 0x00, 0x03, 0x00, 0x00, 0x04, 0x00, 0x80 };
    memcpy(mem + 0x1000, prd, sizeof prd);
    ide_bm_write(ide, 4, 4, 0x1000);
    lba28(pri(), 3000, 4);
    ide_cmd_write(pri(), 7, 1, 0xC8);                     /* READ DMA */
    ck_assert_int_eq(irq_rises[14], 0);
    ide_bm_write(ide, 0, 1, 0x09);                        /* start, to memory */
    ck_assert_int_eq(irq_rises[14], 1);
    ck_assert_uint_eq(ide_bm_read(ide, 2, 1) & 0x07, 0x04);   /* irq, not active */
    check_sector(mem + 0x20000, 3000, 512);
    check_sector(mem + 0x20200, 3001, 512);
    check_sector(mem + 0x30000, 3002, 512);
    check_sector(mem + 0x30200, 3003, 512);
    ck_assert_uint_eq(status(pri()), ATA_SR_DRDY | ATA_SR_DSC);
    ide_bm_write(ide, 2, 1, 0x04);                        /* clear the interrupt bit */
    ck_assert_uint_eq(ide_bm_read(ide, 2, 1) & 0x04, 0);
    ide_bm_write(ide, 0, 1, 0x00);

    /* WRITE DMA of two sectors from 0x20000 to LBA 10. */
    prd[5] = 0x04;
    prd[7] = 0x80;
    memcpy(mem + 0x1000, prd, 8);
    memset(mem + 0x20000, 0x3C, 1024);
    lba28(pri(), 10, 2);
    ide_cmd_write(pri(), 7, 1, 0xCA);
    ide_bm_write(ide, 0, 1, 0x01);
    uint8_t buf[512];
    ck_assert_int_eq(blockdev_read(&disk, 11, 1, buf), 0);
    ck_assert_uint_eq(buf[100], 0x3C);
    ck_assert_int_eq(blockdev_read(&disk, 12, 1, buf), 0);
    check_sector(buf, 12, 512);
}
END_TEST

/* ------------------------------------------------------------ ATAPI */

static void send_packet(struct ide_channel *ch, const uint8_t pkt[12], uint16_t limit)
{
    ide_cmd_write(ch, 6, 1, 0xA0);
    ide_cmd_write(ch, 1, 1, 0);
    ide_cmd_write(ch, 4, 1, limit & 0xFF);
    ide_cmd_write(ch, 5, 1, limit >> 8);
    ide_cmd_write(ch, 7, 1, 0xA0);
    ck_assert_uint_eq(ide_altstatus_read(ch) & ATA_SR_DRQ, ATA_SR_DRQ);
    ck_assert_uint_eq(ide_cmd_read(ch, 2, 1) & 3, 1);     /* CoD: wants the packet */
    for (unsigned i = 0; i < 12; i += 2)
        ide_cmd_write(ch, 0, 2, (uint32_t)(pkt[i] | pkt[i + 1] << 8));
}

static unsigned data_bytes(struct ide_channel *ch)
{
    return ide_cmd_read(ch, 4, 1) | ide_cmd_read(ch, 5, 1) << 8;
}

START_TEST(atapi_inquiry_capacity_read)
{
    uint8_t buf[4096];
    uint8_t inq[12] = { 0x12, 0, 0, 0, 36, 0 };
    send_packet(sec(), inq, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 2, 1) & 3, 2);  /* I/O: data to host */
    ck_assert_uint_eq(data_bytes(sec()), 36);
    read_words(sec(), buf, 36);
    ck_assert_uint_eq(buf[0], 0x05);
    ck_assert_int_eq(memcmp(buf + 8, "SHADOW86", 8), 0);
    ck_assert_uint_eq(status(sec()), ATA_SR_DRDY | ATA_SR_DSC);
    ck_assert_uint_eq(ide_cmd_read(sec(), 2, 1) & 3, 3);  /* complete */

    uint8_t cap[12] = { 0x25 };
    send_packet(sec(), cap, 0xFFFE);
    read_words(sec(), buf, 8);
    ck_assert_uint_eq(buf[2] << 8 | buf[3], 299);
    ck_assert_uint_eq(buf[6] << 8 | buf[7], 2048);

    /* READ(10) of 2 blocks with a byte limit of 2048: two DRQ chunks. */
    uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 100, 0, 0, 2 };
    irq_rises[15] = 0;
    send_packet(sec(), rd, 2048);
    for (unsigned b = 0; b < 2; b++) {
        ck_assert_uint_eq(data_bytes(sec()), 2048);
        (void)status(sec());
        read_words(sec(), buf, 2048);
        check_sector(buf, 100 + b, 2048);
    }
    ck_assert_int_eq(irq_rises[15], 3);                     /* two chunks + completion */
    ck_assert_uint_eq(status(sec()), ATA_SR_DRDY | ATA_SR_DSC);
}
END_TEST

START_TEST(atapi_errors_and_media_change)
{
    uint8_t buf[64];
    uint8_t rd[12] = { 0x28, 0, 0, 0, 1, 0, 0, 0, 1 };    /* LBA 256 + ... fine */
    rd[5] = 0x40;                                          /* LBA 0x140 = 320 > 299 */
    send_packet(sec(), rd, 0xFFFE);
    ck_assert_uint_eq(status(sec()), ATA_SR_DRDY | ATA_SR_ERR);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x05);   /* ILLEGAL REQUEST */
    uint8_t rs[12] = { 0x03, 0, 0, 0, 18 };
    send_packet(sec(), rs, 0xFFFE);
    read_words(sec(), buf, 18);
    ck_assert_uint_eq(buf[2], 0x05);
    ck_assert_uint_eq(buf[12], 0x21);
    /* Eject: NOT READY / no medium; insert: UNIT ATTENTION once. */
    ide_cdrom_change(ide, 2, NULL);
    uint8_t tur[12] = { 0x00 };
    send_packet(sec(), tur, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x06);
    send_packet(sec(), tur, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x02);
    send_packet(sec(), rs, 0xFFFE);
    read_words(sec(), buf, 18);
    ck_assert_uint_eq(buf[12], 0x3A);
    ide_cdrom_change(ide, 2, &cd);
    send_packet(sec(), tur, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x06);
    send_packet(sec(), tur, 0xFFFE);
    ck_assert_uint_eq(status(sec()), ATA_SR_DRDY | ATA_SR_DSC);
    /* READ TOC: one track and the lead-out at 300. */
    uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 32 };
    send_packet(sec(), toc, 0xFFFE);
    ck_assert_uint_eq(data_bytes(sec()), 20);
    read_words(sec(), buf, 20);
    ck_assert_uint_eq(buf[1], 18);
    ck_assert_uint_eq(buf[14], 0xAA);
    ck_assert_uint_eq(buf[18] << 8 | buf[19], 300);
}
END_TEST

START_TEST(atapi_configuration_and_events)
{
    uint8_t buf[64];
    uint8_t conf[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 32 };
    send_packet(sec(), conf, 0xFFFE);
    ck_assert_uint_eq(data_bytes(sec()), 16);
    read_words(sec(), buf, 16);
    ck_assert_uint_eq(buf[6] << 8 | buf[7], 0x0008);      /* current profile CD-ROM */
    ck_assert_uint_eq(buf[12] << 8 | buf[13], 0x0008);
    ck_assert_uint_eq(buf[14], 1);
    /* Polled media events: none, then "new media" after a change. */
    uint8_t ev[12] = { 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    send_packet(sec(), ev, 0xFFFE);
    read_words(sec(), buf, 8);
    ck_assert_uint_eq(buf[2], 0x04);
    ck_assert_uint_eq(buf[4], 0x00);
    ck_assert_uint_eq(buf[5], 0x02);
    ide_cdrom_change(ide, 2, &cd);
    send_packet(sec(), ev, 0xFFFE);                     /* runs despite the attention */
    read_words(sec(), buf, 8);
    ck_assert_uint_eq(buf[4], 0x02);
    uint8_t tur[12] = { 0x00 };
    send_packet(sec(), tur, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x06);
    send_packet(sec(), ev, 0xFFFE);
    read_words(sec(), buf, 8);
    ck_assert_uint_eq(buf[4], 0x00);
    /* Asynchronous event reporting is not offered. */
    ev[1] = 0;
    send_packet(sec(), ev, 0xFFFE);
    ck_assert_uint_eq(ide_cmd_read(sec(), 1, 1) >> 4, 0x05);
    uint8_t di[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };
    send_packet(sec(), di, 0xFFFE);
    ck_assert_uint_eq(data_bytes(sec()), 34);
    read_words(sec(), buf, 34);
    ck_assert_uint_eq(buf[2], 0x0E);
    ck_assert_uint_eq(buf[6], 1);
}
END_TEST

START_TEST(atapi_dma_read)
{
    uint8_t prd[8] = { 0x00, 0x00, 0x04, 0x00, 0x00, 0x10, 0x00, 0x80 };   /* 4 KiB at 0x40000 */
    memcpy(mem + 0x2000, prd, 8);
    ide_bm_write(ide, 8 + 4, 4, 0x2000);
    uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 7, 0, 0, 2 };
    ide_cmd_write(sec(), 6, 1, 0xA0);
    ide_cmd_write(sec(), 1, 1, 1);                         /* DMA */
    ide_cmd_write(sec(), 7, 1, 0xA0);
    for (unsigned i = 0; i < 12; i += 2)
        ide_cmd_write(sec(), 0, 2, (uint32_t)(rd[i] | rd[i + 1] << 8));
    ide_bm_write(ide, 8, 1, 0x09);
    check_sector(mem + 0x40000, 7, 2048);
    check_sector(mem + 0x40800, 8, 2048);
    ck_assert_uint_eq(status(sec()), ATA_SR_DRDY | ATA_SR_DSC);
    ck_assert_uint_eq(ide_bm_read(ide, 8 + 2, 1) & 0x05, 0x04);
}
END_TEST

START_TEST(state_round_trip_mid_transfer)
{
    uint8_t a[512], b[512];
    lba28(pri(), 4321, 2);
    ide_cmd_write(pri(), 7, 1, 0x20);
    (void)status(pri());
    read_words(pri(), a, 200);                       /* part of the first sector */
    struct state_writer w;
    state_writer_init(&w);
    ide_save(ide, &w);
    ck_assert(!state_writer_failed(&w));

    struct ide *copy = calloc(1, sizeof *copy);
    ide_init(copy);
    ide_attach_disk(copy, 0, &disk);
    ide_attach_cdrom(copy, 2, &cd);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(ide_load(copy, &r), 0);
    /* Both continue identically: the rest of sector 4321, then 4322. */
    read_words(pri(), a + 200, 312);
    read_words(&copy->ch[0], b + 200, 312);
    ck_assert_int_eq(memcmp(a + 200, b + 200, 312), 0);
    check_sector(a, 4321, 512);
    (void)ide_cmd_read(&copy->ch[0], 7, 1);
    read_words(&copy->ch[0], b, 512);
    check_sector(b, 4322, 512);
    ck_assert_uint_eq(ide_cmd_read(&copy->ch[0], 7, 1), ATA_SR_DRDY | ATA_SR_DSC);

    /* A machine with other drives refuses the state; so does a corrupt one. */
    struct ide *other = calloc(1, sizeof *other);
    ide_init(other);
    ide_attach_disk(other, 0, &disk);
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(ide_load(other, &r), -1);
    ide_attach_cdrom(other, 2, &cd);
    state_reader_init(&r, w.buf, w.len - 1);
    ck_assert_int_eq(ide_load(other, &r), -1);
    free(other);
    free(copy);
    state_writer_free(&w);
}
END_TEST

START_TEST(blockdev_overlay_in_state)
{
    char err[BLOCKDEV_ERR_MAX];
    struct blockdev s1, s2;
    uint8_t buf[512];
    blockdev_close(&disk);
    ck_assert_int_eq(blockdev_open(&s1, "-hda", disk_path, 512, 0, 1, err, sizeof err), 0);
    memset(buf, 0x77, sizeof buf);
    ck_assert_int_eq(blockdev_write(&s1, 300, 1, buf), 0);
    struct state_writer w;
    state_writer_init(&w);
    blockdev_save(&s1, "DSK0", &w);
    blockdev_close(&s1);
    ck_assert_int_eq(blockdev_open(&s2, "-hda", disk_path, 512, 0, 1, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_read(&s2, 300, 1, buf), 0);
    check_sector(buf, 300, 512);                         /* fresh: the file's data */
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(blockdev_load(&s2, "DSK0", &r), 0);
    ck_assert_int_eq(blockdev_read(&s2, 300, 1, buf), 0);
    ck_assert_uint_eq(buf[0], 0x77);
    ck_assert_int_eq(blockdev_read(&s2, 301, 1, buf), 0);
    check_sector(buf, 301, 512);
    blockdev_close(&s2);
    state_writer_free(&w);
    ck_assert_int_eq(blockdev_open(&disk, "-hda", disk_path, 512, 0, 0, err, sizeof err), 0);
}
END_TEST

/* A -snapshot overlay past its RAM limit goes on in an unlinked file in
 * the given directory: a guest writing its whole disk cannot grow host
 * memory without bound. Here a 1 MiB limit and ~10 MiB written. */
static void fill_sector(uint8_t *b, uint64_t lba)
{
    memset(b, (int)(lba * 7 + 3) & 0xFF, 512);
    memcpy(b, &lba, sizeof lba);
}

START_TEST(blockdev_overlay_spills_to_file)
{
    char err[BLOCKDEV_ERR_MAX], dir[64];
    struct blockdev s1, s2;
    uint8_t buf[512], want[512];
    blockdev_close(&disk);
    strcpy(dir, "/tmp/shadow86-spill-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(blockdev_open(&s1, "-hda", disk_path, 512, 0, 1, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_set_overlay_limit(&s1, 1u << 20, dir), 0);
    for (uint64_t lba = 0; lba < DISK_SECTORS; lba++) {
        fill_sector(buf, lba);
        ck_assert_int_eq(blockdev_write(&s1, lba, 1, buf), 0);
    }
    ck_assert_uint_le(s1.overlay_ram, 1u << 20);
    ck_assert_int_ge(s1.spill_fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(s1.spill_fd, &st), 0);
    ck_assert_uint_ge((uint64_t)st.st_size, (uint64_t)DISK_SECTORS * 512 - (1u << 20));
    ck_assert_uint_eq((uint64_t)st.st_nlink, 0);        /* unlinked: nothing left behind */
    for (uint64_t lba = 0; lba < DISK_SECTORS; lba += 97) {
        fill_sector(want, lba);
        ck_assert_int_eq(blockdev_read(&s1, lba, 1, buf), 0);
        ck_assert_mem_eq(buf, want, 512);
    }
    /* The state record carries spilled sectors too. */
    struct state_writer w;
    state_writer_init(&w);
    blockdev_save(&s1, "DSK0", &w);
    blockdev_close(&s1);
    ck_assert_int_eq(blockdev_open(&s2, "-hda", disk_path, 512, 0, 1, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_set_overlay_limit(&s2, 1u << 20, dir), 0);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(blockdev_load(&s2, "DSK0", &r), 0);
    ck_assert_uint_le(s2.overlay_ram, 1u << 20);
    for (uint64_t lba = 5; lba < DISK_SECTORS; lba += 101) {
        fill_sector(want, lba);
        ck_assert_int_eq(blockdev_read(&s2, lba, 1, buf), 0);
        ck_assert_mem_eq(buf, want, 512);
    }
    blockdev_close(&s2);
    state_writer_free(&w);
    ck_assert_int_eq(rmdir(dir), 0);                     /* empty */
    /* The image itself is untouched. */
    ck_assert_int_eq(blockdev_open(&disk, "-hda", disk_path, 512, 0, 0, err, sizeof err), 0);
    ck_assert_int_eq(blockdev_read(&disk, 1234, 1, buf), 0);
    check_sector(buf, 1234, 512);
}
END_TEST

static Suite *ide_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("ide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, blockdev_rejects_bad_images);
    tcase_add_test(tc, blockdev_lock_excludes_second_process);
    tcase_add_test(tc, blockdev_snapshot_keeps_file);
    tcase_add_test(tc, signatures_and_presence);
    tcase_add_test(tc, identify_reports_geometry_and_capacity);
    tcase_add_test(tc, read_sectors_lba28_one_irq_per_sector);
    tcase_add_test(tc, read_sectors_chs);
    tcase_add_test(tc, read_lba48_and_out_of_range);
    tcase_add_test(tc, write_sectors_and_multiple);
    tcase_add_test(tc, nien_masks_and_srst_resets);
    tcase_add_test(tc, bus_master_dma_read_and_write);
    tcase_add_test(tc, atapi_inquiry_capacity_read);
    tcase_add_test(tc, atapi_errors_and_media_change);
    tcase_add_test(tc, atapi_dma_read);
    tcase_add_test(tc, atapi_configuration_and_events);
    tcase_add_test(tc, state_round_trip_mid_transfer);
    tcase_add_test(tc, blockdev_overlay_in_state);
    tcase_add_test(tc, blockdev_overlay_spills_to_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ide_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
