/* Inline fast paths of cpu_read() and cpu_write() for hot callers (the
 * translator's memory micro-ops). They handle only the case that needs no
 * decision: a present, expand-up data segment (or a real-mode/V86 one)
 * with the whole access inside its limit, no alignment check or data
 * breakpoint armed, no memory observer, and a software-TLB hit. Anything
 * else calls cpu_read()/cpu_write(), which check, translate and fault; so
 * the results are those of cpu/mem.c by construction. */
#ifndef SHADOW86_CPU_MEM_FAST_H
#define SHADOW86_CPU_MEM_FAST_H

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
        return (uint32_t)p[0] | (uint32_t)p[1] << 8;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
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

/* Hit paths for callers that already know no access hook is needed
 * (cpu_access_hook_needed() false, no memory observer) and pass the
 * softtlb privilege of the current CPL (mem_fast_priv()): the segment
 * check and the softtlb hit, nothing else. They return 0, having changed
 * nothing, when the access needs the slow path. */
static inline const uint8_t *cpu_read_hit(struct cpu *cpu, int seg, uint32_t off, unsigned size,
                                          unsigned priv)
{
    const struct seg_cache *s = &cpu->seg[seg];
    if (!mem_fast_seg_ok(s, off, size, 0))
        return NULL;
    return softtlb_lookup_read(&cpu->tlb, s->base + off, size, priv, SOFTTLB_READ);
}

static inline uint8_t *cpu_write_hit(struct cpu *cpu, int seg, uint32_t off, unsigned size,
                                     unsigned priv)
{
    const struct seg_cache *s = &cpu->seg[seg];
    if (!mem_fast_seg_ok(s, off, size, 1))
        return NULL;
    return softtlb_lookup_write(&cpu->tlb, s->base + off, size, priv);
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
