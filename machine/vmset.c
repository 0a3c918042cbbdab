/* Round-robin of several machines on one thread (vmset.h). */
#include <string.h>

#include "base/clock.h"
#include "machine/machine.h"
#include "machine/vmset.h"

void vmset_init(struct vmset *s, uint64_t slice_insns)
{
    memset(s, 0, sizeof *s);
    s->slice_insns = slice_insns ? slice_insns : VMSET_SLICE_DEFAULT;
}

int vmset_add(struct vmset *s, struct machine *m)
{
    if (s->n == VMSET_MAX)
        return -1;
    s->vm[s->n] = m;
    s->running[s->n] = 1;
    return (int)s->n++;
}

static void stop(struct vmset *s, unsigned i, int why)
{
    s->running[i] = 0;
    s->why[i] = why;
    s->stopped_at_round[i] = s->rounds;
    board_audio_frame(s->vm[i], 1);   /* as machine_run ends */
}

void vmset_run(struct vmset *s)
{
    uint64_t slice_ns = s->slice_insns * CLOCK_NS_PER_INSN;
    for (;;) {
        unsigned live = 0;
        uint64_t end = (s->rounds + 1) * slice_ns;
        for (unsigned i = 0; i < s->n; i++) {
            if (!s->running[i])
                continue;
            struct machine *m = s->vm[i];
            while (clock_now(&m->clock) < end) {
                int r = machine_pass(m, UINT64_MAX, NULL);
                if (r != MACHINE_PASS_CONTINUE) {
                    stop(s, i, r);
                    break;
                }
            }
            live += s->running[i];
        }
        s->rounds++;
        if (!live)
            return;
        balloon_policy_tick(&s->policy, s->vm, s->running, s->n);
        if (s->between && s->between(s->between_opaque, s)) {
            for (unsigned i = 0; i < s->n; i++)
                if (s->running[i])
                    stop(s, i, MACHINE_STOP_QUIT);
            return;
        }
    }
}
