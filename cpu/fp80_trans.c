/* F2XM1, FYL2X, FYL2XP1, FPATAN: special operands by the tables of their
 * SDM Vol. 2 pages, finite results computed in the 128-bit working format
 * (fp80_xf.h) by series on reduced arguments and rounded once by RC.
 * Precision control does not apply (SDM Vol. 1, 8.1.5.2).
 *
 * The x87's own results are not correctly rounded; shadow86's are within
 * one ulp of the correctly rounded value (and almost always equal to it),
 * which tests/unit/test_fp80_trans.c checks against __float128. */
#include "cpu/fp80_xf.h"

/* e^t - 1 by its Taylor series; |t| < 1 (all callers: |t| <= ln 2). */
static struct xf xf_expm1(struct xf t)
{
    struct xf sum = t, term = t;
    uint32_t k;
    int stop;
    for (k = 2; k < 100; k++) {
        term = xf_div_small(xf_mul(term, t), k);
        stop = negligible(term, sum);
        sum = xf_add(sum, term);
        if (stop)
            break;
    }
    return sum;
}

/* 2 atanh(s) = ln((1 + s) / (1 - s)) by its series; |s| <= 0.18. */
static struct xf xf_2atanh(struct xf s)
{
    struct xf s2 = xf_mul(s, s), p = s, sum = s;
    uint32_t k;
    int stop;
    for (k = 3; k < 400; k += 2) {
        struct xf term;
        p = xf_mul(p, s2);
        term = xf_div_small(p, k);
        stop = negligible(term, sum);
        sum = xf_add(sum, term);
        if (stop)
            break;
    }
    sum.exp++;
    return sum;
}

/* log2(v) for v > 0: v = m 2^e with m in [sqrt(1/2), sqrt(2)), then
 * ln m = 2 atanh((m - 1) / (m + 1)), |(m - 1) / (m + 1)| < 0.172. */
static struct xf xf_log2(struct xf v, int *exact)
{
    struct xf m = v, one = xf_from_int(1), lnm;
    int32_t e = v.exp;
    m.exp = 0;
    m.sign = 0;
    if (m.sig.hi > 0xb504f333f9de6484ull) {
        m.exp = -1;
        e++;
    }
    lnm = xf_2atanh(xf_div(xf_sub(m, one), xf_add(m, one)));
    *exact = xf_is_zero(lnm);   /* v a power of two */
    return xf_add(xf_from_int(e), xf_mul(lnm, xf_log2e()));
}

/* atan(k/8), k = 1..8, to 128 bits (computed for this project with
 * 120-digit decimal arithmetic; atan(8/8) is pi/4). */
static const struct {
    int32_t exp;
    uint64_t hi, lo;
} atan_k8[8] = {
    { -4, 0xfeadd4d5617b6e32ull, 0xc897989f3e888ef7ull }, { -3, 0xfadbafc96406eb15ull, 0x6dc79ef5f7a217e5ull },
    { -2, 0xb7b0ca0f26f78473ull, 0x8aa32122dcfe4483ull }, { -2, 0xed63382b0dda7b45ull, 0x6fe445ecbc3a8d03ull },
    { -1, 0x8f005d5ef7f59f9bull, 0x5c835e1665c43747ull }, { -1, 0xa4bc7d1934f70924ull, 0x19a87f2a457dac9eull },
    { -1, 0xb8053e2bc2319e73ull, 0xcb2da55210a4443dull }, { -1, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull },
};

/* atan(z) for 0 <= z <= 1: with c = k/8 the nearest eighth, atan z =
 * atan c + atan((z - c) / (1 + z c)), |(z - c) / (1 + z c)| <= 1/16;
 * then the series (16 terms or fewer). Below 1/16 (k = 0) the series
 * runs on z itself, so a tiny z keeps its exactness (see negligible()). */
static struct xf xf_atan01(struct xf z)
{
    struct xf w = z, base = xf_make(0, 0, 0, 0), w2, p, sum;
    uint32_t k, c = 0;
    int stop, neg = 1;
    int32_t e8 = z.exp + 3;   /* 8z = sig * 2^e8 */
    if (!xf_is_zero(z) && e8 >= -1) {
        c = e8 < 0 ? 1 : (uint32_t)(z.sig.hi >> (63 - e8)) + (uint32_t)((z.sig.hi >> (62 - e8)) & 1);
        if (c > 8)
            c = 8;
    }
    if (c) {
        struct xf ck = xf_div_small(xf_from_int((int64_t)c), 8);
        base = xf_make(0, atan_k8[c - 1].exp, atan_k8[c - 1].hi, atan_k8[c - 1].lo);
        w = xf_div(xf_sub(z, ck), xf_add(xf_from_int(1), xf_mul(z, ck)));
    }
    w2 = xf_mul(w, w);
    p = w;
    sum = w;
    for (k = 3; k < 400; k += 2) {
        struct xf term;
        p = xf_mul(p, w2);
        term = xf_div_small(p, k);
        stop = negligible(term, sum);
        sum = xf_add(sum, neg ? xf_neg(term) : term);
        if (stop)
            break;
        neg = !neg;
    }
    return xf_add(base, sum);
}

static struct fp80 inf(int sign) { return fp80_make(sign, FP80_EXP_MAX, FP80_INT_BIT); }
static struct fp80 zero(int sign) { return fp80_make(sign, 0, 0); }

struct fp80 fp80_f2xm1(struct fp80_ctx *ctx, struct fp80 a)
{
    struct xf x, t, r;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a))
        return fp80_propagate_nan(ctx, a, a);
    if (fp80_is_zero(a))
        return a;
    if (fp80_is_inf(a))
        return fp80_sign(a) ? fp80_make(1, FP80_BIAS, FP80_INT_BIT) : a;   /* 2^-inf - 1 = -1 */
    fp80_denormal_check(ctx, a, a);
    x = xf_from_fp80(a);
    if (x.exp >= 0 && !(x.exp == 0 && x.sig.hi == FP80_INT_BIT && x.sig.lo == 0)) {
        /* Outside the defined domain -1..+1 (the SDM leaves the result
         * undefined): 2^x - 1 computed as 2^n 2^f - 1, n = round(x). */
        int64_t n;
        if (x.exp > 20)
            return x.sign ? fp80_make(1, FP80_BIAS, FP80_INT_BIT)
                          : xf_to_fp80(ctx, xf_make(0, 1 << 20, FP80_INT_BIT, 0), 0);
        n = (int64_t)(x.sig.hi >> (63 - x.exp));
        if ((x.sig.hi >> (62 - x.exp)) & 1)
            n++;
        if (x.sign)
            n = -n;
        t = xf_sub(x, xf_from_int(n));
        r = xf_add(xf_expm1(xf_mul(t, xf_ln2())), xf_from_int(1));
        r.exp += (int32_t)n;
        return xf_to_fp80(ctx, xf_sub(r, xf_from_int(1)), 0);
    }
    if (x.exp == 0)   /* x = +-1: 2^1 - 1 = 1, 2^-1 - 1 = -1/2, exact (PE all the same) */
        return xf_to_fp80(ctx, x.sign ? xf_make(1, -1, FP80_INT_BIT, 0) : xf_from_int(1), 1);
    return xf_to_fp80(ctx, xf_expm1(xf_mul(x, xf_ln2())), 0);
}

struct fp80 fp80_fyl2x(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y)
{
    struct fp80 r;
    struct xf l;
    int exact, sy = fp80_sign(y), sx = fp80_sign(x);
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, x, y, &r))
        return r;
    if (sx && !fp80_is_zero(x))
        return fp80_invalid(ctx);   /* log of a negative number */
    if (fp80_is_zero(x)) {
        if (fp80_is_zero(y))
            return fp80_invalid(ctx);
        if (fp80_is_inf(y))
            return inf(!sy);
        ctx->flags |= FP80_ZE;   /* outranks DE, as in FDIV */
        return inf(!sy);
    }
    if (fp80_is_inf(x)) {
        if (fp80_is_zero(y))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, y, y);
        return inf(sy);
    }
    /* x positive finite. */
    if (x.se == FP80_BIAS && x.mant == FP80_INT_BIT) {   /* log2(1) = +0 */
        if (fp80_is_inf(y))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, y, y);
        return zero(sy);
    }
    fp80_denormal_check(ctx, x, y);
    l = xf_log2(xf_from_fp80(x), &exact);
    if (fp80_is_inf(y))
        return inf(sy ^ l.sign);
    if (fp80_is_zero(y))
        return zero(sy ^ l.sign);
    return xf_to_fp80(ctx, xf_mul(xf_from_fp80(y), l), exact);
}

struct fp80 fp80_fyl2xp1(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y)
{
    struct fp80 r;
    struct xf xv, l, one = xf_from_int(1);
    int sy = fp80_sign(y), sx = fp80_sign(x), exact = 0;
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, x, y, &r))
        return r;
    if (fp80_is_zero(x)) {
        if (fp80_is_inf(y))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, y, y);
        return zero(sx ^ sy);
    }
    if (fp80_is_inf(x)) {
        /* Outside the domain; as y * log2(x + 1) would give. */
        if (sx || fp80_is_zero(y))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, y, y);
        return inf(sy);
    }
    xv = xf_from_fp80(x);
    if (sx && xf_cmp_abs(xv, one) >= 0) {
        /* x <= -1: outside the domain, log2 of a value <= 0. */
        if (xf_cmp_abs(xv, one) > 0 || fp80_is_zero(y))
            return fp80_invalid(ctx);
        if (fp80_is_inf(y))
            return inf(!sy);
        ctx->flags |= FP80_ZE;
        return inf(!sy);
    }
    fp80_denormal_check(ctx, x, y);
    if (fp80_is_inf(y))
        return inf(sy ^ sx);
    if (fp80_is_zero(y))
        return zero(sy ^ sx);
    if (xv.exp < -2) {
        /* |x| < 1/4 (the domain is |x| < 1 - sqrt(2)/2 ~ 0.29): ln(1 + x)
         * = 2 atanh(x / (2 + x)) keeps the relative precision of small x. */
        l = xf_mul(xf_2atanh(xf_div(xv, xf_add(xf_from_int(2), xv))), xf_log2e());
    } else {
        l = xf_log2(xf_add(one, xv), &exact);
    }
    return xf_to_fp80(ctx, xf_mul(xf_from_fp80(y), l), exact && xv.exp >= -1);
}

struct fp80 fp80_fpatan(struct fp80_ctx *ctx, struct fp80 y, struct fp80 x)
{
    struct fp80 r;
    struct xf ay, ax, t, pi = xf_pi();
    int sy = fp80_sign(y), sx = fp80_sign(x);
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, x, y, &r))
        return r;
    fp80_denormal_check(ctx, x, y);
    /* SDM Vol. 2, FPATAN table. */
    if (fp80_is_zero(y)) {
        if (!sx)
            return zero(sy);
        return xf_to_fp80(ctx, sy ? xf_neg(pi) : pi, 0);
    }
    if (fp80_is_inf(y)) {
        struct xf q = pi;
        if (fp80_is_inf(x))
            q = sx ? xf_sub(pi, xf_make(0, -1, pi.sig.hi, pi.sig.lo)) : xf_make(0, -1, pi.sig.hi, pi.sig.lo);   /* 3pi/4, pi/4 */
        else
            q.exp--;
        return xf_to_fp80(ctx, sy ? xf_neg(q) : q, 0);
    }
    if (fp80_is_zero(x)) {
        pi.exp--;
        return xf_to_fp80(ctx, sy ? xf_neg(pi) : pi, 0);
    }
    if (fp80_is_inf(x)) {
        if (!sx)
            return zero(sy);
        return xf_to_fp80(ctx, sy ? xf_neg(pi) : pi, 0);
    }
    ay = xf_abs(xf_from_fp80(y));
    ax = xf_abs(xf_from_fp80(x));
    if (xf_cmp_abs(ay, ax) <= 0) {
        t = xf_atan01(xf_div(ay, ax));
    } else {
        struct xf pio2 = pi;
        pio2.exp--;
        t = xf_sub(pio2, xf_atan01(xf_div(ax, ay)));
    }
    if (sx)
        t = xf_sub(pi, t);
    t.sign = sy;
    return xf_to_fp80(ctx, t, 0);
}
