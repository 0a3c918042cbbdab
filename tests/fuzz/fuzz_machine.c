/* Helpers for the machine-level fuzz targets: see fuzz_machine.h. */
#define _GNU_SOURCE
#include "fuzz_machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void fuzz_file_make(struct fuzz_file *f, const char *name, const void *data, size_t len)
{
    const uint8_t *p = data;
    f->fd = memfd_create(name, MFD_CLOEXEC);
    if (f->fd < 0) {
        perror("fuzz: memfd_create");
        abort();
    }
    while (len) {
        ssize_t n = write(f->fd, p, len);
        if (n <= 0) {
            perror("fuzz: write to memfd");
            abort();
        }
        p += n;
        len -= (size_t)n;
    }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

void fuzz_file_close(struct fuzz_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

void fuzz_rom_make(struct fuzz_file *f, const uint8_t *code, size_t len)
{
    /* jmp far F000:0000 at the reset vector (F000:FFF0). */
    static const uint8_t reset[] = { 0xEA, 0x00, 0x00, 0x00, 0xF0 };
    uint8_t *rom = malloc(FUZZ_ROM_SIZE);
    if (!rom)
        abort();
    memset(rom, 0xFF, FUZZ_ROM_SIZE);
    if (len > FUZZ_ROM_CODE_MAX)
        len = FUZZ_ROM_CODE_MAX;
    memcpy(rom, code, len);
    memcpy(rom + 0xFFF0, reset, sizeof reset);
    fuzz_file_make(f, "fuzz.rom", rom, FUZZ_ROM_SIZE);
    free(rom);
}

void fuzz_machine_options(struct machine_options *o, const char *bios_path, uint32_t ram_mib)
{
    memset(o, 0, sizeof *o);
    o->ram_mib = ram_mib;
    o->bios_path = bios_path;
    o->no_reboot = 1;
    o->snapshot = 1;
    o->mmu_mode = MMU_MODE_NESTED;
    o->clock_mode = CLOCK_VIRTUAL;
    o->rtc_base_set = 1;
    o->rtc_base = 1700000000;
}

void fuzz_check_ram_bounds(const struct machine *m, const char *who)
{
    const struct physmem *pm = &m->mem;
    uint64_t pages = 0;
    for (uint32_t t = 0; t < P2M_TOP_ENTRIES; t++) {
        const struct p2m_leaf *leaf = pm->top[t];
        if (!leaf)
            continue;
        for (uint32_t l = 0; l < P2M_LEAF_ENTRIES; l++) {
            uint64_t gpa = ((uint64_t)t << 22) | ((uint64_t)l << 12);
            if (!leaf->e[l].ram)
                continue;
            pages++;
            if (gpa >= pm->ram_size) {
                fprintf(stderr, "%s: a RAM page exists at %#llx, past RAM (%#x bytes)\n", who,
                        (unsigned long long)gpa, pm->ram_size);
                abort();
            }
        }
    }
    if (pages > pm->ram_size / PHYSMEM_PAGE_SIZE || pages != pm->stats.pages_allocated) {
        fprintf(stderr, "%s: %llu RAM pages mapped, %llu allocated, RAM holds %u\n", who,
                (unsigned long long)pages, (unsigned long long)pm->stats.pages_allocated,
                pm->ram_size / PHYSMEM_PAGE_SIZE);
        abort();
    }
}
