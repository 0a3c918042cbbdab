#include <string.h>

#include <SDL.h>

#include "frontends/sdl/sdl_audio.h"

int sdl_audio_open(struct sdl_audio *a, unsigned rate, char *err, size_t errsz)
{
    memset(a, 0, sizeof *a);
    a->rate = rate;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        snprintf(err, errsz, "-audio sdl: %s", SDL_GetError());
        return -1;
    }
    SDL_AudioSpec want, have;
    memset(&want, 0, sizeof want);
    want.freq = (int)rate;
    want.format = AUDIO_S16SYS;
    want.channels = 2;
    want.samples = 1024;
    a->device = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!a->device) {
        snprintf(err, errsz, "-audio sdl: %s", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return -1;
    }
    SDL_PauseAudioDevice(a->device, 0);
    return 0;
}

void sdl_audio_sink(void *opaque, const int16_t *frames, size_t count)
{
    struct sdl_audio *a = opaque;
    uint32_t queued = SDL_GetQueuedAudioSize(a->device) / 4;
    if (a->started && queued == 0)
        a->underruns++;
    a->started = 1;
    uint64_t room = (uint64_t)a->rate * SDL_AUDIO_MAX_QUEUE_MS / 1000;
    size_t n = queued >= room ? 0 : (size_t)(room - queued < count ? room - queued : count);
    if (n && SDL_QueueAudio(a->device, frames, (uint32_t)(n * 4)) != 0)
        n = 0;
    a->frames_queued += n;
    a->frames_dropped += count - n;
}

void sdl_audio_print_stats(const struct sdl_audio *a, FILE *out)
{
    fprintf(out, "audio: %llu frames queued, %llu dropped (guest ahead of real time), "
                 "%llu underruns\n",
            (unsigned long long)a->frames_queued, (unsigned long long)a->frames_dropped,
            (unsigned long long)a->underruns);
}

void sdl_audio_close(struct sdl_audio *a)
{
    if (!a->device)
        return;
    SDL_CloseAudioDevice(a->device);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    a->device = 0;
}
