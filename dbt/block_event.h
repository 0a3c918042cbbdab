/* What the translator tells an observer about its blocks: each block
 * translated, each chain made, each invalidation with its cause, each
 * flush of the whole cache.
 *
 * The observer (debug/'s tracer) registers with dbt_set_observer() on the
 * translator; cpu/ knows nothing of blocks. With no observer each event
 * site costs one branch on a NULL pointer, on paths that already do the
 * work (translation, chaining, invalidation), never inside a block.
 * docs/debug.md shows the printed form. */
#ifndef SHADOW86_DBT_BLOCK_EVENT_H
#define SHADOW86_DBT_BLOCK_EVENT_H

#include <stdint.h>

struct cpu;

enum dbt_block_event_kind {
    DBT_BLOCK_TRANSLATE,    /* pa, lin, len = guest bytes, ninsn */
    DBT_BLOCK_CHAIN,        /* pa -> to_pa */
    DBT_BLOCK_INVALIDATE,   /* pa, cause (enum below) */
    DBT_BLOCK_FLUSH,        /* everything, cause */
    DBT_BLOCK_EVENT_COUNT
};

enum dbt_block_cause {
    DBT_BLOCK_CAUSE_NONE, DBT_BLOCK_CAUSE_CODE_WRITE, DBT_BLOCK_CAUSE_SELF_MODIFY,
    DBT_BLOCK_CAUSE_CR3, DBT_BLOCK_CAUSE_MODE, DBT_BLOCK_CAUSE_CACHE_FULL,
    DBT_BLOCK_CAUSE_DEBUGGER,
    DBT_BLOCK_CAUSE_REMAP,  /* the page tables now map other bytes there */
    DBT_BLOCK_CAUSE_COUNT
};

struct dbt_block_event {
    uint8_t kind;           /* enum dbt_block_event_kind */
    uint8_t cause;          /* enum dbt_block_cause */
    uint32_t pa, lin, to_pa;
    uint32_t len, ninsn;
};

/* Called with the translator's CPU (its state when the event happened). */
typedef void (*dbt_block_observer_fn)(void *opaque, const struct cpu *cpu,
                                      const struct dbt_block_event *ev);

#endif
