/* -audio sdl|wav:FILE|none: where the machine's sound goes. */
#ifndef SHADOW86_CLI_AUDIO_OUT_H
#define SHADOW86_CLI_AUDIO_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "frontends/cli/wav_writer.h"
#include "frontends/sdl/sdl_audio.h"

struct machine;

enum audio_out_kind { AUDIO_OUT_NONE, AUDIO_OUT_WAV, AUDIO_OUT_SDL };

struct audio_out {
    enum audio_out_kind kind;
    const char *spec;
    struct wav_writer wav;
    struct sdl_audio sdl;
};

/* Check an -audio value. Returns 0, or -1 with a one-line message. */
int audio_out_check(const char *spec, char *err, size_t errsz);
/* Open the output (spec NULL: none) and attach it to the machine. */
int audio_out_open(struct audio_out *a, const char *spec, struct machine *m, char *err,
                   size_t errsz);
/* Detach and close; -1 after one line on stderr if the file's writes failed. */
int audio_out_close(struct audio_out *a, struct machine *m, int stats);

#endif
