/* Execution tracing: what the CPU and the bus did, one line per event.
 *
 * Categories (for --trace=a,b,...):
 *   insn      every retired instruction: index, CS:EIP, bytes, Capstone
 *             disassembly and the registers it changed
 *   io        every port access: direction, port, size, value, device
 *   unmapped  the first access to each port no device owns
 *
 * A trace attaches to a CPU and a bus through their observer hooks and
 * sets only the hooks its categories need; with tracing off the hooks stay
 * NULL and cost nothing. All state is in struct trace (no globals).
 */
#ifndef SHADOW86_DEBUG_TRACE_H
#define SHADOW86_DEBUG_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "debug/disasm.h"
#include "devices/iobus.h"

enum trace_category {
    TRACE_INSN = 1u << 0,
    TRACE_IO = 1u << 1,
    TRACE_UNMAPPED = 1u << 2,
};

/* Names accepted by trace_parse_categories, for help texts. */
#define TRACE_CATEGORY_NAMES "insn, io, unmapped"

struct trace {
    FILE *out;                 /* not owned */
    unsigned categories;
    struct disasm dis;
    int dis_open;
    const struct cpu *cpu;     /* for the CS:EIP of I/O events */
    uint64_t lines;
};

/* Parse "insn,io" into a mask (ORed into *mask). Returns 0, or -1 with a
 * one-line message naming the unknown category. */
int trace_parse_categories(const char *spec, unsigned *mask, char *err, size_t errsz);

/* Start a session writing to `out`. Returns 0, or -1 with a message. */
int trace_open(struct trace *t, unsigned categories, FILE *out, char *err, size_t errsz);
/* Hook the session into a CPU and a bus (either may be NULL). */
void trace_attach(struct trace *t, struct cpu *cpu, struct iobus *bus);
void trace_close(struct trace *t);

/* Format one instruction's trace line (no newline) into `buf`; exposed for
 * tests and tools. */
void trace_format_insn(struct trace *t, const struct cpu *cpu, const struct insn *in,
                       const struct cpu *before, char *buf, size_t bufsz);

#endif
