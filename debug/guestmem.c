#include "debug/guestmem.h"

int debug_linear_to_phys(const struct cpu *cpu, uint32_t lin, uint32_t *pa)
{
    /* No paging yet (CR0.PG is refused): linear is physical. */
    *pa = lin & cpu->mem->a20_mask;
    return 0;
}

/* Whether physical `pa` is backed by RAM or ROM (mmu/physmem.h layout). */
static int phys_backed(const struct physmem *pm, uint32_t pa, int for_write)
{
    int rom = pm->rom && (pa >= (uint32_t)(0u - pm->rom_size) ||
                          (pm->rom_size <= (128u << 10) && pa < 0x100000u &&
                           pa >= 0x100000u - pm->rom_size));
    if (rom)
        return !for_write;
    return pa < pm->ram_size;
}

int debug_read_linear(const struct cpu *cpu, uint32_t lin, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint32_t pa;
        if (debug_linear_to_phys(cpu, lin + (uint32_t)i, &pa) != 0 ||
            !phys_backed(cpu->mem, pa, 0))
            return -1;
    }
    for (size_t i = 0; i < len; i++) {
        uint32_t pa;
        debug_linear_to_phys(cpu, lin + (uint32_t)i, &pa);
        buf[i] = physmem_read8(cpu->mem, pa);
    }
    return 0;
}

int debug_write_linear(struct cpu *cpu, uint32_t lin, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint32_t pa;
        if (debug_linear_to_phys(cpu, lin + (uint32_t)i, &pa) != 0 ||
            !phys_backed(cpu->mem, pa, 1))
            return -1;
    }
    for (size_t i = 0; i < len; i++) {
        uint32_t pa;
        debug_linear_to_phys(cpu, lin + (uint32_t)i, &pa);
        physmem_write8(cpu->mem, pa, buf[i]);
    }
    return 0;
}
