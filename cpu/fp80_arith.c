/* FADD/FSUB/FMUL/FDIV/FSQRT: exact results of the 64-bit significands,
 * rounded once by fp80_round_pack at the precision control's width.
 *
 * Special operands follow SDM Vol. 1, 4.9.1 and table 8-10/8-11 (invalid
 * arithmetic operands), and the exception priority of 4.9.2: SNaN or
 * unsupported operand (IE), then QNaN operands (propagated, nothing
 * else), then the other invalid operations and divide-by-zero, then the
 * denormal operand exception, then overflow/underflow, then precision. */
#include "cpu/fp80_internal.h"

static struct fp80 addsub(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, int negate)
{
    struct fp80 r;
    struct fp80_unpacked ua, ub;
    int sa = fp80_sign(a), sb = fp80_sign(b) ^ negate;
    int prec = fp80_precision(ctx);
    struct u128 A, B;
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, a, b, &r))
        return r;
    if (fp80_is_inf(a) || fp80_is_inf(b)) {
        if (fp80_is_inf(a) && fp80_is_inf(b) && sa != sb)
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, a, b);
        return fp80_make(fp80_is_inf(a) ? sa : sb, FP80_EXP_MAX, FP80_INT_BIT);
    }
    fp80_denormal_check(ctx, a, b);
    if (fp80_is_zero(a) && fp80_is_zero(b)) {
        /* IEEE 754 6.3: x + (-x) is +0 except when rounding down. */
        int s = sa == sb ? sa : (ctx->rc & 3) == FP80_RC_DOWN;
        return fp80_make(s, 0, 0);
    }
    if (fp80_is_zero(a)) {
        ub = fp80_unpack(b);
        return fp80_round_pack(ctx, sb, ub.exp, u128_make(ub.sig, 0), prec);
    }
    if (fp80_is_zero(b)) {
        ua = fp80_unpack(a);
        return fp80_round_pack(ctx, sa, ua.exp, u128_make(ua.sig, 0), prec);
    }
    ua = fp80_unpack(a);
    ub = fp80_unpack(b);
    ua.sign = sa;
    ub.sign = sb;
    if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.sig < ub.sig)) {
        struct fp80_unpacked t = ua;
        ua = ub;
        ub = t;
    }
    /* One bit of headroom for the carry of a same-sign sum. */
    A = u128_make(ua.sig >> 1, ua.sig << 63);
    B = u128_shr_jam(u128_make(ub.sig >> 1, ub.sig << 63), (unsigned)(ua.exp - ub.exp));
    if (ua.sign == ub.sign)
        return fp80_norm_round_pack(ctx, ua.sign, ua.exp + 1, u128_add(A, B), prec);
    A = u128_sub(A, B);
    if (u128_is_zero(A))
        return fp80_make((ctx->rc & 3) == FP80_RC_DOWN, 0, 0);
    return fp80_norm_round_pack(ctx, ua.sign, ua.exp + 1, A, prec);
}

struct fp80 fp80_add(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b) { return addsub(ctx, a, b, 0); }
struct fp80 fp80_sub(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b) { return addsub(ctx, a, b, 1); }

struct fp80 fp80_mul(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b)
{
    struct fp80 r;
    struct fp80_unpacked ua, ub;
    int s = fp80_sign(a) ^ fp80_sign(b);
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, a, b, &r))
        return r;
    if (fp80_is_inf(a) || fp80_is_inf(b)) {
        if (fp80_is_zero(a) || fp80_is_zero(b))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, a, b);
        return fp80_make(s, FP80_EXP_MAX, FP80_INT_BIT);
    }
    fp80_denormal_check(ctx, a, b);
    if (fp80_is_zero(a) || fp80_is_zero(b))
        return fp80_make(s, 0, 0);
    ua = fp80_unpack(a);
    ub = fp80_unpack(b);
    /* sig_a * sig_b / 2^126 is the product of the significands. */
    return fp80_norm_round_pack(ctx, s, ua.exp + ub.exp - FP80_BIAS + 1, u128_mul64(ua.sig, ub.sig),
                                fp80_precision(ctx));
}

/* floor(a / b * 2^127) for normalised 64-bit significands (a / b in
 * (1/2, 2)), with bit 0 jammed when the division is inexact: value =
 * result / 2^127 * (a / b) / (that). Three 128-by-64 divisions where the
 * compiler has a 128-bit type, restoring division bit by bit otherwise;
 * both give the same bits. */
static struct u128 div_sig(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(FP80_PORTABLE)
    unsigned __int128 n;
    uint64_t q1 = a >= b, r = a - (q1 ? b : 0), q2, q3;
    n = (unsigned __int128)r << 64;
    q2 = (uint64_t)(n / b);
    r = (uint64_t)(n % b);
    n = (unsigned __int128)r << 64;
    q3 = (uint64_t)(n / b);
    r = (uint64_t)(n % b);
    /* Quotient bits: q1 . q2 q3 (q1 weight 2^0); keep the top 128 of
     * q1:q2:q3 as weight 2^0 at bit 127, jamming what is dropped. */
    return u128_make(q1 << 63 | q2 >> 1, q2 << 63 | q3 >> 1 | (uint64_t)((q3 & 1) || r));
#else
    uint64_t rem = a, q_hi = 0, q_lo = 0;
    int i;
    if (rem >= b) {
        rem -= b;
        q_lo = 1;
    }
    for (i = 0; i < 127; i++) {
        int top = (int)(rem >> 63);
        rem <<= 1;
        q_hi = (q_hi << 1) | (q_lo >> 63);
        q_lo <<= 1;
        if (top || rem >= b) {
            rem -= b;
            q_lo |= 1;
        }
    }
    q_lo |= (uint64_t)(rem != 0);
    return u128_make(q_hi, q_lo);
#endif
}

struct fp80 fp80_div(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b)
{
    struct fp80 r;
    struct fp80_unpacked ua, ub;
    int s = fp80_sign(a) ^ fp80_sign(b);
    ctx->c1 = 0;
    if (fp80_nan_operands(ctx, a, b, &r))
        return r;
    if (fp80_is_inf(a)) {
        if (fp80_is_inf(b))
            return fp80_invalid(ctx);
        fp80_denormal_check(ctx, a, b);
        return fp80_make(s, FP80_EXP_MAX, FP80_INT_BIT);
    }
    if (fp80_is_inf(b)) {
        fp80_denormal_check(ctx, a, b);
        return fp80_make(s, 0, 0);
    }
    if (fp80_is_zero(b)) {
        if (fp80_is_zero(a))
            return fp80_invalid(ctx);
        /* Divide-by-zero outranks the denormal operand (no DE). */
        ctx->flags |= FP80_ZE;
        return fp80_make(s, FP80_EXP_MAX, FP80_INT_BIT);
    }
    fp80_denormal_check(ctx, a, b);
    if (fp80_is_zero(a))
        return fp80_make(s, 0, 0);
    ua = fp80_unpack(a);
    ub = fp80_unpack(b);
    return fp80_norm_round_pack(ctx, s, ua.exp - ub.exp + FP80_BIAS, div_sig(ua.sig, ub.sig),
                                fp80_precision(ctx));
}

/* floor(sqrt(r)) for r < 2^128, and the remainder r - q^2. */
static uint64_t isqrt128(struct u128 r, struct u128 *rem_out)
{
    struct u128 rem = u128_make(0, 0);
    uint64_t q = 0;
    int i;
    for (i = 63; i >= 0; i--) {
        struct u128 two = u128_shr(r, (unsigned)(2 * i));
        struct u128 trial;
        rem = u128_shl(rem, 2);
        rem.lo |= two.lo & 3;
        trial = u128_add(u128_shl(u128_make(0, q), 2), u128_make(0, 1));
        q <<= 1;
        if (u128_cmp(rem, trial) >= 0) {
            rem = u128_sub(rem, trial);
            q |= 1;
        }
    }
    *rem_out = rem;
    return q;
}

struct fp80 fp80_sqrt(struct fp80_ctx *ctx, struct fp80 a)
{
    struct fp80_unpacked ua;
    struct u128 rem;
    int32_t e;
    uint64_t q, lo;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a))
        return fp80_propagate_nan(ctx, a, a);
    if (fp80_is_zero(a))
        return a;   /* sqrt(-0) = -0 */
    if (fp80_sign(a))
        return fp80_invalid(ctx);
    if (fp80_is_inf(a))
        return a;
    fp80_denormal_check(ctx, a, a);
    ua = fp80_unpack(a);
    e = ua.exp - FP80_BIAS;
    /* sig/2^63 * 2^e: fold an odd exponent into the significand so the
     * root of sig << (63 + odd) is a normalised 64-bit integer. */
    q = isqrt128(u128_shl(u128_make(0, ua.sig), 63u + (unsigned)(e & 1)), &rem);
    /* Round bit: sqrt >= q + 1/2 iff rem > q (integers, never a tie). */
    lo = (u128_cmp(rem, u128_make(0, q)) > 0 ? FP80_INT_BIT : 0) | (uint64_t)!u128_is_zero(rem);
    return fp80_round_pack(ctx, 0, (e - (e & 1)) / 2 + FP80_BIAS, u128_make(q, lo), fp80_precision(ctx));
}
