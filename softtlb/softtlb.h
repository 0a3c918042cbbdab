/* The per-CPU software TLB: linear page → host page, direct-mapped.
 *
 * Policy (docs/mmu.md has the figures):
 * - SOFTTLB_SIZE entries indexed by linear page number. One entry caches
 *   one linear page's translation; it has a tag per privilege (supervisor,
 *   user) and per access type (read, write, fetch), each set only if that
 *   access may go straight to host memory: rights allow it, the page is
 *   plain memory for it, and for writes the guest's dirty bit is already
 *   set and no watch (translated code, shadowed page table) covers it.
 * - A tag is `linear page | 1`, so an all-zero entry is invalid: zeroing
 *   the whole structure (as cpu_reset does) is a full flush.
 * - The fast path below is a tag compare plus a page-crossing check; it
 *   never faults. Everything else (a miss, a page-crossing access, MMIO,
 *   ROM writes, watched pages, a walk that must set A/D bits, a fault) is
 *   the slow path in cpu/mem.c, which fills entries through mmu/.
 * - Host pointers here stay valid while the entry is valid: physmem tells
 *   the TLB (softtlb_physmem_changed) before a host page it maps changes.
 */
#ifndef SHADOW86_SOFTTLB_SOFTTLB_H
#define SHADOW86_SOFTTLB_SOFTTLB_H

#include <stddef.h>
#include <stdint.h>

#ifndef SOFTTLB_BITS
#define SOFTTLB_BITS 10
#endif
#define SOFTTLB_SIZE (1u << SOFTTLB_BITS)

enum softtlb_access { SOFTTLB_READ, SOFTTLB_WRITE, SOFTTLB_FETCH, SOFTTLB_ACCESS_TYPES };
enum softtlb_priv { SOFTTLB_SUPERVISOR, SOFTTLB_USER, SOFTTLB_PRIVS };

/* What the fast paths read, 64 bytes (an index is a shift, and the tags
 * with the host pages take the first 40): the fast-path tags and host
 * pages first, the slow path's translation tags after them; the rest of
 * a translation lives apart (struct softtlb_cold). */
struct softtlb_entry {
    /* Fast-path tags: the access may use rd/wr directly. */
    uint32_t tag[SOFTTLB_PRIVS][SOFTTLB_ACCESS_TYPES];
    const uint8_t *rd;     /* host page for reads and fetches */
    uint8_t *wr;           /* host page for writes */
    /* Translation tags: the access is allowed and goes to `gpa`, but
     * through physmem (MMIO, ROM, a watched page): the slow path uses them
     * instead of translating again, as a hardware TLB would. */
    uint32_t xtag[SOFTTLB_PRIVS][SOFTTLB_ACCESS_TYPES];
};
_Static_assert(sizeof(struct softtlb_entry) == 64, "softtlb_entry: 64 bytes");

/* The slot's translation, read by the slow path and the flushes only. */
struct softtlb_cold {
    uint32_t gpa;          /* guest-physical page the linear page maps to */
    uint8_t global;        /* survives non-global flushes (CR4.PGE and G) */
    uint8_t gpa_valid;     /* gpa is below 4 GiB (else nothing is there) */
};

/* Hits are counted by the fast paths that can do so cheaply (the C ones
 * per access; the x86-64 backend's inline code per stretch of code,
 * dbt/native.c), misses by the slow path. */
struct softtlb_stats {
    uint64_t hit[SOFTTLB_ACCESS_TYPES];
    uint64_t miss[SOFTTLB_ACCESS_TYPES];
    uint64_t flush_all, flush_nonglobal, flush_page, flush_phys;
    uint64_t flush_sup_write;   /* supervisor write rights revoked (CR0.WP set) */
};

struct softtlb {
    struct softtlb_entry e[SOFTTLB_SIZE];
    struct softtlb_cold c[SOFTTLB_SIZE];
    struct softtlb_stats stats;
};

static inline struct softtlb_entry *softtlb_slot(struct softtlb *t, uint32_t lin)
{
    return &t->e[(lin >> 12) & (SOFTTLB_SIZE - 1)];
}

static inline struct softtlb_cold *softtlb_cold_slot(struct softtlb *t, uint32_t lin)
{
    return &t->c[(lin >> 12) & (SOFTTLB_SIZE - 1)];
}

static inline uint32_t softtlb_tag(uint32_t lin)
{
    return (lin & 0xFFFFF000u) | 1u;
}

/* Host pointer for `size` bytes at `lin`, or NULL (slow path). */
static inline const uint8_t *softtlb_lookup_read(struct softtlb *t, uint32_t lin, unsigned size,
                                                 unsigned priv, unsigned type)
{
    struct softtlb_entry *e = softtlb_slot(t, lin);
    if (e->tag[priv][type] == softtlb_tag(lin) && (lin & 0xFFFu) <= 0x1000u - size) {
        t->stats.hit[type]++;
        return e->rd + (lin & 0xFFFu);
    }
    return NULL;
}

static inline uint8_t *softtlb_lookup_write(struct softtlb *t, uint32_t lin, unsigned size,
                                            unsigned priv)
{
    struct softtlb_entry *e = softtlb_slot(t, lin);
    if (e->tag[priv][SOFTTLB_WRITE] == softtlb_tag(lin) && (lin & 0xFFFu) <= 0x1000u - size) {
        t->stats.hit[SOFTTLB_WRITE]++;
        return e->wr + (lin & 0xFFFu);
    }
    return NULL;
}

void softtlb_flush_all(struct softtlb *t);
void softtlb_flush_nonglobal(struct softtlb *t);
void softtlb_flush_page(struct softtlb *t, uint32_t lin);
/* CR0.WP went 0 -> 1: supervisor writes to read-only pages are no longer
 * allowed, so drop every supervisor write tag; reads, fetches and user
 * rights stay (WP changes none of them). */
void softtlb_revoke_supervisor_writes(struct softtlb *t);
/* physmem listener: drop entries mapping guest-physical [gpa, gpa+len). */
void softtlb_physmem_changed(void *tlb, uint32_t gpa, uint32_t len);

/* Install what a translation allows for one linear page. `allow` has bit
 * (priv * 3 + type) set for each tag to set; rd/wr may be NULL when reads
 * or writes must take the slow path. */
void softtlb_install(struct softtlb *t, uint32_t lin, uint32_t gpa, int gpa_valid,
                     const uint8_t *rd, uint8_t *wr, unsigned allow, int global);

#endif
