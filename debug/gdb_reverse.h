/* Reverse execution for the gdb stub (the remote protocol's `bs` and
 * `bc` packets): restore a snapshot of debug/gdb_history.h and run
 * forward, deterministically, to the instruction count wanted.
 *
 * reverse-stepi goes to the count one less than now. reverse-continue
 * scans the interval from the latest snapshot before now up to now with
 * the stub's breakpoints and watchpoints armed, noting where each would
 * have stopped a forward run, and goes to the last such point: for a
 * breakpoint, the count at which the next instruction is at its address
 * (where a forward continue stops); for a watchpoint, the count just
 * before the accessing instruction (the value gdb sees there is the one
 * before the write, so gdb reports the change going backwards). With no
 * hit it scans the interval before, and so on back to the first
 * snapshot, where it stops with "no more history".
 */
#ifndef SHADOW86_DEBUG_GDB_REVERSE_H
#define SHADOW86_DEBUG_GDB_REVERSE_H

#include "debug/gdbstub.h"

/* Each sets g->stop (and the watchpoint fields) for the stop reply and
 * returns 0, or returns 1 when the history's beginning stopped it (the
 * machine is at the first snapshot, or did not move), or -1 when a
 * snapshot did not load. */
int gdb_reverse_step(struct gdbstub *g);
int gdb_reverse_continue(struct gdbstub *g);

#endif
