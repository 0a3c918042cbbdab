/* Shared by tests/unit/test_fp80.c and the vector generator
 * (tests/unit/fp80_vectors/gen_fp80_vectors.c): one x87 operation as a
 * case (operation, control word, operands), run either on the host's own
 * x87 (x86 hosts only, inline assembly) or through cpu/fp80.h, giving the
 * same kind of outcome (register results, memory bytes, status word) so
 * the two can be compared bit for bit. */
#ifndef SHADOW86_TEST_FP80_HARNESS_H
#define SHADOW86_TEST_FP80_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cpu/fp80.h"

enum h_op {
    H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_RNDINT, H_SCALE, H_XTRACT, H_PREM, H_PREM1,
    H_COM, H_UCOM, H_TST, H_FIST16, H_FIST32, H_FIST64, H_FISTTP16, H_FISTTP32, H_FISTTP64,
    H_FLD32, H_FLD64, H_FST32, H_FST64, H_FBLD, H_FBSTP, H_FILD64,
    H_CONST_1, H_CONST_L2T, H_CONST_L2E, H_CONST_PI, H_CONST_LG2, H_CONST_LN2, H_CONST_Z,
    H_ABS, H_CHS,
    H_F2XM1, H_FYL2X, H_FYL2XP1, H_FPATAN, H_FSIN, H_FCOS, H_FPTAN,
    H_NOPS
};

static const char *const h_op_name[H_NOPS] = {
    "fadd", "fsub", "fmul", "fdiv", "fsqrt", "frndint", "fscale", "fxtract", "fprem", "fprem1",
    "fcom", "fucom", "ftst", "fist16", "fist32", "fist64", "fisttp16", "fisttp32", "fisttp64",
    "fld32", "fld64", "fst32", "fst64", "fbld", "fbstp", "fild64",
    "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", "fabs", "fchs",
    "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fsin", "fcos", "fptan",
};

/* The transcendentals: the x87's results are not correctly rounded, so
 * only their flags and special results are compared with it; their
 * values are checked against __float128 references instead. */
static inline int h_is_trans(int op) { return op >= H_F2XM1 && op <= H_FPTAN; }

struct h_case {
    uint8_t op;
    uint16_t cw;
    struct fp80 a, b;   /* register operands: a is ST(0), b is ST(1) */
    uint8_t mem[10];    /* memory operand for loads */
};

struct h_out {
    struct fp80 r, r2;  /* ST(0) (and ST(1) for FXTRACT) after the operation */
    uint8_t mem[10];    /* memory written by stores */
    uint16_t sw;        /* status word: exception flags, C0-C3 */
};

#define H_SW_C0 0x0100
#define H_SW_C1 0x0200
#define H_SW_C2 0x0400
#define H_SW_C3 0x4000

static inline uint16_t h_cw(int rc, int pc, int mask)
{
    return (uint16_t)(0x40 | (mask & 0x3F) | (pc & 3) << 8 | (rc & 3) << 10);
}

/* --- The library side ------------------------------------------------ */
static inline void h_put64(uint8_t *m, uint64_t v, int n)
{
    int i;
    for (i = 0; i < n; i++)
        m[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t h_get64(const uint8_t *m, int n)
{
    uint64_t v = 0;
    int i;
    for (i = n - 1; i >= 0; i--)
        v = v << 8 | m[i];
    return v;
}

static inline void h_lib(const struct h_case *c, struct h_out *o)
{
    struct fp80_ctx ctx;
    uint16_t cc = 0;
    int ok;
    memset(o, 0, sizeof(*o));
    memset(&ctx, 0, sizeof(ctx));
    ctx.mask = (uint8_t)(c->cw & 0x3F);
    ctx.pc = (uint8_t)((c->cw >> 8) & 3);
    ctx.rc = (uint8_t)((c->cw >> 10) & 3);
    switch (c->op) {
    case H_ADD: o->r = fp80_add(&ctx, c->a, c->b); break;
    case H_SUB: o->r = fp80_sub(&ctx, c->a, c->b); break;
    case H_MUL: o->r = fp80_mul(&ctx, c->a, c->b); break;
    case H_DIV: o->r = fp80_div(&ctx, c->a, c->b); break;
    case H_SQRT: o->r = fp80_sqrt(&ctx, c->a); break;
    case H_RNDINT: o->r = fp80_round_to_int(&ctx, c->a); break;
    case H_SCALE: o->r = fp80_scale(&ctx, c->a, c->b); break;
    case H_XTRACT: fp80_xtract(&ctx, c->a, &o->r, &o->r2); break;
    case H_PREM:
    case H_PREM1:
        o->r = fp80_prem(&ctx, c->a, c->b, c->op == H_PREM1, &cc);
        ctx.c1 = 0;
        break;
    case H_COM:
    case H_UCOM:
    case H_TST: {
        struct fp80 z = { 0, 0 };
        enum fp80_cmp r = fp80_compare(&ctx, c->a, c->op == H_TST ? z : c->b, c->op == H_UCOM);
        cc = r == FP80_LT ? H_SW_C0 : r == FP80_EQ ? H_SW_C3 : r == FP80_GT ? 0 : (H_SW_C0 | H_SW_C2 | H_SW_C3);
        break;
    }
    case H_FIST16: case H_FIST32: case H_FIST64:
    case H_FISTTP16: case H_FISTTP32: case H_FISTTP64: {
        static const unsigned bits[] = { 16, 32, 64 };
        int k = (c->op - H_FIST16) % 3;
        int64_t v = fp80_to_int(&ctx, c->a, bits[k], c->op >= H_FISTTP16, &ok);
        h_put64(o->mem, (uint64_t)v, (int)bits[k] / 8);
        break;
    }
    case H_FLD32: o->r = fp80_from_f32(&ctx, (uint32_t)h_get64(c->mem, 4)); break;
    case H_FLD64: o->r = fp80_from_f64(&ctx, h_get64(c->mem, 8)); break;
    case H_FST32: h_put64(o->mem, fp80_to_f32(&ctx, c->a), 4); break;
    case H_FST64: h_put64(o->mem, fp80_to_f64(&ctx, c->a), 8); break;
    case H_FBLD: o->r = fp80_from_bcd(c->mem); break;
    case H_FBSTP: fp80_to_bcd(&ctx, c->a, o->mem); break;
    case H_FILD64: o->r = fp80_from_int((int64_t)h_get64(c->mem, 8)); break;
    case H_ABS: o->r = fp80_abs(c->a); break;
    case H_CHS: o->r = fp80_chs(c->a); break;
    case H_F2XM1: o->r = fp80_f2xm1(&ctx, c->a); break;
    case H_FYL2X: o->r = fp80_fyl2x(&ctx, c->a, c->b); break;      /* x = ST(0), y = ST(1) */
    case H_FYL2XP1: o->r = fp80_fyl2xp1(&ctx, c->a, c->b); break;
    case H_FPATAN: o->r = fp80_fpatan(&ctx, c->b, c->a); break;    /* atan(ST(1) / ST(0)) */
    case H_FSIN:
    case H_FCOS:
    case H_FPTAN:
        o->r = c->op == H_FSIN ? fp80_sin(&ctx, c->a, &ok) : c->op == H_FCOS ? fp80_cos(&ctx, c->a, &ok)
                                                                         : fp80_tan(&ctx, c->a, &ok);
        if (ok)
            cc = H_SW_C2;
        break;
    default:
        o->r = fp80_constant((enum fp80_const)(c->op - H_CONST_1), (enum fp80_rc)ctx.rc);
        break;
    }
    o->sw = (uint16_t)(ctx.flags | (ctx.c1 ? H_SW_C1 : 0) | cc);
}

/* Which parts of the outcome a comparison looks at. On an unmasked IE,
 * ZE or DE the x87 stops before writing anything and the library still
 * returns the masked result (cpu/fp80.h): only the flags up to that
 * exception are compared. Unmasked OE/UE with a register destination
 * deliver the wrapped result, which is compared. */
static inline int h_is_store(int op)
{
    return (op >= H_FIST16 && op <= H_FISTTP64) || op == H_FST32 || op == H_FST64 || op == H_FBSTP;
}
static inline int h_store_bytes(int op)
{
    switch (op) {
    case H_FIST16: case H_FISTTP16: return 2;
    case H_FIST32: case H_FISTTP32: case H_FST32: return 4;
    case H_FBSTP: return 10;
    default: return 8;
    }
}

static inline int h_finite_nonzero(struct fp80 v)
{
    int e = v.se & 0x7FFF;
    int integer_bit_ok = e == 0 || (v.mant >> 63);   /* not an unnormal */
    return e != 0x7FFF && v.mant != 0 && integer_bit_ok;
}

/* Returns NULL when equal, else a word naming what differs. */
static inline const char *h_diff(const struct h_case *c, const struct h_out *want, const struct h_out *got)
{
    uint16_t unmasked = (uint16_t)(~c->cw & 0x3F);
    uint16_t stop = (uint16_t)(want->sw & unmasked & (FP80_IE | FP80_ZE | FP80_DE));
    uint16_t ccmask = 0x3F | H_SW_C1;
    if (c->op == H_ABS || c->op == H_CHS)
        ccmask = 0;
    if (c->op == H_COM || c->op == H_UCOM || c->op == H_TST || c->op == H_PREM || c->op == H_PREM1)
        ccmask = 0x3F | H_SW_C0 | H_SW_C1 | H_SW_C2 | H_SW_C3;
    if (c->op == H_COM || c->op == H_UCOM || c->op == H_TST)
        ccmask &= (uint16_t)~H_SW_C1;
    if (h_is_trans(c->op))
        ccmask = 0x3F | H_SW_C2;
    if (stop) {
        /* Only which pre-computation exception stopped it. */
        if ((want->sw & (FP80_IE | FP80_ZE | FP80_DE)) != (got->sw & (FP80_IE | FP80_ZE | FP80_DE)))
            return "flags";
        return NULL;
    }
    if (h_is_store(c->op) && (want->sw & unmasked & 0x3F)) {
        /* Unmasked exception on a store: memory unchanged, flags only. */
        return (want->sw & 0x3F) != (got->sw & 0x3F) ? "flags" : NULL;
    }
    if ((want->sw & ccmask) != (got->sw & ccmask))
        return "status";
    if (h_is_store(c->op))
        return memcmp(want->mem, got->mem, (size_t)h_store_bytes(c->op)) ? "memory" : NULL;
    if (c->op == H_COM || c->op == H_UCOM || c->op == H_TST)
        return NULL;
    if (h_is_trans(c->op) && (want->sw & FP80_PE) && !(want->sw & H_SW_C2) && h_finite_nonzero(want->r) &&
        h_finite_nonzero(c->a) && ((c->op != H_FYL2X && c->op != H_FYL2XP1 && c->op != H_FPATAN) ||
                                   h_finite_nonzero(c->b)))
        return NULL;   /* an approximation: test_fp80_trans.c checks it */
    if (want->r.mant != got->r.mant || want->r.se != got->r.se)
        return "result";
    if (c->op == H_XTRACT && (want->r2.mant != got->r2.mant || want->r2.se != got->r2.se))
        return "result2";
    return NULL;
}

static inline void h_print(FILE *f, const struct h_case *c, const struct h_out *o)
{
    int i;
    fprintf(f, "%s %04x %04x:%016llx %04x:%016llx ", h_op_name[c->op], c->cw, c->a.se,
            (unsigned long long)c->a.mant, c->b.se, (unsigned long long)c->b.mant);
    for (i = 9; i >= 0; i--)
        fprintf(f, "%02x", c->mem[i]);
    fprintf(f, " -> %04x:%016llx %04x:%016llx ", o->r.se, (unsigned long long)o->r.mant, o->r2.se,
            (unsigned long long)o->r2.mant);
    for (i = 9; i >= 0; i--)
        fprintf(f, "%02x", o->mem[i]);
    fprintf(f, " %04x\n", o->sw);
}

/* Parse one line of h_print's output; returns 1 on success. */
static inline int h_parse(const char *line, struct h_case *c, struct h_out *o)
{
    char name[16], m1[21], m2[21];
    unsigned cw, ase, bse, rse, r2se, sw;
    unsigned long long am, bm, rm, r2m;
    int i;
    if (sscanf(line, "%15s %x %x:%llx %x:%llx %20s -> %x:%llx %x:%llx %20s %x", name, &cw, &ase, &am, &bse,
               &bm, m1, &rse, &rm, &r2se, &r2m, m2, &sw) != 13)
        return 0;
    memset(c, 0, sizeof(*c));
    memset(o, 0, sizeof(*o));
    for (i = 0; i < H_NOPS; i++)
        if (!strcmp(name, h_op_name[i]))
            break;
    if (i == H_NOPS || strlen(m1) != 20 || strlen(m2) != 20)
        return 0;
    c->op = (uint8_t)i;
    c->cw = (uint16_t)cw;
    c->a.se = (uint16_t)ase;
    c->a.mant = am;
    c->b.se = (uint16_t)bse;
    c->b.mant = bm;
    o->r.se = (uint16_t)rse;
    o->r.mant = rm;
    o->r2.se = (uint16_t)r2se;
    o->r2.mant = r2m;
    o->sw = (uint16_t)sw;
    for (i = 0; i < 10; i++) {
        unsigned x, y;
        if (sscanf(m1 + 2 * (9 - i), "%2x", &x) != 1 || sscanf(m2 + 2 * (9 - i), "%2x", &y) != 1)
            return 0;
        c->mem[i] = (uint8_t)x;
        o->mem[i] = (uint8_t)y;
    }
    return 1;
}

/* --- Case generation -------------------------------------------------- */
struct h_rng {
    uint64_t s;
};
static inline uint64_t h_rand(struct h_rng *r)
{
    /* xorshift64*: deterministic, seeded per run. */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

static inline uint64_t h_mant(struct h_rng *r)
{
    uint64_t m = h_rand(r);
    switch (h_rand(r) % 10) {
    case 0: return 0x8000000000000000ull;
    case 1: return ~0ull;
    case 2: return 0x8000000000000000ull | (m & 0xFFFFFF0000000000ull);   /* 24-bit exact */
    case 3: return 0x8000000000000000ull | (m & 0xFFFFFFFFFFFFF800ull);   /* 53-bit exact */
    case 4: return (m | 0x8000000000000000ull) & ~0xFFull;                  /* near halfway patterns */
    case 5: return 0x8000000000000000ull | (m >> (h_rand(r) % 64));
    default: return m | 0x8000000000000000ull;
    }
}

/* A value of any class, biased towards the edges. */
static inline struct fp80 h_operand(struct h_rng *r)
{
    struct fp80 v;
    int s = (int)(h_rand(r) & 1);
    unsigned k = (unsigned)(h_rand(r) % 40);
    v.mant = h_mant(r);
    if (k < 18) {
        v.se = (uint16_t)(0x3FFF - 40 + h_rand(r) % 80);
    } else if (k < 22) {
        v.se = (uint16_t)(1 + h_rand(r) % 0x7FFE);
    } else if (k < 24) {
        v.se = (uint16_t)(0x7FFE - h_rand(r) % 70);   /* near overflow */
    } else if (k < 26) {
        v.se = (uint16_t)(1 + h_rand(r) % 70);        /* near underflow */
    } else if (k < 28) {
        v.se = 0;
        v.mant >>= 1 + h_rand(r) % 63;                 /* denormal */
        if (!v.mant)
            v.mant = 1;
    } else if (k == 28) {
        v.se = 0;                                       /* pseudo-denormal */
    } else if (k == 29) {
        v.se = 0;
        v.mant = 0;
    } else if (k == 30) {
        v.se = 0x7FFF;
        v.mant = 0x8000000000000000ull;                 /* infinity */
    } else if (k == 31) {
        v.se = 0x7FFF;
        v.mant |= 0xC000000000000000ull;                /* QNaN */
    } else if (k == 32) {
        v.se = 0x7FFF;
        v.mant = (v.mant & ~0x4000000000000000ull) | 0x8000000000000000ull;
        if (v.mant == 0x8000000000000000ull)
            v.mant |= 1;                                /* SNaN */
    } else if (k == 33) {
        v.se = (uint16_t)(1 + h_rand(r) % 0x7FFF);
        v.mant &= 0x7FFFFFFFFFFFFFFFull;                /* unnormal, pseudo-NaN/-inf */
    } else if (k == 34) {
        v.se = (uint16_t)(0x3FFF + h_rand(r) % 64);     /* integers and halves */
        v.mant &= ~0ull << (63 - (v.se - 0x3FFF) < 64 ? 63 - (v.se - 0x3FFF) : 0);
        v.mant |= 0x8000000000000000ull;
    } else {
        v.se = (uint16_t)(0x3FFF - 40 + h_rand(r) % 80);
    }
    v.se |= (uint16_t)(s << 15);
    return v;
}

/* A second operand close to the first (cancellation, halfway cases). */
static inline struct fp80 h_near(struct h_rng *r, struct fp80 a)
{
    struct fp80 b = a;
    int d = (int)(h_rand(r) % 130) - 65;
    int e = (a.se & 0x7FFF) + d;
    if ((a.se & 0x7FFF) == 0 || (a.se & 0x7FFF) == 0x7FFF)
        return h_operand(r);
    if (e < 1 || e > 0x7FFE)
        e = a.se & 0x7FFF;
    b.se = (uint16_t)((a.se & 0x8000) ^ (h_rand(r) & 1 ? 0x8000 : 0)) | (uint16_t)e;
    switch (h_rand(r) % 4) {
    case 0: b.mant = a.mant ^ (1ull << (h_rand(r) % 64)); break;
    case 1: b.mant = a.mant + (h_rand(r) % 5) - 2; break;
    case 2: b.mant = 0x8000000000000000ull | (1ull << (h_rand(r) % 63)); break;
    default: b.mant = h_mant(r); break;
    }
    b.mant |= 0x8000000000000000ull;
    return b;
}

/* Operands suited to the operation. */
static inline void h_make_case(struct h_rng *rng, int op, uint16_t cw, struct h_case *c)
{
    memset(c, 0, sizeof(*c));
    c->op = (uint8_t)op;
    c->cw = cw;
    c->a = h_operand(rng);
    c->b = (h_rand(rng) & 1) ? h_near(rng, c->a) : h_operand(rng);
    if (op <= H_DIV && h_rand(rng) % 12 == 0) {
        /* Results at the edge of the denormal range, where tininess
         * before and after rounding differ. */
        static const uint64_t edge[] = { ~0ull, ~0ull << 40, ~0ull << 11, 0xFFFFFF7FFFFFFFFFull,
                                         0xFFFFFFFFFFFFFBFFull, 0xFFFFFFFFFFFFFFFEull };
        c->a.se = (uint16_t)((h_rand(rng) & 0x8000) | (1 + h_rand(rng) % 2));
        c->a.mant = edge[h_rand(rng) % 6] - h_rand(rng) % 3;
        c->b.se = (uint16_t)((h_rand(rng) & 0x8000) | (0x3FFE + h_rand(rng) % 3));
        c->b.mant = 0x8000000000000000ull + h_rand(rng) % 3;
        if (op == H_ADD || op == H_SUB) {
            c->b.se = (uint16_t)(h_rand(rng) & 0x8000);
            c->b.mant = h_rand(rng) % 0x1000;
        }
    }
    switch (op) {
    case H_F2XM1:
        /* The defined domain, -1..+1, and special operands. */
        if (h_finite_nonzero(c->a) && (c->a.se & 0x7FFF) >= 0x3FFF) {
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (0x3FFF - 1 - h_rand(rng) % 70));
            if (h_rand(rng) % 16 == 0) {   /* +-1 */
                c->a.se = (uint16_t)((c->a.se & 0x8000) | 0x3FFF);
                c->a.mant = 0x8000000000000000ull;
            }
        }
        break;
    case H_FYL2X:
        if (h_rand(rng) % 8)
            c->a.se &= 0x7FFF;   /* mostly positive x */
        if (h_rand(rng) % 4 == 0 && h_finite_nonzero(c->a)) {
            c->a.se = (uint16_t)(0x3FFE + h_rand(rng) % 2);   /* near 1 */
            c->a.mant = c->a.se == 0x3FFF ? 0x8000000000000000ull + (h_rand(rng) >> (h_rand(rng) % 64))
                                          : ~0ull - (h_rand(rng) >> (h_rand(rng) % 64));
        }
        break;
    case H_FYL2XP1:
        /* The domain |x| < 1 - sqrt(2)/2. */
        if (h_finite_nonzero(c->a) && (c->a.se & 0x7FFF) > 0x3FFC)
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (0x3FFC - h_rand(rng) % 70));
        break;
    case H_FSIN:
    case H_FCOS:
    case H_FPTAN:
        if (h_finite_nonzero(c->a) && h_rand(rng) % 4) {
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (0x3FFF - 70 + h_rand(rng) % 140));
            c->a.mant |= 0x8000000000000000ull;
        }
        if (h_rand(rng) % 8 == 0) {
            /* Near a multiple of pi/2, where the reduction matters. */
            struct fp80_ctx k = { 0, FP80_PC_64, 0x3F, 0, 0 };
            struct fp80 pio2 = fp80_constant(FP80_PI, FP80_RC_NEAREST);
            pio2.se--;
            c->a = fp80_mul(&k, fp80_from_int((int64_t)(h_rand(rng) >> (h_rand(rng) % 64))), pio2);
            c->a.mant += h_rand(rng) % 3 - 1;
        }
        break;
    case H_SCALE:
        /* A scale factor of moderate size, sometimes large. */
        if (h_rand(rng) % 4) {
            int64_t n = (int64_t)(h_rand(rng) % 70000) - 35000;
            if (h_rand(rng) & 1)
                n = (int64_t)(h_rand(rng) % 200) - 100;
            c->b = fp80_from_int(n);
            if (h_rand(rng) & 1)
                c->b.mant |= h_rand(rng) >> 20;   /* with a fraction */
        }
        break;
    case H_PREM:
    case H_PREM1:
        if (h_rand(rng) % 4 && (c->b.se & 0x7FFF) && (c->b.se & 0x7FFF) < 0x7FFF) {
            int d = (int)(h_rand(rng) % 140) - 5;
            c->a.se = (uint16_t)((c->a.se & 0x8000) |
                                 (((c->b.se & 0x7FFF) + d < 1 || (c->b.se & 0x7FFF) + d > 0x7FFE)
                                      ? (c->b.se & 0x7FFF)
                                      : (c->b.se & 0x7FFF) + d));
            c->a.mant |= 0x8000000000000000ull;
        }
        break;
    case H_FIST16: case H_FIST32: case H_FIST64:
    case H_FISTTP16: case H_FISTTP32: case H_FISTTP64:
    case H_FBSTP:
    case H_RNDINT:
        if (h_rand(rng) % 4) {
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (0x3FFF - 3 + h_rand(rng) % 68));
            c->a.mant |= 0x8000000000000000ull;
        }
        if (h_rand(rng) % 8 == 0) {
            /* Exactly at the limits of the integer formats. */
            static const int64_t lim[] = { 32767, -32768, 2147483647, -2147483647 - 1, INT64_MAX, INT64_MIN,
                                           999999999999999999ll, -999999999999999999ll };
            c->a = fp80_from_int(lim[h_rand(rng) % 8]);
        }
        memset(c->mem, 0xA5, 10);
        break;
    case H_FST32:
    case H_FST64:
        if (h_rand(rng) % 8 == 0) {
            /* Just below the smallest normal of the memory format. */
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (op == H_FST32 ? 0x3FFF - 127 : 0x3FFF - 1023));
            c->a.mant = ~0ull - (h_rand(rng) % 4 ? h_rand(rng) % 5 : h_rand(rng) >> 20);
        } else if (h_rand(rng) % 2) {
            int range = op == H_FST32 ? 160 : 1100;
            c->a.se = (uint16_t)((c->a.se & 0x8000) | (0x3FFF - range + h_rand(rng) % (2 * range)));
            c->a.mant |= 0x8000000000000000ull;
        }
        memset(c->mem, 0xA5, 10);
        break;
    case H_FLD32:
    case H_FLD64:
    case H_FILD64: {
        uint64_t v = h_rand(rng);
        int n = op == H_FLD32 ? 4 : 8;
        switch (h_rand(rng) % 6) {
        case 0: v &= op == H_FLD32 ? 0x807FFFFFull : 0x800FFFFFFFFFFFFFull; break;   /* denormal/zero */
        case 1: v |= op == H_FLD32 ? 0x7F800000ull : 0x7FF0000000000000ull; break;   /* NaN/inf */
        case 2: v &= op == H_FLD32 ? 0xFF800000ull : 0xFFF0000000000000ull; break;
        default: break;
        }
        h_put64(c->mem, v, n);
        break;
    }
    case H_FBLD: {
        int i;
        for (i = 0; i < 9; i++)
            c->mem[i] = (uint8_t)((h_rand(rng) % 10) << 4 | h_rand(rng) % 10);
        c->mem[9] = (uint8_t)(h_rand(rng) & 0x80);
        break;
    }
    default:
        break;
    }
}

/* --- The host's x87 -------------------------------------------------- */
/* The vendor whose x87 cpu/fp80*.c models (CPUID says GenuineIntel). */
#define H_MODEL_VENDOR "GenuineIntel"

#if defined(__x86_64__) || defined(__i386__)
#define H_HAVE_X87 1
#include <cpuid.h>

/* The host's CPUID vendor string (leaf 0: EBX, EDX, ECX). */
static inline void h_host_vendor(char out[13])
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    __get_cpuid(0, &a, &b, &c, &d);
    memcpy(out, &b, 4);
    memcpy(out + 4, &d, 4);
    memcpy(out + 8, &c, 4);
    out[12] = 0;
}

struct h_x87_buf {
    uint8_t b[10];
};

static inline struct h_x87_buf h_to_buf(struct fp80 v)
{
    struct h_x87_buf m;
    h_put64(m.b, v.mant, 8);
    m.b[8] = (uint8_t)v.se;
    m.b[9] = (uint8_t)(v.se >> 8);
    return m;
}
static inline struct fp80 h_from_buf(struct h_x87_buf m)
{
    struct fp80 v;
    v.mant = h_get64(m.b, 8);
    v.se = (uint16_t)(m.b[8] | m.b[9] << 8);
    return v;
}

/* ST(0) = a, ST(1) = b; run INSN; status word; clear the exceptions so
 * the next waiting instruction does not fault; store ST(0), ST(1). */
#define H_BIN(INSN)                                                                                \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" INSN "\n\t"             \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit"               \
                     : [r] "=m"(r), [r2] "=m"(r2), [sw] "=m"(sw)                                   \
                     : [a] "m"(a), [b] "m"(b), [cw] "m"(cw)                                        \
                     : "st", "st(1)", "st(2)", "memory")
/* ST(0) = a; run INSN, which stores to [mem]. */
#define H_STORE(INSN)                                                                              \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" INSN " %[m]\n\t"                     \
                     "fnstsw %[sw]\n\tfninit"                                                      \
                     : [m] "+m"(mem), [sw] "=m"(sw)                                                \
                     : [a] "m"(a), [cw] "m"(cw)                                                    \
                     : "st", "st(1)", "memory")
/* Load [mem] with INSN, store ST(0). */
#define H_LOAD(INSN)                                                                               \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" INSN " %[m]\n\t"                                  \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit"                              \
                     : [r] "=m"(r), [sw] "=m"(sw)                                                  \
                     : [m] "m"(mem), [cw] "m"(cw)                                                  \
                     : "st", "st(1)", "memory")
/* Push with INSN (no operand), store ST(0). */
#define H_PUSH(INSN)                                                                               \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" INSN "\n\t"                                       \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit"                              \
                     : [r] "=m"(r), [sw] "=m"(sw)                                                  \
                     : [cw] "m"(cw)                                                                \
                     : "st", "st(1)", "memory")

static inline void h_host(const struct h_case *c, struct h_out *o)
{
    struct h_x87_buf a = h_to_buf(c->a), b = h_to_buf(c->b), r, r2, mem;
    uint16_t cw = c->cw, sw = 0;
    memset(&r, 0, sizeof(r));
    memset(&r2, 0, sizeof(r2));
    memcpy(mem.b, c->mem, 10);
    memset(o, 0, sizeof(*o));
    switch (c->op) {
    case H_ADD: H_BIN("fadd %%st(1), %%st"); break;
    case H_SUB: H_BIN("fsub %%st(1), %%st"); break;
    case H_MUL: H_BIN("fmul %%st(1), %%st"); break;
    case H_DIV: H_BIN("fdiv %%st(1), %%st"); break;
    case H_SQRT: H_BIN("fsqrt"); break;
    case H_RNDINT: H_BIN("frndint"); break;
    case H_SCALE: H_BIN("fscale"); break;
    case H_PREM: H_BIN("fprem"); break;
    case H_PREM1: H_BIN("fprem1"); break;
    case H_ABS: H_BIN("fabs"); break;
    case H_CHS: H_BIN("fchs"); break;
    case H_COM: H_BIN("fcom %%st(1)"); break;
    case H_UCOM: H_BIN("fucom %%st(1)"); break;
    case H_TST: H_BIN("ftst"); break;
    case H_XTRACT:
        /* FXTRACT pushes: ST(0) significand, ST(1) exponent. */
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfxtract\n\t"
                         "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit"
                         : [r] "=m"(r), [r2] "=m"(r2), [sw] "=m"(sw)
                         : [a] "m"(a), [cw] "m"(cw)
                         : "st", "st(1)", "memory");
        break;
    case H_FIST16: H_STORE("fistps"); break;
    case H_FIST32: H_STORE("fistpl"); break;
    case H_FIST64: H_STORE("fistpll"); break;
    case H_FISTTP16: H_STORE("fisttps"); break;
    case H_FISTTP32: H_STORE("fisttpl"); break;
    case H_FISTTP64: H_STORE("fisttpll"); break;
    case H_FST32: H_STORE("fstps"); break;
    case H_FST64: H_STORE("fstpl"); break;
    case H_FBSTP: H_STORE("fbstp"); break;
    case H_FLD32: H_LOAD("flds"); break;
    case H_FLD64: H_LOAD("fldl"); break;
    case H_FBLD: H_LOAD("fbld"); break;
    case H_FILD64: H_LOAD("fildll"); break;
    case H_CONST_1: H_PUSH("fld1"); break;
    case H_CONST_L2T: H_PUSH("fldl2t"); break;
    case H_CONST_L2E: H_PUSH("fldl2e"); break;
    case H_CONST_PI: H_PUSH("fldpi"); break;
    case H_CONST_LG2: H_PUSH("fldlg2"); break;
    case H_CONST_LN2: H_PUSH("fldln2"); break;
    case H_CONST_Z: H_PUSH("fldz"); break;
    case H_F2XM1: H_BIN("f2xm1"); break;
    case H_FYL2X: H_BIN("fyl2x"); break;
    case H_FYL2XP1: H_BIN("fyl2xp1"); break;
    case H_FPATAN: H_BIN("fpatan"); break;
    case H_FSIN: H_BIN("fsin"); break;
    case H_FCOS: H_BIN("fcos"); break;
    case H_FPTAN:
        H_BIN("fptan");
        if (!(sw & H_SW_C2))
            r = r2;   /* ST(0) is the 1.0 pushed, ST(1) the tangent */
        break;
    default: break;
    }
    o->r = h_from_buf(r);
    o->r2 = h_from_buf(r2);
    memcpy(o->mem, mem.b, 10);
    o->sw = sw;
}
#else
#define H_HAVE_X87 0
#endif

#endif
