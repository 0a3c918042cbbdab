#include <stdlib.h>
#include <string.h>

#include "debug/trace_ring.h"

int trace_ring_init(struct trace_ring *r, size_t n, char *err, size_t errsz)
{
    memset(r, 0, sizeof(*r));
    if (n == 0 || n > TRACE_RING_MAX) {
        snprintf(err, errsz, "--trace-ring: %zu is out of range (1 to %u)", n, TRACE_RING_MAX);
        return -1;
    }
    r->rec = calloc(n, sizeof(*r->rec));
    if (!r->rec) {
        snprintf(err, errsz, "--trace-ring: out of memory for %zu records", n);
        return -1;
    }
    if (disasm_open(&r->dis) != 0) {
        free(r->rec);
        r->rec = NULL;
        snprintf(err, errsz, "cannot open the Capstone disassembler");
        return -1;
    }
    r->dis_open = 1;
    r->cap = n;
    return 0;
}

void trace_ring_free(struct trace_ring *r)
{
    if (r->dis_open)
        disasm_close(&r->dis);
    free(r->rec);
    memset(r, 0, sizeof(*r));
}

void trace_ring_set_att(struct trace_ring *r, int att)
{
    if (r->dis_open)
        disasm_set_att(&r->dis, att);
}

void trace_ring_push(struct trace_ring *r, const struct cpu *cpu, const struct insn *in,
                     const struct cpu *before)
{
    trace_record_insn(&r->rec[r->total % r->cap], cpu, in, before);
    r->total++;
}

void trace_ring_dump(struct trace_ring *r, FILE *out, struct symbols *syms, const char *why)
{
    if (!r->cap)
        return;
    uint64_t kept = r->total < r->cap ? r->total : r->cap;
    fprintf(out, "shadow86: last %llu of %llu instructions (%s):\n", (unsigned long long)kept,
            (unsigned long long)r->total, why);
    for (uint64_t i = r->total - kept; i < r->total; i++) {
        char line[1024];
        trace_format_record(&r->dis, syms, &r->rec[i % r->cap], NULL, 0, line, sizeof line);
        fprintf(out, "%s\n", line);
    }
    fflush(out);
}
