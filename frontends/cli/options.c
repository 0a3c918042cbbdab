#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debug/trace.h"
#include "frontends/cli/options.h"
#include "machine/machine.h"

enum opt_id {
    OPT_BIOS, OPT_KERNEL, OPT_APPEND, OPT_M, OPT_DEBUGCON, OPT_NO_REBOOT, OPT_NO_DBT,
    OPT_TRACE, OPT_TRACE_FILE, OPT_STATS, OPT_MAX_INSNS, OPT_HELP,
};

static const struct {
    const char *name;
    enum opt_id id;
    int takes_value;
} opt_table[] = {
    { "bios", OPT_BIOS, 1 },
    { "kernel", OPT_KERNEL, 1 },
    { "append", OPT_APPEND, 1 },
    { "m", OPT_M, 1 },
    { "debugcon", OPT_DEBUGCON, 1 },
    { "no-reboot", OPT_NO_REBOOT, 0 },
    { "no-dbt", OPT_NO_DBT, 0 },
    { "trace", OPT_TRACE, 1 },
    { "trace-file", OPT_TRACE_FILE, 1 },
    { "stats", OPT_STATS, 0 },
    { "max-insns", OPT_MAX_INSNS, 1 },
    { "help", OPT_HELP, 0 },
    { "h", OPT_HELP, 0 },
};

void cli_print_help(FILE *out)
{
    fprintf(out,
        "Usage: shadow86 [options] (-bios FILE | -kernel FILE)\n"
        "\n"
        "Emulate a 32-bit x86 PC. Options take one or two dashes; values follow\n"
        "as the next argument or after '='.\n"
        "\n"
        "  -bios FILE        firmware image, mapped to end at 4 GiB (and at 1 MiB\n"
        "                    if at most 128 KiB); size a multiple of 4 KiB, <= 16 MiB\n"
        "  -kernel FILE      multiboot (v1) kernel: ELF32 i386, or any image with the\n"
        "                    a.out-kludge header flag; started in flat 32-bit protected\n"
        "                    mode with EAX=0x2BADB002, EBX=multiboot info; no firmware\n"
        "  -append STRING    kernel command line (needs -kernel)\n"
        "  -m SIZE           guest RAM in MiB (suffix M or G allowed), %u..%u;\n"
        "                    default %u\n"
        "  -debugcon DEST    where port 0xE9 output goes: stdio (default), none\n"
        "                    (or null), or a file name (file:NAME also accepted)\n"
        "  -no-reboot        a triple fault ends the run instead of resetting\n"
        "  --no-dbt          run the interpreter (the reference engine) instead of\n"
        "                    the block-caching translator\n"
        "  --trace LIST      comma-separated trace categories: %s\n"
        "                    insn: index, CS:EIP, bytes, disassembly, changed registers\n"
        "                    io: every port access; unmapped: first access per unowned port\n"
        "  --trace-file FILE write the trace to FILE instead of stderr\n"
        "  --max-insns N     stop after N instructions\n"
        "  --stats           print counters at exit (stderr)\n"
        "  -h, --help        show this help\n"
        "\n"
        "Guest-visible debug devices: port 0xE9 console, port 0x80 POST code,\n"
        "port 0xF4 exit (write V: shadow86 exits with status (V << 1) | 1).\n"
        "\n"
        "Exit status:\n"
        "  0    the CPU halted with nothing able to wake it (a line on stderr\n"
        "       gives CS:EIP, the instruction count and the last POST code)\n"
        "  odd  (V << 1) | 1 after the guest wrote V to port 0xF4 (8 bits kept)\n"
        "  2    bad command line or input file (one line on stderr)\n"
        "  4    triple fault with -no-reboot (one line on stderr)\n"
        "  6    --max-insns reached (one line on stderr)\n",
        MACHINE_RAM_MIN_MIB, MACHINE_RAM_MAX_MIB, MACHINE_RAM_DEFAULT_MIB,
        TRACE_CATEGORY_NAMES);
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

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errsz)
{
    memset(o, 0, sizeof(*o));
    o->ram_mib = MACHINE_RAM_DEFAULT_MIB;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == 0) {
            snprintf(err, errsz, "unexpected argument '%s' (try --help)", arg);
            return -1;
        }
        const char *name = arg + (arg[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        int found = -1;
        for (size_t k = 0; k < sizeof opt_table / sizeof opt_table[0]; k++) {
            if (strlen(opt_table[k].name) == nlen && strncmp(opt_table[k].name, name, nlen) == 0) {
                found = (int)k;
                break;
            }
        }
        if (found < 0) {
            snprintf(err, errsz, "unknown option '%.*s' (try --help)",
                     (int)(nlen + (size_t)(name - arg)), arg);
            return -1;
        }
        const char *val = NULL;
        if (opt_table[found].takes_value) {
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

        switch (opt_table[found].id) {
        case OPT_BIOS: o->bios = val; break;
        case OPT_KERNEL: o->kernel = val; break;
        case OPT_APPEND: o->append = val; break;
        case OPT_M:
            if (cli_parse_ram_size(val, &o->ram_mib, err, errsz) != 0)
                return -1;
            break;
        case OPT_DEBUGCON: o->debugcon = val; break;
        case OPT_NO_REBOOT: o->no_reboot = 1; break;
        case OPT_NO_DBT: o->no_dbt = 1; break;
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
        }
    }
    if (o->help)
        return 0;
    if (!o->bios && !o->kernel) {
        snprintf(err, errsz, "nothing to run: give -bios FILE or -kernel FILE (try --help)");
        return -1;
    }
    if (o->debugcon && !*o->debugcon) {
        snprintf(err, errsz, "-debugcon: empty destination");
        return -1;
    }
    if (o->trace_file && !o->trace) {
        snprintf(err, errsz, "--trace-file needs --trace");
        return -1;
    }
    return 0;
}
