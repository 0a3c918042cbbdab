/* shadow86's exit statuses (options.def's CLI_EXIT lines say what each
 * means) and the closing line of a run. */
#ifndef SHADOW86_CLI_EXIT_STATUS_H
#define SHADOW86_CLI_EXIT_STATUS_H

#include "machine/machine.h"

enum {
    EXIT_HALTED = 0,
    EXIT_BAD_INPUT = 2,
    EXIT_TRIPLE_FAULT = 4,
    EXIT_INSN_LIMIT = 6,
    EXIT_DEBUGGER_KILL = 8,
    EXIT_DIVERGED = 12,
    EXIT_SIGNAL_BASE = 128,
    EXIT_GUEST_RESET = 10,
    EXIT_OUTPUT_ERROR = 14,
};

/* One line on stderr saying how machine m's run ended (`who` before it:
 * "" for the only guest, "[vm2] " for one of several; `signal` the
 * signal that stopped it, or 0); returns its exit status. */
int cli_report_stop(const struct machine *m, enum machine_stop why, int signal, const char *who);

#endif
