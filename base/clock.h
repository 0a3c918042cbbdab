/* The machine's clock and event queue.
 *
 * Time is kept in nanoseconds since the machine was created. In the
 * virtual mode (the default, and what tests use) it is derived from the
 * retired-instruction count at a nominal rate (CLOCK_NS_PER_INSN), plus the
 * time skipped while the CPU was halted: two runs with the same inputs see
 * identical times at identical instructions. In the host mode
 * (`-rtc clock=host`) it follows the host's monotonic clock, so a guest's
 * timers run at wall-clock speed; this file is the only place in shadow86
 * that reads host time.
 *
 * Devices own timers (registered once at wiring, in a fixed order, so a
 * timer's index is stable between two machines built the same way) and arm
 * them for an absolute time. The run loop asks clock_budget() how many
 * instructions may run before the earliest deadline, runs them, and calls
 * clock_run_due(). A deadline set while the CPU runs that falls before the
 * end of the current budget "kicks" the run loop (a callback the machine
 * wires to cpu_request_stop()), so no event is seen late by more than one
 * instruction.
 */
#ifndef SHADOW86_BASE_CLOCK_H
#define SHADOW86_BASE_CLOCK_H

#include <stdint.h>

#include "base/state.h"

#define CLOCK_MAX_TIMERS 32
/* Nominal rate in virtual mode: 100 million instructions per second. */
#define CLOCK_NS_PER_INSN 10u
#define CLOCK_NS_PER_SEC 1000000000ull
#define CLOCK_NEVER UINT64_MAX
/* Default wall-clock time at power-on in virtual mode: 2024-01-01 00:00:00
 * UTC, fixed so that the RTC a guest reads is the same on every run. */
#define CLOCK_DEFAULT_EPOCH 1704067200ll

enum clock_mode { CLOCK_VIRTUAL, CLOCK_HOST };

typedef void (*clock_timer_fn)(void *opaque);

/* Host mode under -record/-replay (machine/replay.c): every host time the
 * clock hands out passes through `fn`, which logs it (recording) or
 * returns the logged one instead (replay, and a recording re-executing
 * its own past under gdb). `last` gives the latest value handed out
 * without taking a new one (what a saved state or a state hash holds).
 * `feeding` (returns nonzero while values come from the log) makes an
 * idle CPU skip its host sleep: the time it would wait is logged. */
struct clock_host_tap {
    uint64_t (*fn)(void *opaque, uint64_t host_now);
    uint64_t (*last)(void *opaque);
    int (*feeding)(void *opaque);
    void *opaque;
};

struct clock_timer {
    clock_timer_fn fn;
    void *opaque;
    const char *name;     /* static string, for --stats */
    uint64_t deadline;    /* CLOCK_NEVER when not armed */
    uint64_t fired;
};

struct clock {
    enum clock_mode mode;
    /* Retired instructions, read live (devices may ask the time in the
     * middle of a run slice, e.g. a PIT counter read). */
    uint64_t (*insns)(void *opaque);
    void *insns_opaque;
    /* Called when a new deadline falls before `slice_end`. */
    void (*kick)(void *opaque);
    void *kick_opaque;

    /* Virtual mode: now = base_ns + (insns() - base_insns) * ns/insn. */
    uint64_t base_ns, base_insns;
    /* Host mode: now = host monotonic - host_origin, from the first
     * run-loop pass (clock_host_start); 0 before it, so what wiring and
     * loading read is the same in a recording and its replay. */
    uint64_t host_origin;
    int host_started;
    /* The time the current run slice ends at (CLOCK_NEVER outside one). */
    uint64_t slice_end;
    /* Wall-clock seconds since 1970 (UTC) at time 0: what the RTC counts
     * from. */
    int64_t epoch;
    /* Virtual mode with a person at the keyboard (-serial stdio, -display
     * text): an idle CPU also waits the skipped time on the host clock,
     * so a guest waiting for input does not spin the host. Only pacing:
     * the guest sees the same times either way. */
    int pace_idle;
    /* Pacing an idle CPU: wait up to `ns` of host time, returning early
     * when the host has something for the guest (the network's sockets).
     * NULL: sleep the whole time. Only pacing, like pace_idle. */
    void (*idle_wait)(void *opaque, uint64_t ns);
    void *idle_wait_opaque;
    uint64_t halt_skipped_ns;   /* virtual time skipped over HLT */
    uint64_t halt_slept_ns;     /* host time slept in HLT (host mode) */
    struct clock_host_tap tap;  /* host mode: record/replay of host reads */

    struct clock_timer timers[CLOCK_MAX_TIMERS];
    unsigned ntimers;
};

/* Set up a clock. `insns` reports retired instructions. In host mode the
 * epoch defaults to the host's current time, else to CLOCK_DEFAULT_EPOCH. */
void clock_init(struct clock *c, enum clock_mode mode, uint64_t (*insns)(void *),
                void *insns_opaque);
void clock_set_kick(struct clock *c, void (*kick)(void *), void *opaque);

/* The current time in ns. */
uint64_t clock_now(const struct clock *c);
/* Host mode: start the host clock at 0 now (once; the run loop calls it
 * at every pass, cheaply). */
void clock_host_start(struct clock *c);
/* Install (or, with fn NULL, remove) the host-time tap. */
void clock_set_host_tap(struct clock *c, const struct clock_host_tap *tap);

/* Register a timer (at wiring time). Returns its id, or -1 if the table
 * is full. */
int clock_timer_add(struct clock *c, const char *name, clock_timer_fn fn, void *opaque);
/* Arm timer `id` to fire at absolute time `when` (ns); a time already past
 * fires at the next clock_run_due(). Re-arming replaces the deadline. */
void clock_schedule(struct clock *c, int id, uint64_t when);
void clock_cancel(struct clock *c, int id);
/* Timer `id`'s deadline, or CLOCK_NEVER. */
uint64_t clock_deadline(const struct clock *c, int id);
/* Earliest armed deadline, or CLOCK_NEVER. */
uint64_t clock_next_deadline(const struct clock *c);

/* Instructions that may run before the earliest deadline (at least 1, at
 * most `max`); records the slice end for kicks. */
uint64_t clock_budget(struct clock *c, uint64_t max);
/* Fire every timer whose deadline has passed, earliest first (ties in
 * registration order). A callback may re-arm timers. */
void clock_run_due(struct clock *c);
/* The CPU is halted with interrupts enabled: move time to the next
 * deadline. Virtual mode jumps there at once; host mode sleeps (at most
 * `max_sleep_ns`, so the frontend can poll its input). Returns 0, or -1
 * when no timer is armed (nothing will ever happen). */
int clock_idle(struct clock *c, uint64_t max_sleep_ns);

/* Host monotonic nanoseconds, for figures about the emulator itself
 * (debug/'s MIPS); never guest-visible. */
uint64_t clock_host_monotonic_ns(void);
/* Host CPU time of the calling thread (for frontends' cost figures; never
 * seen by a guest). */
uint64_t clock_host_thread_cpu_ns(void);

/* Host wall-clock seconds since 1970 (for `-rtc base=utc` and host mode). */
int64_t clock_host_wall_seconds(void);

/* The timers must be registered as in the saved machine; `insns` must
 * report the saved instruction count once the whole state is restored
 * (the CPU is restored with its count). */
void clock_save(const struct clock *c, struct state_writer *w);
int clock_load(struct clock *c, struct state_reader *r);

#endif
