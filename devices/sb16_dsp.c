/* The SB16's DSP (version 4.05): reset, the command/data ports and the
 * commands of the programming guide's DSP 4.xx list that a playback
 * driver uses. ADPCM transfers, MIDI and the ASP are not modelled: such a
 * command is logged once and, as the guide says of unknown commands, has
 * no effect (its parameter bytes are then taken as commands, as on the
 * hardware).
 */
#include <string.h>

#include "devices/devlog.h"
#include "devices/sb16.h"

#define DSP_VERSION_MAJOR 4
#define DSP_VERSION_MINOR 5

/* The 0xE3 copyright string, as the guide gives it. */
static const char dsp_copyright[] = "COPYRIGHT (C) CREATIVE TECHNOLOGY LTD, 1992.";

enum {
    LOG_UNKNOWN = 1u << 0,
    LOG_ADPCM = 1u << 1,
    LOG_MIDI = 1u << 2,
    LOG_QUEUE = 1u << 3,
};

void sb16_queue_put(struct sb16 *s, uint8_t v)
{
    if (s->q_len == SB16_QUEUE) {
        devlog_once(s->log, &s->logged, LOG_QUEUE, "sb16: DSP read queue full, byte dropped\n");
        return;
    }
    s->queue[(s->q_head + s->q_len) % SB16_QUEUE] = v;
    s->q_len++;
}

void sb16_dsp_reset(struct sb16 *s)
{
    sb16_play_stop(s);
    s->cmd = 0;
    s->nparams = s->params_got = 0;
    s->q_head = s->q_len = 0;
    s->speaker = 0;
    s->rate = 11025;      /* an unprogrammed rate: the guide's commonest */
    s->block_len = 0x7FF;
    s->direct = 0x80;
    s->irq_pending = 0;
    sb16_update_irq(s);
    sb16_queue_put(s, 0xAA);   /* "ready" after a reset */
}

/* Parameter bytes a command takes (the guide's command list). */
static unsigned params_of(uint8_t c)
{
    if (c >= 0xB0 && c <= 0xCF)
        return 3;   /* mode, length low, length high */
    switch (c) {
    case 0x10: case 0x38: case 0x40: case 0xE0: case 0xE4:
        return 1;
    case 0x14: case 0x16: case 0x17: case 0x24: case 0x41: case 0x42: case 0x48:
    case 0x74: case 0x75: case 0x76: case 0x77: case 0x80:
        return 2;
    default:
        return 0;
    }
}

/* The B/C family: bit 3 A/D (record), bit 2 auto-init, bit 1 FIFO (no
 * effect here); mode byte bit 4 signed, bit 5 stereo; length = samples - 1. */
static void start_bc(struct sb16 *s, int bits16)
{
    uint8_t c = s->cmd, mode = s->params[0];
    uint32_t samples = (uint32_t)(s->params[1] | s->params[2] << 8) + 1;
    sb16_play_start(s, bits16, (mode >> 5) & 1, (mode >> 4) & 1, (c >> 2) & 1, (c >> 3) & 1,
                    samples);
}

static void set_rate(struct sb16 *s, uint32_t hz)
{
    sb16_catch_up(s);
    if (hz < 5000)
        hz = 5000;          /* the guide's range: 5000 to 45000 Hz */
    if (hz > 45000)
        hz = 45000;
    s->rate = (uint16_t)hz;
    sb16_play_rebase(s);
}

static void execute(struct sb16 *s)
{
    uint8_t c = s->cmd, *p = s->params;
    uint32_t len16 = (uint32_t)(p[0] | p[1] << 8) + 1;
    switch (c) {
    case 0x10:              /* direct 8-bit output */
        sb16_catch_up(s);
        s->direct = p[0];
        break;
    case 0x14:              /* 8-bit single-cycle DMA output */
        sb16_play_start(s, 0, 0, 0, 0, 0, len16);
        break;
    case 0x1C:              /* 8-bit auto-init DMA output, 0x48's block */
        sb16_play_start(s, 0, 0, 0, 1, 0, (uint32_t)s->block_len + 1);
        break;
    case 0x90:              /* high-speed auto-init output */
        sb16_play_start(s, 0, 0, 0, 1, 0, (uint32_t)s->block_len + 1);
        break;
    case 0x91:              /* high-speed single-cycle output */
        sb16_play_start(s, 0, 0, 0, 0, 0, (uint32_t)s->block_len + 1);
        break;
    case 0x20:              /* direct 8-bit input: nothing to record */
        sb16_queue_put(s, 0x80);
        break;
    case 0x24:              /* 8-bit single-cycle DMA input */
        sb16_play_start(s, 0, 0, 0, 0, 1, len16);
        break;
    case 0x2C:              /* 8-bit auto-init DMA input */
        sb16_play_start(s, 0, 0, 0, 1, 1, (uint32_t)s->block_len + 1);
        break;
    case 0x40:              /* time constant: 256 - 1000000 / rate */
        set_rate(s, 1000000u / (256u - p[0]));
        break;
    case 0x41:              /* output rate, high byte first */
    case 0x42:              /* input rate: the same clock on a DSP 4 */
        set_rate(s, (uint32_t)(p[0] << 8 | p[1]));
        break;
    case 0x48:              /* block size for the auto-init commands */
        s->block_len = (uint16_t)(p[0] | p[1] << 8);
        break;
    case 0xD0:
        if (s->active && !s->bits16)
            sb16_play_pause(s, 1);
        break;
    case 0xD4:
        if (s->active && !s->bits16)
            sb16_play_pause(s, 0);
        break;
    case 0xD5:
        if (s->active && s->bits16)
            sb16_play_pause(s, 1);
        break;
    case 0xD6:
        if (s->active && s->bits16)
            sb16_play_pause(s, 0);
        break;
    case 0xD9:              /* exit 16-bit auto-init after this block */
    case 0xDA:              /* exit 8-bit auto-init after this block */
        sb16_catch_up(s);
        if (s->active && s->bits16 == (c == 0xD9))
            s->exit_pending = 1;
        break;
    case 0xD1:
        s->speaker = 1;
        break;
    case 0xD3:
        s->speaker = 0;
        break;
    case 0xD8:
        sb16_queue_put(s, s->speaker ? 0xFF : 0x00);
        break;
    case 0xE0:              /* identification: the byte inverted */
        sb16_queue_put(s, (uint8_t)~p[0]);
        break;
    case 0xE1:
        sb16_queue_put(s, DSP_VERSION_MAJOR);
        sb16_queue_put(s, DSP_VERSION_MINOR);
        break;
    case 0xE3:
        for (const char *q = dsp_copyright; ; q++) {
            sb16_queue_put(s, (uint8_t)*q);
            if (!*q)
                break;
        }
        break;
    case 0xE4:
        s->test_reg = p[0];
        break;
    case 0xE8:
        sb16_queue_put(s, s->test_reg);
        break;
    case 0xF2:              /* raise the 8-bit IRQ */
        s->irq_pending |= 1;
        sb16_update_irq(s);
        break;
    case 0xF3:              /* raise the 16-bit IRQ */
        s->irq_pending |= 2;
        sb16_update_irq(s);
        break;
    case 0x16: case 0x17: case 0x1F: case 0x74: case 0x75: case 0x76: case 0x77:
    case 0x7D: case 0x7F:
        devlog_once(s->log, &s->logged, LOG_ADPCM,
                    "sb16: ADPCM DMA (DSP command 0x%02X) not modelled; ignored\n", c);
        break;
    case 0x30: case 0x31: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38:
        devlog_once(s->log, &s->logged, LOG_MIDI,
                    "sb16: DSP MIDI (command 0x%02X) not modelled; ignored\n", c);
        break;
    default:
        if (c >= 0xB0 && c <= 0xBF) {
            start_bc(s, 1);
        } else if (c >= 0xC0 && c <= 0xCF) {
            start_bc(s, 0);
        } else {
            devlog_once(s->log, &s->logged, LOG_UNKNOWN,
                        "sb16: unknown DSP command 0x%02X ignored\n", c);
        }
        break;
    }
}

void sb16_dsp_write(struct sb16 *s, uint8_t v)
{
    if (s->nparams) {
        s->params[s->params_got++] = v;
        if (s->params_got < s->nparams)
            return;
        s->nparams = 0;
        execute(s);
        s->cmd = 0;
        return;
    }
    s->cmd = v;
    s->params_got = 0;
    s->nparams = (uint8_t)params_of(v);
    if (!s->nparams) {
        execute(s);
        s->cmd = 0;
    }
}
