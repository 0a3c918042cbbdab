/* The core of the x87 arithmetic: operand inspection, NaN propagation and
 * the single rounding routine (precision control, rounding modes,
 * denormalisation, overflow/underflow with the masked and unmasked
 * responses of SDM Vol. 1, 4.9 and 8.5).
 *
 * Reserved precision control (PC = 01b): the SDM lists it as "reserved"
 * (Vol. 1, 8.1.5.2, table 8-2) and says nothing of its effect. The x87 of
 * an x86-64 host rounds such results to the full 64-bit significand, as
 * for PC = 11b; shadow86 does the same, and tests/unit/test_fp80.c checks
 * it against the host for every operation that uses precision control. */
#include "cpu/fp80_internal.h"

int fp80_precision(const struct fp80_ctx *ctx)
{
    switch (ctx->pc & 3) {
    case FP80_PC_24:
        return 24;
    case FP80_PC_53:
        return 53;
    default:
        return 64;
    }
}

int fp80_is_zero(struct fp80 a) { return fp80_exp(a) == 0 && a.mant == 0; }
int fp80_is_inf(struct fp80 a) { return fp80_exp(a) == FP80_EXP_MAX && a.mant == FP80_INT_BIT; }

int fp80_is_unsupported(struct fp80 a)
{
    int e = fp80_exp(a);
    return e != 0 && !(a.mant & FP80_INT_BIT);
}

int fp80_is_denormal_operand(struct fp80 a) { return fp80_exp(a) == 0 && a.mant != 0; }

struct fp80 fp80_canonical(struct fp80 a)
{
    if (fp80_exp(a) == 0 && (a.mant & FP80_INT_BIT))
        a.se |= 1;
    return a;
}

int fp80_is_nan(struct fp80 a)
{
    return fp80_exp(a) == FP80_EXP_MAX && (a.mant & FP80_INT_BIT) && (a.mant << 1) != 0;
}

int fp80_is_snan(struct fp80 a) { return fp80_is_nan(a) && !(a.mant & FP80_QUIET_BIT); }

enum fp80_class fp80_classify(struct fp80 a)
{
    int e = fp80_exp(a);
    if (fp80_is_unsupported(a))
        return FP80_CLASS_UNSUPPORTED;
    if (e == FP80_EXP_MAX)
        return (a.mant << 1) ? FP80_CLASS_NAN : FP80_CLASS_INFINITY;
    if (e == 0)
        return a.mant ? FP80_CLASS_DENORMAL : FP80_CLASS_ZERO;
    return FP80_CLASS_NORMAL;
}

struct fp80 fp80_indefinite(void) { return fp80_make(1, FP80_EXP_MAX, 0xC000000000000000ull); }

struct fp80 fp80_invalid(struct fp80_ctx *ctx)
{
    ctx->flags |= FP80_IE;
    return fp80_indefinite();
}

struct fp80_unpacked fp80_unpack(struct fp80 a)
{
    struct fp80_unpacked u;
    u.sign = fp80_sign(a);
    u.exp = fp80_exp(a);
    u.sig = a.mant;
    if (u.exp == 0 && u.sig != 0) {
        /* Denormals and pseudo-denormals both have the weight of
         * exponent 1 (SDM Vol. 1, 8.2.2). */
        int n = clz64(u.sig);
        u.exp = 1 - n;
        u.sig <<= n;
    }
    return u;
}

/* SDM Vol. 1, table 4-7 (x87 column): an SNaN is quieted; with two NaNs
 * the larger significand wins, except that a QNaN beats an SNaN. */
struct fp80 fp80_propagate_nan(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b)
{
    int an = fp80_is_nan(a), bn = fp80_is_nan(b);
    int as = fp80_is_snan(a), bs = fp80_is_snan(b);
    struct fp80 r;
    if (as || bs)
        ctx->flags |= FP80_IE;
    if (an && bn) {
        if (as && !bs)
            r = b;
        else if (bs && !as)
            r = a;
        else if (a.mant != b.mant)
            r = a.mant > b.mant ? a : b;
        else
            r = fp80_sign(a) ? b : a;
    } else {
        r = an ? a : b;
    }
    r.mant |= FP80_QUIET_BIT;
    return r;
}

/* Round a 128-bit significand (bit 127 set, or shifted right for a
 * denormal) to `prec` bits at the top of the high word. Returns the
 * rounded high word; *carry when rounding overflowed past bit 63,
 * *inexact and *up (magnitude increased) as found. */
uint64_t fp80_round_sig(int rc, int sign, struct u128 sig, int prec, int *carry, int *inexact, int *up)
{
    uint64_t frac, trunc, inc, r;
    int incr = 0;
    if (prec >= 64) {
        frac = sig.lo;
        trunc = sig.hi;
        inc = 1;
    } else {
        uint64_t mask = (~0ull) >> prec;
        frac = ((sig.hi & mask) << prec) | (sig.lo != 0);
        trunc = sig.hi & ~mask;
        inc = mask + 1;
    }
    *inexact = frac != 0;
    if (frac) {
        switch (rc & 3) {
        case FP80_RC_NEAREST:
            incr = frac > FP80_INT_BIT || (frac == FP80_INT_BIT && (trunc & inc));
            break;
        case FP80_RC_DOWN:
            incr = sign;
            break;
        case FP80_RC_UP:
            incr = !sign;
            break;
        default:
            incr = 0;
            break;
        }
    }
    *up = incr;
    r = trunc + (incr ? inc : 0);
    *carry = incr && r < trunc;
    return r;
}

static struct fp80 overflow_result(struct fp80_ctx *ctx, int sign, int prec)
{
    int to_inf;
    switch (ctx->rc & 3) {
    case FP80_RC_NEAREST:
        to_inf = 1;
        break;
    case FP80_RC_DOWN:
        to_inf = sign;
        break;
    case FP80_RC_UP:
        to_inf = !sign;
        break;
    default:
        to_inf = 0;
        break;
    }
    ctx->c1 = (uint8_t)to_inf;
    if (to_inf)
        return fp80_make(sign, FP80_EXP_MAX, FP80_INT_BIT);
    return fp80_make(sign, FP80_EXP_MAX - 1, prec >= 64 ? ~0ull : ~((~0ull) >> prec));
}

struct fp80 fp80_round_pack(struct fp80_ctx *ctx, int sign, int32_t exp, struct u128 sig, int prec)
{
    int carry, inexact, up;
    uint64_t m;
    ctx->c1 = 0;
    if (u128_is_zero(sig))
        return fp80_make(sign, 0, 0);
    /* Tininess is detected after rounding (IEEE 754's option; what the
     * host x87 does): a value just below the smallest normal that rounds
     * up to it at this precision, with an unbounded exponent, is not
     * tiny. */
    if (exp == 0) {
        fp80_round_sig(ctx->rc, sign, sig, prec, &carry, &inexact, &up);
        if (carry)
            goto normal;
    }
    if (exp < 1) {
        /* Tiny (SDM Vol. 1, 4.9.1.5). Masked: denormalise, then round at
         * the same bit positions as a normal result of this precision
         * (the precision mask is on the register significand); UE only
         * if inexact. Unmasked: round as if the exponent were unbounded
         * and wrap. */
        /* Unmasked but too small even for the wrap (only FSCALE gets
         * there): the x87 delivers a signed zero, UE and PE, whatever
         * the rounding mode (measured on the host x87). */
        if (!(ctx->mask & FP80_UE) && exp + FP80_WRAP < 1) {
            ctx->flags |= FP80_UE | FP80_PE;
            return fp80_make(sign, 0, 0);
        }
        if (ctx->mask & FP80_UE) {
            struct u128 d = u128_shr_jam(sig, (unsigned)(1 - exp));
            m = fp80_round_sig(ctx->rc, sign, d, prec, &carry, &inexact, &up);
            if (inexact)
                ctx->flags |= FP80_UE | FP80_PE;
            ctx->c1 = (uint8_t)up;
            if (carry)   /* only possible to the smallest normal */
                return fp80_make(sign, 1, FP80_INT_BIT);
            return fp80_make(sign, (m & FP80_INT_BIT) ? 1 : 0, m);
        }
        m = fp80_round_sig(ctx->rc, sign, sig, prec, &carry, &inexact, &up);
        if (carry) {
            m = FP80_INT_BIT;
            exp++;
        }
        ctx->flags |= FP80_UE | (inexact ? FP80_PE : 0);
        ctx->c1 = (uint8_t)up;
        return fp80_make(sign, exp + FP80_WRAP, m);
    }
normal:
    m = fp80_round_sig(ctx->rc, sign, sig, prec, &carry, &inexact, &up);
    if (carry) {
        m = FP80_INT_BIT;
        exp++;
    }
    if (exp >= FP80_EXP_MAX) {
        if (exp - FP80_WRAP >= FP80_EXP_MAX && !(ctx->mask & FP80_OE)) {
            /* The same for an unmasked overflow beyond the wrap: a signed
             * infinity, OE, PE, C1 (rounded up), whatever the mode. */
            ctx->flags |= FP80_OE | FP80_PE;
            ctx->c1 = 1;
            return fp80_make(sign, FP80_EXP_MAX, FP80_INT_BIT);
        }
        if (ctx->mask & FP80_OE) {
            ctx->flags |= FP80_OE | FP80_PE;
            return overflow_result(ctx, sign, prec);
        }
        ctx->flags |= FP80_OE | (inexact ? FP80_PE : 0);
        ctx->c1 = (uint8_t)up;
        return fp80_make(sign, exp - FP80_WRAP, m);
    }
    if (inexact)
        ctx->flags |= FP80_PE;
    ctx->c1 = (uint8_t)up;
    return fp80_make(sign, exp, m);
}

struct fp80 fp80_norm_round_pack(struct fp80_ctx *ctx, int sign, int32_t exp, struct u128 sig, int prec)
{
    int n;
    if (u128_is_zero(sig)) {
        ctx->c1 = 0;
        return fp80_make(sign, 0, 0);
    }
    n = u128_clz(sig);
    return fp80_round_pack(ctx, sign, exp - n, u128_shl(sig, (unsigned)n), prec);
}

/* The constants' true values to 128 bits (computed for this project with
 * 120-digit decimal arithmetic). The x87 holds them to 66 bits and rounds
 * to 64 by RC (SDM Vol. 1, 8.3.8 and the FLDPI page); for every one of
 * them the 65th and 66th bits are not both zero, so rounding the longer
 * value by RC gives the same bits without PE. */
struct fp80 fp80_constant(enum fp80_const k, enum fp80_rc rc)
{
    static const struct {
        int exp;
        uint64_t hi, lo;
    } tab[] = {
        [FP80_ONE] = { 0, 0x8000000000000000ull, 0 },
        [FP80_L2T] = { 1, 0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull },
        [FP80_L2E] = { 0, 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull },
        [FP80_PI] = { 1, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull },
        [FP80_LG2] = { -2, 0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull },
        [FP80_LN2] = { -1, 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull },
    };
    struct fp80_ctx c = { 0 };
    if (k == FP80_ZERO || (unsigned)k > FP80_ZERO)
        return fp80_make(0, 0, 0);
    c.rc = (uint8_t)rc;
    c.pc = FP80_PC_64;
    c.mask = 0x3F;
    return fp80_round_pack(&c, 0, tab[k].exp + FP80_BIAS, u128_make(tab[k].hi, tab[k].lo), 64);
}

struct fp80 fp80_abs(struct fp80 a)
{
    a.se &= 0x7FFF;
    return a;
}

struct fp80 fp80_chs(struct fp80 a)
{
    a.se ^= 0x8000;
    return a;
}

int fp80_nan_operands(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, struct fp80 *r)
{
    if (fp80_is_unsupported(a) || fp80_is_unsupported(b)) {
        *r = fp80_invalid(ctx);
        return 1;
    }
    if (fp80_is_nan(a) || fp80_is_nan(b)) {
        *r = fp80_propagate_nan(ctx, a, b);
        return 1;
    }
    return 0;
}

void fp80_denormal_check(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b)
{
    if (fp80_is_denormal_operand(a) || fp80_is_denormal_operand(b))
        ctx->flags |= FP80_DE;
}
