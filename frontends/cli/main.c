/* shadow86's command-line frontend: parse the flags, build the machine,
 * attach the observers the user asked for, run, and turn the way the run
 * ended into one line on stderr and an exit status (see --help). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/stats.h"
#include "debug/trace.h"
#include "frontends/cli/display_text.h"
#include "frontends/cli/options.h"
#include "frontends/cli/screendump.h"
#include "machine/board_storage.h"
#include "frontends/cli/serial_backend.h"
#include "machine/machine.h"

enum {
    EXIT_HALTED = 0,
    EXIT_BAD_INPUT = 2,
    EXIT_TRIPLE_FAULT = 4,
    EXIT_INSN_LIMIT = 6,
};

static void print_error(const char *msg)
{
    fprintf(stderr, "shadow86: %s\n", msg);
}

/* Open an output named on the command line. Done only after every input
 * was accepted, so a rejected run creates no files. */
static FILE *open_output(const char *what, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errsz, "%s %s: %s", what, path, strerror(errno));
    return f;
}

/* -debugcon DEST: "stdio", "none", "file:NAME" or NAME. Sets *out (NULL
 * discards) and *owned when the stream must be closed. */
static int open_debugcon(const char *what, const char *dest, FILE **out, int *owned, char *err,
                         size_t errsz)
{
    *owned = 0;
    if (!dest || strcmp(dest, "stdio") == 0) {
        *out = stdout;
        return 0;
    }
    if (strcmp(dest, "none") == 0 || strcmp(dest, "null") == 0) {
        *out = NULL;
        return 0;
    }
    if (strncmp(dest, "file:", 5) == 0)
        dest += 5;
    *out = open_output(what, dest, err, errsz);
    if (!*out)
        return -1;
    *owned = 1;
    return 0;
}

static void describe_position(const struct machine *m, char *buf, size_t bufsz)
{
    const struct cpu *c = &m->cpu;
    int n = snprintf(buf, bufsz, "at %04X:%08X after %llu instructions, ", c->seg[SEG_CS].sel,
                     c->eip, (unsigned long long)machine_insn_total(m));
    if (n < 0 || (size_t)n >= bufsz)
        return;
    if (m->postcode.writes)
        snprintf(buf + n, bufsz - (size_t)n, "last POST code 0x%02X", m->postcode.last);
    else
        snprintf(buf + n, bufsz - (size_t)n, "no POST code");
}

/* One line saying how the run ended; returns the exit status. */
static int report_stop(const struct machine *m, enum machine_stop why)
{
    char where[160];
    const struct cpu *c = &m->cpu;

    describe_position(m, where, sizeof where);
    switch (why) {
    case MACHINE_STOP_EXIT_PORT:
        return exitport_status(m->exit_value);
    case MACHINE_STOP_HALTED:
        fprintf(stderr, "shadow86: CPU halted with IF=%d and nothing to wake it %s\n",
                (cpu_get_eflags(c) & EFLAGS_IF) ? 1 : 0, where);
        return EXIT_HALTED;
    case MACHINE_STOP_SHUTDOWN: {
        char chain[64];
        cpu_format_fault_chain(c, chain, sizeof chain);
        fprintf(stderr, "shadow86: triple fault (%s) %s\n", chain, where);
        return EXIT_TRIPLE_FAULT;
    }
    case MACHINE_STOP_QUIT:
        fprintf(stderr, "shadow86: quit by the user %s\n", where);
        return EXIT_HALTED;
    case MACHINE_STOP_INSN_LIMIT:
        fprintf(stderr, "shadow86: instruction limit reached %s\n", where);
        return EXIT_INSN_LIMIT;
    }
    return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    char err[MACHINE_ERR_MAX];
    struct cli_options opt;
    FILE *debugcon = NULL, *trace_out = NULL, *seabios_log = NULL;
    int debugcon_owned = 0, seabios_log_owned = 0;
    struct cli_serial serial[2];
    int nserial = 0, status_override = 0;
    struct trace trace;
    int tracing = 0;

    if (cli_parse(argc, argv, &opt, err, sizeof err) != 0) {
        print_error(err);
        return EXIT_BAD_INPUT;
    }
    if (opt.help) {
        cli_print_help(stdout);
        return 0;
    }

    struct machine_options mo = {
        .ram_mib = opt.ram_mib,
        .bios_path = opt.bios,
        .kernel_path = opt.kernel,
        .cmdline = opt.append,
        .debugcon_out = NULL,  /* set once the inputs are accepted */
        .log = stderr,
        .no_reboot = opt.no_reboot,
        .no_dbt = opt.no_dbt,
        .max_insns = opt.max_insns,
        .clock_mode = opt.rtc_clock_host ? CLOCK_HOST : CLOCK_VIRTUAL,
        .rtc_base_set = opt.rtc_base_set || opt.rtc_base_utc,
        .rtc_base = opt.rtc_base_utc ? clock_host_wall_seconds() : opt.rtc_base,
        .boot_order = opt.boot_order,
        .hd_paths = { opt.hd[0], opt.hd[1], opt.hd[2], opt.hd[3] },
        .cdrom_path = opt.cdrom,
        .snapshot = opt.snapshot,
        .vga_bios_path = opt.vga_bios,
        .sercon = opt.nographic,
    };
    struct display_text display;
    /* struct machine is large (port tables): keep it off the stack. */
    struct machine *m = malloc(sizeof *m);
    if (!m) {
        print_error("out of memory");
        return EXIT_BAD_INPUT;
    }
    if (machine_create(m, &mo, err, sizeof err) != 0) {
        print_error(err);
        free(m);
        return EXIT_BAD_INPUT;
    }

    if (open_debugcon("-debugcon", opt.debugcon, &debugcon, &debugcon_owned, err, sizeof err) != 0)
        goto fail;
    debugcon_set_output(&m->debugcon, debugcon);
    if (opt.seabios_log) {
        if (open_debugcon("-seabios-log", opt.seabios_log, &seabios_log, &seabios_log_owned, err, sizeof err) != 0)
            goto fail;
        debugcon_set_output(&m->seabios_log, seabios_log);
    }
    for (; nserial < opt.nserial; nserial++)
        if (cli_serial_open(&serial[nserial], opt.serial[nserial], m, &m->com[nserial], err,
                            sizeof err) != 0)
            goto fail;
    if (opt.trace) {
        trace_out = stderr;
        if (opt.trace_file && !(trace_out = open_output("--trace-file", opt.trace_file, err,
                                                        sizeof err)))
            goto fail;
        if (trace_open(&trace, opt.trace, trace_out, err, sizeof err) != 0)
            goto fail;
        tracing = 1;
        trace_attach(&trace, &m->cpu, &m->bus);
    }

    if (opt.display_text) {
        display_text_init(&display, &m->storage->vga, stdout);
        if (board_storage_set_display(m, display_text_refresh, &display,
                                      DISPLAY_TEXT_PERIOD_NS) != 0) {
            snprintf(err, sizeof err, "-display text: no timer left for the display");
            goto fail;
        }
    }

    enum machine_stop why = machine_run(m);
    if (opt.display_text) {
        display_text_refresh(&display);
        display_text_finish(&display);
    }

    /* Guest output first, so the closing line comes after it. */
    if (debugcon)
        fflush(debugcon);
    if (seabios_log)
        fflush(seabios_log);
    for (int i = 0; i < nserial; i++)
        if (cli_serial_close(&serial[i]) != 0) {
            fprintf(stderr, "shadow86: -serial %s: write error\n", opt.serial[i]);
            status_override = EXIT_BAD_INPUT;
        }
    nserial = 0;
    if (tracing)
        trace_close(&trace);
    int status = report_stop(m, why);
    if (status == 0 && status_override)
        status = status_override;
    if (opt.screendump && screendump_write(&m->storage->vga, opt.screendump, err, sizeof err) != 0) {
        print_error(err);
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    if (opt.stats)
        stats_print(stderr, m);

    if (debugcon_owned && fclose(debugcon) != 0) {
        fprintf(stderr, "shadow86: -debugcon %s: %s\n", opt.debugcon, strerror(errno));
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    if (seabios_log_owned && fclose(seabios_log) != 0) {
        fprintf(stderr, "shadow86: -seabios-log %s: %s\n", opt.seabios_log, strerror(errno));
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    if (trace_out && trace_out != stderr)
        fclose(trace_out);
    machine_destroy(m);
    free(m);
    return status;

fail:
    for (int i = 0; i < nserial; i++)
        cli_serial_close(&serial[i]);
    print_error(err);
    if (debugcon_owned)
        fclose(debugcon);
    if (seabios_log_owned)
        fclose(seabios_log);
    if (trace_out && trace_out != stderr)
        fclose(trace_out);
    machine_destroy(m);
    free(m);
    return EXIT_BAD_INPUT;
}
