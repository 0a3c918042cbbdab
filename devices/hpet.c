/* The HPET; see hpet.h. Register offsets and bit meanings: IA-PC HPET
 * specification 1.0a, chapter 2.3. */
#include <string.h>

#include "base/state.h"
#include "devices/devlog.h"
#include "devices/hpet.h"

enum { LOG_FSB, LOG_BAD_REG, LOG_ROUTE };

#define REG_CAP 0x000
#define REG_CONFIG 0x010
#define REG_ISR 0x020
#define REG_COUNTER 0x0F0
#define REG_TIMER0 0x100
#define TIMER_STRIDE 0x20
#define TIMER_CONFIG 0x0
#define TIMER_CMP 0x8
#define TIMER_FSB 0x10

/* Writable timer configuration bits: level, enable, periodic, value set,
 * 32-bit mode, route (13:9); FSB enable (14) is refused (no FSB). */
#define TN_WRITABLE (HPET_TN_LEVEL | HPET_TN_ENABLE | HPET_TN_PERIODIC | HPET_TN_VAL_SET | \
                     HPET_TN_32BIT | 0x3E00u)
#define TN_FIXED ((uint64_t)HPET_ROUTE_CAP << 32 | HPET_TN_PER_CAP | HPET_TN_SIZE_CAP)

static int running(const struct hpet *h)
{
    return (h->config & HPET_CFG_ENABLE) != 0;
}

int hpet_legacy_on(const struct hpet *h)
{
    return (h->config & HPET_CFG_LEGACY) != 0;
}

static uint64_t counter_now(const struct hpet *h)
{
    if (!running(h))
        return h->counter;
    return h->counter + (clock_now(h->clock) - h->start_ns) / HPET_NS_PER_TICK;
}

/* The line timer n drives: legacy IRQ 0 / 8 for timers 0 / 1 under legacy
 * replacement, else its I/O APIC route. */
static int timer_line(const struct hpet *h, int n)
{
    if (hpet_legacy_on(h) && n < 2)
        return HPET_LEGACY_LINE(n == 0 ? 0 : 8);
    return (int)((h->t[n].config >> 9) & 0x1F);
}

static void drive(struct hpet *h, int n, int level)
{
    int line = timer_line(h, n);
    if (line < 0x100 && !((HPET_ROUTE_CAP >> line) & 1)) {
        /* The route field names an input the capabilities exclude. */
        devlog_once(h->log, &h->logged, LOG_ROUTE,
                    "HPET: timer %d interrupts on input %d, which it cannot reach (capability 0x%08X; "
                    "not delivered)", n, line, HPET_ROUTE_CAP);
        h->t[n].level = 0;
        return;
    }
    h->t[n].level = (uint8_t)level;
    if (h->irq)
        h->irq(h->opaque, line, level);
}

/* Arm timer n's clock timer for the next time the counter matches. */
static void arm(struct hpet *h, int n)
{
    struct hpet_timer *t = &h->t[n];
    if (!running(h)) {
        clock_cancel(h->clock, h->timer_id[n]);
        return;
    }
    uint64_t now_count = counter_now(h);
    uint64_t ticks;
    if (t->config & HPET_TN_32BIT) {
        ticks = (uint32_t)((uint32_t)t->cmp - (uint32_t)now_count);
        if (ticks == 0)
            ticks = 1ull << 32;
    } else {
        if (t->cmp <= now_count) {
            clock_cancel(h->clock, h->timer_id[n]);   /* next match only after 2^64 ticks */
            return;
        }
        ticks = t->cmp - now_count;
    }
    /* The instant the counter reaches now_count + ticks. */
    uint64_t target = now_count + ticks - h->counter;
    if (target > (CLOCK_NEVER - 1 - h->start_ns) / HPET_NS_PER_TICK) {
        clock_cancel(h->clock, h->timer_id[n]);   /* beyond the clock's range: never */
        return;
    }
    clock_schedule(h->clock, h->timer_id[n], h->start_ns + target * HPET_NS_PER_TICK);
}

static void fire(struct hpet *h, int n)
{
    struct hpet_timer *t = &h->t[n];
    if (t->config & HPET_TN_ENABLE) {
        if (t->config & HPET_TN_LEVEL) {
            h->isr |= 1u << n;
            drive(h, n, 1);
        } else {
            drive(h, n, 1);
            drive(h, n, 0);
        }
    }
    if ((t->config & HPET_TN_PERIODIC) && t->period) {
        t->cmp += t->period;
        if (t->config & HPET_TN_32BIT)
            t->cmp = (uint32_t)t->cmp;
    }
    arm(h, n);
}

static void fire0(void *o) { fire(o, 0); }
static void fire1(void *o) { fire(o, 1); }
static void fire2(void *o) { fire(o, 2); }

static void arm_all(struct hpet *h)
{
    for (int n = 0; n < HPET_TIMERS; n++)
        arm(h, n);
}

uint64_t hpet_read(struct hpet *h, uint32_t reg)
{
    if (reg >= REG_TIMER0 && reg < REG_TIMER0 + HPET_TIMERS * TIMER_STRIDE) {
        int n = (int)(reg - REG_TIMER0) / TIMER_STRIDE;
        switch ((reg - REG_TIMER0) % TIMER_STRIDE) {
        case TIMER_CONFIG: return h->t[n].config | TN_FIXED;
        case TIMER_CMP: return h->t[n].cmp;
        default: return 0;   /* FSB route: FSB delivery is absent */
        }
    }
    switch (reg) {
    case REG_CAP: return (uint64_t)HPET_PERIOD_FS << 32 | HPET_CAP_LOW;
    case REG_CONFIG: return h->config;
    case REG_ISR: return h->isr;
    case REG_COUNTER: return counter_now(h);
    default:
        devlog_once(h->log, &h->logged, LOG_BAD_REG, "HPET: read of reserved register 0x%03X (0)", reg);
        return 0;
    }
}

static uint64_t merge(uint64_t old, uint64_t value, uint64_t mask)
{
    return (old & ~mask) | (value & mask);
}

static void write_timer(struct hpet *h, int n, uint32_t off, uint64_t value, uint64_t mask)
{
    struct hpet_timer *t = &h->t[n];
    if (off == TIMER_CONFIG) {
        uint64_t v = merge(t->config, value, mask);
        if (v & (1u << 14))
            devlog_once(h->log, &h->logged, LOG_FSB, "HPET: FSB interrupt delivery asked for (not present)");
        if (t->level && (!(v & HPET_TN_LEVEL) || !(v & HPET_TN_ENABLE) ||
                         ((v ^ t->config) & 0x3E00u)))
            drive(h, n, 0);   /* the level line drops when it stops being one */
        t->config = v & TN_WRITABLE;
        if (t->config & HPET_TN_32BIT) {
            t->cmp = (uint32_t)t->cmp;
            t->period = (uint32_t)t->period;
        }
        if ((t->config & HPET_TN_LEVEL) && (t->config & HPET_TN_ENABLE) && (h->isr >> n & 1))
            drive(h, n, 1);
        arm(h, n);
    } else if (off == TIMER_CMP) {
        uint64_t v = merge(t->cmp, value, mask);
        if (t->config & HPET_TN_32BIT)
            v = (uint32_t)v;
        /* One-shot, or periodic with the value-set bit: the comparator;
         * periodic: the period too (spec 2.3.9.2.2). */
        if (!(t->config & HPET_TN_PERIODIC) || (t->config & HPET_TN_VAL_SET))
            t->cmp = v;
        if (t->config & HPET_TN_PERIODIC)
            t->period = merge(t->period, value, mask) & ((t->config & HPET_TN_32BIT) ? 0xFFFFFFFFu : ~0ull);
        t->config &= ~(uint64_t)HPET_TN_VAL_SET;
        arm(h, n);
    }
}

void hpet_write(struct hpet *h, uint32_t reg, uint64_t value, uint64_t mask)
{
    if (reg >= REG_TIMER0 && reg < REG_TIMER0 + HPET_TIMERS * TIMER_STRIDE) {
        int n = (int)(reg - REG_TIMER0) / TIMER_STRIDE;
        write_timer(h, n, (reg - REG_TIMER0) % TIMER_STRIDE, value, mask);
        return;
    }
    switch (reg) {
    case REG_CAP:
        break;   /* read-only */
    case REG_CONFIG: {
        uint64_t v = merge(h->config, value, mask) & 3;
        uint64_t old = h->config;
        if ((old ^ v) & HPET_CFG_ENABLE) {
            h->counter = counter_now(h);   /* freeze, or restart from the value */
            h->start_ns = clock_now(h->clock);
        }
        if ((old ^ v) & HPET_CFG_LEGACY) {
            for (int n = 0; n < 2; n++)
                if (h->t[n].level)
                    h->irq(h->opaque, timer_line(h, n), 0);   /* off the old line */
        }
        h->config = v;
        if ((old ^ v) & HPET_CFG_LEGACY) {
            for (int n = 0; n < 2; n++)
                if (h->t[n].level)
                    h->irq(h->opaque, timer_line(h, n), 1);
            if (h->legacy)
                h->legacy(h->opaque, hpet_legacy_on(h));
        }
        arm_all(h);
        break;
    }
    case REG_ISR: {
        uint64_t clear = value & mask & 7;
        for (int n = 0; n < HPET_TIMERS; n++)
            if ((clear >> n & 1) && (h->isr >> n & 1)) {
                h->isr &= ~(1ull << n);
                if (h->t[n].config & HPET_TN_LEVEL)
                    drive(h, n, 0);
            }
        break;
    }
    case REG_COUNTER:
        if (running(h)) {
            devlog_once(h->log, &h->logged, LOG_BAD_REG,
                        "HPET: main counter written while running (ignored, spec 2.3.7)");
            break;
        }
        h->counter = merge(h->counter, value, mask);
        break;
    default:
        devlog_once(h->log, &h->logged, LOG_BAD_REG, "HPET: write to reserved register 0x%03X", reg);
        break;
    }
}

/* 1-, 2- and 4-byte accesses (the bus splits wider ones) to the 64-bit
 * registers, by their halves. */
static uint32_t mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    uint64_t v = hpet_read(opaque, offset & ~7u) >> (8 * (offset & 7));
    return size >= 4 ? (uint32_t)v : (uint32_t)v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    unsigned shift = 8 * (offset & 7);
    uint64_t mask = (size >= 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1) << shift;
    hpet_write(opaque, offset & ~7u, (uint64_t)value << shift, mask);
}

static const struct mmio_ops hpet_mmio = { mmio_read, mmio_write };

void hpet_reset(struct hpet *h)
{
    if (!h->mem)
        return;
    for (int n = 0; n < HPET_TIMERS; n++) {
        if (h->t[n].level)
            drive(h, n, 0);
        h->t[n].config = 0;
        h->t[n].cmp = ~0ull;   /* all ones at reset (spec 2.3.9.2) */
        h->t[n].period = 0;
        clock_cancel(h->clock, h->timer_id[n]);
    }
    int was_legacy = hpet_legacy_on(h);
    h->config = 0;
    h->isr = 0;
    h->counter = 0;
    h->start_ns = 0;
    if (was_legacy && h->legacy)
        h->legacy(h->opaque, 0);
}

int hpet_init(struct hpet *h, struct physmem *mem, struct clock *clock,
              void (*irq)(void *opaque, int line, int level),
              void (*legacy)(void *opaque, int on), void *opaque, FILE *log)
{
    static const clock_timer_fn fns[HPET_TIMERS] = { fire0, fire1, fire2 };
    memset(h, 0, sizeof *h);
    h->clock = clock;
    h->irq = irq;
    h->legacy = legacy;
    h->opaque = opaque;
    h->log = log;
    for (int n = 0; n < HPET_TIMERS; n++)
        if ((h->timer_id[n] = clock_timer_add(clock, "HPET timer", fns[n], h)) < 0)
            return -1;
    if (physmem_map_mmio(mem, HPET_BASE, HPET_MMIO_SIZE, &hpet_mmio, h, "HPET") != 0)
        return -1;
    h->mem = mem;
    hpet_reset(h);
    return 0;
}

void hpet_free(struct hpet *h)
{
    if (h->mem)
        physmem_unmap_mmio(h->mem, HPET_BASE);
    h->mem = NULL;
}

static const struct state_field hpet_fields[] = {
    STATE_FIELD(struct hpet, config, 3),
    STATE_FIELD(struct hpet, isr, 7),
    STATE_FIELD(struct hpet, counter, STATE_ANY),
    STATE_FIELD(struct hpet, start_ns, STATE_ANY),
    STATE_EACH(struct hpet, t, config, TN_WRITABLE),
    STATE_EACH(struct hpet, t, cmp, STATE_ANY),
    STATE_EACH(struct hpet, t, period, STATE_ANY),
    STATE_EACH(struct hpet, t, level, 1),
};
static const struct state_layout hpet_layout = STATE_LAYOUT("HPET", 1, hpet_fields);

void hpet_save(const struct hpet *h, struct state_writer *w)
{
    if (h->mem)
        state_save_layout(w, &hpet_layout, NULL, h);
}

int hpet_load(struct hpet *h, struct state_reader *r)
{
    if (!h->mem)
        return 0;
    if (state_load_layout(r, &hpet_layout, NULL, h) != 0)
        return -1;
    for (int n = 0; n < HPET_TIMERS; n++)
        if (h->t[n].level && h->irq)
            h->irq(h->opaque, timer_line(h, n), 1);   /* the lines it holds, into the restored board */
    /* Under legacy replacement IRQ 0 and 8 carry the HPET's levels: tell
     * the board (with it off, the PIT and RTC drive their own lines as
     * they load, and the board's lines are already theirs). */
    if (h->legacy && hpet_legacy_on(h))
        h->legacy(h->opaque, 1);
    return 0;
}
