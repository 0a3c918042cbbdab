/* Conversions between the register format and the x87's memory formats:
 * integers (FILD/FIST/FISTTP), single and double reals (FLD/FST m32/m64)
 * and packed BCD (FBLD/FBSTP). SDM Vol. 1, 4.2 and 8.2, and the
 * instruction pages in Vol. 2.
 *
 * The stores (FST, FIST, FISTTP, FBSTP) never raise DE for a denormal
 * register operand: the store instruction pages list no #D, and the host
 * x87 agrees (tests/unit/test_fp80.c). The loads from single and double
 * reals do. */
#include "cpu/fp80_internal.h"

int fp80_round_integer(int rc, struct fp80_unpacked u, uint64_t *mag, int *inexact, int *up)
{
    int32_t e = u.exp - FP80_BIAS;
    struct u128 x;
    uint64_t frac, ip;
    int incr = 0;
    *inexact = *up = 0;
    if (e >= 64)
        return 0;
    /* sig << 64 holds the value / 2^(e - 63 + 64): shifting right by
     * 63 - e leaves the integer part in the high word, the fraction in
     * the low word (jammed). */
    x = u128_shr_jam(u128_make(u.sig, 0), (unsigned)(63 - e > 200 ? 200 : 63 - e));
    ip = x.hi;
    frac = x.lo;
    if (frac) {
        *inexact = 1;
        switch (rc & 3) {
        case FP80_RC_NEAREST:
            incr = frac > FP80_INT_BIT || (frac == FP80_INT_BIT && (ip & 1));
            break;
        case FP80_RC_DOWN:
            incr = u.sign;
            break;
        case FP80_RC_UP:
            incr = !u.sign;
            break;
        default:
            break;
        }
    }
    *up = incr;
    if (incr && ip == ~0ull)
        return 0;
    *mag = ip + (uint64_t)incr;
    return 1;
}

struct fp80 fp80_from_int(int64_t v)
{
    uint64_t m;
    int n, s = v < 0;
    if (v == 0)
        return fp80_make(0, 0, 0);
    m = s ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    n = clz64(m);
    return fp80_make(s, FP80_BIAS + 63 - n, m << n);
}

int64_t fp80_to_int(struct fp80_ctx *ctx, struct fp80 a, unsigned bits, int truncate, int *ok)
{
    int64_t indefinite = bits >= 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    uint64_t mag, limit;
    int inexact, up;
    struct fp80_unpacked u;
    ctx->c1 = 0;
    *ok = 0;
    if (fp80_is_unsupported(a) || fp80_is_nan(a) || fp80_is_inf(a)) {
        ctx->flags |= FP80_IE;
        return indefinite;
    }
    if (fp80_is_zero(a)) {
        *ok = 1;
        return 0;
    }
    u = fp80_unpack(a);
    limit = (uint64_t)1 << (bits - 1);   /* |most negative| */
    if (!fp80_round_integer(truncate ? FP80_RC_ZERO : ctx->rc, u, &mag, &inexact, &up) || mag > limit ||
        (mag == limit && !u.sign)) {
        ctx->flags |= FP80_IE;
        return indefinite;
    }
    if (inexact)
        ctx->flags |= FP80_PE;
    ctx->c1 = (uint8_t)up;
    *ok = 1;
    return u.sign ? (int64_t)(0 - mag) : (int64_t)mag;
}

/* Memory reals: fracbits explicit fraction bits, exponent bias. */
static struct fp80 from_real(struct fp80_ctx *ctx, uint64_t bits, int fracbits, int expbits)
{
    int sign = (int)(bits >> (fracbits + expbits));
    int emax = (1 << expbits) - 1, bias = (1 << (expbits - 1)) - 1;
    int e = (int)((bits >> fracbits) & (uint64_t)emax);
    uint64_t frac = bits & (((uint64_t)1 << fracbits) - 1);
    uint64_t m = frac << (63 - fracbits);
    if (e == emax) {
        if (frac == 0)
            return fp80_make(sign, FP80_EXP_MAX, FP80_INT_BIT);
        if (!(m & FP80_QUIET_BIT))
            ctx->flags |= FP80_IE;
        return fp80_make(sign, FP80_EXP_MAX, FP80_INT_BIT | FP80_QUIET_BIT | m);
    }
    if (e == 0) {
        int n;
        if (frac == 0)
            return fp80_make(sign, 0, 0);
        ctx->flags |= FP80_DE;
        n = clz64(m);
        return fp80_make(sign, 1 - bias + FP80_BIAS - n, m << n);
    }
    return fp80_make(sign, e - bias + FP80_BIAS, FP80_INT_BIT | m);
}

struct fp80 fp80_from_f32(struct fp80_ctx *ctx, uint32_t bits) { return from_real(ctx, bits, 23, 8); }
struct fp80 fp80_from_f64(struct fp80_ctx *ctx, uint64_t bits) { return from_real(ctx, bits, 52, 11); }

/* FST m32/m64: round to fracbits + 1 significand bits with the memory
 * format's exponent range (SDM Vol. 1, 4.9.1.4-4.9.1.6). */
static uint64_t to_real(struct fp80_ctx *ctx, struct fp80 a, int fracbits, int expbits)
{
    int sign = fp80_sign(a);
    int emax = (1 << expbits) - 1, bias = (1 << (expbits - 1)) - 1, prec = fracbits + 1;
    uint64_t sbit = (uint64_t)sign << (fracbits + expbits);
    uint64_t fmask = ((uint64_t)1 << fracbits) - 1;
    uint64_t inf = sbit | ((uint64_t)emax << fracbits);
    struct fp80_unpacked u;
    int32_t e;
    uint64_t m;
    int carry, inexact, up, not_tiny = 0;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a)) {
        ctx->flags |= FP80_IE;
        return ((uint64_t)1 << (fracbits + expbits)) | ((uint64_t)emax << fracbits) | ((uint64_t)1 << (fracbits - 1));
    }
    if (fp80_is_nan(a)) {
        if (fp80_is_snan(a))
            ctx->flags |= FP80_IE;
        return inf | ((a.mant >> (63 - fracbits)) & fmask) | ((uint64_t)1 << (fracbits - 1));
    }
    if (fp80_is_inf(a))
        return inf;
    if (fp80_is_zero(a))
        return sbit;
    u = fp80_unpack(a);
    e = u.exp - FP80_BIAS + bias;
    if (e == 0) {
        /* Not tiny if it rounds up to the smallest normal (tininess after
         * rounding, as in fp80_round_pack). */
        fp80_round_sig(ctx->rc, sign, u128_make(u.sig, 0), prec, &carry, &inexact, &up);
        if (carry)
            not_tiny = 1;
    }
    if (e < 1 && !not_tiny) {
        struct u128 d = u128_shr_jam(u128_make(u.sig, 0), (unsigned)(1 - e > 200 ? 200 : 1 - e));
        m = fp80_round_sig(ctx->rc, sign, d, prec, &carry, &inexact, &up);
        if (!(ctx->mask & FP80_UE)) {
            /* Unmasked: the memory operand is left alone (SDM 4.9.1.5)
             * and only UE is reported (no PE, C1 = 0; host x87). */
            ctx->flags |= FP80_UE;
            return sbit;
        }
        if (inexact)
            ctx->flags |= FP80_UE | FP80_PE;
        ctx->c1 = (uint8_t)up;
        if (carry)
            return sbit | ((uint64_t)1 << fracbits);
        return sbit | (m >> (64 - prec)) ;   /* the integer bit, when set, is exponent 1 */
    }
    m = fp80_round_sig(ctx->rc, sign, u128_make(u.sig, 0), prec, &carry, &inexact, &up);
    if (carry) {
        m = FP80_INT_BIT;
        e++;
    }
    if (e >= emax) {
        if (!(ctx->mask & FP80_OE)) {
            ctx->flags |= FP80_OE;   /* the same: OE alone */
            return inf;
        }
        ctx->flags |= FP80_OE | FP80_PE;
        switch (ctx->rc & 3) {
        case FP80_RC_NEAREST:
            ctx->c1 = 1;
            return inf;
        case FP80_RC_DOWN:
            ctx->c1 = (uint8_t)sign;
            return sign ? inf : sbit | ((uint64_t)(emax - 1) << fracbits) | fmask;
        case FP80_RC_UP:
            ctx->c1 = (uint8_t)!sign;
            return !sign ? inf : sbit | ((uint64_t)(emax - 1) << fracbits) | fmask;
        default:
            return sbit | ((uint64_t)(emax - 1) << fracbits) | fmask;
        }
    }
    if (inexact)
        ctx->flags |= FP80_PE;
    ctx->c1 = (uint8_t)up;
    return sbit | ((uint64_t)e << fracbits) | ((m >> (63 - fracbits)) & fmask);
}

uint32_t fp80_to_f32(struct fp80_ctx *ctx, struct fp80 a) { return (uint32_t)to_real(ctx, a, 23, 8); }
uint64_t fp80_to_f64(struct fp80_ctx *ctx, struct fp80 a) { return to_real(ctx, a, 52, 11); }

struct fp80 fp80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    int i;
    struct fp80 r;
    for (i = 8; i >= 0; i--)
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15);
    r = fp80_from_int((int64_t)v);   /* < 10^18 * 1.6 < 2^63 */
    if (bcd[9] & 0x80)
        r.se |= 0x8000;
    return r;
}

void fp80_to_bcd(struct fp80_ctx *ctx, struct fp80 a, uint8_t bcd[10])
{
    static const uint64_t max = 999999999999999999ull;
    uint64_t mag = 0;
    int inexact = 0, up = 0, i;
    int sign = fp80_sign(a);
    ctx->c1 = 0;
    if (fp80_is_unsupported(a) || fp80_is_nan(a) || fp80_is_inf(a))
        goto invalid;
    if (!fp80_is_zero(a)) {
        if (!fp80_round_integer(ctx->rc, fp80_unpack(a), &mag, &inexact, &up) || mag > max)
            goto invalid;
    }
    if (inexact)
        ctx->flags |= FP80_PE;
    ctx->c1 = (uint8_t)up;
    for (i = 0; i < 9; i++) {
        unsigned lo = (unsigned)(mag % 10), hi = (unsigned)(mag / 10 % 10);
        bcd[i] = (uint8_t)(hi << 4 | lo);
        mag /= 100;
    }
    bcd[9] = (uint8_t)(sign ? 0x80 : 0);
    return;
invalid:
    ctx->flags |= FP80_IE;
    for (i = 0; i < 7; i++)
        bcd[i] = 0;
    bcd[7] = 0xC0;
    bcd[8] = 0xFF;
    bcd[9] = 0xFF;
}
