/* Internals shared by the cpu/fp80*.c files: a hand-written 128-bit
 * unsigned integer, the unpacked operand form and the one rounding routine
 * every result goes through. Not for the instruction layer (cpu/fp80.h is
 * its contract). */
#ifndef SHADOW86_CPU_FP80_INTERNAL_H
#define SHADOW86_CPU_FP80_INTERNAL_H

#include <stdint.h>
#include "cpu/fp80.h"

#define FP80_BIAS 16383
#define FP80_EXP_MAX 0x7FFF
#define FP80_INT_BIT 0x8000000000000000ull
#define FP80_QUIET_BIT 0x4000000000000000ull
/* Unmasked overflow/underflow deliver the exponent wrapped by this much
 * (SDM Vol. 1, 8.5.3 and 8.5.4: 6000h for the x87 register format). */
#define FP80_WRAP 24576

/* --- 128-bit unsigned arithmetic, written out so that any C11 compiler
 * gives the same bits (no unsigned __int128 needed). Compiler builtins
 * and unsigned __int128 are used only as faster paths to the same bits;
 * FP80_PORTABLE turns them off (test_fp80_portable builds that way). --- */
struct u128 {
    uint64_t hi, lo;
};

static inline struct u128 u128_make(uint64_t hi, uint64_t lo)
{
    struct u128 r = { hi, lo };
    return r;
}
static inline int u128_is_zero(struct u128 a) { return (a.hi | a.lo) == 0; }
static inline int u128_cmp(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}
static inline struct u128 u128_add(struct u128 a, struct u128 b)
{
    struct u128 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo);
    return r;
}
static inline struct u128 u128_sub(struct u128 a, struct u128 b)
{
    struct u128 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}
static inline struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, 0);
    if (n >= 64)
        return u128_make(a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}
static inline struct u128 u128_shr(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, 0);
    if (n >= 64)
        return u128_make(0, a.hi >> (n - 64));
    return u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
}
/* Shift right, ORing every bit shifted out into bit 0 ("jamming"), so a
 * later rounding still sees that the value was inexact. */
static inline struct u128 u128_shr_jam(struct u128 a, unsigned n)
{
    struct u128 r;
    uint64_t lost;
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_make(0, !u128_is_zero(a));
    r = u128_shr(a, n);
    if (n < 64)
        lost = a.lo << (64 - n);
    else
        lost = a.lo | (n > 64 ? a.hi << (128 - n) : 0);
    r.lo |= (uint64_t)(lost != 0);
    return r;
}
static inline struct u128 u128_mul64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(FP80_PORTABLE)
    unsigned __int128 p = (unsigned __int128)a * b;
    return u128_make((uint64_t)(p >> 64), (uint64_t)p);
#else
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    struct u128 r;
    r.lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return r;
#endif
}
static inline int clz64(uint64_t v)
{
#if (defined(__GNUC__) || defined(__clang__)) && !defined(FP80_PORTABLE)
    return v ? __builtin_clzll(v) : 64;   /* unsigned long long is 64 bits on every target we build */
#else
    int n = 0;
    if (v == 0)
        return 64;
    while (!(v & FP80_INT_BIT)) {
        v <<= 1;
        n++;
    }
    return n;
#endif
}
static inline int u128_clz(struct u128 a)
{
    return a.hi ? clz64(a.hi) : 64 + clz64(a.lo);
}

/* --- Operands ------------------------------------------------------- */
static inline struct fp80 fp80_make(int sign, int exp, uint64_t mant)
{
    struct fp80 r;
    r.se = (uint16_t)(((unsigned)sign << 15) | ((unsigned)exp & 0x7FFF));
    r.mant = mant;
    return r;
}
static inline int fp80_exp(struct fp80 a) { return a.se & 0x7FFF; }

/* A finite nonzero operand, unpacked: value = sig / 2^63 * 2^(exp - bias),
 * sig normalised (bit 63 set); exp may be below 1 for denormals. */
struct fp80_unpacked {
    int sign;
    int32_t exp;
    uint64_t sig;
};
struct fp80_unpacked fp80_unpack(struct fp80 a);

/* True for the encodings the x87 refuses (SDM Vol. 1, 8.2.2 and table
 * 8-3): pseudo-NaN, pseudo-infinity, unnormal. */
int fp80_is_unsupported(struct fp80 a);
int fp80_is_denormal_operand(struct fp80 a);   /* denormal or pseudo-denormal */
int fp80_is_zero(struct fp80 a);
int fp80_is_inf(struct fp80 a);
/* The operand as the x87 delivers it unchanged: a pseudo-denormal gets
 * its exponent 1 (same value, SDM Vol. 1, 8.2.2); anything else is
 * returned as it is, a denormal included. */
struct fp80 fp80_canonical(struct fp80 a);

/* The QNaN the x87 delivers for NaN operands (one of them may be absent:
 * pass a non-NaN); raises IE when either is an SNaN. */
struct fp80 fp80_propagate_nan(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);
/* IE, real indefinite. */
struct fp80 fp80_invalid(struct fp80_ctx *ctx);
/* The first step of a two-operand operation (SDM Vol. 1, 4.9.2 priority):
 * an unsupported operand gives IE and the indefinite, NaN operands the
 * propagated NaN; returns 1 when *r is then the result. */
int fp80_nan_operands(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, struct fp80 *r);
/* DE when either operand is a denormal or pseudo-denormal. */
void fp80_denormal_check(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);

/* Round the exact value (-1)^sign * sig / 2^127 * 2^(exp - bias) (sig
 * normalised with bit 127 set, or zero) to `prec` significand bits (64,
 * 53 or 24) by ctx->rc, with the x87's overflow, underflow, denormal and
 * wrap handling; sets PE/UE/OE and C1. */
struct fp80 fp80_round_pack(struct fp80_ctx *ctx, int sign, int32_t exp, struct u128 sig, int prec);
/* Normalise first (sig nonzero, any position): value = sig / 2^127 * 2^(exp - bias). */
struct fp80 fp80_norm_round_pack(struct fp80_ctx *ctx, int sign, int32_t exp, struct u128 sig, int prec);
/* Round sig (bit 127 the integer bit, or lower for a denormal) to prec
 * bits at the top of the returned word by rc; *carry when the rounding
 * overflowed bit 63, *inexact, *up when the magnitude was increased. */
uint64_t fp80_round_sig(int rc, int sign, struct u128 sig, int prec, int *carry, int *inexact, int *up);
/* Round a finite value to an integer by rc: *mag gets |result|; returns 0
 * when it does not fit in 64 bits. */
int fp80_round_integer(int rc, struct fp80_unpacked u, uint64_t *mag, int *inexact, int *up);
/* The significand precision selected by ctx->pc. */
int fp80_precision(const struct fp80_ctx *ctx);

#endif
