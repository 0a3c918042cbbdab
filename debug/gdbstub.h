/* gdb remote serial protocol stub (the protocol as the gdb manual,
 * appendix "Remote Protocol", describes it), over TCP.
 *
 * -gdb tcp:HOST:PORT listens on HOST (loopback when HOST is empty, as in
 * "tcp::1234"); -s is tcp:127.0.0.1:1234; -S starts the machine stopped,
 * waiting for gdb. Port 0 picks a free port; the chosen one is printed.
 *
 * Target: i386 with a target description (qXfer:features:read):
 * org.gnu.gdb.i386.core (eax..edi, eip, eflags, cs..gs, and the x87
 * registers, which read as zero until the FPU exists — writes to them are
 * ignored), and org.shadow86.i386.sys (cr0, cr2, cr3, cr4, read-only).
 * Memory is read and written by linear address (debug/guestmem.h: through
 * paging once it exists); bytes not backed by RAM/ROM give an error.
 *
 * Breakpoints (Z0 software and Z1 hardware alike) are address compares on
 * the linear address of the next instruction, checked after each retired
 * instruction and after each interrupt or exception delivery (the
 * handler's first instruction): guest memory is never patched, so they are
 * exact with the translator too and invisible to the guest. Watchpoints (Z2 write, Z3
 * read, Z4 access) are checked in the CPU's memory-access hook and stop
 * after the accessing instruction. Single step, continue, Ctrl-C (checked
 * between run slices), detach (the run goes on) and kill (the run ends).
 * A client that misbehaves or disconnects never crashes the emulator: bad
 * packets get an error reply, a lost connection counts as a detach.
 *
 * Reverse execution (ReverseStep+, ReverseContinue+: the `bs` and `bc`
 * packets) restores snapshots and runs forward; a stop at the history's
 * beginning is reported as "T05replaylog:begin;". Register and memory
 * writes go into the replay log (machine/replay.h), so a recorded run
 * with gdb writes replays, and re-executing the past applies them again;
 * a write while replaying a file is refused (E01).
 */
#ifndef SHADOW86_DEBUG_GDBSTUB_H
#define SHADOW86_DEBUG_GDBSTUB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "debug/gdb_history.h"
#include "debug/symbols.h"
#include "machine/machine.h"

#define GDBSTUB_MAX_BREAKPOINTS 64
#define GDBSTUB_MAX_WATCHPOINTS 16
#define GDBSTUB_PACKET_MAX 4096

enum gdbstub_stop {
    GDBSTUB_STOP_NONE,
    GDBSTUB_STOP_STEP,
    GDBSTUB_STOP_BREAK,
    GDBSTUB_STOP_WATCH,
    GDBSTUB_STOP_INTERRUPT,   /* Ctrl-C */
    GDBSTUB_STOP_ATTACH,      /* a client connected */
    GDBSTUB_STOP_RECHECK      /* an interrupt was delivered: is its handler a breakpoint? */
};

/* Where a client's bytes come from and the replies go: the TCP connection
 * (gdbstub_open, then a client connects), or a caller's functions
 * (gdbstub_attach_io: tests/fuzz/fuzz_gdb.c drives the packet parser from
 * bytes). Both behave as recv() and send() do: recv returns the bytes
 * read, 0 at the end of the input, -1 on an error; send returns the bytes
 * taken or -1. */
struct gdbstub_io {
    void *opaque;
    long (*recv)(void *opaque, void *buf, size_t len);
    long (*send)(void *opaque, const void *buf, size_t len);
};

struct gdbstub {
    struct machine *m;
    struct gdbstub_io io;      /* the connected client's; recv NULL when none */
    FILE *log;                 /* one-line notices (listening, connected) */
    int listen_fd, fd;
    int attached;              /* a client is connected and in control */
    int killed;                /* 'k' received: end the run */
    int stepping;
    enum gdbstub_stop stop;
    int watch_type;            /* 2 write, 3 read, 4 access: of the hit */
    uint32_t watch_addr;
    struct { uint32_t addr; uint8_t type; } bp[GDBSTUB_MAX_BREAKPOINTS];
    unsigned nbp;
    struct { uint32_t addr, len; uint8_t type; } wp[GDBSTUB_MAX_WATCHPOINTS];
    unsigned nwp;
    /* Reverse execution (debug/gdb_reverse.h): on when reverse_every is
     * set (the frontend does so when the run keeps its inputs in a
     * replay log and its disks in overlays); snapshots every that many
     * instructions while a client is attached. */
    uint64_t reverse_every;
    struct gdb_history hist;
    char in[GDBSTUB_PACKET_MAX + 1];
    uint8_t rx[512];
    size_t rx_len, rx_pos;
};

/* Parse "tcp:HOST:PORT" and listen. Returns 0, or -1 with a one-line
 * message naming the flag and the problem. */
int gdbstub_open(struct gdbstub *g, struct machine *m, const char *spec, FILE *log,
                 char *err, size_t errsz);
void gdbstub_close(struct gdbstub *g);

/* Attach a client that speaks through `io` instead of a socket, as if it
 * had just connected; gdbstub_serve() then reads its packets. Used to
 * drive the protocol from bytes; the running-guest checks of
 * gdbstub_poll() (Ctrl-C) look at sockets only. */
void gdbstub_attach_io(struct gdbstub *g, struct machine *m, const struct gdbstub_io *io);

/* Block until a client connects (for -S). Returns 0, or -1. */
int gdbstub_wait_client(struct gdbstub *g);
/* Between run slices: accept a pending client (the guest runs on until it
 * sends something), see a Ctrl-C or a packet. Returns nonzero when the
 * machine must stop for the debugger. Never blocks. */
int gdbstub_poll(struct gdbstub *g);

/* The CPU hooks' share (debug/session.c dispatches). */
void gdbstub_on_insn(struct gdbstub *g, const struct cpu *cpu);
void gdbstub_on_mem(struct gdbstub *g, enum cpu_mem_kind kind, uint32_t lin, unsigned size);
void gdbstub_on_interrupt(struct gdbstub *g);

/* After a stop: 1 when the client must hear of it, 0 when it was only an
 * interrupt delivery whose handler is no breakpoint (run on). */
int gdbstub_stop_is_real(struct gdbstub *g);

/* The machine stopped for the debugger: report why and serve packets until
 * the client resumes (returns 0), detaches (returns 0, attached = 0) or
 * kills (returns 0, killed = 1). */
int gdbstub_serve(struct gdbstub *g);
/* The run ended on its own: tell the client (W/X packet) with `status`. */
void gdbstub_report_exit(struct gdbstub *g, int status);

/* Whether the CPU hooks are needed (a client is attached). */
static inline int gdbstub_active(const struct gdbstub *g)
{
    return g->attached;
}

#endif
