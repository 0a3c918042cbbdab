#include <string.h>

#include "devices/devlog.h"
#include "devices/i8254.h"

#define NO_TICK UINT64_MAX

static uint64_t ns_to_ticks(uint64_t ns)
{
    /* Split so that ns * 1193182 cannot overflow (it would after ~4 h). */
    return (ns / CLOCK_NS_PER_SEC) * I8254_HZ + (ns % CLOCK_NS_PER_SEC) * I8254_HZ / CLOCK_NS_PER_SEC;
}

/* The first time in ns at which ns_to_ticks() reaches `ticks`. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    uint64_t rem = ticks % I8254_HZ;
    return (ticks / I8254_HZ) * CLOCK_NS_PER_SEC + (rem * CLOCK_NS_PER_SEC + I8254_HZ - 1) / I8254_HZ;
}

static unsigned bcd_to_bin(unsigned v)
{
    return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}

static unsigned bin_to_bcd(unsigned v)
{
    return (v % 10) | ((v / 10 % 10) << 4) | ((v / 100 % 10) << 8) | ((v / 1000 % 10) << 12);
}

/* Modes 0 and 4 pause while the gate is low; modes 2 and 3 stop and
 * reload on the next rising edge; modes 1 and 5 are triggered by it. */
static int gate_holds(const struct i8254_channel *c)
{
    return !c->gate && c->mode != 1 && c->mode != 5;
}

/* Ticks counted at time `now` since the count was loaded or triggered. */
static uint64_t elapsed_at(const struct i8254_channel *c, uint64_t now)
{
    if (gate_holds(c))
        return c->frozen;
    return now > c->start ? ns_to_ticks(now - c->start) : 0;
}

static uint64_t elapsed(const struct i8254 *p, const struct i8254_channel *c)
{
    return elapsed_at(c, clock_now(p->clock));
}

static int out_at(const struct i8254_channel *c, uint64_t d)
{
    if (!c->armed)
        return c->out_idle;
    uint64_t n = c->count;
    switch (c->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        if (!c->gate)
            return 1;
        if (n < 2)
            return 1;
        return d % n != n - 1;   /* low for the tick the counter is 1 */
    case 3:
        if (!c->gate)
            return 1;
        return d % n < (n + 1) / 2;  /* high for the first (larger) half */
    default: /* 4, 5: a one-tick low strobe when the count expires */
        return d != n;
    }
}

/* Counter value after `d` ticks, in binary. */
static unsigned counter_at(const struct i8254_channel *c, uint64_t d)
{
    uint64_t m = c->bcd ? 10000 : 65536;
    uint64_t n = c->count;
    if (!c->armed)
        return (unsigned)(n % m);
    switch (c->mode) {
    case 2:
        return (unsigned)((n - d % n) % m);
    case 3: {
        uint64_t half = (n + 1) / 2, ph = d % n;
        uint64_t v = ph < half ? n - 2 * ph : n - 2 * (ph - half);
        return (unsigned)((v & ~1ull) % m);
    }
    default:
        return (unsigned)((n + m - d % m) % m);
    }
}

/* First tick after `d` at which OUT changes, or NO_TICK. */
static uint64_t next_edge(const struct i8254_channel *c, uint64_t d)
{
    if (!c->armed || gate_holds(c))
        return NO_TICK;
    uint64_t n = c->count;
    switch (c->mode) {
    case 0:
    case 1:
        return d < n ? n : NO_TICK;
    case 2: {
        if (n < 2)
            return NO_TICK;
        uint64_t ph = d % n;
        return ph < n - 1 ? d + (n - 1 - ph) : d + 1;
    }
    case 3: {
        if (n < 2)
            return NO_TICK;
        uint64_t half = (n + 1) / 2, ph = d % n;
        return ph < half ? d + (half - ph) : d + (n - ph);
    }
    default:
        return d < n ? n : (d == n ? n + 1 : NO_TICK);
    }
}

int i8254_out_at(const struct i8254 *p, int ch, uint64_t ns)
{
    const struct i8254_channel *c = &p->ch[ch];
    return out_at(c, elapsed_at(c, ns));
}

void i8254_observe(struct i8254 *p, int ch, void (*fn)(void *opaque), void *opaque)
{
    p->before_change[ch].fn = fn;
    p->before_change[ch].opaque = opaque;
}

/* Tell the channel's observer its waveform is about to change. */
static void before_change(struct i8254 *p, int ch)
{
    if (p->before_change[ch].fn)
        p->before_change[ch].fn(p->before_change[ch].opaque);
}

int i8254_get_out(struct i8254 *p, int ch)
{
    const struct i8254_channel *c = &p->ch[ch];
    return out_at(c, elapsed(p, c));
}

/* Channel 0: send OUT as it is after `d` ticks to IRQ 0 and schedule the
 * next change. */
static void drive_irq0(struct i8254 *p, uint64_t d)
{
    const struct i8254_channel *c = &p->ch[0];
    int out = out_at(c, d);
    if (out != p->out0) {
        p->out0 = (uint8_t)out;
        irq_set(&p->irq0, out);
    }
    uint64_t e = next_edge(c, d);
    if (e != NO_TICK) {
        /* Far behind (a host-clock machine that could not keep up):
         * skip the edges that are long past rather than replay them. */
        uint64_t now_d = elapsed(p, c);
        uint64_t slack = 2ull * c->count;
        if (now_d > e + slack)
            e = next_edge(c, now_d - 1);
    }
    p->edge_tick = e;
    if (e == NO_TICK)
        clock_cancel(p->clock, p->timer);
    else
        clock_schedule(p->clock, p->timer, c->start + ticks_to_ns(e));
}

static void update_irq0(struct i8254 *p)
{
    drive_irq0(p, elapsed(p, &p->ch[0]));
}

/* The timer fires at (or, with the host clock, some time after) the edge
 * it was armed for: the edge is produced as of its own tick, so a short
 * pulse (mode 2's one-tick low) is never missed because the clock was
 * read late. */
static void timer_fired(void *opaque)
{
    struct i8254 *p = opaque;
    if (p->edge_tick == NO_TICK)
        return;
    drive_irq0(p, p->edge_tick);
}

static void after_change(struct i8254 *p, int ch)
{
    if (ch == 0)
        update_irq0(p);
}

static void load_count(struct i8254 *p, struct i8254_channel *c, unsigned v)
{
    if (c->bcd)
        v = bcd_to_bin(v);
    if (v == 0)
        v = c->bcd ? 10000 : 65536;
    c->count = v;
    c->null_count = 0;
    c->start = clock_now(p->clock);
    c->frozen = 0;
    if (c->mode == 1 || c->mode == 5) {
        /* Waits for a gate trigger; a running one-shot is not disturbed. */
        if (!c->armed)
            c->out_idle = 1;
    } else {
        c->armed = 1;
    }
}

static void latch_count(struct i8254 *p, struct i8254_channel *c)
{
    if (c->count_latched)
        return;  /* a second latch before the read is ignored (datasheet) */
    unsigned v = counter_at(c, elapsed(p, c));
    c->latch = (uint16_t)(c->bcd ? bin_to_bcd(v) : v);
    c->count_latched = c->rw == 3 ? 2 : 1;
}

static void latch_status(struct i8254 *p, struct i8254_channel *c)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)((i8254_get_out(p, (int)(c - p->ch)) << 7) | (c->null_count << 6) |
                          (c->rw << 4) | (c->mode << 1) | c->bcd);
    c->status_latched = 1;
}

static void write_control(struct i8254 *p, uint8_t v)
{
    int sc = v >> 6;
    if (sc == 3) {
        /* Read-back command: bit 5 low latches counts, bit 4 low latches
         * status, bits 1-3 select the channels. */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            if (!(v & 0x20))
                latch_count(p, &p->ch[i]);
            if (!(v & 0x10))
                latch_status(p, &p->ch[i]);
        }
        return;
    }
    struct i8254_channel *c = &p->ch[sc];
    unsigned rw = (v >> 4) & 3;
    if (rw == 0) {
        latch_count(p, c);
        return;
    }
    before_change(p, sc);
    unsigned mode = (v >> 1) & 7;
    if (mode > 5)
        mode -= 4;   /* 6 and 7 are aliases of 2 and 3 */
    c->mode = (uint8_t)mode;
    c->rw = (uint8_t)rw;
    c->bcd = v & 1;
    c->armed = 0;
    c->null_count = 1;
    c->write_lsb_next = 1;
    c->read_lsb_next = 1;
    c->count_latched = 0;
    c->status_latched = 0;
    c->out_idle = mode == 0 ? 0 : 1;  /* OUT after a control word */
    after_change(p, sc);
}

static void write_counter(struct i8254 *p, int ch, uint8_t v)
{
    struct i8254_channel *c = &p->ch[ch];
    before_change(p, ch);
    switch (c->rw) {
    case 1:
        load_count(p, c, v);
        break;
    case 2:
        load_count(p, c, (unsigned)v << 8);
        break;
    default:
        if (c->write_lsb_next) {
            c->pending_lsb = v;
            c->write_lsb_next = 0;
            if (c->mode == 0) {
                /* Mode 0: writing the first byte stops the count and OUT
                 * stays low until the new count is loaded. */
                c->armed = 0;
                c->out_idle = 0;
            }
            break;
        }
        c->write_lsb_next = 1;
        load_count(p, c, c->pending_lsb | ((unsigned)v << 8));
        break;
    }
    after_change(p, ch);
}

static uint8_t read_counter(struct i8254 *p, int ch)
{
    struct i8254_channel *c = &p->ch[ch];
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->count_latched) {
        uint8_t b;
        if (c->rw == 3)
            b = c->count_latched == 2 ? (uint8_t)c->latch : (uint8_t)(c->latch >> 8);
        else
            b = c->rw == 1 ? (uint8_t)c->latch : (uint8_t)(c->latch >> 8);
        c->count_latched--;
        return b;
    }
    unsigned v = counter_at(c, elapsed(p, c));
    if (c->bcd)
        v = bin_to_bcd(v);
    switch (c->rw) {
    case 1:
        return (uint8_t)v;
    case 2:
        return (uint8_t)(v >> 8);
    default:
        c->read_lsb_next ^= 1;
        return c->read_lsb_next ? (uint8_t)(v >> 8) : (uint8_t)v;
    }
}

uint32_t i8254_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8254 *p = opaque;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    int idx = port & 3;
    if (idx == 3)
        return hi | 0xFF;   /* the control register is write-only */
    return hi | read_counter(p, idx);
}

void i8254_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct i8254 *p = opaque;
    (void)size;
    int idx = port & 3;
    if (idx == 3)
        write_control(p, (uint8_t)val);
    else
        write_counter(p, idx, (uint8_t)val);
}

void i8254_set_gate(struct i8254 *p, int ch, int level)
{
    struct i8254_channel *c = &p->ch[ch];
    level = level ? 1 : 0;
    if (level == c->gate)
        return;
    before_change(p, ch);
    uint64_t now = clock_now(p->clock);
    if (!level) {
        if (c->mode == 0 || c->mode == 4)
            c->frozen = elapsed(p, c);
        c->gate = 0;
    } else {
        c->gate = 1;
        switch (c->mode) {
        case 1:
        case 5:
            if (c->count) {   /* trigger: (re)start the one-shot */
                c->armed = 1;
                c->start = now;
            }
            break;
        case 2:
        case 3:
            c->start = now;   /* rising gate reloads the counter */
            break;
        default:              /* resume where the count was held */
            c->start = now - ticks_to_ns(c->frozen);
            break;
        }
    }
    after_change(p, ch);
}

void i8254_reset(struct i8254 *p)
{
    /* After power-on the 8254's counters are undefined until programmed
     * (datasheet); we leave them unarmed with OUT high, so an
     * unprogrammed PIT never interrupts. Gates 0 and 1 are tied high. */
    for (int i = 0; i < 3; i++)
        before_change(p, i);
    memset(p->ch, 0, sizeof p->ch);
    for (int i = 0; i < 3; i++) {
        p->ch[i].rw = 3;
        p->ch[i].write_lsb_next = 1;
        p->ch[i].read_lsb_next = 1;
        p->ch[i].out_idle = 1;
        p->ch[i].gate = i != 2;
    }
    clock_cancel(p->clock, p->timer);
    p->edge_tick = NO_TICK;
    /* IRQ 0 starts low, so the first OUT rise (when the BIOS programs
     * channel 0) is an edge the PIC sees. */
    p->out0 = 0;
    irq_set(&p->irq0, 0);
}

int i8254_init(struct i8254 *p, struct iobus *bus, struct clock *clock, struct irq_line irq0,
               FILE *log)
{
    memset(p, 0, sizeof *p);
    p->clock = clock;
    p->irq0 = irq0;
    p->log = log;
    p->timer = clock_timer_add(clock, "pit", timer_fired, p);
    if (p->timer < 0)
        return -1;
    i8254_reset(p);
    if (bus && iobus_register(bus, 0x40, 4, i8254_io_read, i8254_io_write, p, "pit") != 0)
        return -1;
    return 0;
}

#define PIT_CH(field, maxval) STATE_EACH(struct i8254, ch, field, maxval)
static const struct state_field i8254_fields[] = {
    PIT_CH(mode, 5), PIT_CH(rw, 3), PIT_CH(bcd, 1), PIT_CH(gate, 1), PIT_CH(armed, 1),
    PIT_CH(null_count, 1), PIT_CH(write_lsb_next, 1), PIT_CH(read_lsb_next, 1),
    PIT_CH(count_latched, 2), PIT_CH(status_latched, 1), PIT_CH(status, 0xFF),
    PIT_CH(out_idle, 1), PIT_CH(pending_lsb, 0xFF), PIT_CH(latch, 0xFFFF),
    PIT_CH(count, 65536), PIT_CH(frozen, STATE_ANY), PIT_CH(start, STATE_ANY),
    STATE_FIELD(struct i8254, out0, 1),
    STATE_FIELD(struct i8254, edge_tick, STATE_ANY),
};
static const struct state_layout i8254_layout = STATE_LAYOUT("PIT0", 1, i8254_fields);

void i8254_save(const struct i8254 *p, struct state_writer *w)
{
    state_save_layout(w, &i8254_layout, NULL, p);
}

int i8254_load(struct i8254 *p, struct state_reader *r)
{
    if (state_load_layout(r, &i8254_layout, NULL, p) != 0)
        return -1;
    for (int i = 0; i < 3; i++) {
        const struct i8254_channel *c = &p->ch[i];
        if (c->rw < 1 || (c->armed && c->count < 1))
            return -1;
    }
    return 0;
}
