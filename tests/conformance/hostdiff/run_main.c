/* hostdiff-run: the emulator side of the host differential.
 *
 *   hostdiff-run [--x87] --expect FILE [--engine E] [--only N] [--details N] [--histogram]
 *       regenerate every test of FILE's seed, run it on engine E (interp,
 *       the default; dbt; lockstep, the translator checked against the
 *       interpreter after every block; lockstep-insn, after every
 *       instruction) and compare with the native results in FILE;
 *       --backend portable|x86-64 picks the translator's backend (default:
 *       the host's, dbt_default_backend());
 *   hostdiff-run --expect FRESH --against RECORDED
 *       compare two native expectation files (the committed one with a
 *       fresh native run), under the same undefined-flag masks.
 * --x87 selects the x87 family (hd_x87.h); FILE must come from a native
 * --x87 run.
 *   hostdiff-run --trace N [--seed S]
 *       the x87 state after each instruction of x87 test N (beside
 *       hostdiff-native --seed S --trace N). Ends with "N passed, M failed"; exits nonzero if anything
 * failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_emulate.h"
#include "hd_gen.h"
#include "hd_report.h"
#include "hd_results.h"
#include "dbt/dbt.h"
#include "hd_x87.h"
#include "mmu/physmem.h"

struct options {
    const char *expect;
    const char *against;
    long only;
    unsigned details;
    int histogram;
    enum hd_engine engine;
    int backend;             /* --backend: enum dbt_backend, or -1 (the host's default) */
    unsigned family;
    long trace;
    uint32_t trace_seed;
};

static struct hd_test test;
static struct hd_result expected, actual;

static void usage(void)
{
    fprintf(stderr, "usage: hostdiff-run [--x87] --expect FILE [--against FILE] [--engine interp|dbt|lockstep|lockstep-insn] [--backend portable|x86-64] [--only N] [--details N] [--histogram]\n");
    exit(2);
}

static unsigned long parse_num(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *s == '\0' || *end != '\0' || v > 0xFFFFFFFFul) {
        fprintf(stderr, "hostdiff-run: bad value for %s: '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

static FILE *open_results(const char *path, struct hd_results_header *h, unsigned family)
{
    char err[160];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hostdiff-run: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    if (hd_results_read_header(f, h, err, sizeof err)) {
        fprintf(stderr, "hostdiff-run: %s: %s\n", path, err);
        exit(2);
    }
    if (h->fingerprint != hd_fingerprint_family(family, h->seed, h->count)) {
        fprintf(stderr, "hostdiff-run: %s: made by a different generator (fingerprint %08" PRIx32
                        "); regenerate it (target hostdiff-record)\n", path, h->fingerprint);
        exit(2);
    }
    return f;
}

static void read_result(FILE *f, const char *path, struct hd_result *r)
{
    char err[160];
    if (hd_results_read(f, &test, r, err, sizeof err)) {
        fprintf(stderr, "hostdiff-run: %s: %s\n", path, err);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    struct options o = { NULL, NULL, -1, 20, 0, HD_ENGINE_INTERP, -1, HD_FAMILY_INT, -1, 1 };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--expect") && i + 1 < argc)
            o.expect = argv[++i];
        else if (!strcmp(argv[i], "--against") && i + 1 < argc)
            o.against = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            o.only = (long)parse_num("--only", argv[++i]);
        else if (!strcmp(argv[i], "--details") && i + 1 < argc)
            o.details = (unsigned)parse_num("--details", argv[++i]);
        else if (!strcmp(argv[i], "--x87"))
            o.family = HD_FAMILY_X87;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            o.trace = (long)parse_num("--trace", argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            o.trace_seed = (uint32_t)parse_num("--seed", argv[++i]);
        else if (!strcmp(argv[i], "--histogram"))
            o.histogram = 1;
        else if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
            enum dbt_backend b;
            if (dbt_parse_backend(argv[++i], &b) != 0) {
                fprintf(stderr, "hostdiff-run: --backend: '%s' is not portable or x86-64\n",
                        argv[i]);
                return 2;
            }
            o.backend = (int)b;
        } else if (!strcmp(argv[i], "--engine") && i + 1 < argc) {
            int e = hd_engine_parse(argv[++i]);
            if (e < 0) {
                fprintf(stderr, "hostdiff-run: --engine: unknown engine '%s' "
                                "(interp, dbt, lockstep, lockstep-insn)\n", argv[i]);
                return 2;
            }
            o.engine = (enum hd_engine)e;
        }
        else
            usage();
    }
    if (o.trace >= 0) {
        /* The x87 state after each instruction of one x87 test (--seed S,
         * default 1), to set beside hostdiff-native --trace N. */
        struct physmem tpm;
        if (physmem_init(&tpm, HD_GUEST_RAM)) {
            fprintf(stderr, "hostdiff-run: cannot allocate guest RAM\n");
            return 2;
        }
        hd_generate_family(&test, HD_FAMILY_X87, o.trace_seed, (uint32_t)o.trace);
        uint32_t n = test.ninsns;
        for (uint32_t k = 1; k <= n; k++) {
            char why[200];
            hd_generate_family(&test, HD_FAMILY_X87, o.trace_seed, (uint32_t)o.trace);
            if (test.insns[k - 1].setup)
                continue;
            hd_x87_prefix(&test, k);
            if (hd_emulate(&tpm, &test, &actual, o.engine, o.backend, why, sizeof why))
                printf("%3u: %s\n", k, why);
            hd_x87_print_state(actual.mem, k);
        }
        physmem_free(&tpm);
        return 0;
    }
    if (!o.expect)
        usage();

    struct hd_results_header h, h2;
    FILE *f = open_results(o.expect, &h, o.family);
    FILE *g = NULL;
    if (o.against) {
        g = open_results(o.against, &h2, o.family);
        if (h2.seed != h.seed || h2.count != h.count) {
            fprintf(stderr, "hostdiff-run: %s and %s hold different runs (seed %" PRIu32 "/%" PRIu32
                            ", count %" PRIu32 "/%" PRIu32 ")\n",
                    o.expect, o.against, h.seed, h2.seed, h.count, h2.count);
            return 2;
        }
    }

    struct physmem pm;
    if (!g && physmem_init(&pm, HD_GUEST_RAM)) {
        fprintf(stderr, "hostdiff-run: cannot allocate guest RAM: %s\n", strerror(errno));
        return 2;
    }

    unsigned passed = 0, failed = 0;
    uint64_t insns = 0;
    for (uint32_t i = 0; i < h.count; i++) {
        hd_generate_family(&test, o.family, h.seed, i);
        read_result(f, o.expect, &expected);
        if (g)
            read_result(g, o.against, &actual);
        if (o.only >= 0 && (uint32_t)o.only != i)
            continue;
        char why[200];
        int bad;
        if (g) {
            bad = hd_diff_count(&test, &expected, &actual) != 0;
            why[0] = '\0';
        } else {
            bad = hd_emulate(&pm, &test, &actual, o.engine, o.backend, why, sizeof why) != 0;
            if (!bad)
                why[0] = '\0';
            bad |= hd_diff_count(&test, &expected, &actual) != 0;
        }
        insns += hd_tested_insns(&test);
        if (o.histogram)
            hd_histogram_add(&test);
        if (!bad) {
            passed++;
            continue;
        }
        if (failed++ < o.details)
            hd_print_failure(stdout, h.seed, &test, &expected, &actual,
                             g ? "recorded" : "emulator", why[0] ? why : NULL);
        else
            printf("FAIL test %" PRIu32 "\n", i);
    }
    fclose(f);
    if (g)
        fclose(g);
    else
        physmem_free(&pm);
    if (o.histogram)
        hd_histogram_print(stdout);
    if (failed > o.details)
        printf("(details shown for the first %u failures; --only N shows one)\n", o.details);
    printf("%u sequences, %" PRIu64 " instructions under test%s\n", passed + failed, insns,
           g ? " (native vs recorded)" : "");
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
