/* The PC speaker as a sample stream: PIT channel 2's OUT, gated by port
 * 0x61 bit 0 and switched onto the speaker by bit 1 (the AND gate in
 * front of the speaker driver on the PC/AT).
 *
 * Nothing ticks: the speaker renders its frames lazily from the PIT's
 * waveform (i8254_out_at) up to "now" whenever channel 2 or port 0x61 is
 * about to change, and when the board collects the frames. Each frame is
 * a point sample of the speaker's level at the frame's time: +A with the
 * speaker enabled and OUT high, -A with it enabled and OUT low, 0 with it
 * disabled. A mode-3 square wave of divisor N therefore gives a square
 * wave of 1193182/N Hz in the stream (aliased, as point samples are, but
 * with exactly that many zero crossings a second).
 *
 * Stateless for snapshots: what it plays follows from the PIT and port
 * 0x61, which save themselves.
 */
#ifndef SHADOW86_DEVICES_PCSPK_H
#define SHADOW86_DEVICES_PCSPK_H

#include "base/clock.h"
#include "devices/audio_src.h"
#include "devices/i8254.h"
#include "devices/port61.h"

#define PCSPK_AMPLITUDE 8192

struct pcspk {
    struct i8254 *pit;
    struct port61 *port61;
    struct clock *clock;
    struct audio_src out;
};

/* Connect to the PIT's channel 2 and port 0x61 (after their init). */
void pcspk_init(struct pcspk *s, struct i8254 *pit, struct port61 *port61, struct clock *clock);
/* Render the frames before frame `end`. */
void pcspk_render(void *speaker, uint64_t end);
void pcspk_free(struct pcspk *s);

#endif
