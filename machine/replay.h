/* Record and replay (-record, -replay; docs/replay.md).
 *
 * Every input that reaches the guest from outside passes one of the
 * machine's doors -- a serial port's backend poll, machine_key/_mouse/
 * _power_button, machine_request_quit -- and, while a replay is attached
 * (m->replay), each door asks this module: recording logs the input with
 * the retired-instruction count (and virtual time) at which the guest
 * received it; replaying ignores the frontend's live input and delivers
 * the logged inputs at the same points instead. Serial input needs no
 * scheduling of its own: the UART polls its backend from a clock timer,
 * at the same instruction counts in both runs, and the replay backend
 * answers those polls from the log. The other inputs arrive in the
 * frontend's display timer; replay delivers them from an instruction-
 * count alarm (machine_set_alarm) at the logged count and time.
 *
 * Every `every` instructions the recording logs machine_state_hash();
 * the replay compares it at the same count, keeps the machine state of
 * the last checkpoint that matched, and on a mismatch narrows: two fresh
 * machines restart from that state, one as this replay runs (same engine,
 * MMU mode, perturbation), one the reference (the interpreter, nested
 * paging, no perturbation), and a binary search on the instruction count
 * finds the first count after which they differ; the report names that
 * instruction and the differing registers, memory and device records.
 */
#ifndef SHADOW86_MACHINE_REPLAY_H
#define SHADOW86_MACHINE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "devices/uart16550.h"
#include "machine/board_nic.h"
#include "machine/replay_log.h"

struct machine;

/* Where a replay stands in its log: the next event of each stream not
 * yet delivered. Saved with a checkpoint's state, and with each of the
 * gdb stub's snapshots (replay_mark), so a re-run from there resumes the
 * inputs exactly. */
#define REPLAY_PORTS 2
struct replay_cursor {
    size_t main;                /* next event that is not serial input or host time */
    size_t serial[REPLAY_PORTS];  /* next serial event of each port */
    size_t host;                /* next host-time event */
    size_t net;                 /* next network frame */
    uint64_t host_last;         /* the latest host time handed out */
    uint64_t serial_seen;       /* serial bytes delivered so far */
    int perturbed;              /* the perturbation has been applied */
};

/* Start recording into `path` (written at replay_finish; NULL: kept in
 * memory only, for the gdb stub's reverse execution). `cmdline` goes
 * into the log for the reader. Call before the frontends attach their
 * serial backends. Returns 0, or -1 with a message. */
int replay_record_create(struct machine *m, const char *path, const char *cmdline,
                         uint64_t every, int compress, char *err, size_t errsz);
/* Start replaying `log` (taken over; freed with the replay). `perturb`:
 * NULL, "insn:N" or "serial:K" (tests of the checker). */
int replay_replay_create(struct machine *m, const char *path, struct replay_log *log,
                         const char *perturb, char *err, size_t errsz);
/* Once the frontends are attached: take the identity (recording) or check
 * it against the log (replay, naming the first difference), and arm the
 * alarm. Returns 0, or -1 with a message. */
int replay_begin(struct machine *m, char *err, size_t errsz);

/* The run has ended (`why`: enum machine_stop). Recording: log the end
 * and write the file. Replay: check the end against the log. Returns 0,
 * 1 when the replay diverged (report() says how), or -1 with a message. */
int replay_finish(struct machine *m, int why, char *err, size_t errsz);
/* A checkpoint mismatch ended the replay run. */
int replay_diverged(const struct machine *m);
/* The divergence report (several lines), or "" . */
const char *replay_report(const struct machine *m);
void replay_free(struct machine *m);

/* Reverse execution (debug/gdb_reverse.c). replay_mark: the cursor as it
 * stands (call where the machine is saved). replay_rewind: the machine
 * was just restored to a state saved with `cur`; deliver the logged
 * inputs again from there; `from` is the count the machine stood at
 * before the restore. A recording then follows its own log up to
 * the furthest point it had reached (the frontier), live input waiting,
 * and records again past it. */
void replay_mark(const struct machine *m, struct replay_cursor *cur);
void replay_rewind(struct machine *m, const struct replay_cursor *cur, uint64_t from);

/* gdb writes to guest state. replay_debug_writable: 0 while replaying a
 * file (a write would leave the recorded run). The others log a write
 * the stub has made (register `reg` of enum replay_debug_reg, or one
 * byte at physical `pa`); they return 1 when the write changes a past
 * the recording had run beyond (after a rewind): the log's later events
 * are dropped, and the caller must drop its later snapshots too. */
int replay_debug_writable(const struct machine *m);
/* Around a save or hash of the machine from outside (the gdb stub's
 * snapshots): host-time reads give the latest value, unlogged. */
void replay_hold_time(struct machine *m, int on);
int replay_debug_reg(struct machine *m, unsigned reg, uint32_t value);
int replay_debug_mem(struct machine *m, uint32_t pa, uint8_t byte);

/* The doors (called by machine/frontend_api.c and machine.c). Each
 * returns 1 when the live input must be dropped (replay), else 0. */
void replay_serial_attach(struct machine *m, int port, const struct uart_backend *b);
/* The network card's host end (-nic): recording logs every frame its
 * poll hands the card; replaying hands the card the logged frames at the
 * same polls and never asks `b` for input (b may then have no poll). */
void replay_net_attach(struct machine *m, const struct net_backend *b);
int replay_key(struct machine *m, unsigned code, int down);
int replay_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons);
int replay_power_button(struct machine *m);
int replay_quit(struct machine *m);

#endif
