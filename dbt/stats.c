/* The translator's --stats lines. */
#include "cpu/sensitive.h"
#include "dbt/cache.h"

void dbt_stats_print(const struct dbt *d, FILE *out)
{
    const struct dbt_stats *s = &d->stats;
    uint64_t lookups = s->cache_hits + s->cache_misses + s->chain_hits;
    fprintf(out, "stats: dbt blocks translated %llu (%llu instructions, mean %.1f per block), "
                 "live %zu, invalidated %llu, flushes %llu\n",
            (unsigned long long)s->blocks_translated, (unsigned long long)s->insns_translated,
            s->blocks_translated ? (double)s->insns_translated / (double)s->blocks_translated : 0.0,
            d->block_count - d->dead_count, (unsigned long long)s->invalidations,
            (unsigned long long)s->flushes);
    fprintf(out, "stats: dbt block runs %llu; successor found by chain %llu (%.1f%%), "
                 "by cache %llu (%.1f%%), translated %llu; interpreted instructions %llu\n",
            (unsigned long long)s->block_runs, (unsigned long long)s->chain_hits,
            lookups ? 100.0 * (double)s->chain_hits / (double)lookups : 0.0,
            (unsigned long long)s->cache_hits,
            lookups ? 100.0 * (double)s->cache_hits / (double)lookups : 0.0,
            (unsigned long long)s->cache_misses, (unsigned long long)s->interpreted);
    fprintf(out, "stats: dbt callouts");
    for (unsigned c = CPU_SENS_PRIVILEGED; c < CPU_SENS_COUNT; c++)
        fprintf(out, " %s=%llu", cpu_sensitive_class_name((enum cpu_sensitivity)c),
                (unsigned long long)s->callouts[c]);
    fprintf(out, "\n");
}
