/* The host page pool: where every host page of guest RAM comes from, for
 * one machine or several in one process (docs/overcommit.md).
 *
 * The process (the frontend) owns one pool and hands it to each machine's
 * physmem (physmem_set_pool); a physmem without one makes its own,
 * unlimited. The pool
 * - counts the host pages guest RAM holds (`resident`) against a limit
 *   (--host-mem; 0 = none); when an allocation would pass it, physmem
 *   evicts a page of some member to the swap file (--swap) first, and
 *   with no swap file the pool's exhausted hook ends the run with one line;
 * - keeps the frames of shared pages (content-based sharing, mmu/pageshare.c):
 *   a host page several guest pages map read-only, found by content hash
 *   and confirmed by memcmp; a store to one breaks the share (COW);
 * - owns the swap file's slots (mmu/pageswap.c).
 * Everything here is host state: no guest sees any of it but as time.
 */
#ifndef SHADOW86_MMU_HOSTPOOL_H
#define SHADOW86_MMU_HOSTPOOL_H

#include <stddef.h>
#include <stdint.h>

struct physmem;

#define HOSTPOOL_MEMBERS_MAX 16
#define HOSTPOOL_NONE 0xFFFFFFFFu
/* --host-mem below this many MiB is refused: the clock hand needs room to
 * find a victim that is not in use by the instruction running. */
#define HOSTPOOL_MIN_MIB 4u

struct hostpool_stats {
    uint64_t resident;         /* host pages holding guest RAM now */
    uint64_t peak_resident;
    uint64_t shared_frames;    /* of them, frames mapped by several guest pages */
    uint64_t shared_refs;      /* guest pages mapping a shared frame now */
    uint64_t ballooned;        /* guest pages a balloon holds now */
    uint64_t swapped;          /* guest pages in the swap file now */
    uint64_t swap_outs, swap_ins;
    uint64_t merges;           /* guest pages merged into a shared frame (total) */
    uint64_t zero_merges;      /* written pages found all-zero and dropped (total) */
    uint64_t cow_breaks;
    uint64_t scanned;          /* pages the sharing scanner hashed */
    uint64_t hash_collisions;  /* equal hash, different bytes: not merged */
    uint64_t ref_clears;       /* referenced bits the clock hand cleared */
};

/* A shared frame: one host page, its content hash, the guest pages that
 * map it, and the next frame of its hash bucket. */
struct hostpool_frame {
    uint8_t *page;
    uint64_t hash;
    uint32_t refs;
    uint32_t next;             /* bucket chain / free list (HOSTPOOL_NONE ends) */
};

/* A candidate for sharing seen once (KSM's "unstable" set): checked again
 * (still private, same bytes) before it is used. */
struct hostpool_cand {
    uint64_t hash;
    struct physmem *pm;
    uint32_t gpa;
    uint32_t used;
};

typedef uint64_t (*hostpool_hash_fn)(const uint8_t *page);
/* Must not return: prints `msg` and ends the process (the default does
 * so with exit status HOSTPOOL_EXIT_STATUS). */
typedef void (*hostpool_exhausted_fn)(void *opaque, const char *msg);
#define HOSTPOOL_EXIT_STATUS 16

struct hostpool {
    uint64_t limit;            /* pages; 0 = no limit */
    /* swap file */
    int swap_fd;               /* -1: none */
    char *swap_path;
    uint32_t swap_slots;       /* slots ever used (the file's length / 4 KiB) */
    uint32_t *swap_free;       /* stack of free slots */
    size_t swap_free_n, swap_free_cap;
    /* members, for eviction across machines */
    struct physmem *member[HOSTPOOL_MEMBERS_MAX];
    unsigned members, hand_member;
    /* shared frames: by index, hash buckets of indices, a free list */
    struct hostpool_frame *frame;
    uint32_t frame_count, frame_cap, frame_free;
    uint32_t *bucket;          /* HOSTPOOL_BUCKETS heads */
    struct hostpool_cand *cand;   /* HOSTPOOL_CANDS slots, direct-mapped */
    hostpool_hash_fn hash_fn;  /* tests force collisions through it */
    hostpool_exhausted_fn exhausted;
    void *exhausted_opaque;
    struct hostpool_stats stats;
};

#define HOSTPOOL_BUCKETS 65536u
#define HOSTPOOL_CANDS 65536u

/* An empty pool without limit or swap. 0, or -1 (ENOMEM). */
int hostpool_init(struct hostpool *p);
/* Frees the pool's tables and closes (and truncates) the swap file. The
 * members must have been freed first. */
void hostpool_free(struct hostpool *p);
/* Limit in pages (0: none). */
void hostpool_set_limit(struct hostpool *p, uint64_t pages);
/* Open (create, truncate) the swap file. 0, or -1 with a one-line reason
 * in err. */
int hostpool_set_swap(struct hostpool *p, const char *path, char *err, size_t errsz);
void hostpool_set_exhausted(struct hostpool *p, hostpool_exhausted_fn fn, void *opaque);

/* Host page accounting: a page for guest RAM (zeroed), or back. The
 * caller (physmem) has made room first (physmem's eviction). */
uint8_t *hostpool_page_alloc(struct hostpool *p);
void hostpool_page_free(struct hostpool *p, uint8_t *page);
/* Whether an allocation now would pass the limit. */
static inline int hostpool_full(const struct hostpool *p)
{
    return p->limit && p->stats.resident >= p->limit;
}
/* Report the pool exhausted (does not return). */
void hostpool_fail(struct hostpool *p, const char *msg);

/* The content hash the scanner uses (hash64 unless a test set hash_fn). */
uint64_t hostpool_hash(const struct hostpool *p, const uint8_t *page);

/* Shared frames. find: the frame holding exactly `page`'s bytes (hash
 * `h`), or HOSTPOOL_NONE (a hash match with other bytes is counted as a
 * collision). adopt: make `page` (a private page the caller gives up) a
 * frame with `refs` references. put: drop one reference; the last frees
 * the frame's page. */
uint32_t hostpool_frame_find(struct hostpool *p, uint64_t h, const uint8_t *page);
uint32_t hostpool_frame_adopt(struct hostpool *p, uint8_t *page, uint64_t h, uint32_t refs);
void hostpool_frame_get(struct hostpool *p, uint32_t f);
void hostpool_frame_put(struct hostpool *p, uint32_t f);
/* The last reference's page, kept (still resident) as a private page:
 * NULL unless `f` has exactly one reference. */
uint8_t *hostpool_frame_take(struct hostpool *p, uint32_t f);
/* Allocate the hash tables sharing needs (on first use). 0 or -1. */
int hostpool_share_ready(struct hostpool *p);

/* Swap slots: write a page out (returns the slot, or HOSTPOOL_NONE after
 * reporting the failure), read one back, free one. */
uint32_t hostpool_swap_write(struct hostpool *p, const uint8_t *page);
int hostpool_swap_read(struct hostpool *p, uint32_t slot, uint8_t *page);
void hostpool_swap_free(struct hostpool *p, uint32_t slot);

/* Members: physmem_set_pool adds, physmem_free removes. */
int hostpool_add_member(struct hostpool *p, struct physmem *pm);
void hostpool_remove_member(struct hostpool *p, struct physmem *pm);

#endif
