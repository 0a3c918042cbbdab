#include <stdio.h>

#include "cpu/compare.h"
#include "dbt/cache.h"
#include "dbt/lockstep.h"

enum cpu_exit dbt_lockstep_exec(struct dbt_lockstep *ls, uint64_t budget)
{
    struct cpu *a = ls->dbt->cpu, *b = ls->ref;
    enum cpu_exit ea = CPU_EXIT_BUDGET;

    while (budget > 0 && !ls->diverged) {
        uint16_t cs = a->seg[SEG_CS].sel;
        uint32_t eip = a->eip;
        uint64_t icount = a->icount, used = 0;
        char diff[sizeof ls->report - 128];

        ea = dbt_exec_block(ls->dbt, budget, &used);
        /* The interpreter gets exactly the units the translator used. */
        enum cpu_exit eb = used ? cpu_run(b, used) : (b->halted ? CPU_EXIT_HLT : CPU_EXIT_BUDGET);
        ls->comparisons++;
        int differ = cpu_compare(a, b, diff, sizeof diff);
        if (differ || ea != eb) {
            ls->diverged = 1;
            snprintf(ls->report, sizeof ls->report,
                     "lockstep divergence after the block at %04X:%08X (instructions %llu..%llu): "
                     "%s%s", cs, eip, (unsigned long long)icount, (unsigned long long)a->icount,
                     ea != eb ? "engines stopped for different reasons; " : "", diff);
            break;
        }
        if (ea != CPU_EXIT_BUDGET || used == 0)
            break;
        budget -= used < budget ? used : budget;
    }
    return ea;
}
