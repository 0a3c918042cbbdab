/* --trace-ring N: the last N instructions, kept in memory and printed when
 * the run ends abnormally (triple fault, signal, host-side error) or on
 * request (SIGUSR2). Records are raw (bytes, registers before and after);
 * disassembly happens only when the ring is printed, so keeping it costs
 * a copy per instruction, not a Capstone call.
 */
#ifndef SHADOW86_DEBUG_TRACE_RING_H
#define SHADOW86_DEBUG_TRACE_RING_H

#include <stddef.h>
#include <stdio.h>

#include "debug/trace.h"

#define TRACE_RING_MAX 1000000u

struct trace_ring {
    struct trace_insn_record *rec;
    size_t cap;
    uint64_t total;            /* records ever pushed */
    struct disasm dis;
    int dis_open;
};

/* Returns 0, or -1 with a message (bad size, no memory, no Capstone). */
int trace_ring_init(struct trace_ring *r, size_t n, char *err, size_t errsz);
void trace_ring_free(struct trace_ring *r);
void trace_ring_set_att(struct trace_ring *r, int att);
void trace_ring_push(struct trace_ring *r, const struct cpu *cpu, const struct insn *in,
                     const struct cpu *before);
/* Print the kept instructions, oldest first, under a header naming `why`. */
void trace_ring_dump(struct trace_ring *r, FILE *out, struct symbols *syms, const char *why);

#endif
