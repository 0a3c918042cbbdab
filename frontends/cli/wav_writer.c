#include <errno.h>
#include <string.h>

#include "frontends/cli/wav_writer.h"

#define WAV_HEADER 44u
#define WAV_MAX_DATA (0xFFFFFFFFu - (WAV_HEADER - 8))

static void le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v & 0xFFFF);
    le16(p + 2, v >> 16);
}

/* The 44-byte canonical header: RIFF, "fmt " (PCM, 2 channels, 16 bits)
 * and the "data" chunk's header. */
static void header(uint8_t *h, unsigned rate, uint32_t data_bytes)
{
    memcpy(h, "RIFF", 4);
    le32(h + 4, data_bytes + WAV_HEADER - 8);
    memcpy(h + 8, "WAVEfmt ", 8);
    le32(h + 16, 16);
    le16(h + 20, 1);          /* PCM */
    le16(h + 22, 2);          /* channels */
    le32(h + 24, rate);
    le32(h + 28, rate * 4);   /* bytes a second */
    le16(h + 32, 4);          /* bytes a frame */
    le16(h + 34, 16);         /* bits a sample */
    memcpy(h + 36, "data", 4);
    le32(h + 40, data_bytes);
}

int wav_writer_open(struct wav_writer *w, const char *path, unsigned rate)
{
    memset(w, 0, sizeof *w);
    w->rate = rate;
    w->f = fopen(path, "wb");
    if (!w->f)
        return -1;
    uint8_t h[WAV_HEADER];
    header(h, rate, 0);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h)
        w->error = 1;
    return 0;
}

void wav_writer_put(struct wav_writer *w, const int16_t *frames, size_t count)
{
    uint8_t buf[4096];
    while (count && !w->error) {
        size_t n = count < sizeof buf / 4 ? count : sizeof buf / 4;
        if ((w->frames + n) * 4 > WAV_MAX_DATA) {
            w->error = 1;
            errno = EFBIG;
            return;
        }
        for (size_t i = 0; i < 2 * n; i++)
            le16(buf + 2 * i, (uint16_t)frames[i]);
        if (fwrite(buf, 4, n, w->f) != n)
            w->error = 1;
        w->frames += n;
        frames += 2 * n;
        count -= n;
    }
}

int wav_writer_close(struct wav_writer *w)
{
    if (!w->f)
        return 0;
    int e = w->error;
    if (!e) {
        uint8_t h[WAV_HEADER];
        header(h, w->rate, (uint32_t)(w->frames * 4));
        if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, w->f) != sizeof h)
            e = 1;
    }
    if (fclose(w->f) != 0)
        e = 1;
    w->f = NULL;
    return e ? -1 : 0;
}
