/* Several guests in one process (multi_vm.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/session.h"
#include "debug/stats.h"
#include "frontends/cli/datadir.h"
#include "frontends/cli/exit_status.h"
#include "frontends/cli/guest_options.h"
#include "frontends/cli/multi_vm.h"
#include "frontends/cli/net_host.h"
#include "frontends/cli/serial_backend.h"
#include "frontends/cli/vm_console.h"
#include "machine/frontend_api.h"
#include "machine/machine.h"
#include "machine/vmset.h"

#define PATH_BUF 4352

struct guest {
    unsigned n;                       /* 1-based, as in "[vm2] " */
    struct cli_options opt;
    char bios_buf[PATH_BUF], vga_bios_buf[PATH_BUF];
    struct machine_options mo;
    struct balloon_step *steps;
    struct machine *m;
    struct debug_session *dbg;        /* --stats counters */
    FILE *debugcon, *seabios_log;     /* owned (a file or a tagged stdout stream), or NULL */
    const char *debugcon_name, *seabios_log_name;
    struct cli_serial serial[2];      /* file: and none */
    FILE *serial_out[2];              /* stdio: a tagged stream */
    int nserial;
    struct net_host *net;
    int status;
};

int cli_multi_vm_check(const struct cli_options *o, unsigned guest, char *err, size_t errsz)
{
    const char *bad = o->gdb ? (o->start_stopped ? "-S" : "-gdb/-s")
                    : o->display_sdl ? "-display sdl"
                    : o->display_text ? "-display text"
                    : o->sdl_script ? "--sdl-script"
                    : o->audio ? "-audio"
                    : o->record ? "-record"
                    : o->replay ? "-replay"
                    : o->lockstep ? "--lockstep"
                    : o->save_state ? "--save-state"
                    : o->load_state ? "--load-state"
                    : o->trace ? "--trace"
                    : o->trace_ring ? "--trace-ring"
                    : o->report_pg ? "--report"
                    : o->screendump ? "--screendump"
                    : o->nic.backend == CLI_NET_USER ? "-nic user"
                    : NULL;
    if (!bad)
        return 0;
    snprintf(err, errsz, "-vm (guest %u): %s is not available with several guests in one process",
             guest, bad);
    return -1;
}

/* stdio (the default for -debugcon), none/null, or a file. */
static int open_dest(struct guest *g, const char *what, const char *dest, FILE **out,
                     char *err, size_t errsz)
{
    *out = NULL;
    if (!dest || !strcmp(dest, "stdio")) {
        *out = vm_console_open(g->n, stdout);
    } else if (!strcmp(dest, "none") || !strcmp(dest, "null")) {
        return 0;
    } else {
        const char *path = strncmp(dest, "file:", 5) == 0 ? dest + 5 : dest;
        *out = fopen(path, "w");
        if (!*out) {
            snprintf(err, errsz, "%s %s (guest %u): %s", what, path, g->n, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (!*out) {
        snprintf(err, errsz, "%s (guest %u): cannot make its stdout stream", what, g->n);
        return -1;
    }
    return 0;
}

static void tagged_write(void *opaque, uint8_t b)
{
    fputc(b, opaque);
}

/* Close an output; 0, or -1 after one line naming it. */
static int close_output(FILE *f, const char *what, const char *name, unsigned n)
{
    if (!f)
        return 0;
    int bad = fflush(f) != 0 || ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        fprintf(stderr, "shadow86: [vm%u] %s %s: write error\n", n, what, name ? name : "stdio");
    return bad ? -1 : 0;
}

static int setup(struct guest *g, struct hostpool *pool, char *err, size_t errsz)
{
    g->opt.bios = cli_data_file(g->opt.bios, g->bios_buf, sizeof g->bios_buf);
    g->opt.vga_bios = cli_data_file(g->opt.vga_bios, g->vga_bios_buf, sizeof g->vga_bios_buf);
    if (cli_machine_options(&g->opt, &g->mo, &g->steps, err, errsz) != 0)
        return -1;
    g->mo.pool = pool;   /* all the guests' RAM from the one pool */
    g->m = malloc(sizeof *g->m);
    g->dbg = calloc(1, sizeof *g->dbg);
    if (!g->m || !g->dbg) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    char why[MACHINE_ERR_MAX - 32];
    if (machine_create(g->m, &g->mo, why, sizeof why) != 0) {
        free(g->m);
        g->m = NULL;
        snprintf(err, errsz, "-vm (guest %u): %s", g->n, why);
        return -1;
    }
    debug_session_init(g->dbg, g->m);
    return 0;
}

/* Outputs last, once every guest's inputs were accepted. */
static int attach_outputs(struct guest *g, int stats, char *err, size_t errsz)
{
    g->debugcon_name = g->opt.debugcon;
    if (open_dest(g, "-debugcon", g->opt.debugcon, &g->debugcon, err, errsz) != 0)
        return -1;
    machine_set_debugcon(g->m, g->debugcon);
    if (g->opt.seabios_log) {
        g->seabios_log_name = g->opt.seabios_log;
        if (open_dest(g, "-seabios-log", g->opt.seabios_log, &g->seabios_log, err, errsz) != 0)
            return -1;
        machine_set_seabios_log(g->m, g->seabios_log);
    }
    for (; g->nserial < g->opt.nserial; g->nserial++) {
        int i = g->nserial;
        if (!strcmp(g->opt.serial[i], "stdio")) {
            if (!(g->serial_out[i] = vm_console_open(g->n, stdout))) {
                snprintf(err, errsz, "-serial stdio (guest %u): cannot make its stdout stream", g->n);
                return -1;
            }
            struct uart_backend b = { .opaque = g->serial_out[i], .write = tagged_write, .poll = NULL };
            machine_serial_attach(g->m, i, &b);
            g->serial[i].kind = CLI_SERIAL_NONE;
        } else if (cli_serial_open(&g->serial[i], g->opt.serial[i], g->m, i, err, errsz) != 0) {
            return -1;
        }
    }
    if (net_host_open(&g->net, g->m, &g->opt.nic, g->opt.netdump, 0, err, errsz) != 0)
        return -1;
    if (stats) {
        g->dbg->stats_on = 1;
        debug_session_attach(g->dbg);
    }
    return 0;
}

static int finish(struct guest *g)
{
    int bad = 0;
    if (!g->m)
        return 0;
    machine_set_debugcon(g->m, NULL);
    machine_set_seabios_log(g->m, NULL);
    bad |= close_output(g->debugcon, "-debugcon", g->debugcon_name, g->n);
    bad |= close_output(g->seabios_log, "-seabios-log", g->seabios_log_name, g->n);
    g->debugcon = g->seabios_log = NULL;
    for (int i = 0; i < g->nserial; i++) {
        if (g->serial_out[i]) {
            bad |= close_output(g->serial_out[i], "-serial", "stdio", g->n);
            g->serial_out[i] = NULL;
        } else if (cli_serial_close(&g->serial[i]) != 0) {
            fprintf(stderr, "shadow86: [vm%u] -serial %s: write error\n", g->n, g->opt.serial[i]);
            bad = 1;
        }
    }
    g->nserial = 0;
    char err[MACHINE_ERR_MAX];
    if (net_host_close(g->net, err, sizeof err) != 0) {
        fprintf(stderr, "shadow86: [vm%u] %s\n", g->n, err);
        bad = 1;
    }
    g->net = NULL;
    return bad ? -1 : 0;
}

static void destroy(struct guest *g)
{
    if (g->m) {
        machine_destroy(g->m);
        debug_session_free(g->dbg);
        free(g->m);
    }
    free(g->dbg);
    free(g->steps);
    g->m = NULL;
    g->dbg = NULL;
    g->steps = NULL;
}

struct run_ctx {
    int (*stop_signal)(void);
    struct hostpool *pool;
    uint64_t interval_ns, next_ns;   /* --stats-interval */
};

/* --stats-interval: one memstats line of the pool, on the first guest
 * still running's clock (vm1's while it runs). */
static void memstats(struct run_ctx *c, struct vmset *s, int last)
{
    if (!c->interval_ns)
        return;
    struct machine *m = NULL;
    for (unsigned i = 0; i < s->n && !m; i++)
        if (s->running[i] || last)
            m = s->vm[i];
    if (!m)
        return;
    uint64_t now = machine_time_ns(m);
    if (last || now >= c->next_ns) {
        machine_hostpool_print_line(c->pool, m, stderr);
        c->next_ns = (now / c->interval_ns + 1) * c->interval_ns;
    }
}

static int between_rounds(void *opaque, struct vmset *s)
{
    struct run_ctx *c = opaque;
    memstats(c, s, 0);
    return c->stop_signal() != 0;
}

int cli_multi_vm_main(const struct cli_vm_split *split, int (*stop_signal)(void))
{
    char err[MACHINE_ERR_MAX];
    struct cli_options proc;
    if (cli_parse_process(split->process_argc, split->process_argv, &proc, err, sizeof err) != 0) {
        fprintf(stderr, "shadow86: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    struct guest *g = calloc(split->n, sizeof *g);
    if (!g) {
        fprintf(stderr, "shadow86: out of memory\n");
        return EXIT_BAD_INPUT;
    }
    unsigned n = split->n, made = 0;
    int status = EXIT_BAD_INPUT;
    struct hostpool *pool = NULL;
    /* Every guest's command line first, so a mistake in the last is found
     * before anything runs or any file is written. */
    for (unsigned i = 0; i < n; i++) {
        g[i].n = i + 1;
        if (cli_parse(split->argc[i], split->argv[i], &g[i].opt, err, sizeof err) != 0) {
            fprintf(stderr, "shadow86: -vm (guest %u): %s\n", i + 1, err);
            goto out;
        }
        if (g[i].opt.help) {
            cli_print_help(stdout);
            status = 0;
            goto out;
        }
        if (cli_multi_vm_check(&g[i].opt, i + 1, err, sizeof err) != 0) {
            fprintf(stderr, "shadow86: %s\n", err);
            goto out;
        }
    }
    if (proc.swap && !proc.host_mem_mib) {
        fprintf(stderr, "shadow86: --swap needs --host-mem (without a limit nothing is ever "
                        "evicted)\n");
        goto out;
    }
    pool = machine_hostpool_create(proc.host_mem_mib, proc.swap, err, sizeof err);
    if (!pool) {
        fprintf(stderr, "shadow86: %s\n", err);
        goto out;
    }
    for (; made < n; made++)
        if (setup(&g[made], pool, err, sizeof err) != 0) {
            fprintf(stderr, "shadow86: %s\n", err);
            goto out;
        }
    for (unsigned i = 0; i < n; i++)
        if (attach_outputs(&g[i], proc.stats, err, sizeof err) != 0) {
            fprintf(stderr, "shadow86: %s\n", err);
            for (unsigned k = 0; k <= i; k++)
                finish(&g[k]);
            goto out;
        }

    struct vmset set;
    vmset_init(&set, proc.vm_slice);
    balloon_policy_init(&set.policy, proc.balloon_watermark_mib);
    struct run_ctx ctx = { stop_signal, pool, proc.stats_interval_ms * 1000000u, 0 };
    set.between = between_rounds;
    set.between_opaque = &ctx;
    for (unsigned i = 0; i < n; i++)
        vmset_add(&set, g[i].m);
    vmset_run(&set);
    memstats(&ctx, &set, 1);   /* the series ends where the run did */

    int sig = stop_signal();
    int output_error = 0;
    status = 0;
    for (unsigned i = 0; i < n; i++) {
        char who[16];
        snprintf(who, sizeof who, "[vm%u] ", i + 1);
        if (finish(&g[i]) != 0)
            output_error = 1;
        enum machine_stop why = (enum machine_stop)set.why[i];
        if (sig && why == MACHINE_STOP_QUIT)
            why = MACHINE_STOP_DEBUG;   /* reported as stopped by the signal */
        g[i].status = cli_report_stop(g[i].m, why, sig, who);
        if (why == MACHINE_STOP_EXIT_PORT)
            fprintf(stderr, "shadow86: %sexit port value 0x%X: status %d\n", who,
                    machine_exit_value(g[i].m), g[i].status);
        if (proc.stats) {
            char group[16];   /* "vm" and up to 10 digits */
            snprintf(group, sizeof group, "vm%u", i + 1);
            stats_print_group(stderr, proc.stats_json ? STATS_JSON : STATS_TEXT, group, g[i].m,
                              &g[i].dbg->counters, &g[i].dbg->registry);
        }
        if (g[i].status && !status)
            status = g[i].status;
    }
    if (proc.stats) {
        /* The set's own figures: text lines, or one more JSON object. */
        static const char *const names[] = { "rounds", "slice_insns", "policy_watermark_pages",
                                             "policy_inflations", "policy_deflations",
                                             "policy_give_ups", "policy_peak_resident_pages" };
        const uint64_t v[] = { set.rounds, set.slice_insns, set.policy.high_pages,
                               set.policy.inflations, set.policy.deflations,
                               set.policy.give_ups, set.policy.peak_pages };
        if (proc.stats_json)
            fputs("{\"vmset\": {", stderr);
        for (unsigned k = 0; k < sizeof v / sizeof v[0]; k++) {
            if (proc.stats_json)
                fprintf(stderr, "%s\"%s\": %llu", k ? ", " : "", names[k], (unsigned long long)v[k]);
            else
                fprintf(stderr, "stats: vmset.%s %llu\n", names[k], (unsigned long long)v[k]);
        }
        if (proc.stats_json)
            fputs("}}\n", stderr);
    }
    if (output_error)
        status = EXIT_OUTPUT_ERROR;
out:
    for (unsigned i = 0; i < made; i++)
        destroy(&g[i]);
    machine_hostpool_destroy(pool);   /* after its members */
    free(g);
    return status;
}
