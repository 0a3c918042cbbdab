/* shadow86's command-line frontend: parse the flags, build the machine,
 * attach the observers the user asked for, run, and turn the way the run
 * ended into one line on stderr and an exit status (see --help). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>

#include "debug/session.h"
#include "debug/stats.h"
#include "debug/trace.h"
#include "frontends/cli/audio_out.h"
#include "frontends/cli/datadir.h"
#include "frontends/cli/display_text.h"
#include "frontends/cli/keymap.h"
#include "frontends/cli/options.h"
#include "frontends/cli/screendump.h"
#include "machine/frontend_api.h"
#include "frontends/cli/net_host.h"
#include "frontends/cli/serial_backend.h"
#include "frontends/sdl/sdl_display.h"
#include "machine/machine.h"
#include "machine/replay.h"
#include "machine/state_file.h"

enum {
    EXIT_HALTED = 0,
    EXIT_BAD_INPUT = 2,
    EXIT_TRIPLE_FAULT = 4,
    EXIT_INSN_LIMIT = 6,
    EXIT_DEBUGGER_KILL = 8,
    EXIT_DIVERGED = 12,
    EXIT_SIGNAL_BASE = 128,
    EXIT_GUEST_RESET = 10,
    EXIT_OUTPUT_ERROR = 14,
};

/* Signals, the one place with process-wide state: a handler is given no
 * pointer to the machine or the frontend, so what it records has to live
 * at file scope; it is the process's (signals are per process), not a
 * machine's, and nothing but this file reads it. Each handler only
 * records that its signal arrived (a sig_atomic_t store, all a handler may
 * safely do); the run loop looks between slices (debug_session_run's
 * poll) and the frontend acts there. SIGINT and SIGTERM stop the run so
 * that the outputs are flushed and closed as at any other end (a run ended
 * by `timeout` keeps its -debugcon and -serial files); they are caught
 * once (SA_RESETHAND): a second one, should the stop hang, kills. */
static volatile sig_atomic_t pending_stats;   /* SIGUSR1: print --stats now */
static volatile sig_atomic_t pending_ring;    /* SIGUSR2: print the --trace-ring and save
                                                 the --save-state now */
static volatile sig_atomic_t pending_stop;    /* SIGINT/SIGTERM: signal number */

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        pending_stats = 1;
    else if (sig == SIGUSR2)
        pending_ring = 1;
    else
        pending_stop = sig;
}

static void catch_signal(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | (sig == SIGINT || sig == SIGTERM ? SA_RESETHAND : 0);
    sigaction(sig, &sa, NULL);
}

struct frontend {
    struct debug_session dbg;
    const struct cli_options *opt;
    struct hostpool *pool;    /* the process's host page pool */
    uint64_t next_memstats_ns;   /* --stats-interval: next line due */
    int save_failed;          /* a --save-state write failed (reported) */
};

/* --save-state: the whole machine to the file, now. A failure is reported
 * and remembered (the exit status says so); the run goes on. */
static void save_state_now(struct frontend *f, struct machine *m)
{
    char err[MACHINE_ERR_MAX];
    if (state_file_save(m, f->opt->save_state, err, sizeof err) != 0) {
        fprintf(stderr, "shadow86: --save-state %s\n", err);
        f->save_failed = 1;
    }
}

/* --save-at N: the alarm rings between instructions N and N+1. */
static void save_at_alarm(struct machine *m, void *opaque)
{
    save_state_now(opaque, m);
}

static void print_stats(struct frontend *f)
{
    stats_print(stderr, f->opt->stats_json ? STATS_JSON : STATS_TEXT, f->dbg.m,
                &f->dbg.counters, &f->dbg.registry);
}

/* Between run slices: act on signals. Returns 1 to stop the run. */
static int frontend_poll(void *opaque)
{
    struct frontend *f = opaque;
    if (pending_stats) {
        pending_stats = 0;
        if (f->dbg.stats_on)
            print_stats(f);
    }
    if (f->opt->stats_interval_ms) {
        uint64_t now = machine_time_ns(f->dbg.m), every = f->opt->stats_interval_ms * 1000000u;
        if (now >= f->next_memstats_ns) {
            machine_hostpool_print_line(f->pool, f->dbg.m, stderr);
            f->next_memstats_ns = (now / every + 1) * every;
        }
    }
    if (pending_ring) {
        pending_ring = 0;
        if (f->dbg.ring_on)
            trace_ring_dump(&f->dbg.ring, stderr, &f->dbg.syms, "on request, SIGUSR2");
        if (f->opt->save_state)
            save_state_now(f, f->dbg.m);
    }
    return pending_stop != 0;
}

/* --trace-addr: "LO-HI" in hex, or a symbol's extent. */
static int resolve_trace_addr(struct debug_session *d, const char *spec, uint32_t *lo,
                              uint32_t *hi, char *err, size_t errsz)
{
    char *end;
    unsigned long long a, b;
    errno = 0;
    a = strtoull(spec, &end, 16);
    if (end != spec && *end == '-' && !errno) {
        const char *second = end + 1;
        b = strtoull(second, &end, 16);
        if (end != second && !*end && !errno && a <= b && b <= 0xFFFFFFFFull) {
            *lo = (uint32_t)a;
            *hi = (uint32_t)b;
            return 0;
        }
        snprintf(err, errsz, "--trace-addr: '%s' is not a range LO-HI of hex addresses", spec);
        return -1;
    }
    if (symbols_extent(&d->syms, spec, lo, hi) != 0) {
        snprintf(err, errsz, "--trace-addr: '%s' is neither LO-HI nor a known symbol%s", spec,
                 d->syms.n ? "" : " (no symbols loaded)");
        return -1;
    }
    return 0;
}


/* The command line as one string, for the replay log's reader. */
static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = 0;
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return s;
}

/* The epoch a log was recorded with ("epoch=" in its identity, or in
 * its metadata for -rtc clock=host, where the identity cannot hold it),
 * so a replay of a -rtc base=utc or clock=host run sees the recorded
 * clock. */
static int log_epoch(const struct replay_log *l, int64_t *epoch)
{
    char buf[32];
    if (replay_log_meta(l, "epoch", buf, sizeof buf) == 0) {
        *epoch = strtoll(buf, NULL, 10);
        return 0;
    }
    const char *p = strstr(l->identity, "\nepoch=");
    if (!p)
        return -1;
    *epoch = strtoll(p + 7, NULL, 10);
    return 0;
}

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

/* Flush an output and close it when owned. Returns 0, or -1 after one
 * line naming it and the problem: a write that failed during the run
 * (stdio keeps only its error flag) or at this flush or close. */
static int finish_output(FILE *f, int owned, const char *what, const char *name)
{
    int e = 0;
    if (!f)
        return 0;
    errno = 0;
    if (fflush(f) != 0)
        e = errno ? errno : -1;
    else if (ferror(f))
        e = -1;
    if (owned) {
        errno = 0;
        if (fclose(f) != 0 && !e)
            e = errno ? errno : -1;
    }
    if (!e)
        return 0;
    fprintf(stderr, "shadow86: %s %s: write error%s%s\n", what, name, e > 0 ? ": " : "",
            e > 0 ? strerror(e) : "");
    return -1;
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

/* One line saying how the run ended; returns the exit status. */
static int report_stop(const struct machine *m, enum machine_stop why)
{
    char where[160];
    machine_describe_position(m, where, sizeof where);
    switch (why) {
    case MACHINE_STOP_EXIT_PORT:
        return exitport_status(machine_exit_value(m));
    case MACHINE_STOP_HALTED:
        fprintf(stderr, "shadow86: CPU halted with IF=%d and nothing to wake it %s\n",
                machine_interrupts_enabled(m), where);
        return EXIT_HALTED;
    case MACHINE_STOP_SHUTDOWN: {
        char chain[64];
        machine_fault_chain(m, chain, sizeof chain);
        fprintf(stderr, "shadow86: triple fault (%s) %s\n", chain, where);
        return EXIT_TRIPLE_FAULT;
    }
    case MACHINE_STOP_RESET:
        fprintf(stderr, "shadow86: the guest reset the machine (-no-reboot) %s\n", where);
        return EXIT_GUEST_RESET;
    case MACHINE_STOP_QUIT:
        fprintf(stderr, "shadow86: quit by the user %s\n", where);
        return EXIT_HALTED;
    case MACHINE_STOP_POWEROFF:
        fprintf(stderr, "shadow86: the guest powered off (ACPI S5) %s\n", where);
        return EXIT_HALTED;
    case MACHINE_STOP_INSN_LIMIT:
        fprintf(stderr, "shadow86: instruction limit reached %s\n", where);
        return EXIT_INSN_LIMIT;
    case MACHINE_STOP_DEBUG:
        if (pending_stop) {
            fprintf(stderr, "shadow86: stopped by signal %d %s\n", (int)pending_stop, where);
            return EXIT_SIGNAL_BASE + (int)pending_stop;
        }
        fprintf(stderr, "shadow86: killed by the debugger %s\n", where);
        return EXIT_DEBUGGER_KILL;
    case MACHINE_STOP_DIVERGED:
        fprintf(stderr, "shadow86: %s\n", machine_lockstep_report(m));
        return EXIT_DIVERGED;
    }
    return EXIT_BAD_INPUT;
}

/* -display text input: keys to the PS/2 keyboard, Ctrl-A x to the run. */
_Static_assert(KEYMAP_E0 == PS2_KEY_E0, "keymap and PS/2 agree on the E0 flag");

static void display_key(void *opaque, unsigned code, int down)
{
    struct machine *m = opaque;
    machine_key(m, code, down);
}

static void display_quit(void *opaque)
{
    machine_request_quit(opaque);
}

/* The guest's name for a window title: -name, else the file it boots. */
static const char *guest_name(const struct cli_options *o)
{
    const char *p = o->name;
    if (!p)
        p = o->hd[0] ? o->hd[0] : o->cdrom ? o->cdrom : o->fd[0] ? o->fd[0] : o->kernel ? o->kernel : o->bios;
    if (!o->name && p) {
        const char *slash = strrchr(p, '/');
        if (slash && slash[1])
            p = slash + 1;
    }
    return p ? p : "guest";
}

int main(int argc, char **argv)
{
    char err[MACHINE_ERR_MAX];
    struct cli_options opt;
    FILE *debugcon = NULL, *trace_out = NULL, *seabios_log = NULL;
    int debugcon_owned = 0, seabios_log_owned = 0;
    struct cli_serial serial[2];
    int nserial = 0, output_error = 0;
    struct net_host *net = NULL;

    if (cli_parse(argc, argv, &opt, err, sizeof err) != 0) {
        print_error(err);
        return EXIT_BAD_INPUT;
    }
    if (opt.help) {
        cli_print_help(stdout);
        return 0;
    }
    /* -bios demo.rom and -vga-bios NAME also find the installed data
     * directory's files (frontends/cli/datadir.h). */
    static char bios_buf[4352], vga_bios_buf[4352];
    opt.bios = cli_data_file(opt.bios, bios_buf, sizeof bios_buf);
    opt.vga_bios = cli_data_file(opt.vga_bios, vga_bios_buf, sizeof vga_bios_buf);
    if (opt.nic.list_models) {
        fputs("network card models (-nic ...,model=):\n"
              "  rtl8139   Realtek RTL8139C, PCI 10EC:8139 (the default)\n", stdout);
        return 0;
    }

    struct machine_options mo = {
        .ram_mib = opt.ram_mib,
        .bios_path = opt.bios,
        .kernel_path = opt.kernel,
        .kernel_boot = opt.kernel_boot_firmware ? MACHINE_KERNEL_BOOT_FIRMWARE
                                                : MACHINE_KERNEL_BOOT_DIRECT,
        .initrd_path = opt.initrd,
        .cmdline = opt.append,
        .debugcon_out = NULL,  /* set once the inputs are accepted */
        .log = stderr,
        .no_reboot = opt.no_reboot,
        .no_dbt = opt.no_dbt,
        .code_cache_mib = opt.code_cache_mib,
        .tmp_dir = getenv("TMPDIR"),
        .lockstep = opt.lockstep,
        .mmu_mode = opt.mmu_mode,
        .max_insns = opt.max_insns,
        .dbt_backend_set = opt.dbt_backend_set,
        .dbt_backend = opt.dbt_backend,
        .code_buffer_bytes = opt.code_buffer_bytes,
        .clock_mode = opt.rtc_clock_host ? CLOCK_HOST : CLOCK_VIRTUAL,
        .rtc_base_set = opt.rtc_base_set || opt.rtc_base_utc,
        .rtc_base = opt.rtc_base_utc ? clock_host_wall_seconds() : opt.rtc_base,
        .boot_order = opt.boot_order,
        .hd_paths = { opt.hd[0], opt.hd[1], opt.hd[2], opt.hd[3] },
        .cdrom_path = opt.cdrom,
        .fd_paths = { opt.fd[0], opt.fd[1] },
        .snapshot = opt.snapshot,
        .vga_bios_path = opt.vga_bios,
        .sercon = opt.nographic,
        .nic_model = opt.nic.backend == CLI_NET_NONE ? BOARD_NIC_NONE : opt.nic.model,
        .nic_rom_path = opt.nic.romfile,
        .apic = !opt.no_apic,
        .share_scan = opt.share_scan,
        .smp = opt.smp,
    };
    memcpy(mo.nic_mac, opt.nic.mac, sizeof mo.nic_mac);
    /* -boot n: the card's iPXE ROM from Debian's ipxe-qemu, unless one was named. */
    if (mo.nic_model != BOARD_NIC_NONE && !mo.nic_rom_path && opt.boot_order &&
        strchr(opt.boot_order, 'n'))
        mo.nic_rom_path = cli_nic_default_rom(mo.nic_model);
    struct replay_log log = { 0 };
    if (opt.record || opt.replay) {
        /* Disk writes go to an overlay, so the images stay as recorded
         * and a replay starts from the same bytes. */
        mo.snapshot = 1;
    }
    if (opt.replay) {
        if (replay_log_read(&log, opt.replay, err, sizeof err) != 0) {
            print_error(err);
            return EXIT_BAD_INPUT;
        }
        int64_t epoch;
        if (log_epoch(&log, &epoch) == 0) {
            mo.rtc_base_set = 1;
            mo.rtc_base = epoch;
        }
    }
    struct display_text display;
    struct sdl_display *window = NULL;
    struct audio_out audio = { .kind = AUDIO_OUT_NONE };
    /* struct machine and the debug session are large: keep them off the
     * stack. */
    struct machine *m = malloc(sizeof *m);
    struct frontend *f = calloc(1, sizeof *f);
    if (!m || !f) {
        print_error("out of memory");
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    if (opt.swap && !opt.host_mem_mib) {
        print_error("--swap needs --host-mem (without a limit nothing is ever evicted)");
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    f->pool = machine_hostpool_create(opt.host_mem_mib, opt.swap, err, sizeof err);
    mo.pool = f->pool;
    if (!f->pool || machine_create(m, &mo, err, sizeof err) != 0) {
        print_error(err);
        replay_log_free(&log);
        machine_hostpool_destroy(f->pool);
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    if (opt.record) {
        char *cmdline = join_args(argc, argv);
        int rc = cmdline ? replay_record_create(m, opt.record, cmdline,
                                                opt.checkpoint_every ? opt.checkpoint_every
                                                                     : CLI_DEFAULT_CHECKPOINT_EVERY,
                                                !opt.record_plain, err, sizeof err)
                         : (snprintf(err, sizeof err, "out of memory"), -1);
        free(cmdline);
        if (rc != 0) {
            print_error(err);
            machine_destroy(m);
            machine_hostpool_destroy(f->pool);
            free(m);
            free(f);
            return EXIT_BAD_INPUT;
        }
    }
    /* Under gdb, reverse execution re-runs the past from snapshots: the
     * run's inputs must be kept (an in-memory recording, unless -record
     * or -replay already keeps them) and its disks undoable (-snapshot
     * overlays, which the snapshots hold). */
    uint64_t reverse_every = opt.reverse_every_set ? opt.reverse_every : GDB_HISTORY_DEFAULT_EVERY;
    int no_disks = !opt.hd[0] && !opt.hd[1] && !opt.hd[2] && !opt.hd[3];
    if (!opt.gdb || mo.lockstep || opt.rtc_clock_host || !(mo.snapshot || no_disks))
        reverse_every = 0;
    if (reverse_every && !opt.record && !opt.replay &&
        replay_record_create(m, NULL, "", 0, 0, err, sizeof err) != 0) {
        print_error(err);
        machine_destroy(m);
        machine_hostpool_destroy(f->pool);
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    if (opt.replay && replay_replay_create(m, opt.replay, &log, opt.perturb, err, sizeof err) != 0) {
        print_error(err);
        machine_destroy(m);
        machine_hostpool_destroy(f->pool);
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    if (mo.lockstep && machine_lockstep_attach(m, err, sizeof err) != 0) {
        print_error(err);
        machine_destroy(m);
        machine_hostpool_destroy(f->pool);
        free(m);
        free(f);
        return EXIT_BAD_INPUT;
    }
    struct debug_session *d = &f->dbg;
    f->opt = &opt;
    debug_session_init(d, m);

    /* Inputs first (symbols), outputs after, so a rejected run writes
     * nothing. A -kernel ELF's own symbols load quietly when it has any. */
    if (opt.kernel && symbols_load_file(&d->syms, opt.kernel, err, sizeof err) < 0)
        err[0] = 0;
    for (unsigned i = 0; i < opt.nsymbols; i++)
        if (symbols_load_file(&d->syms, opt.symbols[i], err, sizeof err) < 0)
            goto fail;
    symbols_finish(&d->syms);
    uint32_t addr_lo = 0, addr_hi = UINT32_MAX;
    if (opt.trace_addr &&
        resolve_trace_addr(d, opt.trace_addr, &addr_lo, &addr_hi, err, sizeof err) != 0)
        goto fail;

    if (opt.trace_ring) {
        if (trace_ring_init(&d->ring, opt.trace_ring, err, sizeof err) != 0)
            goto fail;
        d->ring_on = 1;
        trace_ring_set_att(&d->ring, opt.trace_att);
    }
    if (opt.gdb) {
        if (gdbstub_open(&d->gdb, m, opt.gdb, stderr, err, sizeof err) != 0)
            goto fail;
        d->gdb_on = 1;
        d->gdb.reverse_every = reverse_every;
    }
    if (open_debugcon("-debugcon", opt.debugcon, &debugcon, &debugcon_owned, err, sizeof err) != 0)
        goto fail;
    machine_set_debugcon(m, debugcon);
    if (opt.seabios_log) {
        if (open_debugcon("-seabios-log", opt.seabios_log, &seabios_log, &seabios_log_owned, err, sizeof err) != 0)
            goto fail;
        machine_set_seabios_log(m, seabios_log);
    }
    for (; nserial < opt.nserial; nserial++) {
        if (cli_serial_open(&serial[nserial], opt.serial[nserial], m, nserial, err,
                            sizeof err) != 0)
            goto fail;
        /* Someone may type: an idle guest waits in host time too. */
        if (serial[nserial].kind == CLI_SERIAL_STDIO)
            machine_pace_idle(m);
    }
    if (net_host_open(&net, m, &opt.nic, opt.netdump, opt.replay != NULL, err, sizeof err) != 0)
        goto fail;
    if (opt.trace) {
        trace_out = stderr;
        if (opt.trace_file && !(trace_out = open_output("--trace-file", opt.trace_file, err,
                                                        sizeof err)))
            goto fail;
        if (trace_open(&d->trace, opt.trace, trace_out, err, sizeof err) != 0)
            goto fail;
        d->tracing = 1;
        trace_set_att(&d->trace, opt.trace_att);
        trace_set_max_bytes(&d->trace, opt.trace_max_mib << 20);
        trace_set_symbols(&d->trace, &d->syms);
        d->trace.filter.insn_from = opt.trace_from;
        d->trace.filter.insn_to = opt.trace_to;
        d->trace.filter.lin_lo = addr_lo;
        d->trace.filter.lin_hi = addr_hi;
        d->trace.filter.cpl = opt.trace_cpl;
    }
    if (opt.stats) {
        d->stats_on = 1;
        catch_signal(SIGUSR1);
    }
    if (opt.report_pg) {
        pg_report_init(&d->report);
        d->report_on = 1;
    }
    if (d->ring_on || opt.save_state)
        catch_signal(SIGUSR2);
    catch_signal(SIGINT);
    catch_signal(SIGTERM);
    if (d->gdb_on && opt.start_stopped && gdbstub_wait_client(&d->gdb) != 0) {
        snprintf(err, sizeof err, "-S: no gdb client connected");
        goto fail;
    }
    d->user_poll = frontend_poll;
    d->user_opaque = f;
    debug_session_attach(d);

    if (opt.display_text) {
        machine_pace_idle(m);   /* keys are typed: idle in host time too */
        display_text_init(&display, m, stdout);
        display_text_attach_input(&display, 0, display_key, display_quit, m);
        if (machine_set_display_refresh(m, display_text_refresh, &display,
                                        DISPLAY_TEXT_PERIOD_NS) != 0) {
            snprintf(err, sizeof err, "-display text: no timer left for the display");
            goto fail;
        }
    }

    /* -display sdl, or by default a window when a display is there. */
    int want_sdl = opt.display_sdl;
    if (!opt.display_set && !opt.nographic) {
        char why[256];
        want_sdl = sdl_display_available(why, sizeof why);
    } else if (want_sdl && !sdl_display_available(err, sizeof err)) {
        goto fail;
    }
    if (want_sdl) {
        window = calloc(1, sizeof *window);
        if (!window) {
            snprintf(err, sizeof err, "out of memory");
            goto fail;
        }
        if (sdl_display_open(window, m, guest_name(&opt), opt.sdl_script, err, sizeof err) != 0)
            goto fail;
        if (!opt.sdl_script)
            machine_pace_idle(m);   /* a person types: idle in host time too */
        if (machine_set_display_refresh(m, sdl_display_refresh, window, SDL_DISPLAY_PERIOD_NS) != 0) {
            snprintf(err, sizeof err, "-display sdl: no timer left for the display");
            goto fail;
        }
    }

    /* Sound: -audio, else the host's device along with a window. */
    if (opt.audio) {
        if (audio_out_open(&audio, opt.audio, m, err, sizeof err) != 0)
            goto fail;
    } else if (want_sdl && audio_out_open(&audio, "sdl", m, err, sizeof err) != 0) {
        fprintf(stderr, "shadow86: warning: %s; no sound\n", err);
    }

    /* Last, once the frontend's timers are registered: a state holds one
     * deadline per clock timer, and the identity checks the table. */
    if (opt.load_state && state_file_load(m, opt.load_state, err, sizeof err) != 0)
        goto fail;
    if (opt.save_at)
        machine_set_alarm(m, MACHINE_ALARM_FRONTEND, opt.save_at, save_at_alarm, f);
    if (m->replay && replay_begin(m, err, sizeof err) != 0)
        goto fail;

    enum machine_stop why = debug_session_run(d);
    if (opt.save_state && !opt.save_at)
        save_state_now(f, m);
    if (opt.display_text) {
        display_text_refresh(&display);
        display_text_finish(&display);
    }
    if (window) {
        machine_set_display_refresh(m, NULL, NULL, 0);
        if (opt.stats)
            sdl_display_print_stats(window, stderr);
        sdl_display_close(window);
        free(window);
        window = NULL;
    }

    if (audio_out_close(&audio, m, opt.stats) != 0)
        output_error = 1;

    /* Guest output first, so the closing line comes after it. A write
     * error on any output ends with EXIT_OUTPUT_ERROR, whatever the run's
     * own status: what the run produced is lost. */
    machine_set_debugcon(m, NULL);
    if (opt.seabios_log)
        machine_set_seabios_log(m, NULL);
    if (finish_output(debugcon, debugcon_owned, "-debugcon", opt.debugcon ? opt.debugcon : "stdio") != 0)
        output_error = 1;
    debugcon_owned = 0;
    debugcon = NULL;
    if (finish_output(seabios_log, seabios_log_owned, "-seabios-log", opt.seabios_log) != 0)
        output_error = 1;
    seabios_log_owned = 0;
    seabios_log = NULL;
    for (int i = 0; i < nserial; i++)
        if (cli_serial_close(&serial[i]) != 0) {
            fprintf(stderr, "shadow86: -serial %s: write error%s%s\n", opt.serial[i], errno ? ": " : "",
                    errno ? strerror(errno) : "");
            output_error = 1;
        }
    nserial = 0;
    if (opt.stats)
        net_host_stats(net, stderr);
    if (net_host_close(net, err, sizeof err) != 0) {
        print_error(err);
        output_error = 1;
    }
    net = NULL;
    if (d->tracing)
        fflush(d->trace.out);   /* errors: when it is closed, below */
    /* A replay that diverged ended the run itself: its report says how. */
    int status = replay_diverged(m) ? EXIT_DIVERGED : report_stop(m, why);
    if (m->replay) {
        int rc = replay_finish(m, (int)why, err, sizeof err);
        if (rc < 0) {
            print_error(err);
            status = opt.record ? EXIT_OUTPUT_ERROR : EXIT_BAD_INPUT;
        } else if (rc > 0) {
            fputs(replay_report(m), stderr);
            status = EXIT_DIVERGED;
        } else if (opt.replay) {
            fprintf(stderr, "shadow86: replay of %s matched the recording: %llu instructions\n",
                    opt.replay, (unsigned long long)machine_insn_total(m));
        }
    }
    if (f->save_failed)
        output_error = 1;
    if (output_error)
        status = EXIT_OUTPUT_ERROR;
    if (opt.screendump && screendump_write(m, opt.screendump, err, sizeof err) != 0) {
        print_error(err);
        if (status == 0)
            status = EXIT_BAD_INPUT;
    }
    if (d->ring_on && (why == MACHINE_STOP_SHUTDOWN || (why == MACHINE_STOP_DEBUG && pending_stop)))
        trace_ring_dump(&d->ring, stderr, &d->syms,
                        why == MACHINE_STOP_SHUTDOWN ? "triple fault" : "stopped by a signal");
    if (d->gdb_on)
        gdbstub_report_exit(&d->gdb, status);
    if (opt.stats_interval_ms)   /* the series ends where the run did */
        machine_hostpool_print_line(f->pool, m, stderr);
    if (opt.stats)
        print_stats(f);
    if (opt.report_pg)
        pg_report_print(&d->report, stderr, &d->syms);

    /* The machine goes first: its translator's last flush is a block
     * event, which the trace writes to trace_out. */
    machine_destroy(m);
    machine_hostpool_destroy(f->pool);
    debug_session_free(d);
    if (trace_out && trace_out != stderr &&
        finish_output(trace_out, 1, "--trace-file", opt.trace_file) != 0)
        output_error = 1;
    if (output_error)
        status = EXIT_OUTPUT_ERROR;
    free(m);
    free(f);
    return status;

fail:
    audio_out_close(&audio, m, 0);
    if (window) {
        sdl_display_close(window);
        free(window);
    }
    for (int i = 0; i < nserial; i++)
        cli_serial_close(&serial[i]);
    print_error(err);
    net_host_close(net, err, sizeof err);
    if (debugcon_owned)
        fclose(debugcon);
    if (seabios_log_owned)
        fclose(seabios_log);
    /* The machine goes first: its translator's last flush is a block
     * event, which the trace writes to trace_out. */
    machine_destroy(m);
    machine_hostpool_destroy(f->pool);
    debug_session_free(d);
    if (trace_out && trace_out != stderr)
        fclose(trace_out);
    free(m);
    free(f);
    return EXIT_BAD_INPUT;
}
