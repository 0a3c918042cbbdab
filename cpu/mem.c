/* Segmented and linear memory access for the CPU. */
#include "cpu/mem.h"
#include "cpu/debug.h"
#include "cpu/except.h"

/* Linear → physical. Paging ([mmu]) is not modelled yet: a guest that sets
 * CR0.PG is refused at the MOV to CR0, so linear is physical here. */
static inline uint32_t lin_to_phys(struct cpu *cpu, uint32_t lin)
{
    (void)cpu;
    return lin;
}

static int crosses_page(uint32_t addr, unsigned size)
{
    return (addr & ~PHYSMEM_PAGE_MASK) + size > PHYSMEM_PAGE_SIZE;
}

uint32_t cpu_lin_read(struct cpu *cpu, uint32_t lin, unsigned size)
{
    uint32_t pa = lin_to_phys(cpu, lin) & cpu->mem->a20_mask;
    const uint8_t *page = crosses_page(pa, size) ? NULL : physmem_read_page(cpu->mem, pa);
    if (page) {
        const uint8_t *p = page + (pa & ~PHYSMEM_PAGE_MASK);
        switch (size) {
        case 1: return p[0];
        case 2: return (uint32_t)p[0] | (uint32_t)p[1] << 8;
        default: return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                        (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
    }
    /* Slow path: MMIO, page crossing, 4 GiB and A20 wrap. */
    return physmem_read(cpu->mem, lin_to_phys(cpu, lin), size);
}

void cpu_lin_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t val)
{
    uint32_t pa = lin_to_phys(cpu, lin) & cpu->mem->a20_mask;
    uint8_t *page = crosses_page(pa, size) ? NULL : physmem_write_page(cpu->mem, pa);
    if (page) {
        uint8_t *p = page + (pa & ~PHYSMEM_PAGE_MASK);
        for (unsigned i = 0; i < size; i++)
            p[i] = (uint8_t)(val >> (8 * i));
        return;
    }
    physmem_write(cpu->mem, lin_to_phys(cpu, lin), size, val);
}

static _Noreturn void seg_fault(struct cpu *cpu, int seg)
{
    if (seg == SEG_SS)
        cpu_raise(cpu, VEC_SS, 0);
    cpu_raise(cpu, VEC_GP, 0);
}

uint32_t cpu_check_access(struct cpu *cpu, int seg, uint32_t off, unsigned size, int write)
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

uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t off, unsigned size)
{
    uint32_t lin = cpu_check_access(cpu, seg, off, size, 0);
    if (cpu_access_hook_needed(cpu))
        cpu_access_hook(cpu, lin, size, 0);   /* [system]: #AC, data breakpoints */
    uint32_t v = cpu_lin_read(cpu, lin, size);
    if (cpu->hooks.mem_access)  /* debug/: traces, watchpoints */
        cpu->hooks.mem_access(cpu->hooks.opaque, cpu, CPU_MEM_READ, lin, size, v);
    return v;
}

void cpu_write(struct cpu *cpu, int seg, uint32_t off, unsigned size, uint32_t val)
{
    uint32_t lin = cpu_check_access(cpu, seg, off, size, 1);
    if (cpu_access_hook_needed(cpu))
        cpu_access_hook(cpu, lin, size, 1);   /* [system]: #AC, data breakpoints */
    cpu_lin_write(cpu, lin, size, val);
    if (cpu->hooks.mem_access)  /* debug/: traces, watchpoints */
        cpu->hooks.mem_access(cpu->hooks.opaque, cpu, CPU_MEM_WRITE, lin, size, val);
}

unsigned cpu_fetch(struct cpu *cpu, uint32_t eip, uint8_t *buf, unsigned max)
{
    const struct seg_cache *cs = &cpu->seg[SEG_CS];
    unsigned n = 0;
    while (n < max) {
        uint32_t off = eip + n;
        /* 16-bit code wraps IP within the segment. */
        if (!(cs->attr & SEG_ATTR_DB))
            off &= 0xFFFF;
        if (off > cs->limit)
            break;
        buf[n++] = (uint8_t)cpu_lin_read(cpu, cs->base + off, 1);
    }
    return n;
}
