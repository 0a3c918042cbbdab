/* Reading a whole input file (firmware, kernel) into memory, with errors
 * phrased for the user: "<file>: <problem>".
 */
#ifndef SHADOW86_MACHINE_IMAGE_FILE_H
#define SHADOW86_MACHINE_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_ERR_MAX 512

/* Read `path` whole. Files larger than `max_size` bytes are refused before
 * anything is read. Returns 0 with *data malloc'd (caller frees) and *size
 * set, or -1 with a one-line message in err (no trailing newline).
 * An empty file is not an error here; callers decide. */
int image_file_read(const char *path, size_t max_size, uint8_t **data, size_t *size,
                    char *err, size_t errsz);

/* Write "<name>: <formatted problem>" into err: the one-line form every
 * loader's error takes. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void image_error(char *err, size_t errsz, const char *name, const char *fmt, ...);

#endif
