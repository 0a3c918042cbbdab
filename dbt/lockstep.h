/* Lockstep checking: the translator runs one CPU, the interpreter (the
 * reference) runs a second CPU with its own copy of memory and devices,
 * and their architectural states are compared after every block (or,
 * with a block limit of 1, after every instruction). */
#ifndef SHADOW86_DBT_LOCKSTEP_H
#define SHADOW86_DBT_LOCKSTEP_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "dbt/dbt.h"

struct dbt_lockstep {
    struct dbt *dbt;        /* translator, driving its own CPU */
    struct cpu *ref;        /* interpreter CPU: same initial state, own memory */
    uint64_t comparisons;   /* block boundaries checked */
    int diverged;
    char report[1024];      /* the first divergence, when diverged */
};

/* Run both engines for `budget` units (see cpu_run()). Stops at the first
 * divergence (ls->diverged set, ls->report says where and what) or when
 * the translated CPU exits; returns the translated CPU's exit. */
enum cpu_exit dbt_lockstep_exec(struct dbt_lockstep *ls, uint64_t budget);

#endif
