/* The x87 operations that are not the four rules: FRNDINT, FSCALE,
 * FXTRACT, FPREM/FPREM1 and the comparisons (FCOM/FUCOM/FTST/FICOM).
 * None of them uses precision control (SDM Vol. 1, 8.1.5.2). */
#include "cpu/fp80_internal.h"

struct fp80 fp80_round_to_int(struct fp80_ctx *ctx, struct fp80 a)
{
    struct fp80_unpacked u;
    uint64_t mag;
    int inexact, up, n;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a))
        return fp80_propagate_nan(ctx, a, a);
    if (fp80_is_inf(a) || fp80_is_zero(a))
        return a;
    if (fp80_is_denormal_operand(a))
        ctx->flags |= FP80_DE;
    u = fp80_unpack(a);
    if (u.exp - FP80_BIAS >= 63)
        return a;   /* already an integer */
    fp80_round_integer(ctx->rc, u, &mag, &inexact, &up);   /* < 2^63 + 1: fits */
    if (inexact)
        ctx->flags |= FP80_PE;
    ctx->c1 = (uint8_t)up;
    if (mag == 0)
        return fp80_make(u.sign, 0, 0);
    n = clz64(mag);
    return fp80_make(u.sign, FP80_BIAS + 63 - n, mag << n);
}

struct fp80 fp80_scale(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b)
{
    struct fp80_unpacked ua, ub;
    int32_t n;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a) || fp80_is_unsupported(b))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a) || fp80_is_nan(b))
        return fp80_propagate_nan(ctx, a, b);
    /* SDM Vol. 2, FSCALE table: 0 * 2^+inf and inf * 2^-inf are invalid. */
    if (fp80_is_inf(b)) {
        if (!fp80_sign(b)) {
            if (fp80_is_zero(a))
                return fp80_invalid(ctx);
            if (fp80_is_denormal_operand(a))
                ctx->flags |= FP80_DE;
            return fp80_make(fp80_sign(a), FP80_EXP_MAX, FP80_INT_BIT);
        }
        if (fp80_is_inf(a))
            return fp80_invalid(ctx);
        if (fp80_is_denormal_operand(a))
            ctx->flags |= FP80_DE;
        return fp80_make(fp80_sign(a), 0, 0);
    }
    if (fp80_is_denormal_operand(a) || fp80_is_denormal_operand(b))
        ctx->flags |= FP80_DE;
    if (fp80_is_inf(a) || fp80_is_zero(a))
        return a;
    /* SDM Vol. 2, FSCALE table: a finite ST(0) scaled by +-0 is ST(0).
     * Intel delivers exactly that: a denormal comes back as it is, DE its
     * only flag, also with underflow unmasked (a pseudo-denormal comes
     * back normalised). AMD rounds it like any other result and so
     * signals an unmasked underflow with a wrapped result (measured:
     * tests/unit/fp80_vectors, docs/fpu.md "Vendor differences"). */
    if (fp80_is_zero(b))
        return fp80_canonical(a);
    ua = fp80_unpack(a);
    n = 0;
    if (!fp80_is_zero(b)) {
        ub = fp80_unpack(b);
        if (ub.exp - FP80_BIAS >= 30) {
            n = 1 << 30;   /* beyond any representable scaling: saturate */
        } else if (ub.exp - FP80_BIAS >= 0) {
            n = (int32_t)(ub.sig >> (63 - (ub.exp - FP80_BIAS)));
        }
        if (ub.sign)
            n = -n;
    }
    return fp80_round_pack(ctx, ua.sign, ua.exp + n, u128_make(ua.sig, 0), 64);
}

void fp80_xtract(struct fp80_ctx *ctx, struct fp80 a, struct fp80 *sig, struct fp80 *exp)
{
    struct fp80_unpacked u;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a)) {
        *sig = *exp = fp80_invalid(ctx);
        return;
    }
    if (fp80_is_nan(a)) {
        *sig = *exp = fp80_propagate_nan(ctx, a, a);
        return;
    }
    if (fp80_is_inf(a)) {
        *sig = a;
        *exp = fp80_make(0, FP80_EXP_MAX, FP80_INT_BIT);
        return;
    }
    if (fp80_is_zero(a)) {
        /* SDM Vol. 2, FXTRACT: ZE, exponent -inf, significand the zero. */
        ctx->flags |= FP80_ZE;
        *sig = a;
        *exp = fp80_make(1, FP80_EXP_MAX, FP80_INT_BIT);
        return;
    }
    if (fp80_is_denormal_operand(a))
        ctx->flags |= FP80_DE;
    u = fp80_unpack(a);
    *sig = fp80_make(u.sign, FP80_BIAS, u.sig);
    *exp = fp80_from_int(u.exp - FP80_BIAS);
}

/* FPREM and FPREM1 (SDM Vol. 2): exact remainders. A reduction that
 * needs an exponent difference D of 64 or more is done in steps: the
 * quotient of this step is trunc((a / b) / 2^(D - N)) with N "an
 * implementation-dependent number between 32 and 63". The host x87
 * (measured by tests/unit/test_fp80.c) uses N = 32 + D mod 32, which
 * leaves a difference that is a multiple of 32; shadow86 does the same. */
struct fp80 fp80_prem(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, int ieee, uint16_t *cc)
{
    struct fp80_unpacked ua, ub;
    int32_t d;
    uint64_t rem, q = 0;
    int sign, i, steps, partial;
    struct u128 r;
    ctx->c1 = 0;
    *cc = 0;
    if (fp80_is_unsupported(a) || fp80_is_unsupported(b))
        return fp80_invalid(ctx);
    if (fp80_is_nan(a) || fp80_is_nan(b))
        return fp80_propagate_nan(ctx, a, b);
    if (fp80_is_inf(a) || fp80_is_zero(b))
        return fp80_invalid(ctx);
    if (fp80_is_denormal_operand(a) || fp80_is_denormal_operand(b))
        ctx->flags |= FP80_DE;
    /* SDM Vol. 2, FPREM/FPREM1 tables: +-0 and x rem +-inf are ST(0),
     * quotient bits 0. Intel returns the operand itself (a denormal with
     * DE only, even when underflow is unmasked; a pseudo-denormal
     * normalised), where AMD rounds it and signals the unmasked
     * underflow (docs/fpu.md "Vendor differences"). A denormal with
     * |a| < |b| finite is a rounded result on both (below). */
    if (fp80_is_zero(a) || fp80_is_inf(b))
        return fp80_canonical(a);
    ua = fp80_unpack(a);
    ub = fp80_unpack(b);
    d = ua.exp - ub.exp;
    sign = ua.sign;
    partial = d >= 64;
    if (d < 0) {
        /* |a| < |b|: quotient 0, except FPREM1 rounding |a|/|b| > 1/2 up. */
        if (ieee && d == -1 && ua.sig > ub.sig) {
            /* a - b = (sig_a - 2 sig_b) * 2^(exp_a - 63): magnitude 2 sig_b - sig_a. */
            struct u128 m = u128_sub(u128_make(0, ub.sig), u128_make(0, ua.sig >> 1));
            m = u128_sub(u128_shl(m, 1), u128_make(0, ua.sig & 1));
            *cc = 1u << 9;   /* Q0 = 1 */
            return fp80_norm_round_pack(ctx, !sign, ua.exp + 64, m, 64);
        }
        return fp80_round_pack(ctx, sign, ua.exp, u128_make(ua.sig, 0), 64);
    }
    steps = partial ? 32 + d % 32 : d;
    rem = ua.sig;
    if (rem >= ub.sig) {
        rem -= ub.sig;
        q = 1;
    }
    for (i = 0; i < steps; i++) {
        int top = (int)(rem >> 63);
        rem <<= 1;
        q <<= 1;
        if (top || rem >= ub.sig) {
            rem -= ub.sig;
            q |= 1;
        }
    }
    /* rem / 2^63 * 2^(exp_a - steps) is the remainder. */
    r = u128_make(0, rem);
    if (!partial && ieee) {
        /* Round the quotient to nearest: 2 rem vs sig_b. */
        struct u128 twice = u128_shl(r, 1);
        int c = u128_cmp(twice, u128_make(0, ub.sig));
        if (c > 0 || (c == 0 && (q & 1))) {
            r = u128_sub(u128_make(0, ub.sig), r);
            q++;
            sign = !sign;
        }
    }
    if (partial) {
        *cc = 1u << 10;
    } else {
        *cc = (uint16_t)(((q >> 2) & 1) << 8 | ((q >> 1) & 1) << 14 | (q & 1) << 9);
    }
    if (u128_is_zero(r))
        return fp80_make(ua.sign, 0, 0);
    return fp80_norm_round_pack(ctx, sign, ua.exp - steps + 64, r, 64);
}

enum fp80_cmp fp80_compare(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, int quiet)
{
    struct fp80_unpacked ua, ub;
    int za, zb, mag;
    ctx->c1 = 0;
    if (fp80_is_unsupported(a) || fp80_is_unsupported(b)) {
        ctx->flags |= FP80_IE;
        return FP80_UNORDERED;
    }
    if (fp80_is_nan(a) || fp80_is_nan(b)) {
        if (!quiet || fp80_is_snan(a) || fp80_is_snan(b))
            ctx->flags |= FP80_IE;
        return FP80_UNORDERED;
    }
    if (fp80_is_denormal_operand(a) || fp80_is_denormal_operand(b))
        ctx->flags |= FP80_DE;
    za = fp80_is_zero(a);
    zb = fp80_is_zero(b);
    if (za && zb)
        return FP80_EQ;
    if (za)
        return fp80_sign(b) ? FP80_GT : FP80_LT;
    if (zb)
        return fp80_sign(a) ? FP80_LT : FP80_GT;
    if (fp80_sign(a) != fp80_sign(b))
        return fp80_sign(a) ? FP80_LT : FP80_GT;
    if (fp80_is_inf(a) || fp80_is_inf(b)) {
        if (fp80_is_inf(a) && fp80_is_inf(b))
            return FP80_EQ;
        mag = fp80_is_inf(a) ? 1 : -1;
    } else {
        ua = fp80_unpack(a);
        ub = fp80_unpack(b);
        if (ua.exp != ub.exp)
            mag = ua.exp > ub.exp ? 1 : -1;
        else
            mag = ua.sig == ub.sig ? 0 : ua.sig > ub.sig ? 1 : -1;
    }
    if (fp80_sign(a))
        mag = -mag;
    return mag == 0 ? FP80_EQ : mag > 0 ? FP80_GT : FP80_LT;
}
