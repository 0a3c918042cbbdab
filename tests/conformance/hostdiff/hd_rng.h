/* The generator's deterministic PRNG (SplitMix64).
 *
 * Only integer arithmetic on fixed-width types, so a 32-bit and a 64-bit
 * build draw exactly the same numbers from the same seed: the native runner
 * and the emulator runner regenerate identical tests.
 */
#ifndef HOSTDIFF_HD_RNG_H
#define HOSTDIFF_HD_RNG_H

#include <stdint.h>

struct hd_rng {
    uint64_t state;
};

static inline uint64_t hd_rng_next(struct hd_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint32_t hd_rng_u32(struct hd_rng *r)
{
    return (uint32_t)(hd_rng_next(r) >> 32);
}

/* Uniform in [0, n); n > 0. The tiny modulo bias is irrelevant here. */
static inline uint32_t hd_rng_below(struct hd_rng *r, uint32_t n)
{
    return (uint32_t)((hd_rng_next(r) >> 32) % n);
}

/* True with probability num/den. */
static inline int hd_rng_chance(struct hd_rng *r, uint32_t num, uint32_t den)
{
    return hd_rng_below(r, den) < num;
}

#endif
