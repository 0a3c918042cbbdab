#include <stdlib.h>

#include "devices/audio_src.h"

#define NS_PER_SEC 1000000000ull

/* Split so that k * 10^9 cannot overflow. */
uint64_t audio_frame_ns(uint64_t k)
{
    return (k / AUDIO_RATE) * NS_PER_SEC + (k % AUDIO_RATE) * NS_PER_SEC / AUDIO_RATE;
}

uint64_t audio_frame_at(uint64_t ns)
{
    /* The smallest k with audio_frame_ns(k) >= ns. */
    uint64_t whole = (ns / NS_PER_SEC) * AUDIO_RATE;
    uint64_t rem = ns % NS_PER_SEC;
    uint64_t k = whole + rem * AUDIO_RATE / NS_PER_SEC;
    while (audio_frame_ns(k) < ns)
        k++;
    return k;
}

void audio_src_start(struct audio_src *s, int enabled, uint64_t first)
{
    s->enabled = enabled;
    s->next = first;
    s->len = 0;
}

int audio_src_put(struct audio_src *s, int16_t left, int16_t right)
{
    s->next++;
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        int16_t *b = realloc(s->buf, cap * 2 * sizeof *b);
        if (!b)
            return -1;
        s->buf = b;
        s->cap = cap;
    }
    s->buf[2 * s->len] = left;
    s->buf[2 * s->len + 1] = right;
    s->len++;
    return 0;
}

void audio_src_taken(struct audio_src *s)
{
    s->len = 0;
}

void audio_src_free(struct audio_src *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}
