/* Fuzz target: disk and CD images through blockdev/ and the IDE geometry.
 *
 * Input: one control byte, then the image. Bit 0 puts the image on -hda,
 * bit 1 on -cdrom (bit 2: -hdb as well); with none set, -hda. Bad images
 * (empty, not a whole number of sectors) must be refused at machine_create
 * with one line naming the file. A good one is then read the way firmware
 * and a driver would: CMOS disk fields, IDENTIFY (DEVICE / PACKET DEVICE),
 * READ SECTORS (LBA and CHS, first, last and past-the-end sectors), and on
 * the CD READ CAPACITY, READ(10) of the volume descriptors and READ TOC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_machine.h"

#define PRI 0x1F0u
#define SEC 0x170u

static void wait_io(struct machine *m, uint16_t base)
{
    /* The model completes commands at once; read status as a driver would. */
    (void)iobus_read(&m->bus, (uint16_t)(base + 7), 1);
}

static void drain(struct machine *m, uint16_t base, unsigned words)
{
    for (unsigned i = 0; i < words; i++) {
        if (!(iobus_read(&m->bus, (uint16_t)(base + 7), 1) & 0x08))
            return;     /* DRQ gone */
        (void)iobus_read(&m->bus, base, 2);
    }
}

static void ata_cmd(struct machine *m, uint16_t base, int slave, uint8_t cmd, uint32_t lba,
                    uint8_t count, int use_lba)
{
    iobus_write(&m->bus, (uint16_t)(base + 6), 1,
                (use_lba ? 0xE0u : 0xA0u) | (slave ? 0x10u : 0) | ((lba >> 24) & 0x0F));
    iobus_write(&m->bus, (uint16_t)(base + 2), 1, count);
    iobus_write(&m->bus, (uint16_t)(base + 3), 1, lba & 0xFF);
    iobus_write(&m->bus, (uint16_t)(base + 4), 1, (lba >> 8) & 0xFF);
    iobus_write(&m->bus, (uint16_t)(base + 5), 1, (lba >> 16) & 0xFF);
    iobus_write(&m->bus, (uint16_t)(base + 7), 1, cmd);
    wait_io(m, base);
    drain(m, base, 256u * (count ? count : 256u));
}

static void atapi_cmd(struct machine *m, const uint8_t pkt[12])
{
    iobus_write(&m->bus, SEC + 6, 1, 0xA0);
    iobus_write(&m->bus, SEC + 1, 1, 0);         /* PIO */
    iobus_write(&m->bus, SEC + 4, 1, 0x00);      /* byte count limit 0x800 */
    iobus_write(&m->bus, SEC + 5, 1, 0x08);
    iobus_write(&m->bus, SEC + 7, 1, 0xA0);      /* PACKET */
    for (unsigned i = 0; i < 12; i += 2)
        iobus_write(&m->bus, SEC, 2, (uint32_t)pkt[i] | ((uint32_t)pkt[i + 1] << 8));
    for (int round = 0; round < 8; round++)
        drain(m, SEC, 1024);
}

static void read_disk(struct machine *m, uint16_t base, int slave, uint64_t sectors)
{
    ata_cmd(m, base, slave, 0xEC, 0, 1, 0);                     /* IDENTIFY DEVICE */
    ata_cmd(m, base, slave, 0x20, 0, 1, 1);                     /* READ SECTORS, LBA 0 */
    ata_cmd(m, base, slave, 0x20, (uint32_t)(sectors - 1), 2, 1);   /* the last, and past it */
    ata_cmd(m, base, slave, 0x20, (uint32_t)sectors, 1, 1);     /* past the end */
    ata_cmd(m, base, slave, 0x20, 0x0001, 1, 0);                /* CHS: C0 H0 S1 */
    ata_cmd(m, base, slave, 0x91, 0, 17, 0);                    /* INITIALIZE PARAMETERS */
    ata_cmd(m, base, slave, 0x20, 0x00FF3F, 1, 0);              /* CHS past the geometry */
    ata_cmd(m, base, slave, 0x30, 0, 1, 1);                     /* WRITE SECTORS (overlay) */
    drain(m, base, 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t code[] = { 0xF4, 0xEB, 0xFD };   /* hlt; jmp $-1 */
    struct fuzz_file rom, img[3];
    struct machine_options o;
    struct machine *m = calloc(1, sizeof *m);
    char err[MACHINE_ERR_MAX] = "";
    unsigned nimg = 0;

    if (size < 1 || !m)
        return free(m), 0;
    uint8_t ctl = data[0];
    data++, size--;
    if (!(ctl & 3))
        ctl |= 1;
    fuzz_rom_make(&rom, code, sizeof code);
    fuzz_machine_options(&o, rom.path, 1);
    o.no_dbt = 1;
    if (ctl & 1) {
        fuzz_file_make(&img[nimg], "fuzz.hda", data, size);
        o.hd_paths[0] = img[nimg++].path;
    }
    if (ctl & 4) {
        fuzz_file_make(&img[nimg], "fuzz.hdb", data, size);
        o.hd_paths[1] = img[nimg++].path;
    }
    if (ctl & 2) {
        fuzz_file_make(&img[nimg], "fuzz.iso", data, size);
        o.cdrom_path = img[nimg++].path;
    }
    if (machine_create(m, &o, err, sizeof err) != 0) {
        /* One line, naming the image. */
        if (!strstr(err, "/proc/self/fd/") || strchr(err, '\n')) {
            fprintf(stderr, "fuzz_disk: bad message \"%s\"\n", err);
            abort();
        }
    } else {
        for (unsigned r = 0x10; r < 0x40; r++) {               /* CMOS disk fields */
            iobus_write(&m->bus, 0x70, 1, r);
            (void)iobus_read(&m->bus, 0x71, 1);
        }
        if (ctl & 1)
            read_disk(m, PRI, 0, m->media[0].sectors);
        if (ctl & 4)
            read_disk(m, PRI, 1, m->media[1].sectors);
        if (ctl & 2) {
            static const uint8_t capacity[12] = { 0x25 };
            static const uint8_t pvd[12] = { 0x28, 0, 0, 0, 0, 16, 0, 0, 2, 0 };
            static const uint8_t past[12] = { 0x28, 0, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0, 1, 0 };
            static const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24, 0 };
            static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18, 0 };
            ata_cmd(m, SEC, 0, 0xA1, 0, 1, 0);                  /* IDENTIFY PACKET DEVICE */
            atapi_cmd(m, capacity);
            atapi_cmd(m, pvd);
            atapi_cmd(m, past);
            atapi_cmd(m, toc);
            atapi_cmd(m, sense);
        }
        fuzz_check_ram_bounds(m, "fuzz_disk");
        machine_destroy(m);
    }
    for (unsigned i = 0; i < nimg; i++)
        fuzz_file_close(&img[i]);
    fuzz_file_close(&rom);
    free(m);
    return 0;
}
