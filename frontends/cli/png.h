/* A minimal PNG writer: 8-bit RGB, no interlace, filter type 0 on every
 * row, one IDAT chunk. */
#ifndef SHADOW86_CLI_PNG_H
#define SHADOW86_CLI_PNG_H

#include <stdint.h>
#include <stdio.h>

/* Write a w x h image of RGB triples to f. Returns 0, or -1 (memory,
 * compression or a write error). */
int png_write_rgb(FILE *f, const uint8_t *rgb, unsigned w, unsigned h);

#endif
