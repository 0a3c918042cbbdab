/* What a saved state or a replay log belongs to: the build that wrote it
 * and the shape of the machine (RAM size, every image with its size and
 * content hash, the options that change what the guest sees, the clock's
 * timer table). Two runs with equal identities can exchange states and
 * logs; anything else is refused with the first difference named.
 *
 * The identity is text, one "key=value" line per item, so a refusal can
 * quote both sides and a person can read it in the file's header. The
 * engine (--no-dbt) and the MMU mode are deliberately not part of it:
 * both give the guest identical results, so a state saved under one
 * loads under the other.
 */
#ifndef SHADOW86_MACHINE_MACHINE_IDENTITY_H
#define SHADOW86_MACHINE_MACHINE_IDENTITY_H

#include <stddef.h>

struct machine;

/* The build: the source revision the binary was built from (git describe
 * at build time, "-dirty" for uncommitted changes) and the host's word
 * size and byte order. */
const char *machine_build_id(void);

/* The identity of `m` as malloc'd text (the caller frees). Reads every
 * image file to hash it. Returns NULL with a one-line message in err if a
 * file cannot be read or memory ran out. */
char *machine_identity(const struct machine *m, char *err, size_t errsz);

/* Compare a stored identity with `now`. Returns 0 if equal, else -1 with
 * "KEY differs (saved: ..., now: ...)" (or "... missing") in err. */
int machine_identity_compare(const char *saved, const char *now, char *err, size_t errsz);

/* The hash of one file's content (and its size), for identities. */
int machine_file_identity(const char *path, unsigned long long *size, unsigned long long *hash,
                          char *err, size_t errsz);

#endif
