/* Block cache, code-page map and invalidation. */
#include <stdlib.h>
#include <string.h>

#include "dbt/cache.h"
#include "dbt/native.h"
#include "cpu/seg.h"

uint32_t dbt_mode_bits(const struct cpu *cpu)
{
    uint32_t m = 0;
    if (cpu->cr0 & CR0_PE) m |= 1u;
    if (cpu->eflags & EFLAGS_VM) m |= 2u;
    m |= cpu_cpl(cpu) << 2;
    if (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) m |= 1u << 4;
    if (cpu->seg[SEG_SS].attr & SEG_ATTR_DB) m |= 1u << 5;
    if (cpu->cr0 & CR0_PG) m |= 1u << 6;
    return m;
}

/* The bucket of a key: every part of it mixed in on its own. Hashing the
 * linear address (CS base + EIP) put the same bytes reached through many
 * CS bases (real-mode code does that) in one bucket, and lookups went
 * quadratic: 61,000 such blocks took 1.47 s, 15,000 of them in one chain.
 * Each part is multiplied by its own odd constant, so a change of the CS
 * base that EIP cancels still moves the bucket; murmur3's finaliser then
 * spreads every input bit over the index bits. */
static uint32_t hash_key(uint32_t eip, uint32_t cs_base, uint32_t mode, uint32_t phys)
{
    uint32_t h = phys * 0x9E3779B1u ^ eip * 0x85EBCA77u ^ cs_base * 0xC2B2AE3Du ^
                 mode * 0x27D4EB2Fu;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h >> (32 - DBT_HASH_BITS);
}

uint32_t dbt_cache_bucket(uint32_t eip, uint32_t cs_base, uint32_t mode, uint32_t phys)
{
    return hash_key(eip, cs_base, mode, phys);
}

struct dbt_block *dbt_cache_lookup(struct dbt *d, uint32_t eip, uint32_t cs_base,
                                   uint32_t cs_limit, uint32_t mode, uint32_t phys)
{
    for (struct dbt_block *b = d->hash[hash_key(eip, cs_base, mode, phys)]; b; b = b->hash_next) {
        if (b->eip == eip && b->cs_base == cs_base && b->cs_limit == cs_limit &&
            b->mode == mode && b->phys == phys)
            return b;
    }
    return NULL;
}

static struct dbt_page *page_get(struct dbt *d, uint32_t page, int create)
{
    uint32_t dir = page >> DBT_PAGE_DIR_BITS, idx = page & ((1u << DBT_PAGE_DIR_BITS) - 1);
    if (!d->pages[dir]) {
        if (!create)
            return NULL;
        d->pages[dir] = calloc(1u << DBT_PAGE_DIR_BITS, sizeof(struct dbt_page));
        if (!d->pages[dir])
            abort();   /* out of host memory: nothing sensible to continue with */
        d->cache_bytes += (uint64_t)(1u << DBT_PAGE_DIR_BITS) * sizeof(struct dbt_page);
    }
    return &d->pages[dir][idx];
}

/* Mark the granules of [phys, phys+len) within one page and list `b`. */
static void page_add(struct dbt *d, struct dbt_block *b, uint32_t phys, uint32_t len)
{
    struct dbt_page *p = page_get(d, phys >> DBT_PAGE_SHIFT, 1);
    uint32_t off = phys & 0xFFF;
    /* Stores to a page holding translated code take the slow path and
     * report to dbt_code_write() before they complete. */
    if (!p->granules && !p->blocks)
        physmem_watch(d->cpu->mem, phys & ~0xFFFu, PHYSMEM_WATCH_CODE);
    uint32_t g0 = off >> DBT_GRANULE_SHIFT, g1 = (off + len - 1) >> DBT_GRANULE_SHIFT;
    for (uint32_t g = g0; g <= g1; g++)
        p->granules |= 1ull << g;
    struct dbt_block_ref *r = malloc(sizeof *r);
    if (!r)
        abort();
    r->block = b;
    r->next = p->blocks;
    p->blocks = r;
    d->cache_bytes += sizeof *r;
}

int dbt_page_too_hot(const struct dbt *d, uint32_t phys)
{
    const struct dbt_page *dir = d->pages[phys >> (DBT_PAGE_SHIFT + DBT_PAGE_DIR_BITS)];
    if (!dir)
        return 0;
    return dir[(phys >> DBT_PAGE_SHIFT) & ((1u << DBT_PAGE_DIR_BITS) - 1)].invalidations >=
           DBT_HOT_SMC_LIMIT;
}

void dbt_cache_insert(struct dbt *d, struct dbt_block *b)
{
    uint32_t h = hash_key(b->eip, b->cs_base, b->mode, b->phys);
    b->hash_next = d->hash[h];
    d->hash[h] = b;
    b->all_next = d->all;
    d->all = b;
    d->block_count++;
    d->cache_bytes += sizeof *b + ((size_t)b->n + 1) * sizeof(struct dbt_uop);

    /* Register the bytes on each page they occupy. */
    page_add(d, b, b->phys, b->first_len);
    if (b->span > b->first_len)
        page_add(d, b, b->phys_page[1], (uint32_t)(b->span - b->first_len));
    if (d->cache_bytes > d->stats.cache_bytes_peak)
        d->stats.cache_bytes_peak = d->cache_bytes;
}

static void hash_unlink(struct dbt *d, struct dbt_block *b)
{
    struct dbt_block **pp = &d->hash[hash_key(b->eip, b->cs_base, b->mode, b->phys)];
    while (*pp && *pp != b)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = b->hash_next;
}

void dbt_block_event(struct dbt *d, int kind, int cause, const struct dbt_block *b,
                     const struct dbt_block *to)
{
    if (!d->observer)
        return;
    struct dbt_block_event ev = {
        .kind = (uint8_t)kind, .cause = (uint8_t)cause,
        .pa = b ? b->phys : 0, .lin = b ? b->cs_base + b->eip : 0, .to_pa = to ? to->phys : 0,
        .len = b ? b->span : 0, .ninsn = b ? b->n : 0,
    };
    d->observer(d->observer_opaque, d->cpu, &ev);
}

void dbt_cache_invalidate_block(struct dbt *d, struct dbt_block *b, int cause)
{
    if (!b->valid)
        return;
    dbt_block_event(d, DBT_BLOCK_INVALIDATE, cause, b, NULL);
    b->valid = 0;
    b->stamp = ++d->next_stamp;   /* breaks chain links and jump-cache entries */
    if (d->native)
        dbt_native_unlink(d, b);  /* and the jumps patched into its host code */
    hash_unlink(d, b);
    d->dead_count++;
    d->stats.invalidations++;
}

static int block_overlaps(const struct dbt_block *b, uint32_t gpa, uint32_t len)
{
    uint64_t a0 = gpa, a1 = (uint64_t)gpa + len;
    if (a0 < (uint64_t)b->phys + b->first_len && a1 > b->phys)
        return 1;
    if (b->span > b->first_len) {
        uint64_t s0 = b->phys_page[1], s1 = s0 + (b->span - b->first_len);
        if (a0 < s1 && a1 > s0)
            return 1;
    }
    return 0;
}

/* Rebuild a page's granule mask and drop references to dead blocks; a
 * page left without code is no longer watched. */
static void page_prune(struct dbt *d, struct dbt_page *p, uint32_t page)
{
    struct dbt_block_ref **rr = &p->blocks;
    p->granules = 0;
    while (*rr) {
        struct dbt_block_ref *r = *rr;
        if (!r->block->valid) {
            *rr = r->next;
            free(r);
            continue;
        }
        const struct dbt_block *b = r->block;
        uint32_t start, len;
        if ((b->phys >> DBT_PAGE_SHIFT) == page) {
            start = b->phys & 0xFFF;
            len = b->first_len;
        } else {
            start = 0;
            len = (uint32_t)(b->span - b->first_len);
        }
        for (uint32_t g = start >> DBT_GRANULE_SHIFT; g <= (start + len - 1) >> DBT_GRANULE_SHIFT; g++)
            p->granules |= 1ull << g;
        rr = &r->next;
    }
    if (!p->blocks)
        physmem_unwatch(d->cpu->mem, page << DBT_PAGE_SHIFT, PHYSMEM_WATCH_CODE);
}

void dbt_invalidate_phys(struct dbt *d, uint32_t gpa, uint32_t len)
{
    uint64_t end = (uint64_t)gpa + len;
    for (uint64_t a = gpa & ~0xFFFull; a < end; a += 0x1000) {
        uint32_t page = (uint32_t)(a >> DBT_PAGE_SHIFT);
        struct dbt_page *p = page_get(d, page, 0);
        if (!p || !p->granules)
            continue;
        uint32_t lo = a < gpa ? (uint32_t)(gpa - a) : 0;
        uint32_t hi = (uint32_t)((end - a) > 0x1000 ? 0x1000 : (end - a));
        uint64_t mask = 0;
        for (uint32_t g = lo >> DBT_GRANULE_SHIFT; g <= (hi - 1) >> DBT_GRANULE_SHIFT; g++)
            mask |= 1ull << g;
        if (!(p->granules & mask))
            continue;   /* the store missed every translated byte */
        int hit = 0;
        for (struct dbt_block_ref *r = p->blocks; r; r = r->next) {
            if (r->block->valid && block_overlaps(r->block, gpa, len)) {
                dbt_cache_invalidate_block(d, r->block, r->block == d->running
                                                            ? DBT_BLOCK_CAUSE_SELF_MODIFY
                                                            : DBT_BLOCK_CAUSE_CODE_WRITE);
                hit = 1;
            }
        }
        if (hit) {
            d->code_gen++;
            p->invalidations++;
        }
        page_prune(d, p, page);
    }
}

void dbt_flush(struct dbt *d)
{
    dbt_flush_cause(d, DBT_BLOCK_CAUSE_NONE);
}

void dbt_flush_cause(struct dbt *d, int cause)
{
    dbt_block_event(d, DBT_BLOCK_FLUSH, cause, NULL, NULL);
    d->running = NULL;
    dbt_native_flush(d);          /* host code first: it walks the blocks */
    struct dbt_block *b = d->all;
    while (b) {
        struct dbt_block *next = b->all_next;
        free(b);
        b = next;
    }
    d->all = NULL;
    d->block_count = 0;
    d->dead_count = 0;
    d->cache_bytes = 0;
    memset(d->hash, 0, sizeof d->hash);
    memset(d->jc, 0, sizeof d->jc);
    for (unsigned i = 0; i < (1u << DBT_PAGE_DIR_BITS); i++) {
        struct dbt_page *dir = d->pages[i];
        if (!dir)
            continue;
        for (unsigned j = 0; j < (1u << DBT_PAGE_DIR_BITS); j++) {
            struct dbt_block_ref *r = dir[j].blocks;
            if (r)
                physmem_unwatch(d->cpu->mem, ((i << DBT_PAGE_DIR_BITS) | j) << DBT_PAGE_SHIFT,
                                PHYSMEM_WATCH_CODE);
            while (r) {
                struct dbt_block_ref *n = r->next;
                free(r);
                r = n;
            }
        }
        free(dir);
        d->pages[i] = NULL;
    }
    memset(d->rsb, 0, sizeof d->rsb);
    d->code_gen++;
    d->stats.flushes++;
}

void dbt_set_observer(struct dbt *d, dbt_block_observer_fn fn, void *opaque)
{
    d->observer = fn;
    d->observer_opaque = opaque;
}
