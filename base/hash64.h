/* A fast 64-bit non-cryptographic hash, for identities (an image's
 * content in a saved state or a replay log) and for replay's machine
 * state checkpoints.
 *
 * Not a defence against a forger: it tells a changed file or a diverged
 * machine from the same one, which is all its users need. It reads the
 * input as little-endian 64-bit words in four independent lanes (so the
 * host can overlap the multiplies), so its value does not depend on the
 * host's endianness or alignment. Incremental use: hash64_update() may be
 * called on any split of the input and gives the same result as one call
 * over the whole.
 */
#ifndef SHADOW86_BASE_HASH64_H
#define SHADOW86_BASE_HASH64_H

#include <stddef.h>
#include <stdint.h>

struct hash64 {
    uint64_t lane[4];
    uint64_t total;         /* bytes hashed */
    uint8_t tail[32];       /* bytes not yet a whole 32-byte stripe */
    unsigned ntail;
};

void hash64_init(struct hash64 *h, uint64_t seed);
void hash64_update(struct hash64 *h, const void *data, size_t n);
void hash64_u64(struct hash64 *h, uint64_t v);   /* a value, as 8 LE bytes */
uint64_t hash64_final(const struct hash64 *h);
/* One call: the hash of `n` bytes. */
uint64_t hash64(const void *data, size_t n, uint64_t seed);

#endif
