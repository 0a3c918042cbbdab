#include <time.h>

#include "base/clock.h"

static uint64_t host_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * CLOCK_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t clock_host_thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t clock_host_monotonic_ns(void)
{
    return host_monotonic_ns();
}

int64_t clock_host_wall_seconds(void)
{
    return (int64_t)time(NULL);
}

void clock_init(struct clock *c, enum clock_mode mode, uint64_t (*insns)(void *),
                void *insns_opaque)
{
    *c = (struct clock){ 0 };
    c->mode = mode;
    c->insns = insns;
    c->insns_opaque = insns_opaque;
    c->base_insns = insns(insns_opaque);
    c->slice_end = CLOCK_NEVER;
    if (mode == CLOCK_HOST) {
        c->host_origin = host_monotonic_ns();
        c->epoch = clock_host_wall_seconds();
    } else {
        c->epoch = CLOCK_DEFAULT_EPOCH;
    }
}

void clock_set_kick(struct clock *c, void (*kick)(void *), void *opaque)
{
    c->kick = kick;
    c->kick_opaque = opaque;
}

void clock_host_start(struct clock *c)
{
    if (c->mode == CLOCK_HOST && !c->host_started) {
        c->host_origin = host_monotonic_ns();
        c->host_started = 1;
    }
}

void clock_set_host_tap(struct clock *c, const struct clock_host_tap *tap)
{
    if (tap)
        c->tap = *tap;
    else
        c->tap = (struct clock_host_tap){ 0 };
}

uint64_t clock_now(const struct clock *c)
{
    if (c->mode == CLOCK_HOST) {
        if (!c->host_started)
            return 0;
        uint64_t now = host_monotonic_ns() - c->host_origin;
        return c->tap.fn ? c->tap.fn(c->tap.opaque, now) : now;
    }
    return c->base_ns + (c->insns(c->insns_opaque) - c->base_insns) * CLOCK_NS_PER_INSN;
}

int clock_timer_add(struct clock *c, const char *name, clock_timer_fn fn, void *opaque)
{
    if (c->ntimers >= CLOCK_MAX_TIMERS)
        return -1;
    struct clock_timer *t = &c->timers[c->ntimers];
    t->fn = fn;
    t->opaque = opaque;
    t->name = name;
    t->deadline = CLOCK_NEVER;
    t->fired = 0;
    return (int)c->ntimers++;
}

void clock_schedule(struct clock *c, int id, uint64_t when)
{
    if (id < 0 || (unsigned)id >= c->ntimers)
        return;
    c->timers[id].deadline = when;
    /* Only inside a run slice (slice_end set by clock_budget()) can a
     * deadline be missed; between slices the run loop looks anyway. */
    if (c->slice_end != CLOCK_NEVER && when < c->slice_end && c->kick)
        c->kick(c->kick_opaque);
}

void clock_cancel(struct clock *c, int id)
{
    if (id >= 0 && (unsigned)id < c->ntimers)
        c->timers[id].deadline = CLOCK_NEVER;
}

uint64_t clock_deadline(const struct clock *c, int id)
{
    if (id < 0 || (unsigned)id >= c->ntimers)
        return CLOCK_NEVER;
    return c->timers[id].deadline;
}

uint64_t clock_next_deadline(const struct clock *c)
{
    uint64_t best = CLOCK_NEVER;
    for (unsigned i = 0; i < c->ntimers; i++)
        if (c->timers[i].deadline < best)
            best = c->timers[i].deadline;
    return best;
}

uint64_t clock_budget(struct clock *c, uint64_t max)
{
    uint64_t now = clock_now(c);
    uint64_t next = clock_next_deadline(c);
    uint64_t n = max;
    if (next != CLOCK_NEVER) {
        uint64_t d = next > now ? next - now : 0;
        /* Round up: the slice ends at or just after the deadline. */
        uint64_t k = (d + CLOCK_NS_PER_INSN - 1) / CLOCK_NS_PER_INSN;
        if (k < n)
            n = k;
    }
    if (n == 0)
        n = 1;
    c->slice_end = now + n * CLOCK_NS_PER_INSN;
    return n;
}

void clock_run_due(struct clock *c)
{
    c->slice_end = CLOCK_NEVER;
    /* Bounded: a timer that keeps re-arming itself in the past would
     * otherwise hold the loop; the rest fire at the next call. */
    for (unsigned round = 0; round < 4 * CLOCK_MAX_TIMERS; round++) {
        uint64_t now = clock_now(c);
        int best = -1;
        for (unsigned i = 0; i < c->ntimers; i++)
            if (c->timers[i].deadline <= now &&
                (best < 0 || c->timers[i].deadline < c->timers[best].deadline))
                best = (int)i;
        if (best < 0)
            return;
        struct clock_timer *t = &c->timers[best];
        t->deadline = CLOCK_NEVER;
        t->fired++;
        t->fn(t->opaque);
    }
}

int clock_idle(struct clock *c, uint64_t max_sleep_ns)
{
    uint64_t next = clock_next_deadline(c);
    if (next == CLOCK_NEVER)
        return -1;
    uint64_t now = clock_now(c);
    if (next <= now)
        return 0;
    uint64_t d = next - now;
    if (c->mode == CLOCK_VIRTUAL) {
        c->halt_skipped_ns += d;
        c->base_ns += d;
        if (!c->pace_idle)
            return 0;
    }
    if (c->tap.feeding && c->tap.feeding(c->tap.opaque))
        return 0;   /* the logged reads carry the time this idle took */
    if (d > max_sleep_ns)
        d = max_sleep_ns;
    if (c->idle_wait) {
        uint64_t t0 = clock_host_monotonic_ns();
        c->idle_wait(c->idle_wait_opaque, d);
        c->halt_slept_ns += clock_host_monotonic_ns() - t0;
        return 0;
    }
    struct timespec ts = { (time_t)(d / CLOCK_NS_PER_SEC), (long)(d % CLOCK_NS_PER_SEC) };
    nanosleep(&ts, NULL);
    c->halt_slept_ns += d;
    return 0;
}

/* Saved as the current time and instruction count, so a restored clock
 * continues from the same instant whatever its base was. Host mode saves
 * its current time too, and continues from it on restore. */
void clock_save(const struct clock *c, struct state_writer *w)
{
    state_begin(w, "CLK0", 1);
    /* Under a host-time tap: the latest time handed out, so saving (or
     * hashing) takes no host read of its own. */
    state_put_u64(w, c->mode == CLOCK_HOST && c->tap.last ? c->tap.last(c->tap.opaque)
                                                          : clock_now(c));
    state_put_u64(w, c->insns(c->insns_opaque));
    state_put_u64(w, (uint64_t)c->epoch);
    state_put_u64(w, c->halt_skipped_ns);
    state_put_u32(w, c->ntimers);
    for (unsigned i = 0; i < c->ntimers; i++)
        state_put_u64(w, c->timers[i].deadline);
    state_end(w);
}

int clock_load(struct clock *c, struct state_reader *r)
{
    if (state_open(r, "CLK0", 1) != 0)
        return -1;
    uint64_t now = state_get_u64(r);
    uint64_t insns = state_get_u64(r);
    int64_t epoch = (int64_t)state_get_u64(r);
    uint64_t skipped = state_get_u64(r);
    uint32_t n = state_get_u32(r);
    if (n != c->ntimers) {
        /* A state from a machine wired differently. */
        state_fail(r);
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        c->timers[i].deadline = state_get_u64(r);
    if (state_close(r) != 0)
        return -1;
    c->epoch = epoch;
    c->halt_skipped_ns = skipped;
    c->base_ns = now;
    c->base_insns = insns;
    if (c->mode == CLOCK_HOST) {
        c->host_origin = host_monotonic_ns() - now;
        c->host_started = 1;
    }
    c->slice_end = CLOCK_NEVER;
    return 0;
}
