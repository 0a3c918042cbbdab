/* Running one test on shadow86: the interpreter, the translator, or both
 * in lockstep. */
#ifndef HOSTDIFF_HD_EMULATE_H
#define HOSTDIFF_HD_EMULATE_H

#include "hd_gen.h"
#include "hd_results.h"
#include "mmu/physmem.h"

/* Load `t` into guest RAM, run it in flat 32-bit protected mode until the
 * HLT after the sequence and store the final state in `r`. Returns 0, or
 * -1 with the reason in `why` (no HLT, an exception, a stray write). */
enum hd_engine {
    HD_ENGINE_INTERP,        /* the interpreter (reference semantics) */
    HD_ENGINE_DBT,           /* the translator */
    HD_ENGINE_LOCKSTEP,      /* translator checked against the interpreter per block */
    HD_ENGINE_LOCKSTEP_INSN  /* ... per instruction (one-instruction blocks) */
};

/* Parse "interp", "dbt", "lockstep" or "lockstep-insn"; -1 if unknown. */
int hd_engine_parse(const char *name);

/* `backend`: the translator's (enum dbt_backend), or -1 for the host's
 * default. */
int hd_emulate(struct physmem *pm, const struct hd_test *t, struct hd_result *r,
               enum hd_engine engine, int backend, char *why, unsigned whysize);

#endif
