/* The machine a guest's command line describes: struct cli_options to
 * struct machine_options (the one guest of a plain command line, or each
 * -vm guest). */
#ifndef SHADOW86_CLI_GUEST_OPTIONS_H
#define SHADOW86_CLI_GUEST_OPTIONS_H

#include <stddef.h>

#include "frontends/cli/options.h"
#include "machine/machine.h"

/* Fill *mo from *o (debugcon_out left NULL: outputs are opened once every
 * input was accepted) and read its -balloon-script into *steps (malloc'd,
 * the caller frees after the machine; NULL without one). Returns 0, or -1
 * with a one-line message. */
int cli_machine_options(const struct cli_options *o, struct machine_options *mo,
                        struct balloon_step **steps, char *err, size_t errsz);

#endif
