#include <string.h>

#include "devices/pcspk.h"

void pcspk_render(void *speaker, uint64_t end)
{
    struct pcspk *s = speaker;
    if (!s->out.enabled)
        return;
    int on = port61_speaker_enabled(s->port61);
    while (s->out.next < end) {
        int16_t v = 0;
        if (on)
            v = i8254_out_at(s->pit, 2, audio_frame_ns(s->out.next)) ? PCSPK_AMPLITUDE
                                                                      : -PCSPK_AMPLITUDE;
        audio_src_put(&s->out, v, v);
    }
}

/* Channel 2 or port 0x61 is about to change: what played until now was
 * the old waveform. */
static void pcspk_catch_up(void *opaque)
{
    struct pcspk *s = opaque;
    if (s->out.enabled)
        pcspk_render(s, audio_frame_at(clock_now(s->clock)));
}

void pcspk_init(struct pcspk *s, struct i8254 *pit, struct port61 *port61, struct clock *clock)
{
    memset(s, 0, sizeof *s);
    s->pit = pit;
    s->port61 = port61;
    s->clock = clock;
    i8254_observe(pit, 2, pcspk_catch_up, s);
    port61->before_write = pcspk_catch_up;
    port61->observer = s;
}

void pcspk_free(struct pcspk *s)
{
    audio_src_free(&s->out);
}
