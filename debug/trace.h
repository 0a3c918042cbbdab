/* Execution tracing: what the CPU, the MMU, the translator and the bus
 * did, one line per event.
 *
 * Categories (for --trace=a,b,...):
 *   insn      every retired instruction: index, CPL, CS:EIP, linear
 *             address, bytes, Capstone disassembly, symbol+offset, the
 *             registers and flags it changed, its memory reads and writes
 *   int       interrupts and exceptions: vector, error code, source, gate
 *   io        every port access: direction, port, size, value, device
 *   unmapped  the first access to each port no device owns
 *   mmu       softtlb misses and page walks, A/D updates, shadow tables
 *             (printed from struct mmu_event, raised by [mmu])
 *   callout   sensitive instructions and their outcome (emulated, faulted)
 *   block     translations, chaining and invalidations ([dbt])
 * The line formats are documented in docs/debug.md.
 *
 * Filters (struct trace_filter) restrict insn, int, mem, mmu, callout and
 * block lines to an instruction-count range, a linear-address range (of
 * the instruction) and a CPL. A trace attaches through the CPU's and the
 * bus's observer hooks and sets only the hooks its categories need; with
 * tracing off the hooks stay NULL and cost nothing. All state is in
 * struct trace (no globals).
 */
#ifndef SHADOW86_DEBUG_TRACE_H
#define SHADOW86_DEBUG_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "debug/disasm.h"
#include "debug/symbols.h"
#include "dbt/block_event.h"
#include "devices/iobus.h"

enum trace_category {
    TRACE_INSN = 1u << 0,
    TRACE_IO = 1u << 1,
    TRACE_UNMAPPED = 1u << 2,
    TRACE_INT = 1u << 3,
    TRACE_MMU = 1u << 4,
    TRACE_CALLOUT = 1u << 5,
    TRACE_BLOCK = 1u << 6,
};

/* Names accepted by trace_parse_categories, for help texts. */
#define TRACE_CATEGORY_NAMES "insn, int, io, unmapped, mmu, callout, block, all"

struct trace_filter {
    uint64_t insn_from, insn_to;    /* inclusive instruction-count range */
    uint32_t lin_lo, lin_hi;        /* inclusive linear-address range */
    int cpl;                        /* -1: any */
};

/* Memory accesses of the instruction in flight, printed on its line. */
#define TRACE_MEM_MAX 16
struct trace_mem {
    uint8_t write, size;
    uint32_t lin, value;
};

/* The registers a line reports changes of (a compact copy of the parts of
 * struct cpu the trace and the ring compare). */
struct trace_regs {
    uint32_t gp[8];
    uint32_t eflags;
    uint16_t sel[SEG_COUNT];
    uint32_t cr0, cr2, cr3, cr4;
};

struct trace {
    FILE *out;                 /* not owned */
    unsigned categories;
    struct disasm dis;
    int dis_open;
    struct symbols *syms;      /* not owned; NULL: no symbols */
    struct trace_filter filter;
    const struct cpu *cpu;     /* for the CS:EIP of bus events */
    uint64_t lines;
    struct trace_mem mem[TRACE_MEM_MAX];
    unsigned nmem;             /* accesses seen (may exceed TRACE_MEM_MAX) */
    /* A callout line formatted when the instruction reached its callout,
     * printed with its outcome once that is known. */
    char callout_line[96];
    char callout_text[160];
    int callout_held;
    /* --trace-max: bytes written, the limit (0: none), whether the last
     * write ended inside a line, and whether the trace was cut. */
    uint64_t bytes, max_bytes;
    int mid_line;
    int cut;
};

/* Parse "insn,io" into a mask (ORed into *mask). Returns 0, or -1 with a
 * one-line message naming the unknown category. */
int trace_parse_categories(const char *spec, unsigned *mask, char *err, size_t errsz);

/* Start a session writing to `out`. Returns 0, or -1 with a message. */
int trace_open(struct trace *t, unsigned categories, FILE *out, char *err, size_t errsz);
void trace_set_att(struct trace *t, int att);
/* Stop writing once `max` bytes are written (0: no limit): the next line
 * becomes one line saying the trace was cut, and nothing follows it. */
void trace_set_max_bytes(struct trace *t, uint64_t max);
void trace_set_symbols(struct trace *t, struct symbols *syms);
/* Hook the session into a CPU and a bus (either may be NULL) directly;
 * (block events come from the translator: session.c registers those with
 * dbt_set_observer). debug/session.c instead calls the trace_on_* functions itself when
 * several observers share the hooks. */
void trace_attach(struct trace *t, struct cpu *cpu, struct iobus *bus);
void trace_close(struct trace *t);

/* Observer entry points (the hook signatures of cpu/cpu.h, with the trace
 * as opaque). */
void trace_on_insn(void *t, const struct cpu *cpu, const struct insn *in,
                   const struct cpu *before);
void trace_on_mem(void *t, const struct cpu *cpu, enum cpu_mem_kind kind, uint32_t lin,
                  unsigned size, uint32_t value);
void trace_on_interrupt(void *t, const struct cpu *cpu, int vec, int src, int has_error,
                        uint32_t error);
void trace_on_io(void *t, const struct iobus_access *a);
void trace_on_mmu(void *t, const struct cpu *cpu, const struct mmu_event *ev);
void trace_on_callout(void *t, const struct cpu *cpu, const struct insn *in, int sens,
                      enum cpu_callout_outcome outcome);
void trace_on_block(void *t, const struct cpu *cpu, const struct dbt_block_event *ev);

/* Format one instruction's trace line (no newline) into `buf`; exposed for
 * tests and tools. */
void trace_format_insn(struct trace *t, const struct cpu *cpu, const struct insn *in,
                       const struct cpu *before, char *buf, size_t bufsz);

/* Shared with the ring buffer: the record of one instruction, and its line. */
struct trace_insn_record {
    uint64_t icount;
    uint8_t cpl, code32, len;
    uint16_t cs;
    uint32_t eip, lin;
    uint8_t bytes[INSN_MAX_LEN];
    struct trace_regs before, after;
};
void trace_regs_capture(struct trace_regs *r, const struct cpu *cpu);
void trace_record_insn(struct trace_insn_record *r, const struct cpu *cpu,
                       const struct insn *in, const struct cpu *before);
/* Format a record: disassembly with `dis`, symbol from `syms` (may be
 * NULL), then changes and the `nmem` accesses in `mem` (may be 0). */
void trace_format_record(struct disasm *dis, struct symbols *syms,
                         const struct trace_insn_record *r, const struct trace_mem *mem,
                         unsigned nmem, char *buf, size_t bufsz);

/* Vector mnemonic ("#GP"), or NULL for vectors without one. */
const char *trace_vector_name(unsigned vec);

#endif
