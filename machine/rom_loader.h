/* -bios: load a firmware image so it ends at 4 GiB (and its last 128 KiB
 * at 1 MiB too; see mmu/physmem.h), where the reset vector finds it.
 */
#ifndef SHADOW86_MACHINE_ROM_LOADER_H
#define SHADOW86_MACHINE_ROM_LOADER_H

#include <stddef.h>

#include "mmu/physmem.h"

#define ROM_MAX_SIZE (16u << 20)
#define ROM_GRANULE  4096u

/* Returns 0, or -1 with "<path>: <problem>" in err and memory untouched. */
int rom_load_file(struct physmem *pm, const char *path, char *err, size_t errsz);

/* The same checks for an image already in memory (tests, embedders);
 * `name` is used in messages. */
int rom_load_image(struct physmem *pm, const char *name, const uint8_t *image, size_t size,
                   char *err, size_t errsz);

#endif
