/* Shadow page tables: a cache of address spaces keyed by CR3 and paging
 * mode, each a two-level table of completed walks, kept coherent with the
 * guest's tables by write-tracking them (mmu.h states the policy). */
#include <stdlib.h>
#include <string.h>

#include "mmu/shadow.h"

#define SHADOW_USE_BUCKETS 256u

struct shadow_leaf {
    struct shadow_pte e[1024];
};

/* A guest table page one of this space's shadow entries was derived from:
 * entry i of the table maps linear gva_base + i * (size its level maps). */
struct shadow_use {
    uint32_t table;
    uint32_t gva_base;
    uint8_t level;        /* 0: directory, 1: page table */
    struct shadow_use *next;
};

struct shadow_space {
    uint32_t cr3;
    uint32_t mode;
    uint64_t pdpte[4];
    uint64_t last_use;
    struct shadow_leaf *dir[1024];
    struct shadow_use *uses[SHADOW_USE_BUCKETS];
};

static uint32_t mode_key(const struct mmu_regs *r)
{
    return (r->cr4 & (MMU_CR4_PSE | MMU_CR4_PAE | MMU_CR4_PGE)) |
           ((r->efer & MMU_EFER_NXE) ? MMU_EFER_NXE : 0);
}

static uint32_t cr3_key(const struct mmu_regs *r)
{
    return r->cr3 & ((r->cr4 & MMU_CR4_PAE) ? 0xFFFFFFE0u : 0xFFFFF000u);
}

static unsigned use_bucket(uint32_t table)
{
    return (table >> 12) * 0x9E3779B1u >> 24;
}

static void free_space(struct shadow_space *s)
{
    for (unsigned i = 0; i < 1024; i++)
        free(s->dir[i]);
    for (unsigned b = 0; b < SHADOW_USE_BUCKETS; b++) {
        struct shadow_use *u = s->uses[b];
        while (u) {
            struct shadow_use *next = u->next;
            free(u);
            u = next;
        }
    }
    free(s);
}

/* Table pages stay watched after their space goes; the next store to one
 * finds no user and unwatches it (a "stale trap"). */
static void drop_slot(struct mmu *m, unsigned i)
{
    if (!m->space[i])
        return;
    if (m->cur == m->space[i])
        m->cur = NULL;
    free_space(m->space[i]);
    m->space[i] = NULL;
    m->stats.shadow_dropped++;
}

void shadow_drop_all(struct mmu *m)
{
    for (unsigned i = 0; i < MMU_SHADOW_SPACES; i++)
        drop_slot(m, i);
    m->cur = NULL;
}

static int space_matches(const struct shadow_space *s, uint32_t cr3, uint32_t mode)
{
    return s->cr3 == cr3 && s->mode == mode;
}

uint32_t shadow_space_cr3(const struct shadow_space *s)
{
    return s->cr3;
}

static void observe(const struct mmu *m, uint8_t kind, uint8_t level, uint32_t lin,
                    uint64_t addr, uint64_t entry)
{
    if (m->observer.fn)
        mmu_observe(&m->observer, kind, 1, level, lin, addr, entry);
}

struct shadow_space *shadow_select(struct mmu *m, const struct mmu_regs *r)
{
    uint32_t cr3 = cr3_key(r), mode = mode_key(r);
    int pae = (mode & MMU_CR4_PAE) != 0;
    struct shadow_space *s = m->cur;
    if (s && space_matches(s, cr3, mode) &&
        (!pae || memcmp(s->pdpte, r->pdpte, sizeof s->pdpte) == 0))
        return s;

    unsigned victim = 0;
    for (unsigned i = 0; i < MMU_SHADOW_SPACES; i++) {
        s = m->space[i];
        if (s && space_matches(s, cr3, mode)) {
            /* PDPTEs are registers: different ones make a different space. */
            if (pae && memcmp(s->pdpte, r->pdpte, sizeof s->pdpte) != 0) {
                observe(m, MMU_EV_SHADOW_RESYNC, 0, 0, cr3, MMU_RESYNC_CR3);
                drop_slot(m, i);
                victim = i;
                goto build;
            }
            s->last_use = ++m->use_clock;
            m->stats.shadow_reused++;
            observe(m, MMU_EV_SHADOW_REUSE, 0, 0, cr3, 0);
            return m->cur = s;
        }
    }
    for (unsigned i = 0; i < MMU_SHADOW_SPACES; i++) {
        if (!m->space[i]) {
            victim = i;
            goto build;
        }
        if (m->space[i]->last_use < m->space[victim]->last_use)
            victim = i;
    }
    drop_slot(m, victim);
build:
    s = calloc(1, sizeof(*s));
    if (!s)
        return m->cur = NULL;
    s->cr3 = cr3;
    s->mode = mode;
    if (pae)
        memcpy(s->pdpte, r->pdpte, sizeof s->pdpte);
    s->last_use = ++m->use_clock;
    m->space[victim] = s;
    m->stats.shadow_built++;
    observe(m, MMU_EV_SHADOW_BUILD, 0, 0, cr3, 0);
    return m->cur = s;
}

const struct shadow_pte *shadow_lookup(const struct shadow_space *s, uint32_t lin)
{
    const struct shadow_leaf *leaf = s->dir[lin >> 22];
    if (!leaf)
        return NULL;
    const struct shadow_pte *e = &leaf->e[(lin >> 12) & 1023u];
    return e->valid ? e : NULL;
}

static void add_use(struct mmu *m, struct shadow_space *s, uint32_t table, uint32_t gva_base,
                    uint8_t level)
{
    unsigned b = use_bucket(table);
    for (struct shadow_use *u = s->uses[b]; u; u = u->next)
        if (u->table == table && u->gva_base == gva_base && u->level == level)
            return;
    struct shadow_use *u = malloc(sizeof(*u));
    if (!u)
        return;
    *u = (struct shadow_use){ table, gva_base, level, s->uses[b] };
    s->uses[b] = u;
    physmem_watch(m->pm, table, PHYSMEM_WATCH_PT);
}

void shadow_install(struct mmu *m, struct shadow_space *s, const struct mmu_regs *r,
                    uint32_t lin, const struct mmu_walk *w)
{
    int pae = (r->cr4 & MMU_CR4_PAE) != 0;
    struct shadow_leaf **slot = &s->dir[lin >> 22];
    if (!*slot && !(*slot = calloc(1, sizeof(**slot))))
        return;   /* out of host memory: stay a miss, walks still work */
    /* Track the tables before the entry exists, so the watch's TLB flush
     * cannot race a half-made entry. */
    for (unsigned i = 0; i < w->ntables; i++) {
        uint32_t base;
        if (i == 0)
            base = pae ? (lin & 0xC0000000u) : 0;
        else
            base = lin & (pae ? 0xFFE00000u : 0xFFC00000u);
        add_use(m, s, (uint32_t)(w->entry_at[i] & PHYSMEM_PAGE_MASK), base, (uint8_t)i);
    }
    struct shadow_pte *e = &(*slot)->e[(lin >> 12) & 1023u];
    e->gpa_page = (uint32_t)w->gpa & PHYSMEM_PAGE_MASK;
    e->gpa_high = (w->gpa >> 32) != 0;
    e->user_ok = w->user_ok;
    e->write_ok = w->write_ok;
    e->nx = w->nx;
    e->dirty = w->dirty;
    e->global = w->global;
    e->valid = 1;
    observe(m, MMU_EV_SHADOW_FILL, 0, lin & PHYSMEM_PAGE_MASK, w->gpa & ~0xFFFull, 0);
}

int shadow_invlpg(struct shadow_space *s, uint32_t lin)
{
    struct shadow_leaf *leaf = s->dir[lin >> 22];
    if (!leaf || !leaf->e[(lin >> 12) & 1023u].valid)
        return 0;
    leaf->e[(lin >> 12) & 1023u].valid = 0;
    return 1;
}

/* Drop the shadow entries for linear [lin, lin + len). */
static void drop_range(struct shadow_space *s, uint32_t lin, uint32_t len)
{
    if (len >= (4u << 20)) {
        free(s->dir[lin >> 22]);
        s->dir[lin >> 22] = NULL;
        return;
    }
    struct shadow_leaf *leaf = s->dir[lin >> 22];
    if (!leaf)
        return;
    for (uint32_t off = 0; off < len; off += 4096)
        leaf->e[((lin + off) >> 12) & 1023u].valid = 0;
}

void shadow_table_written(void *opaque, uint32_t gpa, unsigned size)
{
    struct mmu *m = opaque;
    uint32_t table = gpa & PHYSMEM_PAGE_MASK;
    int users = 0;
    m->stats.track_traps++;
    observe(m, MMU_EV_SHADOW_WRTRAP, 0, 0, gpa, size);
    for (unsigned i = 0; i < MMU_SHADOW_SPACES; i++) {
        struct shadow_space *s = m->space[i];
        if (!s)
            continue;
        int pae = (s->mode & MMU_CR4_PAE) != 0;
        unsigned es = pae ? 8 : 4;
        unsigned first = (gpa & 0xFFFu) / es;
        unsigned last = ((gpa & 0xFFFu) + size - 1) / es;
        if (last >= 4096 / es)
            last = 4096 / es - 1;
        for (struct shadow_use *u = s->uses[use_bucket(table)]; u; u = u->next) {
            if (u->table != table)
                continue;
            users = 1;
            for (unsigned idx = first; idx <= last; idx++) {
                uint32_t lin;
                if (u->level == 1)
                    drop_range(s, lin = u->gva_base + idx * 4096u, 4096);
                else if (pae)
                    drop_range(s, lin = u->gva_base + (idx << 21), 2u << 20);
                else
                    drop_range(s, lin = idx << 22, 4u << 20);
                m->stats.resyncs++;
                /* Levels as the walk numbers them: PD 1, PT 2; with PAE 2, 3. */
                observe(m, MMU_EV_SHADOW_RESYNC, (uint8_t)(u->level + (pae ? 2 : 1)), lin, table,
                        MMU_RESYNC_WRITE);
            }
        }
    }
    if (!users) {
        m->stats.stale_traps++;
        physmem_unwatch(m->pm, table, PHYSMEM_WATCH_PT);
        observe(m, MMU_EV_SHADOW_UNTRACK, 0, 0, table, 0);
    }
}
