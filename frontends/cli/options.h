/* The command line, QEMU style: every option takes one or two leading
 * dashes, and a value either as the next argument or after '='
 * ("-m 64", "--m=64", "--trace=insn", "--trace insn").
 */
#ifndef SHADOW86_CLI_OPTIONS_H
#define SHADOW86_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine/machine.h"
#include "frontends/cli/net_options.h"

struct cli_options {
    const char *bios;          /* -bios FILE */
    const char *kernel;        /* -kernel FILE */
    int kernel_boot_firmware;  /* -kernel-boot firmware (else direct) */
    int kernel_boot_given;
    const char *initrd;        /* -initrd FILE */
    const char *append;        /* -append STRING */
    uint32_t ram_mib;          /* -m SIZE */
    const char *debugcon;      /* -debugcon stdio|none|FILE */
    int no_reboot;             /* -no-reboot */
    int no_apic;               /* -machine apic=off */
    int x2apic;                /* -machine x2apic=on */
    unsigned smp;              /* -smp N (0: not given, one CPU) */
    int no_dbt;                /* --no-dbt */
    uint32_t code_cache_mib;   /* --code-cache MB (0: DBT_CACHE_DEFAULT_MIB) */
    int lockstep;              /* --lockstep (1), --lockstep-insn (2) */
    enum mmu_mode mmu_mode;    /* --mmu=nested|shadow */
    int dbt_backend_set;       /* --backend given */
    enum dbt_backend dbt_backend;   /* --backend x86-64|portable */
    size_t code_buffer_bytes;  /* --code-buffer N[K] (0: default) */
    unsigned trace;            /* --trace=LIST: enum trace_category mask */
    const char *trace_file;    /* --trace-file FILE (default: stderr) */
    uint64_t trace_max_mib;    /* --trace-max MB (0: no limit) */
    int stats;                 /* --stats */
    uint32_t host_mem_mib;     /* --host-mem MB (0: no limit) */
    const char *swap;          /* --swap FILE */
    uint32_t share_scan;       /* --share-scan N pages per million instructions */
    uint64_t stats_interval_ms;   /* --stats-interval MS (0: off) */
    /* debug/ options (docs/debug.md) */
    int trace_att;             /* --trace-syntax att */
    uint64_t trace_from, trace_to;   /* --trace-insns FROM-TO (to = UINT64_MAX: open) */
    const char *trace_addr;    /* --trace-addr LO-HI | SYMBOL (resolved after symbols load) */
    int trace_cpl;             /* --trace-cpl N; -1 any */
    uint32_t trace_ring;       /* --trace-ring N; 0 off */
#define CLI_MAX_SYMBOL_FILES 8
    const char *symbols[CLI_MAX_SYMBOL_FILES];  /* --symbols FILE (repeatable) */
    unsigned nsymbols;
    int stats_json;            /* --stats-format json */
    int report_pg;             /* --report popek-goldberg */
    const char *gdb;           /* -gdb tcp:HOST:PORT, or -s's default */
    int start_stopped;         /* -S */
    uint64_t max_insns;        /* --max-insns N (0: unlimited) */
    const char *seabios_log;   /* -seabios-log DEST (port 0x402) */
    int rtc_clock_host;        /* -rtc clock=host */
    int rtc_base_utc;          /* -rtc base=utc: the host's current time */
    int rtc_base_set;          /* -rtc base=DATE given */
    int64_t rtc_base;          /* ... as seconds since 1970 */
    const char *boot_order;    /* boot order letters (a, c, d, n) */
    const char *serial[2];     /* -serial DEST for COM1, COM2 */
    int nserial;
    int nographic;             /* -nographic: COM1 on stdio unless -serial given */
    int help;                  /* --help / -h */
    /* Storage and display. */
    const char *hd[4];         /* -hda..-hdd FILE */
    const char *fd[2];         /* -fda, -fdb FILE */
    const char *cdrom;         /* -cdrom FILE */
    int snapshot;              /* -snapshot */
    const char *vga_bios;      /* -vga-bios FILE */
    int display_text;          /* -display text */
    int display_sdl;           /* -display sdl */
    int display_set;           /* -display given (else: sdl when a display is available) */
    const char *sdl_script;    /* --sdl-script FILE */
    const char *name;          /* -name NAME */
    const char *screendump;    /* --screendump FILE */
    const char *audio;         /* -audio sdl|wav:FILE|none (NULL: by the display) */
    /* Network (docs/network.md). */
    struct cli_nic nic;        /* -nic SPEC (default none) */
    const char *netdump;       /* -netdump FILE: pcap of the card's frames */
    /* Saved states and record/replay (docs/replay.md). */
    const char *save_state;    /* --save-state FILE */
    uint64_t save_at;          /* --save-at N (0: at exit) */
    const char *load_state;    /* --load-state FILE */
    const char *record;        /* -record FILE */
    const char *replay;        /* -replay FILE */
    uint64_t checkpoint_every; /* --checkpoint-every N (0: the default) */
    uint64_t reverse_every;    /* --reverse-every N (0: no reverse execution) */
    int reverse_every_set;
    int record_plain;          /* --record-plain: no zlib */
    const char *perturb;       /* --replay-perturb insn:N|serial:K (tests) */
    /* Memory overcommit (docs/overcommit.md). */
    int balloon;               /* -device virtio-balloon */
    int balloon_deflate_on_oom;   /* ...,deflate-on-oom=on */
    uint32_t balloon_target_mib;  /* -balloon-target MB (0: none) */
    const char *balloon_script;   /* -balloon-script FILE */
    /* Several guests (-vm; process-wide part only). */
    uint64_t vm_slice;         /* --vm-slice N (0: VMSET_SLICE_DEFAULT) */
    uint64_t balloon_watermark_mib;   /* --balloon-watermark MB (0: no policy) */
};

/* -vm: a command line of several guests, split. argv[0] of each part is
 * the program's; the process part holds the words before the first -vm,
 * each guest part the words up to the next -vm. */
#define CLI_VM_MAX 16
struct cli_vm_split {
    unsigned n;                /* guests (0: no -vm on the line) */
    int process_argc;
    char **process_argv;
    int argc[CLI_VM_MAX];
    char **argv[CLI_VM_MAX];
    char **words;              /* the storage of all of them */
};

/* Split argv at its -vm words (a value that happens to read "-vm" is not
 * one). Words before the first -vm must be process-wide options, words
 * after it a guest's. Returns 0 (s->n == 0 when there is no -vm), or -1
 * with a one-line message naming the misplaced option. */
int cli_split_vms(int argc, char **argv, struct cli_vm_split *s, char *err, size_t errsz);
void cli_vm_split_free(struct cli_vm_split *s);
/* Parse the process-wide part (cli_parse for what comes before -vm). */
int cli_parse_process(int argc, char **argv, struct cli_options *o, char *err, size_t errsz);

/* Parse argv. Returns 0, or -1 with a one-line message in err. */
int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errsz);

/* Parse a RAM size: a number of MiB, optionally suffixed M or G.
 * Returns 0, or -1 with a message. */
int cli_parse_ram_size(const char *s, uint32_t *mib, char *err, size_t errsz);

/* Parse the -rtc value into o. Returns 0, or -1 with a message. */
int cli_parse_rtc(const char *s, struct cli_options *o, char *err, size_t errsz);

/* The firmware used when neither -bios nor -kernel is given (Debian's
 * seabios package). */
#define CLI_DEFAULT_BIOS "/usr/share/seabios/bios.bin"

/* Instructions between two replay checkpoint hashes by default. */
#define CLI_DEFAULT_CHECKPOINT_EVERY 4000000u

/* The options, in the order of frontends/cli/options.def, with a heading
 * row (id < 0, names and arg NULL, help the title) before each group. */
struct cli_option_desc {
    int id;              /* enum opt_id (options.c) */
    const char *names;   /* spellings as shown, comma-separated: "-h, --help" */
    const char *arg;     /* the value's name; "" for a flag */
    const char *help;    /* one paragraph, with cli_expand_help's @NAMES@ */
};
extern const struct cli_option_desc cli_option_list[];
extern const size_t cli_option_count;

/* Copy in to out (size n, always terminated), replacing the @NAMES@ that
 * options.def's help texts use by their values. Returns the full length. */
size_t cli_expand_help(const char *in, char *out, size_t n);

/* The three renderings of options.def: --help text, README.md table
 * (GitHub markdown) and man page body (roff, -man macros). */
enum cli_doc_format { CLI_DOC_HELP, CLI_DOC_MARKDOWN, CLI_DOC_MAN };
void cli_print_options(FILE *out, enum cli_doc_format fmt);
void cli_print_notes(FILE *out, enum cli_doc_format fmt);
void cli_print_exit_status(FILE *out, enum cli_doc_format fmt);

/* --help: usage, cli_print_options, notes and exit statuses as text. */
void cli_print_help(FILE *out);

#endif
