/* --report=popek-goldberg: for the guest just run, every
 * sensitive-but-unprivileged instruction it executed (cpu/sensitive.h's
 * CPU_SENS_UNPRIVILEGED class), by kind, with counts and its top call
 * sites (symbolized), and what each would have done wrong under classic
 * trap-and-emulate with the guest kernel de-privileged to ring 1 — the
 * cases binary translation has to catch because no trap happens.
 *
 * Fed from the retired-instruction hook (so the translator falls back to
 * the interpreter while the report is on, and the counts are exact).
 */
#ifndef SHADOW86_DEBUG_PG_REPORT_H
#define SHADOW86_DEBUG_PG_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "debug/symbols.h"

#define PG_REPORT_SITES 4096u     /* distinct (kind, address) pairs kept */
#define PG_REPORT_TOP 5           /* call sites listed per kind */

struct pg_site {
    uint32_t lin;
    uint16_t op;                  /* enum insn_op; 0 = empty slot */
    uint16_t cs;
    uint32_t eip;
    uint8_t cpl;
    uint64_t count;
};

struct pg_report {
    uint64_t per_op[OP_COUNT];
    uint64_t per_op_cpl[OP_COUNT][4];
    uint64_t untracked;           /* executions whose site did not fit */
    struct pg_site sites[PG_REPORT_SITES];
};

void pg_report_init(struct pg_report *r);
void pg_report_on_insn(struct pg_report *r, const struct insn *in, const struct cpu *before);
void pg_report_print(const struct pg_report *r, FILE *out, struct symbols *syms);

/* What `op` would do wrong at ring 1 under trap-and-emulate, or NULL. */
const char *pg_report_consequence(unsigned op);

#endif
