#include <errno.h>
#include <string.h>

#include "frontends/cli/audio_out.h"
#include "machine/frontend_api.h"

int audio_out_check(const char *spec, char *err, size_t errsz)
{
    if (strcmp(spec, "none") == 0 || strcmp(spec, "sdl") == 0)
        return 0;
    if (strncmp(spec, "wav:", 4) == 0 && spec[4])
        return 0;
    snprintf(err, errsz, "-audio: '%s' is not sdl, wav:FILE or none", spec);
    return -1;
}

static void wav_sink(void *opaque, const int16_t *frames, size_t count)
{
    wav_writer_put(opaque, frames, count);
}

int audio_out_open(struct audio_out *a, const char *spec, struct machine *m, char *err,
                   size_t errsz)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    if (!spec || strcmp(spec, "none") == 0)
        return 0;
    if (strcmp(spec, "sdl") == 0) {
        if (sdl_audio_open(&a->sdl, MACHINE_AUDIO_RATE, err, errsz) != 0)
            return -1;
        a->kind = AUDIO_OUT_SDL;
        machine_set_audio_sink(m, sdl_audio_sink, &a->sdl);
        return 0;
    }
    if (wav_writer_open(&a->wav, spec + 4, MACHINE_AUDIO_RATE) != 0) {
        snprintf(err, errsz, "-audio %s: %s", spec, strerror(errno));
        return -1;
    }
    a->kind = AUDIO_OUT_WAV;
    machine_set_audio_sink(m, wav_sink, &a->wav);
    return 0;
}

int audio_out_close(struct audio_out *a, struct machine *m, int stats)
{
    int rc = 0;
    if (a->kind != AUDIO_OUT_NONE && m)
        machine_set_audio_sink(m, NULL, NULL);
    if (a->kind == AUDIO_OUT_WAV && wav_writer_close(&a->wav) != 0) {
        fprintf(stderr, "shadow86: -audio %s: write error\n", a->spec);
        rc = -1;
    }
    if (a->kind == AUDIO_OUT_SDL) {
        if (stats)
            sdl_audio_print_stats(&a->sdl, stderr);
        sdl_audio_close(&a->sdl);
    }
    a->kind = AUDIO_OUT_NONE;
    return rc;
}
