/* Several guests in one process (-vm): build each guest's machine from
 * its part of the command line, give it its outputs, run them all
 * round-robin (machine/vmset.h) and turn the way each ended into one line
 * and the process's exit status: 0 when every guest's status is 0, else
 * the status of the first guest, in command-line order, whose status is
 * not 0. */
#ifndef SHADOW86_CLI_MULTI_VM_H
#define SHADOW86_CLI_MULTI_VM_H

#include "frontends/cli/options.h"

/* Run the guests of `split` (n >= 2). `stop_signal` returns the signal
 * that asked the process to stop (SIGINT, SIGTERM), or 0. */
int cli_multi_vm_main(const struct cli_vm_split *split, int (*stop_signal)(void));

/* Check that a guest's options make sense beside others (no terminal,
 * window, debugger or whole-process recording of its own). Returns 0, or
 * -1 with a one-line message naming the option and the guest. */
int cli_multi_vm_check(const struct cli_options *o, unsigned guest, char *err, size_t errsz);

#endif
