/* Segmented and linear memory access for the CPU: segmentation checks,
 * then the software TLB's fast path, and on a miss the slow path that
 * translates through mmu/ (paging) and reaches physmem.
 *
 * Privilege: cpu_read/cpu_write/cpu_fetch access memory at the CPL (CPL 3
 * is a user access); cpu_lin_read/cpu_lin_write are the implicit
 * supervisor accesses of the system structures (GDT, LDT, IDT, TSS),
 * which paging checks as supervisor whatever the CPL (SDM Vol. 3, 4.6).
 */
#include "base/endian.h"
#include "cpu/mem.h"
#include "cpu/debug.h"
#include "cpu/except.h"
#include "cpu/seg.h"
#include "mmu/mmu.h"

static unsigned priv_of(const struct cpu *cpu)
{
    return cpu_cpl(cpu) == 3 ? SOFTTLB_USER : SOFTTLB_SUPERVISOR;
}

static unsigned acc_of(unsigned priv, unsigned type)
{
    return (type == SOFTTLB_WRITE ? MMU_ACC_WRITE : 0) |
           (type == SOFTTLB_FETCH ? MMU_ACC_FETCH : 0) |
           (priv == SOFTTLB_USER ? MMU_ACC_USER : 0);
}

/* MMU events reach debug/ through cpu->hooks.mmu. The TLB miss is raised
 * here; the walk's references, A/D updates, result and the shadow tables'
 * events come from mmu/ through its observer, which forwards them. */
static void forward_mmu_event(void *opaque, const struct mmu_event *e)
{
    struct cpu *cpu = opaque;
    if (cpu->hooks.mmu)   /* the hook may have gone since cpu_hooks_changed */
        cpu->hooks.mmu(cpu->hooks.opaque, cpu, e);
}

void cpu_hooks_changed(struct cpu *cpu)
{
    if (cpu->mmu)
        mmu_set_observer(cpu->mmu, cpu->hooks.mmu ? forward_mmu_event : NULL, cpu);
}

static void report_tlb_miss(struct cpu *cpu, uint32_t lin, unsigned type)
{
    struct mmu_event ev = { .kind = MMU_EV_TLB_MISS, .stage = 1, .access = (uint8_t)type,
                            .lin = lin };
    /* A hook set without cpu_hooks_changed still hears the MMU's events. */
    if (cpu->mmu && !cpu->mmu->observer.fn)
        mmu_set_observer(cpu->mmu, forward_mmu_event, cpu);
    cpu->hooks.mmu(cpu->hooks.opaque, cpu, &ev);
}

/* Translate `lin` for an access, fill the TLB entry of its page with
 * everything the translation allows, and return the guest-physical
 * address (≥ 4 GiB: nothing there). A fault raises #PF with CR2 = lin,
 * or, if !raise, returns -1. */
static int translate(struct cpu *cpu, uint32_t lin, unsigned priv, unsigned type, int raise,
                     uint64_t *gpa_out)
{
    struct physmem *pm = cpu->mem;
    uint64_t gpa;
    unsigned allow = 0;
    int global = 0;

    physmem_add_listener(pm, softtlb_physmem_changed, &cpu->tlb);
    if (cpu->hooks.mmu)
        report_tlb_miss(cpu, lin, type);
    if (!(cpu->cr0 & CR0_PG) || !cpu->mmu) {
        gpa = lin & pm->a20_mask;
        allow = (1u << (SOFTTLB_PRIVS * SOFTTLB_ACCESS_TYPES)) - 1;
    } else {
        struct mmu_regs r = { cpu->cr0, cpu->cr3, cpu->cr4, cpu->efer, cpu->mmu->pdpte };
        struct mmu_walk w;
        int rc = mmu_translate(cpu->mmu, &r, lin, acc_of(priv, type), &w);
        if (rc != 0) {
            if (!raise)
                return -1;
            cpu->cr2 = lin;
            cpu_raise(cpu, VEC_PF, w.error);
        }
        gpa = w.gpa;
        if (!(gpa >> 32))
            gpa &= pm->a20_mask;   /* A20 masks physical addresses, paging or not */
        for (unsigned p = 0; p < SOFTTLB_PRIVS; p++)
            for (unsigned t = 0; t < SOFTTLB_ACCESS_TYPES; t++)
                if (mmu_rights_allow(&w, acc_of(p, t), cpu->cr0) &&
                    (t != SOFTTLB_WRITE || w.dirty))
                    allow |= 1u << (p * SOFTTLB_ACCESS_TYPES + t);
        global = w.global;
    }

    const uint8_t *rd;
    uint8_t *wr;
    if (gpa >> 32) {
        rd = pm->ones_page;
        wr = NULL;
    } else {
        /* Writable page first: allocating it changes what reads see. */
        wr = type == SOFTTLB_WRITE ? physmem_write_page(pm, (uint32_t)gpa)
                                   : physmem_peek_write_page(pm, (uint32_t)gpa);
        if (wr && type != SOFTTLB_WRITE && !physmem_page_dirty(pm, (uint32_t)gpa)) {
            /* A clean page (physmem's dirty bitmap): the first store must
             * come back here through physmem_write_page to mark it. */
            wr = NULL;
            for (unsigned p = 0; p < SOFTTLB_PRIVS; p++)
                allow &= ~(1u << (p * SOFTTLB_ACCESS_TYPES + SOFTTLB_WRITE));
        }
        rd = physmem_read_page(pm, (uint32_t)gpa);
    }
    softtlb_install(&cpu->tlb, lin, (uint32_t)gpa & PHYSMEM_PAGE_MASK, !(gpa >> 32), rd, wr,
                    allow, global);
    *gpa_out = gpa;
    return 0;
}

/* The guest-physical address of an access: from the TLB's translation
 * tags when it holds one, else by translating (which may fault). */
static int resolve(struct cpu *cpu, uint32_t lin, unsigned priv, unsigned type, int raise,
                   uint64_t *gpa)
{
    const struct softtlb_entry *e = softtlb_slot(&cpu->tlb, lin);
    if (e->xtag[priv][type] == softtlb_tag(lin)) {
        const struct softtlb_cold *c = softtlb_cold_slot(&cpu->tlb, lin);
        *gpa = c->gpa_valid ? (uint64_t)(c->gpa | (lin & 0xFFFu)) : 1ull << 32;
        return 0;
    }
    return translate(cpu, lin, priv, type, raise, gpa);
}

static uint32_t phys_read(struct cpu *cpu, uint64_t gpa, unsigned size)
{
    if (gpa >> 32)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    return physmem_read(cpu->mem, (uint32_t)gpa, size);
}

static void phys_write(struct cpu *cpu, uint64_t gpa, unsigned size, uint32_t val)
{
    if (!(gpa >> 32))
        physmem_write(cpu->mem, (uint32_t)gpa, size, val);
}

/* Slow path: a miss, MMIO/ROM/open bus, or a page-crossing access. Both
 * pages of a crossing access are translated (and may fault) before any
 * byte moves, so the instruction stays restartable. */
static uint32_t read_slow(struct cpu *cpu, uint32_t lin, unsigned size, unsigned priv,
                          unsigned type)
{
    uint64_t g0, g1;
    cpu->tlb.stats.miss[type]++;
    resolve(cpu, lin, priv, type, 1, &g0);
    unsigned first = 0x1000u - (lin & 0xFFFu);
    if (first >= size)
        return phys_read(cpu, g0, size);
    resolve(cpu, lin + first, priv, type, 1, &g1);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= phys_read(cpu, i < first ? g0 + i : g1 + (i - first), 1) << (8 * i);
    return v;
}

static void write_slow(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val, unsigned priv)
{
    uint64_t g0, g1;
    cpu->tlb.stats.miss[SOFTTLB_WRITE]++;
    resolve(cpu, lin, priv, SOFTTLB_WRITE, 1, &g0);
    unsigned first = 0x1000u - (lin & 0xFFFu);
    if (first >= size) {
        phys_write(cpu, g0, size, val);
        return;
    }
    resolve(cpu, lin + first, priv, SOFTTLB_WRITE, 1, &g1);
    for (unsigned i = 0; i < size; i++)
        phys_write(cpu, i < first ? g0 + i : g1 + (i - first), 1, (uint8_t)(val >> (8 * i)));
}

static inline uint32_t mem_read(struct cpu *cpu, uint32_t lin, unsigned size, unsigned priv)
{
    const uint8_t *p = softtlb_lookup_read(&cpu->tlb, lin, size, priv, SOFTTLB_READ);
    if (p)
        return (uint32_t)le_load_n(p, size);
    return read_slow(cpu, lin, size, priv, SOFTTLB_READ);
}

static inline void mem_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val,
                             unsigned priv)
{
    uint8_t *p = softtlb_lookup_write(&cpu->tlb, lin, size, priv);
    if (p) {
        le_store_n(p, val, size);
        return;
    }
    write_slow(cpu, lin, size, val, priv);
}

uint32_t cpu_lin_read(struct cpu *cpu, uint32_t lin, unsigned size)
{
    return mem_read(cpu, lin, size, SOFTTLB_SUPERVISOR);
}

void cpu_lin_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val)
{
    mem_write(cpu, lin, size, val, SOFTTLB_SUPERVISOR);
}

static _Noreturn void seg_fault(struct cpu *cpu, int seg)
{
    if (seg == SEG_SS)
        cpu_raise(cpu, VEC_SS, 0);
    cpu_raise(cpu, VEC_GP, 0);
}

static uint32_t check_segment(struct cpu *cpu, int seg, uint32_t off, unsigned size, int write)
{
    const struct seg_cache *s = &cpu->seg[seg];
    uint64_t last = (uint64_t)off + size - 1;
    int protected_mode = (cpu->cr0 & CR0_PE) && !(cpu->eflags & EFLAGS_VM);

    if (protected_mode) {
        uint16_t a = s->attr;
        /* A null or not-present cache (null selector loaded) faults. */
        if (!(a & SEG_ATTR_P))
            seg_fault(cpu, seg);
        if (a & SEG_ATTR_CODE) {
            if (write || !(a & SEG_ATTR_RW))
                seg_fault(cpu, seg);
        } else if (write && !(a & SEG_ATTR_RW)) {
            seg_fault(cpu, seg);
        }
    }
    if (!(s->attr & SEG_ATTR_CODE) && (s->attr & SEG_ATTR_DC)) {
        /* Expand-down: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF. */
        uint64_t upper = (s->attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        if (off <= s->limit || last > upper)
            seg_fault(cpu, seg);
    } else if (last > s->limit) {
        seg_fault(cpu, seg);
    }
    return s->base + off;
}

uint32_t cpu_check_access(struct cpu *cpu, int seg, uint32_t off, unsigned size, int write)
{
    uint32_t lin = check_segment(cpu, seg, off, size, write);
    if (cpu->cr0 & CR0_PG) {
        /* Paging faults are part of "may this be accessed": probe every
         * page the access touches now, before the caller changes state. */
        unsigned priv = priv_of(cpu);
        unsigned type = write ? SOFTTLB_WRITE : SOFTTLB_READ;
        uint64_t gpa;
        resolve(cpu, lin, priv, type, 1, &gpa);
        if ((lin & 0xFFFu) + size > 0x1000u)
            resolve(cpu, lin + size - 1, priv, type, 1, &gpa);
    }
    return lin;
}

uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t off, unsigned size)
{
    uint32_t lin = check_segment(cpu, seg, off, size, 0);
    if (cpu_access_hook_needed(cpu))
        cpu_access_hook(cpu, lin, size, 0);   /* [system]: #AC, data breakpoints */
    uint32_t v = mem_read(cpu, lin, size, priv_of(cpu));
    if (cpu->hooks.mem_access)  /* debug/: traces, watchpoints */
        cpu->hooks.mem_access(cpu->hooks.opaque, cpu, CPU_MEM_READ, lin, size, v);
    return v;
}

void cpu_write(struct cpu *cpu, int seg, uint32_t off, unsigned size, uint32_t val)
{
    uint32_t lin = check_segment(cpu, seg, off, size, 1);
    if (cpu_access_hook_needed(cpu))
        cpu_access_hook(cpu, lin, size, 1);   /* [system]: #AC, data breakpoints */
    mem_write(cpu, lin, size, val, priv_of(cpu));
    if (cpu->hooks.mem_access)  /* debug/: traces, watchpoints */
        cpu->hooks.mem_access(cpu->hooks.opaque, cpu, CPU_MEM_WRITE, lin, size, val);
}

/* CS-relative offset of the fetch `n` bytes after `eip`, or -1 past the
 * limit. 16-bit code wraps IP within the segment. */
static int64_t fetch_offset(const struct cpu *cpu, uint32_t eip)
{
    const struct seg_cache *cs = &cpu->seg[SEG_CS];
    uint32_t off = eip;
    if (!(cs->attr & SEG_ATTR_DB))
        off &= 0xFFFF;
    return off > cs->limit ? -1 : (int64_t)off;
}

unsigned cpu_fetch(struct cpu *cpu, uint32_t eip, uint8_t *buf, unsigned max)
{
    uint32_t base = cpu->seg[SEG_CS].base;
    unsigned priv = priv_of(cpu);
    unsigned n = 0;
    while (n < max) {
        int64_t off = fetch_offset(cpu, eip + n);
        if (off < 0)
            break;
        uint32_t lin = base + (uint32_t)off;
        const uint8_t *p = softtlb_lookup_read(&cpu->tlb, lin, 1, priv, SOFTTLB_FETCH);
        if (p) {
            buf[n++] = *p;
            continue;
        }
        uint64_t gpa;
        cpu->tlb.stats.miss[SOFTTLB_FETCH]++;
        if (resolve(cpu, lin, priv, SOFTTLB_FETCH, 0, &gpa) != 0)
            break;   /* the decoder decides whether it needed this byte */
        buf[n++] = (uint8_t)phys_read(cpu, gpa, 1);
    }
    return n;
}

void cpu_raise_fetch_fault(struct cpu *cpu, uint32_t eip)
{
    int64_t off = fetch_offset(cpu, eip);
    if (off >= 0) {
        uint64_t gpa;
        /* Raises #PF (CR2 = the byte's linear address) if paging refuses. */
        translate(cpu, cpu->seg[SEG_CS].base + (uint32_t)off, priv_of(cpu), SOFTTLB_FETCH, 1,
                  &gpa);
    }
    cpu_raise(cpu, VEC_GP, 0);
}

int cpu_code_phys(struct cpu *cpu, uint32_t lin, uint32_t *gpa)
{
    uint64_t g;
    /* The translator asks at every block lookup: mostly a TLB hit. */
    if (resolve(cpu, lin, priv_of(cpu), SOFTTLB_FETCH, 0, &g) != 0 || (g >> 32))
        return -1;
    *gpa = (uint32_t)g;
    return 0;
}

int cpu_debug_linear_to_phys(const struct cpu *cpu, uint32_t lin, uint32_t *pa)
{
    if (!(cpu->cr0 & CR0_PG) || !cpu->mmu) {
        *pa = lin & cpu->mem->a20_mask;
        return 0;
    }
    struct mmu_regs r = { cpu->cr0, cpu->cr3, cpu->cr4, cpu->efer, cpu->mmu->pdpte };
    struct mmu_walk w;
    /* A read at supervisor level, changing nothing (no A/D, no stats). */
    if (mmu_walk(cpu->mem, &r, lin, 0, MMU_WALK_PEEK, &w) != 0 || (w.gpa >> 32))
        return -1;
    *pa = (uint32_t)w.gpa & cpu->mem->a20_mask;
    return 0;
}

void cpu_mmu_state_loaded(struct cpu *cpu)
{
    softtlb_flush_all(&cpu->tlb);
    if (!cpu->mmu)
        return;
    mmu_reset(cpu->mmu);
    /* The PDPTE registers are not in the saved state: reload them from
     * the PDPT, which is what they hold unless the guest rewrote the PDPT
     * without reloading CR3 since. */
    if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & MMU_CR4_PAE)) {
        struct mmu_regs r = { cpu->cr0, cpu->cr3, cpu->cr4, cpu->efer, cpu->mmu->pdpte };
        (void)mmu_load_cr3(cpu->mmu, &r);
    }
}
