#include <string.h>

#include "cpu/except.h"
#include "dbt/dbt.h"
#include "debug/stats.h"
#include "machine/frontend_api.h"
#include "base/clock.h"

const char *stats_vector_name(unsigned vector)
{
    const char *n = cpu_vector_name(vector);   /* without the '#': JSON keys */
    return n && n[0] == '#' ? n + 1 : n;
}

/* ------------------------------------------------------------ emitters */

void stats_group_begin(struct stats_out *o, const char *name)
{
    if (o->format == STATS_JSON) {
        json_begin_object(&o->json, name);
    } else {
        size_t len = strlen(o->path);
        if (o->depth < JSON_MAX_DEPTH)
            o->path_len[o->depth] = len;
        snprintf(o->path + len, sizeof o->path - len, "%s%s", len ? "." : "", name);
    }
    o->depth++;
}

void stats_group_end(struct stats_out *o)
{
    if (o->depth == 0)
        return;
    o->depth--;
    if (o->format == STATS_JSON)
        json_end_object(&o->json);
    else if (o->depth < JSON_MAX_DEPTH)
        o->path[o->path_len[o->depth]] = 0;
}

static void text_name(struct stats_out *o, const char *name)
{
    fprintf(o->out, "stats: %s%s%s ", o->path, o->path[0] ? "." : "", name);
}

void stats_u64(struct stats_out *o, const char *name, uint64_t v)
{
    if (o->format == STATS_JSON) {
        json_u64(&o->json, name, v);
    } else {
        text_name(o, name);
        fprintf(o->out, "%llu\n", (unsigned long long)v);
    }
}

void stats_double(struct stats_out *o, const char *name, double v)
{
    if (o->format == STATS_JSON) {
        json_double(&o->json, name, v);
    } else {
        text_name(o, name);
        fprintf(o->out, "%.3f\n", v);
    }
}

void stats_str(struct stats_out *o, const char *name, const char *v)
{
    if (o->format == STATS_JSON) {
        json_string(&o->json, name, v);
    } else {
        text_name(o, name);
        fprintf(o->out, "%s\n", v);
    }
}

/* ------------------------------------------------------------ counters */

void stats_registry_init(struct stats_registry *r)
{
    memset(r, 0, sizeof(*r));
}

int stats_register(struct stats_registry *r, const char *name, stats_section_fn fn,
                   void *opaque)
{
    if (r->n >= STATS_MAX_SECTIONS)
        return -1;
    r->v[r->n].name = name;
    r->v[r->n].fn = fn;
    r->v[r->n].opaque = opaque;
    r->n++;
    return 0;
}

void stats_counters_init(struct stats_counters *c)
{
    memset(c, 0, sizeof(*c));
    c->host_start_ns = clock_host_monotonic_ns();
}

void stats_count_interrupt(struct stats_counters *c, int vec, int src)
{
    c->vectors[vec & 0xFF][src & 3]++;
}

void stats_count_io(struct stats_counters *c, const char *device, int is_write)
{
    const char *name = device ? device : "unmapped";
    unsigned i;
    /* Device names are static strings from the bus: pointer equality
     * first, then the text, so two buses' copies still merge. */
    for (i = 0; i < c->ndev; i++)
        if (c->dev[i].name == name || strcmp(c->dev[i].name, name) == 0)
            break;
    if (i == c->ndev) {
        if (c->ndev == STATS_MAX_DEVICES)
            i = STATS_MAX_DEVICES - 1;   /* the last slot absorbs the rest */
        else
            c->dev[c->ndev++].name = name;
    }
    if (is_write)
        c->dev[i].writes++;
    else
        c->dev[i].reads++;
}

/* ------------------------------------------------------------ sections */

static void section_run(struct stats_out *o, const struct machine *m,
                        const struct stats_counters *c)
{
    uint64_t insns = machine_insn_total(m);
    stats_group_begin(o, "run");
    stats_u64(o, "instructions", insns);
    stats_u64(o, "resets", m->resets);
    if (c && c->host_start_ns) {
        uint64_t now = clock_host_monotonic_ns();
        double secs = now > c->host_start_ns ? (double)(now - c->host_start_ns) / 1e9 : 0.0;
        stats_double(o, "host_seconds", secs);
        stats_double(o, "mips", secs > 0 ? (double)insns / secs / 1e6 : 0.0);
    }
    stats_group_end(o);
}

/* The CPU counters of every CPU together (-smp: per CPU in "smp"). */
static const struct cpu_stats *cpu_stats_sum(const struct machine *m, struct cpu_stats *sum)
{
    memset(sum, 0, sizeof *sum);
    for (unsigned k = 0; k < m->ncpus; k++) {
        const struct cpu_stats *c = &m->cpus[k].stats;
        sum->ud_count += c->ud_count;
        sum->unimplemented += c->unimplemented;
        sum->interrupts += c->interrupts;
        for (unsigned v = 0; v < 32; v++)
            sum->exceptions[v] += c->exceptions[v];
        for (unsigned i = 0; i < CPU_SENS_COUNT; i++)
            sum->sensitive[i] += c->sensitive[i];
        for (unsigned i = 0; i < OP_COUNT; i++)
            sum->sensitive_op[i] += c->sensitive_op[i];
        sum->task_switches += c->task_switches;
        sum->v86_exits += c->v86_exits;
    }
    return sum;
}

/* -smp: what each CPU did. */
static void section_smp(struct stats_out *o, const struct machine *m)
{
    if (m->ncpus < 2)
        return;
    char key[16];
    stats_group_begin(o, "smp");
    stats_u64(o, "cpus", m->ncpus);
    for (unsigned k = 0; k < m->ncpus; k++) {
        const struct cpu *c = &m->cpus[k];
        const struct machine_smp_cpu *s = &m->smp[k];
        snprintf(key, sizeof key, "cpu%u", k);
        stats_group_begin(o, key);
        stats_u64(o, "instructions", c->icount);
        stats_u64(o, "interrupts", c->stats.interrupts);
        stats_u64(o, "halts", s->halts);
        stats_u64(o, "turns", s->turns);
        stats_u64(o, "sipis", s->sipis);
        stats_group_end(o);
    }
    stats_group_end(o);
}

static void vector_key(unsigned v, char *buf, size_t bufsz)
{
    const char *name = stats_vector_name(v);
    if (name)
        snprintf(buf, bufsz, "%u_%s", v, name);
    else
        snprintf(buf, bufsz, "%u", v);
}

static void section_cpu(struct stats_out *o, const struct machine *m,
                        const struct stats_counters *c)
{
    struct cpu_stats sum;
    const struct cpu_stats *cs = cpu_stats_sum(m, &sum);
    char key[32];
    stats_group_begin(o, "cpu");
    stats_u64(o, "invalid_opcode_ud", cs->ud_count);
    stats_u64(o, "unimplemented", cs->unimplemented);
    stats_u64(o, "interrupts", cs->interrupts);
    uint64_t total = 0;
    for (unsigned v = 0; v < 32; v++)
        total += cs->exceptions[v];
    stats_u64(o, "exceptions", total);
    stats_group_begin(o, "exceptions_per_vector");
    for (unsigned v = 0; v < 32; v++) {
        if (!cs->exceptions[v])
            continue;
        vector_key(v, key, sizeof key);
        stats_u64(o, key, cs->exceptions[v]);
    }
    stats_group_end(o);
    if (c) {
        /* Software, external and ICEBP deliveries per vector (exceptions
         * are above, from the CPU's own counters). */
        static const struct { int src; const char *name; } kinds[] = {
            { INT_SRC_SOFTWARE, "software_interrupts_per_vector" },
            { INT_SRC_EXTERNAL, "external_interrupts_per_vector" },
            { INT_SRC_ICEBP, "icebp_per_vector" },
        };
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            stats_group_begin(o, kinds[k].name);
            for (unsigned v = 0; v < 256; v++) {
                if (!c->vectors[v][kinds[k].src])
                    continue;
                snprintf(key, sizeof key, "%u", v);
                stats_u64(o, key, c->vectors[v][kinds[k].src]);
            }
            stats_group_end(o);
        }
    }
    stats_group_end(o);
}

/* Sensitive instructions (cpu/sensitive.h): totals per class, then each
 * operation that ran at least once, under its class. */
static void section_sensitive(struct stats_out *o, const struct machine *m)
{
    struct cpu_stats sum;
    const struct cpu_stats *cs = cpu_stats_sum(m, &sum);
    stats_group_begin(o, "sensitive");
    for (unsigned c = CPU_SENS_PRIVILEGED; c < CPU_SENS_COUNT; c++) {
        stats_group_begin(o, cpu_sensitive_class_name((enum cpu_sensitivity)c));
        stats_u64(o, "total", cs->sensitive[c]);
        for (unsigned op = 0; op < OP_COUNT; op++)
            if (cs->sensitive_op[op] && cpu_sensitive_class_of_op(op) == c)
                stats_u64(o, insn_op_name(op), cs->sensitive_op[op]);
        stats_group_end(o);
    }
    stats_u64(o, "task_switches", cs->task_switches);
    stats_u64(o, "v86_exits", cs->v86_exits);
    stats_group_end(o);
}

static void section_io(struct stats_out *o, const struct machine *m,
                       const struct stats_counters *c)
{
    const struct iobus *bus = &m->bus;
    char key[16];
    stats_group_begin(o, "io");
    if (c) {
        stats_group_begin(o, "ports_per_device");
        for (unsigned i = 0; i < c->ndev; i++) {
            stats_group_begin(o, c->dev[i].name);
            stats_u64(o, "reads", c->dev[i].reads);
            stats_u64(o, "writes", c->dev[i].writes);
            stats_group_end(o);
        }
        stats_group_end(o);
    }
    stats_group_begin(o, "unmapped");
    stats_u64(o, "reads", bus->unmapped_reads);
    stats_u64(o, "writes", bus->unmapped_writes);
    stats_u64(o, "distinct_ports", bus->unmapped_distinct);
    unsigned n = bus->unmapped_distinct < IOBUS_UNMAPPED_LIST ? bus->unmapped_distinct
                                                               : IOBUS_UNMAPPED_LIST;
    stats_group_begin(o, "first_ports");
    for (unsigned i = 0; i < n; i++) {
        const struct iobus_unmapped_port *p = &bus->unmapped_list[i];
        snprintf(key, sizeof key, "%04x", p->port);
        stats_group_begin(o, key);
        stats_u64(o, "reads", p->reads);
        stats_u64(o, "writes", p->writes);
        stats_group_end(o);
    }
    stats_group_end(o);
    stats_group_end(o);
    stats_group_end(o);
}

static void section_dbt(struct stats_out *o, const struct machine *m)
{
    stats_group_begin(o, "dbt");
    if (!m->dbt) {
        stats_str(o, "engine", "interpreter");
        stats_group_end(o);
        return;
    }
    const struct dbt_stats *d = dbt_get_stats(m->dbt);
    /* A successor is found by a chain link, by the cache, or translated. */
    uint64_t lookups = d->cache_hits + d->cache_misses + d->chain_hits;
    stats_str(o, "engine", "translator");
    size_t cb_used, cb_size;
    dbt_code_buffer_usage(m->dbt, &cb_used, &cb_size);
    stats_str(o, "backend", dbt_backend_name(dbt_get_backend(m->dbt)));
    stats_u64(o, "blocks_translated", d->blocks_translated);
    stats_u64(o, "insns_translated", d->insns_translated);
    stats_double(o, "mean_block_insns", d->blocks_translated
                     ? (double)d->insns_translated / (double)d->blocks_translated : 0.0);
    stats_u64(o, "block_runs", d->block_runs);
    stats_u64(o, "chain_hits", d->chain_hits);
    stats_u64(o, "cache_hits", d->cache_hits);
    stats_u64(o, "cache_misses", d->cache_misses);
    stats_double(o, "chain_hit_rate", lookups ? (double)d->chain_hits / (double)lookups : 0.0);
    stats_double(o, "cache_hit_rate", lookups ? (double)d->cache_hits / (double)lookups : 0.0);
    stats_u64(o, "invalidations", d->invalidations);
    stats_u64(o, "flushes", d->flushes);
    stats_u64(o, "cache_full_flushes", d->cache_full_flushes);
    stats_u64(o, "cache_peak_kib", d->cache_bytes_peak >> 10);
    stats_u64(o, "interpreted", d->interpreted);
    stats_u64(o, "hot_smc_interpreted", d->hot_smc_interpreted);
    if (dbt_get_backend(m->dbt) == DBT_BACKEND_X86_64) {
        stats_u64(o, "code_bytes", d->code_bytes);
        stats_u64(o, "code_buffer_used", cb_used);
        stats_u64(o, "code_buffer_size", cb_size);
        stats_u64(o, "code_buffer_flushes", d->code_buffer_flushes);
        stats_u64(o, "native_links", d->native_links);
        stats_u64(o, "native_unlinks", d->native_unlinks);
    }
    stats_double(o, "translate_ms", (double)d->translate_ns / 1e6);
    stats_double(o, "translate_us_per_block", d->blocks_translated
                     ? (double)d->translate_ns / 1e3 / (double)d->blocks_translated : 0.0);
    stats_group_begin(o, "callouts");
    for (unsigned c = CPU_SENS_PRIVILEGED; c < CPU_SENS_COUNT; c++)
        stats_u64(o, cpu_sensitive_class_name((enum cpu_sensitivity)c), d->callouts[c]);
    stats_group_end(o);
    stats_group_end(o);
}

static void section_physmem(struct stats_out *o, const struct machine *m)
{
    const struct physmem_stats *p = &m->mem.stats;
    stats_group_begin(o, "physmem");
    stats_u64(o, "pages_allocated", p->pages_allocated);
    stats_u64(o, "leaves_allocated", p->leaves_allocated);
    stats_u64(o, "mmio_reads", p->mmio_reads);
    stats_u64(o, "mmio_writes", p->mmio_writes);
    stats_u64(o, "code_write_hooks", p->code_write_hooks);
    stats_u64(o, "pt_write_hooks", p->pt_write_hooks);
    /* This machine's RAM pages by where the host keeps them now, and what
     * sharing and swapping did to them (docs/overcommit.md). */
    stats_u64(o, "private_pages", p->private_pages);
    stats_u64(o, "shared_pages", p->shared_pages);
    stats_u64(o, "zero_pages", machine_zero_pages(m));
    stats_u64(o, "ballooned_pages", p->ballooned_pages);
    stats_u64(o, "swapped_pages", p->swapped_pages);
    stats_u64(o, "swap_outs", p->swap_outs);
    stats_u64(o, "swap_ins", p->swap_ins);
    stats_u64(o, "merges", p->merges);
    stats_u64(o, "zero_merges", p->zero_merges);
    stats_u64(o, "cow_breaks", p->cow_breaks);
    stats_u64(o, "scanned", p->scanned);
    stats_group_end(o);
}

/* The host page pool: the process's, shared by every machine in it. */
static void section_hostpool(struct stats_out *o, const struct machine *m)
{
    const struct hostpool *pool = m->mem.pool;
    const struct hostpool_stats *s = &pool->stats;
    stats_group_begin(o, "hostpool");
    stats_u64(o, "limit_pages", pool->limit);
    stats_u64(o, "machines", pool->members);
    stats_u64(o, "resident", s->resident);
    stats_u64(o, "peak_resident", s->peak_resident);
    stats_u64(o, "shared_frames", s->shared_frames);
    stats_u64(o, "shared_refs", s->shared_refs);
    stats_u64(o, "saved_by_sharing", s->shared_refs - s->shared_frames);
    stats_u64(o, "zero_pages", physmem_pool_zero_pages(pool));
    stats_u64(o, "ballooned", s->ballooned);
    stats_u64(o, "swapped", s->swapped);
    stats_u64(o, "swap_outs", s->swap_outs);
    stats_u64(o, "swap_ins", s->swap_ins);
    stats_u64(o, "merges", s->merges);
    stats_u64(o, "zero_merges", s->zero_merges);
    stats_u64(o, "cow_breaks", s->cow_breaks);
    stats_u64(o, "scanned", s->scanned);
    stats_u64(o, "hash_collisions", s->hash_collisions);
    stats_u64(o, "ref_clears", s->ref_clears);
    stats_group_end(o);
}

/* The memory balloon (-device virtio-balloon): the host's target, what
 * the guest says it holds, the pages passed on each queue, and the
 * guest's own figures from the stats queue (bytes). */
static void section_balloon(struct stats_out *o, const struct machine *m)
{
    if (!m->balloon.present)
        return;
    const struct virtio_balloon *b = &m->balloon.dev;
    static const char *const names[VIRTIO_BALLOON_S_NR] = {
        "swap_in", "swap_out", "major_faults", "minor_faults", "free_bytes", "total_bytes",
        "available_bytes", "cache_bytes", "hugetlb_allocs", "hugetlb_failures",
    };
    stats_group_begin(o, "balloon");
    stats_u64(o, "target_pages", b->target);
    stats_u64(o, "actual_pages", b->actual);
    stats_u64(o, "inflated_pages", b->inflated);
    stats_u64(o, "deflated_pages", b->deflated);
    stats_u64(o, "bad_pfns", b->bad_pfns);
    stats_u64(o, "broken", b->vp.broken);
    stats_u64(o, "guest_reports", b->stats_reports);
    if (b->stats_valid) {
        stats_group_begin(o, "guest");
        for (unsigned i = 0; i < VIRTIO_BALLOON_S_NR; i++)
            stats_u64(o, names[i], b->stats[i]);
        stats_group_end(o);
    }
    stats_group_end(o);
}

static void section_devices(struct stats_out *o, const struct machine *m)
{
    stats_group_begin(o, "debug_devices");
    stats_u64(o, "debugcon_bytes", m->debugcon.bytes);
    stats_u64(o, "post_code_writes", m->postcode.writes);
    if (m->postcode.writes)
        stats_u64(o, "post_code_last", m->postcode.last);
    stats_group_end(o);
}

void stats_print(FILE *out, enum stats_format format, const struct machine *m,
                 const struct stats_counters *c, const struct stats_registry *r)
{
    stats_print_group(out, format, NULL, m, c, r);
}

void stats_print_group(FILE *out, enum stats_format format, const char *group,
                       const struct machine *m, const struct stats_counters *c,
                       const struct stats_registry *r)
{
    struct stats_out o;
    memset(&o, 0, sizeof o);
    o.format = format;
    o.out = out;
    if (format == STATS_JSON) {
        json_init(&o.json, out);
        json_begin_object(&o.json, NULL);
    }
    if (group)
        stats_group_begin(&o, group);
    section_run(&o, m, c);
    section_cpu(&o, m, c);
    section_smp(&o, m);
    section_sensitive(&o, m);
    section_io(&o, m, c);
    section_devices(&o, m);
    section_dbt(&o, m);
    section_physmem(&o, m);
    section_hostpool(&o, m);
    section_balloon(&o, m);
    stats_section_softtlb(&o, m);   /* [mmu]: debug/stats_mmu.c */
    stats_section_mmu(&o, m);
    if (r) {
        for (unsigned i = 0; i < r->n; i++) {
            stats_group_begin(&o, r->v[i].name);
            r->v[i].fn(r->v[i].opaque, &o);
            stats_group_end(&o);
        }
    }
    if (group)
        stats_group_end(&o);
    if (format == STATS_JSON) {
        json_end_object(&o.json);
        json_finish(&o.json);
    }
    fflush(out);
}
