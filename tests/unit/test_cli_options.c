/* Command-line parsing: accepted spellings, defaults, and one-line errors
 * for everything malformed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "debug/trace.h"
#include "frontends/cli/multi_vm.h"
#include "frontends/cli/options.h"

static struct cli_options o;
static char err[512];

#define ARGV(...) ((char *[]){ "shadow86", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "shadow86", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &o, err, sizeof err)

static void assert_error(int rc, const char *what)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, what) != NULL, "expected '%s' in: %s", what, err);
    ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(defaults)
{
    ck_assert_int_eq(PARSE("-bios", "b.bin"), 0);
    ck_assert_str_eq(o.bios, "b.bin");
    ck_assert_ptr_null(o.kernel);
    ck_assert_uint_eq(o.ram_mib, 128);
    ck_assert_int_eq(o.no_reboot, 0);
    ck_assert_uint_eq(o.trace, 0);
    ck_assert_int_eq(o.stats, 0);
    ck_assert_uint_eq(o.max_insns, 0);
}
END_TEST

START_TEST(all_flags_both_spellings)
{
    ck_assert_int_eq(PARSE("--kernel=k.elf", "-initrd", "rd.gz", "-append", "a b", "--m", "64",
                           "-debugcon=out.txt",
                           "--no-reboot", "-trace", "insn,io", "--trace-file=t.log", "-stats",
                           "--max-insns=1000"),
                     0);
    ck_assert_str_eq(o.kernel, "k.elf");
    ck_assert_str_eq(o.append, "a b");
    ck_assert_str_eq(o.initrd, "rd.gz");
    ck_assert_uint_eq(o.ram_mib, 64);
    ck_assert_str_eq(o.debugcon, "out.txt");
    ck_assert_int_eq(o.no_reboot, 1);
    ck_assert_uint_eq(o.trace, TRACE_INSN | TRACE_IO);
    ck_assert_str_eq(o.trace_file, "t.log");
    ck_assert_int_eq(o.stats, 1);
    ck_assert_uint_eq(o.max_insns, 1000);
}
END_TEST

START_TEST(ram_sizes)
{
    uint32_t mib;
    ck_assert_int_eq(cli_parse_ram_size("1", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 1);
    ck_assert_int_eq(cli_parse_ram_size("256M", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 256);
    ck_assert_int_eq(cli_parse_ram_size("2G", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 2048);
    ck_assert_int_eq(cli_parse_ram_size("3584", &mib, err, sizeof err), 0);
    assert_error(cli_parse_ram_size("3585", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("4G", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("0", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("99999999999999999999999", &mib, err, sizeof err),
                 "out of range");
    assert_error(cli_parse_ram_size("", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("-5", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("12x", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("lots", &mib, err, sizeof err), "not a size");
    assert_error(PARSE("-bios", "b", "-m", "abc"), "-m: 'abc' is not a size");
}
END_TEST

START_TEST(unknown_option)
{
    assert_error(PARSE("-bios", "b", "-frobnicate"), "unknown option '-frobnicate'");
    ck_assert_msg(strstr(err, "--help") != NULL, "no hint: %s", err);
    assert_error(PARSE("--bogus=3", "-bios", "b"), "unknown option '--bogus'");
}
END_TEST

START_TEST(missing_value)
{
    assert_error(PARSE("-bios"), "option '-bios' needs a value");
    assert_error(PARSE("-kernel", "k", "-m"), "needs a value");
}
END_TEST

START_TEST(value_on_flag)
{
    assert_error(PARSE("-bios", "b", "--stats=yes"), "takes no value");
}
END_TEST

START_TEST(stray_argument)
{
    assert_error(PARSE("-bios", "b", "extra"), "unexpected argument 'extra'");
}
END_TEST

START_TEST(trace_categories)
{
    ck_assert_int_eq(PARSE("-bios", "b", "--trace=unmapped"), 0);
    ck_assert_uint_eq(o.trace, TRACE_UNMAPPED);
    assert_error(PARSE("-bios", "b", "--trace=insn,bogus"), "unknown category 'bogus'");
    assert_error(PARSE("-bios", "b", "--trace="), "empty");
    assert_error(PARSE("-bios", "b", "--trace=insn,"), "unknown category ''");
    assert_error(PARSE("-bios", "b", "--trace-file", "t.log"), "--trace-file needs --trace");
}
END_TEST

START_TEST(needs_bios_or_kernel)
{
    /* Without either, the distribution's SeaBIOS is the firmware. */
    ck_assert_int_eq(PARSE("-m", "64"), 0);
    ck_assert_str_eq(o.bios, CLI_DEFAULT_BIOS);
    ck_assert_int_eq(PARSE("-kernel", "k.elf"), 0);
    ck_assert_ptr_null(o.bios);
}
END_TEST

START_TEST(serial_settings)
{
    ck_assert_int_eq(PARSE("-serial", "file:out.txt", "-serial", "none"), 0);
    ck_assert_int_eq(o.nserial, 2);
    ck_assert_str_eq(o.serial[0], "file:out.txt");
    ck_assert_str_eq(o.serial[1], "none");
    ck_assert_int_eq(PARSE("-nographic"), 0);
    ck_assert_int_eq(o.nserial, 1);
    ck_assert_str_eq(o.serial[0], "stdio");
    ck_assert_int_eq(PARSE("-nographic", "-serial", "file:x"), 0);
    ck_assert_str_eq(o.serial[0], "file:x");   /* an explicit -serial wins */
    assert_error(PARSE("-serial", "tcp:1234"), "-serial: 'tcp:1234' is not stdio, none or file:NAME");
    assert_error(PARSE("-serial", "file:"), "-serial: 'file:'");
    assert_error(PARSE("-serial", "none", "-serial", "none", "-serial", "none"), "at most two");
}
END_TEST

START_TEST(rtc_settings)
{
    ck_assert_int_eq(PARSE("-rtc", "clock=host,base=2000-01-02T03:04:05"), 0);
    ck_assert_int_eq(o.rtc_clock_host, 1);
    ck_assert_int_eq(o.rtc_base_set, 1);
    ck_assert_int_eq(o.rtc_base, 946782245);
    ck_assert_int_eq(PARSE("-rtc", "base=1970-01-01"), 0);
    ck_assert_int_eq(o.rtc_base, 0);
    ck_assert_int_eq(o.rtc_clock_host, 0);
    ck_assert_int_eq(PARSE("-rtc", "base=utc"), 0);
    ck_assert_int_eq(o.rtc_base_utc, 1);
    assert_error(PARSE("-rtc", "base=2000-13-01"), "-rtc: 'base=2000-13-01' is not one of");
    assert_error(PARSE("-rtc", "clock=wall"), "-rtc: 'clock=wall'");
    assert_error(PARSE("-rtc", "base=2000-01-01T25:00:00"), "-rtc:");
}
END_TEST

START_TEST(help_needs_nothing_else)
{
    ck_assert_int_eq(PARSE("--help"), 0);
    ck_assert_int_eq(o.help, 1);
    ck_assert_int_eq(PARSE("-h"), 0);
    ck_assert_int_eq(o.help, 1);
}
END_TEST

START_TEST(max_insns_must_be_positive)
{
    assert_error(PARSE("-bios", "b", "--max-insns", "0"), "not a positive number");
    assert_error(PARSE("-bios", "b", "--max-insns", "ten"), "not a number");
}
END_TEST

START_TEST(smp_counts)
{
    ck_assert_int_eq(PARSE("-bios", "b", "-smp", "4"), 0);
    ck_assert_uint_eq(o.smp, 4);
    ck_assert_int_eq(PARSE("-bios", "b", "-smp", "8"), 0);
    ck_assert_uint_eq(o.smp, 8);
    assert_error(PARSE("-bios", "b", "-smp", "9"), "-smp: '9' is out of range (1 to 8)");
    assert_error(PARSE("-bios", "b", "-smp", "0"), "-smp: '0' is out of range (1 to 8)");
    assert_error(PARSE("-bios", "b", "-smp", "two"), "-smp: 'two' is not a number");
    ck_assert_int_eq(PARSE("-bios", "b", "-smp", "2", "--save-state", "s"), 0);
    ck_assert_uint_eq(o.smp, 2);
}
END_TEST

START_TEST(machine_settings)
{
    ck_assert_int_eq(PARSE("-bios", "b"), 0);
    ck_assert_int_eq(o.no_apic, 0);
    ck_assert_int_eq(o.x2apic, 0);
    ck_assert_int_eq(PARSE("-bios", "b", "-machine", "apic=off"), 0);
    ck_assert_int_eq(o.no_apic, 1);
    ck_assert_int_eq(PARSE("-bios", "b", "-machine", "x2apic=on"), 0);
    ck_assert_int_eq(o.no_apic, 0);
    ck_assert_int_eq(o.x2apic, 1);
    ck_assert_int_eq(PARSE("-bios", "b", "-machine", "apic=on,x2apic=on"), 0);
    ck_assert_int_eq(o.x2apic, 1);
    ck_assert_int_eq(PARSE("-bios", "b", "-machine", "x2apic=on,x2apic=off"), 0);
    ck_assert_int_eq(o.x2apic, 0);
    assert_error(PARSE("-bios", "b", "-machine", "x2apic=yes"),
                 "-machine: 'x2apic=yes' is not a setting (apic=on|off, x2apic=on|off)");
    assert_error(PARSE("-bios", "b", "-machine", "apic=on,"),
                 "-machine: '' is not a setting (apic=on|off, x2apic=on|off)");
    assert_error(PARSE("-bios", "b", "-machine", "pc"),
                 "-machine: 'pc' is not a setting (apic=on|off, x2apic=on|off)");
}
END_TEST

/* Every spelling the command line has accepted; an option dropped from
 * frontends/cli/options.def (or from one of its renderings) fails below. */
static const char *const known_spellings[] = {
    "bios", "kernel", "initrd", "append", "m", "rtc", "no-reboot", "boot",
    "hda", "hdb", "hdc", "hdd", "fda", "fdb", "cdrom", "snapshot", "vga-bios", "display", "screendump",
    "sdl-script", "name",
    "serial", "nographic", "debugcon", "seabios-log",
    "no-dbt", "lockstep", "lockstep-insn", "mmu", "backend", "code-buffer",
    "trace", "trace-file", "trace-syntax", "trace-insns", "trace-addr", "trace-cpl",
    "trace-ring", "trace-max", "code-cache", "symbols", "max-insns", "stats", "stats-format",
    "report",
    "save-state", "save-at", "load-state", "record", "replay", "checkpoint-every",
    "record-plain", "replay-perturb", "smp",
    "gdb", "s", "S", "h", "help",
    "vm", "vm-slice", "balloon-watermark", "device", "balloon-target", "balloon-script",
};

/* Calls fn(row, spelling-without-dashes) for every spelling of every row. */
static void each_spelling(void (*fn)(const struct cli_option_desc *, const char *))
{
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option_desc *d = &cli_option_list[i];
        if (!d->names)
            continue;
        const char *p = d->names;
        while (*p) {
            p += strspn(p, ", ");
            p += strspn(p, "-");
            size_t w = strcspn(p, ",");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)w, p);
            fn(d, name);
            p += w;
        }
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    ck_assert_ptr_nonnull(buf);
    buf[len] = 0;
    return buf;
}

static char *render(void (*print)(FILE *, enum cli_doc_format), enum cli_doc_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    print(f, fmt);
    fclose(f);
    return buf;
}

static int spelled(const char *name)
{
    int found = 0;
    for (size_t i = 0; i < cli_option_count && !found; i++) {
        const char *p = cli_option_list[i].names;
        while (p && *p && !found) {
            p += strspn(p, ", ");
            p += strspn(p, "-");
            size_t w = strcspn(p, ",");
            found = w == strlen(name) && strncmp(p, name, w) == 0;
            p += w;
        }
    }
    return found;
}

START_TEST(list_has_every_known_option)
{
    for (size_t i = 0; i < sizeof known_spellings / sizeof known_spellings[0]; i++)
        ck_assert_msg(spelled(known_spellings[i]), "'%s' missing from options.def",
                      known_spellings[i]);
}
END_TEST

static void check_parses(const struct cli_option_desc *d, const char *name)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", name);
    int rc = d->arg[0] ? PARSE(opt, "x") : PARSE(opt);
    ck_assert_msg(rc == 0 || strstr(err, "unknown option") == NULL, "%s: %s", opt, err);
    snprintf(opt, sizeof opt, "-%s", name);
    rc = d->arg[0] ? PARSE(opt, "x") : PARSE(opt);
    ck_assert_msg(rc == 0 || strstr(err, "unknown option") == NULL, "%s: %s", opt, err);
}

START_TEST(every_listed_spelling_parses)
{
    each_spelling(check_parses);
}
END_TEST

static char *help_text, *readme_text, *man_text;

static void check_help(const struct cli_option_desc *d, const char *name)
{
    char want[160];
    /* The row starts a line: "  -bios FILE ..." or "  -h, --help ...". */
    snprintf(want, sizeof want, "\n  %s%s%s", d->names, d->arg[0] ? " " : "", d->arg);
    ck_assert_msg(strstr(help_text, want) != NULL, "--help lacks the row '%s'", want + 1);
    ck_assert_msg(strstr(help_text, name) != NULL, "--help lacks %s", name);
}

static void check_readme(const struct cli_option_desc *d, const char *name)
{
    const char *b = strstr(readme_text, "<!-- options:begin");
    const char *e = b ? strstr(b, "<!-- options:end -->") : NULL;
    ck_assert_msg(b && e, "README.md: no options markers");
    char want[160];
    snprintf(want, sizeof want, "| `%s", d->names);
    const char *hit = strstr(b, want);
    ck_assert_msg(hit && hit < e, "README.md's options table lacks '%s' (%s)", d->names, name);
}

static void check_man(const struct cli_option_desc *d, const char *name)
{
    char want[160] = "\\fB";
    size_t n = strlen(want);
    for (const char *p = d->names; *p && *p != ',' && n + 3 < sizeof want; p++) {
        if (*p == '-')
            want[n++] = '\\';
        want[n++] = *p;
    }
    want[n] = 0;
    ck_assert_msg(strstr(man_text, want) != NULL, "shadow86.1 lacks '%s' (%s)", want, name);
}

START_TEST(help_readme_and_man_page_list_every_option)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    cli_print_help(f);
    fclose(f);
    help_text = buf;
    readme_text = read_all(SHADOW86_SOURCE_DIR "/README.md");
    man_text = read_all(SHADOW86_BINARY_DIR "/shadow86.1");
    each_spelling(check_help);
    each_spelling(check_readme);
    each_spelling(check_man);
    /* and every exit status in --help and the man page */
    char *ex_help = render(cli_print_exit_status, CLI_DOC_HELP);
    char *ex_man = render(cli_print_exit_status, CLI_DOC_MAN);
    ck_assert_ptr_nonnull(strstr(help_text, ex_help));
    ck_assert_ptr_nonnull(strstr(man_text, ex_man));
    ck_assert_ptr_nonnull(strstr(help_text, "128+N"));
    free(ex_help);
    free(ex_man);
    free(help_text);
    free(readme_text);
    free(man_text);
}
END_TEST

START_TEST(help_values_expanded)
{
    char out[64];
    ck_assert_uint_eq(cli_expand_help("RAM @RAM_MIN@..@RAM_MAX@", out, sizeof out),
                      strlen("RAM 1..3584"));
    ck_assert_str_eq(out, "RAM 1..3584");
    /* truncated, but terminated, and the full length returned */
    ck_assert_uint_eq(cli_expand_help("@BIOS@", out, 5), strlen(CLI_DEFAULT_BIOS));
    ck_assert_str_eq(out, "/usr");
    for (size_t i = 0; i < cli_option_count; i++) {
        char text[2048];
        ck_assert_uint_lt(cli_expand_help(cli_option_list[i].help, text, sizeof text),
                          sizeof text);
        ck_assert_msg(strchr(text, '@') == NULL, "unexpanded name in: %s", text);
    }
}
END_TEST

START_TEST(hd_spellings_pick_the_unit)
{
    ck_assert_int_eq(PARSE("-hda", "a.img", "-hdb", "b.img", "--hdc=c.img", "-hdd", "d.img"), 0);
    ck_assert_str_eq(o.hd[0], "a.img");
    ck_assert_str_eq(o.hd[1], "b.img");
    ck_assert_str_eq(o.hd[2], "c.img");
    ck_assert_str_eq(o.hd[3], "d.img");
}
END_TEST

START_TEST(backend_and_code_buffer)
{
    ck_assert_int_eq(PARSE("-bios", "b"), 0);
    ck_assert_int_eq(o.dbt_backend_set, 0);
    ck_assert_uint_eq(o.code_buffer_bytes, 0);
    ck_assert_int_eq(PARSE("-bios", "b", "--backend", "portable", "--code-buffer", "8"), 0);
    ck_assert_int_eq(o.dbt_backend_set, 1);
    ck_assert_int_eq(o.dbt_backend, DBT_BACKEND_PORTABLE);
    ck_assert_uint_eq(o.code_buffer_bytes, 8u << 20);
    ck_assert_int_eq(PARSE("-bios", "b", "--backend=x86-64", "--code-buffer=64K"), 0);
    ck_assert_int_eq(o.dbt_backend, DBT_BACKEND_X86_64);
    ck_assert_uint_eq(o.code_buffer_bytes, 64u << 10);
    assert_error(PARSE("-bios", "b", "--backend", "arm"), "not a backend");
    assert_error(PARSE("-bios", "b", "--code-buffer", "63K"), "--code-buffer");
    assert_error(PARSE("-bios", "b", "--code-buffer", "0"), "--code-buffer");
    assert_error(PARSE("-bios", "b", "--code-buffer", "5000"), "--code-buffer");
    assert_error(PARSE("-bios", "b", "--code-buffer", "2X"), "--code-buffer");
}
END_TEST


/* -vm: splitting a command line into the process's part and the guests'. */
static struct cli_vm_split sp;
#define SPLIT(...) cli_split_vms(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &sp, err, sizeof err)

START_TEST(vm_split_parts)
{
    ck_assert_int_eq(SPLIT("-m", "64", "-kernel", "k"), 0);
    ck_assert_uint_eq(sp.n, 0);
    ck_assert_int_eq(SPLIT("--stats", "--vm-slice=500", "-vm", "-m", "64", "-kernel", "a", "--vm",
                           "-kernel", "b", "-append", "-vm"), 0);
    ck_assert_uint_eq(sp.n, 2);
    ck_assert_int_eq(sp.process_argc, 3);
    ck_assert_str_eq(sp.process_argv[1], "--stats");
    ck_assert_ptr_null(sp.process_argv[3]);
    ck_assert_int_eq(sp.argc[0], 5);
    ck_assert_str_eq(sp.argv[0][0], "shadow86");
    ck_assert_str_eq(sp.argv[0][4], "a");
    ck_assert_ptr_null(sp.argv[0][5]);
    /* "-vm" as -append's value is the value, not a third guest. */
    ck_assert_int_eq(sp.argc[1], 5);
    ck_assert_str_eq(sp.argv[1][4], "-vm");
    ck_assert_ptr_null(sp.argv[1][5]);
    ck_assert_int_eq(cli_parse_process(sp.process_argc, sp.process_argv, &o, err, sizeof err), 0);
    ck_assert_int_eq(o.stats, 1);
    ck_assert_uint_eq(o.vm_slice, 500);
    ck_assert_int_eq(cli_parse(sp.argc[1], sp.argv[1], &o, err, sizeof err), 0);
    ck_assert_str_eq(o.kernel, "b");
    ck_assert_str_eq(o.append, "-vm");
    cli_vm_split_free(&sp);
}
END_TEST

START_TEST(vm_split_errors)
{
    assert_error(SPLIT("-m", "64", "-vm", "-kernel", "k"), "'-m' before the first -vm");
    assert_error(SPLIT("-vm", "-kernel", "k", "--stats"), "'--stats' after -vm");
    assert_error(SPLIT("-vm", "-kernel", "k", "--vm-slice", "9"), "'--vm-slice' after -vm");
    assert_error(SPLIT("-vm", "-vm", "-kernel", "k"), "guest 1");
    assert_error(SPLIT("-vm", "-kernel", "k", "-vm"), "guest 2");
    char *many[40] = { "shadow86" };
    int n = 1;
    for (int i = 0; i < 17; i++) {
        many[n++] = "-vm";
        many[n++] = "-nographic";
    }
    assert_error(cli_split_vms(n, many, &sp, err, sizeof err), "at most 16 guests");
    /* --vm-slice alone, without several guests. */
    assert_error(PARSE("-kernel", "k", "--vm-slice", "100"), "--vm-slice needs several guests");
    assert_error(cli_parse_process(3, ARGV("--vm-slice", "0"), &o, err, sizeof err),
                 "--vm-slice");
}
END_TEST

START_TEST(vm_guest_options_refused)
{
    static const struct { const char *words[4]; const char *named; } cases[] = {
        { { "-kernel", "k", "-s" }, "-gdb/-s" },
        { { "-kernel", "k", "-display", "sdl" }, "-display sdl" },
        { { "-kernel", "k", "-display", "text" }, "-display text" },
        { { "-kernel", "k", "-record", "r.log" }, "-record" },
        { { "-kernel", "k", "--lockstep" }, "--lockstep" },
        { { "-kernel", "k", "--save-state", "s" }, "--save-state" },
        { { "-kernel", "k", "-nic", "user" }, "-nic user" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[6] = { "shadow86" };
        int argc = 1;
        for (int k = 0; k < 4 && cases[i].words[k]; k++)
            argv[argc++] = (char *)cases[i].words[k];
        ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof err), 0);
        assert_error(cli_multi_vm_check(&o, 2, err, sizeof err), cases[i].named);
        ck_assert_msg(strstr(err, "guest 2") != NULL, "%s", err);
    }
    ck_assert_int_eq(PARSE("-kernel", "k", "-serial", "stdio", "-nic", "null", "-device",
                           "virtio-balloon"), 0);
    ck_assert_int_eq(cli_multi_vm_check(&o, 1, err, sizeof err), 0);
}
END_TEST

START_TEST(nic_tftp_and_bootfile)
{
    ck_assert_int_eq(PARSE("-kernel", "k", "-nic", "user,tftp=/srv/tftp,bootfile=boot.ipxe"), 0);
    ck_assert_str_eq(o.nic.tftp, "/srv/tftp");
    ck_assert_str_eq(o.nic.bootfile, "boot.ipxe");
    assert_error(PARSE("-kernel", "k", "-nic", "user,bootfile="), "bootfile= needs a name");
    assert_error(PARSE("-kernel", "k", "-nic", "null,tftp=/srv"), "unknown option 'tftp=/srv'");
}
END_TEST

START_TEST(lockstep_load_state_refused)
{
    assert_error(PARSE("-kernel", "k", "--lockstep", "--load-state", "s.s86"),
                 "--load-state cannot be combined with --lockstep");
    ck_assert_int_eq(PARSE("-kernel", "k", "--load-state", "s.s86"), 0);
}
END_TEST

START_TEST(balloon_options)
{
    ck_assert_int_eq(PARSE("-kernel", "k", "-device", "virtio-balloon,deflate-on-oom=on",
                           "-balloon-target", "100"), 0);
    ck_assert_int_eq(o.balloon, 1);
    ck_assert_int_eq(o.balloon_deflate_on_oom, 1);
    ck_assert_uint_eq(o.balloon_target_mib, 100);
    assert_error(PARSE("-kernel", "k", "-device", "e1000"), "'e1000' is not a device");
    assert_error(PARSE("-kernel", "k", "-device", "virtio-balloon,foo=1"), "'foo=1'");
    assert_error(PARSE("-kernel", "k", "-balloon-target", "100"), "needs -device virtio-balloon");
    assert_error(PARSE("-kernel", "k", "-device", "virtio-balloon", "-balloon-target", "x"),
                 "balloon-target");
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("cli_options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, all_flags_both_spellings);
    tcase_add_test(tc, ram_sizes);
    tcase_add_test(tc, unknown_option);
    tcase_add_test(tc, missing_value);
    tcase_add_test(tc, value_on_flag);
    tcase_add_test(tc, stray_argument);
    tcase_add_test(tc, trace_categories);
    tcase_add_test(tc, needs_bios_or_kernel);
    tcase_add_test(tc, rtc_settings);
    tcase_add_test(tc, serial_settings);
    tcase_add_test(tc, help_needs_nothing_else);
    tcase_add_test(tc, max_insns_must_be_positive);
    tcase_add_test(tc, hd_spellings_pick_the_unit);
    tcase_add_test(tc, list_has_every_known_option);
    tcase_add_test(tc, every_listed_spelling_parses);
    tcase_add_test(tc, help_readme_and_man_page_list_every_option);
    tcase_add_test(tc, help_values_expanded);
    tcase_add_test(tc, backend_and_code_buffer);
    tcase_add_test(tc, vm_split_parts);
    tcase_add_test(tc, vm_split_errors);
    tcase_add_test(tc, vm_guest_options_refused);
    tcase_add_test(tc, balloon_options);
    tcase_add_test(tc, lockstep_load_state_refused);
    tcase_add_test(tc, nic_tftp_and_bootfile);
    tcase_add_test(tc, smp_counts);
    tcase_add_test(tc, machine_settings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(options_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
