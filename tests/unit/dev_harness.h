/* Shared scaffolding for device unit tests: a machine clock driven by a
 * fake instruction counter, and an IRQ line that records its level and
 * counts rising edges. */
#ifndef SHADOW86_TESTS_DEV_HARNESS_H
#define SHADOW86_TESTS_DEV_HARNESS_H

#include "base/irq.h"
#include "base/clock.h"

struct harness {
    struct clock clock;
    uint64_t insns;
    int level[16];
    int rises[16];
};

static uint64_t harness_insns(void *opaque)
{
    return ((struct harness *)opaque)->insns;
}

static void harness_irq(void *opaque, int line, int level)
{
    struct harness *h = opaque;
    if (level && !h->level[line])
        h->rises[line]++;
    h->level[line] = level;
}

static inline void harness_init(struct harness *h)
{
    *h = (struct harness){ 0 };
    clock_init(&h->clock, CLOCK_VIRTUAL, harness_insns, h);
}

static inline struct irq_line harness_line(struct harness *h, int line)
{
    return irq_line_make(harness_irq, h, line);
}

/* Move virtual time forward by `ns` (rounded up to whole instructions),
 * firing every timer on the way at its deadline, as the run loop does. */
static inline void harness_advance(struct harness *h, uint64_t ns)
{
    uint64_t target = clock_now(&h->clock) + ns;
    for (;;) {
        uint64_t next = clock_next_deadline(&h->clock);
        uint64_t stop = next < target ? next : target;
        uint64_t now = clock_now(&h->clock);
        if (stop > now)
            h->insns += (stop - now + CLOCK_NS_PER_INSN - 1) / CLOCK_NS_PER_INSN;
        clock_run_due(&h->clock);
        if (next >= target)
            break;
    }
}

#endif
