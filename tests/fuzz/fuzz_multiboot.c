/* Fuzz target: the multiboot kernel loader (machine/multiboot.c, libelf)
 * on arbitrary bytes, into 8 MiB of guest RAM. The loader must refuse bad
 * images with a one-line message naming the file and leave guest memory
 * untouched; a good one must have put its bytes inside RAM. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "machine/multiboot.h"
#include "mmu/physmem.h"

#define FUZZ_RAM (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct physmem pm;
    struct multiboot_start start;
    char err[512] = "";

    if (physmem_init(&pm, FUZZ_RAM) != 0)
        abort();
    int rc = multiboot_load_image(&pm, "fuzz.elf", data, size, "console=ttyS0 x=y", &start,
                                  err, sizeof err);
    if (rc != 0) {
        /* One line, naming the file, and nothing written. */
        if (strncmp(err, "fuzz.elf: ", 10) != 0 || strchr(err, '\n'))
            fprintf(stderr, "fuzz_multiboot: bad message \"%s\"\n", err), abort();
        if (physmem_pages_allocated(&pm) != 0)
            fprintf(stderr, "fuzz_multiboot: refused image wrote guest RAM\n"), abort();
    } else if (start.load_high > FUZZ_RAM || start.load_low > start.load_high) {
        fprintf(stderr, "fuzz_multiboot: loaded at [%#x, %#x), outside RAM\n", start.load_low,
                start.load_high);
        abort();
    }
    physmem_free(&pm);
    return 0;
}
