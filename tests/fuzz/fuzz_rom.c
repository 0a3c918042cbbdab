/* Fuzz target: the firmware loader (machine/rom_loader.c) on arbitrary
 * bytes. A refused image gets a one-line message naming it and leaves the
 * map without a ROM; an accepted one must read back at the top of the
 * 4 GiB space, its reset vector included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/rom_loader.h"
#include "mmu/physmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct physmem pm;
    char err[512] = "";

    if (physmem_init(&pm, 1u << 20) != 0)
        abort();
    if (rom_load_image(&pm, "fuzz.rom", data, size, err, sizeof err) != 0) {
        if (strncmp(err, "fuzz.rom: ", 10) != 0 || strchr(err, '\n'))
            fprintf(stderr, "fuzz_rom: bad message \"%s\"\n", err), abort();
        if (pm.rom != NULL)
            fprintf(stderr, "fuzz_rom: refused image was mapped\n"), abort();
    } else {
        /* The image ends at 4 GiB: its last bytes are the reset vector's. */
        for (uint32_t i = 1; i <= 16 && i <= size; i++)
            if (physmem_read8(&pm, (uint32_t)(0x100000000ull - i)) != data[size - i])
                fprintf(stderr, "fuzz_rom: byte %u from the top reads wrong\n", i), abort();
    }
    physmem_free(&pm);
    return 0;
}
