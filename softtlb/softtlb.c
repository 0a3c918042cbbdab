/* Software TLB maintenance: fills and the three kinds of flush. */
#include <string.h>

#include "softtlb/softtlb.h"

static void clear_entry(struct softtlb *t, unsigned i)
{
    memset(&t->e[i], 0, sizeof t->e[i]);
    memset(&t->c[i], 0, sizeof t->c[i]);
}

void softtlb_flush_all(struct softtlb *t)
{
    t->stats.flush_all++;
    memset(t->e, 0, sizeof(t->e));
    memset(t->c, 0, sizeof(t->c));
}

void softtlb_flush_nonglobal(struct softtlb *t)
{
    t->stats.flush_nonglobal++;
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++)
        if (!t->c[i].global)
            clear_entry(t, i);
}

void softtlb_revoke_supervisor_writes(struct softtlb *t)
{
    t->stats.flush_sup_write++;
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++) {
        t->e[i].tag[SOFTTLB_SUPERVISOR][SOFTTLB_WRITE] = 0;
        t->e[i].xtag[SOFTTLB_SUPERVISOR][SOFTTLB_WRITE] = 0;
    }
}

void softtlb_flush_page(struct softtlb *t, uint32_t lin)
{
    t->stats.flush_page++;
    unsigned i = (lin >> 12) & (SOFTTLB_SIZE - 1);
    struct softtlb_entry *e = &t->e[i];
    /* Any tag of the entry names its page; global entries go too (INVLPG
     * invalidates global translations, SDM Vol. 3, 4.10.4.1). */
    for (unsigned p = 0; p < SOFTTLB_PRIVS; p++)
        for (unsigned a = 0; a < SOFTTLB_ACCESS_TYPES; a++)
            if (e->xtag[p][a] == softtlb_tag(lin)) {
                clear_entry(t, i);
                return;
            }
}

void softtlb_physmem_changed(void *tlb, uint32_t gpa, uint32_t len)
{
    struct softtlb *t = tlb;
    uint64_t lo = gpa & 0xFFFFF000u, hi = (uint64_t)gpa + len;
    t->stats.flush_phys++;
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++) {
        const struct softtlb_cold *c = &t->c[i];
        if (c->gpa_valid && c->gpa >= lo && c->gpa < hi)
            clear_entry(t, i);
    }
}

void softtlb_install(struct softtlb *t, uint32_t lin, uint32_t gpa, int gpa_valid,
                     const uint8_t *rd, uint8_t *wr, unsigned allow, int global)
{
    struct softtlb_entry *e = softtlb_slot(t, lin);
    struct softtlb_cold *c = softtlb_cold_slot(t, lin);
    uint32_t tag = softtlb_tag(lin);
    /* Keep what the entry already allows for this page (the other
     * privilege's tags) only if it is the same translation. */
    int same = c->gpa == gpa && c->gpa_valid == (gpa_valid != 0) && e->rd == rd && e->wr == wr;
    for (unsigned p = 0; p < SOFTTLB_PRIVS; p++)
        for (unsigned a = 0; a < SOFTTLB_ACCESS_TYPES; a++) {
            int ok = (allow >> (p * SOFTTLB_ACCESS_TYPES + a)) & 1;
            int direct = ok && (a == SOFTTLB_WRITE ? wr != NULL : rd != NULL);
            if (ok)
                e->xtag[p][a] = tag;
            else if (!same || e->xtag[p][a] != tag)
                e->xtag[p][a] = 0;
            if (direct)
                e->tag[p][a] = tag;
            else if (!same || e->tag[p][a] != tag)
                e->tag[p][a] = 0;
        }
    c->gpa = gpa;
    c->gpa_valid = gpa_valid != 0;
    c->global = global != 0;
    e->rd = rd;
    e->wr = wr;
}

