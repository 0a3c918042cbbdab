/* Yamaha YMF262 (OPL3) FM synthesizer, as on the Sound Blaster 16.
 *
 * Ports: 0x388/0x389 (bank 0 address/data, the AdLib's) and 0x38A/0x38B
 * (bank 1), the same four at the SB16's base+0..3 (0x220-0x223), and
 * base+8/9 (0x228/0x229) as a second path to bank 0. Reading an even port
 * gives the status register: bit 7 IRQ (either flag), bit 6 timer 1
 * overflowed, bit 5 timer 2 overflowed; bits 4-0 read 0 (an OPL2 reads 6
 * there: how programs tell the two apart). Odd ports read 0xFF.
 *
 * The chip: 18 channels of two operators (36), pairs of channels joined
 * into 4-operator channels by register 0x104, 8 waveforms (4 with the
 * NEW bit of 0x105 clear, the OPL2's), envelope generator with attack,
 * decay, sustain, release, key scale rate and level, tremolo and vibrato,
 * feedback, rhythm mode (0xBD), CHA/CHB stereo outputs (CHC/CHD are not
 * wired on the SB16), two timers (80 us and 320 us a count). Facts from
 * Yamaha's YMF262 and YM3812 application manuals; the arithmetic (log-sine
 * and exponential tables, envelope step pacing) is this file's own,
 * described in devices/opl3_synth.c and docs/platform.md.
 *
 * Samples: the chip runs at 14.31818 MHz / 288 = 49716 Hz. Native sample n
 * belongs to machine time n / 49716 s; output frame k of the 44.1 kHz
 * stream (devices/audio_src.h) is the linear interpolation between native
 * samples floor(k * 49716 / 44100) and the next. The chip computes native
 * samples lazily, as the output frames that need them are rendered: up
 * to "now" before every register write (whether or not an audio output is
 * chosen, so the chip's state at a given machine time never depends on
 * it), and when the board collects frames. Register writes therefore take
 * effect at the first output frame at or after the write, and two runs
 * give the same samples bit for bit.
 *
 * While any operator sounds, a clock timer brings the chip up to date
 * every OPL3_TICK_NS of machine time, so that without an audio output
 * (where nothing else collects frames) the work is spread evenly rather
 * than done in one piece at the guest's next register write.
 *
 * The chip's own timers need no clock timer: the OPL's IRQ output is not wired on
 * the SB16 (nor on the AdLib's common jumpering), so nothing but a status
 * read can see them; a read computes the overflows up to now from the
 * machine clock. A started timer overflows (256 - count) * 80 us (timer 1)
 * or * 320 us (timer 2) after the start bit was set, then every period of
 * the count register as it is at each overflow.
 */
#ifndef SHADOW86_DEVICES_OPL3_H
#define SHADOW86_DEVICES_OPL3_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/state.h"
#include "devices/audio_src.h"
#include "devices/iobus.h"

#define OPL3_RATE 49716u          /* 14318180 / 288 */
#define OPL3_CHANNELS 18
#define OPL3_OPERATORS 36
#define OPL3_ADLIB_BASE 0x388
#define OPL3_T1_NS 80000ull       /* timer 1: one count */
#define OPL3_T2_NS 320000ull      /* timer 2 */
#define OPL3_TICK_NS 50000000ull  /* catch-up period while a note sounds */

/* Status register bits. */
#define OPL3_ST_IRQ 0x80
#define OPL3_ST_T1 0x40
#define OPL3_ST_T2 0x20

enum opl3_eg_state { OPL3_EG_OFF, OPL3_EG_ATTACK, OPL3_EG_DECAY, OPL3_EG_SUSTAIN, OPL3_EG_RELEASE };

struct opl3_op {
    /* Saved. */
    uint32_t phase;        /* 21 bits: a cycle is 2^21 */
    uint32_t eg_acc;       /* envelope pacing, 24-bit fraction of a step */
    uint16_t eg;           /* attenuation, 0.1875 dB units, 0 (loud) - 511 */
    uint8_t eg_state;      /* enum opl3_eg_state */
    uint8_t key;           /* bit 0: the channel's KON, bit 1: rhythm mode's bit */
    int16_t out, prev;     /* the last two outputs (for feedback) */

    /* Derived from the registers (opl3_update_op), not saved. */
    uint16_t fnum;         /* frequency number and block of its channel */
    uint8_t block;
    uint8_t mult2;         /* frequency multiplier times 2 */
    uint8_t am, vib, egt;
    uint8_t wave;          /* 0-7, after the NEW bit's limit */
    uint16_t level;        /* total level + key scale level, 0.1875 dB units */
    uint16_t sl;           /* sustain level, same units */
    uint32_t inc_a, inc_d, inc_r;   /* envelope pacing per sample (0: stopped) */
    uint8_t instant;       /* attack rate 60-63: the level jumps to 0 */
};

struct opl3 {
    struct clock *clock;
    int timer;             /* the catch-up tick */
    FILE *log;
    uint32_t logged;
    const uint8_t *mixer;  /* the SB16 mixer's registers (master, FM), or NULL: 0 dB */

    uint16_t addr;         /* latched register: bank << 8 | index */
    uint8_t regs[512];     /* as written, bank 1 at 0x100 */
    uint8_t status;        /* IRQ, T1, T2 flags */
    uint64_t t1_next, t2_next;   /* next overflow time (ns), CLOCK_NEVER: stopped */

    struct opl3_op op[OPL3_OPERATORS];
    uint32_t noise;        /* 23-bit LFSR for the rhythm's hi-hat, snare, cymbal */

    /* The sample streams. */
    uint64_t base;         /* native samples base and base+1 are s0 and s1 */
    int16_t s0[2], s1[2];  /* L, R */
    uint64_t frame;        /* next output frame this chip renders */

    struct audio_src out;
};

/* Wire at `ports` (NULL-terminated list of bases: each takes 4 ports: the
 * SB16's base, 0x388) plus, if `bank0_alias` is nonzero, bank 0 at
 * bank0_alias/+1. `mixer` as above. Returns 0 or -1 (ports taken). */
int opl3_init(struct opl3 *s, struct iobus *bus, struct clock *clock, const uint16_t *ports,
              uint16_t bank0_alias, const uint8_t *mixer, FILE *log);
void opl3_reset(struct opl3 *s);     /* power-on: all registers 0, silent */
void opl3_save(const struct opl3 *s, struct state_writer *w);
int opl3_load(struct opl3 *s, struct state_reader *r);
void opl3_free(struct opl3 *s);
/* Render the frames before frame `end` (an audio source). */
void opl3_render(void *opl3, uint64_t end);
/* Bring the chip up to now (before a change that affects its output,
 * e.g. the SB16 mixer's FM level). */
void opl3_catch_up(void *opl3);

/* The guest's view (what the ports do; the unit tests drive these). */
uint8_t opl3_read_status(struct opl3 *s);
void opl3_write(struct opl3 *s, unsigned reg, uint8_t v);   /* reg: bank << 8 | index */

/* Inside the device (opl3_synth.c). */
void opl3_update_op(struct opl3 *s, unsigned slot);
void opl3_update_all(struct opl3 *s);
void opl3_key(struct opl3 *s, unsigned slot, uint8_t key);
/* Compute native sample n (the next one) into out[2] (L, R). */
void opl3_generate(struct opl3 *s, uint64_t n, int16_t out[2]);

#endif
