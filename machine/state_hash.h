/* A hash of a whole machine's state, for replay's checkpoints, and a
 * report of how two machines differ, for its divergence reports.
 *
 * The hash covers what machine_save() saves -- the CPU and FPU, the clock,
 * every board device's record, RAM -- with the lazy flags made concrete
 * first (the translator and the interpreter may hold the same EFLAGS in
 * different lazy forms) and RAM as its nonzero pages with their
 * addresses (whether an all-zero page is allocated is not the guest's
 * business).
 */
#ifndef SHADOW86_MACHINE_STATE_HASH_H
#define SHADOW86_MACHINE_STATE_HASH_H

#include <stddef.h>
#include <stdint.h>

struct machine;

uint64_t machine_state_hash(struct machine *m);

/* Describe where `a` and `b` differ: registers, the first few RAM bytes,
 * the device records (by tag and offset). Writes one line per difference
 * (at most `max_lines`) into buf; returns the number of differences found. */
unsigned machine_state_diff(struct machine *a, struct machine *b, char *buf, size_t bufsz,
                            unsigned max_lines);

#endif
