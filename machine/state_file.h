/* Saved machine states as files (--save-state, --load-state).
 *
 * A file is a header and a payload:
 *   "SHADOW86STATE\r\n\x1a"  16-byte magic (the \r\n and ^Z show up a
 *                            text-mode transfer, as PNG's does)
 *   u32 format version       STATE_FILE_VERSION; others are refused
 *   u32 flags                bit 0: the payload is zlib-compressed
 *   u32 identity length, the identity text (machine/machine_identity.h)
 *   u64 payload length (uncompressed), u64 stored length
 *   u64 hash64 of the stored payload
 *   the payload: machine_save()'s records (machine/snapshot.h)
 * integers little-endian. Loading checks, in order: the magic, the
 * version, the identity against the machine being loaded into (the first
 * difference is named), the lengths against the file's size, the hash,
 * and then every record as it is read; each failure is one line naming
 * the file. Writing goes to a temporary file beside the target, renamed
 * over it only once complete, so a crash or a full disk never leaves a
 * half-written state under the name.
 */
#ifndef SHADOW86_MACHINE_STATE_FILE_H
#define SHADOW86_MACHINE_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

struct machine;

#define STATE_FILE_VERSION 1u

/* Save `m` to `path`. Returns 0, or -1 with a one-line message (the file
 * is then untouched). */
int state_file_save(const struct machine *m, const char *path, char *err, size_t errsz);

/* Restore `m`, created with the options the state was saved under, from
 * `path`. Returns 0, or -1 with a one-line message; after a failure past
 * the header checks the machine is unusable. */
int state_file_load(struct machine *m, const char *path, char *err, size_t errsz);

/* The same on a buffer: the whole file's bytes, in memory (replay keeps
 * its checkpoints this way). `name` is for messages. */
int state_image_build(const struct machine *m, int compress, uint8_t **out, size_t *outlen,
                      char *err, size_t errsz);
int state_image_load(struct machine *m, const char *name, const uint8_t *buf, size_t len,
                     char *err, size_t errsz);

/* Write `len` bytes to `path` atomically (temporary file, then rename).
 * Returns 0, or -1 with a one-line message. Used by the replay log too. */
int state_file_write_atomic(const char *path, const uint8_t *buf, size_t len, char *err,
                            size_t errsz);

#endif
