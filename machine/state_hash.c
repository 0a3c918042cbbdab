#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash64.h"
#include "base/state.h"
#include "cpu/flags.h"
#include "machine/board.h"
#include "machine/cpu_state.h"
#include "machine/machine.h"
#include "machine/state_hash.h"

#define PAGE PHYSMEM_PAGE_SIZE

static int page_is_zero(const uint8_t *p)
{
    static const uint8_t zero[64];
    for (unsigned i = 0; i < PAGE; i += 64)
        if (memcmp(p + i, zero, 64) != 0)
            return 0;
    return 1;
}

/* Everything but RAM, as machine_save writes it. */
static int save_records(struct machine *m, struct state_writer *w)
{
    for (unsigned k = 0; k < m->ncpus; k++)
        flags_materialize(&m->cpus[k]);
    state_writer_init(w);
    cpu_state_save(&m->cpus[0], w);
    machine_smp_save(m, w);
    clock_save(&m->clock, w);
    board_save(m, w);
    return state_writer_failed(w) ? -1 : 0;
}

static const uint8_t *ram_page(const struct machine *m, uint32_t a)
{
    /* The bytes wherever the host keeps them (own page, shared frame,
     * swap file): host-side state, not the machine's. */
    const uint8_t *p = physmem_ram_content(&m->mem, a);
    return p && !page_is_zero(p) ? p : NULL;
}

/* Page `a`'s share of the RAM hash: 0 for an all-zero page, so whether a
 * zero page is allocated does not matter. */
static uint64_t page_hash(const struct machine *m, uint32_t a)
{
    const uint8_t *p = ram_page(m, a);
    if (!p)
        return 0;
    struct hash64 h;
    hash64_init(&h, a);
    hash64_update(&h, p, PAGE);
    return hash64_final(&h);
}

/* RAM's hash, a sum of the pages' hashes: only the pages physmem marked
 * dirty since the last call are hashed again. */
static uint64_t ram_hash(struct machine *m)
{
    struct physmem *pm = &m->mem;
    uint32_t pages = pm->ram_size / PAGE;
    if (!m->ram_page_hash) {
        m->ram_page_hash = calloc(pages ? pages : 1, sizeof *m->ram_page_hash);
        if (!m->ram_page_hash)
            return 0xBAD;   /* cannot happen short of memory */
        m->ram_hash_sum = 0;
        physmem_mark_all_dirty(pm);
    }
    for (uint32_t w = 0; w < (pages + 63) / 64; w++) {
        uint64_t bits = pm->dirty[w];
        for (uint32_t b = 0; bits && b < 64; b++, bits >>= 1) {
            uint32_t i = w * 64 + b;
            if (!(bits & 1) || i >= pages)
                continue;
            uint64_t h = page_hash(m, i * PAGE);
            m->ram_hash_sum += h - m->ram_page_hash[i];
            m->ram_page_hash[i] = h;
        }
    }
    physmem_dirty_restart(pm);
    return m->ram_hash_sum;
}

uint64_t machine_state_hash(struct machine *m)
{
    struct hash64 h;
    hash64_init(&h, 0);
    struct state_writer w;
    if (save_records(m, &w) == 0)
        hash64_update(&h, w.buf, w.len);
    else
        hash64_u64(&h, 0xBAD);   /* cannot happen short of memory */
    state_writer_free(&w);
    hash64_u64(&h, ram_hash(m));
    hash64_u64(&h, m->mem.a20_mask);
    return hash64_final(&h);
}

struct out {
    char *buf;
    size_t size, len;
    unsigned lines, max, found;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void say(struct out *o, const char *fmt, ...)
{
    o->found++;
    if (o->lines >= o->max || o->len >= o->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n < o->size - o->len ? (size_t)n : o->size - o->len - 1;
    o->lines++;
}

static void diff_cpu(struct out *o, const struct cpu *a, const struct cpu *b)
{
    static const char *const names[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
    for (int i = 0; i < 8; i++)
        if (a->regs[i] != b->regs[i])
            say(o, "  %s: %08X here, %08X in the reference\n", names[i], a->regs[i], b->regs[i]);
    if (a->eip != b->eip)
        say(o, "  EIP: %08X here, %08X in the reference\n", a->eip, b->eip);
    if (cpu_get_eflags(a) != cpu_get_eflags(b))
        say(o, "  EFLAGS: %08X here, %08X in the reference\n", cpu_get_eflags(a),
            cpu_get_eflags(b));
    static const char *const segs[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    for (int s = 0; s < SEG_COUNT; s++)
        if (a->seg[s].sel != b->seg[s].sel || a->seg[s].base != b->seg[s].base)
            say(o, "  %s: %04X base %08X here, %04X base %08X in the reference\n", segs[s],
                a->seg[s].sel, a->seg[s].base, b->seg[s].sel, b->seg[s].base);
    const uint32_t ca[4] = { a->cr0, a->cr2, a->cr3, a->cr4 }, cb[4] = { b->cr0, b->cr2, b->cr3, b->cr4 };
    static const char *const crs[4] = { "CR0", "CR2", "CR3", "CR4" };
    for (int i = 0; i < 4; i++)
        if (ca[i] != cb[i])
            say(o, "  %s: %08X here, %08X in the reference\n", crs[i], ca[i], cb[i]);
}

static void diff_ram(struct out *o, const struct machine *a, const struct machine *b)
{
    static const uint8_t zero[PAGE];
    unsigned shown = 0;
    for (uint32_t pa = 0; pa < a->mem.ram_size && shown < 4; pa += PAGE) {
        const uint8_t *x = ram_page(a, pa), *y = ram_page(b, pa);
        x = x ? x : zero;
        y = y ? y : zero;
        if (memcmp(x, y, PAGE) == 0)
            continue;
        for (unsigned i = 0; i < PAGE && shown < 4; i++)
            if (x[i] != y[i]) {
                say(o, "  memory %08X: %02X here, %02X in the reference\n", pa + i, x[i], y[i]);
                shown++;
            }
    }
}

/* Records: tags in the order written; for each, compare payloads. */
static void diff_records(struct out *o, const struct state_writer *wa, const struct state_writer *wb)
{
    size_t pa = 0, pb = 0;
    while (pa + 10 <= wa->len && pb + 10 <= wb->len) {
        const uint8_t *ra = wa->buf + pa, *rb = wb->buf + pb;
        uint32_t la = (uint32_t)ra[6] | (uint32_t)ra[7] << 8 | (uint32_t)ra[8] << 16 |
                      (uint32_t)ra[9] << 24;
        uint32_t lb = (uint32_t)rb[6] | (uint32_t)rb[7] << 8 | (uint32_t)rb[8] << 16 |
                      (uint32_t)rb[9] << 24;
        if (pa + 10 + la > wa->len || pb + 10 + lb > wb->len)
            break;
        if (la != lb || memcmp(ra + 10, rb + 10, la) != 0) {
            size_t off = 0;
            while (off < la && off < lb && ra[10 + off] == rb[10 + off])
                off++;
            say(o, "  state record %.4s differs from payload byte %zu (%02X here, %02X in the "
                   "reference)\n", (const char *)ra, off, off < la ? ra[10 + off] : 0,
                off < lb ? rb[10 + off] : 0);
        }
        pa += 10 + la;
        pb += 10 + lb;
    }
}

unsigned machine_state_diff(struct machine *a, struct machine *b, char *buf, size_t bufsz,
                            unsigned max_lines)
{
    struct out o = { buf, bufsz, 0, 0, max_lines, 0 };
    buf[0] = 0;
    struct state_writer wa, wb;
    int ok = save_records(a, &wa) == 0 && save_records(b, &wb) == 0;
    diff_cpu(&o, a->cpu, b->cpu);
    diff_ram(&o, a, b);
    if (ok)
        diff_records(&o, &wa, &wb);
    state_writer_free(&wa);
    state_writer_free(&wb);
    return o.found;
}
