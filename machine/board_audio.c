#include <stdlib.h>
#include <string.h>

#include "machine/board_audio.h"
#include "machine/machine.h"

/* The board's sound sources, in mixing order. */
struct audio_source_entry {
    size_t device;                          /* offsetof(struct machine, the device) */
    size_t src;                             /* offsetof(struct machine, its audio_src) */
    void (*render)(void *device, uint64_t end);
};

#define AT(member) offsetof(struct machine, member)
static const struct audio_source_entry sources[] = {
    { AT(pcspk), AT(pcspk.out), pcspk_render },
    { AT(sb16), AT(sb16.out), sb16_render },
    { AT(opl3), AT(opl3.out), opl3_render },
};
#define NSOURCES (sizeof sources / sizeof sources[0])

static struct audio_src *source_at(struct machine *m, size_t i)
{
    return (struct audio_src *)((char *)m + sources[i].src);
}

void board_audio_init(struct board_audio *a)
{
    memset(a, 0, sizeof *a);
}

static void restart_sources(struct machine *m, int enabled)
{
    uint64_t now = clock_now(&m->clock);
    m->audio.first = audio_frame_at(now);
    m->audio.last_ns = now;
    for (size_t i = 0; i < NSOURCES; i++)
        audio_src_start(source_at(m, i), enabled, m->audio.first);
}

void board_audio_set_sink(struct machine *m, board_audio_sink sink, void *opaque)
{
    m->audio.sink = sink;
    m->audio.opaque = opaque;
    restart_sources(m, sink != NULL);
}

void board_audio_restart(struct machine *m)
{
    restart_sources(m, m->audio.sink != NULL);
}

static int16_t saturate(int32_t v)
{
    return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
}

/* Hand frames [a->first, end) over, at most BOARD_AUDIO_CHUNK at a time
 * (after a long idle the sources catch up by chunks, not all at once). */
#define BOARD_AUDIO_CHUNK 8192u

static void hand_over(struct machine *m, uint64_t end)
{
    struct board_audio *a = &m->audio;
    if (!a->mix) {
        a->mix = malloc(BOARD_AUDIO_CHUNK * 2 * sizeof *a->mix);
        if (!a->mix)
            return;   /* nothing handed over; tried again next frame */
    }
    while (a->first < end) {
        uint64_t stop = end - a->first > BOARD_AUDIO_CHUNK ? a->first + BOARD_AUDIO_CHUNK : end;
        size_t count = (size_t)(stop - a->first);
        memset(a->mix, 0, count * 2 * sizeof *a->mix);
        for (size_t i = 0; i < NSOURCES; i++) {
            struct audio_src *s = source_at(m, i);
            sources[i].render((char *)m + sources[i].device, stop);
            size_t n = s->len < count ? s->len : count;
            for (size_t j = 0; j < 2 * n; j++)
                a->mix[j] = saturate((int32_t)a->mix[j] + s->buf[j]);
            audio_src_taken(s);
        }
        a->first = stop;
        a->frames += count;
        a->sink(a->opaque, a->mix, count);
    }
}

void board_audio_frame(struct machine *m, int force)
{
    struct board_audio *a = &m->audio;
    if (!a->sink)
        return;
    uint64_t now = clock_now(&m->clock);
    if (!force && now - a->last_ns < BOARD_AUDIO_FRAME_NS)
        return;
    a->last_ns = now;
    hand_over(m, audio_frame_at(now));
}

void board_audio_free(struct board_audio *a)
{
    free(a->mix);
    a->mix = NULL;
}
