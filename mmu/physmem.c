/* Guest physical memory: the p2m radix table and the accesses through it.
 * The layout rules are in physmem.h; docs/mmu.md says why. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/physmem.h"
#include "mmu/physmem_internal.h"

#define BIOS_LOW_ALIAS_MAX (128u << 10)

static unsigned top_index(uint32_t gpa) { return gpa >> 22; }
static unsigned leaf_index(uint32_t gpa) { return (gpa >> PHYSMEM_PAGE_SHIFT) & 0x3FFu; }

static void notify(struct physmem *pm, uint32_t gpa, uint32_t len)
{
    for (unsigned i = 0; i < pm->listener_count; i++)
        pm->listener[i].fn(pm->listener[i].opaque, gpa, len);
}

void physmem_notify(struct physmem *pm, uint32_t gpa, uint32_t len)
{
    notify(pm, gpa, len);
}

static size_t dirty_words(const struct physmem *pm)
{
    return ((size_t)(pm->ram_size >> PHYSMEM_PAGE_SHIFT) + 63) / 64;
}

static void mark_dirty(struct physmem *pm, uint32_t gpa)
{
    uint32_t i = gpa >> PHYSMEM_PAGE_SHIFT;
    if (gpa < pm->ram_size)
        pm->dirty[i >> 6] |= 1ull << (i & 63);
}

void physmem_mark_all_dirty(struct physmem *pm)
{
    memset(pm->dirty, 0xFF, dirty_words(pm) * sizeof *pm->dirty);
}

void physmem_dirty_restart(struct physmem *pm)
{
    memset(pm->dirty, 0, dirty_words(pm) * sizeof *pm->dirty);
    notify(pm, 0, 0xFFFFFFFFu);
}

static int mmio_overlaps(const struct mmio_region *r, uint32_t base, uint32_t size)
{
    uint64_t a0 = r->base, a1 = (uint64_t)r->base + r->size;
    uint64_t b0 = base, b1 = (uint64_t)base + size;
    return a0 < b1 && b0 < a1;
}

/* Derive a page's kind, ROM source and access mode from the current
 * configuration; `ram` and `watch` are the page's own and are kept. */
static void describe_page(const struct physmem *pm, uint32_t gpa, struct p2m_entry *e)
{
    gpa &= PHYSMEM_PAGE_MASK;
    e->kind = gpa < pm->ram_size ? P2M_RAM : P2M_NONE;
    e->access = PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM;
    e->rom = NULL;
    if (pm->rom && gpa >= (uint32_t)(0u - pm->rom_size)) {
        e->kind = P2M_ROM;
        e->rom = pm->rom + (gpa - (uint32_t)(0u - pm->rom_size));
    }
    if (pm->rom_area && gpa >= PHYSMEM_ROM_AREA_BASE &&
        gpa < PHYSMEM_ROM_AREA_BASE + PHYSMEM_ROM_AREA_SIZE) {
        uint32_t off = gpa - PHYSMEM_ROM_AREA_BASE;
        e->rom = pm->rom_area + off;
        if (e->kind == P2M_RAM)
            e->access = pm->pam[off / PHYSMEM_PAM_CHUNK_SIZE];
        else
            e->kind = P2M_ROM;
    }
    for (unsigned i = 0; i < pm->mmio_count; i++)
        if (mmio_overlaps(&pm->mmio[i], gpa, PHYSMEM_PAGE_SIZE))
            e->kind = P2M_MMIO;
}

const struct p2m_entry *physmem_peek(const struct physmem *pm, uint32_t gpa,
                                     struct p2m_entry *scratch)
{
    const struct p2m_leaf *leaf = pm->top[top_index(gpa)];
    if (leaf)
        return &leaf->e[leaf_index(gpa)];
    memset(scratch, 0, sizeof(*scratch));
    describe_page(pm, gpa, scratch);
    return scratch;
}

/* The entry of `gpa`'s page, allocating its leaf table if needed; NULL if
 * the host is out of memory (the caller then treats the page as open bus
 * for writes, which is all a guest can observe). */
static struct p2m_entry *entry_for_update(struct physmem *pm, uint32_t gpa)
{
    struct p2m_leaf **slot = &pm->top[top_index(gpa)];
    if (!*slot) {
        struct p2m_leaf *leaf = calloc(1, sizeof(*leaf));
        if (!leaf)
            return NULL;
        uint32_t base = gpa & 0xFFC00000u;
        for (unsigned i = 0; i < P2M_LEAF_ENTRIES; i++)
            describe_page(pm, base + (i << PHYSMEM_PAGE_SHIFT), &leaf->e[i]);
        *slot = leaf;
        pm->stats.leaves_allocated++;
    }
    return &(*slot)->e[leaf_index(gpa)];
}

/* Re-describe every materialized page in [lo, hi) after a configuration
 * change, and tell the listeners. */
static void redescribe(struct physmem *pm, uint32_t lo, uint64_t hi)
{
    for (uint64_t a = lo & PHYSMEM_PAGE_MASK; a < hi; a += PHYSMEM_PAGE_SIZE) {
        struct p2m_leaf *leaf = pm->top[top_index((uint32_t)a)];
        if (leaf)
            describe_page(pm, (uint32_t)a, &leaf->e[leaf_index((uint32_t)a)]);
    }
    notify(pm, lo, (uint32_t)(hi - lo));
}

int physmem_init(struct physmem *pm, uint32_t ram_size)
{
    memset(pm, 0, sizeof(*pm));
    pm->ram_size = ram_size;
    pm->zero_page = calloc(1, PHYSMEM_PAGE_SIZE);
    pm->ones_page = malloc(PHYSMEM_PAGE_SIZE);
    pm->dirty = malloc((dirty_words(pm) ? dirty_words(pm) : 1) * sizeof *pm->dirty);
    pm->pool = malloc(sizeof *pm->pool);
    if (!pm->zero_page || !pm->ones_page || !pm->dirty || !pm->pool ||
        hostpool_init(pm->pool) != 0) {
        free(pm->zero_page);
        free(pm->ones_page);
        free(pm->dirty);
        free(pm->pool);
        memset(pm, 0, sizeof(*pm));
        return -1;
    }
    pm->own_pool = 1;
    hostpool_add_member(pm->pool, pm);
    physmem_mark_all_dirty(pm);
    memset(pm->ones_page, 0xFF, PHYSMEM_PAGE_SIZE);
    pm->a20_mask = 0xFFFFFFFFu;
    for (unsigned i = 0; i < PHYSMEM_PAM_CHUNKS; i++)
        pm->pam[i] = PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM;
    return 0;
}

void physmem_free(struct physmem *pm)
{
    for (unsigned t = 0; t < P2M_TOP_ENTRIES; t++) {
        struct p2m_leaf *leaf = pm->top[t];
        if (!leaf)
            continue;
        for (unsigned i = 0; i < P2M_LEAF_ENTRIES; i++) {
            physmem_drop_content(pm, &leaf->e[i]);
            if (leaf->e[i].flags & P2M_F_BALLOONED)
                pm->pool->stats.ballooned--;
        }
        free(leaf);
    }
    if (pm->pool) {
        hostpool_remove_member(pm->pool, pm);
        if (pm->own_pool) {
            hostpool_free(pm->pool);
            free(pm->pool);
        }
    }
    free(pm->scan_sum);
    free(pm->rom);
    free(pm->rom_area);
    free(pm->zero_page);
    free(pm->ones_page);
    free(pm->dirty);
    memset(pm, 0, sizeof(*pm));
}

static int ensure_rom_area(struct physmem *pm)
{
    if (pm->rom_area)
        return 0;
    pm->rom_area = malloc(PHYSMEM_ROM_AREA_SIZE);
    if (!pm->rom_area)
        return -1;
    memset(pm->rom_area, 0xFF, PHYSMEM_ROM_AREA_SIZE);
    return 0;
}

/* Copy into the ROM area and make the chunks covered read-ROM/write-ignored. */
static void place_in_rom_area(struct physmem *pm, uint32_t addr, const uint8_t *image,
                              uint32_t size)
{
    uint32_t off = addr - PHYSMEM_ROM_AREA_BASE;
    memcpy(pm->rom_area + off, image, size);
    for (uint32_t c = off / PHYSMEM_PAM_CHUNK_SIZE; c <= (off + size - 1) / PHYSMEM_PAM_CHUNK_SIZE;
         c++)
        pm->pam[c] = 0;
    redescribe(pm, PHYSMEM_ROM_AREA_BASE, (uint64_t)PHYSMEM_ROM_AREA_BASE + PHYSMEM_ROM_AREA_SIZE);
}

int physmem_set_rom(struct physmem *pm, const uint8_t *image, uint32_t size)
{
    if (size == 0 || (size & 0xFFF) || size > (16u << 20)) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *copy = malloc(size);
    if (!copy || ensure_rom_area(pm) != 0) {
        free(copy);
        return -1;
    }
    memcpy(copy, image, size);
    uint32_t old = pm->rom_size;
    free(pm->rom);
    pm->rom = copy;
    pm->rom_size = size;
    uint32_t alias = size < BIOS_LOW_ALIAS_MAX ? size : BIOS_LOW_ALIAS_MAX;
    place_in_rom_area(pm, 0x100000u - alias, copy + size - alias, alias);
    uint32_t span = old > size ? old : size;
    redescribe(pm, (uint32_t)(0u - span), 0x100000000ull);
    return 0;
}

int physmem_load_option_rom(struct physmem *pm, uint32_t addr, const uint8_t *image,
                            uint32_t size)
{
    if (size == 0 || addr < PHYSMEM_ROM_AREA_BASE ||
        (uint64_t)addr + size > PHYSMEM_ROM_AREA_BASE + PHYSMEM_ROM_AREA_SIZE) {
        errno = EINVAL;
        return -1;
    }
    if (ensure_rom_area(pm) != 0)
        return -1;
    place_in_rom_area(pm, addr, image, size);
    return 0;
}

void physmem_set_pam(struct physmem *pm, unsigned chunk, unsigned mode)
{
    if (chunk >= PHYSMEM_PAM_CHUNKS)
        return;
    mode &= PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM;
    /* A chunk that reads ROM needs the area to exist, even if empty. */
    if (!(mode & PHYSMEM_PAM_READ_RAM) && ensure_rom_area(pm) != 0)
        return;
    if (pm->pam[chunk] == mode)
        return;
    pm->pam[chunk] = (uint8_t)mode;
    uint32_t lo = PHYSMEM_ROM_AREA_BASE + chunk * PHYSMEM_PAM_CHUNK_SIZE;
    redescribe(pm, lo, (uint64_t)lo + PHYSMEM_PAM_CHUNK_SIZE);
}

unsigned physmem_get_pam(const struct physmem *pm, unsigned chunk)
{
    return chunk < PHYSMEM_PAM_CHUNKS ? pm->pam[chunk] : 0;
}

int physmem_map_mmio(struct physmem *pm, uint32_t base, uint32_t size,
                     const struct mmio_ops *ops, void *opaque, const char *name)
{
    if (size == 0 || (uint64_t)base + size > 0x100000000ull || !ops || !ops->read ||
        !ops->write || pm->mmio_count >= PHYSMEM_MMIO_MAX) {
        errno = EINVAL;
        return -1;
    }
    for (unsigned i = 0; i < pm->mmio_count; i++)
        if (mmio_overlaps(&pm->mmio[i], base, size)) {
            errno = EINVAL;
            return -1;
        }
    pm->mmio[pm->mmio_count++] = (struct mmio_region){ base, size, ops, opaque, name };
    /* MMIO pages are always materialized so lookups never re-scan. */
    for (uint64_t a = base & PHYSMEM_PAGE_MASK; a < (uint64_t)base + size; a += PHYSMEM_PAGE_SIZE)
        if (!entry_for_update(pm, (uint32_t)a))
            break;
    redescribe(pm, base, (uint64_t)base + size);
    return 0;
}

int physmem_unmap_mmio(struct physmem *pm, uint32_t base)
{
    for (unsigned i = 0; i < pm->mmio_count; i++) {
        if (pm->mmio[i].base != base)
            continue;
        uint32_t size = pm->mmio[i].size;
        pm->mmio[i] = pm->mmio[--pm->mmio_count];
        redescribe(pm, base, (uint64_t)base + size);
        return 0;
    }
    errno = ENOENT;
    return -1;
}

void physmem_set_a20(struct physmem *pm, int enabled)
{
    uint32_t mask = enabled ? 0xFFFFFFFFu : ~(1u << 20);
    if (mask == pm->a20_mask)
        return;
    pm->a20_mask = mask;
    notify(pm, 0, 0xFFFFFFFFu);
}

void physmem_set_code_hook(struct physmem *pm, physmem_write_hook fn, void *opaque)
{
    pm->code_hook = fn;
    pm->code_opaque = opaque;
}

void physmem_set_pt_hook(struct physmem *pm, physmem_write_hook fn, void *opaque)
{
    pm->pt_hook = fn;
    pm->pt_opaque = opaque;
}

void physmem_watch(struct physmem *pm, uint32_t gpa, unsigned watch)
{
    struct p2m_entry *e = entry_for_update(pm, gpa);
    if (!e || (e->watch & watch) == watch)
        return;
    e->watch |= (uint8_t)watch;
    notify(pm, gpa & PHYSMEM_PAGE_MASK, PHYSMEM_PAGE_SIZE);
}

void physmem_unwatch(struct physmem *pm, uint32_t gpa, unsigned watch)
{
    struct p2m_leaf *leaf = pm->top[top_index(gpa)];
    if (!leaf)
        return;
    struct p2m_entry *e = &leaf->e[leaf_index(gpa)];
    if (!(e->watch & watch))
        return;
    e->watch &= (uint8_t)~watch;
    notify(pm, gpa & PHYSMEM_PAGE_MASK, PHYSMEM_PAGE_SIZE);
}

unsigned physmem_watched(const struct physmem *pm, uint32_t gpa)
{
    const struct p2m_leaf *leaf = pm->top[top_index(gpa)];
    return leaf ? leaf->e[leaf_index(gpa)].watch : 0;
}

int physmem_add_listener(struct physmem *pm, physmem_change_hook fn, void *opaque)
{
    for (unsigned i = 0; i < pm->listener_count; i++)
        if (pm->listener[i].fn == fn && pm->listener[i].opaque == opaque)
            return 0;   /* already listening */
    if (pm->listener_count >= PHYSMEM_LISTENERS_MAX)
        return -1;
    pm->listener[pm->listener_count].fn = fn;
    pm->listener[pm->listener_count].opaque = opaque;
    pm->listener_count++;
    return 0;
}

static const uint8_t *entry_read_page(const struct physmem *pm, const struct p2m_entry *e)
{
    switch (e->kind) {
    case P2M_RAM:
        if (e->access & PHYSMEM_PAM_READ_RAM)
            return e->ram ? e->ram : pm->zero_page;
        return e->rom ? e->rom : pm->ones_page;
    case P2M_ROM:
        return e->rom;
    case P2M_MMIO:
        return NULL;
    default:
        return pm->ones_page;
    }
}

struct p2m_entry *physmem_entry(const struct physmem *pm, uint32_t gpa)
{
    struct p2m_leaf *leaf = pm->top[top_index(gpa)];
    return leaf ? &leaf->e[leaf_index(gpa)] : NULL;
}

/* A read is about to use `e`'s host page: mark it referenced (the clock
 * hand's LRU approximation) and bring it back from swap. Host state only,
 * so readers with a const physmem may do it: the entries and the pool
 * are not part of what const protects. */
static void touch_for_read(const struct physmem *pm, struct p2m_entry *e, uint32_t gpa)
{
    e->flags |= P2M_F_REF;
    if (e->flags & P2M_F_SWAPPED)
        physmem_swap_in((struct physmem *)pm, e, gpa & PHYSMEM_PAGE_MASK);
}

const uint8_t *physmem_read_page(const struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry *e = physmem_entry(pm, gpa);
    if (e) {
        touch_for_read(pm, e, gpa);
        return entry_read_page(pm, e);
    }
    struct p2m_entry scratch;
    return entry_read_page(pm, physmem_peek(pm, gpa, &scratch));
}

void physmem_drop_content(struct physmem *pm, struct p2m_entry *e)
{
    if (e->flags & P2M_F_SWAPPED) {
        hostpool_swap_free(pm->pool, e->slot);
        pm->stats.swapped_pages--;
    } else if (e->flags & P2M_F_SHARED) {
        hostpool_frame_put(pm->pool, e->slot);
        pm->stats.shared_pages--;
    } else if (e->ram) {
        hostpool_page_free(pm->pool, e->ram);
        pm->stats.private_pages--;
    }
    e->ram = NULL;
    e->flags &= (uint8_t)~(P2M_F_SWAPPED | P2M_F_SHARED);
}

/* Make `e`'s host page private and writable: back from swap, copied out
 * of a shared frame (the copy-on-write break), or allocated for a page
 * that reads as zero. The listeners hear of every change, because caches
 * may hold the zero page or the shared frame for its reads. */
static uint8_t *private_ram(struct physmem *pm, struct p2m_entry *e, uint32_t gpa)
{
    gpa &= PHYSMEM_PAGE_MASK;
    e->flags |= P2M_F_REF;
    if (e->flags & P2M_F_SWAPPED)
        physmem_swap_in(pm, e, gpa);
    if (e->ram && !(e->flags & P2M_F_SHARED))
        return e->ram;
    if (e->flags & P2M_F_SHARED) {
        uint8_t *page = hostpool_frame_take(pm->pool, e->slot);
        if (!page) {
            page = physmem_new_page(pm);
            memcpy(page, e->ram, PHYSMEM_PAGE_SIZE);
            hostpool_frame_put(pm->pool, e->slot);
        }
        e->ram = page;
        e->flags &= (uint8_t)~P2M_F_SHARED;
        pm->stats.shared_pages--;
        pm->stats.private_pages++;
        pm->stats.cow_breaks++;
        pm->pool->stats.cow_breaks++;
        notify(pm, gpa, PHYSMEM_PAGE_SIZE);
        return e->ram;
    }
    if (e->flags & P2M_F_BALLOONED) {
        e->flags &= (uint8_t)~P2M_F_BALLOONED;
        pm->stats.ballooned_pages--;
        pm->pool->stats.ballooned--;
    }
    e->ram = physmem_new_page(pm);
    pm->stats.private_pages++;
    pm->stats.pages_allocated++;
    notify(pm, gpa, PHYSMEM_PAGE_SIZE);
    return e->ram;
}

uint8_t *physmem_peek_write_page(const struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry scratch;
    const struct p2m_entry *pe = physmem_peek(pm, gpa, &scratch);
    if (pe->kind != P2M_RAM || !(pe->access & PHYSMEM_PAM_WRITE_RAM) || pe->watch ||
        (pe->flags & P2M_F_SHARED))
        return NULL;
    return pe->ram;
}

uint8_t *physmem_write_page(struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry scratch;
    const struct p2m_entry *pe = physmem_peek(pm, gpa, &scratch);
    if (pe->kind != P2M_RAM || !(pe->access & PHYSMEM_PAM_WRITE_RAM) || pe->watch)
        return NULL;
    mark_dirty(pm, gpa);
    if (pe->ram && !(pe->flags & P2M_F_SHARED))
        return pe->ram;
    struct p2m_entry *e = entry_for_update(pm, gpa);
    return e ? private_ram(pm, e, gpa) : NULL;
}

uint8_t *physmem_restore_page(struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry scratch;
    const struct p2m_entry *pe = physmem_peek(pm, gpa, &scratch);
    if (pe->kind != P2M_RAM)
        return NULL;
    mark_dirty(pm, gpa);
    struct p2m_entry *e = entry_for_update(pm, gpa);
    return e ? private_ram(pm, e, gpa) : NULL;
}

uint64_t physmem_zero_pages(const struct physmem *pm)
{
    const struct physmem_stats *s = &pm->stats;
    uint64_t pages = pm->ram_size >> PHYSMEM_PAGE_SHIFT;
    uint64_t held = s->private_pages + s->shared_pages + s->swapped_pages + s->ballooned_pages;
    return held < pages ? pages - held : 0;
}

uint64_t physmem_pool_zero_pages(const struct hostpool *pool)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < pool->members; i++)
        n += physmem_zero_pages(pool->member[i]);
    return n;
}

int physmem_set_pool(struct physmem *pm, struct hostpool *pool)
{
    if (pool == pm->pool)
        return 0;
    if (pm->stats.private_pages || pm->stats.shared_pages || pm->stats.swapped_pages ||
        hostpool_add_member(pool, pm) != 0)
        return -1;
    hostpool_remove_member(pm->pool, pm);
    if (pm->own_pool) {
        hostpool_free(pm->pool);
        free(pm->pool);
    }
    pm->pool = pool;
    pm->own_pool = 0;
    return 0;
}

int physmem_release_page(struct physmem *pm, uint32_t gpa)
{
    if (gpa >= pm->ram_size)
        return -1;
    struct p2m_entry *e = entry_for_update(pm, gpa);
    if (!e)
        return -1;
    if (e->flags & P2M_F_BALLOONED)
        return 0;
    physmem_drop_content(pm, e);
    e->flags |= P2M_F_BALLOONED;
    pm->stats.ballooned_pages++;
    pm->pool->stats.ballooned++;
    mark_dirty(pm, gpa);
    notify(pm, gpa & PHYSMEM_PAGE_MASK, PHYSMEM_PAGE_SIZE);
    return 0;
}

int physmem_reclaim_page(struct physmem *pm, uint32_t gpa)
{
    if (gpa >= pm->ram_size)
        return -1;
    struct p2m_entry *e = physmem_entry(pm, gpa);
    if (e && (e->flags & P2M_F_BALLOONED)) {
        e->flags &= (uint8_t)~P2M_F_BALLOONED;
        pm->stats.ballooned_pages--;
        pm->pool->stats.ballooned--;
    }
    return 0;
}

void physmem_clear_page(struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry *e = physmem_entry(pm, gpa);
    if (!e || !(e->ram || (e->flags & P2M_F_SWAPPED)))
        return;
    physmem_drop_content(pm, e);
    mark_dirty(pm, gpa);
    notify(pm, gpa & PHYSMEM_PAGE_MASK, PHYSMEM_PAGE_SIZE);
}

const uint8_t *physmem_ram_content(const struct physmem *pm, uint32_t gpa)
{
    struct p2m_entry *e = physmem_entry(pm, gpa);
    if (!e || gpa >= pm->ram_size)
        return NULL;
    if (e->flags & P2M_F_SWAPPED)   /* host state: see touch_for_read */
        physmem_swap_in((struct physmem *)pm, e, gpa & PHYSMEM_PAGE_MASK);
    return e->ram;
}

uint8_t *physmem_ram_ptr(struct physmem *pm, uint32_t addr, uint32_t len)
{
    if (len == 0 || len > PHYSMEM_PAGE_SIZE - (addr & ~PHYSMEM_PAGE_MASK))
        return NULL;
    struct p2m_entry scratch;
    const struct p2m_entry *pe = physmem_peek(pm, addr, &scratch);
    if (pe->access != (PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM))
        return NULL;
    uint8_t *page = physmem_write_page(pm, addr);
    return page ? page + (addr & ~PHYSMEM_PAGE_MASK) : NULL;
}

static const struct mmio_region *mmio_find(const struct physmem *pm, uint32_t addr, unsigned size)
{
    for (unsigned i = 0; i < pm->mmio_count; i++) {
        const struct mmio_region *r = &pm->mmio[i];
        if (addr >= r->base && (uint64_t)addr + size <= (uint64_t)r->base + r->size)
            return r;
    }
    return NULL;
}

static void run_watch_hooks(struct physmem *pm, unsigned watch, uint32_t gpa, unsigned size)
{
    if ((watch & PHYSMEM_WATCH_CODE) && pm->code_hook) {
        pm->stats.code_write_hooks++;
        pm->code_hook(pm->code_opaque, gpa, size);
    }
    if ((watch & PHYSMEM_WATCH_PT) && pm->pt_hook) {
        pm->stats.pt_write_hooks++;
        pm->pt_hook(pm->pt_opaque, gpa, size);
    }
}

/* A read of `size` bytes at `addr` (A20 applied) within one page. */
static uint32_t read_in_page(struct physmem *pm, uint32_t addr, unsigned size)
{
    struct p2m_entry scratch;
    const struct p2m_entry *e = physmem_peek(pm, addr, &scratch);
    if (e != &scratch)
        touch_for_read(pm, (struct p2m_entry *)e, addr);
    const uint8_t *page = entry_read_page(pm, e);
    uint32_t v = 0;
    if (page) {
        const uint8_t *p = page + (addr & ~PHYSMEM_PAGE_MASK);
        for (unsigned i = 0; i < size; i++)
            v |= (uint32_t)p[i] << (8 * i);
        return v;
    }
    const struct mmio_region *r = mmio_find(pm, addr, size);
    if (r) {
        pm->stats.mmio_reads++;
        return r->ops->read(r->opaque, addr - r->base, size);
    }
    if (size == 1)
        return 0xFF;   /* a byte of an MMIO page no region claims */
    for (unsigned i = 0; i < size; i++)
        v |= read_in_page(pm, addr + i, 1) << (8 * i);
    return v;
}

static void write_in_page(struct physmem *pm, uint32_t addr, unsigned size, uint32_t val,
                          unsigned skip_watch)
{
    struct p2m_entry scratch;
    const struct p2m_entry *pe = physmem_peek(pm, addr, &scratch);
    if (pe->kind == P2M_MMIO) {
        const struct mmio_region *r = mmio_find(pm, addr, size);
        if (r) {
            pm->stats.mmio_writes++;
            r->ops->write(r->opaque, addr - r->base, size, val);
        } else if (size > 1) {
            for (unsigned i = 0; i < size; i++)
                write_in_page(pm, addr + i, 1, (uint8_t)(val >> (8 * i)), skip_watch);
        }
        return;
    }
    if (pe->kind != P2M_RAM || !(pe->access & PHYSMEM_PAM_WRITE_RAM))
        return;   /* ROM, open bus, or a write-disabled ROM-area chunk */
    if (pe->watch & ~skip_watch)
        run_watch_hooks(pm, pe->watch & ~skip_watch, addr, size);
    mark_dirty(pm, addr);
    uint8_t *page = pe->flags & (P2M_F_SHARED | P2M_F_SWAPPED) ? NULL : pe->ram;
    if (!page) {
        /* Storing zeros into a page that reads as zero changes nothing. */
        if (val == 0 && !pe->ram && !(pe->flags & P2M_F_SWAPPED))
            return;
        struct p2m_entry *e = entry_for_update(pm, addr);
        page = e ? private_ram(pm, e, addr) : NULL;
        if (!page)
            return;
    } else {
        ((struct p2m_entry *)pe)->flags |= P2M_F_REF;   /* pe has a page: not scratch */
    }
    uint8_t *p = page + (addr & ~PHYSMEM_PAGE_MASK);
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(val >> (8 * i));
}

static int crosses_page(uint32_t addr, unsigned size)
{
    return (addr & ~PHYSMEM_PAGE_MASK) + size > PHYSMEM_PAGE_SIZE;
}

uint8_t physmem_read8(struct physmem *pm, uint32_t addr)
{
    return (uint8_t)read_in_page(pm, addr & pm->a20_mask, 1);
}

void physmem_write8(struct physmem *pm, uint32_t addr, uint8_t val)
{
    write_in_page(pm, addr & pm->a20_mask, 1, val, 0);
}

uint32_t physmem_read(struct physmem *pm, uint32_t addr, unsigned size)
{
    if (!crosses_page(addr, size))
        return read_in_page(pm, addr & pm->a20_mask, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)physmem_read8(pm, addr + i) << (8 * i);
    return v;
}

void physmem_write(struct physmem *pm, uint32_t addr, unsigned size, uint32_t val)
{
    if (!crosses_page(addr, size)) {
        write_in_page(pm, addr & pm->a20_mask, size, val, 0);
        return;
    }
    for (unsigned i = 0; i < size; i++)
        physmem_write8(pm, addr + i, (uint8_t)(val >> (8 * i)));
}

void physmem_write_status(struct physmem *pm, uint32_t addr, uint32_t val)
{
    write_in_page(pm, addr, 4, val, PHYSMEM_WATCH_PT);
}

void physmem_read_buf(struct physmem *pm, uint32_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++)
        out[i] = physmem_read8(pm, addr + (uint32_t)i);
}

void physmem_write_buf(struct physmem *pm, uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    for (size_t i = 0; i < len; i++)
        physmem_write8(pm, addr + (uint32_t)i, in[i]);
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int physmem_load(struct physmem *pm, uint32_t addr, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    if (addr >= pm->ram_size || len > (size_t)(pm->ram_size - addr)) {
        errno = ERANGE;
        return -1;
    }
    const uint8_t *src = data;
    while (len) {
        uint32_t off = addr & ~PHYSMEM_PAGE_MASK;
        size_t n = PHYSMEM_PAGE_SIZE - off < len ? PHYSMEM_PAGE_SIZE - off : len;
        struct p2m_entry *e = entry_for_update(pm, addr);
        if (!e) {
            errno = ENOMEM;
            return -1;
        }
        if (e->watch)
            run_watch_hooks(pm, e->watch, addr, (unsigned)n);
        mark_dirty(pm, addr);
        /* Loaders write RAM itself, under any ROM or MMIO overlay. */
        if (e->ram || (e->flags & P2M_F_SWAPPED) || !all_zero(src, n)) {
            uint8_t *page = private_ram(pm, e, addr);
            memcpy(page + off, src, n);
        }
        src += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return 0;
}

uint64_t physmem_pages_resident(const struct physmem *pm)
{
    return pm->stats.private_pages;
}

uint64_t physmem_pages_allocated(const struct physmem *pm)
{
    return pm->stats.pages_allocated;
}
