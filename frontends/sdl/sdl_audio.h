/* The host's sound device through SDL2 (-audio sdl): the machine's frames
 * are queued to the device as they are handed over (SDL_QueueAudio).
 *
 * The machine never waits for the device: with the virtual clock a guest
 * may run faster or slower than real time. Faster: frames beyond
 * SDL_AUDIO_MAX_QUEUE_MS of queued sound are dropped (counted); slower:
 * the device runs dry (each hand-over that finds the queue empty after
 * the first is counted as an underrun). With -rtc clock=host the machine
 * keeps pace with the host and neither should happen.
 */
#ifndef SHADOW86_SDL_AUDIO_H
#define SHADOW86_SDL_AUDIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SDL_AUDIO_MAX_QUEUE_MS 250u

struct sdl_audio {
    uint32_t device;        /* SDL_AudioDeviceID */
    unsigned rate;
    uint64_t frames_queued, frames_dropped, underruns;
    int started;
};

/* Open the default output device for `rate` Hz, 16-bit stereo. Returns
 * 0, or -1 with a one-line message. */
int sdl_audio_open(struct sdl_audio *a, unsigned rate, char *err, size_t errsz);
/* A machine audio sink (machine_audio_sink). */
void sdl_audio_sink(void *opaque, const int16_t *frames, size_t count);
void sdl_audio_print_stats(const struct sdl_audio *a, FILE *out);
void sdl_audio_close(struct sdl_audio *a);

#endif
