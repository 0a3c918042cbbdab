/* Lockstep checking of the translator against the interpreter at machine
 * level.
 *
 * Determinism makes this simple: a second machine built from the same
 * options sees the same inputs (virtual clock, devices, images), so it
 * must follow the same path. The translator machine runs one block per
 * pass and reports the budget units it used; the twin runs the same pass
 * with the interpreter held to exactly those units. After every pass the
 * CPU states must agree; guest RAM is compared every LOCKSTEP_RAM_EVERY
 * passes and at the end. The twin's outputs (console, logs) are discarded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/compare.h"
#include "dbt/dbt.h"
#include "machine/machine.h"

#define LOCKSTEP_RAM_EVERY 65536u

int machine_lockstep_attach(struct machine *m, char *err, size_t errsz)
{
    if (m->opts.clock_mode != CLOCK_VIRTUAL) {
        snprintf(err, errsz, "--lockstep needs the virtual clock (not -rtc clock=host)");
        return -1;
    }
    if (!m->dbt) {
        snprintf(err, errsz, "--lockstep checks the translator: it cannot be combined with --no-dbt");
        return -1;
    }
    struct machine_options o = m->opts;
    o.no_dbt = 1;
    o.lockstep = 0;
    o.debugcon_out = NULL;
    o.log = NULL;
    o.seabios_log_out = NULL;
    o.snapshot = 1;            /* the twin never writes an image */
    struct machine *twin = calloc(1, sizeof *twin);
    if (!twin) {
        snprintf(err, errsz, "out of memory for the lockstep twin");
        return -1;
    }
    if (machine_create(twin, &o, err, errsz) != 0) {
        free(twin);
        return -1;
    }
    if (m->opts.lockstep == 2)
        dbt_set_block_limit(m->dbt, 1);
    m->lockstep_role = MACHINE_LOCKSTEP_TRANSLATOR;
    twin->lockstep_role = MACHINE_LOCKSTEP_REFERENCE;
    m->lockstep_twin = twin;
    return 0;
}

/* First differing byte of guest RAM, or -1. */
static int64_t ram_differs(const struct machine *a, const struct machine *b)
{
    uint32_t size = a->mem.ram_size;
    for (uint32_t page = 0; page < size; page += PHYSMEM_PAGE_SIZE) {
        const uint8_t *pa = physmem_read_page(&a->mem, page);
        const uint8_t *pb = physmem_read_page(&b->mem, page);
        if (pa == pb || !pa || !pb)
            continue;   /* both the shared zero page, or not RAM */
        if (memcmp(pa, pb, PHYSMEM_PAGE_SIZE) != 0)
            for (uint32_t i = 0; i < PHYSMEM_PAGE_SIZE; i++)
                if (pa[i] != pb[i])
                    return (int64_t)page + i;
    }
    return -1;
}

static enum machine_stop diverged(struct machine *m, uint16_t cs, uint32_t eip, uint64_t icount,
                                  const char *what)
{
    snprintf(m->lockstep_report, sizeof m->lockstep_report,
             "lockstep divergence after the pass starting at %04X:%08X (instruction %llu): %s",
             cs, eip, (unsigned long long)icount, what);
    return MACHINE_STOP_DIVERGED;
}

enum machine_stop machine_run_lockstep(struct machine *m)
{
    struct machine *ref = m->lockstep_twin;
    char diff[1024];
    uint64_t passes = 0;

    for (;;) {
        uint16_t cs = m->cpu->seg[SEG_CS].sel;
        uint32_t eip = m->cpu->eip;
        uint64_t icount = m->cpu->icount, used = 0;
        int ra = machine_pass(m, UINT64_MAX, &used);
        int rb = machine_pass(ref, used, NULL);
        passes++;
        if (cpu_compare(m->cpu, ref->cpu, diff, sizeof diff) != 0)
            return diverged(m, cs, eip, icount, diff);
        /* A stop request polled by the translator's pass (the
         * reference has no poll) ends the run; the passes did the same
         * work, so a resumed run goes on in step. */
        if (ra == MACHINE_STOP_DEBUG && rb == MACHINE_PASS_CONTINUE)
            rb = ra;
        /* -smp: the same CPU runs in both, and the others agree too. */
        if (m->cur != ref->cur) {
            snprintf(diff, sizeof diff, "CPU %u runs here, CPU %u in the reference", m->cur, ref->cur);
            return diverged(m, cs, eip, icount, diff);
        }
        for (unsigned k = 0; k < m->ncpus; k++)
            if (k != m->cur && cpu_compare(&m->cpus[k], &ref->cpus[k], diff, sizeof diff) != 0)
                return diverged(m, cs, eip, icount, diff);
        if (ra != rb) {
            snprintf(diff, sizeof diff, "the translator's run ended (%d), the interpreter's %d", ra, rb);
            return diverged(m, cs, eip, icount, diff);
        }
        int final = ra != MACHINE_PASS_CONTINUE;
        if (final || passes % LOCKSTEP_RAM_EVERY == 0) {
            int64_t at = ram_differs(m, ref);
            if (at >= 0) {
                snprintf(diff, sizeof diff, "guest RAM differs at %08llx", (long long)at);
                return diverged(m, cs, eip, icount, diff);
            }
        }
        if (final)
            return (enum machine_stop)ra;
    }
}
