/* Inline fast paths of cpu_read() and cpu_write() for hot callers (the
 * translator's memory micro-ops). They handle only the case that needs no
 * decision: a present, expand-up data segment (or a real-mode/V86 one)
 * with the whole access inside its limit, no alignment check or data
 * breakpoint armed, no memory observer, and a software-TLB hit. Anything
 * else calls cpu_read()/cpu_write(), which check, translate and fault; so
 * the results are those of cpu/mem.c by construction. The pieces (segment
 * check, flat segments, softtlb hit) are also offered apart, for the
 * translator's memory forms, which decide the hook and privilege parts
 * once per run of blocks (dbt/uop_mem.c). */
#ifndef SHADOW86_CPU_MEM_FAST_H
#define SHADOW86_CPU_MEM_FAST_H

#include "base/endian.h"
#include "cpu/debug.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "softtlb/softtlb.h"

/* The segment part of the fast case: base + off, or 0 with *ok = 0. */
static inline uint32_t mem_fast_linear(const struct cpu *cpu, int seg, uint32_t off,
                                       unsigned size, int write, int *ok)
{
    const struct seg_cache *s = &cpu->seg[seg];
    uint16_t a = s->attr;
    /* Present data, expand-up (P set; CODE and DC clear); writable for a
     * write. Real-mode and V86 caches have the same shape. */
    *ok = (a & (SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_DC)) == SEG_ATTR_P &&
          (!write || (a & SEG_ATTR_RW)) && off <= s->limit && s->limit - off >= size - 1 &&
          !cpu_access_hook_needed(cpu) && !cpu->hooks.mem_access;
    return s->base + off;
}

static inline unsigned mem_fast_priv(const struct cpu *cpu)
{
    return cpu_cpl(cpu) == 3 ? SOFTTLB_USER : SOFTTLB_SUPERVISOR;
}

/* Little-endian loads and stores of 1, 2 or 4 bytes at a host pointer
 * (memcpy: no alignment assumed; compilers emit one move). */
static inline uint32_t mem_fast_get(const uint8_t *p, unsigned size)
{
    if (size == 1)
        return p[0];
    if (size == 2)
        return le16_load(p);
    return le32_load(p);
}

static inline void mem_fast_put(uint8_t *p, unsigned size, uint32_t val)
{
    p[0] = (uint8_t)val;
    if (size > 1)
        p[1] = (uint8_t)(val >> 8);
    if (size > 2) {
        p[2] = (uint8_t)(val >> 16);
        p[3] = (uint8_t)(val >> 24);
    }
}

/* The segment check of the fast case alone: present, expand-up data
 * (writable for a write), the whole access inside the limit. */
static inline int mem_fast_seg_ok(const struct seg_cache *s, uint32_t off, unsigned size,
                                  int write)
{
    uint16_t need = write ? SEG_ATTR_P | SEG_ATTR_RW : SEG_ATTR_P;
    uint16_t mask = SEG_ATTR_P | SEG_ATTR_CODE | SEG_ATTR_DC | (write ? SEG_ATTR_RW : 0);
    return (s->attr & mask) == need && off <= s->limit && s->limit - off >= size - 1;
}

/* Whether every access through segment `s` passes its segment check but
 * for the 4 GiB wrap: base 0, limit 4 GiB - 1, present expand-up data
 * (writable for `write`). For such a segment the linear address is the
 * offset, and the softtlb hit below, which refuses any access running
 * past its page, also refuses the accesses that wrap. */
static inline int mem_fast_seg_flat(const struct seg_cache *s, int write)
{
    return s->base == 0 && s->limit == 0xFFFFFFFFu && mem_fast_seg_ok(s, 0, 1, write);
}

/* The softtlb hit alone, for `size` bytes at linear `lin`, for callers
 * that did the segment check and know no access hook is needed
 * (cpu_access_hook_needed() false, no memory observer) and pass the
 * softtlb privilege of the CPL (mem_fast_priv()): 1 with the
 * host pointer in *p, or 0. The tag compared is that of the access's
 * last byte, which is one compare for both the page and the page
 * crossing: an access running into the next page (or wrapping at 4 GiB)
 * cannot match the slot of its first byte's page, since two adjacent
 * pages never share a slot. */
_Static_assert(SOFTTLB_SIZE >= 2, "adjacent pages must not share a softtlb slot");

static inline int mem_fast_tlb_read(struct cpu *cpu, uint32_t lin, unsigned size, unsigned priv,
                                    const uint8_t **p)
{
    const struct softtlb_entry *e = softtlb_slot(&cpu->tlb, lin);
    if (e->tag[priv][SOFTTLB_READ] != softtlb_tag(lin + (size - 1)))
        return 0;
    cpu->tlb.stats.hit[SOFTTLB_READ]++;
    *p = e->rd + (lin & 0xFFFu);
    return 1;
}

static inline int mem_fast_tlb_write(struct cpu *cpu, uint32_t lin, unsigned size, unsigned priv,
                                     uint8_t **p)
{
    const struct softtlb_entry *e = softtlb_slot(&cpu->tlb, lin);
    if (e->tag[priv][SOFTTLB_WRITE] != softtlb_tag(lin + (size - 1)))
        return 0;
    cpu->tlb.stats.hit[SOFTTLB_WRITE]++;
    *p = e->wr + (lin & 0xFFFu);
    return 1;
}

static inline uint32_t cpu_read_fast(struct cpu *cpu, int seg, uint32_t off, unsigned size)
{
    int ok;
    uint32_t lin = mem_fast_linear(cpu, seg, off, size, 0, &ok);
    if (ok) {
        const uint8_t *p = softtlb_lookup_read(&cpu->tlb, lin, size, mem_fast_priv(cpu),
                                               SOFTTLB_READ);
        if (p)
            return mem_fast_get(p, size);
    }
    return cpu_read(cpu, seg, off, size);
}

static inline void cpu_write_fast(struct cpu *cpu, int seg, uint32_t off, unsigned size,
                                  uint32_t val)
{
    int ok;
    uint32_t lin = mem_fast_linear(cpu, seg, off, size, 1, &ok);
    if (ok) {
        uint8_t *p = softtlb_lookup_write(&cpu->tlb, lin, size, mem_fast_priv(cpu));
        if (p) {
            mem_fast_put(p, size, val);
            return;
        }
    }
    cpu_write(cpu, seg, off, size, val);
}

#endif
