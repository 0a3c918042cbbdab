/* A RIFF/WAVE file of 16-bit stereo PCM, written as frames arrive: the
 * header's sizes are placeholders until wav_writer_close() patches them.
 * Only the frames decide the bytes (no dates, no host data), so two runs
 * that hand over the same frames write identical files.
 */
#ifndef SHADOW86_CLI_WAV_WRITER_H
#define SHADOW86_CLI_WAV_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct wav_writer {
    FILE *f;
    unsigned rate;
    uint64_t frames;
    int error;           /* a write failed (or the file outgrew RIFF's 4 GiB) */
};

/* Create `path` for `rate` Hz stereo. Returns 0, or -1 with errno set. */
int wav_writer_open(struct wav_writer *w, const char *path, unsigned rate);
void wav_writer_put(struct wav_writer *w, const int16_t *frames, size_t count);
/* Patch the sizes, close. Returns 0, or -1 if any write failed. */
int wav_writer_close(struct wav_writer *w);

#endif
