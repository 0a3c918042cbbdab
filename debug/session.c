#include <string.h>

#include "cpu/mem.h"
#include "dbt/dbt.h"
#include "debug/session.h"

void debug_session_init(struct debug_session *s, struct machine *m)
{
    memset(s, 0, sizeof(*s));
    s->m = m;
    symbols_init(&s->syms);
    stats_counters_init(&s->counters);
    stats_registry_init(&s->registry);
    s->gdb.listen_fd = s->gdb.fd = -1;
}

void debug_session_free(struct debug_session *s)
{
    if (s->tracing)
        trace_close(&s->trace);
    if (s->ring_on)
        trace_ring_free(&s->ring);
    if (s->gdb_on)
        gdbstub_close(&s->gdb);
    symbols_free(&s->syms);
    s->tracing = s->ring_on = s->gdb_on = 0;
}

/* ------------------------------------------------------------ dispatch */

static void on_insn(void *opaque, const struct cpu *cpu, const struct insn *in,
                    const struct cpu *before)
{
    struct debug_session *s = opaque;
    if (s->tracing && (s->trace.categories & TRACE_INSN))
        trace_on_insn(&s->trace, cpu, in, before);
    if (s->ring_on)
        trace_ring_push(&s->ring, cpu, in, before);
    if (s->report_on)
        pg_report_on_insn(&s->report, in, before);
    if (s->gdb_on && gdbstub_active(&s->gdb))
        gdbstub_on_insn(&s->gdb, cpu);
}

static void on_mem(void *opaque, const struct cpu *cpu, enum cpu_mem_kind kind, uint32_t lin,
                   unsigned size, uint32_t value)
{
    struct debug_session *s = opaque;
    if (s->tracing && (s->trace.categories & TRACE_INSN))
        trace_on_mem(&s->trace, cpu, kind, lin, size, value);
    if (s->gdb_on && gdbstub_active(&s->gdb))
        gdbstub_on_mem(&s->gdb, kind, lin, size);
}

static void on_interrupt(void *opaque, const struct cpu *cpu, int vec, int src, int has_error,
                         uint32_t error)
{
    struct debug_session *s = opaque;
    if (s->stats_on)
        stats_count_interrupt(&s->counters, vec, src);
    if (s->tracing)
        trace_on_interrupt(&s->trace, cpu, vec, src, has_error, error);
    if (s->gdb_on && gdbstub_active(&s->gdb))
        gdbstub_on_interrupt(&s->gdb);
}

static void on_io(void *opaque, const struct iobus_access *a)
{
    struct debug_session *s = opaque;
    if (s->stats_on)
        stats_count_io(&s->counters, a->device, a->is_write);
    if (s->tracing)
        trace_on_io(&s->trace, a);
}

static void on_mmu(void *opaque, const struct cpu *cpu, const struct mmu_event *ev)
{
    struct debug_session *s = opaque;
    trace_on_mmu(&s->trace, cpu, ev);
}

static void on_callout(void *opaque, const struct cpu *cpu, const struct insn *in, int sens,
                       enum cpu_callout_outcome outcome)
{
    struct debug_session *s = opaque;
    trace_on_callout(&s->trace, cpu, in, sens, outcome);
}

static void on_block(void *opaque, const struct cpu *cpu, const struct dbt_block_event *ev)
{
    struct debug_session *s = opaque;
    trace_on_block(&s->trace, cpu, ev);
}

void debug_session_attach(struct debug_session *s)
{
    struct cpu_hooks *h = &s->m->cpu->hooks;
    unsigned cat = s->tracing ? s->trace.categories : 0;
    int gdb = s->gdb_on && gdbstub_active(&s->gdb);

    memset(h, 0, sizeof(*h));
    h->opaque = s;
    if ((cat & TRACE_INSN) || s->ring_on || s->report_on || gdb)
        h->insn_retired = on_insn;
    if ((cat & TRACE_INSN) || gdb)
        h->mem_access = on_mem;
    if ((cat & (TRACE_INSN | TRACE_INT)) || s->stats_on || gdb)
        h->interrupt = on_interrupt;
    if (cat & TRACE_MMU)
        h->mmu = on_mmu;
    if (cat & TRACE_CALLOUT)
        h->callout = on_callout;
    cpu_hooks_changed(s->m->cpu);
    if (s->m->dbt)
        dbt_set_observer(s->m->dbt, (cat & TRACE_BLOCK) ? on_block : NULL, s);

    struct iobus_observer *o = &s->m->bus.observer;
    if ((cat & (TRACE_IO | TRACE_UNMAPPED)) || s->stats_on) {
        o->opaque = s;
        o->access = on_io;
    } else {
        o->opaque = NULL;
        o->access = NULL;
    }
    if (s->tracing)
        s->trace.cpu = s->m->cpu;
}

/* ------------------------------------------------------------ run */

static int session_poll(void *opaque)
{
    struct debug_session *s = opaque;
    if (s->user_poll && s->user_poll(s->user_opaque)) {
        s->user_stop = 1;
        return 1;
    }
    if (s->gdb_on && gdbstub_poll(&s->gdb))
        return 1;
    return 0;
}

enum machine_stop debug_session_run(struct debug_session *s)
{
    s->m->debug_poll.fn = session_poll;
    s->m->debug_poll.opaque = s;
    if (s->gdb_on && gdbstub_active(&s->gdb)) {
        /* -S: the client attached before the first instruction. */
        debug_session_attach(s);
        gdbstub_serve(&s->gdb);
        if (s->gdb.killed)
            return MACHINE_STOP_DEBUG;
        debug_session_attach(s);
    }
    for (;;) {
        enum machine_stop why = machine_run(s->m);
        if (why != MACHINE_STOP_DEBUG || s->user_stop)
            return why;
        if (!s->gdb_on)
            return why;
        /* A debugger stop (attach, breakpoint, step, watchpoint, Ctrl-C):
         * hooks follow whether a client is attached. */
        if (!gdbstub_stop_is_real(&s->gdb))
            continue;
        debug_session_attach(s);
        gdbstub_serve(&s->gdb);
        if (s->gdb.killed)
            return MACHINE_STOP_DEBUG;
        debug_session_attach(s);
    }
}
