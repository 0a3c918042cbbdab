/* Running one test on the shadow86 interpreter. */
#ifndef HOSTDIFF_HD_EMULATE_H
#define HOSTDIFF_HD_EMULATE_H

#include "hd_gen.h"
#include "hd_results.h"
#include "mmu/physmem.h"

/* Load `t` into guest RAM, run it in flat 32-bit protected mode until the
 * HLT after the sequence and store the final state in `r`. Returns 0, or
 * -1 with the reason in `why` (no HLT, an exception, a stray write). */
int hd_emulate(struct physmem *pm, const struct hd_test *t, struct hd_result *r,
               char *why, unsigned whysize);

#endif
