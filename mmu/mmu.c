/* The MMU: nested and shadow translation behind one interface. */
#include <stddef.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/shadow.h"

int mmu_init(struct mmu *m, struct physmem *pm, enum mmu_mode mode)
{
    memset(m, 0, sizeof(*m));
    m->mode = mode;
    m->pm = pm;
    if (mode == MMU_MODE_SHADOW) {
        if (pm->pt_hook)
            return -1;
        physmem_set_pt_hook(pm, shadow_table_written, m);
    }
    return 0;
}

void mmu_free(struct mmu *m)
{
    shadow_drop_all(m);
    if (m->pm && m->pm->pt_opaque == m)
        physmem_set_pt_hook(m->pm, NULL, NULL);
}

void mmu_set_observer(struct mmu *m, void (*fn)(void *opaque, const struct mmu_event *ev),
                      void *opaque)
{
    m->observer.fn = fn;
    m->observer.opaque = fn ? opaque : NULL;
}

const char *mmu_mode_name(enum mmu_mode mode)
{
    return mode == MMU_MODE_SHADOW ? "shadow" : "nested";
}

int mmu_parse_mode(const char *s, enum mmu_mode *mode)
{
    if (strcmp(s, "nested") == 0)
        *mode = MMU_MODE_NESTED;
    else if (strcmp(s, "shadow") == 0)
        *mode = MMU_MODE_SHADOW;
    else
        return -1;
    return 0;
}

static int shadow_allows(const struct shadow_pte *e, unsigned acc, uint32_t cr0)
{
    struct mmu_walk w = { .user_ok = e->user_ok, .write_ok = e->write_ok, .nx = e->nx };
    if ((acc & MMU_ACC_WRITE) && !e->dirty)
        return 0;   /* the walk must set D */
    return mmu_rights_allow(&w, acc, cr0);
}

int mmu_translate(struct mmu *m, const struct mmu_regs *r, uint32_t lin, unsigned acc,
                  struct mmu_walk *w)
{
    struct shadow_space *s = NULL;
    if (m->mode == MMU_MODE_SHADOW) {
        s = shadow_select(m, r);
        const struct shadow_pte *e = s ? shadow_lookup(s, lin) : NULL;
        if (e && shadow_allows(e, acc, r->cr0)) {
            m->stats.shadow_hits++;
            memset(w, 0, offsetof(struct mmu_walk, entry_at));
            w->gpa = ((uint64_t)e->gpa_high << 32) | e->gpa_page | (lin & 0xFFFu);
            w->page_size = 4096;
            w->user_ok = e->user_ok;
            w->write_ok = e->write_ok;
            w->nx = e->nx;
            w->dirty = e->dirty;
            w->global = e->global;
            if (m->observer.fn)
                mmu_observe_shadow_hit(&m->observer, lin, acc, w->gpa);
            return 0;
        }
        m->stats.shadow_misses++;
    }
    int nested = m->mode == MMU_MODE_NESTED;
    int rc = mmu_walk(m->pm, r, lin, acc, nested ? MMU_WALK_NESTED : 0, w);
    m->stats.walks++;
    m->stats.walk_refs += w->refs;
    if (w->refs > m->stats.walk_refs_max)
        m->stats.walk_refs_max = w->refs;
    if (m->observer.fn)
        mmu_observe_walk(&m->observer, m->pm, r, nested, lin, acc, rc, w);
    if (rc) {
        m->stats.faults++;
        return rc;
    }
    if (s && !(w->gpa >> 32))
        shadow_install(m, s, r, lin, w);
    return 0;
}

int mmu_load_cr3(struct mmu *m, const struct mmu_regs *r)
{
    if (!(r->cr4 & MMU_CR4_PAE))
        return 0;
    unsigned refs = 0;
    if (mmu_load_pdptes(m->pm, r->cr3, m->pdpte, &refs) != 0)
        return -1;
    m->stats.pdpte_loads++;
    m->stats.pdpte_refs += refs;
    return 0;
}

void mmu_invlpg(struct mmu *m, uint32_t lin)
{
    for (unsigned i = 0; i < MMU_SHADOW_SPACES; i++)
        if (m->space[i] && shadow_invlpg(m->space[i], lin) && m->observer.fn)
            mmu_observe(&m->observer, MMU_EV_SHADOW_RESYNC, 1, 2, lin & PHYSMEM_PAGE_MASK,
                        shadow_space_cr3(m->space[i]), MMU_RESYNC_INVLPG);
}

void mmu_reset(struct mmu *m)
{
    shadow_drop_all(m);
    memset(m->pdpte, 0, sizeof m->pdpte);
}

