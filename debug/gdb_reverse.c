#include "debug/gdb_reverse.h"

struct hit {
    int found;
    uint64_t at;
    enum gdbstub_stop stop;
    int watch_type;
    uint32_t watch_addr;
};

/* Run forward to exactly `to` instructions. The stub's breakpoints and
 * watchpoints stop the machine as they would going forward; each stop
 * before `to` is noted in *last (when given) and the run goes on. The
 * stub's poll (Ctrl-C, a new packet) is off meanwhile: gdb waits for the
 * reply, and a re-execution is at most one snapshot interval long. */
static void run_to(struct gdbstub *g, uint64_t to, struct hit *last)
{
    struct machine *m = g->m;
    uint64_t max = m->opts.max_insns;
    struct machine_debug_poll poll = m->debug_poll;
    m->debug_poll.fn = NULL;
    m->opts.max_insns = to;
    g->stepping = 0;
    while (machine_insn_total(m) < to) {
        g->stop = GDBSTUB_STOP_NONE;
        enum machine_stop why = machine_run(m);
        if (why != MACHINE_STOP_DEBUG)
            break;   /* reached `to` (or the run's own end: it cannot go on) */
        if (!gdbstub_stop_is_real(g) || !last)
            continue;
        if (g->stop != GDBSTUB_STOP_BREAK && g->stop != GDBSTUB_STOP_WATCH)
            continue;
        uint64_t now = machine_insn_total(m);
        uint64_t at = g->stop == GDBSTUB_STOP_WATCH ? now - 1 : now;
        if (at < to)
            *last = (struct hit){ 1, at, g->stop, g->watch_type, g->watch_addr };
    }
    m->opts.max_insns = max;
    m->debug_poll = poll;
    g->stop = GDBSTUB_STOP_NONE;
}

/* Go to `at` (at or after the first snapshot). */
static int go_to(struct gdbstub *g, uint64_t at)
{
    int i = gdb_history_find(&g->hist, at);
    if (i < 0 || gdb_history_restore(&g->hist, (unsigned)i) != 0)
        return -1;
    run_to(g, at, NULL);
    return 0;
}

int gdb_reverse_step(struct gdbstub *g)
{
    uint64_t now = machine_insn_total(g->m);
    if (now == 0 || gdb_history_find(&g->hist, now - 1) < 0)
        return 1;
    if (go_to(g, now - 1) != 0)
        return -1;
    g->stop = GDBSTUB_STOP_STEP;
    return 0;
}

int gdb_reverse_continue(struct gdbstub *g)
{
    uint64_t to = machine_insn_total(g->m);
    int i = to ? gdb_history_find(&g->hist, to - 1) : -1;
    if (i < 0)
        return 1;
    for (; i >= 0; i--) {
        struct hit h = { 0 };
        if (gdb_history_restore(&g->hist, (unsigned)i) != 0)
            return -1;
        run_to(g, to, &h);
        if (h.found) {
            if (go_to(g, h.at) != 0)
                return -1;
            g->stop = h.stop;
            g->watch_type = h.watch_type;
            g->watch_addr = h.watch_addr;
            return 0;
        }
        to = g->hist.s[i].icount;
    }
    if (gdb_history_restore(&g->hist, 0) != 0)
        return -1;
    return 1;
}
