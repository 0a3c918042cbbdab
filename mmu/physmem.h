/* Guest physical memory: RAM, the firmware ROM and the A20 gate.
 *
 * Layout (PC convention):
 * - RAM occupies [0, ram_size).
 * - The ROM image ends at 4 GiB; if it is at most 128 KiB it is also mapped
 *   so that it ends at 1 MiB (the reset vector F000:FFF0 lands in it).
 *   The low alias takes precedence over RAM.
 * - Anything else reads as all ones and ignores writes (open bus).
 *
 * Every access is bounds-checked here, so no guest address, size or
 * alignment can make the host touch memory outside `ram`/`rom`.
 * Multi-byte values are assembled byte by byte in little-endian order:
 * no host-endianness or alignment assumptions.
 */
#ifndef SHADOW86_MMU_PHYSMEM_H
#define SHADOW86_MMU_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

struct physmem {
    uint8_t *ram;
    uint32_t ram_size;
    uint8_t *rom;          /* owned copy of the firmware image, or NULL */
    uint32_t rom_size;
    uint32_t a20_mask;     /* 0xFFFFFFFF when A20 is enabled, else ~(1<<20) */
};

/* Allocate `ram_size` bytes of zeroed RAM. Returns 0, or -1 (errno set). */
int physmem_init(struct physmem *pm, uint32_t ram_size);
void physmem_free(struct physmem *pm);

/* Install a ROM image (copied). Size must be a non-zero multiple of 4 KiB
 * and at most 16 MiB; returns -1 otherwise. */
int physmem_set_rom(struct physmem *pm, const uint8_t *image, uint32_t size);

void physmem_set_a20(struct physmem *pm, int enabled);

/* Host pointer for RAM at `addr` if `len` bytes there are plain RAM (not
 * shadowed by ROM), else NULL. A20 is applied by the caller. */
uint8_t *physmem_ram_ptr(struct physmem *pm, uint32_t addr, uint32_t len);

uint8_t physmem_read8(const struct physmem *pm, uint32_t addr);
void physmem_write8(struct physmem *pm, uint32_t addr, uint8_t val);
/* Little-endian multi-byte access (size 1, 2 or 4), A20 applied per byte. */
uint32_t physmem_read(const struct physmem *pm, uint32_t addr, unsigned size);
void physmem_write(struct physmem *pm, uint32_t addr, unsigned size, uint32_t val);

/* Copy host data into guest physical memory (loaders). Bytes outside RAM
 * are an error: returns -1 without writing anything. */
int physmem_load(struct physmem *pm, uint32_t addr, const void *data, size_t len);

#endif
