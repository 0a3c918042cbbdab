/* The gdb stub's history for reverse execution: in-memory snapshots of
 * the whole machine (machine_save) with the replay cursor of each
 * (replay_mark), taken while a client is attached.
 *
 * The first is taken when the client attaches, then one every `every`
 * retired instructions (an alarm on the instruction count, at the top of
 * a run-loop pass). Bounded: when GDB_HISTORY_MAX_SNAPS are held or they
 * pass GDB_HISTORY_MAX_BYTES, every other one is dropped (the first
 * stays) and the interval doubles, so the history keeps reaching back to
 * the attach with snapshots denser near the present, and going back to
 * any point costs at most one interval of re-execution. A point is
 * reached by restoring the latest snapshot at or before it and running
 * forward (the replay log delivers the inputs again: the run is the same
 * one).
 */
#ifndef SHADOW86_DEBUG_GDB_HISTORY_H
#define SHADOW86_DEBUG_GDB_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"
#include "machine/replay.h"

#define GDB_HISTORY_MAX_SNAPS 32
#define GDB_HISTORY_MAX_BYTES (768u << 20)
#define GDB_HISTORY_DEFAULT_EVERY 1000000u

struct gdb_snap {
    uint64_t icount;
    uint8_t *buf;
    size_t len;
    struct replay_cursor cur;
};

struct gdb_history {
    struct machine *m;
    struct gdb_snap s[GDB_HISTORY_MAX_SNAPS];
    unsigned n;
    size_t bytes;
    uint64_t every;            /* the current interval (doubles when thinned) */
    uint64_t taken, dropped;   /* for the notice and the docs' figures */
};

/* Start (after a client attached): take the first snapshot now and arm
 * the alarm. Returns 0, or -1 when memory ran out (no history). */
int gdb_history_start(struct gdb_history *h, struct machine *m, uint64_t every);
void gdb_history_free(struct gdb_history *h);
/* Index of the latest snapshot taken at or before `icount`, or -1. */
int gdb_history_find(const struct gdb_history *h, uint64_t icount);
/* Restore snapshot `i`; the replay delivers the logged inputs from its
 * cursor again. Returns 0, or -1 (the state did not load). */
int gdb_history_restore(struct gdb_history *h, unsigned i);
/* The past after `icount` changed (a gdb write there): drop the later
 * snapshots. */
void gdb_history_truncate(struct gdb_history *h, uint64_t icount);

#endif
