/* Creative Sound Blaster 16: the DSP (version 4.05) and the CT1745 mixer,
 * at 0x220, IRQ 5, DMA 1 (8-bit) and 5 (16-bit) by default (the mixer's
 * registers 0x80/0x81 move them). Facts from Creative's "Sound Blaster
 * Series Hardware Programming Guide".
 *
 * Ports (base + ...): 4/5 mixer address/data, 6 DSP reset, A read data,
 * C write command/data (read: write-buffer status, always ready), E
 * read-buffer status (reading it acknowledges the 8-bit DMA IRQ), F
 * acknowledge the 16-bit IRQ. The OPL3 at base+0..3 / +8..9 is its own
 * device (devices/opl3.h), which reads the master and FM levels here.
 *
 * Playback is on the sound stream's grid: a transfer started at frame k0
 * (the first output frame at or after the command) plays its device
 * sample j during the output frames where floor((k - k0) * rate / 44100)
 * = j, so 44.1 kHz data passes through bit for bit and other rates are
 * held sample by sample (nearest, no filter). The DSP reads each sample
 * from its DMA channel when it is due (lazily: at frame boundaries, before
 * the guest changes the transfer, and at the end of each block, whose
 * clock timer raises the IRQ at the block's last frame). A guest reading
 * the DMA count mid-block therefore sees it advance in steps, not per
 * sample. Recording (the A/D bit of the 0xB/0xC commands, 0x24/0x2C)
 * records silence at the same pace: there is no input source.
 */
#ifndef SHADOW86_DEVICES_SB16_H
#define SHADOW86_DEVICES_SB16_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/irq.h"
#include "base/state.h"
#include "devices/audio_src.h"
#include "devices/i8237.h"
#include "devices/iobus.h"

#define SB16_BASE 0x220
#define SB16_QUEUE 64            /* DSP read-data bytes buffered */
#define SB16_MIXER_REGS 256

/* Mixer register 0x80's IRQ choices, in its bit order. */
#define SB16_IRQS 4
extern const uint8_t sb16_irq_numbers[SB16_IRQS];   /* 2 (9), 5, 7, 10 */

struct sb16 {
    struct clock *clock;
    struct i8237 *dma;
    struct irq_line irq[SB16_IRQS];
    int timer;                   /* end of the current DMA block */
    FILE *log;
    uint32_t logged;

    /* DSP command interface */
    uint8_t reset_high;          /* port 6 bit 0 as last written */
    uint8_t cmd;                 /* command awaiting parameters (0: none) */
    uint8_t nparams, params_got;
    uint8_t params[4];
    uint8_t queue[SB16_QUEUE];   /* bytes for the read-data port */
    uint8_t q_head, q_len;
    uint8_t test_reg;            /* 0xE4 / 0xE8 */
    uint8_t speaker;             /* 0xD1 / 0xD3 (status only on a DSP 4) */
    uint16_t rate;               /* Hz, from 0x40 / 0x41 / 0x42 */
    uint16_t block_len;          /* 0x48: bytes - 1 */
    uint8_t direct;              /* 0x10's 8-bit sample, held */
    uint8_t irq_pending;         /* bit 0: 8-bit DMA / 0xF2, bit 1: 16-bit / 0xF3 */
    uint8_t irq_driven;          /* bit i: irq[i] is held high by this card */

    /* The DMA transfer */
    uint8_t active;              /* a transfer is running */
    uint8_t paused;
    uint8_t bits16, stereo, is_signed, autoinit, input, exit_pending;
    uint32_t block_frames;       /* device frames (samples per channel) a block */
    uint32_t fetched;            /* frames of this block read from DMA */
    uint32_t seg_base;           /* frames of this block done at seg_start */
    uint64_t seg_start;          /* output frame the running segment began at */
    uint16_t cur_l, cur_r;       /* the sample playing (int16 as read, two's complement) */

    uint8_t mixer_index;
    uint8_t mixer[SB16_MIXER_REGS];

    struct audio_src out;

    /* Called before a mixer level changes (the OPL3 renders up to now
     * with the old FM level). */
    void (*before_mixer)(void *opaque);
    void *mixer_observer;
};

int sb16_init(struct sb16 *s, struct iobus *bus, struct clock *clock, struct i8237 *dma,
              const struct irq_line irq[SB16_IRQS], FILE *log);
void sb16_reset(struct sb16 *s);     /* power-on: DSP and mixer */
void sb16_save(const struct sb16 *s, struct state_writer *w);
int sb16_load(struct sb16 *s, struct state_reader *r);
void sb16_free(struct sb16 *s);
/* Render the frames before frame `end` (an audio source). */
void sb16_render(void *sb16, uint64_t end);

/* Inside the device (sb16_*.c). */
void sb16_dsp_reset(struct sb16 *s);
void sb16_dsp_write(struct sb16 *s, uint8_t v);
void sb16_queue_put(struct sb16 *s, uint8_t v);
void sb16_mixer_reset(struct sb16 *s);
/* Volume: a 5-bit attenuator level (2 dB a step, 31 = 0 dB, 0 = off) as a
 * Q16 gain. */
uint32_t sb16_gain_q16(unsigned level);
uint8_t sb16_mixer_read(struct sb16 *s);
void sb16_mixer_write(struct sb16 *s, uint8_t v);
void sb16_update_irq(struct sb16 *s);
/* The DMA engine (sb16_play.c). */
void sb16_catch_up(struct sb16 *s);
void sb16_play_start(struct sb16 *s, int bits16, int stereo, int is_signed, int autoinit,
                     int input, uint32_t samples);
void sb16_play_stop(struct sb16 *s);
void sb16_play_pause(struct sb16 *s, int pause);
void sb16_play_rebase(struct sb16 *s);
void sb16_play_arm(struct sb16 *s);
int sb16_dma_channel(const struct sb16 *s, int bits16);

#endif
