/* The OPL3 through its ports on a virtual clock: a 2-op sine at a known
 * F-number and block plays at F * 49716 / 2^(20 - block) Hz (zero
 * crossings and a DFT at that bin), the envelope's attack and decay follow
 * the datasheet's decay time per rate, the waveform registers (4 in OPL2
 * mode, 8 with NEW), the 4-operator connections, the CHA/CHB outputs,
 * rhythm mode's bass drum and hi-hat, the timers' flags at their virtual times, and a saved state playing on bit
 * for bit. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "devices/opl3.h"
#include "check_run.h"
#include "dev_harness.h"

static struct harness h;
static struct iobus bus;
static struct opl3 chip;

static void setup(void)
{
    harness_init(&h);
    iobus_init(&bus);
    static const uint16_t ports[] = { OPL3_ADLIB_BASE, 0 };
    ck_assert_int_eq(opl3_init(&chip, &bus, &h.clock, ports, 0, NULL, NULL), 0);
    audio_src_start(&chip.out, 1, chip.frame);
}

static void teardown(void)
{
    opl3_free(&chip);
}

/* Register write through the ports (bank 1 for reg >= 0x100). */
static void w(unsigned reg, uint8_t v)
{
    uint16_t a = reg & 0x100 ? OPL3_ADLIB_BASE + 2 : OPL3_ADLIB_BASE;
    iobus_write(&bus, a, 1, reg & 0xFF);
    iobus_write(&bus, (uint16_t)(a + 1), 1, v);
}

static uint8_t status(void)
{
    return (uint8_t)iobus_read(&bus, OPL3_ADLIB_BASE, 1);
}

/* Let `ns` of machine time pass and collect its frames: `ch` 0 left,
 * 1 right, into a new array of *n samples. */
static int16_t *play(uint64_t ns, int ch, size_t *n)
{
    harness_advance(&h, ns);
    opl3_render(&chip, audio_frame_at(clock_now(&h.clock)));
    *n = chip.out.len;
    int16_t *v = malloc(*n * sizeof *v + 1);
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < *n; i++)
        v[i] = chip.out.buf[2 * i + ch];
    audio_src_taken(&chip.out);
    return v;
}

#define PI 3.14159265358979323846

/* Magnitude of frequency f (Hz) in v[0..n) through a Hann window,
 * normalised to a sine's peak. */
static double dft(const int16_t *v, size_t n, double f)
{
    double re = 0, im = 0;
    for (size_t i = 0; i < n; i++) {
        double a = 2 * PI * f * (double)i / AUDIO_RATE;
        double win = 0.5 - 0.5 * cos(2 * PI * (double)i / (double)n);
        re += win * v[i] * cos(a);
        im += win * v[i] * sin(a);
    }
    return 4 * sqrt(re * re + im * im) / (double)n;
}

static unsigned crossings(const int16_t *v, size_t n)
{
    unsigned c = 0;
    int last = 0;
    for (size_t i = 0; i < n; i++) {
        int sgn = v[i] > 0 ? 1 : v[i] < 0 ? -1 : 0;
        if (sgn && last && sgn != last)
            c++;
        if (sgn)
            last = sgn;
    }
    return c;
}

static int16_t peak(const int16_t *v, size_t n)
{
    int p = 0;
    for (size_t i = 0; i < n; i++)
        if (abs(v[i]) > p)
            p = abs(v[i]);
    return (int16_t)p;
}

/* Operator `off` (register offset) as a carrier: multiplier, attack and
 * decay rates, sustain level, release rate, total level, sustained. */
static void op(unsigned bank, unsigned off, unsigned mult, unsigned ar, unsigned dr, unsigned sl,
               unsigned rr, unsigned tl)
{
    w(bank + 0x20 + off, (uint8_t)(0x20 | mult));
    w(bank + 0x40 + off, (uint8_t)tl);
    w(bank + 0x60 + off, (uint8_t)(ar << 4 | dr));
    w(bank + 0x80 + off, (uint8_t)(sl << 4 | rr));
}

static void note(unsigned ch, unsigned fnum, unsigned block, int on)
{
    unsigned bank = ch >= 9 ? 0x100 : 0;
    w(bank + 0xA0 + ch % 9, fnum & 0xFF);
    w(bank + 0xB0 + ch % 9, (uint8_t)((on ? 0x20 : 0) | block << 2 | fnum >> 8));
}

/* Channel 0 as one sine: the modulator silent (attack rate 0 never
 * leaves -96 dB), the carrier at full level from the key-on. */
static void sine_voice(unsigned mult)
{
    op(0, 0x00, 1, 0, 0, 0, 0, 0);
    op(0, 0x03, mult, 15, 0, 0, 0, 0);
}

START_TEST(sine_frequency)
{
    static const struct { unsigned fnum, block, mult; } cases[] = {
        { 580, 4, 1 },   /* 439.99 Hz */
        { 580, 5, 1 },   /* an octave up */
        { 580, 4, 2 },   /* the multiplier doubles too */
        { 345, 3, 1 },   /* 130.9 Hz */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sine_voice(cases[i].mult);
        note(0, cases[i].fnum, cases[i].block, 1);
        size_t n;
        int16_t *v = play(1000000000ull, 0, &n);
        double f = cases[i].fnum * (double)OPL3_RATE / (double)(1u << (20 - cases[i].block)) *
                   cases[i].mult;
        ck_assert_uint_ge(n, 44099);
        /* One second: twice f sign changes. */
        unsigned c = crossings(v, n);
        ck_assert_msg(fabs(c - 2 * f) <= 3, "case %u: %u zero crossings for %.2f Hz", i, c, f);
        double at = dft(v, n, f), off = dft(v, n, f * 1.05), off2 = dft(v, n, f * 0.95);
        ck_assert_msg(at > 3900 && at < 4100, "case %u: %.1f at %.2f Hz", i, at, f);
        ck_assert_msg(off < at / 100 && off2 < at / 100, "case %u: %.1f / %.1f beside the note",
                      i, off, off2);
        ck_assert_int_ge(peak(v, n), 4000);
        ck_assert_int_le(peak(v, n), 4095);
        free(v);
        /* OPL2 mode: both outputs the same. */
        note(0, cases[i].fnum, cases[i].block, 0);
        w(0x83, 0x0F);   /* release at rate 15: quiet before the next case */
        free(play(50000000ull, 0, &n));
    }
}
END_TEST

START_TEST(envelope_attack_decay)
{
    /* Attack rate 5, decay rate 5 to -93 dB, sustained. */
    op(0, 0x00, 1, 0, 0, 0, 0, 0);
    op(0, 0x03, 1, 5, 5, 15, 0, 0);
    note(0, 580, 4, 1);
    size_t n;
    int16_t *v = play(1200000000ull, 0, &n);
    /* Peak of each 10 ms window (441 frames). */
    size_t nw = n / 441;
    int16_t win[128];
    ck_assert_uint_le(nw, 128);
    for (size_t i = 0; i < nw; i++)
        win[i] = peak(v + i * 441, 441);
    size_t top = 0;
    for (size_t i = 0; i < nw; i++)
        if (win[i] > win[top])
            top = i;
    /* Rate 5 at block 4 with KSR clear: key code 8 (block 4, F-number bit
     * 9 clear), its top two bits add 2: effective rate 22. Rate 20 takes
     * the datasheet's 39.28 s / 2^4 = 2.455 s for 512 steps, rate 22 1.5
     * times as fast: 1.637 s. The attack is 35 such steps, 112 ms. */
    ck_assert_msg(top >= 10 && top <= 12, "full level in window %zu (not 100-120 ms)", top);
    ck_assert_int_ge(win[top], 4000);
    for (size_t i = 1; i <= top; i++)
        ck_assert_msg(win[i] >= win[i - 1], "attack not rising at %zu ms", i * 10);
    ck_assert_msg(win[2] < win[top] / 8, "attack too fast: %d at 20 ms", win[2]);
    for (size_t i = top + 1; i < nw; i++)
        ck_assert_msg(win[i] <= win[i - 1], "decay not falling at %zu ms", i * 10);
    /* 0.5 s into the decay: 0.5 * 512 / 1.637 steps of 0.1875 dB = 29.3 dB. */
    double expect = 4095 * pow(10, -29.32 / 20);
    int got = win[top + 50];
    ck_assert_msg(got > expect * 0.88 && got < expect * 1.13, "%d 0.5 s into the decay, expected %.0f",
                  got, expect);
    free(v);
}
END_TEST

/* Share of frames at 0, share below 0, and peak of one waveform. */
static void wave_stats(unsigned ws, double *zero, double *neg, int *pk)
{
    w(0xE3, (uint8_t)ws);
    note(0, 580, 1, 1);   /* 55 Hz: 800 frames a cycle */
    size_t n, z = 0, m = 0;
    free(play(10000000ull, 0, &n));
    int16_t *v = play(200000000ull, 0, &n);
    for (size_t i = 0; i < n; i++) {
        z += v[i] == 0;
        m += v[i] < 0;
    }
    *zero = (double)z / (double)n;
    *neg = (double)m / (double)n;
    *pk = peak(v, n);
    free(v);
    note(0, 580, 1, 0);
    free(play(10000000ull, 0, &n));
}

START_TEST(waveforms)
{
    sine_voice(1);
    w(0x83, 0x0F);
    double z, ng;
    int pk;
    /* NEW clear: only the OPL2's four (the register's bit 2 ignored). */
    wave_stats(0, &z, &ng, &pk);
    ck_assert(z < 0.01 && ng > 0.45 && ng < 0.55 && pk > 4000);
    wave_stats(1, &z, &ng, &pk);   /* half sine */
    ck_assert(z > 0.45 && z < 0.55 && ng == 0 && pk > 4000);
    wave_stats(5, &z, &ng, &pk);   /* 5 & 3: half sine again */
    ck_assert(z > 0.45 && z < 0.55 && ng == 0 && pk > 4000);
    wave_stats(2, &z, &ng, &pk);   /* absolute sine */
    ck_assert(z < 0.01 && ng == 0 && pk > 4000);
    wave_stats(3, &z, &ng, &pk);   /* quarter pulses */
    ck_assert(z > 0.45 && z < 0.55 && ng == 0 && pk > 4000);
    wave_stats(6, &z, &ng, &pk);   /* 6 & 3 = 2 */
    ck_assert(z < 0.01 && ng == 0);

    w(0x105, 1);   /* NEW: all eight (and the outputs chosen by CHA/CHB) */
    w(0xC0, 0x30);
    wave_stats(4, &z, &ng, &pk);   /* double-rate sine, first half */
    ck_assert(z > 0.45 && z < 0.55 && ng > 0.2 && ng < 0.3 && pk > 4000);
    wave_stats(5, &z, &ng, &pk);   /* double-rate absolute sine, first half */
    ck_assert(z > 0.45 && z < 0.55 && ng == 0 && pk > 4000);
    wave_stats(6, &z, &ng, &pk);   /* square */
    ck_assert(z < 0.01 && ng > 0.45 && ng < 0.55);
    {
        note(0, 580, 1, 1);
        size_t n, full = 0;
        int16_t *v = play(100000000ull, 0, &n);
        for (size_t i = 0; i < n; i++)
            full += abs(v[i]) >= 4090;
        ck_assert_msg(full > n * 95 / 100, "square: %zu of %zu frames at full level", full, n);
        free(v);
        note(0, 580, 1, 0);
        free(play(10000000ull, 0, &n));
    }
    wave_stats(7, &z, &ng, &pk);   /* derived square: falls from full each half */
    ck_assert(z < 0.3 && ng > 0.35 && ng < 0.5 && pk > 4000);   /* the tail of each half rounds to 0 */
}
END_TEST

/* Channels 0 and 3 as one 4-op voice: op 1 (ch 0's modulator) and op 4
 * (ch 3's carrier) audible at f and 2f, ops 2 and 3 silent. */
static void fourop_voice(unsigned cnt0, unsigned cnt3)
{
    op(0, 0x00, 1, 15, 0, 0, 0, 0);    /* op 1: mult 1 */
    op(0, 0x03, 1, 0, 0, 0, 0, 0);     /* op 2: silent */
    op(0, 0x08, 1, 0, 0, 0, 0, 0);     /* op 3: silent */
    op(0, 0x0B, 2, 15, 0, 0, 0, 0);    /* op 4: mult 2 */
    w(0xC0, (uint8_t)(0x30 | cnt0));   /* both outputs */
    w(0xC3, (uint8_t)(0x30 | cnt3));
}

static void measure(double f, double *at1, double *at2)
{
    size_t n;
    note(0, 580, 4, 1);
    free(play(5000000ull, 0, &n));
    int16_t *v = play(200000000ull, 0, &n);
    *at1 = dft(v, n, f);
    *at2 = dft(v, n, 2 * f);
    free(v);
    note(0, 580, 4, 0);
    w(0x80, 0x0F);
    w(0x8B, 0x0F);
    free(play(20000000ull, 0, &n));
}

START_TEST(four_operator)
{
    double f = 580 * (double)OPL3_RATE / 65536, a, b;
    w(0x105, 1);
    /* Channel 3's own frequency and key are ignored in a pair. */
    note(3, 100, 1, 0);

    w(0x104, 0x01);
    fourop_voice(1, 1);   /* 1 + (2 -> 3) + 4: both tones */
    measure(f, &a, &b);
    ck_assert_msg(a > 3900 && b > 3900, "AM-AM: %.0f at f, %.0f at 2f", a, b);
    fourop_voice(0, 0);   /* 1 -> 2 -> 3 -> 4: op 4 alone (its modulator silent) */
    measure(f, &a, &b);
    ck_assert_msg(a < 40 && b > 3900, "FM-FM: %.0f at f, %.0f at 2f", a, b);
    fourop_voice(1, 0);   /* 1 + (2 -> 3 -> 4): both */
    measure(f, &a, &b);
    ck_assert_msg(a > 3900 && b > 3900, "AM-FM: %.0f at f, %.0f at 2f", a, b);
    fourop_voice(0, 1);   /* (1 -> 2) + (3 -> 4): op 4 alone */
    measure(f, &a, &b);
    ck_assert_msg(a < 40 && b > 3900, "FM-AM: %.0f at f, %.0f at 2f", a, b);

    /* Pair off: channel 0 is op 1 + op 2 (additive), channel 3 unkeyed. */
    w(0x104, 0x00);
    fourop_voice(1, 1);
    measure(f, &a, &b);
    ck_assert_msg(a > 3900 && b < 40, "2-op: %.0f at f, %.0f at 2f", a, b);
}
END_TEST

START_TEST(stereo_outputs)
{
    w(0x105, 1);
    sine_voice(1);
    w(0xC0, 0x10);   /* CHA only: left */
    note(0, 580, 4, 1);
    size_t n;
    int16_t *l = play(50000000ull, 0, &n);
    ck_assert_int_ge(peak(l, n), 4000);
    free(l);
    w(0xC0, 0x20);   /* CHB only: right */
    free(play(1000000ull, 0, &n));
    int16_t *r = play(50000000ull, 1, &n);
    ck_assert_int_ge(peak(r, n), 4000);
    free(r);
    l = play(50000000ull, 0, &n);
    ck_assert_int_eq(peak(l, n), 0);
    free(l);
}
END_TEST

START_TEST(rhythm)
{
    double f = 580 * (double)OPL3_RATE / 65536;
    op(0, 0x10, 1, 0, 0, 0, 0, 0);    /* bass drum: modulator silent */
    op(0, 0x13, 1, 15, 0, 0, 15, 0);  /* ... carrier */
    w(0xC6, 0x01);                    /* CNT: the carrier alone */
    note(6, 580, 4, 0);
    op(0, 0x11, 1, 15, 0, 0, 15, 0);  /* hi-hat (channel 7's first operator) */
    note(7, 580, 4, 0);
    size_t n;
    w(0xBD, 0x10);                    /* the drum bit without rhythm mode */
    int16_t *v = play(50000000ull, 0, &n);
    ck_assert_int_eq(peak(v, n), 0);
    free(v);

    w(0xBD, 0x30);                    /* rhythm mode, bass drum */
    free(play(5000000ull, 0, &n));
    v = play(200000000ull, 0, &n);
    double a = dft(v, n, f);
    ck_assert_msg(a > 7900 && a < 8300, "bass drum: %.0f at %.1f Hz (twice a voice's level)", a, f);
    free(v);
    w(0xBD, 0x20);
    free(play(20000000ull, 0, &n));

    w(0xBD, 0x21);                    /* hi-hat: phase from bits and noise */
    v = play(200000000ull, 0, &n);
    a = dft(v, n, f);
    ck_assert_int_ge(peak(v, n), 4000);
    ck_assert_msg(a < peak(v, n) / 2, "hi-hat: a tone of %.0f at %.1f Hz", a, f);
    free(v);
}
END_TEST

START_TEST(timers)
{
    /* The AdLib detection sequence. */
    w(0x04, 0x60);
    w(0x04, 0x80);
    ck_assert_uint_eq(status(), 0);   /* bits 4-0 clear: an OPL3 */
    w(0x02, 0xFF);
    w(0x04, 0x21);                    /* start timer 1, timer 2 masked */
    harness_advance(&h, 79000);
    ck_assert_uint_eq(status(), 0);
    harness_advance(&h, 1000);        /* 80 us: one count */
    ck_assert_uint_eq(status() & 0xE0, 0xC0);
    /* It goes on overflowing: reset at 100 us, again at 160 us. */
    harness_advance(&h, 20000);
    w(0x04, 0x80);
    ck_assert_uint_eq(status(), 0);
    harness_advance(&h, 59000);
    ck_assert_uint_eq(status(), 0);
    harness_advance(&h, 1000);
    ck_assert_uint_eq(status(), 0xC0);
    w(0x04, 0x60);                    /* masking clears the flags */
    ck_assert_uint_eq(status(), 0);

    /* Timer 2: 320 us a count, count 0xFE: 640 us. */
    w(0x04, 0x00);
    w(0x04, 0x80);
    w(0x03, 0xFE);
    w(0x04, 0x42);                    /* start timer 2, timer 1 masked */
    harness_advance(&h, 639000);
    ck_assert_uint_eq(status(), 0);
    harness_advance(&h, 1000);
    ck_assert_uint_eq(status(), 0xA0);
    /* Both, timer 1 from 0x00: 256 counts = 20.48 ms. */
    w(0x04, 0x80);
    w(0x04, 0x00);
    w(0x02, 0x00);
    w(0x04, 0x03);
    harness_advance(&h, 20479000);
    ck_assert_uint_eq(status() & OPL3_ST_T1, 0);
    ck_assert_uint_eq(status(), 0xA0);   /* timer 2 overflowed 32 times meanwhile */
    harness_advance(&h, 1000);
    ck_assert_uint_eq(status(), 0xE0);
    /* A masked timer sets no flag. */
    w(0x04, 0x80);
    w(0x04, 0x60 | 0x03);
    harness_advance(&h, 30000000);
    ck_assert_uint_eq(status(), 0);
}
END_TEST

START_TEST(tick_spreads_the_work)
{
    /* No audio output: only the tick brings the chip up to date. */
    audio_src_start(&chip.out, 0, chip.frame);
    sine_voice(1);
    w(0x83, 0x0F);
    ck_assert_uint_eq(clock_deadline(&h.clock, chip.timer), CLOCK_NEVER);
    note(0, 580, 4, 1);
    ck_assert_uint_ne(clock_deadline(&h.clock, chip.timer), CLOCK_NEVER);
    harness_advance(&h, 1000000000ull);
    uint64_t due = audio_frame_at(clock_now(&h.clock));
    uint64_t tick_frames = OPL3_TICK_NS * AUDIO_RATE / 1000000000ull + 1;
    ck_assert_msg(chip.frame + tick_frames >= due && chip.frame <= due,
                  "the chip is at frame %llu, now is %llu", (unsigned long long)chip.frame,
                  (unsigned long long)due);
    /* Released and silent: the tick stops. */
    note(0, 580, 4, 0);
    harness_advance(&h, 200000000ull);
    ck_assert_uint_eq(clock_deadline(&h.clock, chip.timer), CLOCK_NEVER);
    uint64_t at = chip.frame;
    harness_advance(&h, 1000000000ull);
    ck_assert_uint_eq(chip.frame, at);
}
END_TEST

START_TEST(saved_state_plays_on)
{
    w(0x105, 1);
    op(0, 0x00, 3, 12, 2, 4, 5, 10);
    op(0, 0x03, 1, 10, 3, 6, 4, 0);
    w(0xC0, 0x3E);   /* feedback 7, FM */
    w(0xBD, 0xC0);
    w(0x20, 0xE3);   /* tremolo, vibrato */
    note(0, 600, 4, 1);
    size_t n;
    free(play(300000000ull, 0, &n));
    struct state_writer sw;
    state_writer_init(&sw);
    opl3_save(&chip, &sw);
    ck_assert(!state_writer_failed(&sw));
    uint64_t insns = h.insns;
    int16_t *a = play(300000000ull, 0, &n);
    size_t na = n;

    /* A second chip on a clock at the same time, loaded. */
    struct harness h2;
    harness_init(&h2);
    h2.insns = insns;
    struct iobus bus2;
    iobus_init(&bus2);
    struct opl3 c2;
    static const uint16_t ports[] = { OPL3_ADLIB_BASE, 0 };
    ck_assert_int_eq(opl3_init(&c2, &bus2, &h2.clock, ports, 0, NULL, NULL), 0);
    struct state_reader sr;
    state_reader_init(&sr, sw.buf, sw.len);
    ck_assert_int_eq(opl3_load(&c2, &sr), 0);
    audio_src_start(&c2.out, 1, audio_frame_at(clock_now(&h2.clock)));
    harness_advance(&h2, 300000000ull);
    opl3_render(&c2, audio_frame_at(clock_now(&h2.clock)));
    ck_assert_uint_eq(c2.out.len, na);
    ck_assert_int_gt(peak(a, na), 100);
    for (size_t i = 0; i < na; i++)
        ck_assert_int_eq(c2.out.buf[2 * i], a[i]);
    free(a);
    opl3_free(&c2);
    state_writer_free(&sw);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("opl3");
    TCase *tc = tcase_create("opl3");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sine_frequency);
    tcase_add_test(tc, envelope_attack_decay);
    tcase_add_test(tc, waveforms);
    tcase_add_test(tc, four_operator);
    tcase_add_test(tc, stereo_outputs);
    tcase_add_test(tc, rhythm);
    tcase_add_test(tc, timers);
    tcase_add_test(tc, tick_spreads_the_work);
    tcase_add_test(tc, saved_state_plays_on);
    suite_add_tcase(s, tc);
    return check_run(s);
}
