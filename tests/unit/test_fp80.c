/* cpu/fp80*.c, the x87 arithmetic, checked bit for bit:
 * - on x86 hosts, against the host's own x87 (inline assembly, see
 *   fp80_harness.h) over random and edge operands, for every operation,
 *   rounding mode, precision control (including the reserved one) and
 *   four exception-mask settings;
 * - on every host, against tests/unit/fp80_vectors/x87.vec, recorded from
 *   an x86 host's x87 by fp80_vectors/gen_fp80_vectors.c;
 * - transcendentals against __float128 references (libquadmath), within
 *   one ulp of the correctly rounded result (test_fp80_trans.c;
 *   SHADOW86_FP80_TRANS_CASES, default 20000 per function).
 *
 * SHADOW86_FP80_CASES (default 3000) sets the random cases per operation
 * and control word; SHADOW86_FP80_VERBOSE=1 prints every mismatch. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/fp80_harness.h"
#include "tests/unit/test_fp80_trans.h"

#ifndef FP80_VECTORS
#error "FP80_VECTORS (the vector file's path) must be defined by the build"
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

START_TEST(test_vectors)
{
    FILE *f = fopen(FP80_VECTORS, "r");
    char line[512];
    int mismatches = 0, lines = 0, lineno = 0;
    if (!f)
        ck_abort_msg("missing vector file %s (generate it with fp80_vectors/gen_fp80_vectors)", FP80_VECTORS);
    while (fgets(line, sizeof(line), f)) {
        struct h_case c;
        struct h_out want;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!h_parse(line, &c, &want))
            ck_abort_msg("%s:%d: malformed vector line", FP80_VECTORS, lineno);
        lines++;
        mismatches = compare_case(&c, &want, mismatches);
    }
    fclose(f);
    fprintf(stderr, "vectors: %d cases, %d mismatches\n", lines, mismatches);
    ck_assert_int_gt(lines, 1000);
    ck_assert_int_eq(mismatches, 0);
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

static Suite *fp80_suite(void)
{
    Suite *s = suite_create("fp80");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_fixed);
    tcase_add_test(tc, test_vectors);
#if H_HAVE_X87
    tcase_add_loop_test(tc, test_live, 0, H_NOPS);
#endif
    suite_add_tcase(s, tc);
    fp80_trans_tcase(s);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fp80_suite());
    int failed;
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    fprintf(stderr, "fp80: %ld cases compared with the x87 or its recorded vectors, %ld transcendental results with __float128\n",
            total_compared, fp80_trans_compared);
    return failed ? 1 : 0;
}
