#include "machine/board_display.h"
#include "machine/machine.h"

void board_display_init(struct board_display *d)
{
    d->timer = -1;
    d->period_ns = 0;
    d->fn = NULL;
    d->opaque = NULL;
}

static void display_tick(void *opaque)
{
    struct machine *m = opaque;
    struct board_display *d = &m->display;
    if (!d->fn)
        return;
    d->fn(d->opaque);
    clock_schedule(&m->clock, d->timer, clock_now(&m->clock) + d->period_ns);
}

int board_display_set(struct machine *m, board_display_fn fn, void *opaque, uint64_t period_ns)
{
    struct board_display *d = &m->display;
    d->fn = fn;
    d->opaque = opaque;
    d->period_ns = period_ns;
    if (d->timer < 0) {
        d->timer = clock_timer_add(&m->clock, "display", display_tick, m);
        if (d->timer < 0)
            return -1;
    }
    if (fn && period_ns)
        clock_schedule(&m->clock, d->timer, clock_now(&m->clock) + period_ns);
    else
        clock_cancel(&m->clock, d->timer);
    return 0;
}
