/* Fuzz target: the Linux boot protocol loader (machine/linux_boot.c) on
 * arbitrary bytes, into 16 MiB of guest RAM. Input: one control byte
 * (bit 0: give an initrd, bits 1-2: the command line's length class),
 * then the image. A refused image gets a one-line message naming the
 * file and leaves guest memory untouched; an accepted one must have put
 * the zero page, command line and initrd inside RAM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/linux_boot.h"
#include "mmu/physmem.h"

#define FUZZ_RAM (16u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t initrd[64] = { 0x07, 0x07, 0x01 };   /* a cpio magic's start */
    struct physmem pm;
    struct linux_boot_start start;
    char err[512] = "", cmdline[4096];
    static const size_t cmd_len[4] = { 0, 12, 300, sizeof cmdline - 1 };

    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    data++, size--;
    memset(cmdline, 'a', sizeof cmdline);
    cmdline[cmd_len[(ctl >> 1) & 3]] = 0;
    if (physmem_init(&pm, FUZZ_RAM) != 0)
        abort();
    (void)linux_boot_is_bzimage(data, size);
    int rc = linux_boot_load(&pm, "fuzz.bzImage", data, size, "fuzz.initrd",
                             (ctl & 1) ? initrd : NULL, (ctl & 1) ? sizeof initrd : 0,
                             (ctl >> 1) & 3 ? cmdline : NULL, &start, err, sizeof err);
    if (rc != 0) {
        if ((strncmp(err, "fuzz.bzImage: ", 14) != 0 && strncmp(err, "fuzz.initrd: ", 13) != 0) ||
            strchr(err, '\n'))
            fprintf(stderr, "fuzz_bzimage: bad message \"%s\"\n", err), abort();
        if (physmem_pages_allocated(&pm) != 0)
            fprintf(stderr, "fuzz_bzimage: refused image wrote guest RAM\n"), abort();
    } else if (start.zero_page >= FUZZ_RAM ||
               (start.initrd_size && (start.initrd_addr >= FUZZ_RAM ||
                                      start.initrd_size > FUZZ_RAM - start.initrd_addr))) {
        fprintf(stderr, "fuzz_bzimage: zero page %#x or initrd %#x+%#x outside RAM\n",
                start.zero_page, start.initrd_addr, start.initrd_size);
        abort();
    }
    physmem_free(&pm);
    return 0;
}
