/* Exact 80-bit extended-precision arithmetic, as the x87 computes it.
 *
 * Portable C written for this project: no host long double, no host FPU
 * state, the same bits on every host. This is the arithmetic only; the x87
 * register stack, tag word, status/control words, exceptions delivery
 * (#MF, FERR#) and memory formats' addressing live in the instruction layer
 * (cpu/fpu*.c), which calls these functions.
 *
 * Conventions for every operation below:
 * - Operands are register-format values (struct fp80). Unsupported
 *   encodings (pseudo-NaN, pseudo-infinity, unnormal: integer bit clear
 *   with a nonzero exponent other than 7FFFh's "real" forms) are invalid
 *   operands: IE, result the default QNaN (real indefinite).
 *   Pseudo-denormals (exponent 0, integer bit set) are read as denormals
 *   with exponent 1 and raise DE like denormals.
 * - `ctx->rc` and `ctx->pc` are the control word's RC and PC fields;
 *   `ctx->mask` is its six mask bits (1 = masked). Operations OR the
 *   exceptions they raise into `ctx->flags` (FP80_* below) and set
 *   `ctx->c1` to 1 when the delivered result was rounded up in magnitude
 *   (the x87's C1 after an inexact result), to 0 otherwise.
 * - Masked responses are the x87's (SDM Vol. 1, 4.9 and 8.5): QNaN
 *   propagation takes the NaN with the larger significand when both are
 *   NaNs (an SNaN quieted), real indefinite for invalid operations, a
 *   rounded infinity or the largest finite value on overflow by rounding
 *   mode, denormal or zero on underflow.
 * - Unmasked OE/UE with a register destination deliver the result with
 *   its exponent wrapped by 24576 (6000h), as the x87 does; unmasked IE,
 *   ZE and DE on operands mean the instruction layer stores nothing, so
 *   the functions still return the masked result and the caller decides
 *   (the x87 stops at such an exception: of the flags raised, only IE,
 *   ZE and DE then count; a later PE/UE/OE and C1 are to be dropped).
 * - Precision control applies only to add, sub, mul, div and sqrt (and
 *   FPREM's kin are exact); every other function ignores ctx->pc.
 */
#ifndef SHADOW86_CPU_FP80_H
#define SHADOW86_CPU_FP80_H

#include <stdint.h>

/* A register-format value: sign in bit 15 of se, biased exponent (bias
 * 16383) in bits 0-14, explicit 64-bit significand with the integer bit
 * in bit 63. The memory format is the same 10 bytes, mant first. */
struct fp80 {
    uint64_t mant;
    uint16_t se;
};

/* Exception flags, in the status word's bit positions. */
enum {
    FP80_IE = 0x01,   /* invalid operation (also stack faults, set by the layer) */
    FP80_DE = 0x02,   /* denormal operand */
    FP80_ZE = 0x04,   /* zero divide */
    FP80_OE = 0x08,   /* overflow */
    FP80_UE = 0x10,   /* underflow */
    FP80_PE = 0x20    /* precision (inexact) */
};

enum fp80_rc { FP80_RC_NEAREST = 0, FP80_RC_DOWN = 1, FP80_RC_UP = 2, FP80_RC_ZERO = 3 };
/* Precision control: 0 = 24 bits, 2 = 53 bits, 3 = 64 bits; 1 is
 * reserved (fp80_core.c says what shadow86 does with it, and why). */
enum fp80_pc { FP80_PC_24 = 0, FP80_PC_RESERVED = 1, FP80_PC_53 = 2, FP80_PC_64 = 3 };

struct fp80_ctx {
    uint8_t rc;      /* enum fp80_rc */
    uint8_t pc;      /* enum fp80_pc */
    uint8_t mask;    /* FP80_* bits that are masked */
    uint8_t flags;   /* out: FP80_* bits raised (ORed in) */
    uint8_t c1;      /* out: 1 if the last rounded result was rounded up */
};

/* Classes, in the order FXAM reports them through C3,C2,C0 (the layer
 * maps them; "empty" is the layer's, from the tag word). */
enum fp80_class {
    FP80_CLASS_UNSUPPORTED, FP80_CLASS_NAN, FP80_CLASS_NORMAL, FP80_CLASS_INFINITY,
    FP80_CLASS_ZERO, FP80_CLASS_DENORMAL
};

/* Comparison results. */
enum fp80_cmp { FP80_LT, FP80_EQ, FP80_GT, FP80_UNORDERED };

/* Constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. The
 * non-exact ones are rounded from the x87's internal 66-bit values by
 * the rounding mode (PE is not raised). */
enum fp80_const { FP80_ONE, FP80_L2T, FP80_L2E, FP80_PI, FP80_LG2, FP80_LN2, FP80_ZERO };

/* --- Inspection ------------------------------------------------------ */
enum fp80_class fp80_classify(struct fp80 a);
static inline int fp80_sign(struct fp80 a) { return a.se >> 15; }
int fp80_is_nan(struct fp80 a);
int fp80_is_snan(struct fp80 a);
struct fp80 fp80_indefinite(void);   /* FFFF C000000000000000 */
struct fp80 fp80_constant(enum fp80_const k, enum fp80_rc rc);

/* --- Basic arithmetic (PC applies) ----------------------------------- */
struct fp80 fp80_add(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);
struct fp80 fp80_sub(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);   /* a - b */
struct fp80 fp80_mul(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);
struct fp80 fp80_div(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);   /* a / b */
struct fp80 fp80_sqrt(struct fp80_ctx *ctx, struct fp80 a);

/* --- Other x87 operations (PC ignored) ------------------------------- */
struct fp80 fp80_round_to_int(struct fp80_ctx *ctx, struct fp80 a);   /* FRNDINT */
struct fp80 fp80_scale(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b);   /* FSCALE: a * 2^trunc(b) */
/* FXTRACT: *sig = significand with exponent 0 (biased 3FFFh), *exp = the
 * unbiased exponent as a value. A zero gives ZE, *exp = -inf. */
void fp80_xtract(struct fp80_ctx *ctx, struct fp80 a, struct fp80 *sig, struct fp80 *exp);
/* FPREM (ieee = 0, truncating quotient) and FPREM1 (ieee = 1, nearest):
 * a rem b, partial when the exponents differ by 64 or more. *cc gets the
 * condition bits as the status word holds them: C2 (bit 10) set when
 * incomplete, else C0 (bit 8) = Q2, C3 (bit 14) = Q1, C1 (bit 9) = Q0. */
struct fp80 fp80_prem(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, int ieee, uint16_t *cc);
struct fp80 fp80_abs(struct fp80 a);
struct fp80 fp80_chs(struct fp80 a);

/* Compare a with b. quiet = 1 (FUCOM*): IE only for SNaN operands;
 * quiet = 0 (FCOM*, FTST, FICOM): IE for any NaN. Unsupported encodings
 * are IE in both. DE for denormal operands. */
enum fp80_cmp fp80_compare(struct fp80_ctx *ctx, struct fp80 a, struct fp80 b, int quiet);

/* --- Conversions ------------------------------------------------------ */
struct fp80 fp80_from_int(int64_t v);                     /* exact */
/* To a signed integer of `bits` (16, 32 or 64) by ctx->rc (or truncating
 * when `truncate`, for FISTTP). Out of range or NaN: IE, *ok = 0 and the
 * integer indefinite (the most negative value) is returned. */
int64_t fp80_to_int(struct fp80_ctx *ctx, struct fp80 a, unsigned bits, int truncate, int *ok);
struct fp80 fp80_from_f32(struct fp80_ctx *ctx, uint32_t bits);   /* SNaN: IE, quieted; denormal: DE */
struct fp80 fp80_from_f64(struct fp80_ctx *ctx, uint64_t bits);
/* Round to the memory format by ctx->rc (ctx->pc ignored): OE, UE, PE as
 * the x87 raises them for FST m32/m64; unmasked OE/UE leave the caller to
 * store nothing (the memory operand is unchanged, SDM 4.9.1.5). */
uint32_t fp80_to_f32(struct fp80_ctx *ctx, struct fp80 a);
uint64_t fp80_to_f64(struct fp80_ctx *ctx, struct fp80 a);
/* Packed BCD: 10 bytes, 18 digits, sign in bit 7 of byte 9. from_bcd of
 * invalid digits is undefined on hardware: shadow86 reads digits > 9 as
 * their binary value. to_bcd out of range (>= 10^18 after rounding) or
 * NaN: IE and the BCD indefinite (FFFF C000... in bytes 7-9). */
struct fp80 fp80_from_bcd(const uint8_t bcd[10]);
void fp80_to_bcd(struct fp80_ctx *ctx, struct fp80 a, uint8_t bcd[10]);

/* --- Transcendentals (within one ulp of the correctly rounded result) - */
struct fp80 fp80_f2xm1(struct fp80_ctx *ctx, struct fp80 a);          /* 2^a - 1, |a| <= 1 */
struct fp80 fp80_fyl2x(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y);    /* y * log2(x) */
struct fp80 fp80_fyl2xp1(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y);  /* y * log2(x + 1) */
struct fp80 fp80_fpatan(struct fp80_ctx *ctx, struct fp80 y, struct fp80 x);   /* atan(y / x), by quadrant */
/* FSIN, FCOS, FSINCOS, FPTAN: |a| >= 2^63 is out of range: *out_of_range
 * = 1 (the layer sets C2 and leaves the operand), nothing else happens. */
struct fp80 fp80_sin(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range);
struct fp80 fp80_cos(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range);
struct fp80 fp80_tan(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range);

#endif
