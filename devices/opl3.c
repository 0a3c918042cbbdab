/* The OPL3's ports, registers, timers, sample streams and saved state
 * (see opl3.h; the synthesis is in opl3_synth.c). */
#include <string.h>

#include "devices/devlog.h"
#include "devices/opl3.h"
#include "devices/sb16.h"

enum { LOG_CSM = 1u << 0 };

/* ---- Timers */

static void timer_catch_up(struct opl3 *s, uint64_t now, uint64_t *next, uint8_t count,
                           uint64_t unit, uint8_t mask, uint8_t flag)
{
    if (*next == CLOCK_NEVER || now < *next)
        return;
    uint64_t period = (256u - count) * unit;
    if (!(s->regs[0x04] & mask))
        s->status |= flag;
    *next += ((now - *next) / period + 1) * period;
}

static void timers_update(struct opl3 *s, uint64_t now)
{
    timer_catch_up(s, now, &s->t1_next, s->regs[0x02], OPL3_T1_NS, 0x40, OPL3_ST_T1);
    timer_catch_up(s, now, &s->t2_next, s->regs[0x03], OPL3_T2_NS, 0x20, OPL3_ST_T2);
    s->status = (uint8_t)((s->status & (OPL3_ST_T1 | OPL3_ST_T2)) |
                          (s->status & (OPL3_ST_T1 | OPL3_ST_T2) ? OPL3_ST_IRQ : 0));
}

/* Register 0x04: bit 7 resets the flags (the other bits are then
 * ignored); else bits 6/5 mask timer 1/2 (a masked timer sets no flag, and
 * masking clears its flag), bits 0/1 start (1) or stop (0) them. A start
 * loads the count: the first overflow is a whole period later. */
static void timer_control(struct opl3 *s, uint8_t v, uint64_t now)
{
    if (v & 0x80) {
        s->status = 0;
        return;
    }
    s->regs[0x04] = v;
    if (v & 0x40)
        s->status &= (uint8_t)~OPL3_ST_T1;
    if (v & 0x20)
        s->status &= (uint8_t)~OPL3_ST_T2;
    if (!(v & 1))
        s->t1_next = CLOCK_NEVER;
    else if (s->t1_next == CLOCK_NEVER)
        s->t1_next = now + (256u - s->regs[0x02]) * OPL3_T1_NS;
    if (!(v & 2))
        s->t2_next = CLOCK_NEVER;
    else if (s->t2_next == CLOCK_NEVER)
        s->t2_next = now + (256u - s->regs[0x03]) * OPL3_T2_NS;
    timers_update(s, now);
}

uint8_t opl3_read_status(struct opl3 *s)
{
    timers_update(s, clock_now(s->clock));
    return s->status;
}

/* ---- Samples */

static void next_native(struct opl3 *s)
{
    s->s0[0] = s->s1[0];
    s->s0[1] = s->s1[1];
    s->base++;
    opl3_generate(s, s->base + 1, s->s1);
}

void opl3_render(void *opl3, uint64_t end)
{
    struct opl3 *s = opl3;
    uint32_t gl = 1, gr = 1;
    int scaled = s->mixer != NULL;
    if (scaled) {
        gl = (uint32_t)((uint64_t)sb16_gain_q16(s->mixer[0x30] >> 3) *
                        sb16_gain_q16(s->mixer[0x34] >> 3) >> 16);
        gr = (uint32_t)((uint64_t)sb16_gain_q16(s->mixer[0x31] >> 3) *
                        sb16_gain_q16(s->mixer[0x35] >> 3) >> 16);
    }
    if (s->out.enabled)
        while (s->out.next < s->frame)   /* (not expected: keeps the sources in step) */
            audio_src_put(&s->out, 0, 0);
    for (; s->frame < end; s->frame++) {
        /* Frame k sits between native samples n and n + 1. */
        uint64_t pos = s->frame * OPL3_RATE;
        uint64_t n = pos / AUDIO_RATE;
        int64_t frac = (int64_t)(pos % AUDIO_RATE);
        while (s->base < n)
            next_native(s);
        if (!s->out.enabled || s->frame < s->out.next)
            continue;
        int32_t v[2];
        for (int c = 0; c < 2; c++) {
            int64_t x = s->s0[c] + ((int64_t)(s->s1[c] - s->s0[c]) * frac) / (int64_t)AUDIO_RATE;
            if (scaled)
                x = x * (int64_t)(c ? gr : gl) / 65536;
            v[c] = (int32_t)x;
        }
        audio_src_put(&s->out, (int16_t)v[0], (int16_t)v[1]);
    }
}

void opl3_catch_up(void *opl3)
{
    struct opl3 *s = opl3;
    opl3_render(s, audio_frame_at(clock_now(s->clock)));
}

static int sounding(const struct opl3 *s)
{
    for (unsigned i = 0; i < OPL3_OPERATORS; i++)
        if (s->op[i].eg_state != OPL3_EG_OFF)
            return 1;
    return 0;
}

/* The tick runs while an operator sounds (armed by register writes). */
static void arm_tick(struct opl3 *s)
{
    if (!sounding(s))
        clock_cancel(s->clock, s->timer);
    else if (clock_deadline(s->clock, s->timer) == CLOCK_NEVER)
        clock_schedule(s->clock, s->timer, clock_now(s->clock) + OPL3_TICK_NS);
}

static void tick(void *opaque)
{
    struct opl3 *s = opaque;
    opl3_catch_up(s);
    arm_tick(s);
}

/* ---- Registers */

static void update_channel(struct opl3 *s, unsigned ch)
{
    unsigned cc = ch % 9, bank = ch / 9;
    for (unsigned k = 0; k < 2; k++) {
        /* The channel's operators, and those of its 4-op partner (which
         * play this channel's frequency). */
        unsigned c = cc + 3 * k;
        if (k && cc >= 3)
            break;
        unsigned slot = bank * 18 + (c / 3) * 6 + c % 3;
        opl3_update_op(s, slot);
        opl3_update_op(s, slot + 3);
    }
}

/* The operator a register offset 0x00-0x15 names in `bank`, or -1. */
static int offset_slot(unsigned bank, unsigned off)
{
    if (off > 0x15 || (off & 7) >= 6)
        return -1;
    return (int)(bank * 18 + (off >> 3) * 6 + (off & 7));
}

void opl3_write(struct opl3 *s, unsigned reg, uint8_t v)
{
    uint64_t now = clock_now(s->clock);
    reg &= 0x1FF;
    opl3_catch_up(s);   /* what played until now was the old setting */
    timers_update(s, now);
    unsigned bank = reg >> 8, r = reg & 0xFF;
    if (reg == 0x04) {
        timer_control(s, v, now);
        return;
    }
    s->regs[reg] = v;
    if (reg == 0x104 || reg == 0x105 || reg == 0x08 || reg == 0xBD) {
        if (reg == 0x08 && (v & 0x80))
            devlog_once(s->log, &s->logged, LOG_CSM, "opl3: CSM speech mode (0x08 bit 7) not modelled\n");
        opl3_update_all(s);
        arm_tick(s);
        return;
    }
    if (r >= 0x20 && r < 0xA0) {
        int slot = offset_slot(bank, r & 0x1F);
        if (slot >= 0)
            opl3_update_op(s, (unsigned)slot);
    } else if (r >= 0xE0 && r <= 0xF5) {
        int slot = offset_slot(bank, r - 0xE0);
        if (slot >= 0)
            opl3_update_op(s, (unsigned)slot);
    } else if ((r >= 0xA0 && r <= 0xA8) || (r >= 0xB0 && r <= 0xB8)) {
        if (r >= 0xB0) {
            opl3_update_all(s);   /* key on/off (and 4-op partners) */
            arm_tick(s);
        } else {
            update_channel(s, bank * 9 + (r & 0x0F));
        }
    }
    /* 0x01 (test), 0x02/0x03 (timer counts), 0xC0-0xC8 (read as used),
     * bank 1's unused ones: stored. */
}

/* ---- Ports */

static uint32_t opl3_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    if (port & 1)
        return 0xFF;
    return opl3_read_status(opaque);
}

/* Ports of a 4-port block: 0 bank-0 address, 1 data, 2 bank-1 address, 3 data. */
static void opl3_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct opl3 *s = opaque;
    (void)size;
    unsigned k = port & 3;
    if (k == 0 || k == 2)
        s->addr = (uint16_t)((k == 2 ? 0x100 : 0) | (val & 0xFF));
    else
        opl3_write(s, s->addr, (uint8_t)val);
}

/* The SB16's base+8/9: bank 0 only. */
static void opl3_io_write_bank0(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct opl3 *s = opaque;
    (void)size;
    if (!(port & 1))
        s->addr = (uint16_t)(val & 0xFF);
    else
        opl3_write(s, s->addr, (uint8_t)val);
}

void opl3_reset(struct opl3 *s)
{
    opl3_catch_up(s);
    s->addr = 0;
    memset(s->regs, 0, sizeof s->regs);
    s->status = 0;
    s->t1_next = s->t2_next = CLOCK_NEVER;
    for (unsigned i = 0; i < OPL3_OPERATORS; i++) {
        struct opl3_op *o = &s->op[i];
        memset(o, 0, sizeof *o);
        o->eg = 511;
        o->eg_state = OPL3_EG_OFF;
    }
    s->noise = 1;
    opl3_update_all(s);
    clock_cancel(s->clock, s->timer);
}

int opl3_init(struct opl3 *s, struct iobus *bus, struct clock *clock, const uint16_t *ports,
              uint16_t bank0_alias, const uint8_t *mixer, FILE *log)
{
    memset(s, 0, sizeof *s);
    s->clock = clock;
    s->log = log;
    s->mixer = mixer;
    /* Time 0 is native sample 0; the frames start at now (wiring). */
    s->frame = audio_frame_at(clock_now(clock));
    s->base = s->frame * OPL3_RATE / AUDIO_RATE;
    s->timer = clock_timer_add(clock, "opl3", tick, s);
    if (s->timer < 0)
        return -1;
    opl3_reset(s);
    for (; *ports; ports++)
        if (iobus_register(bus, *ports, 4, opl3_io_read, opl3_io_write, s, "opl3") != 0)
            return -1;
    if (bank0_alias &&
        iobus_register(bus, bank0_alias, 2, opl3_io_read, opl3_io_write_bank0, s, "opl3 (bank 0)") != 0)
        return -1;
    return 0;
}

void opl3_free(struct opl3 *s)
{
    audio_src_free(&s->out);
}

static const struct state_field opl3_fields[] = {
    STATE_FIELD(struct opl3, addr, 0x1FF),
    STATE_ARRAY(struct opl3, regs, 0xFF),
    STATE_FIELD(struct opl3, status, 0xE0),
    STATE_FIELD(struct opl3, t1_next, STATE_ANY),
    STATE_FIELD(struct opl3, t2_next, STATE_ANY),
    STATE_EACH(struct opl3, op, phase, 0x1FFFFF),
    STATE_EACH(struct opl3, op, eg_acc, 0xFFFFFF),
    STATE_EACH(struct opl3, op, eg, 511),
    STATE_EACH(struct opl3, op, eg_state, OPL3_EG_RELEASE),
    STATE_EACH(struct opl3, op, key, 3),
    STATE_EACH(struct opl3, op, out, 0xFFFF),
    STATE_EACH(struct opl3, op, prev, 0xFFFF),
    STATE_FIELD(struct opl3, noise, 0x7FFFFF),
    STATE_FIELD(struct opl3, base, STATE_ANY),
    STATE_ARRAY(struct opl3, s0, 0xFFFF),
    STATE_ARRAY(struct opl3, s1, 0xFFFF),
    STATE_FIELD(struct opl3, frame, STATE_ANY),
};
static const struct state_layout opl3_layout = STATE_LAYOUT("OPL3", 1, opl3_fields);

void opl3_save(const struct opl3 *s, struct state_writer *w)
{
    state_save_layout(w, &opl3_layout, NULL, s);
}

int opl3_load(struct opl3 *s, struct state_reader *r)
{
    if (state_load_layout(r, &opl3_layout, NULL, s) != 0)
        return -1;
    /* The native samples must be the ones frame `frame` starts from. */
    if (s->frame > UINT64_MAX / OPL3_RATE || s->base > s->frame * OPL3_RATE / AUDIO_RATE ||
        (s->status & 0x1F))
        return -1;
    for (unsigned i = 0; i < OPL3_OPERATORS; i++)
        opl3_update_op(s, i);   /* the derived fields; keys are saved as they were */
    return 0;
}
