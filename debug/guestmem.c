#include "cpu/mem.h"
#include "debug/guestmem.h"

int debug_linear_to_phys(const struct cpu *cpu, uint32_t lin, uint32_t *pa)
{
    /* [mmu]: a side-effect-free walk of the guest's tables. */
    return cpu_debug_linear_to_phys(cpu, lin, pa);
}

/* Whether physical `pa` is backed by RAM or ROM (mmu/physmem.h's p2m):
 * open bus and MMIO count as unmapped, so a debugger never triggers a
 * device's side effects. */
static int phys_backed(const struct physmem *pm, uint32_t pa, int for_write)
{
    struct p2m_entry scratch;
    const struct p2m_entry *e = physmem_peek(pm, pa & pm->a20_mask, &scratch);
    if (e->kind == P2M_RAM)
        return for_write ? (e->access & PHYSMEM_PAM_WRITE_RAM) != 0
                         : ((e->access & PHYSMEM_PAM_READ_RAM) || e->rom);
    if (e->kind == P2M_ROM)
        return !for_write;
    return 0;
}

/* Translate page by page: one walk per page touched, not per byte. */
static int span_phys(const struct cpu *cpu, uint32_t lin, size_t i, uint32_t *page_pa,
                     uint32_t *pa)
{
    uint32_t a = lin + (uint32_t)i;
    if (i == 0 || (a & 0xFFFu) == 0) {
        if (debug_linear_to_phys(cpu, a & ~0xFFFu, page_pa) != 0)
            return -1;
    }
    *pa = (*page_pa & ~0xFFFu) | (a & 0xFFFu);
    return 0;
}

int debug_read_linear(const struct cpu *cpu, uint32_t lin, uint8_t *buf, size_t len)
{
    uint32_t page = 0, pa;
    for (size_t i = 0; i < len; i++)
        if (span_phys(cpu, lin, i, &page, &pa) != 0 || !phys_backed(cpu->mem, pa, 0))
            return -1;
    for (size_t i = 0; i < len; i++) {
        span_phys(cpu, lin, i, &page, &pa);
        buf[i] = physmem_read8(cpu->mem, pa);
    }
    return 0;
}

int debug_write_linear(struct cpu *cpu, uint32_t lin, const uint8_t *buf, size_t len)
{
    uint32_t page = 0, pa;
    for (size_t i = 0; i < len; i++)
        if (span_phys(cpu, lin, i, &page, &pa) != 0 || !phys_backed(cpu->mem, pa, 1))
            return -1;
    /* physmem_write8 runs the write watches: translated code and shadowed
     * page tables see a debugger's store as they see the guest's. */
    for (size_t i = 0; i < len; i++) {
        span_phys(cpu, lin, i, &page, &pa);
        physmem_write8(cpu->mem, pa, buf[i]);
    }
    return 0;
}
