#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/physmem.h"

int physmem_init(struct physmem *pm, uint32_t ram_size)
{
    memset(pm, 0, sizeof(*pm));
    /* calloc of a large block is lazily backed by the host kernel, so
     * untouched guest RAM costs no resident memory. */
    pm->ram = calloc(1, ram_size ? ram_size : 1);
    if (!pm->ram)
        return -1;
    pm->ram_size = ram_size;
    pm->a20_mask = 0xFFFFFFFFu;
    return 0;
}

void physmem_free(struct physmem *pm)
{
    free(pm->ram);
    free(pm->rom);
    memset(pm, 0, sizeof(*pm));
}

int physmem_set_rom(struct physmem *pm, const uint8_t *image, uint32_t size)
{
    if (size == 0 || (size & 0xFFF) || size > (16u << 20)) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *copy = malloc(size);
    if (!copy)
        return -1;
    memcpy(copy, image, size);
    free(pm->rom);
    pm->rom = copy;
    pm->rom_size = size;
    return 0;
}

void physmem_set_a20(struct physmem *pm, int enabled)
{
    pm->a20_mask = enabled ? 0xFFFFFFFFu : ~(1u << 20);
}

/* Where a byte of ROM lives, or NULL. The high copy ends at 4 GiB; the low
 * alias (images up to 128 KiB) ends at 1 MiB. */
static const uint8_t *rom_byte(const struct physmem *pm, uint32_t addr)
{
    if (!pm->rom)
        return NULL;
    if (addr >= (uint32_t)(0u - pm->rom_size))
        return &pm->rom[addr - (uint32_t)(0u - pm->rom_size)];
    if (pm->rom_size <= (128u << 10) && addr < 0x100000u && addr >= 0x100000u - pm->rom_size)
        return &pm->rom[addr - (0x100000u - pm->rom_size)];
    return NULL;
}

static int in_low_rom_alias(const struct physmem *pm, uint32_t addr, uint32_t len)
{
    if (!pm->rom || pm->rom_size > (128u << 10))
        return 0;
    uint32_t lo = 0x100000u - pm->rom_size;
    return addr < 0x100000u && addr + len > lo;
}

uint8_t *physmem_ram_ptr(struct physmem *pm, uint32_t addr, uint32_t len)
{
    if (len == 0 || addr >= pm->ram_size || len > pm->ram_size - addr)
        return NULL;
    if (in_low_rom_alias(pm, addr, len))
        return NULL;
    return pm->ram + addr;
}

uint8_t physmem_read8(const struct physmem *pm, uint32_t addr)
{
    const uint8_t *r;
    addr &= pm->a20_mask;
    r = rom_byte(pm, addr);
    if (r)
        return *r;
    if (addr < pm->ram_size)
        return pm->ram[addr];
    return 0xFF;
}

void physmem_write8(struct physmem *pm, uint32_t addr, uint8_t val)
{
    addr &= pm->a20_mask;
    if (rom_byte(pm, addr))
        return;  /* ROM ignores writes */
    if (addr < pm->ram_size)
        pm->ram[addr] = val;
}

uint32_t physmem_read(const struct physmem *pm, uint32_t addr, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)physmem_read8(pm, addr + i) << (8 * i);
    return v;
}

void physmem_write(struct physmem *pm, uint32_t addr, unsigned size, uint32_t val)
{
    for (unsigned i = 0; i < size; i++)
        physmem_write8(pm, addr + i, (uint8_t)(val >> (8 * i)));
}

int physmem_load(struct physmem *pm, uint32_t addr, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    if (addr >= pm->ram_size || len > (size_t)(pm->ram_size - addr)) {
        errno = ERANGE;
        return -1;
    }
    memcpy(pm->ram + addr, data, len);
    return 0;
}
