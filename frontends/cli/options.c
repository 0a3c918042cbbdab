#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_history.h"
#include "debug/trace.h"
#include "base/calendar.h"
#include "frontends/cli/audio_out.h"
#include "frontends/cli/options.h"
#include "frontends/cli/serial_backend.h"
#include "machine/board_vga.h"
#include "machine/frontend_api.h"
#include "machine/machine.h"

enum opt_id {
    OPT_SECTION_ = -1,   /* a heading row in cli_option_list */
#define CLI_OPT(id, names, arg, help) OPT_##id,
#include "frontends/cli/options.def"
};

const struct cli_option_desc cli_option_list[] = {
#define CLI_SECTION(title) { OPT_SECTION_, NULL, NULL, title },
#define CLI_OPT(id, names, arg, help) { OPT_##id, names, arg, help },
#include "frontends/cli/options.def"
};
const size_t cli_option_count = sizeof cli_option_list / sizeof cli_option_list[0];

static const struct { const char *title, *text; } notes[] = {
#define CLI_NOTE(title, text) { title, text },
#include "frontends/cli/options.def"
};

static const struct { const char *status, *text; } exits[] = {
#define CLI_EXIT(status, text) { status, text },
#include "frontends/cli/options.def"
};

size_t cli_expand_help(const char *in, char *out, size_t n)
{
    static const struct { const char *key; const char *fmt; unsigned num; } vars[] = {
        { "@BIOS@", CLI_DEFAULT_BIOS, 0 },
        { "@VGA_BIOS@", BOARD_DEFAULT_VGA_BIOS, 0 },
        { "@RAM_MIN@", NULL, MACHINE_RAM_MIN_MIB },
        { "@RAM_MAX@", NULL, MACHINE_RAM_MAX_MIB },
        { "@RAM_DEFAULT@", NULL, MACHINE_RAM_DEFAULT_MIB },
        { "@TRACE_CATEGORIES@", TRACE_CATEGORY_NAMES, 0 },
        { "@CODE_CACHE_DEFAULT@", NULL, MACHINE_CODE_CACHE_DEFAULT_MIB },
        { "@CODE_BUFFER_DEFAULT@", NULL, DBT_CODE_BUFFER_DEFAULT >> 20 },
        { "@SNAPSHOT_RAM@", NULL, MACHINE_SNAPSHOT_RAM_DEFAULT_MIB },
        { "@CHECKPOINT_EVERY@", NULL, CLI_DEFAULT_CHECKPOINT_EVERY },
        { "@REVERSE_EVERY@", NULL, GDB_HISTORY_DEFAULT_EVERY },
        { "@REVERSE_MAX@", NULL, GDB_HISTORY_MAX_SNAPS },
    };
    size_t len = 0;
    char tmp[32];
    if (n)
        out[0] = 0;
    while (*in) {
        const char *piece = NULL;
        size_t plen = 1, skip = 1;
        for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
            size_t kl = strlen(vars[k].key);
            if (strncmp(in, vars[k].key, kl) == 0) {
                if (vars[k].fmt) {
                    piece = vars[k].fmt;
                } else {
                    snprintf(tmp, sizeof tmp, "%u", vars[k].num);
                    piece = tmp;
                }
                plen = strlen(piece);
                skip = kl;
                break;
            }
        }
        if (!piece)
            piece = in;
        for (size_t k = 0; k < plen; k++, len++)
            if (len + 1 < n) {
                out[len] = piece[k];
                out[len + 1] = 0;
            }
        in += skip;
    }
    return len;
}

/* Write text from column col, wrapped at width, continuation lines
 * indented to indent. Ends with a newline. */
static void put_wrapped(FILE *f, const char *text, int col, int indent, int width)
{
    const char *p = text;
    int first = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!first && col + 1 + (int)w > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
            first = 1;
        }
        if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, w, f);
        col += (int)w;
        p += w;
        first = 0;
    }
    fputc('\n', f);
}

/* Markdown table cells: '|' escaped (also inside code spans, as GitHub
 * reads tables). */
static void put_md(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* roff text: backslashes and hyphens escaped (so options print as ASCII
 * minus signs), a line never starting a request. */
static void put_roff(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

enum { HELP_COL = 20, HELP_WIDTH = 79, EXIT_COL = 9 };

void cli_print_options(FILE *out, enum cli_doc_format fmt)
{
    char text[2048];
    int in_table = 0;
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option_desc *d = &cli_option_list[i];
        cli_expand_help(d->help, text, sizeof text);
        if (d->id == OPT_SECTION_) {
            switch (fmt) {
            case CLI_DOC_HELP: fprintf(out, "\n%s:\n", text); break;
            case CLI_DOC_MARKDOWN:
                fprintf(out, "%s**%s**\n\n| option | meaning |\n| --- | --- |\n",
                        in_table ? "\n" : "", text);
                in_table = 1;
                break;
            case CLI_DOC_MAN: fputs(".SS ", out); put_roff(out, text); fputc('\n', out); break;
            }
            continue;
        }
        int has_arg = d->arg[0] != 0;
        switch (fmt) {
        case CLI_DOC_HELP: {
            int col = fprintf(out, "  %s%s%s", d->names, has_arg ? " " : "", d->arg);
            if (col + 2 > HELP_COL) {
                fprintf(out, "\n%*s", HELP_COL, "");
            } else {
                fprintf(out, "%*s", HELP_COL - col, "");
            }
            put_wrapped(out, text, HELP_COL, HELP_COL, HELP_WIDTH);
            break;
        }
        case CLI_DOC_MARKDOWN:
            fputs("| `", out);
            put_md(out, d->names);
            if (has_arg) {
                fputc(' ', out);
                put_md(out, d->arg);
            }
            fputs("` | ", out);
            put_md(out, text);
            fputs(" |\n", out);
            break;
        case CLI_DOC_MAN: {
            fputs(".TP\n", out);
            const char *p = d->names;
            while (*p) {
                size_t w = strcspn(p, ",");
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)w, p);
                fputs("\\fB", out);
                put_roff(out, name);
                fputs("\\fR", out);
                p += w;
                if (*p == ',') {
                    fputs(", ", out);
                    p++;
                    while (*p == ' ')
                        p++;
                }
            }
            if (has_arg) {
                fputs(" \\fI", out);
                put_roff(out, d->arg);
                fputs("\\fR", out);
            }
            fputs("\n\\&", out);
            put_roff(out, text);
            fputc('\n', out);
            break;
        }
        }
    }
}

void cli_print_notes(FILE *out, enum cli_doc_format fmt)
{
    char text[2048];
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        cli_expand_help(notes[i].text, text, sizeof text);
        switch (fmt) {
        case CLI_DOC_HELP: {
            int col = fprintf(out, "%s%s:", i ? "" : "\n", notes[i].title) - (i ? 0 : 1);
            fputc(' ', out);
            put_wrapped(out, text, col + 1, 0, HELP_WIDTH);
            break;
        }
        case CLI_DOC_MARKDOWN:
            fprintf(out, "%s: %s\n\n", notes[i].title, text);
            break;
        case CLI_DOC_MAN:
            fputs(".PP\n\\fB", out);
            put_roff(out, notes[i].title);
            fputs(":\\fR\n\\&", out);
            put_roff(out, text);
            fputc('\n', out);
            break;
        }
    }
}

void cli_print_exit_status(FILE *out, enum cli_doc_format fmt)
{
    if (fmt == CLI_DOC_HELP)
        fputs("\nExit status:\n", out);
    for (size_t i = 0; i < sizeof exits / sizeof exits[0]; i++) {
        switch (fmt) {
        case CLI_DOC_HELP: {
            int col = fprintf(out, "  %-*s", EXIT_COL - 3, exits[i].status);
            fputc(' ', out);
            put_wrapped(out, exits[i].text, col + 1, EXIT_COL, HELP_WIDTH);
            break;
        }
        case CLI_DOC_MARKDOWN:
            fprintf(out, "| %s | ", exits[i].status);
            put_md(out, exits[i].text);
            fputs(" |\n", out);
            break;
        case CLI_DOC_MAN:
            fputs(".TP\n.B ", out);
            put_roff(out, exits[i].status);
            fputs("\n\\&", out);
            put_roff(out, exits[i].text);
            fputc('\n', out);
            break;
        }
    }
}

void cli_print_help(FILE *out)
{
    fputs("Usage: shadow86 [options] [-bios FILE | -kernel FILE]\n"
          "\n"
          "Emulate a 32-bit x86 PC. Options take one or two dashes; values follow\n"
          "as the next argument or after '='.\n",
          out);
    cli_print_options(out, CLI_DOC_HELP);
    cli_print_notes(out, CLI_DOC_HELP);
    cli_print_exit_status(out, CLI_DOC_HELP);
}

/* The option a command-line word names (without its dashes and value):
 * its row, and which of the row's spellings matched (0 first). */
static const struct cli_option_desc *find_option(const char *name, size_t nlen, int *which)
{
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option_desc *d = &cli_option_list[i];
        if (d->id == OPT_SECTION_)
            continue;
        const char *p = d->names;
        for (int k = 0; *p; k++) {
            p += strspn(p, ", ");
            p += strspn(p, "-");
            size_t w = strcspn(p, ",");
            if (w == nlen && strncmp(p, name, nlen) == 0) {
                *which = k;
                return d;
            }
            p += w;
        }
    }
    return NULL;
}

int cli_parse_ram_size(const char *s, uint32_t *mib, char *err, size_t errsz)
{
    char *end;
    unsigned long long v;

    if (!*s || *s < '0' || *s > '9')
        goto bad;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        goto range;
    if (*end == 'G' || *end == 'g') {
        if (v > (1ull << 20))
            goto range;
        v *= 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        end++;
    }
    if (*end)
        goto bad;
    if (v < MACHINE_RAM_MIN_MIB || v > MACHINE_RAM_MAX_MIB)
        goto range;
    *mib = (uint32_t)v;
    return 0;
bad:
    snprintf(err, errsz, "-m: '%s' is not a size (a number of MiB, optionally with M or G)", s);
    return -1;
range:
    snprintf(err, errsz, "-m: '%s' is out of range (%u to %u MiB)", s, MACHINE_RAM_MIN_MIB,
             MACHINE_RAM_MAX_MIB);
    return -1;
}

static int parse_count(const char *opt, const char *s, uint64_t *out, char *err, size_t errsz)
{
    char *end;
    unsigned long long v;
    if (!*s || *s < '0' || *s > '9') {
        snprintf(err, errsz, "--%s: '%s' is not a number", opt, s);
        return -1;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end || errno || v == 0) {
        snprintf(err, errsz, "--%s: '%s' is not a positive number", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" to seconds since 1970 (UTC). */
static int parse_date(const char *s, int64_t *out)
{
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    int n = 0;
    if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3)
        return -1;
    if (s[n] == 'T') {
        int n2 = 0;
        if (sscanf(s + n + 1, "%2u:%2u:%2u%n", &h, &mi, &se, &n2) != 3)
            return -1;
        n += 1 + n2;
    }
    if (s[n] || y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || se > 59)
        return -1;
    *out = calendar_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

/* -machine SETTINGS: a comma-separated list of apic=on|off, x2apic=on|off. */
static int cli_parse_machine(const char *s, struct cli_options *o, char *err, size_t errsz)
{
    const char *p = s;
    for (;;) {
        size_t n = strcspn(p, ",");
        int *flag = NULL, invert = 0;
        const char *v = NULL;
        if (n > 5 && strncmp(p, "apic=", 5) == 0)
            flag = &o->no_apic, invert = 1, v = p + 5;
        else if (n > 7 && strncmp(p, "x2apic=", 7) == 0)
            flag = &o->x2apic, v = p + 7;
        size_t vn = v ? n - (size_t)(v - p) : 0;
        if (!flag || !((vn == 2 && strncmp(v, "on", 2) == 0) || (vn == 3 && strncmp(v, "off", 3) == 0))) {
            snprintf(err, errsz, "-machine: '%.*s' is not a setting (apic=on|off, x2apic=on|off)",
                     (int)n, p);
            return -1;
        }
        *flag = (vn == 2) ^ invert;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

int cli_parse_rtc(const char *s, struct cli_options *o, char *err, size_t errsz)
{
    char buf[128];
    if (strlen(s) >= sizeof buf || !*s) {
        snprintf(err, errsz, "-rtc: '%s' is not a valid setting", s);
        return -1;
    }
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "clock=host") == 0) {
            o->rtc_clock_host = 1;
        } else if (strcmp(tok, "clock=vm") == 0) {
            o->rtc_clock_host = 0;
        } else if (strcmp(tok, "base=utc") == 0) {
            o->rtc_base_utc = 1;
            o->rtc_base_set = 0;
        } else if (strncmp(tok, "base=", 5) == 0 && parse_date(tok + 5, &o->rtc_base) == 0) {
            o->rtc_base_set = 1;
            o->rtc_base_utc = 0;
        } else {
            snprintf(err, errsz, "-rtc: '%s' is not one of clock=vm, clock=host, base=utc, "
                                 "base=YYYY-MM-DD[THH:MM:SS] (years 1970-2099)", tok);
            return -1;
        }
    }
    return 0;
}

/* "A-B", "A-" or "A" (decimal instruction counts). */
static int parse_insn_range(const char *arg, uint64_t *from, uint64_t *to, char *err,
                            size_t errsz)
{
    const char *s = arg;
    char *end;
    if (*s < '0' || *s > '9')
        goto bad;
    errno = 0;
    *from = strtoull(s, &end, 10);
    if (errno)
        goto bad;
    if (!*end) {
        *to = *from;
        return 0;
    }
    if (*end != '-')
        goto bad;
    s = end + 1;
    if (!*s) {
        *to = UINT64_MAX;
        return 0;
    }
    if (*s < '0' || *s > '9')
        goto bad;
    *to = strtoull(s, &end, 10);
    if (errno || *end || *to < *from)
        goto bad;
    return 0;
bad:
    snprintf(err, errsz, "--trace-insns: '%s' is not a range FROM-TO of instruction counts", arg);
    return -1;
}

/* -device NAME[,OPTS]: the devices that are not always on the board. */
static int parse_device(const char *val, struct cli_options *o, char *err, size_t errsz)
{
    static const char name[] = "virtio-balloon";
    size_t n = strcspn(val, ",");
    if (n != sizeof name - 1 || strncmp(val, name, n) != 0) {
        snprintf(err, errsz, "-device: '%.*s' is not a device shadow86 adds (virtio-balloon)",
                 (int)n, val);
        return -1;
    }
    o->balloon = 1;
    const char *p = val + n;
    while (*p == ',') {
        p++;
        size_t k = strcspn(p, ",");
        if (k == 17 && !strncmp(p, "deflate-on-oom=on", k))
            o->balloon_deflate_on_oom = 1;
        else if (k == 18 && !strncmp(p, "deflate-on-oom=off", k))
            o->balloon_deflate_on_oom = 0;
        else {
            snprintf(err, errsz, "-device virtio-balloon: '%.*s' is not an option "
                                 "(deflate-on-oom=on|off)", (int)k, p);
            return -1;
        }
        p += k;
    }
    return 0;
}

static int parse(int argc, char **argv, struct cli_options *o, int process, char *err,
                 size_t errsz);

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errsz)
{
    return parse(argc, argv, o, 0, err, errsz);
}

int cli_parse_process(int argc, char **argv, struct cli_options *o, char *err, size_t errsz)
{
    return parse(argc, argv, o, 1, err, errsz);
}

/* Options that belong to the process, not to one guest, with -vm. */
static int process_wide(int id)
{
    return id == OPT_STATS || id == OPT_STATS_FORMAT || id == OPT_STATS_INTERVAL ||
           id == OPT_HOST_MEM || id == OPT_SWAP || id == OPT_VM_SLICE ||
           id == OPT_BALLOON_WATERMARK || id == OPT_HELP;
}

static int is_vm_word(const char *w)
{
    return !strcmp(w, "-vm") || !strcmp(w, "--vm");
}

void cli_vm_split_free(struct cli_vm_split *s)
{
    free(s->words);
    memset(s, 0, sizeof *s);
}

int cli_split_vms(int argc, char **argv, struct cli_vm_split *s, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    /* Every word once, plus argv[0] and a NULL for each part. */
    s->words = calloc((size_t)argc + 2u * (CLI_VM_MAX + 1), sizeof *s->words);
    if (!s->words) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    char **w = s->words;
    int part = -1;     /* -1: the process part */
    const char *misplaced = NULL;   /* a guest's option before the first -vm */
    int misplaced_len = 0;
    int *count = &s->process_argc;
    s->process_argv = w;
    *w++ = argv[0];
    *count = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (is_vm_word(arg)) {
            if (part >= 0 && s->argc[part] == 1) {
                snprintf(err, errsz, "-vm (guest %d): no options before the next -vm", part + 1);
                goto fail;
            }
            if (++part == CLI_VM_MAX) {
                snprintf(err, errsz, "-vm: at most %d guests", CLI_VM_MAX);
                goto fail;
            }
            *w++ = NULL;
            s->argv[part] = w;
            *w++ = argv[0];
            count = &s->argc[part];
            *count = 1;
            continue;
        }
        int takes = 0;
        if (arg[0] == '-' && arg[1]) {
            const char *name = arg + (arg[1] == '-' ? 2 : 1);
            const char *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            int which;
            const struct cli_option_desc *opt = find_option(name, nlen, &which);
            if (opt) {
                int pw = process_wide(opt->id);
                if (part < 0 && !pw && !misplaced) {
                    /* An error only if a -vm follows. */
                    misplaced = arg;
                    misplaced_len = (int)(nlen + (size_t)(name - arg));
                }
                if (part >= 0 && pw && opt->id != OPT_HELP) {
                    snprintf(err, errsz, "'%.*s' after -vm: it is the process's option, give it "
                                         "before the first -vm",
                             (int)(nlen + (size_t)(name - arg)), arg);
                    goto fail;
                }
                takes = opt->arg[0] && !eq;
            }
        }
        *w++ = argv[i];
        (*count)++;
        if (takes && i + 1 < argc) {
            *w++ = argv[++i];   /* its value, whatever it reads */
            (*count)++;
        }
    }
    if (part < 0) {
        cli_vm_split_free(s);
        return 0;
    }
    if (misplaced) {
        snprintf(err, errsz, "'%.*s' before the first -vm: it is a guest's option, give it "
                             "after a -vm (--stats, --stats-format and --vm-slice are the "
                             "process's)", misplaced_len, misplaced);
        goto fail;
    }
    if (s->argc[part] == 1) {
        snprintf(err, errsz, "-vm (guest %d): no options after it", part + 1);
        goto fail;
    }
    *w = NULL;
    s->n = (unsigned)part + 1;
    return 0;
fail:
    cli_vm_split_free(s);
    return -1;
}

static int parse(int argc, char **argv, struct cli_options *o, int process, char *err,
                 size_t errsz)
{
    memset(o, 0, sizeof(*o));
    o->ram_mib = MACHINE_RAM_DEFAULT_MIB;
    o->trace_to = UINT64_MAX;
    o->trace_cpl = -1;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == 0) {
            snprintf(err, errsz, "unexpected argument '%s' (try --help)", arg);
            return -1;
        }
        const char *name = arg + (arg[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        int which = 0;
        const struct cli_option_desc *opt = find_option(name, nlen, &which);
        if (!opt) {
            snprintf(err, errsz, "unknown option '%.*s' (try --help)",
                     (int)(nlen + (size_t)(name - arg)), arg);
            return -1;
        }
        const char *val = NULL;
        if (opt->arg[0]) {
            if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                snprintf(err, errsz, "option '%s' needs a value (try --help)", arg);
                return -1;
            }
        } else if (eq) {
            snprintf(err, errsz, "option '%.*s' takes no value", (int)(eq - arg), arg);
            return -1;
        }

        switch ((enum opt_id)opt->id) {
        case OPT_BIOS: o->bios = val; break;
        case OPT_KERNEL: o->kernel = val; break;
        case OPT_KERNEL_BOOT:
            if (strcmp(val, "direct") == 0)
                o->kernel_boot_firmware = 0;
            else if (strcmp(val, "firmware") == 0)
                o->kernel_boot_firmware = 1;
            else {
                snprintf(err, errsz, "-kernel-boot: '%s' is not direct or firmware", val);
                return -1;
            }
            o->kernel_boot_given = 1;
            break;
        case OPT_INITRD: o->initrd = val; break;
        case OPT_APPEND: o->append = val; break;
        case OPT_M:
            if (cli_parse_ram_size(val, &o->ram_mib, err, errsz) != 0)
                return -1;
            break;
        case OPT_DEBUGCON: o->debugcon = val; break;
        case OPT_NO_REBOOT: o->no_reboot = 1; break;
        case OPT_NO_DBT: o->no_dbt = 1; break;
        case OPT_LOCKSTEP: o->lockstep = 1; break;
        case OPT_LOCKSTEP_INSN: o->lockstep = 2; break;
        case OPT_MMU:
            if (machine_parse_mmu_mode(val, &o->mmu_mode) != 0) {
                snprintf(err, errsz, "--mmu: '%s' is not a mode (nested or shadow)", val);
                return -1;
            }
            break;
        case OPT_TRACE:
            if (trace_parse_categories(val, &o->trace, err, errsz) != 0)
                return -1;
            break;
        case OPT_TRACE_FILE: o->trace_file = val; break;
        case OPT_STATS: o->stats = 1; break;
        case OPT_MAX_INSNS:
            if (parse_count("max-insns", val, &o->max_insns, err, errsz) != 0)
                return -1;
            break;
        case OPT_HELP: o->help = 1; break;
        case OPT_SEABIOS_LOG: o->seabios_log = val; break;
        case OPT_AUDIO:
            if (audio_out_check(val, err, errsz) != 0)
                return -1;
            o->audio = val;
            break;
        case OPT_SERIAL:
            if (o->nserial >= 2) {
                snprintf(err, errsz, "-serial: at most two (COM1 and COM2)");
                return -1;
            }
            if (cli_serial_check(val, err, errsz) != 0)
                return -1;
            o->serial[o->nserial++] = val;
            break;
        case OPT_NOGRAPHIC: o->nographic = 1; break;
        case OPT_NIC:
            if (cli_parse_nic(val, &o->nic, err, errsz) != 0)
                return -1;
            break;
        case OPT_NETDUMP: o->netdump = val; break;
        case OPT_SMP: {
            char *end;
            unsigned long n;
            errno = 0;
            n = strtoul(val, &end, 10);
            if (*val < '0' || *val > '9' || *end || errno) {
                snprintf(err, errsz, "-smp: '%s' is not a number", val);
                return -1;
            }
            if (n < 1 || n > MACHINE_CPUS_MAX) {
                snprintf(err, errsz, "-smp: '%s' is out of range (1 to %u)", val, MACHINE_CPUS_MAX);
                return -1;
            }
            o->smp = (unsigned)n;
            break;
        }
        case OPT_MACHINE:
            if (cli_parse_machine(val, o, err, errsz) != 0)
                return -1;
            break;
        case OPT_RTC:
            if (cli_parse_rtc(val, o, err, errsz) != 0)
                return -1;
            break;
        case OPT_HD: o->hd[which] = val; break;
        case OPT_CDROM: o->cdrom = val; break;
        case OPT_FD: o->fd[which] = val; break;
        case OPT_SNAPSHOT: o->snapshot = 1; break;
        case OPT_VGA_BIOS: o->vga_bios = val; break;
        case OPT_DISPLAY:
            o->display_set = 1;
            o->display_text = strcmp(val, "text") == 0;
            o->display_sdl = strcmp(val, "sdl") == 0;
            if (!o->display_text && !o->display_sdl && strcmp(val, "none") != 0) {
                snprintf(err, errsz, "-display: '%s' is not a display (sdl, text or none)", val);
                return -1;
            }
            break;
        case OPT_SDL_SCRIPT: o->sdl_script = val; break;
        case OPT_NAME: o->name = val; break;
        case OPT_BOOT: {
            const char *ord = strncmp(val, "order=", 6) == 0 ? val + 6 : val;
            size_t n = strlen(ord);
            if (n == 0 || n > 3 || strspn(ord, "acdn") != n) {
                snprintf(err, errsz, "-boot: '%s' is not a boot order (up to three of a, c, d, n)",
                         val);
                return -1;
            }
            o->boot_order = ord;
            break;
        }
        case OPT_SCREENDUMP:
            if (!*val) {
                snprintf(err, errsz, "--screendump: empty file name");
                return -1;
            }
            o->screendump = val;
            break;
        case OPT_TRACE_SYNTAX:
            if (strcmp(val, "att") == 0) {
                o->trace_att = 1;
            } else if (strcmp(val, "intel") == 0) {
                o->trace_att = 0;
            } else {
                snprintf(err, errsz, "--trace-syntax: '%s' is neither intel nor att", val);
                return -1;
            }
            break;
        case OPT_TRACE_INSNS:
            if (parse_insn_range(val, &o->trace_from, &o->trace_to, err, errsz) != 0)
                return -1;
            break;
        case OPT_TRACE_ADDR:
            if (!*val) {
                snprintf(err, errsz, "--trace-addr: empty (LO-HI in hex, or a symbol)");
                return -1;
            }
            o->trace_addr = val;
            break;
        case OPT_TRACE_CPL:
            if (!(val[0] >= '0' && val[0] <= '3' && !val[1])) {
                snprintf(err, errsz, "--trace-cpl: '%s' is not a privilege level (0-3)", val);
                return -1;
            }
            o->trace_cpl = val[0] - '0';
            break;
        case OPT_TRACE_RING: {
            uint64_t n;
            if (parse_count("trace-ring", val, &n, err, errsz) != 0)
                return -1;
            if (n > 1000000) {
                snprintf(err, errsz, "--trace-ring: %s is too large (at most 1000000)", val);
                return -1;
            }
            o->trace_ring = (uint32_t)n;
            break;
        }
        case OPT_BACKEND:
            if (machine_parse_backend(val, &o->dbt_backend) != 0) {
                snprintf(err, errsz, "--backend: '%s' is not a backend (x86-64 or portable)", val);
                return -1;
            }
            o->dbt_backend_set = 1;
            break;
        case OPT_CODE_BUFFER: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            unsigned long long unit = 1ull << 20;
            if (*end == 'K' || *end == 'k') {
                unit = 1ull << 10;
                end++;
            } else if (*end == 'M' || *end == 'm') {
                end++;
            }
            if (errno || end == val || *end || v == 0 || v * unit < (64ull << 10) ||
                v > (4ull << 30) / unit) {
                snprintf(err, errsz, "--code-buffer: '%s' is not a size from 64K to 4096 (MiB)",
                         val);
                return -1;
            }
            o->code_buffer_bytes = (size_t)(v * unit);
            break;
        }
        case OPT_HOST_MEM: {
            uint64_t n;
            if (parse_count("host-mem", val, &n, err, errsz) != 0)
                return -1;
            if (n < HOSTPOOL_MIN_MIB || n > (1u << 20)) {
                snprintf(err, errsz, "--host-mem: %s MiB is out of range (%u to %u)", val,
                         HOSTPOOL_MIN_MIB, 1u << 20);
                return -1;
            }
            o->host_mem_mib = (uint32_t)n;
            break;
        }
        case OPT_SWAP:
            o->swap = val;
            break;
        case OPT_SHARE_SCAN: {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(val, &end, 10);
            if (!*val || *val < '0' || *val > '9' || *end || errno || n > 1000000) {
                snprintf(err, errsz, "--share-scan: '%s' is not a number from 0 to 1000000",
                         val);
                return -1;
            }
            o->share_scan = (uint32_t)n;
            break;
        }
        case OPT_STATS_INTERVAL:
            if (parse_count("stats-interval", val, &o->stats_interval_ms, err, errsz) != 0)
                return -1;
            break;
        case OPT_CODE_CACHE: {
            uint64_t n;
            if (parse_count("code-cache", val, &n, err, errsz) != 0)
                return -1;
            if (n > 65536) {
                snprintf(err, errsz, "--code-cache: %s MiB is too large (at most 65536)", val);
                return -1;
            }
            o->code_cache_mib = (uint32_t)n;
            break;
        }
        case OPT_TRACE_MAX: {
            uint64_t n;
            if (parse_count("trace-max", val, &n, err, errsz) != 0)
                return -1;
            if (n > (1ull << 24)) {
                snprintf(err, errsz, "--trace-max: %s MiB is too large (at most %llu)", val,
                         1ull << 24);
                return -1;
            }
            o->trace_max_mib = n;
            break;
        }
        case OPT_SYMBOLS:
            if (o->nsymbols == CLI_MAX_SYMBOL_FILES) {
                snprintf(err, errsz, "--symbols: at most %d files", CLI_MAX_SYMBOL_FILES);
                return -1;
            }
            o->symbols[o->nsymbols++] = val;
            break;
        case OPT_STATS_FORMAT:
            if (strcmp(val, "json") == 0) {
                o->stats_json = 1;
            } else if (strcmp(val, "text") == 0) {
                o->stats_json = 0;
            } else {
                snprintf(err, errsz, "--stats-format: '%s' is neither text nor json", val);
                return -1;
            }
            break;
        case OPT_REPORT:
            if (strcmp(val, "popek-goldberg") != 0) {
                snprintf(err, errsz, "--report: unknown report '%s' (known: popek-goldberg)",
                         val);
                return -1;
            }
            o->report_pg = 1;
            break;
        case OPT_GDB: o->gdb = val; break;
        case OPT_GDB_DEFAULT: o->gdb = "tcp:127.0.0.1:1234"; break;
        case OPT_START_STOPPED: o->start_stopped = 1; break;
        case OPT_SAVE_STATE:
        case OPT_LOAD_STATE:
        case OPT_RECORD:
        case OPT_REPLAY:
            if (!*val) {
                snprintf(err, errsz, "%s: empty file name", arg);
                return -1;
            }
            if (opt->id == OPT_SAVE_STATE)
                o->save_state = val;
            else if (opt->id == OPT_LOAD_STATE)
                o->load_state = val;
            else if (opt->id == OPT_RECORD)
                o->record = val;
            else
                o->replay = val;
            break;
        case OPT_SAVE_AT:
            if (parse_count("save-at", val, &o->save_at, err, errsz) != 0)
                return -1;
            break;
        case OPT_CHECKPOINT_EVERY:
            if (parse_count("checkpoint-every", val, &o->checkpoint_every, err, errsz) != 0)
                return -1;
            break;
        case OPT_RECORD_PLAIN: o->record_plain = 1; break;
        case OPT_REPLAY_PERTURB: o->perturb = val; break;
        case OPT_REVERSE_EVERY:
            if (strcmp(val, "0") == 0)
                o->reverse_every = 0;   /* off */
            else if (parse_count("reverse-every", val, &o->reverse_every, err, errsz) != 0)
                return -1;
            o->reverse_every_set = 1;
            break;
        case OPT_DEVICE:
            if (parse_device(val, o, err, errsz) != 0)
                return -1;
            break;
        case OPT_BALLOON_TARGET: {
            uint64_t n;
            if (parse_count("balloon-target", val, &n, err, errsz) != 0)
                return -1;
            if (n > MACHINE_RAM_MAX_MIB) {
                snprintf(err, errsz, "-balloon-target: %s MiB is more than any guest's RAM", val);
                return -1;
            }
            o->balloon_target_mib = (uint32_t)n;
            break;
        }
        case OPT_BALLOON_SCRIPT:
            if (!*val) {
                snprintf(err, errsz, "-balloon-script: empty file name");
                return -1;
            }
            o->balloon_script = val;
            break;
        case OPT_VM:
            snprintf(err, errsz, "-vm here: the command line was not split (internal error)");
            return -1;
        case OPT_VM_SLICE:
            if (parse_count("vm-slice", val, &o->vm_slice, err, errsz) != 0)
                return -1;
            if (o->vm_slice > (1ull << 40)) {
                snprintf(err, errsz, "--vm-slice: %s is too large (at most 2^40)", val);
                return -1;
            }
            break;
        case OPT_BALLOON_WATERMARK:
            if (parse_count("balloon-watermark", val, &o->balloon_watermark_mib, err, errsz) != 0)
                return -1;
            if (o->balloon_watermark_mib > (1ull << 30)) {
                snprintf(err, errsz, "--balloon-watermark: %s MiB is too large", val);
                return -1;
            }
            break;
        case OPT_SECTION_: break;
        }
    }
    if (o->help)
        return 0;
    if (o->kernel_boot_given && !o->kernel) {
        snprintf(err, errsz, "-kernel-boot needs -kernel");
        return -1;
    }
    if ((!o->bios && !o->kernel) || (o->kernel && o->kernel_boot_firmware && !o->bios))
        o->bios = CLI_DEFAULT_BIOS;
    if (o->nographic && o->display_text) {
        snprintf(err, errsz, "-display text and -nographic both want the terminal; give one");
        return -1;
    }
    if (o->nographic && o->display_sdl) {
        snprintf(err, errsz, "-display sdl and -nographic contradict each other; give one");
        return -1;
    }
    if (o->sdl_script && !o->display_sdl) {
        snprintf(err, errsz, "--sdl-script needs -display sdl");
        return -1;
    }
    if (o->nographic && o->nserial == 0)
        o->serial[o->nserial++] = "stdio";
    if (o->debugcon && !*o->debugcon) {
        snprintf(err, errsz, "-debugcon: empty destination");
        return -1;
    }
    if (o->trace_file && !o->trace) {
        snprintf(err, errsz, "--trace-file needs --trace");
        return -1;
    }
    if (o->trace_max_mib && !o->trace) {
        snprintf(err, errsz, "--trace-max needs --trace");
        return -1;
    }
    if (o->save_at && !o->save_state) {
        snprintf(err, errsz, "--save-at needs --save-state FILE");
        return -1;
    }
    if (o->record && o->replay) {
        snprintf(err, errsz, "-record and -replay: give one");
        return -1;
    }
    if ((o->record || o->replay) && o->lockstep) {
        /* Lockstep runs a twin the log does not drive. (Host time is
         * logged: machine/replay.c's tap.) */
        snprintf(err, errsz, "%s cannot be combined with --lockstep yet",
                 o->record ? "-record" : "-replay");
        return -1;
    }
    if (o->load_state && o->lockstep) {
        /* The twin would start from reset while the translator starts
         * from the state: every compare would fail. */
        snprintf(err, errsz, "--load-state cannot be combined with --lockstep yet");
        return -1;
    }
    if (o->reverse_every_set && !o->gdb) {
        snprintf(err, errsz, "--reverse-every needs a gdb stub (-s or -gdb tcp:HOST:PORT)");
        return -1;
    }
    if (o->netdump && o->nic.backend == CLI_NET_NONE) {
        snprintf(err, errsz, "-netdump needs a card (-nic user or -nic null)");
        return -1;
    }
    if (o->nic.backend == CLI_NET_USER && o->lockstep) {
        /* The lockstep twin has no host end to get frames from. */
        snprintf(err, errsz, "-nic user cannot be combined with --lockstep (-nic null can)");
        return -1;
    }
    if (o->perturb && !o->replay) {
        snprintf(err, errsz, "--replay-perturb needs -replay FILE");
        return -1;
    }
    if (o->checkpoint_every && !o->record) {
        snprintf(err, errsz, "--checkpoint-every is set when recording (-record FILE)");
        return -1;
    }
    if (o->record_plain && !o->record) {
        snprintf(err, errsz, "--record-plain needs -record FILE");
        return -1;
    }
    if ((o->vm_slice || o->balloon_watermark_mib) && !process) {
        snprintf(err, errsz, "%s needs several guests (-vm)",
                 o->vm_slice ? "--vm-slice" : "--balloon-watermark");
        return -1;
    }
    if ((o->balloon_target_mib || o->balloon_script) && !o->balloon) {
        snprintf(err, errsz, "%s needs -device virtio-balloon",
                 o->balloon_script ? "-balloon-script" : "-balloon-target");
        return -1;
    }
    if (o->start_stopped && !o->gdb) {
        snprintf(err, errsz, "-S needs a gdb stub (-s or -gdb tcp:HOST:PORT)");
        return -1;
    }
    return 0;
}
