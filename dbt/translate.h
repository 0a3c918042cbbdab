/* Translation of one guest block at the CPU's current CS:EIP. */
#ifndef SHADOW86_DBT_TRANSLATE_H
#define SHADOW86_DBT_TRANSLATE_H

#include "cpu/mem.h"
#include "dbt/cache.h"

/* Guest-physical address of the code byte at linear `lin` (no fault: a
 * fetch translation through the software TLB and paging, cpu/mem.h).
 * Returns 0, or -1 when paging refuses the page (the interpreter then
 * raises the fault). */
static inline int dbt_code_phys(struct cpu *cpu, uint32_t lin, uint32_t *phys)
{
    return cpu_code_phys(cpu, lin, phys);
}

/* Translate the block at CS:EIP whose first byte is at `phys`. Returns
 * NULL when the first instruction cannot be decoded here (the caller lets
 * the interpreter raise the fault). */
struct dbt_block *dbt_translate(struct dbt *d, uint32_t phys, uint32_t mode);

#endif
