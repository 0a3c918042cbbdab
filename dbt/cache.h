/* The translator's state: block cache (hash by key), per-CPU jump cache
 * by linear EIP, and the map of guest-physical pages holding translated
 * code with a bitmap of translated 64-byte granules per page.
 * Internal to dbt/. */
#ifndef SHADOW86_DBT_CACHE_H
#define SHADOW86_DBT_CACHE_H

#include "dbt/block.h"
#include "dbt/dbt.h"

#define DBT_HASH_BITS 16             /* 64 Ki buckets: 512 KiB of struct dbt */
#define DBT_JC_BITS 12
#define DBT_GRANULE_SHIFT 6            /* 64-byte granules: 64 per 4 KiB page */
#define DBT_PAGE_SHIFT 12
#define DBT_PAGE_DIR_BITS 10           /* 1024 directories of 1024 pages */

/* Blocks whose code lies on one guest-physical page. A block lives in the
 * list of each page it touches (one or two: links[0] and links[1]). */
struct dbt_page {
    uint64_t granules;                 /* translated 64-byte granules */
    struct dbt_block_ref *blocks;
    uint32_t invalidations;            /* code writes that hit translated bytes */
};

/* A page whose translations were invalidated this often is code that keeps
 * rewriting itself: translating it again would cost more than it saves,
 * so its instructions go through the interpreter until the next flush. */
#define DBT_HOT_SMC_LIMIT 64

struct dbt_block_ref {
    struct dbt_block *block;
    struct dbt_block_ref *next;
};

struct dbt_jc_entry {
    struct dbt_block *block;
    uint32_t stamp;
};

struct dbt {
    struct cpu *cpu;
    dbt_block_observer_fn observer;    /* block events (debug/), or NULL */
    void *observer_opaque;
    struct dbt_block *hash[1u << DBT_HASH_BITS];
    struct dbt_jc_entry jc[1u << DBT_JC_BITS];
    struct dbt_block *all;             /* every block ever made since the last flush */
    size_t block_count;
    size_t dead_count;                 /* invalidated, awaiting the next flush */
    /* Host memory held for blocks, their page references and page
     * directories since the last flush, and the limit (dbt_set_cache_limit). */
    uint64_t cache_bytes, cache_limit;
    struct dbt_page *pages[1u << DBT_PAGE_DIR_BITS];
    /* Bumped by every invalidation; a running block compares it after each
     * instruction so a store into its own code takes effect at once. */
    uint32_t code_gen;
    uint64_t icount0;                  /* instruction count at the running block's start */
    /* The current run (dbt_exec): kept here so they survive a fault's
     * longjmp out of the hot loop. */
    uint64_t run_end;
    uint64_t run_faults;
    jmp_buf *run_jmp;
    const struct dbt_uop *stop_at;     /* where the run of blocks ended (DBT_STOP, end sentinel) */
    /* Blocks may follow each other without returning to the run loop
     * (dbt_end_sentinel) while the count stays within this: the run's end,
     * or 0 when the loop must see every block (lockstep). */
    uint64_t chain_end;
    uint64_t inline_runs;              /* blocks so entered, not yet in stats */
    uintptr_t stack_floor;             /* DBT_STACK_GUARD (dbt/uops.h) */
    /* For the memory forms' fast halves (dbt/uop_mem.c): no access hook is
     * needed (cpu_access_hook_needed(), the memory observer) and the
     * softtlb privilege of the CPL. Only callouts, full forms and faults
     * can change what they depend on: dbt_mem_state() refreshes them after
     * each and whenever the run loop enters a block. */
    uint8_t mem_hooks_off;
    uint8_t tlb_priv;
    /* Segments (bit per SEG_*) whose reads / writes need no check but the
     * softtlb's (mem_fast_seg_flat()), none while an access hook is. */
    uint8_t flat_rd, flat_wr;
    unsigned block_limit;              /* instructions per block (1..DBT_BLOCK_MAX) */
    uint32_t next_stamp;
    struct dbt_stats stats;
    uint64_t (*now_ns)(void);          /* host clock for translation time, or NULL */
    struct dbt_block *running;         /* the block executing */
    /* Return prediction: the blocks that ended in a CALL, innermost last
     * (a ring: a deeper call chain only loses predictions). */
    struct dbt_block *rsb[16];
    unsigned rsb_top;
    /* The native backend (dbt/native.h), or NULL: the portable one. */
    struct dbt_native *native;
};

void dbt_mem_state(struct dbt *d);

/* Mode bits that select a translation (they change how bytes decode or
 * what a block may assume). */
uint32_t dbt_mode_bits(const struct cpu *cpu);

/* The hash bucket of a block key (exposed for tests/unit/test_dbt.c). */
uint32_t dbt_cache_bucket(uint32_t eip, uint32_t cs_base, uint32_t mode, uint32_t phys);
struct dbt_block *dbt_cache_lookup(struct dbt *d, uint32_t eip, uint32_t cs_base,
                                   uint32_t cs_limit, uint32_t mode, uint32_t phys);
void dbt_cache_insert(struct dbt *d, struct dbt_block *b);
/* Flush everything, telling the block observer `cause`. */
void dbt_flush_cause(struct dbt *d, int cause);
/* Whether code on the guest-physical page of `phys` is rewritten too often
 * to be worth translating. */
int dbt_page_too_hot(const struct dbt *d, uint32_t phys);
/* Drop one block (its stamp changes; links to it break); `cause` is an
 * enum cpu_block_cause for the block trace. */
void dbt_cache_invalidate_block(struct dbt *d, struct dbt_block *b, int cause);

/* Tell the block observer (debug/, dbt_set_observer) about an event. */
void dbt_block_event(struct dbt *d, int kind, int cause, const struct dbt_block *b,
                     const struct dbt_block *to);

#endif
