/* --screendump FILE: what the VGA shows when the run ends.
 * A text mode is written as UTF-8 text, one line per screen row with
 * trailing blanks removed (CP437 mapped to Unicode); a graphics or VBE
 * mode as a PNG image if FILE ends in .png, else as a binary PPM (P6). */
#ifndef SHADOW86_CLI_SCREENDUMP_H
#define SHADOW86_CLI_SCREENDUMP_H

#include <stddef.h>

#include "machine/frontend_api.h"

/* Returns 0, or -1 with a one-line message in err (nothing is left
 * half-written: the file is written to FILE.tmp and renamed). */
int screendump_write(const struct machine *m, const char *path, char *err, size_t errsz);

#endif
