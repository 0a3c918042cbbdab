/* FSIN, FCOS, FPTAN (and FSINCOS through the first two).
 *
 * |x| >= 2^63 is out of range (SDM Vol. 2, FSIN: C2 = 1, operand left
 * alone, nothing raised). Otherwise x is reduced modulo pi/2 exactly:
 * x = m 2^(e-63) with a 64-bit m is an integer multiple of 2^-384 for
 * e >= -1, and pi/2 is held to 384 fraction bits, so r = x - k pi/2 is a
 * difference of two integers of at most 450 bits whose only error is k
 * (< 2^63) times the truncation of pi/2: below 2^-320. r keeps its full
 * 128 bits unless it is smaller than 2^-190, and no 64-bit significand
 * below 2^63 comes anywhere near that close to a multiple of pi/2: a
 * search over every exponent with the continued-fraction convergents of
 * (pi/2) / 2^(e-63) puts the closest approach near 2^-68. The x87 itself reduces with a 66-bit pi
 * and loses accuracy near multiples of pi (SDM Vol. 1, 8.3.10,
 * "Transcendental Instruction Accuracy"); shadow86 follows the true
 * function. sin r and cos r, |r| <= ~pi/4, come from their Taylor series
 * in the 128-bit working format. */
#include "cpu/fp80_xf.h"

#define BN_WORDS 8
#define PIO2_FRAC_BITS 384

/* floor(pi/2 * 2^384), least significant word first (computed for this
 * project with 300-digit decimal arithmetic). */
static const uint64_t pio2_fixed[BN_WORDS] = {
    0xdf2a33679a748636ull, 0xa29410f31c6809bbull, 0x04177d4c76273644ull, 0x52049c1114cf98e8ull,
    0x898cc51701b839a2ull, 0x921fb54442d18469ull, 0x0000000000000001ull, 0,
};

static void bn_shl_u64(uint64_t out[BN_WORDS], uint64_t v, unsigned shift)
{
    unsigned w = shift / 64, b = shift % 64, i;
    for (i = 0; i < BN_WORDS; i++)
        out[i] = 0;
    out[w] = v << b;
    if (b && w + 1 < BN_WORDS)
        out[w + 1] = v >> (64 - b);
}

static void bn_mul_u64(uint64_t out[BN_WORDS], const uint64_t a[BN_WORDS], uint64_t k)
{
    uint64_t carry = 0;
    int i;
    for (i = 0; i < BN_WORDS; i++) {
        struct u128 p = u128_add(u128_mul64(a[i], k), u128_make(0, carry));
        out[i] = p.lo;
        carry = p.hi;
    }
}

static int bn_cmp(const uint64_t a[BN_WORDS], const uint64_t b[BN_WORDS])
{
    int i;
    for (i = BN_WORDS - 1; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static void bn_sub(uint64_t out[BN_WORDS], const uint64_t a[BN_WORDS], const uint64_t b[BN_WORDS])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < BN_WORDS; i++) {
        uint64_t d = a[i] - b[i] - borrow;
        borrow = (a[i] < b[i]) || (a[i] == b[i] && borrow);
        out[i] = d;
    }
}

/* The value n * 2^-384 as a working float. */
static struct xf bn_to_xf(const uint64_t n[BN_WORDS], int sign)
{
    int top = BN_WORDS - 1, hb;
    struct u128 w;
    while (top >= 0 && n[top] == 0)
        top--;
    if (top < 0)
        return xf_make(sign, 0, 0, 0);
    hb = top * 64 + 63 - clz64(n[top]);   /* highest set bit */
    /* Bits hb-127 .. hb (zero-filled below bit 0). */
    {
        int lo = hb - 127, i;
        w = u128_make(0, 0);
        for (i = 0; i < 128; i++) {
            int bit = lo + i;
            if (bit >= 0 && (n[bit / 64] >> (bit % 64)) & 1) {
                if (i >= 64)
                    w.hi |= 1ull << (i - 64);
                else
                    w.lo |= 1ull << i;
            }
        }
    }
    return xf_make(sign, hb - PIO2_FRAC_BITS, w.hi, w.lo);
}

static struct xf xf_sin_series(struct xf r)
{
    struct xf r2 = xf_mul(r, r), term = r, sum = r;
    uint32_t k;
    int stop;
    for (k = 1; k < 60; k++) {
        term = xf_neg(xf_div_small(xf_mul(term, r2), (2 * k) * (2 * k + 1)));
        stop = negligible(term, sum);
        sum = xf_add(sum, term);
        if (stop)
            break;
    }
    return sum;
}

static struct xf xf_cos_series(struct xf r)
{
    struct xf r2 = xf_mul(r, r), term = xf_from_int(1), sum = term;
    uint32_t k;
    int stop;
    for (k = 1; k < 60; k++) {
        term = xf_neg(xf_div_small(xf_mul(term, r2), (2 * k - 1) * (2 * k)));
        stop = negligible(term, sum);
        sum = xf_add(sum, term);
        if (stop)
            break;
    }
    return sum;
}

/* |x| = k pi/2 + r, |r| <= ~pi/4; *quadrant = k mod 4. */
static struct xf reduce(struct fp80_unpacked u, int *quadrant)
{
    struct xf ax = xf_make(0, u.exp - FP80_BIAS, u.sig, 0), v;
    uint64_t k, X[BN_WORDS], P[BN_WORDS], R[BN_WORDS];
    int32_t e = u.exp - FP80_BIAS;
    /* |x| < pi/4: nothing to reduce. pi/4 = 0.C90FDAA2... * 2^0. */
    if (e < -1 || (e == -1 && u.sig < 0xc90fdaa22168c234ull)) {
        *quadrant = 0;
        return ax;
    }
    v = xf_mul(ax, xf_two_over_pi());   /* below 2^63: k fits */
    if (v.exp < 0) {
        k = 1;   /* v in [1/2, 1) */
    } else {
        k = v.sig.hi >> (63 - v.exp);
        if (v.exp < 63 && ((v.sig.hi >> (62 - v.exp)) & 1))
            k++;
        else if (v.exp == 63 && (v.sig.lo >> 63))
            k++;
    }
    *quadrant = (int)(k & 3);
    bn_shl_u64(X, u.sig, (unsigned)(e - 63 + PIO2_FRAC_BITS));
    bn_mul_u64(P, pio2_fixed, k);
    if (bn_cmp(X, P) >= 0) {
        bn_sub(R, X, P);
        return bn_to_xf(R, 0);
    }
    bn_sub(R, P, X);
    return bn_to_xf(R, 1);
}

enum trig_fn { TRIG_SIN, TRIG_COS, TRIG_TAN };

/* Below 2^-68, Intel's FSIN returns x itself in every rounding mode
 * (measured: at 2^-68 a directed rounding still takes x one ulp towards
 * zero, from 2^-69 down to the denormals it never does; /work/shared
 * x87-intel-10.vec), with PE, and with UE when x is a denormal (tiny and
 * inexact; wrapped when UE is unmasked). A pseudo-denormal comes back
 * normalised: 2^-16382 does not round down into the denormals as the
 * true sine would towards zero, so no UE. x is within one ulp of sin x
 * there (|sin x - x| < x^3/6 < 2^-137 |x|), so this stays within the
 * accuracy fpu-arith.md promises. */
#define FP80_SIN_IDENTITY_EXP (-68)

static struct fp80 sin_of_tiny(struct fp80_ctx *ctx, struct fp80_unpacked u)
{
    struct fp80 r = fp80_round_pack(ctx, u.sign, u.exp, u128_make(u.sig, 0), 64);   /* exact */
    ctx->flags |= FP80_PE;
    if (u.exp < 1)
        ctx->flags |= FP80_UE;
    ctx->c1 = 0;
    return r;
}

static struct fp80 trig(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range, enum trig_fn fn)
{
    struct fp80_unpacked u;
    struct xf r, s, c, res;
    int q, sign = fp80_sign(a);
    ctx->c1 = 0;
    *out_of_range = 0;
    if (fp80_is_unsupported(a))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a))
        return fp80_propagate_nan(ctx, a, a);
    if (fp80_is_inf(a))
        return fp80_invalid(ctx);
    if (fp80_is_zero(a))
        return fn == TRIG_COS ? fp80_make(0, FP80_BIAS, FP80_INT_BIT) : a;
    u = fp80_unpack(a);
    if (u.exp - FP80_BIAS >= 63) {
        *out_of_range = 1;
        return a;
    }
    if (fp80_is_denormal_operand(a))
        ctx->flags |= FP80_DE;
    if (fn == TRIG_SIN && u.exp - FP80_BIAS < FP80_SIN_IDENTITY_EXP)
        return sin_of_tiny(ctx, u);
    r = reduce(u, &q);
    if (fn == TRIG_TAN) {
        s = xf_sin_series(r);
        c = xf_cos_series(r);
        /* tan(r + k pi/2) = tan r (k even), -cot r (k odd). */
        res = (q & 1) ? xf_neg(xf_div(c, s)) : xf_div(s, c);
        if (sign)
            res = xf_neg(res);
        return xf_to_fp80(ctx, res, 0);
    }
    if (fn == TRIG_COS)
        q = (q + 1) & 3;   /* cos x = sin(x + pi/2) */
    res = (q & 1) ? xf_cos_series(r) : xf_sin_series(r);
    if (q & 2)
        res = xf_neg(res);
    /* sin is odd, cos even. */
    if (sign && fn == TRIG_SIN)
        res = xf_neg(res);
    return xf_to_fp80(ctx, res, 0);
}

struct fp80 fp80_sin(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range)
{
    return trig(ctx, a, out_of_range, TRIG_SIN);
}

struct fp80 fp80_cos(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range)
{
    return trig(ctx, a, out_of_range, TRIG_COS);
}

struct fp80 fp80_tan(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range)
{
    return trig(ctx, a, out_of_range, TRIG_TAN);
}
