#include <string.h>

#include "base/calendar.h"
#include "devices/devlog.h"
#include "devices/mc146818.h"

enum { LOG_DIVIDER };

#define NS_PER_SEC 1000000000ull

static int binary_mode(const struct mc146818 *r)
{
    return r->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t enc(const struct mc146818 *r, unsigned v)
{
    return binary_mode(r) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned dec(const struct mc146818 *r, uint8_t v)
{
    return binary_mode(r) ? v : (unsigned)((v >> 4) * 10 + (v & 0xF));
}

static uint8_t enc_hour(const struct mc146818 *r, unsigned h)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return enc(r, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(enc(r, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned dec_hour(const struct mc146818 *r, uint8_t v)
{
    if (r->cmos[RTC_REG_B] & RTC_B_24H)
        return dec(r, v);
    return dec(r, v & 0x7F) % 12 + ((v & 0x80) ? 12 : 0);
}

/* Seconds shown at `now`, and how far into that second we are. */
static int64_t seconds_at(const struct mc146818 *r, uint64_t now, uint64_t *frac)
{
    uint64_t d = now > r->ref_ns ? now - r->ref_ns : 0;
    if (frac)
        *frac = d % NS_PER_SEC;
    return r->ref_sec + (int64_t)(d / NS_PER_SEC);
}

static void fill_time(struct mc146818 *r, int64_t t)
{
    struct calendar_civil c = calendar_from_seconds(t);
    r->cmos[RTC_SECONDS] = enc(r, c.second);
    r->cmos[RTC_MINUTES] = enc(r, c.minute);
    r->cmos[RTC_HOURS] = enc_hour(r, c.hour);
    r->cmos[RTC_DAY_OF_WEEK] = enc(r, c.weekday);
    r->cmos[RTC_DAY_OF_MONTH] = enc(r, c.day);
    r->cmos[RTC_MONTH] = enc(r, c.month);
    r->cmos[RTC_YEAR] = enc(r, (unsigned)(c.year % 100));
    /* The century byte is BCD by PC convention whatever DM says. */
    unsigned cent = (unsigned)(c.year / 100);
    r->cmos[RTC_CENTURY] = (uint8_t)(((cent / 10 % 10) << 4) | (cent % 10));
}

static int64_t time_from_regs(const struct mc146818 *r)
{
    unsigned cent = (r->cmos[RTC_CENTURY] >> 4) * 10 + (r->cmos[RTC_CENTURY] & 0xF);
    int64_t year = (int64_t)cent * 100 + dec(r, r->cmos[RTC_YEAR]) % 100;
    unsigned month = dec(r, r->cmos[RTC_MONTH]), day = dec(r, r->cmos[RTC_DAY_OF_MONTH]);
    /* Out-of-range values (a guest's garbage) are clamped so the date
     * arithmetic stays defined. */
    if (month < 1 || month > 12)
        month = 1;
    if (day < 1 || day > 31)
        day = 1;
    unsigned h = dec_hour(r, r->cmos[RTC_HOURS]) % 24;
    unsigned mi = dec(r, r->cmos[RTC_MINUTES]) % 60, s = dec(r, r->cmos[RTC_SECONDS]) % 60;
    return calendar_days_from_civil(year, month, day) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t mc146818_time(struct mc146818 *r)
{
    if (r->cmos[RTC_REG_B] & RTC_B_SET)
        return time_from_regs(r);
    return seconds_at(r, clock_now(r->clock), NULL);
}

/* Does second `t` match the alarm? An alarm byte with its two top bits set
 * matches any value (data sheet, "Alarm"). */
static int alarm_matches(struct mc146818 *r, int64_t t)
{
    struct calendar_civil c = calendar_from_seconds(t);
    uint8_t now3[3] = { enc(r, c.second), enc(r, c.minute), enc_hour(r, c.hour) };
    uint8_t al[3] = { r->cmos[RTC_SECONDS_ALARM], r->cmos[RTC_MINUTES_ALARM],
                      r->cmos[RTC_HOURS_ALARM] };
    for (int i = 0; i < 3; i++)
        if ((al[i] & 0xC0) != 0xC0 && al[i] != now3[i])
            return 0;
    return 1;
}

/* Periodic interrupt period from register A's rate bits, or 0 (off).
 * Rates 1 and 2 give 256 and 128 Hz; 3-15 give 32768 >> (rate - 1). */
static uint64_t periodic_ns(const struct mc146818 *r)
{
    unsigned rate = r->cmos[RTC_REG_A] & 0x0F;
    if (!rate)
        return 0;
    if (rate <= 2)
        rate += 7;
    return (NS_PER_SEC << (rate - 1)) / 32768;
}

/* Set C's flags for everything that happened in (checked_ns, now]. */
static void accrue(struct mc146818 *r, uint64_t now)
{
    uint64_t from = r->checked_ns;
    if (now <= from)
        return;
    uint64_t p = periodic_ns(r);
    if (p && now / p > from / p)
        r->cmos[RTC_REG_C] |= RTC_C_PF;
    if (!(r->cmos[RTC_REG_B] & RTC_B_SET)) {
        int64_t s_old = seconds_at(r, from, NULL), s_new = seconds_at(r, now, NULL);
        if (s_new > s_old) {
            r->cmos[RTC_REG_C] |= RTC_C_UF;
            int64_t first = s_old + 1;
            if (s_new - first > 86400)
                first = s_new - 86400;  /* a day covers every alarm time */
            for (int64_t t = first; t <= s_new; t++)
                if (alarm_matches(r, t)) {
                    r->cmos[RTC_REG_C] |= RTC_C_AF;
                    break;
                }
        }
    }
    r->checked_ns = now;
    if (r->cmos[RTC_REG_C] & r->cmos[RTC_REG_B] & 0x70) {
        if (!(r->cmos[RTC_REG_C] & RTC_C_IRQF)) {
            r->cmos[RTC_REG_C] |= RTC_C_IRQF;
            irq_raise(&r->irq);
        }
    }
}

/* Arm the timer for the next event that can raise IRQ 8, if any. */
static void reschedule(struct mc146818 *r)
{
    uint8_t b = r->cmos[RTC_REG_B];
    uint64_t now = clock_now(r->clock), next = CLOCK_NEVER;
    uint64_t p = periodic_ns(r);
    if ((b & RTC_B_PIE) && p)
        next = (now / p + 1) * p;
    if ((b & (RTC_B_AIE | RTC_B_UIE)) && !(b & RTC_B_SET)) {
        uint64_t d = now > r->ref_ns ? now - r->ref_ns : 0;
        uint64_t sec = r->ref_ns + (d / NS_PER_SEC + 1) * NS_PER_SEC;
        if (sec < next)
            next = sec;
    }
    if (next == CLOCK_NEVER)
        clock_cancel(r->clock, r->timer);
    else
        clock_schedule(r->clock, r->timer, next);
}

static void timer_fired(void *opaque)
{
    struct mc146818 *r = opaque;
    accrue(r, clock_now(r->clock));
    reschedule(r);
}

static int is_time_reg(unsigned idx)
{
    return idx <= RTC_YEAR ? !(idx == 1 || idx == 3 || idx == 5) : idx == RTC_CENTURY;
}

static uint8_t read_reg(struct mc146818 *r, unsigned idx)
{
    uint64_t now = clock_now(r->clock);
    uint64_t frac;
    switch (idx) {
    case RTC_REG_A: {
        uint8_t a = r->cmos[RTC_REG_A] & 0x7F;
        seconds_at(r, now, &frac);
        if (!(r->cmos[RTC_REG_B] & RTC_B_SET) && frac >= NS_PER_SEC - RTC_UIP_NS)
            a |= RTC_A_UIP;
        return a;
    }
    case RTC_REG_C: {
        accrue(r, now);
        uint8_t c = r->cmos[RTC_REG_C];
        r->cmos[RTC_REG_C] = 0;
        if (c & RTC_C_IRQF)
            irq_lower(&r->irq);
        reschedule(r);
        return c;
    }
    case RTC_REG_D:
        return 0x80;  /* VRT: the battery is fine */
    default:
        if (is_time_reg(idx) && !(r->cmos[RTC_REG_B] & RTC_B_SET))
            fill_time(r, seconds_at(r, now, NULL));
        return r->cmos[idx];
    }
}

static void write_reg(struct mc146818 *r, unsigned idx, uint8_t v)
{
    uint64_t now = clock_now(r->clock);
    switch (idx) {
    case RTC_REG_A:
        accrue(r, now);
        if ((v & 0x70) != 0x20)
            devlog_once(r->log, &r->logged, LOG_DIVIDER,
                        "rtc: divider 0x%X in register A not modelled; the clock keeps "
                        "running at 32.768 kHz", (v >> 4) & 7);
        r->cmos[RTC_REG_A] = v & 0x7F;
        reschedule(r);
        return;
    case RTC_REG_B: {
        accrue(r, now);
        uint8_t old = r->cmos[RTC_REG_B];
        if ((v & RTC_B_SET) && !(old & RTC_B_SET)) {
            fill_time(r, seconds_at(r, now, NULL));  /* freeze what is shown */
            v &= (uint8_t)~RTC_B_UIE;                /* SET clears UIE (data sheet) */
        }
        if (!(v & RTC_B_SET) && (old & RTC_B_SET)) {
            /* Released: the time written counts from here, its first
             * update one second later. */
            r->ref_sec = time_from_regs(r);
            r->ref_ns = now;
        }
        r->cmos[RTC_REG_B] = v;
        reschedule(r);
        return;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        return;  /* read-only */
    default:
        break;
    }
    if (is_time_reg(idx) && !(r->cmos[RTC_REG_B] & RTC_B_SET)) {
        /* Setting one field of a running clock: the others keep their
         * current values and the sub-second phase is kept. */
        uint64_t frac;
        fill_time(r, seconds_at(r, now, &frac));
        r->cmos[idx] = v;
        accrue(r, now);
        r->ref_sec = time_from_regs(r);
        r->ref_ns = now - frac;
        r->checked_ns = now;
        reschedule(r);
        return;
    }
    r->cmos[idx] = v;
    if (idx == RTC_SECONDS_ALARM || idx == RTC_MINUTES_ALARM || idx == RTC_HOURS_ALARM)
        accrue(r, now);
}

uint32_t mc146818_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct mc146818 *r = opaque;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    if (!(port & 1))
        return hi | 0xFF;  /* the index register is write-only on the AT */
    return hi | read_reg(r, r->index);
}

void mc146818_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct mc146818 *r = opaque;
    (void)size;
    if (!(port & 1)) {
        r->index = val & 0x7F;
        r->nmi_disabled = (val >> 7) & 1;
        return;
    }
    write_reg(r, r->index, (uint8_t)val);
}

void mc146818_set_cmos(struct mc146818 *r, unsigned idx, uint8_t val)
{
    if (idx < 128)
        r->cmos[idx] = val;
}

void mc146818_update_checksum(struct mc146818 *r)
{
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += r->cmos[i];
    r->cmos[0x2E] = (uint8_t)(sum >> 8);
    r->cmos[0x2F] = (uint8_t)sum;
}

void mc146818_reset(struct mc146818 *r)
{
    accrue(r, clock_now(r->clock));
    r->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
    r->cmos[RTC_REG_C] = 0;
    irq_lower(&r->irq);
    reschedule(r);
}

int mc146818_init(struct mc146818 *r, struct iobus *bus, struct clock *clock, struct irq_line irq,
                  FILE *log)
{
    memset(r, 0, sizeof *r);
    r->clock = clock;
    r->irq = irq;
    r->log = log;
    r->timer = clock_timer_add(clock, "rtc", timer_fired, r);
    if (r->timer < 0)
        return -1;
    r->ref_sec = clock->epoch;
    r->ref_ns = clock_now(clock);
    r->checked_ns = r->ref_ns;
    r->cmos[RTC_REG_A] = 0x26;             /* 32.768 kHz, 1024 Hz rate */
    r->cmos[RTC_REG_B] = RTC_B_24H;        /* BCD, 24-hour */
    r->cmos[RTC_REG_D] = 0x80;
    fill_time(r, r->ref_sec);
    if (bus && iobus_register(bus, 0x70, 2, mc146818_io_read, mc146818_io_write, r, "rtc") != 0)
        return -1;
    return 0;
}

static const struct state_field mc146818_fields[] = {
    STATE_ARRAY(struct mc146818, cmos, 0xFF),
    STATE_FIELD(struct mc146818, index, 0xFF),
    STATE_FIELD(struct mc146818, nmi_disabled, 1),
    STATE_FIELD(struct mc146818, ref_sec, STATE_ANY),
    STATE_FIELD(struct mc146818, ref_ns, STATE_ANY),
    STATE_FIELD(struct mc146818, checked_ns, STATE_ANY),
};
static const struct state_layout mc146818_layout = STATE_LAYOUT("RTC0", 1, mc146818_fields);

void mc146818_save(const struct mc146818 *r, struct state_writer *w)
{
    state_save_layout(w, &mc146818_layout, NULL, r);
}

int mc146818_load(struct mc146818 *r, struct state_reader *rd)
{
    if (state_load_layout(rd, &mc146818_layout, NULL, r) != 0)
        return -1;
    r->index &= 0x7F;
    /* Drive IRQ 8 as the restored register C says; the timer deadline
     * comes back with the clock. */
    irq_set(&r->irq, r->cmos[RTC_REG_C] & RTC_C_IRQF);
    return 0;
}
