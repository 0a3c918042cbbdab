/* -balloon-script FILE: timed balloon targets for tests and scenarios.
 * One step a line, "TIME_MS TARGET_MB" (decimal, machine time in ms since
 * power-on, the guest's memory target in MiB); times never decrease;
 * blank lines and '#' comments are skipped. */
#ifndef SHADOW86_CLI_BALLOON_SCRIPT_H
#define SHADOW86_CLI_BALLOON_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

/* Read FILE: 0 with *steps (malloc'd, the caller frees) and *n, or -1
 * with a one-line message naming the file and line. */
int cli_balloon_script_load(const char *path, uint32_t ram_mib, struct balloon_step **steps,
                            unsigned *n, char *err, size_t errsz);

#endif
