/* cpu/fp80*.c, the x87 arithmetic, checked bit for bit. The model is
 * Intel's x87 (CPUID says GenuineIntel family 6), so:
 * - on every host, against tests/unit/fp80_vectors/x87-intel.vec,
 *   recorded from an Intel host's x87 by fp80_vectors/gen_fp80_vectors.c,
 *   and x87-intel-corners.vec, the cases where Intel and AMD differ (from
 *   the Intel host's test_fp80 log); and against x87-amd-corners.vec, the
 *   same cases recorded on an AMD host, where every line must differ;
 * - on hosts whose x87 is an Intel one (CPUID vendor GenuineIntel), also
 *   against the live host x87 (inline assembly, see fp80_harness.h) over
 *   random and edge operands, for every operation, rounding mode,
 *   precision control (including the reserved one) and four
 *   exception-mask settings. Other vendors' x87s differ in corners the
 *   manuals leave open (docs/fpu.md, "Vendor differences"), so there the
 *   live comparison is skipped, saying so;
 * - transcendentals against binary128 references (libquadmath's
 *   __float128, or long double where that is binary128), within
 *   one ulp of the correctly rounded result (test_fp80_trans.c;
 *   SHADOW86_FP80_TRANS_CASES, default 20000 per function).
 *
 *   test_fp80                      all of the above
 *   test_fp80 --vectors FILE...    only the vector comparison, on these
 *                                  files (ctest test_fp80-intel-shared: the
 *                                  Intel recordings in the shared test data,
 *                                  through tests/shared_data.sh)
 *
 * SHADOW86_FP80_CASES (default 3000) sets the random cases per operation
 * and control word; SHADOW86_FP80_VERBOSE=1 prints every mismatch. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/fp80_harness.h"
#include "tests/unit/test_fp80_trans.h"

#ifndef FP80_VECTOR_DIR
#error "FP80_VECTOR_DIR (tests/unit/fp80_vectors) must be defined by the build"
#endif

static long total_compared;

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

static int report(const struct h_case *c, const struct h_out *want, const struct h_out *got, const char *what,
                  int mismatches)
{
    if (mismatches < 10 || env_int("SHADOW86_FP80_VERBOSE", 0)) {
        fprintf(stderr, "mismatch (%s):\n  case  ", what);
        h_print(stderr, c, want);
        fprintf(stderr, "  lib   ");
        h_print(stderr, c, got);
    }
    return mismatches + 1;
}

static int compare_case(const struct h_case *c, const struct h_out *want, int mismatches)
{
    struct h_out got;
    const char *what;
    h_lib(c, &got);
    what = h_diff(c, want, &got);
    total_compared++;
    return what ? report(c, want, &got, what, mismatches) : mismatches;
}

#if H_HAVE_X87
static const uint8_t masks[] = { 0x3F, 0x27, 0x20, 0x1F };

static int live_op(int op, int per_cw)
{
    struct h_rng rng = { 0x9E3779B97F4A7C15ull ^ (uint64_t)(op + 1) * 0x100000001B3ull };
    int mismatches = 0, rc, pc, m, i;
    for (m = 0; m < 4; m++)
        for (pc = 0; pc < 4; pc++)
            for (rc = 0; rc < 4; rc++)
                for (i = 0; i < per_cw; i++) {
                    struct h_case c;
                    struct h_out want;
                    h_make_case(&rng, op, h_cw(rc, pc, masks[m]), &c);
                    h_host(&c, &want);
                    mismatches = compare_case(&c, &want, mismatches);
                }
    return mismatches;
}

START_TEST(test_live)
{
    int op = _i;
    int n = env_int("SHADOW86_FP80_CASES", 3000);
    int mismatches;
    if (op >= H_CONST_1 && op <= H_CONST_Z)
        n = 2;
    if (h_is_trans(op))
        n = n / 6 + 1;   /* slower; their values are checked in test_fp80_trans.c */
    mismatches = live_op(op, n);
    if (mismatches)
        fprintf(stderr, "%s: %d mismatches\n", h_op_name[op], mismatches);
    ck_assert_int_eq(mismatches, 0);
}
END_TEST
#endif

/* The files test_vectors compares against: the committed Intel recording
 * by default, or those named on the command line. */
static const char *const default_vectors[] = { FP80_VECTOR_DIR "/x87-intel.vec",
                                               FP80_VECTOR_DIR "/x87-intel-corners.vec" };
static const char *const *vector_files = default_vectors;
static int n_vector_files = 2;

/* Compares every case of the file; returns the mismatches. With
 * expect_differ, a case that matches is what gets reported. */
static int compare_file(const char *path, int *cases, int expect_differ)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int mismatches = 0, lineno = 0;
    *cases = 0;
    if (!f)
        ck_abort_msg("missing vector file %s (generate it with fp80_vectors/gen_fp80_vectors)", path);
    while (fgets(line, sizeof(line), f)) {
        struct h_case c;
        struct h_out want;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!h_parse(line, &c, &want))
            ck_abort_msg("%s:%d: malformed vector line", path, lineno);
        (*cases)++;
        if (expect_differ) {
            struct h_out got;
            h_lib(&c, &got);
            total_compared++;
            if (!h_diff(&c, &want, &got))
                mismatches = report(&c, &want, &got, "the same as the other vendor", mismatches);
        } else {
            mismatches = compare_case(&c, &want, mismatches);
        }
    }
    fclose(f);
    fprintf(stderr, "vectors %s: %d cases, %d %s\n", path, *cases, mismatches,
            expect_differ ? "cases where the library agrees with this vendor" : "mismatches");
    return mismatches;
}

START_TEST(test_vectors)
{
    int cases, mismatches = compare_file(vector_files[_i], &cases, 0);
    ck_assert_int_gt(cases, 0);
    ck_assert_int_eq(mismatches, 0);
}
END_TEST

/* The vendor differences (docs/fpu.md): the AMD host's results for the
 * corner cases, every one of which the Intel model must not reproduce. */
START_TEST(test_vendor_differences)
{
    int cases, same = compare_file(FP80_VECTOR_DIR "/x87-amd-corners.vec", &cases, 1);
    ck_assert_int_eq(cases, 32);
    ck_assert_int_eq(same, 0);
}
END_TEST

/* Facts from the manuals that do not depend on a host. */
START_TEST(test_fixed)
{
    struct fp80_ctx ctx = { 0, FP80_PC_64, 0x3F, 0, 0 };
    struct fp80 one = fp80_constant(FP80_ONE, FP80_RC_NEAREST), r;
    struct fp80 three = fp80_from_int(3), big = { 0xFFFFFFFFFFFFFFFFull, 0x7FFE };
    int ok;
    ck_assert_uint_eq(fp80_indefinite().se, 0xFFFF);
    ck_assert(fp80_indefinite().mant == 0xC000000000000000ull);
    /* 1/3 at 24 bits is AAAAAB (rounded up: C1). */
    ctx.pc = FP80_PC_24;
    r = fp80_div(&ctx, one, three);
    ck_assert(r.mant == 0xAAAAAB0000000000ull && r.se == 0x3FFD);
    ck_assert(ctx.c1 == 1 && ctx.flags == FP80_PE);
    /* Masked overflow to infinity; unmasked wraps by 6000h. */
    ctx.pc = FP80_PC_64;
    ctx.flags = 0;
    r = fp80_mul(&ctx, big, big);
    ck_assert(r.se == 0x7FFF && r.mant == 0x8000000000000000ull && ctx.flags == (FP80_OE | FP80_PE));
    ctx.mask = 0x3F & ~FP80_OE;
    ctx.flags = 0;
    r = fp80_mul(&ctx, big, big);
    ck_assert_uint_eq(r.se, 0x7FFE + 0x7FFE - 0x3FFF + 1 - 0x6000);
    ck_assert(ctx.flags & FP80_OE);
    /* FIST out of range: the integer indefinite. */
    ctx.mask = 0x3F;
    ctx.flags = 0;
    ck_assert(fp80_to_int(&ctx, fp80_from_int(40000), 16, 0, &ok) == -32768 && !ok && ctx.flags == FP80_IE);
    total_compared += 4;
}
END_TEST

static int fsin_is(uint16_t cw, struct fp80 x, struct fp80 want, uint8_t flags)
{
    struct fp80_ctx ctx = { 0, 0, 0, 0, 0 };
    struct fp80 r;
    int oor;
    ctx.mask = cw & 0x3F;
    ctx.pc = (cw >> 8) & 3;
    ctx.rc = (cw >> 10) & 3;
    r = fp80_sin(&ctx, x, &oor);
    total_compared++;
    return !oor && r.se == want.se && r.mant == want.mant && ctx.flags == flags;
}

/* FSIN of tiny x, recorded on the Intel host (x87-intel-10.vec in the
 * shared test data): values the vector comparison leaves to
 * test_fp80_trans.c because FSIN is an approximation, but which here are
 * exact. */
START_TEST(test_fsin_tiny)
{
    /* 2^-68, rounding down: one ulp below x, as the true sine. */
    ck_assert(fsin_is(0x0467, (struct fp80){ 0x8000000000000000ull, 0x3fbb },
                      (struct fp80){ 0xffffffffffffffffull, 0x3fba }, FP80_PE));
    /* Below 2^-68: x in every rounding mode. */
    ck_assert(fsin_is(0x0e7f, (struct fp80){ 0x8000000000000000ull, 0xbfba },
                      (struct fp80){ 0x8000000000000000ull, 0xbfba }, FP80_PE));
    ck_assert(fsin_is(0x0d7f, (struct fp80){ 0xe42b09a7637bd726ull, 0x3fb9 },
                      (struct fp80){ 0xe42b09a7637bd726ull, 0x3fb9 }, FP80_PE));
    ck_assert(fsin_is(0x057f, (struct fp80){ 0xd44ecd967d4d5a7eull, 0x0004 },
                      (struct fp80){ 0xd44ecd967d4d5a7eull, 0x0004 }, FP80_PE));
    /* A denormal: itself, UE and PE (tiny and inexact). */
    ck_assert(fsin_is(0x0b7f, (struct fp80){ 0x0000e5881ed05967ull, 0x8000 },
                      (struct fp80){ 0x0000e5881ed05967ull, 0x8000 }, FP80_PE | FP80_UE | FP80_DE));
    /* Unmasked underflow: wrapped by 6000h. */
    ck_assert(fsin_is(0x0067, (struct fp80){ 0x000000000000003full, 0x8000 },
                      (struct fp80){ 0xfc00000000000000ull, 0xdfc7 }, FP80_PE | FP80_UE | FP80_DE));
}
END_TEST

#if H_HAVE_X87
/* The live comparison is meaningful only against the modelled vendor. */
static int host_is_model(void)
{
    char vendor[13];
    h_host_vendor(vendor);
    if (!strcmp(vendor, H_MODEL_VENDOR)) {
        fprintf(stderr, "host x87 comparison: host is %s, model is %s\n", vendor, H_MODEL_VENDOR);
        return 1;
    }
    fprintf(stderr,
            "host x87 comparison skipped: host is %s, model is %s (compared with the recorded %s vectors "
            "instead)\n",
            vendor, H_MODEL_VENDOR, H_MODEL_VENDOR);
    return 0;
}
#endif

static Suite *fp80_suite(int vectors_only)
{
    Suite *s = suite_create("fp80");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_vectors, 0, n_vector_files);
    if (!vectors_only) {
        tcase_add_test(tc, test_fixed);
        tcase_add_test(tc, test_fsin_tiny);
        tcase_add_test(tc, test_vendor_differences);
#if H_HAVE_X87
        if (host_is_model())
            tcase_add_loop_test(tc, test_live, 0, H_NOPS);
#else
        fprintf(stderr, "host x87 comparison skipped: the host is not x86 (compared with the recorded %s "
                        "vectors instead)\n", H_MODEL_VENDOR);
#endif
    }
    suite_add_tcase(s, tc);
    if (!vectors_only)
        fp80_trans_tcase(s);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed, vectors_only = 0;
    if (argc > 1) {
        if (strcmp(argv[1], "--vectors") || argc < 3) {
            fprintf(stderr, "usage: test_fp80 [--vectors FILE...]\n");
            return 2;
        }
        vector_files = (const char *const *)argv + 2;
        n_vector_files = argc - 2;
        vectors_only = 1;
    }
    sr = srunner_create(fp80_suite(vectors_only));
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    fprintf(stderr, "fp80: %ld cases compared with the x87 or its recorded vectors, %ld transcendental results with binary128\n",
            total_compared, fp80_trans_compared);
    return failed ? 1 : 0;
}
