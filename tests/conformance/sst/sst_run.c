/* sst-run: runs SingleStepTests MOO files through the interpreter.
 *
 *   sst-run DIR [--filter PATTERN] [--index N] [--verbose] [--max-fail-print N]
 *   sst-run --list DIR [--filter PATTERN] [--index N]
 *
 * Every *.MOO / *.MOO.gz file of DIR (sorted by name) is run test by test;
 * DIR/metadata.json gives each form's status and undefined-flags mask and
 * DIR/revocation_list.txt the hashes of bad tests. Each test ends up in
 * exactly one bucket:
 *   passed / failed            -- graded tests;
 *   apart: undefined           -- forms the metadata calls undefined (run,
 *                                 but never counted as passes);
 *   apart: fpu                 -- ESC D8-DF: the reference 286 had no
 *                                 coprocessor, shadow86 models an x87;
 *   apart: revoked             -- listed in revocation_list.txt (not run);
 *   apart: known differences   -- a failure wholly explained by a
 *                                 documented 286-vs-386 difference
 *                                 (known_diffs.c).
 * A file that cannot be read counts as one failure. The last line of the
 * output is exactly "N passed, M failed"; the exit status is 0 iff M == 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known_diffs.h"
#include "moo.h"
#include "sst_exec.h"
#include "sst_meta.h"
#include "sst_revoked.h"

enum category { CAT_PASS, CAT_FAIL, CAT_UNDEFINED, CAT_FPU, CAT_REVOKED, CAT_KNOWN, CAT_COUNT };

struct options {
    const char *dir;
    const char *filter;        /* comma-separated globs over form names, or NULL */
    long index;                /* only this test index, or -1 */
    int verbose;
    int list;
    long max_fail_print;       /* failing tests detailed per file */
};

struct tally {
    uint64_t cat[CAT_COUNT];
    uint64_t apart_matched[CAT_COUNT]; /* undefined/fpu tests that matched the 286 anyway */
    uint64_t known[16];                /* per known-difference entry */
    uint64_t errors;                   /* unreadable files / malformed tests */
    uint64_t stray_files;              /* files after which RAM was dirty */
};

/* Per-test record kept while a file is processed. */
struct test_rec {
    size_t offset;
    uint32_t ordinal;
    uint16_t flags_mask;
    uint8_t cat;
    uint8_t matched;           /* the run matched the reference */
    int8_t known;              /* CAT_KNOWN: index into sst_known_diffs */
};

struct runner {
    struct options opt;
    struct sst_meta *meta;     /* NULL when the directory has no metadata.json */
    struct sst_revoked revoked;
    struct sst_exec *exec;
    struct tally total;
    struct test_rec *recs;
    size_t recs_cap;
};

static const char *cat_name(enum category c)
{
    static const char *const names[CAT_COUNT] = { "pass", "FAIL", "undefined", "fpu", "revoked", "known-diff" };
    return names[c];
}

/* ---- classification ---------------------------------------------------- */

static struct sst_form_meta form_meta(const struct runner *rn, const struct sst_form *f)
{
    if (!rn->meta)
        return (struct sst_form_meta){ SST_STATUS_UNKNOWN, 0xFFFF };
    return sst_meta_lookup(rn->meta, f->two_byte, f->opcode, f->has_modrm ? (f->modrm >> 3) & 7 : -1);
}

static enum category graded_category(enum sst_status s)
{
    if (s == SST_STATUS_UNDEFINED)
        return CAT_UNDEFINED;
    if (s == SST_STATUS_FPU)
        return CAT_FPU;
    return CAT_PASS; /* graded: pass or fail decided by the run */
}

/* Runs one test and decides its category. */
static void run_one(struct runner *rn, struct moo_file *mf, const struct moo_test *t, struct test_rec *rec,
                    int audit, struct sst_result *res)
{
    struct sst_form f;
    sst_form_decode(t, &f);
    struct sst_form_meta m = form_meta(rn, &f);
    rec->flags_mask = m.flags_mask;
    rec->known = -1;
    rec->matched = 0;
    sst_exec_run(rn->exec, t, m.flags_mask, &mf->rmsk, f.rep, audit, res);
    rec->matched = (uint8_t)res->pass;
    enum category c = graded_category(m.status);
    if (c == CAT_PASS && !res->pass) {
        struct sst_known_ctx kc = { t, &f, res, rn->exec, m.flags_mask, &mf->rmsk };
        int k = sst_known_diff_match(&kc);
        c = k >= 0 ? CAT_KNOWN : CAT_FAIL;
        rec->known = (int8_t)k;
    }
    rec->cat = (uint8_t)c;
}

/* ---- failure report ---------------------------------------------------- */

static void print_flag_names(uint16_t bits)
{
    static const char *const names[16] = { "CF", "1", "PF", "3", "AF", "5", "ZF", "SF",
                                           "TF", "IF", "DF", "OF", "IOPL0", "IOPL1", "NT", "15" };
    for (int i = 0; i < 16; i++)
        if (bits >> i & 1)
            printf(" %s", names[i]);
}

static void print_failure(const char *file, const struct moo_test *t, const struct test_rec *rec,
                          const struct sst_result *r)
{
    printf("  %s %s #%u (index %u) \"%s\" bytes:", rec->cat == CAT_KNOWN ? "KNOWN" : cat_name(rec->cat), file,
           t->ordinal, t->index, t->name);
    for (uint32_t i = 0; i < t->nbytes; i++)
        printf(" %02x", t->bytes[i]);
    printf("\n");
    if (rec->cat == CAT_KNOWN)
        printf("      explained by known difference '%s'\n", sst_known_diffs[rec->known].id);
    if (r->end == SST_END_NO_HALT)
        printf("      did not halt within %llu instructions\n", (unsigned long long)r->insns);
    else if (r->end == SST_END_SHUTDOWN)
        printf("      shutdown (triple fault)\n");
    else if (r->end == SST_END_STOP)
        printf("      stopped by the watchdog: cpu_run() did not return (exception loop?)\n");
    if (t->has_excp)
        printf("      reference raised vector %u (FLAGS image at 0x%05x)\n", t->excp_vector, t->excp_flags_addr);
    int ours = 0;
    for (int v = 0; v < 32; v++) {
        if (r->exceptions[v]) {
            printf("%s#%d", ours ? ", " : "      ours delivered: ", v);
            ours = 1;
        }
    }
    if (ours)
        printf("\n");
    for (int i = 0; i < MOO_REG_COUNT; i++) {
        if (!(r->reg_diff >> i & 1))
            continue;
        printf("      %-5s expected %04x got %04x", moo_reg_names[i], r->expected[i], r->got[i]);
        if (r->cmp_mask[i] != 0xFFFF)
            printf(" (mask %04x)", r->cmp_mask[i]);
        if (i == MOO_FLAGS) {
            printf(" differs:");
            print_flag_names(r->expected[i] ^ r->got[i]);
        }
        printf("\n");
    }
    for (uint32_t i = 0; i < r->ram_diffs && i < SST_MAX_RAM_DIFFS; i++)
        printf("      ram[%05x] expected %02x got %02x%s\n", r->ram[i].addr, r->ram[i].expected, r->ram[i].got,
               r->ram[i].mask != 0xFF ? " (masked FLAGS image byte)" : "");
    if (r->ram_diffs > SST_MAX_RAM_DIFFS)
        printf("      ... %u RAM bytes differ in all\n", r->ram_diffs);
    for (uint32_t i = 0; i < r->stray && i < SST_MAX_STRAY; i++)
        printf("      stray write: ram[%05x] = %02x (not in INIT/FINA)\n", r->stray_at[i].addr, r->stray_at[i].got);
    if (r->stray > SST_MAX_STRAY)
        printf("      ... %u stray bytes in all\n", r->stray);
}

/* ---- one file ---------------------------------------------------------- */

static int want_index(const struct runner *rn, const struct moo_test *t)
{
    return rn->opt.index < 0 || (long)t->index == rn->opt.index;
}

static void list_test(const struct moo_test *t)
{
    printf("#%u index %u \"%s\" bytes:", t->ordinal, t->index, t->name);
    for (uint32_t i = 0; i < t->nbytes; i++)
        printf(" %02x", t->bytes[i]);
    printf("\n  init:");
    for (int i = 0; i < MOO_REG_COUNT; i++)
        printf(" %s=%04x", moo_reg_names[i], t->init.regs.v[i]);
    printf(" ram=%u\n  fina:", t->init.ram.count);
    for (int i = 0; i < MOO_REG_COUNT; i++)
        if (t->fina.regs.mask >> i & 1)
            printf(" %s=%04x", moo_reg_names[i], t->fina.regs.v[i]);
    printf(" ram=%u", t->fina.ram.count);
    for (uint32_t i = 0; i < t->fina.ram.count && i < 8; i++)
        printf(" [%05x]=%02x", moo_ram_addr(&t->fina.ram, i), moo_ram_value(&t->fina.ram, i));
    if (t->has_excp)
        printf("\n  exception %u, FLAGS image at %05x", t->excp_vector, t->excp_flags_addr);
    printf("\n");
}

static struct test_rec *rec_push(struct runner *rn, size_t n)
{
    if (n == rn->recs_cap) {
        size_t cap = rn->recs_cap ? rn->recs_cap * 2 : 1024;
        struct test_rec *bigger = realloc(rn->recs, cap * sizeof(*bigger));
        if (!bigger)
            return NULL;
        rn->recs = bigger;
        rn->recs_cap = cap;
    }
    return &rn->recs[n];
}

static void count_rec(struct tally *ft, const struct test_rec *rec)
{
    ft->cat[rec->cat]++;
    if ((rec->cat == CAT_UNDEFINED || rec->cat == CAT_FPU) && rec->matched)
        ft->apart_matched[rec->cat]++;
    if (rec->cat == CAT_KNOWN && rec->known >= 0 && rec->known < 16)
        ft->known[rec->known]++;
}

static void add_tally(struct tally *to, const struct tally *from)
{
    for (int c = 0; c < CAT_COUNT; c++) {
        to->cat[c] += from->cat[c];
        to->apart_matched[c] += from->apart_matched[c];
    }
    for (int k = 0; k < 16; k++)
        to->known[k] += from->known[k];
    to->errors += from->errors;
    to->stray_files += from->stray_files;
}

static void process_file(struct runner *rn, const char *path, const char *base)
{
    struct moo_file mf;
    struct moo_test t;
    struct sst_result res;
    struct tally ft;
    char err[512];
    memset(&ft, 0, sizeof(ft));
    if (moo_open(&mf, path, err, sizeof(err))) {
        printf("ERROR %s\n", err);
        rn->total.errors++;
        return;
    }
    size_t n = 0;
    int r;
    /* Pass 1: run every test with no per-test RAM scan. */
    while ((r = moo_next(&mf, &t, err, sizeof(err))) > 0) {
        if (!want_index(rn, &t))
            continue;
        if (rn->opt.list) {
            list_test(&t);
            continue;
        }
        struct test_rec *rec = rec_push(rn, n);
        if (!rec) {
            snprintf(err, sizeof(err), "%s: out of memory", path);
            r = -1;
            break;
        }
        const char *why;
        if (sst_exec_validate(&t, &why)) {
            snprintf(err, sizeof(err), "%s: test #%u (index %u): %s", path, t.ordinal, t.index, why);
            r = -1;
            break;
        }
        rec->offset = t.offset;
        rec->ordinal = t.ordinal;
        rec->known = -1;
        rec->matched = 0;
        if (t.has_hash && sst_revoked_has(&rn->revoked, t.hash)) {
            rec->cat = CAT_REVOKED;
        } else {
            run_one(rn, &mf, &t, rec, 0, &res);
        }
        n++;
    }
    if (r < 0) {
        printf("ERROR %s\n", err);
        ft.errors++;
    }
    if (rn->opt.list) {
        moo_close(&mf);
        add_tally(&rn->total, &ft);
        return;
    }
    /* Every byte our CPU wrote outside the test's INIT/FINA lists is still
     * in RAM: if there is any, run the file again scanning after each test
     * to name the tests that wrote it (see sst_exec.h). */
    if (n && sst_exec_sweep(rn->exec)) {
        ft.stray_files++;
        for (size_t i = 0; i < n; i++) {
            struct test_rec *rec = &rn->recs[i];
            if (rec->cat == CAT_REVOKED)
                continue;
            if (moo_test_at(&mf, rec->offset, rec->ordinal, &t, err, sizeof(err)) < 0)
                continue; /* decoded fine in pass 1 */
            run_one(rn, &mf, &t, rec, 1, &res);
        }
        memset(rn->exec->dirty_block, 0, sizeof(rn->exec->dirty_block));
    }
    for (size_t i = 0; i < n; i++)
        count_rec(&ft, &rn->recs[i]);

    uint64_t apart = ft.cat[CAT_UNDEFINED] + ft.cat[CAT_FPU] + ft.cat[CAT_REVOKED] + ft.cat[CAT_KNOWN];
    printf("%-16s %5zu tests: %5llu passed, %5llu failed, %5llu apart", base, n,
           (unsigned long long)ft.cat[CAT_PASS], (unsigned long long)ft.cat[CAT_FAIL], (unsigned long long)apart);
    if (apart) {
        printf(" (");
        const char *sep = "";
        for (int c = CAT_UNDEFINED; c < CAT_COUNT; c++) {
            if (ft.cat[c]) {
                printf("%s%s %llu", sep, cat_name(c), (unsigned long long)ft.cat[c]);
                sep = ", ";
            }
        }
        printf(")");
    }
    if (ft.stray_files)
        printf(" [stray RAM writes detected]");
    printf("\n");

    /* Details, re-running the tests with the per-test RAM scan on. */
    long shown = 0;
    for (size_t i = 0; i < n; i++) {
        struct test_rec rec = rn->recs[i];
        int detail = rec.cat == CAT_FAIL && shown < rn->opt.max_fail_print;
        if (!detail && !rn->opt.verbose)
            continue;
        if (moo_test_at(&mf, rec.offset, rec.ordinal, &t, err, sizeof(err)) < 0)
            continue;
        if (rec.cat == CAT_REVOKED) {
            printf("  revoked %s #%u (index %u) \"%s\"\n", base, t.ordinal, t.index, t.name);
            continue;
        }
        run_one(rn, &mf, &t, &rec, 1, &res);
        if (detail || (rn->opt.verbose && !res.pass && rec.cat != CAT_FAIL)) {
            print_failure(base, &t, &rec, &res);
            shown += detail;
        } else {
            printf("  %s %s #%u (index %u) \"%s\"%s\n", cat_name(rec.cat), base, t.ordinal, t.index, t.name,
                   rec.cat == CAT_UNDEFINED || rec.cat == CAT_FPU ? (res.pass ? " (matched)" : " (differed)") : "");
        }
    }
    if (ft.cat[CAT_FAIL] > (uint64_t)shown && shown > 0)
        printf("  ... %llu more failures in %s\n", (unsigned long long)(ft.cat[CAT_FAIL] - (uint64_t)shown), base);
    moo_close(&mf);
    add_tally(&rn->total, &ft);
}

/* ---- directory --------------------------------------------------------- */

/* The form name of a MOO file ("80.0" for "80.0.MOO.gz"), or 0 if the
 * name is not a MOO file. */
static int form_name(const char *file, char *out, size_t outlen)
{
    size_t len = strlen(file);
    static const char *const exts[] = { ".MOO.gz", ".moo.gz", ".MOO", ".moo" };
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t el = strlen(exts[i]);
        if (len > el && strcmp(file + len - el, exts[i]) == 0 && len - el < outlen) {
            memcpy(out, file, len - el);
            out[len - el] = '\0';
            return 1;
        }
    }
    return 0;
}

static int filter_match(const char *filter, const char *form)
{
    if (!filter)
        return 1;
    char buf[256];
    const char *p = filter;
    while (*p) {
        size_t l = strcspn(p, ",");
        if (l < sizeof(buf)) {
            memcpy(buf, p, l);
            buf[l] = '\0';
            if (fnmatch(buf, form, 0) == 0)
                return 1;
        }
        p += l;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the sorted MOO file names of dir. Returns the count, -1 on error. */
static long collect_files(const char *dir, const char *filter, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char form[256];
        if (!form_name(e->d_name, form, sizeof(form)) || !filter_match(filter, form))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **bigger = realloc(names, cap * sizeof(*names));
            if (!bigger)
                break;
            names = bigger;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    return (long)n;
}

/* ---- summary ----------------------------------------------------------- */

static void print_summary(const struct runner *rn, long files)
{
    const struct tally *t = &rn->total;
    uint64_t failed = t->cat[CAT_FAIL] + t->errors;
    printf("\n== SingleStepTests summary: %s ==\n", rn->opt.dir);
    printf("files: %ld; unreadable files or malformed tests: %llu (each counted as one failure)\n", files,
           (unsigned long long)t->errors);
    if (t->stray_files)
        printf("files after which our CPU had written RAM outside the tests' lists: %llu\n",
               (unsigned long long)t->stray_files);
    printf("graded: %llu passed, %llu failed\n", (unsigned long long)t->cat[CAT_PASS],
           (unsigned long long)t->cat[CAT_FAIL]);
    printf("apart (not counted as passes or failures):\n");
    printf("  undefined: %llu (metadata status 'undefined'; %llu matched the 286 anyway)\n",
           (unsigned long long)t->cat[CAT_UNDEFINED], (unsigned long long)t->apart_matched[CAT_UNDEFINED]);
    printf("  fpu:       %llu (ESC D8-DF: the reference 286 had no coprocessor, shadow86 models an x87; "
           "%llu matched anyway)\n",
           (unsigned long long)t->cat[CAT_FPU], (unsigned long long)t->apart_matched[CAT_FPU]);
    printf("  revoked:   %llu (listed in revocation_list.txt; not run)\n", (unsigned long long)t->cat[CAT_REVOKED]);
    printf("  known 286-vs-386 differences: %llu\n", (unsigned long long)t->cat[CAT_KNOWN]);
    for (int k = 0; k < sst_known_diff_count && k < 16; k++) {
        const struct sst_known_diff *d = &sst_known_diffs[k];
        printf("    %-14s %7llu  %s\n%25s%s\n%25sref: %s\n", d->id, (unsigned long long)t->known[k], d->forms, "",
               d->what, "", d->reference);
    }
    printf("%llu passed, %llu failed\n", (unsigned long long)t->cat[CAT_PASS], (unsigned long long)failed);
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: sst-run DIR [--filter PATTERN[,PATTERN...]] [--index N] [--verbose] [--max-fail-print N]\n"
                    "       sst-run --list DIR [--filter PATTERN] [--index N]\n"
                    "PATTERN is a glob over form names, e.g. '80.*', 'C?', 'F7.6'.\n");
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->index = -1;
    o->max_fail_print = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--verbose")) {
            o->verbose = 1;
        } else if (!strcmp(a, "--list")) {
            o->list = 1;
        } else if (!strcmp(a, "--filter") && i + 1 < argc) {
            o->filter = argv[++i];
        } else if (!strcmp(a, "--index") && i + 1 < argc) {
            if (parse_long(argv[++i], &o->index)) {
                fprintf(stderr, "sst-run: --index: not a test index: '%s'\n", argv[i]);
                return -1;
            }
        } else if (!strcmp(a, "--max-fail-print") && i + 1 < argc) {
            if (parse_long(argv[++i], &o->max_fail_print)) {
                fprintf(stderr, "sst-run: --max-fail-print: not a count: '%s'\n", argv[i]);
                return -1;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sst-run: unknown or incomplete option '%s'\n", a);
            return -1;
        } else if (!o->dir) {
            o->dir = a;
        } else {
            fprintf(stderr, "sst-run: more than one directory given ('%s')\n", a);
            return -1;
        }
    }
    if (!o->dir) {
        usage();
        return -1;
    }
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t l = strlen(dir) + strlen(name) + 2;
    char *p = malloc(l);
    if (p)
        snprintf(p, l, "%s/%s", dir, name);
    return p;
}

static void free_files(char **files, long n)
{
    for (long i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

int main(int argc, char **argv)
{
    struct runner rn;
    memset(&rn, 0, sizeof(rn));
    if (parse_args(argc, argv, &rn.opt))
        return 2;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);

    char **files = NULL;
    long nfiles = collect_files(rn.opt.dir, rn.opt.filter, &files);
    if (nfiles <= 0) {
        if (nfiles < 0)
            fprintf(stderr, "sst-run: %s: %s (the SingleStepTests vectors are missing: this directory should hold "
                            "the suite's *.MOO.gz files and metadata.json)\n",
                    rn.opt.dir, strerror(errno));
        else
            fprintf(stderr, "sst-run: %s: no *.MOO or *.MOO.gz files%s\n", rn.opt.dir,
                    rn.opt.filter ? " match the filter" : " (the SingleStepTests vectors are missing)");
        free_files(files, nfiles < 0 ? 0 : nfiles);
        printf("0 passed, 1 failed\n");
        return 1;
    }

    int status = 2;
    int exec_ready = 0;
    char err[512];
    char *meta_path = join(rn.opt.dir, "metadata.json");
    char *rev_path = join(rn.opt.dir, "revocation_list.txt");
    rn.meta = malloc(sizeof(*rn.meta));
    rn.exec = malloc(sizeof(*rn.exec));
    if (!meta_path || !rev_path || !rn.meta || !rn.exec) {
        fprintf(stderr, "sst-run: out of memory\n");
        goto out;
    }
    if (sst_meta_load(rn.meta, meta_path, err, sizeof(err))) {
        FILE *probe = fopen(meta_path, "r");
        if (probe) {
            fclose(probe);
            fprintf(stderr, "sst-run: %s\n", err);
            goto out;
        }
        fprintf(stderr, "sst-run: warning: %s: no metadata; every form is graded with no FLAGS masked\n", meta_path);
        free(rn.meta);
        rn.meta = NULL;
    }
    if (sst_revoked_load(&rn.revoked, rev_path, err, sizeof(err))) {
        fprintf(stderr, "sst-run: %s\n", err);
        goto out;
    }
    if (!rn.opt.list) {
        if (sst_exec_init(rn.exec)) {
            fprintf(stderr, "sst-run: cannot allocate guest RAM: %s\n", strerror(errno));
            goto out;
        }
        exec_ready = 1;
    }

    for (long i = 0; i < nfiles; i++) {
        char *path = join(rn.opt.dir, files[i]);
        if (!path) {
            fprintf(stderr, "sst-run: out of memory\n");
            goto out;
        }
        process_file(&rn, path, files[i]);
        fflush(stdout);
        free(path);
    }

    uint64_t failed = rn.total.cat[CAT_FAIL] + rn.total.errors;
    if (!rn.opt.list)
        print_summary(&rn, nfiles);
    status = (rn.opt.list ? rn.total.errors : failed) ? 1 : 0;
out:
    if (exec_ready)
        sst_exec_free(rn.exec);
    free_files(files, nfiles);
    free(rn.exec);
    free(rn.meta);
    free(rn.recs);
    free(meta_path);
    free(rev_path);
    sst_revoked_free(&rn.revoked);
    return status;
}
