/* Translation of one guest block at the CPU's current CS:EIP. */
#ifndef SHADOW86_DBT_TRANSLATE_H
#define SHADOW86_DBT_TRANSLATE_H

#include "dbt/cache.h"

/* Guest-physical address of the code byte at linear address `lin`
 * (no fault: the caller only asks for bytes the fetch path can read). */
static inline uint32_t dbt_code_phys(const struct cpu *cpu, uint32_t lin)
{
    /* Linear is physical until paging exists; A20 applies. */
    return lin & cpu->mem->a20_mask;
}

/* Translate the block at CS:EIP whose first byte is at `phys`. Returns
 * NULL when the first instruction cannot be decoded here (the caller lets
 * the interpreter raise the fault). */
struct dbt_block *dbt_translate(struct dbt *d, uint32_t phys, uint32_t mode);

#endif
