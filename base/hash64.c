#include <string.h>

#include "base/endian.h"
#include "base/hash64.h"

/* Odd 64-bit constants with well-spread bits (the fractional parts of
 * sqrt(2), sqrt(3), sqrt(5) and the golden ratio). */
#define K0 0x6A09E667F3BCC909ull
#define K1 0xBB67AE8584CAA73Bull
#define K2 0x3C6EF372FE94F82Bull
#define K3 0x9E3779B97F4A7C15ull

static uint64_t rotl(uint64_t v, unsigned r)
{
    return (v << r) | (v >> (64 - r));
}

/* One word into one lane: the multiply spreads every input bit over the
 * high half, the rotate brings it back down for the next word. */
static uint64_t mix(uint64_t lane, uint64_t word)
{
    lane += word * K1;
    lane = rotl(lane, 31);
    return lane * K0;
}

static void stripe(struct hash64 *h, const uint8_t *p)
{
    h->lane[0] = mix(h->lane[0], le64_load(p));
    h->lane[1] = mix(h->lane[1], le64_load(p + 8));
    h->lane[2] = mix(h->lane[2], le64_load(p + 16));
    h->lane[3] = mix(h->lane[3], le64_load(p + 24));
}

void hash64_init(struct hash64 *h, uint64_t seed)
{
    h->lane[0] = seed + K0 + K1;
    h->lane[1] = seed + K1;
    h->lane[2] = seed;
    h->lane[3] = seed - K0;
    h->total = 0;
    h->ntail = 0;
}

void hash64_update(struct hash64 *h, const void *data, size_t n)
{
    const uint8_t *p = data;
    h->total += n;
    if (h->ntail) {
        size_t take = 32 - h->ntail < n ? 32 - h->ntail : n;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += (unsigned)take;
        p += take;
        n -= take;
        if (h->ntail < 32)
            return;
        stripe(h, h->tail);
        h->ntail = 0;
    }
    for (; n >= 32; p += 32, n -= 32)
        stripe(h, p);
    memcpy(h->tail, p, n);
    h->ntail = (unsigned)n;
}

void hash64_u64(struct hash64 *h, uint64_t v)
{
    uint8_t b[8];
    le64_store(b, v);
    hash64_update(h, b, 8);
}

uint64_t hash64_final(const struct hash64 *h)
{
    uint64_t v = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) + rotl(h->lane[2], 12) +
                 rotl(h->lane[3], 18);
    /* The tail, zero-padded to whole words, and the length (so inputs
     * that differ only by trailing zero bytes differ). */
    uint8_t pad[32] = { 0 };
    memcpy(pad, h->tail, h->ntail);
    for (unsigned i = 0; i < (h->ntail + 7) / 8; i++)
        v = mix(v, le64_load(pad + 8 * i));
    v ^= h->total * K2;
    /* Final avalanche (every input bit reaches every output bit). */
    v ^= v >> 33;
    v *= K3;
    v ^= v >> 29;
    v *= K1;
    v ^= v >> 32;
    return v;
}

uint64_t hash64(const void *data, size_t n, uint64_t seed)
{
    struct hash64 h;
    hash64_init(&h, seed);
    hash64_update(&h, data, n);
    return hash64_final(&h);
}
