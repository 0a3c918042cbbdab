/* A debugging session: everything debug/ attaches to one machine — the
 * trace, the trace ring, --stats counters, the gdb stub, the
 * Popek–Goldberg report — sharing the CPU's one set of observer hooks.
 *
 * The session installs only the hooks what is enabled needs, and
 * re-installs them when that changes (a gdb client attaches or leaves), so
 * a run without observers keeps every hook NULL. It also owns the run
 * loop when a debugger may stop the machine (debug_session_run).
 */
#ifndef SHADOW86_DEBUG_SESSION_H
#define SHADOW86_DEBUG_SESSION_H

#include "debug/gdbstub.h"
#include "debug/pg_report.h"
#include "debug/stats.h"
#include "debug/symbols.h"
#include "debug/trace.h"
#include "debug/trace_ring.h"
#include "machine/machine.h"

struct debug_session {
    struct machine *m;
    struct symbols syms;
    struct trace trace;
    int tracing;
    struct trace_ring ring;
    int ring_on;
    struct stats_counters counters;
    struct stats_registry registry;
    int stats_on;
    struct pg_report report;
    int report_on;
    struct gdbstub gdb;
    int gdb_on;
    /* Called between run slices (signals, set by the frontend); nonzero
     * stops the run with MACHINE_STOP_DEBUG. */
    int (*user_poll)(void *opaque);
    void *user_opaque;
    int user_stop;             /* user_poll asked to stop */
};

void debug_session_init(struct debug_session *s, struct machine *m);
void debug_session_free(struct debug_session *s);

/* (Re)install the CPU and bus hooks for what is enabled. */
void debug_session_attach(struct debug_session *s);

/* Run the machine; with a gdb stub, serve the debugger at each stop. A
 * MACHINE_STOP_DEBUG result means user_poll asked to stop (user_stop set)
 * or the debugger killed the run (gdb.killed set). */
enum machine_stop debug_session_run(struct debug_session *s);

#endif
