/* The board's sound output: the sources' sample streams mixed and handed
 * to the frontend's sink at frame boundaries.
 *
 * Sound devices render stereo frames at AUDIO_RATE on the machine clock
 * (devices/audio_src.h). At the end of a run-loop pass, once at least
 * BOARD_AUDIO_FRAME_NS of machine time has passed since the last hand-over,
 * every source renders up to now, the frames are summed (saturating) and
 * the sink gets them; and once more when a run ends. The sink only ever
 * sees finished frames, so a slow host sink (or none) never changes what
 * the guest sees: guest timing is the clock's alone. With no sink (-audio
 * none) the sources stay disabled and render nothing.
 */
#ifndef SHADOW86_MACHINE_BOARD_AUDIO_H
#define SHADOW86_MACHINE_BOARD_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_AUDIO_FRAME_NS 10000000ull   /* 10 ms of machine time */

struct machine;

/* Receives `count` stereo frames (L, R interleaved, AUDIO_RATE). */
typedef void (*board_audio_sink)(void *opaque, const int16_t *frames, size_t count);

struct board_audio {
    board_audio_sink sink;
    void *opaque;
    uint64_t first;        /* first frame not yet handed to the sink */
    uint64_t last_ns;      /* machine time of the last hand-over */
    int16_t *mix;          /* one chunk of mixed frames */
    uint64_t frames;       /* handed over in all */
};

void board_audio_init(struct board_audio *a);
/* Start (sink non-NULL) or stop handing frames over, from now on. */
void board_audio_set_sink(struct machine *m, board_audio_sink sink, void *opaque);
/* A frame boundary: hand over what is due if a frame's time has passed,
 * or (`force`) whatever is due now. */
void board_audio_frame(struct machine *m, int force);
/* The clock moved under the sources (a state was loaded): restart them at
 * the current time, dropping what was rendered and not handed over. */
void board_audio_restart(struct machine *m);
void board_audio_free(struct board_audio *a);

#endif
