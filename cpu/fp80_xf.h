/* The internal working format of the transcendentals: a binary float
 * with a 128-bit significand and an unbounded (int32) exponent. Every
 * operation truncates to 128 bits, so a result computed with a few dozen
 * operations is good to ~120 bits, far more than the 64 the x87 format
 * rounds to: the final rounding (fp80_round_pack) is then correct except
 * within ~2^-56 ulp of a rounding boundary, and always within one ulp. */
#ifndef SHADOW86_CPU_FP80_XF_H
#define SHADOW86_CPU_FP80_XF_H

#include "cpu/fp80_internal.h"

/* value = (-1)^sign * sig / 2^127 * 2^exp; sig normalised (bit 127 set)
 * or zero (then the value is zero). */
struct xf {
    int sign;
    int32_t exp;
    struct u128 sig;
};

static inline int xf_is_zero(struct xf a) { return u128_is_zero(a.sig); }
static inline struct xf xf_make(int sign, int32_t exp, uint64_t hi, uint64_t lo)
{
    struct xf r;
    r.sign = sign;
    r.exp = exp;
    r.sig = u128_make(hi, lo);
    return r;
}
static inline struct xf xf_neg(struct xf a)
{
    a.sign = !a.sign;
    return a;
}
static inline struct xf xf_abs(struct xf a)
{
    a.sign = 0;
    return a;
}

/* True when term, added to sum, reaches no higher than the sum's last
 * bit (xf_add jams it there). A series stops after adding the first such
 * term: its sign is what tells a directed rounding which side of an
 * exact sum the true value lies (sin x just below x, cos x just below
 * 1); adding another could cancel that one bit. */
static inline int negligible(struct xf term, struct xf sum)
{
    return u128_is_zero(term.sig) || term.exp < sum.exp - 125;
}

struct xf xf_norm(int sign, int32_t exp, struct u128 sig);   /* sig any position, value sig/2^127*2^exp */
struct xf xf_from_fp80(struct fp80 a);                     /* finite values */
struct xf xf_from_int(int64_t v);
struct xf xf_add(struct xf a, struct xf b);
struct xf xf_sub(struct xf a, struct xf b);
struct xf xf_mul(struct xf a, struct xf b);
struct xf xf_div(struct xf a, struct xf b);
struct xf xf_div_small(struct xf a, uint32_t d);
int xf_cmp_abs(struct xf a, struct xf b);
/* Round to the register format (64 bits, ctx->rc, PC ignored as for all
 * transcendentals) with the full overflow/underflow handling, and raise
 * PE. exact = 0 marks the value as an approximation of an irrational
 * result: the rounding sees a nonzero tail below the 128 bits. */
struct fp80 xf_to_fp80(struct fp80_ctx *ctx, struct xf a, int exact);

/* Constants (128 bits, truncated). */
struct xf xf_pi(void);
struct xf xf_ln2(void);
struct xf xf_log2e(void);
struct xf xf_two_over_pi(void);

#endif
