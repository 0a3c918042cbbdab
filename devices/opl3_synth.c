/* The OPL3's sound generation: operators, envelopes, channels, rhythm.
 *
 * An operator's output for one sample is
 *     (+/-) 4095 * 2^-(logwave(phase) / 256 + attenuation * 8 / 256)
 * computed as opl3_exp[x & 255] >> (x >> 8) (opl3_tables.c): the chip's
 * log-domain arithmetic, where every attenuation adds. Attenuation, in
 * units of 0.1875 dB (9 bits, 96 dB), is envelope + total level (0.75 dB
 * steps) + key scale level + tremolo. Operator outputs span -4095..4095;
 * a modulator's output is added to its carrier's 10-bit phase index (so a
 * full-level modulator swings the carrier +/- 4 cycles), feedback adds
 * (last + previous output) >> (9 - FB) (FB 1: pi/16 ... FB 7: 4 pi).
 *
 * Envelope pacing: an effective rate rf = 4 * R + key scale offset (0-63;
 * R = 0 stops the stage). Decay and release add one step per
 * 2^24 / inc(rf) samples, inc(rf) = (4 + rf % 4) * 2^(30 + rf / 4) /
 * 1952845, i.e. 512 steps (96 dB) take 39.28 s at rate 1 (the
 * datasheet's decay time for rate 1, 1952845 samples) and half that per
 * rate step of 4 -- 2.4 ms at rate 15. Attack steps at the same pace but
 * each removes an eighth of the attenuation plus one (exponential, as the
 * chip's attack curve): about 1/13 of the decay time. Attack rate 15 with
 * a key scale offset reaching 60 jumps to full level.
 *
 * LFOs, as functions of the native sample number n (no state): tremolo a
 * triangle of 210 steps of 64 samples (3.7 Hz), 0-4.8 dB (DAM=1) or
 * 0-1.2 dB; vibrato 8 steps of 1024 samples (6.07 Hz), the F-number moved
 * by up to F/128 (DVB=1, ~14 cents) or F/256.
 */
#include "devices/opl3.h"
#include "devices/opl3_tables.h"

#define PHASE_MASK 0x1FFFFFu
#define SILENT 0xFFFFu

/* Register offset (0x00-0x15) of an operator within its bank. */
static int slot_offset(unsigned slot)
{
    unsigned s = slot % 18;
    return (int)((s / 6) * 8 + s % 6);
}

static unsigned slot_channel(unsigned slot)
{
    unsigned s = slot % 18;
    return (slot / 18) * 9 + (s / 6) * 3 + s % 3;
}

static unsigned channel_slot(unsigned ch)
{
    unsigned cc = ch % 9;
    return (ch / 9) * 18 + (cc / 3) * 6 + cc % 3;
}

static unsigned reg_of(unsigned ch, unsigned base)
{
    return (ch / 9) * 256 + base + ch % 9;
}

/* 0: ordinary 2-op channel; 1: first of a 4-op pair; 2: second. */
static int fourop_role(const struct opl3 *s, unsigned ch)
{
    if (!(s->regs[0x105] & 1))
        return 0;
    unsigned cc = ch % 9;
    if (cc >= 6)
        return 0;
    unsigned bit = (ch / 9) * 3 + cc % 3;
    if (!(s->regs[0x104] & (1u << bit)))
        return 0;
    return cc < 3 ? 1 : 2;
}

static int rhythm_on(const struct opl3 *s)
{
    return (s->regs[0xBD] & 0x20) != 0;
}

static const uint8_t mult2_of[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 20, 24, 24, 30, 30 };
/* Key scale level at block 7 by the F-number's top 4 bits, 0.1875 dB
 * units (the YM3812 manual's table, 0 - 21 dB); 6 dB less a block down. */
static const uint8_t ksl_base[16] = { 0, 48, 64, 74, 80, 86, 90, 94, 96, 100, 102, 104, 106, 108, 110, 112 };

static uint32_t rate_inc(unsigned r, unsigned rof)
{
    if (!r)
        return 0;
    unsigned rf = 4 * r + rof;
    if (rf > 63)
        rf = 63;
    return (uint32_t)(((uint64_t)(4 + rf % 4) << (30 + rf / 4)) / 1952845u);
}

void opl3_update_op(struct opl3 *s, unsigned slot)
{
    struct opl3_op *o = &s->op[slot];
    unsigned ch = slot_channel(slot);
    unsigned fch = fourop_role(s, ch) == 2 ? ch - 3 : ch;   /* a 4-op pair plays the first's note */
    unsigned bank = (slot / 18) * 256, off = (unsigned)slot_offset(slot);
    uint8_t bx = s->regs[reg_of(fch, 0xB0)];
    o->fnum = (uint16_t)(s->regs[reg_of(fch, 0xA0)] | (bx & 3) << 8);
    o->block = (bx >> 2) & 7;
    uint8_t r20 = s->regs[bank + 0x20 + off], r40 = s->regs[bank + 0x40 + off];
    uint8_t r60 = s->regs[bank + 0x60 + off], r80 = s->regs[bank + 0x80 + off];
    o->am = r20 >> 7;
    o->vib = (r20 >> 6) & 1;
    o->egt = (r20 >> 5) & 1;
    o->mult2 = mult2_of[r20 & 15];
    o->wave = s->regs[bank + 0xE0 + off] & 7;
    if (!(s->regs[0x105] & 1))
        o->wave &= 3;   /* OPL2 mode */

    /* Key scale rate: the key code is block and one F-number bit (bit 9,
     * or bit 8 with NTS), used whole (KSR=1) or its top two bits. */
    unsigned nbit = (s->regs[0x08] & 0x40) ? (o->fnum >> 8) & 1 : (o->fnum >> 9) & 1;
    unsigned kc = (unsigned)o->block << 1 | nbit;
    unsigned rof = (r20 & 0x10) ? kc : kc >> 2;
    o->inc_a = rate_inc(r60 >> 4, rof);
    o->instant = (r60 >> 4) && 4 * (r60 >> 4) + rof >= 60;
    o->inc_d = rate_inc(r60 & 15, rof);
    o->inc_r = rate_inc(r80 & 15, rof);
    unsigned sl = r80 >> 4;
    o->sl = (uint16_t)((sl == 15 ? 31 : sl) * 16);

    int ksl = (int)ksl_base[o->fnum >> 6] - (7 - o->block) * 32;
    if (ksl < 0)
        ksl = 0;
    static const uint8_t ksl_shift[4] = { 8, 1, 2, 0 };   /* off, 3, 1.5, 6 dB/octave */
    unsigned k = r40 >> 6;
    o->level = (uint16_t)((r40 & 63) * 4 + (k ? (unsigned)ksl >> ksl_shift[k] : 0));
}

void opl3_key(struct opl3 *s, unsigned slot, uint8_t key)
{
    struct opl3_op *o = &s->op[slot];
    uint8_t old = o->key;
    o->key = key;
    if (!old && key) {
        o->phase = 0;
        o->eg_acc = 0;
        o->eg_state = OPL3_EG_ATTACK;
        if (o->instant) {
            o->eg = 0;
            o->eg_state = OPL3_EG_DECAY;
        }
    } else if (old && !key && o->eg_state != OPL3_EG_OFF) {
        o->eg_state = OPL3_EG_RELEASE;
    }
}

/* Recompute every operator's key from KON bits, 4-op pairs and rhythm. */
static void update_keys(struct opl3 *s)
{
    static const uint8_t rhythm_bit[18] = {
        [12] = 0x10, [15] = 0x10,   /* bass drum: both operators of channel 6 */
        [13] = 0x01,                /* hi-hat */
        [16] = 0x08,                /* snare */
        [14] = 0x04,                /* tom-tom */
        [17] = 0x02,                /* cymbal */
    };
    for (unsigned slot = 0; slot < OPL3_OPERATORS; slot++) {
        unsigned ch = slot_channel(slot);
        unsigned kch = fourop_role(s, ch) == 2 ? ch - 3 : ch;
        uint8_t key = (s->regs[reg_of(kch, 0xB0)] >> 5) & 1;
        if (slot < 18 && rhythm_on(s) && (s->regs[0xBD] & rhythm_bit[slot]))
            key |= 2;
        opl3_key(s, slot, key);
    }
}

void opl3_update_all(struct opl3 *s)
{
    for (unsigned i = 0; i < OPL3_OPERATORS; i++)
        opl3_update_op(s, i);
    update_keys(s);
}

/* -log2 of the waveform at 10-bit phase index p, in 1/256; *neg the sign.
 * SILENT: no output. */
static unsigned wave_log(unsigned wave, unsigned p, int *neg)
{
    p &= 1023;
    *neg = 0;
    switch (wave) {
    case 0:   /* sine */
        break;
    case 1:   /* half sine */
        if (p & 512)
            return SILENT;
        break;
    case 2:   /* absolute sine */
        p &= 511;
        break;
    case 3:   /* quarter sine pulses */
        if (p & 256)
            return SILENT;
        p &= 255;
        break;
    case 4:   /* sine at twice the rate, first half only */
        if (p & 512)
            return SILENT;
        p = (p << 1) & 1023;
        break;
    case 5:   /* absolute sine at twice the rate, first half only */
        if (p & 512)
            return SILENT;
        p = (p << 1) & 511;
        break;
    case 6:   /* square */
        *neg = (p & 512) != 0;
        return 0;
    default: {   /* 7: derived square, a log-linear fall each half */
        *neg = (p & 512) != 0;
        unsigned x = p & 511;
        if (*neg)
            x = 511 - x;
        return x << 3;
    }
    }
    *neg = (p & 512) != 0;
    unsigned q = p & 255;
    if (p & 256)
        q = 255 - q;
    return opl3_logsin[q];
}

/* One operator's output at phase index p. */
static int calc(struct opl3 *s, unsigned slot, unsigned p, unsigned trem)
{
    struct opl3_op *o = &s->op[slot];
    int neg;
    unsigned lw = wave_log(o->wave, p, &neg);
    int v = 0;
    if (lw != SILENT) {
        unsigned att = o->eg + o->level + (o->am ? trem : 0);
        if (att > 511)
            att = 511;
        unsigned x = lw + (att << 3);
        if (x < (13u << 8))
            v = opl3_exp[x & 255] >> (x >> 8);
        if (neg)
            v = -v;
    }
    o->prev = o->out;
    o->out = (int16_t)v;
    return v;
}

static unsigned idx(const struct opl3 *s, unsigned slot, int mod)
{
    return (unsigned)((int)(s->op[slot].phase >> 11) + mod) & 1023;
}

/* An arithmetic right shift that does not depend on the compiler. */
static int asr(int v, unsigned n)
{
    return v >= 0 ? v >> n : -((-v + (1 << n) - 1) >> n);
}

static int feedback(const struct opl3 *s, unsigned slot, unsigned ch)
{
    unsigned fb = (s->regs[reg_of(ch, 0xC0)] >> 1) & 7;
    if (!fb)
        return 0;
    return asr(s->op[slot].out + s->op[slot].prev, 9 - fb);
}

static uint32_t pace(struct opl3_op *o, uint32_t inc)
{
    o->eg_acc += inc;
    uint32_t n = o->eg_acc >> 24;
    o->eg_acc &= 0xFFFFFF;
    return n;
}

static void advance(struct opl3 *s, struct opl3_op *o, unsigned vstep, int dvb)
{
    int f = o->fnum;
    if (o->vib) {
        static const int8_t shape[8] = { 0, 1, 2, 1, 0, -1, -2, -1 };
        int dev = o->fnum >> (dvb ? 7 : 8);
        f += shape[vstep] * dev / 2;
    }
    o->phase = (o->phase + (((uint32_t)f << o->block) * o->mult2)) & PHASE_MASK;

    uint32_t n;
    switch (o->eg_state) {
    case OPL3_EG_ATTACK:
        if (o->instant) {
            o->eg = 0;
        } else {
            n = pace(o, o->inc_a);
            while (n-- && o->eg)
                o->eg = (uint16_t)(o->eg - (o->eg >> 3) - 1);
        }
        if (!o->eg)
            o->eg_state = OPL3_EG_DECAY;
        break;
    case OPL3_EG_DECAY:
        n = o->eg + pace(o, o->inc_d);
        if (n >= o->sl) {
            n = o->sl;
            o->eg_state = OPL3_EG_SUSTAIN;
        }
        o->eg = (uint16_t)n;
        break;
    case OPL3_EG_SUSTAIN:
    case OPL3_EG_RELEASE:
        if (o->eg_state == OPL3_EG_SUSTAIN && o->egt)
            break;   /* sustained while the key is held */
        n = o->eg + pace(o, o->inc_r);
        if (n >= 511) {
            n = 511;
            o->eg_state = OPL3_EG_OFF;
        }
        o->eg = (uint16_t)n;
        break;
    default:
        break;
    }
    (void)s;
}

static void route(const struct opl3 *s, unsigned ch, int v, int32_t *l, int32_t *r)
{
    uint8_t c = s->regs[reg_of(ch, 0xC0)];
    if (!(s->regs[0x105] & 1)) {   /* OPL2 mode: every channel on both */
        *l += v;
        *r += v;
        return;
    }
    if (c & 0x10)
        *l += v;
    if (c & 0x20)
        *r += v;
}

static int16_t clip(int32_t v)
{
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

static void rhythm(struct opl3 *s, unsigned trem, int32_t *l, int32_t *r)
{
    /* Bass drum: channel 6 as a 2-op voice (CNT=1: the carrier alone). */
    int a = calc(s, 12, idx(s, 12, feedback(s, 12, 6)), trem);
    int bd = (s->regs[0xC6] & 1) ? calc(s, 15, idx(s, 15, 0), trem) : calc(s, 15, idx(s, 15, a), trem);
    route(s, 6, 2 * bd, l, r);

    /* Hi-hat, snare and cymbal take their phase from bits of the hi-hat's
     * (slot 13) and cymbal's (slot 17) phase counters and the noise. */
    unsigned p13 = s->op[13].phase >> 11, p17 = s->op[17].phase >> 11;
    unsigned noise = s->noise & 1;
    unsigned mix = (((p13 >> 2) ^ (p13 >> 7)) | (p13 >> 3) | ((p17 >> 3) ^ (p17 >> 5))) & 1;
    unsigned hh = mix << 9 | ((mix ^ noise) ? 0xD0 : 0x34);
    unsigned b8 = (p13 >> 8) & 1;
    unsigned sd = b8 << 9 | ((b8 ^ noise) << 8);
    unsigned tc = mix << 9 | 0x100;
    int vhh = calc(s, 13, hh, trem);
    int vsd = calc(s, 16, sd, trem);
    route(s, 7, 2 * (vhh + vsd), l, r);
    int vtom = calc(s, 14, idx(s, 14, 0), trem);
    int vtc = calc(s, 17, tc, trem);
    route(s, 8, 2 * (vtom + vtc), l, r);
}

void opl3_generate(struct opl3 *s, uint64_t n, int16_t out[2])
{
    /* The noise runs whatever plays: x^23 + x^14 + 1. */
    s->noise = ((s->noise << 1) | (((s->noise >> 22) ^ (s->noise >> 13)) & 1)) & 0x7FFFFF;

    int any = 0;
    for (unsigned i = 0; i < OPL3_OPERATORS; i++)
        any |= s->op[i].eg_state != OPL3_EG_OFF;
    if (!any) {   /* silence: phases only matter again after a key-on, which resets them */
        out[0] = out[1] = 0;
        return;
    }

    uint8_t bd = s->regs[0xBD];
    unsigned tpos = (unsigned)((n >> 6) % 210);
    unsigned tri = tpos < 105 ? tpos : 209 - tpos;   /* 0-104 */
    unsigned trem = (bd & 0x80) ? tri / 4 : tri / 16;  /* 0-26 (4.8 dB) or 0-6 */
    unsigned vstep = (unsigned)(n >> 10) & 7;

    int32_t l = 0, r = 0;
    for (unsigned ch = 0; ch < OPL3_CHANNELS; ch++) {
        if (ch >= 6 && ch <= 8 && rhythm_on(s))
            continue;
        int role = fourop_role(s, ch);
        if (role == 2)
            continue;
        unsigned s1 = channel_slot(ch), s2 = s1 + 3;
        int a = calc(s, s1, idx(s, s1, feedback(s, s1, ch)), trem);
        int o;
        unsigned cnt = s->regs[reg_of(ch, 0xC0)] & 1;
        if (role == 1) {
            unsigned t1 = channel_slot(ch + 3), t2 = t1 + 3;
            unsigned conn = cnt << 1 | (s->regs[reg_of(ch + 3, 0xC0)] & 1);
            int b, c, d;
            switch (conn) {
            case 0:   /* 1 -> 2 -> 3 -> 4 */
                b = calc(s, s2, idx(s, s2, a), trem);
                c = calc(s, t1, idx(s, t1, b), trem);
                d = calc(s, t2, idx(s, t2, c), trem);
                o = d;
                break;
            case 1:   /* (1 -> 2) + (3 -> 4) */
                b = calc(s, s2, idx(s, s2, a), trem);
                c = calc(s, t1, idx(s, t1, 0), trem);
                d = calc(s, t2, idx(s, t2, c), trem);
                o = b + d;
                break;
            case 2:   /* 1 + (2 -> 3 -> 4) */
                b = calc(s, s2, idx(s, s2, 0), trem);
                c = calc(s, t1, idx(s, t1, b), trem);
                d = calc(s, t2, idx(s, t2, c), trem);
                o = a + d;
                break;
            default:  /* 1 + (2 -> 3) + 4 */
                b = calc(s, s2, idx(s, s2, 0), trem);
                c = calc(s, t1, idx(s, t1, b), trem);
                d = calc(s, t2, idx(s, t2, 0), trem);
                o = a + c + d;
                break;
            }
        } else if (cnt) {   /* additive */
            o = a + calc(s, s2, idx(s, s2, 0), trem);
        } else {            /* FM: 1 -> 2 */
            o = calc(s, s2, idx(s, s2, a), trem);
        }
        route(s, ch, o, &l, &r);
    }
    if (rhythm_on(s))
        rhythm(s, trem, &l, &r);

    int dvb = (bd & 0x40) != 0;
    for (unsigned i = 0; i < OPL3_OPERATORS; i++)
        advance(s, &s->op[i], vstep, dvb);
    out[0] = clip(l);
    out[1] = clip(r);
}
