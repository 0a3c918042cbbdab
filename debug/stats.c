#include "debug/stats.h"
#include "dbt/dbt.h"

const char *stats_vector_name(unsigned vector)
{
    static const char *const names[32] = {
        [0] = "DE", [1] = "DB", [2] = "NMI", [3] = "BP", [4] = "OF", [5] = "BR",
        [6] = "UD", [7] = "NM", [8] = "DF", [9] = "CSO", [10] = "TS", [11] = "NP",
        [12] = "SS", [13] = "GP", [14] = "PF", [16] = "MF", [17] = "AC", [18] = "MC",
        [19] = "XM",
    };
    return vector < 32 ? names[vector] : NULL;
}

/* Sensitive instructions (cpu/sensitive.h): totals per class, then each
 * operation that ran at least once. */
static void stats_print_sensitive(FILE *out, const struct cpu_stats *cs)
{
    fprintf(out, "stats: sensitive");
    for (unsigned c = CPU_SENS_PRIVILEGED; c < CPU_SENS_COUNT; c++)
        fprintf(out, " %s=%llu", cpu_sensitive_class_name((enum cpu_sensitivity)c),
                (unsigned long long)cs->sensitive[c]);
    fprintf(out, "\n");
    for (unsigned c = CPU_SENS_PRIVILEGED; c < CPU_SENS_COUNT; c++) {
        if (!cs->sensitive[c])
            continue;
        fprintf(out, "stats:   %s:", cpu_sensitive_class_name((enum cpu_sensitivity)c));
        for (unsigned op = 0; op < OP_COUNT; op++)
            if (cs->sensitive_op[op] && cpu_sensitive_class_of_op(op) == c)
                fprintf(out, " %s=%llu", insn_op_name(op), (unsigned long long)cs->sensitive_op[op]);
        fprintf(out, "\n");
    }
    fprintf(out, "stats: task switches %llu, V86 exits %llu\n",
            (unsigned long long)cs->task_switches, (unsigned long long)cs->v86_exits);
}

void stats_print(FILE *out, const struct machine *m)
{
    const struct cpu_stats *cs = &m->cpu.stats;
    const struct iobus *bus = &m->bus;

    fprintf(out, "stats: instructions %llu\n", (unsigned long long)machine_insn_total(m));
    fprintf(out, "stats: resets %llu\n", (unsigned long long)m->resets);
    fprintf(out, "stats: invalid-opcode #UD %llu\n", (unsigned long long)cs->ud_count);

    fprintf(out, "stats: exceptions");
    int any = 0;
    for (unsigned v = 0; v < 32; v++) {
        if (!cs->exceptions[v])
            continue;
        const char *name = stats_vector_name(v);
        if (name)
            fprintf(out, " #%s=%llu", name, (unsigned long long)cs->exceptions[v]);
        else
            fprintf(out, " vec%u=%llu", v, (unsigned long long)cs->exceptions[v]);
        any = 1;
    }
    fprintf(out, "%s\n", any ? "" : " none");
    fprintf(out, "stats: interrupts %llu\n", (unsigned long long)cs->interrupts);
    stats_print_sensitive(out, cs);
    if (m->dbt)
        dbt_stats_print(m->dbt, out);

    fprintf(out, "stats: debugcon bytes %llu\n", (unsigned long long)m->debugcon.bytes);
    if (m->postcode.writes)
        fprintf(out, "stats: POST codes %llu, last 0x%02x\n",
                (unsigned long long)m->postcode.writes, m->postcode.last);
    else
        fprintf(out, "stats: POST codes 0\n");

    fprintf(out, "stats: unmapped ports: %llu reads, %llu writes, %u distinct",
            (unsigned long long)bus->unmapped_reads, (unsigned long long)bus->unmapped_writes,
            bus->unmapped_distinct);
    unsigned n = bus->unmapped_distinct < IOBUS_UNMAPPED_LIST ? bus->unmapped_distinct
                                                               : IOBUS_UNMAPPED_LIST;
    for (unsigned i = 0; i < n; i++) {
        const struct iobus_unmapped_port *p = &bus->unmapped_list[i];
        fprintf(out, "%s %04x(r%llu,w%llu)", i ? "," : ":", p->port,
                (unsigned long long)p->reads, (unsigned long long)p->writes);
    }
    if (bus->unmapped_distinct > n)
        fprintf(out, ", ...");
    fprintf(out, "\n");
}
