/* --stats: the counters a run leaves behind, printed at exit. */
#ifndef SHADOW86_DEBUG_STATS_H
#define SHADOW86_DEBUG_STATS_H

#include <stdio.h>

#include "machine/machine.h"

void stats_print(FILE *out, const struct machine *m);

/* Mnemonic of an exception vector ("GP"), or NULL for unnamed ones. */
const char *stats_vector_name(unsigned vector);

#endif
