/* Several guests in one process (-vm): each a whole `struct machine` with
 * its own CPU, devices, clock and RAM, run round-robin on the calling
 * thread in slices of machine time, so a run is as repeatable as one
 * guest's.
 *
 * Round r ends at (r + 1) * slice_insns * CLOCK_NS_PER_INSN ns of each
 * guest's own clock: in every round each guest still running runs passes
 * of its run loop (machine_pass) until its clock reaches the round's end
 * or it stops. A busy guest thus runs slice_insns instructions a round
 * (its clock follows its instruction count, 10 ns each with -rtc
 * clock=vm); an idle one (HLT) reaches the end by skipping to its timers,
 * at little host cost. A pass is not cut at the round's end, so a guest
 * may overrun it by up to one pass (at most 2^20 instructions); the same
 * command line makes the same passes, in the same order, every run.
 * Between rounds the balloon policy (balloon_policy.h) looks at the
 * guests, then `between` (if set) is called: the frontend's signal check. The guests share nothing but the thread: a
 * machine never reaches another's state.
 */
#ifndef SHADOW86_MACHINE_VMSET_H
#define SHADOW86_MACHINE_VMSET_H

#include <stdint.h>

#include "machine/balloon_policy.h"

#define VMSET_MAX 16
#define VMSET_SLICE_DEFAULT 1000000u   /* instructions a round (10 ms of machine time) */

struct machine;

struct vmset {
    struct machine *vm[VMSET_MAX];
    unsigned n;
    uint64_t slice_insns;
    int running[VMSET_MAX];
    int why[VMSET_MAX];              /* enum machine_stop, once stopped */
    uint64_t rounds;
    uint64_t stopped_at_round[VMSET_MAX];
    struct balloon_policy policy;    /* after every round (off unless initialised) */
    /* Called after every round; nonzero ends the run: every guest still
     * running stops with MACHINE_STOP_QUIT. */
    int (*between)(void *opaque, struct vmset *s);
    void *between_opaque;
};

void vmset_init(struct vmset *s, uint64_t slice_insns);
/* Returns the guest's index, or -1 when the set is full. */
int vmset_add(struct vmset *s, struct machine *m);
/* Run until every guest has stopped. */
void vmset_run(struct vmset *s);

#endif
