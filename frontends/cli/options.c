#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_history.h"
#include "debug/trace.h"
#include "base/calendar.h"
#include "frontends/cli/options.h"
#include "frontends/cli/serial_backend.h"
#include "machine/machine.h"

enum opt_id {
    OPT_BIOS, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_M, OPT_DEBUGCON, OPT_NO_REBOOT, OPT_NO_DBT, OPT_LOCKSTEP, OPT_LOCKSTEP_INSN, OPT_MMU,
    OPT_TRACE, OPT_TRACE_FILE, OPT_STATS, OPT_MAX_INSNS, OPT_HELP, OPT_SEABIOS_LOG, OPT_RTC,
    OPT_HDA, OPT_HDB, OPT_HDC, OPT_HDD, OPT_CDROM, OPT_FDA, OPT_FDB, OPT_SNAPSHOT, OPT_VGA_BIOS, OPT_DISPLAY,
    OPT_SCREENDUMP, OPT_BOOT, OPT_SDL_SCRIPT, OPT_NAME,
    OPT_SERIAL, OPT_NOGRAPHIC,
    OPT_TRACE_SYNTAX, OPT_TRACE_INSNS, OPT_TRACE_ADDR, OPT_TRACE_CPL, OPT_TRACE_RING, OPT_TRACE_MAX, OPT_CODE_CACHE,
    OPT_SYMBOLS, OPT_STATS_FORMAT, OPT_REPORT, OPT_GDB, OPT_GDB_DEFAULT, OPT_START_STOPPED,
    OPT_SAVE_STATE, OPT_SAVE_AT, OPT_LOAD_STATE, OPT_RECORD, OPT_REPLAY, OPT_CHECKPOINT_EVERY,
    OPT_RECORD_PLAIN, OPT_REPLAY_PERTURB, OPT_REVERSE_EVERY,
};

static const struct {
    const char *name;
    enum opt_id id;
    int takes_value;
} opt_table[] = {
    { "bios", OPT_BIOS, 1 },
    { "kernel", OPT_KERNEL, 1 },
    { "initrd", OPT_INITRD, 1 },
    { "append", OPT_APPEND, 1 },
    { "m", OPT_M, 1 },
    { "debugcon", OPT_DEBUGCON, 1 },
    { "no-reboot", OPT_NO_REBOOT, 0 },
    { "no-dbt", OPT_NO_DBT, 0 },
    { "code-cache", OPT_CODE_CACHE, 1 },
    { "lockstep", OPT_LOCKSTEP, 0 },
    { "lockstep-insn", OPT_LOCKSTEP_INSN, 0 },
    { "mmu", OPT_MMU, 1 },
    { "trace", OPT_TRACE, 1 },
    { "trace-file", OPT_TRACE_FILE, 1 },
    { "stats", OPT_STATS, 0 },
    { "trace-syntax", OPT_TRACE_SYNTAX, 1 },
    { "trace-insns", OPT_TRACE_INSNS, 1 },
    { "trace-addr", OPT_TRACE_ADDR, 1 },
    { "trace-cpl", OPT_TRACE_CPL, 1 },
    { "trace-ring", OPT_TRACE_RING, 1 },
    { "trace-max", OPT_TRACE_MAX, 1 },
    { "symbols", OPT_SYMBOLS, 1 },
    { "stats-format", OPT_STATS_FORMAT, 1 },
    { "report", OPT_REPORT, 1 },
    { "gdb", OPT_GDB, 1 },
    { "s", OPT_GDB_DEFAULT, 0 },
    { "S", OPT_START_STOPPED, 0 },
    { "max-insns", OPT_MAX_INSNS, 1 },
    { "seabios-log", OPT_SEABIOS_LOG, 1 },
    { "rtc", OPT_RTC, 1 },
    { "serial", OPT_SERIAL, 1 },
    { "nographic", OPT_NOGRAPHIC, 0 },
    { "help", OPT_HELP, 0 },
    { "h", OPT_HELP, 0 },
    { "hda", OPT_HDA, 1 },
    { "hdb", OPT_HDB, 1 },
    { "hdc", OPT_HDC, 1 },
    { "hdd", OPT_HDD, 1 },
    { "cdrom", OPT_CDROM, 1 },
    { "fda", OPT_FDA, 1 },
    { "fdb", OPT_FDB, 1 },
    { "snapshot", OPT_SNAPSHOT, 0 },
    { "vga-bios", OPT_VGA_BIOS, 1 },
    { "display", OPT_DISPLAY, 1 },
    { "sdl-script", OPT_SDL_SCRIPT, 1 },
    { "name", OPT_NAME, 1 },
    { "screendump", OPT_SCREENDUMP, 1 },
    { "boot", OPT_BOOT, 1 },
    { "save-state", OPT_SAVE_STATE, 1 },
    { "save-at", OPT_SAVE_AT, 1 },
    { "load-state", OPT_LOAD_STATE, 1 },
    { "record", OPT_RECORD, 1 },
    { "replay", OPT_REPLAY, 1 },
    { "checkpoint-every", OPT_CHECKPOINT_EVERY, 1 },
    { "record-plain", OPT_RECORD_PLAIN, 0 },
    { "reverse-every", OPT_REVERSE_EVERY, 1 },
    { "replay-perturb", OPT_REPLAY_PERTURB, 1 },
};

void cli_print_help(FILE *out)
{
    fprintf(out,
        "Usage: shadow86 [options] [-bios FILE | -kernel FILE]\n"
        "\n"
        "Emulate a 32-bit x86 PC. Options take one or two dashes; values follow\n"
        "as the next argument or after '='.\n"
        "\n"
        "  -bios FILE        firmware image, mapped to end at 4 GiB (its last 128 KiB\n"
        "                    also end at 1 MiB); size a multiple of 4 KiB, <= 16 MiB;\n"
        "                    default (without -kernel): %s\n"
        "  -kernel FILE      a Linux bzImage (boot protocol 2.02+, 32-bit entry:\n"
        "                    zero page with e820 map, command line, initrd) or a\n"
        "                    multiboot (v1) kernel: ELF32 i386, or any image with the\n"
        "                    a.out-kludge header flag; started in flat 32-bit protected\n"
        "                    mode with EAX=0x2BADB002, EBX=multiboot info; no firmware\n"
        "  -initrd FILE      initial ramdisk for a Linux -kernel (loaded high in RAM)\n"
        "  -append STRING    kernel command line (needs -kernel)\n"
        "  -m SIZE           guest RAM in MiB (suffix M or G allowed), %u..%u;\n"
        "                    default %u\n"
        "  -debugcon DEST    where port 0xE9 output goes: stdio (default), none\n"
        "                    (or null), or a file name (file:NAME also accepted)\n"
        "  -seabios-log DEST where port 0x402 output (SeaBIOS's debug log) goes:\n"
        "                    none (default), stdio, or a file name (file:NAME too)\n"
        "  -rtc OPTS         comma-separated: clock=vm (default: time follows the\n"
        "                    instruction count, 100 M instructions per second; HLT\n"
        "                    skips to the next timer; runs are repeatable) or\n"
        "                    clock=host (wall-clock time; HLT sleeps);\n"
        "                    base=utc (host's current time) or base=YYYY-MM-DD or\n"
        "                    base=YYYY-MM-DDTHH:MM:SS (RTC start; default\n"
        "                    2024-01-01T00:00:00 with clock=vm, now with clock=host)\n"
        "  -serial DEST      host end of COM1 (given twice: then COM2): stdio (terminal\n"
        "                    in raw mode; Ctrl-A x quits), file:NAME (output only),\n"
        "                    or none (default)\n"
        "  -nographic        COM1 on stdio (unless -serial is given)\n"
        "  -no-reboot        a triple fault or a guest-requested reset (port 0x92,\n"
        "                    0xCF9, keyboard controller) ends the run instead of\n"
        "                    resetting\n"
        "  --no-dbt          run the interpreter (the reference engine) instead of\n"
        "                    the block-caching translator\n"
        "  --code-cache MB   host memory for translated blocks (default 256); when\n"
        "                    full, the cache is flushed and translation starts again\n"
        "  --lockstep        run the interpreter beside the translator on a twin\n"
        "                    machine and compare the CPUs after every block (RAM\n"
        "                    periodically and at the end); stop at the first\n"
        "                    divergence (exit status 12) with a report\n"
        "  --lockstep-insn   the same, comparing after every instruction\n"
        "  --mmu MODE        how guest paging is emulated: nested (walk the guest's\n"
        "                    tables and the p2m on every TLB miss, as EPT/NPT do;\n"
        "                    the default) or shadow (cached shadow tables per CR3,\n"
        "                    guest page tables write-tracked); same guest results\n"
        "  --trace LIST      comma-separated trace categories: %s\n"
        "                    insn: count, ring, CS:EIP, linear address, bytes,\n"
        "                    disassembly, symbol, changed registers/flags, memory\n"
        "                    accesses; int: interrupts/exceptions with vector, error\n"
        "                    code, source and gate; io: every port access; unmapped:\n"
        "                    first access per unowned port; mmu, block: page walks and\n"
        "                    translator events (as those parts report them); callout:\n"
        "                    sensitive instructions with their outcome; all\n"
        "  --trace-file FILE write the trace to FILE instead of stderr\n"
        "  --trace-max MB    stop tracing after MB MiB of trace, with one closing line\n"
        "                    saying the trace was cut (an insn trace grows ~80 MB/s)\n"
        "  --trace-syntax S  intel (default) or att disassembly\n"
        "  --trace-insns A-B trace only instructions A..B (count from 0; B may be empty)\n"
        "  --trace-addr R    trace only code at linear LO-HI (hex) or in SYMBOL\n"
        "  --trace-cpl N     trace only code running at CPL N (0-3)\n"
        "  --trace-ring N    keep the last N instructions; print them if the run ends\n"
        "                    abnormally (triple fault, signal) and on SIGUSR2\n"
        "  --symbols FILE    guest symbols: an ELF or a System.map/kallsyms text file\n"
        "                    (repeatable; a -kernel ELF's own symbols load by default)\n"
        "  --max-insns N     stop after N instructions\n"
        "  --stats           print counters at exit and on SIGUSR1 (stderr)\n"
        "  --stats-format F  text (default) or json\n"
        "  --report popek-goldberg\n"
        "                    after the run, list the sensitive-unprivileged\n"
        "                    instructions the guest executed and what each would do\n"
        "                    wrong under trap-and-emulate at ring 1 (stderr)\n"
        "  -gdb tcp:HOST:PORT  gdb remote stub; HOST empty = 127.0.0.1; PORT 0 = any\n"
        "                    free port (the chosen one is printed)\n"
        "  -s                same as -gdb tcp:127.0.0.1:1234\n"
        "  -S                wait for gdb before the first instruction\n"
        "  --reverse-every N instructions between the gdb stub's snapshots for\n"
        "                    reverse-stepi/-continue (default %u; 0: no reverse\n"
        "                    execution); at most %u kept, thinned by doubling N\n"
        "  -hda/-hdb/-hdc/-hdd FILE\n"
        "                    raw disk image (size a multiple of 512) as IDE primary\n"
        "                    master/slave, secondary master/slave; locked against a\n"
        "                    second user; writes are whole sectors, flushed on FLUSH\n"
        "                    CACHE and at exit\n"
        "  -cdrom FILE       raw CD image (ISO, size a multiple of 2048) in an ATAPI\n"
        "                    drive on the secondary master (instead of -hdc)\n"
        "  -fda/-fdb FILE    raw floppy image in drive A:/B: of the 82077AA controller;\n"
        "                    the size picks the medium: 360 KiB, 720 KiB, 1.2 MiB,\n"
        "                    1.44 MiB or 2.88 MiB; locked like disks, -snapshot applies\n"
        "  -snapshot         disk writes stay in memory; image files are not written\n"
        "  -boot ORDER       boot devices in order, up to three of: c (hard disk),\n"
        "                    d (CD-ROM), a (floppy), n (network); default cd; with\n"
        "                    a floppy cad (as QEMU's).\n"
        "                    Given to SeaBIOS in CMOS 0x3D/0x38 (also order=ORDER)\n"
        "  -vga-bios FILE    VGA option ROM (default /usr/share/seabios/vgabios-stdvga.bin)\n"
        "  -display sdl|text|none  sdl: a window with the screen in every VGA and VBE\n"
        "                    mode, the PC keyboard and a PS/2 mouse (grabbed on a\n"
        "                    click); Ctrl+Alt+ G releases the mouse, S screenshot\n"
        "                    (PNG), P pause, R reset, O ACPI power button, Q quit;\n"
        "                    closing the window presses the power button, a second\n"
        "                    close quits (docs/display.md). The default when a\n"
        "                    display is available (DISPLAY or WAYLAND_DISPLAY), else\n"
        "                    none. text: the VGA text screen in the terminal (ANSI\n"
        "                    colours), keys typed go to the guest's keyboard;\n"
        "                    Ctrl-A x quits, Ctrl-A a sends Ctrl-A\n"
        "  --sdl-script FILE timed SDL input events and screenshots for tests of\n"
        "                    -display sdl (format: frontends/sdl/sdl_script.h)\n"
        "  -name NAME        the guest's name in the window title (default: the\n"
        "                    disk, CD, kernel or firmware file's name)\n"
        "  --screendump FILE at exit, save the screen: text modes as UTF-8 text (one\n"
        "                    line per row), graphics modes as a PNG (FILE.png) or\n"
        "                    PPM image\n"
        "  --save-state FILE save the whole machine to FILE (atomically): at exit, or\n"
        "                    at --save-at N instead; also whenever SIGUSR2 arrives\n"
        "  --save-at N       save after N instructions (counted from power-on) and\n"
        "                    keep running\n"
        "  --load-state FILE resume the machine saved in FILE; the other options must\n"
        "                    describe the same machine (RAM, images and their\n"
        "                    contents, -append, -snapshot, ...) and build, else it is\n"
        "                    refused naming the difference; --no-dbt and --mmu may\n"
        "                    differ\n"
        "  -record FILE      log every input from outside (serial bytes, keys,\n"
        "                    mouse, power button, quit) with its instruction count,\n"
        "                    the images' identities and a machine-state hash every\n"
        "                    --checkpoint-every instructions; disk writes stay in\n"
        "                    memory (as -snapshot)\n"
        "  -replay FILE      run a recorded log again: the same machine options\n"
        "                    (changed images are refused), inputs from the log, each\n"
        "                    checkpoint compared; a mismatch is narrowed to the first\n"
        "                    differing instruction and reported (exit status 12)\n"
        "  --checkpoint-every N  instructions between state hashes (default %u)\n"
        "  --record-plain    write the log without zlib compression\n"
        "  --replay-perturb insn:N|serial:K\n"
        "                    testing the checker: flip bit 0 of EAX after instruction\n"
        "                    N, or of the K-th (from 0) recorded serial input byte\n"
        "  -h, --help        show this help\n"
        "\n"
        "Board: i8259A PIC pair (+ELCR), i8254 PIT (+port 0x61), MC146818 RTC/CMOS,\n"
        "16550A UARTs (COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3), i8042 keyboard\n"
        "controller with PS/2 keyboard and mouse, port 0x92 (fast A20, reset),\n"
        "reset control 0xCF9, fw_cfg (0x510/0x511), ACPI: PIIX4 power management\n"
        "at PCI 00:01.3 (PM block at 0x600, PM timer, SCI IRQ 9) and ACPI tables\n"
        "(SeaBIOS installs them; with -kernel the RSDP is at 0xE0000).\n"
        "Guest-visible debug devices: port 0xE9 console, port 0x80 POST code,\n"
        "port 0x402 SeaBIOS log, port 0xF4 exit (write V: shadow86 exits with\n"
        "status (V << 1) | 1).\n"
        "\n"
        "Exit status:\n"
        "  0    the guest powered the machine off (ACPI S5: e.g. Linux's poweroff),\n"
        "       or the CPU halted with nothing able to wake it: IF=0, every IRQ\n"
        "       masked, or no timer armed (a line on stderr says which and\n"
        "       gives CS:EIP, the instruction count and the last POST code)\n"
        "  odd  (V << 1) | 1 after the guest wrote V to port 0xF4 (8 bits kept)\n"
        "  2    bad command line or input file (one line on stderr)\n"
        "  4    triple fault with -no-reboot (one line on stderr)\n"
        "  6    --max-insns reached (one line on stderr)\n"
        "  8    the gdb client killed the run\n"
        "  10   the guest reset the machine with -no-reboot (one line on stderr)\n"
        "  12   --lockstep found the engines disagreeing, or -replay found the run\n"
        "       leaving the recorded one (a report on stderr)\n"
        "  14   an output (-debugcon, -serial file:, -seabios-log, --trace-file)\n"
        "       could not be written (one line on stderr each; overrides the above)\n"
        "  128+N  ended by signal N (SIGINT, SIGTERM; the --trace-ring is printed)\n",
        CLI_DEFAULT_BIOS, MACHINE_RAM_MIN_MIB, MACHINE_RAM_MAX_MIB, MACHINE_RAM_DEFAULT_MIB,
        TRACE_CATEGORY_NAMES, GDB_HISTORY_DEFAULT_EVERY, GDB_HISTORY_MAX_SNAPS,
        CLI_DEFAULT_CHECKPOINT_EVERY);
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

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errsz)
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
        case OPT_RTC:
            if (cli_parse_rtc(val, o, err, errsz) != 0)
                return -1;
            break;
        case OPT_HDA: case OPT_HDB: case OPT_HDC: case OPT_HDD:
            o->hd[opt_table[found].id - OPT_HDA] = val;
            break;
        case OPT_CDROM: o->cdrom = val; break;
        case OPT_FDA: case OPT_FDB:
            o->fd[opt_table[found].id - OPT_FDA] = val;
            break;
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
            if (opt_table[found].id == OPT_SAVE_STATE)
                o->save_state = val;
            else if (opt_table[found].id == OPT_LOAD_STATE)
                o->load_state = val;
            else if (opt_table[found].id == OPT_RECORD)
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
        case OPT_REVERSE_EVERY:
            if (strcmp(val, "0") == 0)
                o->reverse_every = 0;   /* off */
            else if (parse_count("reverse-every", val, &o->reverse_every, err, errsz) != 0)
                return -1;
            o->reverse_every_set = 1;
            break;
        case OPT_REPLAY_PERTURB: o->perturb = val; break;
        }
    }
    if (o->help)
        return 0;
    if (!o->bios && !o->kernel)
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
    if ((o->record || o->replay) && (o->lockstep || o->rtc_clock_host)) {
        /* Lockstep runs a twin the log does not drive. Host time is
         * logged (machine/replay.c's tap) but its replay still leaves the
         * recording at the first checkpoint (docs/replay.md). */
        snprintf(err, errsz, "%s cannot be combined with %s yet", o->record ? "-record" : "-replay",
                 o->lockstep ? "--lockstep" : "-rtc clock=host");
        return -1;
    }
    if (o->reverse_every_set && !o->gdb) {
        snprintf(err, errsz, "--reverse-every needs a gdb stub (-s or -gdb tcp:HOST:PORT)");
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
    if (o->start_stopped && !o->gdb) {
        snprintf(err, errsz, "-S needs a gdb stub (-s or -gdb tcp:HOST:PORT)");
        return -1;
    }
    return 0;
}
