/* The SB16's DMA transfers on the sound stream's grid (see sb16.h). */
#include <string.h>

#include "devices/sb16.h"

/* Mixer register 0x81: bits 0, 1, 3 choose 8-bit DMA 0, 1, 3; bits 5, 6,
 * 7 choose 16-bit DMA 5, 6, 7. A 16-bit transfer with no 16-bit channel
 * chosen goes through the 8-bit one (the programming guide's rule). */
int sb16_dma_channel(const struct sb16 *s, int bits16)
{
    uint8_t r = s->mixer[0x81];
    if (bits16) {
        for (int c = 5; c <= 7; c++)
            if (r & (1u << c))
                return c;
    }
    static const int eight[3] = { 0, 1, 3 };
    for (int i = 0; i < 3; i++)
        if (r & (1u << eight[i]))
            return eight[i];
    return -1;
}

static uint32_t rate_of(const struct sb16 *s)
{
    return s->rate ? s->rate : 1;
}

/* Device frames of the block due (started) by output frame k. */
static uint64_t frames_due(const struct sb16 *s, uint64_t k)
{
    if (s->paused || k < s->seg_start)
        return s->seg_base;
    return s->seg_base + (k - s->seg_start) * rate_of(s) / AUDIO_RATE;
}

/* The first output frame at which the whole block is due. */
static uint64_t block_end_frame(const struct sb16 *s)
{
    uint64_t left = s->block_frames - s->seg_base;
    return s->seg_start + (left * AUDIO_RATE + rate_of(s) - 1) / rate_of(s);
}

static int16_t sample_of(const struct sb16 *s, const uint8_t *p)
{
    if (s->bits16) {
        uint16_t v = (uint16_t)(p[0] | p[1] << 8);
        return (int16_t)(s->is_signed ? v : (uint16_t)(v ^ 0x8000));
    }
    uint8_t v = s->is_signed ? p[0] : (uint8_t)(p[0] ^ 0x80);
    return (int16_t)((uint16_t)v << 8);
}

/* Move the next device frame over DMA: playback reads it, recording
 * writes silence. A channel that does not answer gives silence. */
static void fetch_frame(struct sb16 *s)
{
    unsigned bytes = (s->bits16 ? 2u : 1u) * (s->stereo ? 2u : 1u);
    uint8_t buf[4];
    int chan = sb16_dma_channel(s, s->bits16);
    int tc = 0;
    uint32_t got = 0;
    /* Silence in the sample's own format. */
    uint8_t zero = s->is_signed ? 0 : 0x80;
    for (unsigned i = 0; i < bytes; i++)
        buf[i] = s->bits16 ? (i & 1 ? zero : 0) : zero;
    if (chan >= 0) {
        if (s->input)
            got = i8237_write_memory(s->dma, (unsigned)chan, buf, bytes, &tc);
        else
            got = i8237_read_memory(s->dma, (unsigned)chan, buf, bytes, &tc);
    }
    s->fetched++;
    if (s->input || got < bytes) {
        s->cur_l = s->cur_r = 0;
        return;
    }
    int16_t l = sample_of(s, buf);
    int16_t r = s->stereo ? sample_of(s, buf + (s->bits16 ? 2 : 1)) : l;
    s->cur_l = (uint16_t)l;
    s->cur_r = (uint16_t)r;
}

/* Volume: 5-bit attenuators of 2 dB a step, 31 = 0 dB. Q16 gains built by
 * repeated multiplication by 10^(-2/20) (52057/65536), so exact integers. */
uint32_t sb16_gain_q16(unsigned level)
{
    uint32_t g = 65536;
    for (unsigned i = level; i < 31; i++)
        g = (uint32_t)((uint64_t)g * 52057 / 65536);
    return level ? g : 0;
}

static int16_t apply_gain(int16_t v, uint8_t master, uint8_t voice)
{
    int64_t x = (int64_t)v * sb16_gain_q16(master >> 3) * sb16_gain_q16(voice >> 3);
    return (int16_t)(x / ((int64_t)1 << 32));
}

static void emit(struct sb16 *s, int16_t l, int16_t r)
{
    audio_src_put(&s->out, apply_gain(l, s->mixer[0x30], s->mixer[0x32]),
                  apply_gain(r, s->mixer[0x31], s->mixer[0x33]));
}

static void raise_block_irq(struct sb16 *s)
{
    s->irq_pending |= s->bits16 ? 2 : 1;
    sb16_update_irq(s);
}

/* The block is done: its IRQ, then the next block or the end. */
static void block_done(struct sb16 *s, uint64_t at)
{
    while (s->fetched < s->block_frames)
        fetch_frame(s);
    raise_block_irq(s);
    if (s->autoinit && !s->exit_pending) {
        s->fetched = 0;
        s->seg_base = 0;
        s->seg_start = at;
        return;
    }
    s->active = 0;
    s->exit_pending = 0;
}

/* Render and transfer up to (not including) output frame `end`. */
static void advance(struct sb16 *s, uint64_t end)
{
    int rendering = s->out.enabled;
    uint64_t k = rendering ? s->out.next : end;
    while (s->active && !s->paused) {
        uint64_t kend = block_end_frame(s);
        uint64_t stop = kend < end ? kend : end;
        if (rendering) {
            for (; k < stop; k++) {
                if (k >= s->seg_start) {
                    uint64_t due = frames_due(s, k);
                    while (s->fetched <= due && s->fetched < s->block_frames)
                        fetch_frame(s);
                    emit(s, (int16_t)s->cur_l, (int16_t)s->cur_r);
                } else {
                    emit(s, 0, 0);
                }
            }
        } else if (stop > s->seg_start) {
            /* The same frames as rendering would have read by now. */
            uint64_t due = frames_due(s, stop - 1);
            while (s->fetched <= due && s->fetched < s->block_frames)
                fetch_frame(s);
        }
        if (kend > end)
            break;
        k = kend;
        block_done(s, kend);
    }
    if (rendering) {
        /* Idle, paused or direct output: the held direct sample (0x10). */
        int16_t d = (int16_t)((uint16_t)(s->direct ^ 0x80) << 8);
        for (; k < end; k++)
            emit(s, d, d);
    }
}

void sb16_render(void *sb16, uint64_t end)
{
    struct sb16 *s = sb16;
    if (s->out.enabled && s->out.next >= end)
        return;
    advance(s, end);
}

void sb16_catch_up(struct sb16 *s)
{
    advance(s, audio_frame_at(clock_now(s->clock)));
}

/* The block timer: at the block's last frame. */
void sb16_play_arm(struct sb16 *s)
{
    if (s->active && !s->paused)
        clock_schedule(s->clock, s->timer, audio_frame_ns(block_end_frame(s)));
    else
        clock_cancel(s->clock, s->timer);
}

void sb16_play_start(struct sb16 *s, int bits16, int stereo, int is_signed, int autoinit,
                     int input, uint32_t samples)
{
    sb16_catch_up(s);
    s->bits16 = (uint8_t)bits16;
    s->stereo = (uint8_t)stereo;
    s->is_signed = (uint8_t)is_signed;
    s->autoinit = (uint8_t)autoinit;
    s->input = (uint8_t)input;
    s->exit_pending = 0;
    s->paused = 0;
    s->block_frames = stereo ? (samples + 1) / 2 : samples;
    if (!s->block_frames)
        s->block_frames = 1;
    s->fetched = 0;
    s->seg_base = 0;
    s->seg_start = audio_frame_at(clock_now(s->clock));
    s->cur_l = s->cur_r = 0;
    s->active = 1;
    sb16_play_arm(s);
}

void sb16_play_stop(struct sb16 *s)
{
    sb16_catch_up(s);
    s->active = 0;
    s->paused = 0;
    s->exit_pending = 0;
    sb16_play_arm(s);
}

void sb16_play_pause(struct sb16 *s, int pause)
{
    if (!s->active || s->paused == !!pause)
        return;
    sb16_catch_up(s);
    uint64_t now = audio_frame_at(clock_now(s->clock));
    if (pause) {
        s->seg_base = (uint32_t)frames_due(s, now);
        s->paused = 1;
    } else {
        s->paused = 0;
        s->seg_start = now;
    }
    sb16_play_arm(s);
}

/* The rate changed while a block plays: the rest of it at the new rate. */
void sb16_play_rebase(struct sb16 *s)
{
    if (!s->active || s->paused)
        return;
    uint64_t now = audio_frame_at(clock_now(s->clock));
    s->seg_base = (uint32_t)frames_due(s, now);
    s->seg_start = now;
    sb16_play_arm(s);
}
