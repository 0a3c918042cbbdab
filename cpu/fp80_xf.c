/* The 128-bit working format of the transcendentals (fp80_xf.h). */
#include "cpu/fp80_xf.h"

struct xf xf_norm(int sign, int32_t exp, struct u128 sig)
{
    struct xf r;
    int n;
    r.sign = sign;
    if (u128_is_zero(sig)) {
        r.exp = 0;
        r.sig = sig;
        return r;
    }
    n = u128_clz(sig);
    r.exp = exp - n;
    r.sig = u128_shl(sig, (unsigned)n);
    return r;
}

struct xf xf_from_fp80(struct fp80 a)
{
    struct fp80_unpacked u;
    if (fp80_is_zero(a))
        return xf_make(fp80_sign(a), 0, 0, 0);
    u = fp80_unpack(a);
    return xf_make(u.sign, u.exp - FP80_BIAS, u.sig, 0);
}

struct xf xf_from_int(int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return xf_norm(v < 0, 127, u128_make(0, m));
}

int xf_cmp_abs(struct xf a, struct xf b)
{
    if (xf_is_zero(a) || xf_is_zero(b))
        return xf_is_zero(a) ? (xf_is_zero(b) ? 0 : -1) : 1;
    if (a.exp != b.exp)
        return a.exp > b.exp ? 1 : -1;
    return u128_cmp(a.sig, b.sig);
}

struct xf xf_add(struct xf a, struct xf b)
{
    struct u128 A, B;
    uint32_t d;
    if (xf_is_zero(a))
        return b;
    if (xf_is_zero(b))
        return a;
    if (xf_cmp_abs(a, b) < 0) {
        struct xf t = a;
        a = b;
        b = t;
    }
    d = (uint32_t)(a.exp - b.exp);
    /* One bit of headroom for a carry. The bits shifted out of the
     * smaller operand are jammed into bit 0, so that a negligible term
     * still moves the sum off an exact value in the right direction
     * (sin x just below x, cos x just below 1): the final rounding by a
     * directed mode depends on it. */
    A = u128_shr_jam(a.sig, 1);
    B = u128_shr_jam(b.sig, d + 1 > 200 ? 200 : d + 1);
    if (a.sign == b.sign)
        return xf_norm(a.sign, a.exp + 1, u128_add(A, B));
    return xf_norm(a.sign, a.exp + 1, u128_sub(A, B));
}

struct xf xf_sub(struct xf a, struct xf b) { return xf_add(a, xf_neg(b)); }

struct xf xf_mul(struct xf a, struct xf b)
{
    struct u128 hh, hl, lh, ll, mid, top;
    uint64_t carry;
    if (xf_is_zero(a) || xf_is_zero(b))
        return xf_make(a.sign ^ b.sign, 0, 0, 0);
    hh = u128_mul64(a.sig.hi, b.sig.hi);
    hl = u128_mul64(a.sig.hi, b.sig.lo);
    lh = u128_mul64(a.sig.lo, b.sig.hi);
    ll = u128_mul64(a.sig.lo, b.sig.lo);
    /* Bits 64..191 of the middle column, with the carries into 128+. */
    mid = u128_add(hl, u128_make(0, ll.hi));
    carry = u128_cmp(mid, hl) < 0;
    mid = u128_add(mid, lh);
    carry += u128_cmp(mid, lh) < 0;
    top = u128_add(hh, u128_make(carry, mid.hi));
    /* top holds bits 128..255 of the product, which is in [2^254, 2^256);
     * the bits below are jammed into bit 0, as everywhere in this format. */
    top.lo |= (uint64_t)((mid.lo | ll.lo) != 0);
    return xf_norm(a.sign ^ b.sign, a.exp + b.exp + 1, top);
}

#if defined(__SIZEOF_INT128__) && !defined(FP80_PORTABLE)
/* One base-2^64 digit of long division (Knuth, TAOCP 4.3.1, algorithm
 * D): *r (< d, d normalised) becomes (*r * 2^64) mod d; returns the digit. */
static uint64_t div_digit(struct u128 *r, struct u128 d)
{
    uint64_t q, n0 = 0, n1 = r->lo, n2 = r->hi, p0, p1, p2, b0, b1;
    struct u128 plo, phi;
    int borrow;
    if (r->hi >= d.hi)
        q = ~0ull;
    else
        q = (uint64_t)((((unsigned __int128)r->hi << 64) | r->lo) / d.hi);
    /* n - q d over three words; at most two corrections. */
    plo = u128_mul64(q, d.lo);
    phi = u128_mul64(q, d.hi);
    p0 = plo.lo;
    p1 = plo.hi + phi.lo;
    p2 = phi.hi + (p1 < plo.hi);
    b0 = n0 < p0;
    n0 -= p0;
    b1 = (n1 < p1) || (n1 - p1 < b0);
    n1 = n1 - p1 - b0;
    borrow = (n2 < p2) || (n2 - p2 < b1);
    n2 = n2 - p2 - b1;
    while (borrow) {
        uint64_t c0, c1;
        q--;
        n0 += d.lo;
        c0 = n0 < d.lo;
        n1 += d.hi;
        c1 = n1 < d.hi;
        n1 += c0;
        c1 |= n1 < c0;
        n2 += c1;
        if (n2 < c1)
            borrow = 0;   /* the carry out cancels the borrow */
    }
    *r = u128_make(n1, n0);
    return q;
}
#endif

struct xf xf_div(struct xf a, struct xf b)
{
    struct u128 q;
    if (xf_is_zero(a))
        return xf_make(a.sign ^ b.sign, 0, 0, 0);
#if defined(__SIZEOF_INT128__) && !defined(FP80_PORTABLE)
    {
        /* floor(sig_a * 2^128 / sig_b) = q2 q1 q0 in base 2^64 (q2 <= 1),
         * halved to floor(sig_a / sig_b * 2^127) with the rest jammed. */
        struct u128 r = a.sig;
        uint64_t q2 = u128_cmp(r, b.sig) >= 0, q1, q0;
        if (q2)
            r = u128_sub(r, b.sig);
        q1 = div_digit(&r, b.sig);
        q0 = div_digit(&r, b.sig);
        q = u128_make(q2 << 63 | q1 >> 1, q1 << 63 | q0 >> 1 | (uint64_t)((q0 & 1) || !u128_is_zero(r)));
    }
#else
    {
        struct u128 rem = a.sig;
        int i, carry = 0;
        q = u128_make(0, 0);
        /* Restoring division, 128 quotient bits: floor(sig_a / sig_b *
         * 2^127). The remainder is below 2 sig_b, so with its 129th bit
         * (carry). */
        for (i = 0; i < 128; i++) {
            q = u128_shl(q, 1);
            if (carry || u128_cmp(rem, b.sig) >= 0) {
                rem = u128_sub(rem, b.sig);
                q.lo |= 1;
            }
            carry = (int)(rem.hi >> 63);
            rem = u128_shl(rem, 1);
        }
        q.lo |= (uint64_t)(carry || !u128_is_zero(rem));   /* sticky */
    }
#endif
    return xf_norm(a.sign ^ b.sign, a.exp - b.exp, q);
}

struct xf xf_div_small(struct xf a, uint32_t d)
{
    uint64_t w[4], r = 0, extra;
    struct u128 q;
    int i, n;
    if (xf_is_zero(a))
        return a;
    w[0] = a.sig.hi >> 32;
    w[1] = a.sig.hi & 0xFFFFFFFFu;
    w[2] = a.sig.lo >> 32;
    w[3] = a.sig.lo & 0xFFFFFFFFu;
    for (i = 0; i < 4; i++) {
        uint64_t cur = r << 32 | w[i];
        w[i] = cur / d;
        r = cur % d;
    }
    /* 32 more quotient bits to fill the normalisation shift (<= 32). */
    extra = (r << 32) / d;
    q = u128_make(w[0] << 32 | w[1], w[2] << 32 | w[3]);
    n = u128_clz(q);
    q = u128_shl(q, (unsigned)n);
    if (n > 0)
        q.lo |= extra >> (32 - n);
    return xf_make(a.sign, a.exp - n, q.hi, q.lo);
}

struct fp80 xf_to_fp80(struct fp80_ctx *ctx, struct xf a, int exact)
{
    struct u128 s = a.sig;
    struct fp80 r;
    if (xf_is_zero(a)) {
        ctx->c1 = 0;
        return fp80_make(a.sign, 0, 0);
    }
    if (!exact)
        s.lo |= 1;
    /* The x87 reports PE for every computed transcendental result, even
     * an exact one (host x87: FYL2X of a power of two, F2XM1 of 1). */
    ctx->flags |= FP80_PE;
    if (a.exp + FP80_BIAS > 0x10000)
        return fp80_round_pack(ctx, a.sign, 0x10000, s, 64);   /* overflows in any case */
    if (a.exp + FP80_BIAS < -0x10000)
        return fp80_round_pack(ctx, a.sign, -0x10000, s, 64);
    r = fp80_round_pack(ctx, a.sign, a.exp + FP80_BIAS, s, 64);
    /* Inexact by the x87's account, so a tiny result is an underflow
     * even when exact (host x87: FYL2X of 2 and a denormal y). */
    if (fp80_exp(r) == 0)
        ctx->flags |= FP80_UE;
    return r;
}

struct xf xf_pi(void) { return xf_make(0, 1, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull); }
struct xf xf_ln2(void) { return xf_make(0, -1, 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull); }
struct xf xf_log2e(void) { return xf_make(0, 0, 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull); }
struct xf xf_two_over_pi(void) { return xf_make(0, -1, 0xa2f9836e4e441529ull, 0xfc2757d1f534ddc0ull); }
