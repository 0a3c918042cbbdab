/* The block-caching binary translator's public interface.
 *
 * dbt_exec() is a drop-in for cpu_run(): same budget semantics (retired
 * instructions; a delivered fault uses one unit), same exits, same
 * architectural results instruction for instruction. The instruction
 * semantics are cpu/'s handlers; this module only decides what to run
 * next and caches the decoding.
 */
#ifndef SHADOW86_DBT_DBT_H
#define SHADOW86_DBT_DBT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "dbt/block_event.h"

struct dbt;

struct dbt_stats {
    uint64_t blocks_translated;
    uint64_t insns_translated;
    uint64_t block_runs;          /* blocks entered */
    uint64_t cache_hits;          /* lookups served by the jump cache or hash */
    uint64_t cache_misses;        /* lookups that translated */
    uint64_t chain_hits;          /* successors taken through a chain link */
    uint64_t invalidations;       /* blocks invalidated by code writes */
    uint64_t flushes;             /* full cache flushes */
    uint64_t cache_full_flushes;  /* of those, because the cache reached its limit */
    uint64_t cache_bytes_peak;    /* most host memory the cache held (bytes) */
    uint64_t interpreted;         /* instructions run by the interpreter
                                     (single-step, hooks, budget tails) */
    uint64_t hot_smc_interpreted; /* instructions interpreted on pages that
                                     keep rewriting their own code */
    uint64_t callouts[4];         /* sensitive instructions run as callouts,
                                     per enum cpu_sensitivity */
    uint64_t translate_ns;        /* host time spent translating (when a timer is set) */
    /* The native backend (dbt_set_backend). */
    uint64_t code_bytes;          /* host code emitted, in all */
    uint64_t code_buffer_flushes; /* full flushes because the code buffer was full */
    uint64_t native_links;        /* exit jumps patched to a successor */
    uint64_t native_unlinks;      /* ... and patched back when it was invalidated */
};

/* How blocks run: the portable threaded micro-ops (any host), or x86-64
 * host code (dbt/native.h; x86-64 Linux hosts, the default there). */
enum dbt_backend { DBT_BACKEND_PORTABLE, DBT_BACKEND_X86_64 };

/* The backend a translator starts with on this host. */
enum dbt_backend dbt_default_backend(void);
/* "portable" / "x86-64". */
const char *dbt_backend_name(enum dbt_backend b);
/* Parse a backend name; 0 or -1. */
int dbt_parse_backend(const char *s, enum dbt_backend *b);
/* The default code buffer of the native backend. */
/* 128 MiB: the Debian guest's boot and shell loop emit 57 MB; the memfd is
 * backed only where code was written. */
#define DBT_CODE_BUFFER_DEFAULT (128u << 20)

/* Choose the backend (flushes every translation); `code_buffer` bytes of
 * host code for the native one (0: DBT_CODE_BUFFER_DEFAULT), flushed
 * whole when full. Returns 0, or -1 with a message in err (the backend
 * is then unchanged). */
int dbt_set_backend(struct dbt *dbt, enum dbt_backend b, size_t code_buffer, char *err,
                    size_t errsz);
enum dbt_backend dbt_get_backend(const struct dbt *dbt);
/* Bytes of host code in use now, and the buffer's size (0 and 0 under the
 * portable backend). */
void dbt_code_buffer_usage(const struct dbt *dbt, size_t *used, size_t *size);

/* Create a translator for `cpu`. Returns NULL on allocation failure. */
struct dbt *dbt_create(struct cpu *cpu);
void dbt_destroy(struct dbt *dbt);

/* Run `cpu` from now on (a machine with several CPUs switches between
 * runs, never inside one). The block cache is shared: a block is keyed by
 * the physical address of its code, CS and the mode bits, and every lookup
 * checks that physical address through the running CPU's own translation,
 * so a block one CPU translated is valid for another in the same mode;
 * a store by any CPU into translated code invalidates it for all (the
 * physical write watch). */
void dbt_set_cpu(struct dbt *dbt, struct cpu *cpu);

/* Run up to `budget` instructions (see cpu_run()). */
enum cpu_exit dbt_exec(struct dbt *dbt, uint64_t budget);

/* Run at most one block (or one interpreted instruction, or deliver one
 * fault) within `budget`; *used receives the budget units consumed, which
 * is what the interpreter must be given to reach the same point. */
enum cpu_exit dbt_exec_block(struct dbt *dbt, uint64_t budget, uint64_t *used);

/* A store or DMA hit guest-physical [gpa, gpa+len): drop every block that
 * translated those bytes. Safe to call from inside a running block: the
 * block stops after the current instruction. */
void dbt_invalidate_phys(struct dbt *dbt, uint32_t gpa, uint32_t len);

/* Drop everything (e.g. after a snapshot restore). */
void dbt_flush(struct dbt *dbt);

/* Have `fn` told of block events (dbt/block_event.h); NULL: nobody. */
void dbt_set_observer(struct dbt *dbt, dbt_block_observer_fn fn, void *opaque);

const struct dbt_stats *dbt_get_stats(const struct dbt *dbt);

/* Measure translation time with `now_ns` (a host monotonic clock in ns;
 * base/clock provides it — only statistics use it, never the guest). */
void dbt_set_timer(struct dbt *dbt, uint64_t (*now_ns)(void));

/* The block cache's host memory limit (--code-cache): when a translation
 * would start with the cache at `bytes` or more, the whole cache is flushed
 * first (block event cause CACHE_FULL). A guest that keeps reaching new
 * code (or the same code by new CS bases) cannot grow host memory without
 * bound. */
#define DBT_CACHE_DEFAULT_MIB 256u
void dbt_set_cache_limit(struct dbt *dbt, uint64_t bytes);

/* At most `limit` instructions per block (1 = one instruction per block,
 * for instruction-by-instruction lockstep). Flushes the cache. */
void dbt_set_block_limit(struct dbt *dbt, unsigned limit);

#endif
