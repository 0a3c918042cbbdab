/* Guest physical memory: the GPA→HPA map ("p2m"), RAM, ROM, the PC's
 * option-ROM/BIOS area with its PAM switches, MMIO regions and write
 * watches. See docs/mmu.md for the design and the figures.
 *
 * The p2m is a two-level radix table over the 32-bit guest-physical space,
 * 4 KiB pages: a top table of 1024 pointers (GPA bits 31-22) to leaf tables
 * of 1024 entries (bits 21-12), as EPT/NPT would hold it. It is a real
 * table, so the second stage of a nested walk is two counted references.
 * Leaf tables are allocated on the first write into their 4 MiB; a missing
 * leaf reads as the region's default. Host pages of RAM are allocated on
 * the first write to them: until then the page is backed by one shared,
 * never-written zero page, so `-m 2048` costs nothing until touched.
 *
 * Layout built by physmem_init(): RAM over [0, ram_size) with nothing else
 * (a flat board, which is what the conformance runners want). Then:
 * - physmem_set_rom() maps the firmware to end at 4 GiB and its last
 *   128 KiB (or all of it, if smaller) into the ROM area to end at 1 MiB;
 * - physmem_load_option_rom() puts an option ROM (the VGA BIOS at 0xC0000)
 *   into the ROM area;
 * - the ROM area 0xC0000-0xFFFFF is 16 chunks of 16 KiB; each chunk reads
 *   from RAM or from the ROM area and writes to RAM or nowhere, as the
 *   i440FX PAM registers select (physmem_set_pam). Loading a ROM into a
 *   chunk sets it to read-ROM/write-ignored, the chipset's reset state;
 * - physmem_map_mmio() claims a range for a device; MMIO wins over RAM and
 *   ROM (the VGA window 0xA0000-0xBFFFF is the VGA's to claim);
 * - anything else is open bus: reads all ones, writes ignored.
 *
 * Every access is bounds-checked here: no guest address, size or alignment
 * can make the host touch memory outside the pages this map owns. Values
 * are assembled byte by byte in little-endian order: no host-endianness or
 * alignment assumptions.
 */
#ifndef SHADOW86_MMU_PHYSMEM_H
#define SHADOW86_MMU_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/hostpool.h"

#define PHYSMEM_PAGE_SHIFT 12
#define PHYSMEM_PAGE_SIZE 4096u
#define PHYSMEM_PAGE_MASK 0xFFFFF000u

/* The p2m's shape: two levels of 10 bits each. */
#define P2M_LEVELS 2
#define P2M_TOP_ENTRIES 1024u
#define P2M_LEAF_ENTRIES 1024u

/* The ROM area and its PAM chunks. */
#define PHYSMEM_ROM_AREA_BASE 0xC0000u
#define PHYSMEM_ROM_AREA_SIZE 0x40000u
#define PHYSMEM_PAM_CHUNK_SIZE 0x4000u
#define PHYSMEM_PAM_CHUNKS 16u
/* Chunk mode bits: reads come from RAM (else from the ROM area); writes go
 * to RAM (else they are ignored). 0 is the chipset's reset state. */
#define PHYSMEM_PAM_READ_RAM 1u
#define PHYSMEM_PAM_WRITE_RAM 2u

#define PHYSMEM_MMIO_MAX 64
#define PHYSMEM_LISTENERS_MAX 16   /* each CPU's TLB (-smp: up to 8), and room */

/* Watches on a page: stores to it take the slow path and call a hook
 * before they complete. */
#define PHYSMEM_WATCH_CODE 1u   /* holds translated code ([dbt]) */
#define PHYSMEM_WATCH_PT 2u     /* a guest page table a shadow table mirrors */

enum p2m_kind {
    P2M_NONE = 0,   /* open bus */
    P2M_RAM,        /* RAM; `access` says whether reads/writes reach it */
    P2M_ROM,        /* read-only image (the BIOS below 4 GiB) */
    P2M_MMIO        /* at least one MMIO region overlaps this page */
};

/* p2m_entry.flags: host-side state of a RAM page (docs/overcommit.md). */
#define P2M_F_SHARED 1u     /* `ram` is shared frame `slot` of the pool: read-only */
#define P2M_F_SWAPPED 2u    /* the bytes are in swap slot `slot`; `ram` is NULL */
#define P2M_F_REF 4u        /* referenced since the clock hand last passed */
#define P2M_F_BALLOONED 8u  /* given back by the guest's balloon; reads zero */

/* One 4 KiB guest-physical page. Invariants: `ram` is NULL until the page
 * is first written (reads then see the zero page), while it is swapped
 * out, and after it went back to the zero page (balloon, sharing); `rom`
 * is set for pages that can read from a ROM (ROM pages, and RAM pages of
 * the ROM area). A store never goes to a shared `ram`: it takes the slow
 * path, which copies the page first (copy-on-write). */
struct p2m_entry {
    uint8_t *ram;
    const uint8_t *rom;
    uint8_t kind;     /* enum p2m_kind */
    uint8_t access;   /* RAM: PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM */
    uint8_t watch;    /* PHYSMEM_WATCH_* */
    uint8_t flags;    /* P2M_F_* */
    uint32_t slot;    /* shared frame or swap slot (see flags) */
};

struct p2m_leaf {
    struct p2m_entry e[P2M_LEAF_ENTRIES];
};

/* A device's MMIO callbacks. `offset` is from the region's base; `size`
 * is 1, 2 or 4 and the access lies within the region (accesses that
 * cross its edge are split into bytes before they get here). */
struct mmio_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, unsigned size);
    void (*write)(void *opaque, uint32_t offset, unsigned size, uint32_t value);
};

struct mmio_region {
    uint32_t base, size;
    const struct mmio_ops *ops;
    void *opaque;
    const char *name;
};

/* Called before a store to a watched page completes (gpa and size of the
 * store; for a buffer write, each page's part of it). */
typedef void (*physmem_write_hook)(void *opaque, uint32_t gpa, unsigned size);

/* Called after the mapping of [gpa, gpa+len) changed (a page allocated, a
 * watch or PAM mode set, MMIO mapped, A20 toggled — then the whole space):
 * caches of host pointers (softtlb) must drop what they hold for it. */
typedef void (*physmem_change_hook)(void *opaque, uint32_t gpa, uint32_t len);

struct physmem_stats {
    uint64_t pages_allocated;   /* host pages of RAM allocated so far */
    /* Now: pages with a private host page, mapping a shared frame, in
     * the swap file, held by the balloon. */
    uint64_t private_pages, shared_pages, swapped_pages, ballooned_pages;
    /* So far: */
    uint64_t merges, zero_merges, cow_breaks, swap_outs, swap_ins, scanned;
    uint64_t leaves_allocated;  /* p2m leaf tables */
    uint64_t mmio_reads, mmio_writes;
    uint64_t code_write_hooks, pt_write_hooks;
};

struct physmem {
    uint32_t ram_size;
    uint32_t a20_mask;     /* 0xFFFFFFFF when A20 is enabled, else ~(1<<20) */
    struct p2m_leaf *top[P2M_TOP_ENTRIES];

    uint8_t *rom;          /* owned copy of the firmware image, or NULL */
    uint32_t rom_size;
    uint8_t *rom_area;     /* 256 KiB image of 0xC0000-0xFFFFF (0xFF where empty), or NULL */
    uint8_t pam[PHYSMEM_PAM_CHUNKS];

    struct mmio_region mmio[PHYSMEM_MMIO_MAX];
    unsigned mmio_count;

    physmem_write_hook code_hook, pt_hook;
    void *code_opaque, *pt_opaque;
    struct {
        physmem_change_hook fn;
        void *opaque;
    } listener[PHYSMEM_LISTENERS_MAX];
    unsigned listener_count;

    /* One bit per RAM page, set when the page may have changed: a store
     * on the slow path, a host page handed out for writing
     * (physmem_write_page), a loader. Starts all set. Readers of RAM that
     * cache per-page results (machine/state_hash.c) take and clear it with
     * physmem_dirty_restart. */
    uint64_t *dirty;
    uint8_t *zero_page;    /* shared, never written */
    /* Host pages come from here (hostpool.h); owned when own_pool. */
    struct hostpool *pool;
    int own_pool;
    uint32_t evict_hand;   /* the clock hand (page number) for eviction */
    uint32_t scan_hand;    /* the sharing scanner's next page */
    uint32_t *scan_sum;    /* per RAM page: checksum at the last scan */
    uint8_t *ones_page;    /* open bus reads, never written */
    struct physmem_stats stats;
};

/* Set up `ram_size` bytes of RAM (nothing allocated until written).
 * Returns 0, or -1 (errno set). */
int physmem_init(struct physmem *pm, uint32_t ram_size);
void physmem_free(struct physmem *pm);

/* Install a firmware image (copied): it ends at 4 GiB, and its last
 * 128 KiB (all of it if smaller) also ends at 1 MiB in the ROM area.
 * Size must be a non-zero multiple of 4 KiB and at most 16 MiB; returns -1
 * otherwise. */
int physmem_set_rom(struct physmem *pm, const uint8_t *image, uint32_t size);

/* Copy an option ROM into the ROM area at `addr` (e.g. the VGA BIOS at
 * 0xC0000). [addr, addr+size) must lie in 0xC0000-0xFFFFF; the chunks it
 * covers switch to read-ROM/write-ignored. Returns 0 or -1 (EINVAL). */
int physmem_load_option_rom(struct physmem *pm, uint32_t addr, const uint8_t *image,
                            uint32_t size);

/* PAM: set or get the mode (PHYSMEM_PAM_* bits) of 16 KiB chunk `chunk`
 * (0 = 0xC0000, 15 = 0xFC000). Without a ROM area (no ROM loaded yet)
 * reads of a read-ROM chunk are open bus. */
void physmem_set_pam(struct physmem *pm, unsigned chunk, unsigned mode);
unsigned physmem_get_pam(const struct physmem *pm, unsigned chunk);

/* Claim [base, base+size) for a device. Fails (-1, errno EINVAL) on a zero
 * size, a range past 4 GiB, an overlap with another region or a full
 * table. The name is kept (not copied) for messages. */
int physmem_map_mmio(struct physmem *pm, uint32_t base, uint32_t size,
                     const struct mmio_ops *ops, void *opaque, const char *name);
/* Release the region that starts at `base` (PCI BAR moves). -1 if none. */
int physmem_unmap_mmio(struct physmem *pm, uint32_t base);

void physmem_set_a20(struct physmem *pm, int enabled);

/* Watches ([dbt] code pages; shadow page tables). set_*_hook installs the
 * single hook of each kind; watch/unwatch flag the page holding `gpa`. */
void physmem_set_code_hook(struct physmem *pm, physmem_write_hook fn, void *opaque);
void physmem_set_pt_hook(struct physmem *pm, physmem_write_hook fn, void *opaque);
void physmem_watch(struct physmem *pm, uint32_t gpa, unsigned watch);
void physmem_unwatch(struct physmem *pm, uint32_t gpa, unsigned watch);
unsigned physmem_watched(const struct physmem *pm, uint32_t gpa);

/* Register a cache of host pointers to be told of mapping changes
 * (registering the same fn/opaque again is a no-op). */
int physmem_add_listener(struct physmem *pm, physmem_change_hook fn, void *opaque);

/* The p2m entry of the page holding `gpa` (A20 not applied), read-only:
 * a page under a missing leaf is described in *scratch, which is
 * returned. Never allocates. */
const struct p2m_entry *physmem_peek(const struct physmem *pm, uint32_t gpa,
                                     struct p2m_entry *scratch);

/* Host page a read of `gpa`'s page may use directly (RAM, the zero page,
 * ROM, the open-bus page), or NULL when reads must go to MMIO. */
const uint8_t *physmem_read_page(const struct physmem *pm, uint32_t gpa);
/* Host page a store to `gpa`'s page may write directly, allocating the
 * RAM page if needed; NULL when stores must take the slow path (ROM, open
 * bus, ignored writes, MMIO, watched pages). */
uint8_t *physmem_write_page(struct physmem *pm, uint32_t gpa);

/* The same without allocating: NULL also for a never-written page. */
uint8_t *physmem_peek_write_page(const struct physmem *pm, uint32_t gpa);

/* The host page of RAM page `gpa` (allocating it) whatever its watches
 * and PAM mode, or NULL when it is not RAM: for restoring a saved state
 * into a machine that has run, whose translated code and shadow tables
 * the caller then drops (the watches are not honoured here). */
uint8_t *physmem_restore_page(struct physmem *pm, uint32_t gpa);

/* Writable host pointer to `len` bytes of RAM at `addr` if they lie in one
 * page of plain writable RAM (allocating it), else NULL. */
uint8_t *physmem_ram_ptr(struct physmem *pm, uint32_t addr, uint32_t len);

/* Full-semantics accesses (A20 applied; MMIO, ROM, open bus, PAM, watch
 * hooks): the CPU's slow path and device DMA use these. */
uint8_t physmem_read8(struct physmem *pm, uint32_t addr);
void physmem_write8(struct physmem *pm, uint32_t addr, uint8_t val);
/* Little-endian, size 1, 2 or 4; split at region and page edges. */
uint32_t physmem_read(struct physmem *pm, uint32_t addr, unsigned size);
void physmem_write(struct physmem *pm, uint32_t addr, unsigned size, uint32_t val);
/* The MMU's own 4-byte update of a paging entry's status bits (A/D), at
 * a 4-aligned GPA: like physmem_write, but the page-table watch is not
 * told (the guest did not change its tables; the code watch still is). */
void physmem_write_status(struct physmem *pm, uint32_t addr, uint32_t val);
void physmem_read_buf(struct physmem *pm, uint32_t addr, void *buf, size_t len);
void physmem_write_buf(struct physmem *pm, uint32_t addr, const void *buf, size_t len);

/* Copy host data into guest RAM (loaders; watch hooks run). Bytes outside
 * RAM are an error: returns -1 (ERANGE) without writing anything. */
int physmem_load(struct physmem *pm, uint32_t addr, const void *data, size_t len);

/* The dirty-page bitmap (see struct physmem): whether RAM page `gpa` is
 * marked; mark every page (a restored state); and restart: clear every
 * bit and tell the listeners the whole space changed, so that no cached
 * host pointer can write a page without marking it again. Callers that
 * fill a TLB from physmem_peek_write_page install its pointer only for a
 * marked page (a store to a clean page must come back through
 * physmem_write_page). */
static inline int physmem_page_dirty(const struct physmem *pm, uint32_t gpa)
{
    uint32_t i = gpa >> PHYSMEM_PAGE_SHIFT;
    return gpa < pm->ram_size && (pm->dirty[i >> 6] >> (i & 63) & 1);
}
void physmem_mark_all_dirty(struct physmem *pm);
void physmem_dirty_restart(struct physmem *pm);

/* Host pages this machine's RAM holds privately now (not shared frames,
 * not swapped out, not ballooned). */
uint64_t physmem_pages_resident(const struct physmem *pm);

/* Host pages of RAM allocated so far. */
uint64_t physmem_pages_allocated(const struct physmem *pm);

/* RAM pages that read the zero page now (never written, or merged back
 * into it; ballooned pages are counted apart), of one machine and of
 * every machine in a pool. */
uint64_t physmem_zero_pages(const struct physmem *pm);
uint64_t physmem_pool_zero_pages(const struct hostpool *pool);

/* Take host pages from `pool` (shared with other machines) instead of
 * the physmem's own unlimited one. Only before any page is allocated:
 * returns -1 after that, or when the pool has no room for a member. */
int physmem_set_pool(struct physmem *pm, struct hostpool *pool);

/* The balloon's side (the guest gave RAM page `gpa` up / takes it back).
 * Release: the host page goes back to the pool, the page reads as zero
 * from now on and counts as ballooned. Reclaim (deflate): it stops
 * counting as ballooned; its host page comes back on the next write, as
 * for any zero page (a write to a released page reclaims it too).
 * Both return 0, or -1 when `gpa` is not RAM. */
int physmem_release_page(struct physmem *pm, uint32_t gpa);
int physmem_reclaim_page(struct physmem *pm, uint32_t gpa);

/* Drop RAM page `gpa`'s content: it reads as zero (restoring a state). */
void physmem_clear_page(struct physmem *pm, uint32_t gpa);

/* The bytes of RAM page `gpa` (whatever ROM or MMIO overlays it), or
 * NULL when they are all zero because no host page holds them. A page
 * in the swap file is read back. For savers and hashers, not for
 * stores. */
const uint8_t *physmem_ram_content(const struct physmem *pm, uint32_t gpa);

/* Content-based sharing (mmu/pageshare.c): look at up to `budget`
 * pages from the scanner's hand on; each written page is hashed, and
 * merged into the zero page if all zero, or (when its hash was the same
 * at the last visit) into a shared frame with the same bytes, in this
 * machine or another of the pool. Deterministic: the same calls on the
 * same memory do the same. */
void physmem_share_scan(struct physmem *pm, unsigned budget);

#endif
