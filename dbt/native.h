/* The native backend: each block lowered to x86-64 host code in a code
 * buffer (dbt/code_buffer.h), written with dbt/x64_emit.h. Internal to
 * dbt/; docs/dbt.md describes it.
 *
 * What a block's code does:
 * - calls the block's micro-ops in order, each with its pre-decoded
 *   operands as an immediate (the micro-op's address) through a direct
 *   call: the call variant of the same micro-op functions the portable
 *   backend threads (DBT_CALL_VARIANT, dbt/uops.h), so both backends share
 *   every line of semantics and every fast/slow decision. A micro-op that
 *   ends the run (a store hit translated code, an x87 stop) returns NULL
 *   and the code leaves with DBT_NATIVE_STOP; d->stop_at names where, as
 *   under the portable backend, so faults and stops see the same state;
 * - at the end brings EIP and the count up to date and leaves through an
 *   exit: a direct exit (JMP, Jcc, CALL rel, fall-through) ends in a
 *   patchable JMP rel32 per successor slot, linked to the successor's code
 *   by dbt_native_link() and unlinked (back to the exit) when the
 *   successor is invalidated; a RET asks the return prediction (inline
 *   code) and jumps to its code; everything else probes the jump cache
 *   (dbt_native_next) or returns to the run loop.
 * The run loop enters through the shared entry code, which keeps the CPU
 * in RBX and the translator in R12 for the whole run of blocks. */
#ifndef SHADOW86_DBT_NATIVE_H
#define SHADOW86_DBT_NATIVE_H

#include <stddef.h>

#include "dbt/cache.h"

#if defined(__x86_64__) && defined(__linux__)
#define DBT_NATIVE_AVAILABLE 1
#else
#define DBT_NATIVE_AVAILABLE 0
#endif

/* How the code of a run of blocks returned to the loop. */
enum dbt_native_exit {
    DBT_NATIVE_DONE,   /* d->running completed; d->icount0 counts it too */
    DBT_NATIVE_STOP,   /* a micro-op of d->running ended the run at d->stop_at */
};

/* The smallest code buffer: any block's code fits many times over. */
#define DBT_NATIVE_MIN_BUFFER (64u * 1024u)

/* Create the backend with a code buffer of `bytes`. Returns NULL with a
 * message in err on failure (or on a host without the backend). */
struct dbt_native *dbt_native_create(size_t bytes, char *err, size_t errsz);
void dbt_native_destroy(struct dbt_native *n);

/* Emit block b's code (its micro-ops are bound to the call variant).
 * Returns 0, or -1 when the code buffer is full. */
int dbt_native_emit(struct dbt *d, struct dbt_block *b);

/* Run b (and whatever its code chains into): d->icount0, d->chain_end,
 * d->running and the memory-form state are set by the caller. */
enum dbt_native_exit dbt_native_run(struct dbt *d, struct dbt_block *b);

/* Patch `from`'s exit for `slot` to jump straight into `to` (both on one
 * page; the loop decided the link is valid). No-op when either has no
 * code for it or `to` straddles a page (it needs the loop's check). */
void dbt_native_link(struct dbt *d, struct dbt_block *from, int slot, struct dbt_block *to);
/* `b` was invalidated: every jump patched into it goes back to its exit. */
void dbt_native_unlink(struct dbt *d, struct dbt_block *b);
/* Every block is about to be freed: free their code and start the buffer
 * again. */
void dbt_native_flush(struct dbt *d);

/* After a RET block returned to the loop: the CALL block its return
 * prediction used (the loop learns the successor for it), or NULL. */
struct dbt_block *dbt_native_ret_caller(struct dbt *d);

/* dbt/dbt.c: the jump-cache probe for host code (NULL: ask the run loop). */
struct dbt_block *dbt_jc_probe(struct dbt *d, struct dbt_block *prev, struct dbt_block *caller,
                               int check);

/* Bytes of the code buffer in use, and its size. */
size_t dbt_native_used(const struct dbt_native *n);
size_t dbt_native_size(const struct dbt_native *n);

#endif
