/* A sound device's output as a sample stream on the machine clock.
 *
 * Every sound device of the board renders into one of these: stereo
 * 16-bit frames at AUDIO_RATE, frame k standing for machine time
 * audio_frame_ns(k). A device renders "up to now" lazily — before the
 * guest changes what it plays, and when the board collects the frames at
 * a frame boundary (machine/board_audio.c) — so what frame k holds is a
 * function of the device's state at that frame's time only, never of when
 * it was collected or of the host. With the virtual clock, two runs give
 * the same frames bit for bit.
 *
 * The buffer holds the frames rendered since the board last took them;
 * every source of the board starts at the same frame after each take.
 * A disabled source (no audio output chosen) renders nothing and costs
 * nothing.
 */
#ifndef SHADOW86_DEVICES_AUDIO_SRC_H
#define SHADOW86_DEVICES_AUDIO_SRC_H

#include <stddef.h>
#include <stdint.h>

#define AUDIO_RATE 44100u

struct audio_src {
    int enabled;
    uint64_t next;       /* index of the next frame to render */
    int16_t *buf;        /* len stereo frames (L, R), from the last take */
    size_t len, cap;     /* in frames */
};

/* Machine time of frame k (ns, rounded down). */
uint64_t audio_frame_ns(uint64_t k);
/* The index of the first frame at or after time `ns`: frames before it
 * are due at `ns`. */
uint64_t audio_frame_at(uint64_t ns);

/* Start (or restart) at frame `first`, empty. */
void audio_src_start(struct audio_src *s, int enabled, uint64_t first);
/* Append one frame as frame s->next. Returns 0, or -1 out of memory
 * (the frame is dropped but s->next still advances, so sources stay in
 * step). */
int audio_src_put(struct audio_src *s, int16_t left, int16_t right);
/* Forget the frames taken (the board mixed them). */
void audio_src_taken(struct audio_src *s);
void audio_src_free(struct audio_src *s);

#endif
