/* What the fuzz targets that run a whole machine share: input files that
 * live in memory (memfd, named by /proc/self/fd/N, so no input touches the
 * disk), a small firmware image around a piece of code, the options of a
 * quiet, small machine, and the check that guest RAM stayed in bounds.
 */
#ifndef SHADOW86_TESTS_FUZZ_MACHINE_H
#define SHADOW86_TESTS_FUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

#define FUZZ_ROM_SIZE 0x10000u   /* mapped at 0xF0000 and below 4 GiB */
#define FUZZ_ROM_CODE_MAX 0xFF00u

struct fuzz_file {
    int fd;
    char path[64];
};

/* A memfd holding `len` bytes of `data`. Aborts if the host refuses. */
void fuzz_file_make(struct fuzz_file *f, const char *name, const void *data, size_t len);
void fuzz_file_close(struct fuzz_file *f);

/* A 64 KiB firmware image whose reset vector jumps to F000:0000, where
 * `code` (at most FUZZ_ROM_CODE_MAX bytes) starts; the rest is 0xFF. */
void fuzz_rom_make(struct fuzz_file *f, const uint8_t *code, size_t len);

/* Options for a machine of `ram_mib` MiB booting `bios_path`: no output,
 * no reboot after a triple fault, virtual clock. */
void fuzz_machine_options(struct machine_options *o, const char *bios_path, uint32_t ram_mib);

/* Abort (naming `who`) if a page of guest RAM exists outside [0, RAM size)
 * or more pages were allocated than RAM has: an access left guest RAM. */
void fuzz_check_ram_bounds(const struct machine *m, const char *who);

#endif
