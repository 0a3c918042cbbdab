/* Transcendentals of cpu/fp80_trans.c and cpu/fp80_trig.c against
 * 113-bit references (IEEE binary128: __float128 with libquadmath where
 * the compiler has it, else long double where that is binary128, as on
 * aarch64 and s390x Linux, with glibc's libm): every
 * finite result must be within one ulp of the reference correctly
 * rounded to 64 bits by the case's rounding mode. Their flags and
 * special results are compared with the host x87 by test_fp80.c's live
 * and vector tests; the out-of-range rule is checked here. */
#include "tests/unit/test_fp80_trans.h"

#include <stdlib.h>

#include "cpu/fp80_internal.h"
#include "tests/unit/fp80_harness.h"

long fp80_trans_compared;

/* The reference type `quad`, its functions QF(name) and Q_LN2. glibc's
 * binary128 long double functions are the ldbl-128 code libquadmath is
 * built from, so both give the same references. */
#include <float.h>
#if defined(FP80_HAVE_QUADMATH)
#include <quadmath.h>
typedef __float128 quad;
#define QF(f) f##q
#define Q_LN2 M_LN2q
#define Q_FORMAT(buf, prec, v) quadmath_snprintf(buf, sizeof(buf), "%." #prec "Qe", v)
#define FP80_HAVE_QUAD 1
#elif LDBL_MANT_DIG == 113 && LDBL_MAX_EXP == 16384
#include <math.h>
typedef long double quad;
#define QF(f) f##l
#define Q_LN2 0.6931471805599453094172321214581765681L
#define Q_FORMAT(buf, prec, v) snprintf(buf, sizeof(buf), "%." #prec "Le", v)
#define FP80_HAVE_QUAD 1
#endif

#if defined(FP80_HAVE_QUAD)
/* Which 64-bit half of a quad's bytes holds the sign and exponent: the
 * second on a little-endian host, the first on a big-endian one. */
static int quad_high_word(void)
{
    quad one = 1;
    uint64_t w[2];
    memcpy(w, &one, sizeof(w));
    return w[0] == 0x3FFF000000000000ull ? 0 : 1;
}

static quad to_q(struct fp80 a)
{
    int e = a.se & 0x7FFF;
    quad v = QF(ldexp)((quad)a.mant, (e ? e : 1) - 16383 - 63);
    return (a.se & 0x8000) ? -v : v;
}

/* The reference v * 2^-shift rounded to the register format by rc (the
 * library's own rounding, which test_fp80.c checks against the host
 * x87). tail is the sign of (true value - v) when v itself is exact but
 * the true value is not (sin x for tiny x is just below x): it decides
 * the directed roundings. */
static struct fp80 round_q(quad v, int rc, int shift, int tail)
{
    struct fp80_ctx ctx = { 0, FP80_PC_64, 0x3F, 0, 0 };
    uint64_t raw[2], w[2];
    int sign, e, hi = quad_high_word();
    struct u128 sig;
    ctx.rc = (uint8_t)rc;
    memcpy(raw, &v, sizeof(raw));
    w[1] = raw[hi];   /* w[1]: sign, exponent, top 48 fraction bits */
    w[0] = raw[1 - hi];
    sign = (int)(w[1] >> 63);
    e = (int)((w[1] >> 48) & 0x7FFF);
    if (e == 0x7FFF && (w[1] << 16 || w[0]))
        return fp80_make(sign, 0x7FFF, 0xC000000000000000ull);
    if (e == 0x7FFF)   /* overflowed quad's range, which is the register format's */
        return fp80_round_pack(&ctx, sign, 0x8000, u128_make(1ull << 63, 0), 64);
    sig = u128_shl(u128_make(w[1] & 0xFFFFFFFFFFFFull, w[0]), 15);   /* 112 fraction bits */
    if (e == 0)
        e = 1;
    else
        sig.hi |= 1ull << 63;
    if (tail && (tail < 0) == sign)
        sig.lo |= 1;   /* a little larger in magnitude */
    else if (tail)
        sig = u128_sub(sig, u128_make(0, 1));   /* a little smaller */
    return fp80_norm_round_pack(&ctx, sign, e - shift, sig, 64);
}

/* Position of a finite value on the line of register-format values. */
static __int128 key(struct fp80 a)
{
    int e = a.se & 0x7FFF;
    __int128 k = e == 0 ? (__int128)a.mant : (__int128)(e - 1) * ((__int128)1 << 63) + (__int128)a.mant;
    return (a.se & 0x8000) ? -k : k;
}

/* Double-quad arithmetic (~226 bits) for the series of cos and
 * atan at small arguments, where the result can sit exactly on a 64-bit
 * rounding boundary and its sign of (true - boundary) lies beyond
 * quad's 113 bits. */
struct dd {
    quad hi, lo;
};
static struct dd dd_fast_two_sum(quad a, quad b)
{
    struct dd r;
    r.hi = a + b;
    r.lo = b - (r.hi - a);
    return r;
}
static struct dd dd_add(struct dd a, struct dd b)
{
    quad s = a.hi + b.hi, bb = s - a.hi, e = (a.hi - (s - bb)) + (b.hi - bb);
    return dd_fast_two_sum(s, e + a.lo + b.lo);
}
static struct dd dd_mul(struct dd a, struct dd b)
{
    quad p = a.hi * b.hi, e = QF(fma)(a.hi, b.hi, -p) + a.hi * b.lo + a.lo * b.hi;
    return dd_fast_two_sum(p, e);
}
static struct dd dd_div_int(struct dd a, int n)
{
    quad q = a.hi / n, r = QF(fma)(-q, (quad)n, a.hi) + a.lo;
    return dd_fast_two_sum(q, r / n);
}
static struct dd dd_neg(struct dd a)
{
    a.hi = -a.hi;
    a.lo = -a.lo;
    return a;
}

/* cos a for |a| < 2^-8: 1 - a^2/2! + a^4/4! ... */
static struct dd dd_cos_small(quad a)
{
    struct dd x2, term = { 1, 0 }, sum = { 1, 0 };
    int k;
    x2.hi = a * a;
    x2.lo = QF(fma)(a, a, -x2.hi);   /* exact: a has 64 significant bits */
    for (k = 1; k < 16; k++) {
        term = dd_neg(dd_div_int(dd_mul(term, x2), (2 * k - 1) * (2 * k)));
        sum = dd_add(sum, term);
    }
    return sum;
}

/* atan(y / x) for 0 < |y / x| < 2^-8: z - z^3/3 + z^5/5 ... */
static struct dd dd_atan_small(quad y, quad x)
{
    struct dd z, z2, p, sum;
    int k, e;
    x = QF(frexp)(x, &e);   /* keep the remainder below out of the denormals */
    y = QF(ldexp)(y, -e);
    z.hi = y / x;
    z.lo = QF(fma)(-z.hi, x, y) / x;
    z2 = dd_mul(z, z);
    p = z;
    sum = z;
    for (k = 1; k < 30; k++) {
        p = dd_mul(p, z2);
        sum = dd_add(sum, (k & 1) ? dd_neg(dd_div_int(p, 2 * k + 1)) : dd_div_int(p, 2 * k + 1));
    }
    return sum;
}

static int sign_of(quad v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }

static int tiny(quad v, int below) { return QF(fabs)(v) < QF(ldexp)(1, below); }

/* The reference value as v * 2^-shift, with tail as round_q takes it.
 * Tiny operands are scaled first: quad has the same exponent range
 * as the register format, so its denormals would lose the bits tested. */
static void reference(const struct h_case *c, quad *v, int *shift, int *tail)
{
    quad a = to_q(c->a), b = to_q(c->b);
    *shift = 0;
    *tail = 0;
    switch (c->op) {
    case H_F2XM1:
        if (tiny(a, -16000)) {
            *v = QF(ldexp)(a, 400) * Q_LN2;   /* 2^a - 1 = a ln 2 (1 + a ln 2 / 2 ...) */
            *shift = 400;
            *tail = a > 0 ? 1 : -1;   /* the next term, (a ln 2)^2 / 2, is positive */
        } else {
            *v = QF(expm1)(a * Q_LN2);
        }
        break;
    case H_FYL2X:
        /* y = m 2^e with m in [1/2, 1): the product cannot underflow. */
        b = QF(frexp)(b, shift);
        *shift = -*shift;
        *v = b * QF(log2)(a);
        break;
    case H_FYL2XP1:
        b = QF(frexp)(b, shift);
        *shift = -*shift;
        if (tiny(a, -16000)) {
            *v = b * (QF(ldexp)(a, 400) / Q_LN2);   /* log1p a = a - a^2 / 2 ... */
            *shift += 400;
        } else {
            *v = b * (QF(log1p)(a) / Q_LN2);
        }
        break;
    case H_FPATAN: {
        int d = QF(ilogb)(b) - QF(ilogb)(a);
        if (a > 0 && d < -16000) {
            /* atan z = z - z^3 / 3 ...: z, and the sign of the rest of
             * the quotient, or else of -z^3. */
            quad sb = QF(ldexp)(b, 400), lo;
            *v = sb / a;
            *shift = 400;
            lo = QF(fma)(-*v, a, sb);
            *tail = sign_of(lo) ? sign_of(lo) : (b > 0 ? -1 : 1);
            if (*v == 0)
                *tail = b > 0 ? 1 : -1;   /* underflowed even so: a little above zero */
        } else if (a > 0 && d < -8) {
            struct dd r = dd_atan_small(b, a);
            *v = r.hi;
            *tail = sign_of(r.lo) ? sign_of(r.lo) : (b > 0 ? -1 : 1);
        } else {
            *v = QF(atan2)(b, a);
        }
        break;
    }
    case H_FSIN:
        *v = QF(sin)(a);
        if (tiny(a, -40))
            *tail = a > 0 ? -1 : 1;   /* sin x = x - x^3 / 6 ... */
        if (QF(fabs)(*v) == 1)
            *tail = *v > 0 ? -1 : 1;   /* |sin x| < 1 for every representable x */
        break;
    case H_FCOS:
        *v = QF(cos)(a);
        if (tiny(a, -8) && !tiny(a, -2000)) {
            struct dd r = dd_cos_small(a);
            *v = r.hi;
            *tail = sign_of(r.lo);
        } else if (QF(fabs)(*v) == 1)
            *tail = *v > 0 ? -1 : 1;   /* cos x = 1 - x^2 / 2 ... */
        break;
    default:
        *v = QF(tan)(a);
        if (tiny(a, -40))
            *tail = a > 0 ? 1 : -1;   /* tan x = x + x^3 / 3 ... */
        break;
    }
}

static int is_regular(struct fp80 v)
{
    int e = v.se & 0x7FFF;
    return e != 0x7FFF && v.mant != 0 && (e == 0 || (v.mant >> 63));
}

START_TEST(test_ulp)
{
    int op = H_F2XM1 + _i;
    struct h_rng rng = { 0xC0FFEE1234567ull + (uint64_t)op };
    int n = atoi(getenv("SHADOW86_FP80_TRANS_CASES") ? getenv("SHADOW86_FP80_TRANS_CASES") : "20000");
    int i, bad = 0, exact = 0, checked = 0;
    for (i = 0; i < n; i++) {
        struct h_case c;
        struct h_out got;
        struct fp80 want;
        quad ref = 0;
        __int128 d;
        int shift, tail;
        int rc = (int)(h_rand(&rng) & 3);
        h_make_case(&rng, op, h_cw(rc, FP80_PC_64, 0x3F), &c);
        if (!is_regular(c.a) || ((op == H_FYL2X || op == H_FYL2XP1 || op == H_FPATAN) && !is_regular(c.b)))
            continue;
        if (op == H_FYL2X && (c.a.se & 0x8000))
            continue;
        h_lib(&c, &got);
        if (got.sw & H_SW_C2)
            continue;   /* out of range: checked below */
        reference(&c, &ref, &shift, &tail);
        want = round_q(ref, rc, shift, tail);
        if ((want.se & 0x7FFF) == 0x7FFF || (got.r.se & 0x7FFF) == 0x7FFF) {
            /* Overflow: both must agree exactly (infinity or the largest value). */
            d = (want.se == got.r.se && want.mant == got.r.mant) ? 0 : 2;
        } else {
            d = key(got.r) - key(want);
        }
        checked++;
        exact += d == 0;
        if (d != 0 && getenv("SHADOW86_FP80_TRANS_VERBOSE")) {
            char buf[64];
            Q_FORMAT(buf, 36, ref);
            fprintf(stderr, "off by %d: %s rc=%d a=%04x:%016llx b=%04x:%016llx: got %04x:%016llx, want %04x:%016llx (%s)\n",
                    (int)d, h_op_name[op], rc, c.a.se, (unsigned long long)c.a.mant, c.b.se,
                    (unsigned long long)c.b.mant, got.r.se, (unsigned long long)got.r.mant, want.se,
                    (unsigned long long)want.mant, buf);
        }
        if (d > 1 || d < -1) {
            if (bad++ < 10) {
                char buf[64];
                Q_FORMAT(buf, 30, ref);
                fprintf(stderr, "%s rc=%d a=%04x:%016llx b=%04x:%016llx: got %04x:%016llx, want %04x:%016llx (%s)\n",
                        h_op_name[op], rc, c.a.se, (unsigned long long)c.a.mant, c.b.se,
                        (unsigned long long)c.b.mant, got.r.se, (unsigned long long)got.r.mant, want.se,
                        (unsigned long long)want.mant, buf);
            }
        }
    }
    fprintf(stderr, "%s: %d results checked against binary128, %d correctly rounded, %d beyond one ulp\n",
            h_op_name[op], checked, exact, bad);
    fp80_trans_compared += checked;
    ck_assert_int_gt(checked, n / 4);
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* The register-format value closest to a multiple of pi/2 below 2^63
 * (|x - k pi/2| ~ 2^-68.2; found by a continued-fraction search), and its
 * neighbours: the reduction must keep the remainder's bits. */
START_TEST(test_near_pi2)
{
    static const int ops[] = { H_FSIN, H_FCOS, H_FPTAN };
    int i, d, rc, bad = 0;
    for (i = 0; i < 3; i++)
        for (d = -2; d <= 2; d++)
            for (rc = 0; rc < 4; rc++) {
                struct h_case c;
                struct h_out got;
                struct fp80 want;
                quad ref;
                int shift, tail;
                memset(&c, 0, sizeof(c));
                c.op = (uint8_t)ops[i];
                c.cw = h_cw(rc, FP80_PC_64, 0x3F);
                c.a.se = 0x402F;
                c.a.mant = 0xfb3ab09a4ba1d149ull + (uint64_t)(int64_t)d;
                h_lib(&c, &got);
                reference(&c, &ref, &shift, &tail);
                want = round_q(ref, rc, shift, tail);
                if (got.r.se != want.se || got.r.mant != want.mant) {
                    fprintf(stderr, "%s rc=%d x=%04x:%016llx: got %04x:%016llx, want %04x:%016llx\n",
                            h_op_name[c.op], rc, c.a.se, (unsigned long long)c.a.mant, got.r.se,
                            (unsigned long long)got.r.mant, want.se, (unsigned long long)want.mant);
                    bad++;
                }
                fp80_trans_compared++;
            }
    ck_assert_int_eq(bad, 0);
}
END_TEST
#else
START_TEST(test_near_pi2)
{
    ck_abort_msg("no binary128 type (libquadmath's __float128, or a 113-bit long double): the transcendentals cannot be checked on this host");
}
END_TEST

START_TEST(test_ulp)
{
    ck_abort_msg("no binary128 type (libquadmath's __float128, or a 113-bit long double): the transcendentals cannot be checked on this host");
}
END_TEST
#endif

/* FSIN/FCOS/FPTAN leave |x| >= 2^63 alone (SDM Vol. 2, FSIN: C2 = 1). */
START_TEST(test_out_of_range)
{
    struct fp80_ctx ctx = { 0, FP80_PC_64, 0x3F, 0, 0 };
    struct fp80 big = { 0x8000000000000000ull, 0x3FFF + 63 }, r;
    struct fp80 below = { 0xFFFFFFFFFFFFFFFFull, 0x3FFF + 62 };
    int oor = 0;
    r = fp80_sin(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0 && r.se == big.se && r.mant == big.mant);
    oor = 0;
    fp80_cos(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0);
    oor = 0;
    big.se |= 0x8000;
    fp80_tan(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0);
    r = fp80_sin(&ctx, below, &oor);
    ck_assert(oor == 0 && ctx.flags == FP80_PE && (r.se & 0x7FFF) <= 0x3FFF);
    fp80_trans_compared += 4;
}
END_TEST

void fp80_trans_tcase(Suite *s)
{
    TCase *tc = tcase_create("trans");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_out_of_range);
    tcase_add_test(tc, test_near_pi2);
    tcase_add_loop_test(tc, test_ulp, 0, H_FPTAN - H_F2XM1 + 1);
    suite_add_tcase(s, tc);
}
