/* The x87 test generator (layout and rules in hd_x87.h).
 *
 * The generator knows the stack depth at every point (the number of
 * registers pushed since FNINIT, 0-8) and mostly picks instructions that
 * fit it; now and then one overflows or underflows the stack on purpose.
 * Every exception is masked except, in some tests, for the last
 * instruction: FNCLEX, FLDCW with some exceptions unmasked, the
 * instruction, and then only non-waiting instructions (FNSAVE), so the
 * pending exception never faults (#MF natively, a freeze or #MF in the
 * emulator) yet its effects (ES, B, no store) are compared.
 *
 * Condition codes the SDM leaves undefined after an instruction are
 * tracked like the integer flags (hd_gen.c): the final status word and
 * every FNSTSW AX have them cleared by an AND, so only defined bits are
 * compared.
 */
#include "hd_x87.h"

#include <stdio.h>
#include <string.h>

#include "hd_emit.h"

/* The transcendental templates (F2XM1 FYL2X FYL2XP1 FPATAN FSIN FCOS
 * FSINCOS FPTAN); 0 leaves them out (changing it changes the generated
 * tests: re-record). */
#define HD_X87_TRANSCENDENTALS 1

#define C0 0x0100u
#define C1 0x0200u
#define C2 0x0400u
#define C3 0x4000u
#define CC_ALL (C0 | C1 | C2 | C3)

struct xg {
    struct hd_gen *g;
    unsigned depth;        /* registers pushed since FNINIT (0-8) */
    uint16_t cc_undef;     /* condition codes whose value is undefined now */
    unsigned pool;         /* load slots used */
    unsigned tol;          /* tolerant slots used */
};

static uint32_t buf(unsigned off) { return HD_BUF_ADDR + off; }

/* ------------------------------------------------------------ values */

static uint64_t rand64(struct hd_gen *g)
{
    /* One draw per statement: the order of two calls in one expression
     * is unspecified, and both runners (built by different compilers)
     * must draw the same numbers in the same order. */
    uint64_t hi = hd_rng_u32(&g->rng);
    uint64_t lo = hd_rng_u32(&g->rng);
    return hi << 32 | lo;
}

static void put_le(struct xg *x, unsigned off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        x->g->t->mem[off + i] = (uint8_t)(v >> (8 * i));
}

/* A register-format value: specials, edges, and normals whose exponents
 * stay near each other so that operations interact. `lo`/`hi` bound the
 * unbiased exponent of the normals. */
static void rand_fp80(struct hd_gen *g, int lo, int hi, uint64_t *mant, uint16_t *se)
{
    uint16_t sign = hd_chance(g, 1, 2) ? 0x8000 : 0;
    uint64_t m = rand64(g) | 1ull << 63;
    int e = lo + (int)hd_below(g, (uint32_t)(hi - lo + 1));
    switch (hd_below(g, 24)) {
    case 0: *mant = 0; *se = sign; return;                                   /* zero */
    case 1: *mant = 1ull << 63; *se = sign | 0x7FFF; return;                 /* infinity */
    case 2: *mant = 3ull << 62 | (rand64(g) >> 2); *se = sign | 0x7FFF; return;   /* QNaN */
    case 3: *mant = 1ull << 63 | ((rand64(g) >> 2) | 1); *se = sign | 0x7FFF; return; /* SNaN */
    case 4: {                                                                /* denormal */
        unsigned shift = 1 + hd_below(g, 62);
        *mant = rand64(g) >> shift;
        *se = sign;
        return;
    }
    case 5: *mant = (uint64_t)(1 + hd_below(g, 1000)) << 54; *se = sign | (16383 + 9); /* small ints */
        while (!(*mant >> 63)) { *mant <<= 1; (*se)--; }
        return;
    case 6: *mant = 1ull << 63; *se = (uint16_t)(sign | (16383 + e)); return;   /* powers of 2 */
    case 7: *mant = m; *se = (uint16_t)(sign | (0x7FFE - hd_below(g, 3))); return; /* huge */
    case 8: *mant = m; *se = (uint16_t)(sign | (1 + hd_below(g, 3))); return;      /* tiny normal */
    case 9: *mant = m & ~0xFFFFFFFFFFull; *se = (uint16_t)(sign | (16383 + e)); return; /* short */
    case 10: *mant = m | 0xFFFFFFFFFFull; *se = (uint16_t)(sign | (16383 + e)); return;
    default: *mant = m; *se = (uint16_t)(sign | (16383 + e)); return;
    }
}

static uint32_t rand_f32(struct hd_gen *g)
{
    uint32_t sign = hd_chance(g, 1, 2) ? 0x80000000u : 0;
    uint32_t m = hd_rng_u32(&g->rng) & 0x7FFFFF;
    switch (hd_below(g, 16)) {
    case 0: return sign;
    case 1: return sign | 0x7F800000u;
    case 2: return sign | 0x7FC00000u | (m >> 1);
    case 3: return sign | 0x7F800000u | (m >> 2) | 1;       /* SNaN */
    case 4: return sign | (m ? m : 1);                      /* denormal */
    case 5: return sign | 0x7F7FFFFFu;
    default: return sign | (uint32_t)(127 - 40 + hd_below(g, 81)) << 23 | m;
    }
}

static uint64_t rand_f64(struct hd_gen *g)
{
    uint64_t sign = hd_chance(g, 1, 2) ? 1ull << 63 : 0;
    uint64_t m = rand64(g) & 0xFFFFFFFFFFFFFull;
    switch (hd_below(g, 16)) {
    case 0: return sign;
    case 1: return sign | 0x7FF0000000000000ull;
    case 2: return sign | 0x7FF8000000000000ull | (m >> 1);
    case 3: return sign | 0x7FF0000000000000ull | (m >> 2) | 1;
    case 4: return sign | (m ? m : 1);
    case 5: return sign | 0x7FEFFFFFFFFFFFFFull;
    default: return sign | (uint64_t)(1023 - 70 + hd_below(g, 141)) << 52 | m;
    }
}

static uint64_t rand_int(struct hd_gen *g, unsigned bytes)
{
    uint64_t v;
    switch (hd_below(g, 6)) {
    case 0: v = hd_below(g, 5); break;
    case 1: v = (uint64_t)-(int64_t)hd_below(g, 5); break;
    case 2: v = 1ull << (8 * bytes - 1); break;                    /* most negative */
    case 3: v = (1ull << (8 * bytes - 1)) - 1 - hd_below(g, 2); break;
    default: v = rand64(g); break;
    }
    return bytes == 8 ? v : v & ((1ull << (8 * bytes)) - 1);
}

/* Place a load operand of `size` bytes (kind: 'f' float by size, 'i'
 * integer, 'b' BCD, 'e' extended with normals' exponents in [lo, hi], 'n'
 * only finite normals there) in the next pool slot. */
static uint32_t pool_value(struct xg *x, char kind, unsigned size, int lo, int hi)
{
    struct hd_gen *g = x->g;
    unsigned off = HD_X87_POOL_OFF + 10 * (x->pool++ % HD_X87_POOL_SLOTS);
    if (kind == 'n') {
        /* A finite normal in the window: the transcendentals' operands. */
        uint64_t m = rand64(g) | 1ull << 63;
        int e = lo + (int)hd_below(g, (uint32_t)(hi - lo + 1));
        put_le(x, off, m, 8);
        put_le(x, off + 8, (uint16_t)((hd_chance(g, 1, 2) ? 0x8000 : 0) | (16383 + e)), 2);
    } else if (kind == 'e') {
        uint64_t m;
        uint16_t se;
        rand_fp80(g, lo, hi, &m, &se);
        put_le(x, off, m, 8);
        put_le(x, off + 8, se, 2);
    } else if (kind == 'f') {
        if (size == 4)
            put_le(x, off, rand_f32(g), 4);
        else
            put_le(x, off, rand_f64(g), 8);
    } else if (kind == 'i') {
        put_le(x, off, rand_int(g, size), size);
    } else {
        for (unsigned i = 0; i < 9; i++) {
            unsigned d0 = hd_below(g, 10);
            unsigned d1 = hd_below(g, 10);
            x->g->t->mem[off + i] = (uint8_t)(d0 | d1 << 4);
        }
        x->g->t->mem[off + 9] = hd_chance(g, 1, 2) ? 0x80 : 0;
    }
    return buf(off);
}

static uint32_t store_target(struct xg *x, unsigned size)
{
    return buf(HD_X87_STORE_OFF + hd_below(x->g, HD_X87_STORE_END - HD_X87_STORE_OFF - size + 1));
}

/* ------------------------------------------------------------ emitting */

/* An escape with a memory operand at `target` (random addressing form). */
static void mem_insn(struct xg *x, unsigned opc, unsigned reg, uint32_t target, int setup)
{
    struct hd_gen *g = x->g;
    struct hd_rm rm;
    hd_mem_at(g, target, 0, g->esp, &rm);
    hd_insn_begin(g, setup);
    hd_prefixes(g, 4, 0, rm.seg);
    hd_e8(g, opc);
    hd_rm_emit(g, reg, &rm);
}

static void reg_insn(struct xg *x, unsigned opc, unsigned modrm)
{
    hd_insn_begin(x->g, 0);
    hd_e8(x->g, opc);
    hd_e8(x->g, modrm);
}

/* The condition codes an instruction defines (the rest of CC_ALL it
 * leaves undefined): most arithmetic defines C1 only. */
static void cc(struct xg *x, uint16_t defined)
{
    x->cc_undef = (uint16_t)(CC_ALL & ~defined);
}

static void push(struct xg *x)
{
    if (x->depth < 8)
        x->depth++;
}

static void pop(struct xg *x)
{
    if (x->depth > 0)
        x->depth--;
}

/* FNSTSW AX, then clear the undefined condition codes in AX (the AND's
 * flags: AF undefined, the others defined). */
static void fnstsw_ax(struct xg *x)
{
    struct hd_gen *g = x->g;
    reg_insn(x, 0xDF, 0xE0);
    hd_insn_begin(g, 1);
    hd_e8(g, 0x25);                                 /* and eax, imm32 */
    hd_e32(g, 0xFFFF0000u | (uint16_t)~x->cc_undef);
    hd_insn_flags(g, HD_FC_LOGIC, 32, 0);
}

static void fldcw(struct xg *x, uint16_t cw, unsigned slot)
{
    uint32_t a = buf(HD_X87_CW_OFF + 2 * slot);
    hd_setup_store(x->g, a, 2, cw);
    mem_insn(x, 0xD9, 5, a, 0);
}

static uint16_t rand_cw(struct hd_gen *g)
{
    static const uint16_t pcs[3] = { 0, 2, 3 };
    uint16_t pc = pcs[hd_below(g, 3)];
    if (hd_chance(g, 1, 2))
        pc = 3;
    unsigned rc = hd_below(g, 4);
    unsigned ic = hd_chance(g, 1, 8) ? 0x1000 : 0;
    return (uint16_t)(0x007F | pc << 8 | rc << 10 | ic);
}

/* ------------------------------------------------------------ templates */

static void t_load(struct xg *x)
{
    struct hd_gen *g = x->g;
    push(x);
    cc(x, C1);
    switch (hd_below(g, 10)) {
    case 0: mem_insn(x, 0xD9, 0, pool_value(x, 'f', 4, 0, 0), 0); break;       /* fld m32 */
    case 1: mem_insn(x, 0xDD, 0, pool_value(x, 'f', 8, 0, 0), 0); break;       /* fld m64 */
    case 2: case 3: mem_insn(x, 0xDB, 5, pool_value(x, 'e', 10, -70, 70), 0); break;
    case 4: mem_insn(x, 0xDF, 0, pool_value(x, 'i', 2, 0, 0), 0); break;       /* fild m16 */
    case 5: mem_insn(x, 0xDB, 0, pool_value(x, 'i', 4, 0, 0), 0); break;       /* fild m32 */
    case 6: mem_insn(x, 0xDF, 5, pool_value(x, 'i', 8, 0, 0), 0); break;       /* fild m64 */
    case 7: mem_insn(x, 0xDF, 4, pool_value(x, 'b', 10, 0, 0), 0); break;      /* fbld */
    case 8: reg_insn(x, 0xD9, 0xE8 + hd_below(g, 7)); break;                   /* constants */
    default: reg_insn(x, 0xD9, 0xC0 + hd_below(g, 8)); break;                  /* fld st(i) */
    }
}

static void t_store(struct xg *x)
{
    struct hd_gen *g = x->g;
    unsigned k = hd_below(g, 12);
    int popping = 0;
    cc(x, C1);
    switch (k) {
    case 0: case 1: popping = k; mem_insn(x, 0xD9, 2 + k, store_target(x, 4), 0); break;
    case 2: case 3: popping = k - 2; mem_insn(x, 0xDD, k, store_target(x, 8), 0); break;
    case 4: popping = 1; mem_insn(x, 0xDB, 7, store_target(x, 10), 0); break;
    case 5: case 6: popping = k - 5; mem_insn(x, 0xDF, k - 3, store_target(x, 2), 0); break;
    case 7: case 8: popping = k - 7; mem_insn(x, 0xDB, k - 5, store_target(x, 4), 0); break;
    case 9: popping = 1; mem_insn(x, 0xDF, 7, store_target(x, 8), 0); break;   /* fistp m64 */
    case 10: popping = 1; mem_insn(x, 0xDF, 6, store_target(x, 10), 0); break; /* fbstp */
    default:                                                                    /* fst(p) st(i) */
        popping = hd_chance(g, 1, 2);
        reg_insn(x, 0xDD, (popping ? 0xD8 : 0xD0) + hd_below(g, 8));
        break;
    }
    if (popping)
        pop(x);
}

static void t_arith(struct xg *x)
{
    struct hd_gen *g = x->g;
    static const uint8_t ops[6] = { 0, 1, 4, 5, 6, 7 };
    unsigned op = ops[hd_below(g, 6)];
    cc(x, C1);
    switch (hd_below(g, 7)) {
    case 0: mem_insn(x, 0xD8, op, pool_value(x, 'f', 4, 0, 0), 0); break;
    case 1: mem_insn(x, 0xDC, op, pool_value(x, 'f', 8, 0, 0), 0); break;
    case 2: mem_insn(x, 0xDA, op, pool_value(x, 'i', 4, 0, 0), 0); break;
    case 3: mem_insn(x, 0xDE, op, pool_value(x, 'i', 2, 0, 0), 0); break;
    case 4: reg_insn(x, 0xD8, 0xC0 | op << 3 | hd_below(g, 8)); break;         /* st0, st(i) */
    case 5: reg_insn(x, 0xDC, 0xC0 | op << 3 | hd_below(g, 8)); break;         /* st(i), st0 */
    default: reg_insn(x, 0xDE, 0xC0 | op << 3 | hd_below(g, 8)); pop(x); break;
    }
}

static void t_compare(struct xg *x)
{
    struct hd_gen *g = x->g;
    unsigned i = hd_below(g, 8);
    unsigned p = hd_below(g, 2);   /* p: the popping form */
    cc(x, CC_ALL);
    switch (hd_below(g, 12)) {
    case 0: mem_insn(x, 0xD8, 2 + p, pool_value(x, 'f', 4, 0, 0), 0); break;
    case 1: mem_insn(x, 0xDC, 2 + p, pool_value(x, 'f', 8, 0, 0), 0); break;
    case 2: mem_insn(x, 0xDA, 2 + p, pool_value(x, 'i', 4, 0, 0), 0); break;
    case 3: mem_insn(x, 0xDE, 2 + p, pool_value(x, 'i', 2, 0, 0), 0); break;
    case 4: reg_insn(x, 0xD8, 0xD0 + 8 * p + i); break;                    /* fcom(p) st(i) */
    case 5: reg_insn(x, 0xDD, 0xE0 + 8 * p + i); break;                    /* fucom(p) st(i) */
    case 6: reg_insn(x, 0xDE, 0xD9); p = 2; break;                         /* fcompp */
    case 7: reg_insn(x, 0xDA, 0xE9); p = 2; break;                         /* fucompp */
    case 8: reg_insn(x, 0xD9, 0xE4); p = 0; break;                         /* ftst */
    case 9: reg_insn(x, 0xD9, 0xE5); p = 0; break;                         /* fxam */
    default: {                                                             /* fcomi family */
        static const uint8_t forms[4][2] = { { 0xDB, 0xF0 }, { 0xDB, 0xE8 }, { 0xDF, 0xF0 }, { 0xDF, 0xE8 } };
        unsigned f = hd_below(g, 4);
        reg_insn(x, forms[f][0], forms[f][1] + i);
        hd_insn_flags(g, HD_FC_ARITH, 32, 0);   /* ZF PF CF set, OF SF AF cleared: all defined */
        cc(x, C1);
        p = f >= 2;
        break;
    }
    }
    while (p--)
        pop(x);
}

static void t_unary(struct xg *x)
{
    struct hd_gen *g = x->g;
    static const uint8_t ops[] = { 0xE0, 0xE1, 0xFA, 0xFC, 0xFD, 0xF4, 0xF8, 0xF5, 0xC8 };
    unsigned k = hd_below(g, sizeof ops);
    switch (ops[k]) {
    case 0xF8: case 0xF5: cc(x, CC_ALL); break;     /* FPREM, FPREM1: all four */
    case 0xF4: push(x); cc(x, C1); break;           /* FXTRACT */
    default: cc(x, C1); break;
    }
    reg_insn(x, 0xD9, ops[k] == 0xC8 ? 0xC8 + hd_below(g, 8) : ops[k]);   /* ... or FXCH */
}

static void t_fcmov(struct xg *x)
{
    struct hd_gen *g = x->g;
    hd_need_flags(g, HD_ARITH);   /* FCMOV reads CF, PF, ZF */
    unsigned esc = hd_chance(g, 1, 2) ? 0xDA : 0xDB;
    reg_insn(x, esc, 0xC0 + hd_below(g, 32));
    cc(x, C1);
}

static void t_control(struct xg *x)
{
    struct hd_gen *g = x->g;
    switch (hd_below(g, 6)) {
    case 0: fnstsw_ax(x); break;
    case 1: fldcw(x, rand_cw(g), 1); break;
    case 2: reg_insn(x, 0xDD, 0xC0 + hd_below(g, 8)); cc(x, 0); break;  /* ffree: CCs undefined */
    case 3: reg_insn(x, 0xD9, 0xF6 + hd_below(g, 2)); cc(x, C1); break;  /* fdecstp/fincstp */
    case 4: reg_insn(x, 0xD9, 0xD0); cc(x, 0); break;                    /* fnop: CCs undefined */
    default: mem_insn(x, 0xD9, 7, store_target(x, 2), 0); break;         /* fnstcw */
    }
}

/* The undocumented aliases every x87 since the 387 executes (decoded as
 * valid by cpu/decode.c): FSTP (DF D0+i, DF D8+i), FCOM/FCOMP (DC D0+i,
 * DC D8+i, DE D0+i), FXCH (DD C8+i, DF C8+i), FFREEP (DF C0+i). Not
 * D9 D8+i: on the AMD development host it is FSTPNCE, which skips the
 * stack-underflow check that Intel's FSTP1 (the modelled CPU's) makes. */
static void t_alias(struct xg *x)
{
    static const uint8_t forms[7][2] = {
        { 0xDF, 0xD0 }, { 0xDF, 0xD8 }, { 0xDC, 0xD0 },
        { 0xDC, 0xD8 }, { 0xDE, 0xD0 }, { 0xDD, 0xC8 }, { 0xDF, 0xC8 } };
    struct hd_gen *g = x->g;
    unsigned f = hd_below(g, 8);
    unsigned i = hd_below(g, 8);
    if (f == 7) {
        reg_insn(x, 0xDF, 0xC0 + i);                 /* ffreep: CCs undefined */
        cc(x, 0);
        pop(x);
        return;
    }
    reg_insn(x, forms[f][0], forms[f][1] + i);
    cc(x, f >= 2 && f <= 4 ? CC_ALL : C1);
    if (f <= 1 || f == 3 || f == 4)
        pop(x);
}

/* Transcendentals: fresh operands in the ranges where the x87 is
 * accurate, the instruction, and its results stored exactly into the
 * tolerant slots. */
static void t_transcendental(struct xg *x)
{
    struct hd_gen *g = x->g;
    if (x->depth > 5 || x->tol + 2 > HD_X87_TOL_SLOTS)
        return;
    unsigned k = hd_below(g, 9);
    unsigned results = 1;
    /* Operand exponent windows (unbiased). */
    switch (k) {
    case 0:                                               /* F2XM1: |x| < 1 */
        mem_insn(x, 0xDB, 5, pool_value(x, 'n', 10, -20, -1), 0);
        reg_insn(x, 0xD9, 0xF0);
        break;
    case 1: case 2: case 3: {                             /* FYL2X, FYL2XP1, FPATAN */
        mem_insn(x, 0xDB, 5, pool_value(x, 'n', 10, -10, 10), 0);      /* y */
        mem_insn(x, 0xDB, 5, pool_value(x, 'n', 10, k == 2 ? -20 : -10, k == 2 ? -3 : 10), 0);
        reg_insn(x, 0xD9, k == 1 ? 0xF1 : k == 2 ? 0xF9 : 0xF3);
        /* FYL2X of a negative x is invalid: keep the operand positive. */
        if (k == 1)
            x->g->t->mem[HD_X87_POOL_OFF + 10 * ((x->pool - 1) % HD_X87_POOL_SLOTS) + 9] &= 0x7F;
        break;
    }
    default: {                                            /* FSIN FCOS FSINCOS FPTAN */
        static const uint8_t ops[4] = { 0xFE, 0xFF, 0xFB, 0xF2 };
        unsigned op = ops[(k - 4) % 4];
        if (k == 8) {
            /* Out of range (|x| >= 2^63): C2 = 1, ST(0) unchanged. */
            unsigned off = HD_X87_POOL_OFF + 10 * (x->pool++ % HD_X87_POOL_SLOTS);
            put_le(x, off, rand64(g) | 1ull << 63, 8);
            uint16_t sign = hd_chance(g, 1, 2) ? 0x8000 : 0;
            put_le(x, off + 8, (uint16_t)(sign | (16383 + 63 + hd_below(g, 20))), 2);
            mem_insn(x, 0xDB, 5, buf(off), 0);
            reg_insn(x, 0xD9, ops[hd_below(g, 4)]);
            cc(x, C2);
            fnstsw_ax(x);
            mem_insn(x, 0xDB, 7, store_target(x, 10), 0);  /* fstp m80: the operand, unchanged */
            cc(x, C1);
            return;
        }
        mem_insn(x, 0xDB, 5, pool_value(x, 'n', 10, -30, -1), 0);     /* |x| < 1 */
        reg_insn(x, 0xD9, op);
        results = (op == 0xFB || op == 0xF2) ? 2 : 1;
        break;
    }
    }
    for (unsigned r = 0; r < results; r++) {
        mem_insn(x, 0xDB, 7, buf(HD_X87_TOL_OFF + 10 * x->tol++), 0);   /* fstp m80 */
    }
    /* The popped registers still hold the results, and FNSAVE shows
     * them: overwrite them with +0.0 (FLDZ into each, then pop again) so
     * only the tolerant slots carry inexact values. */
    for (unsigned r = 0; r < 2 * results; r++) {
        hd_insn_begin(g, 1);
        hd_e8(g, r < results ? 0xD9 : 0xDD);
        hd_e8(g, r < results ? 0xEE : 0xD8);      /* fldz / fstp st(0) */
    }
    /* FYL2X/FYL2XP1/FPATAN popped one of their two operands. */
    cc(x, C1);
}

static void t_random(struct xg *x)
{
    struct hd_gen *g = x->g;
    unsigned r = hd_below(g, 100);
    if (x->depth < 2 && r < 70)
        r = 0;   /* mostly build the stack up first */
    if (r < 22) {
        if (x->depth < 8 || hd_chance(g, 1, 8))
            t_load(x);
    } else if (r < 36) {
        if (x->depth > 0 || hd_chance(g, 1, 8))
            t_store(x);
    } else if (r < 58) {
        t_arith(x);
    } else if (r < 70) {
        t_compare(x);
    } else if (r < 80) {
        t_unary(x);
    } else if (r < 84) {
        t_fcmov(x);
    } else if (r < 89) {
        t_control(x);
    } else if (r < 91) {
        t_alias(x);
    } else {
        if (HD_X87_TRANSCENDENTALS)
            t_transcendental(x);
    }
}

/* ------------------------------------------------------------ a test */

static uint64_t test_seed(uint32_t seed, uint32_t index)
{
    return ((uint64_t)seed << 32 | index) * 0x9E3779B97F4A7C15ull + 0x87087087087ull;
}

void hd_generate_x87(struct hd_test *t, uint32_t seed, uint32_t index)
{
    struct hd_gen g;
    struct xg x;
    memset(t, 0, sizeof *t);
    memset(&g, 0, sizeof g);
    memset(&x, 0, sizeof x);
    g.rng.state = test_seed(seed, index);
    g.t = t;
    x.g = &g;
    t->index = index;
    t->family = HD_FAMILY_X87;

    for (unsigned r = 0; r < 8; r++)
        t->regs[r] = hd_rand_value(&g);
    t->regs[HD_ESP] = HD_ESP0;
    g.esp = HD_ESP0;
    t->eflags = (hd_rng_u32(&g.rng) & HD_ARITH) | HD_IF | 0x2;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        t->mem[i] = (uint8_t)hd_rng_u32(&g.rng);

    /* FNINIT keeps the registers' contents, which FNSAVE shows even for
     * empty registers: eight FLDZ and a second FNINIT make them +0.0 on
     * both sides instead of what the host's last test left. */
    for (unsigned i = 0; i < 10; i++) {
        hd_insn_begin(&g, 1);
        hd_e8(&g, i == 0 || i == 9 ? 0xDB : 0xD9);
        hd_e8(&g, i == 0 || i == 9 ? 0xE3 : 0xEE);     /* fninit, fldz x 8, fninit */
    }
    x.cc_undef = 0;
    fldcw(&x, rand_cw(&g), 0);

    unsigned n = 3 + hd_below(&g, 12);
    for (unsigned i = 0; i < n; i++)
        t_random(&x);

    if (hd_chance(&g, 1, 4)) {
        /* The last instruction runs with exceptions unmasked. */
        hd_insn_begin(&g, 0);
        hd_e8(&g, 0xDB);
        hd_e8(&g, 0xE2);                               /* fnclex */
        uint16_t cw = rand_cw(&g);
        cw &= (uint16_t)~(hd_rng_u32(&g.rng) & 0x3F);
        fldcw(&x, cw, 0);
        unsigned r = hd_below(&g, 4);
        if (r == 0)
            t_load(&x);
        else if (r == 1)
            t_store(&x);
        else if (r == 2)
            t_arith(&x);
        else
            t_unary(&x);
    }

    /* Epilogue: every flag defined, then EFLAGS kept around FNSAVE and
     * the clean-up of its image. */
    hd_need_flags(&g, HD_ARITH);
    hd_insn_begin(&g, 1);
    hd_e8(&g, 0x9C);                                   /* pushfd */
    g.esp -= 4;
    hd_insn_begin(&g, 1);
    hd_e8(&g, 0xDD);
    hd_e8(&g, 0x35);
    hd_e32(&g, buf(HD_X87_SAVE_OFF));                  /* fnsave [save] */
    for (unsigned off = 12; off < 28; off += 4) {      /* pointers and opcode */
        hd_insn_begin(&g, 1);
        hd_e8(&g, 0xC7);
        hd_e8(&g, 0x05);
        hd_e32(&g, buf(HD_X87_SAVE_OFF + off));
        hd_e32(&g, 0);
    }
    hd_insn_begin(&g, 1);
    hd_e8(&g, 0x66);
    hd_e8(&g, 0x81);
    hd_e8(&g, 0x25);                                   /* and word [save+4], ~undef */
    hd_e32(&g, buf(HD_X87_SAVE_OFF + 4));
    hd_e16(&g, (uint16_t)~x.cc_undef);
    hd_insn_begin(&g, 1);
    hd_e8(&g, 0x9D);                                   /* popfd */
    g.esp += 4;
    t->undefined_flags = g.undef;
}

int hd_x87_close(const uint8_t *a, const uint8_t *b)
{
    if (!memcmp(a, b, 10))
        return 1;
    uint64_t ma = 0, mb = 0;
    for (int i = 7; i >= 0; i--) {
        ma = ma << 8 | a[i];
        mb = mb << 8 | b[i];
    }
    unsigned sea = (unsigned)(a[8] | a[9] << 8), seb = (unsigned)(b[8] | b[9] << 8);
    if ((sea ^ seb) & 0x8000)
        return 0;
    unsigned ea = sea & 0x7FFF, eb = seb & 0x7FFF;
    if (ea == 0x7FFF || eb == 0x7FFF || !(ma >> 63) || !(mb >> 63))
        return 0;   /* only finite normals get a tolerance */
    /* For normals, (exponent, significand) orders like one integer of
     * 15 + 63 bits: the distance in units of the last place. */
    int64_t de = (int64_t)ea - (int64_t)eb;
    if (de < -1 || de > 1)
        return 0;
    uint64_t fa = ma & ~(1ull << 63), fb = mb & ~(1ull << 63);
    int64_t d;
    if (de == 0)
        d = fa > fb ? (int64_t)(fa - fb) : (int64_t)(fb - fa);
    else if (de == 1)
        d = (int64_t)((fa + (1ull << 63)) - fb);
    else
        d = (int64_t)((fb + (1ull << 63)) - fa);
    return d >= 0 && (uint64_t)d <= HD_X87_TOL_ULPS;
}

void hd_x87_prefix(struct hd_test *t, uint32_t k)
{
    uint32_t a = buf(HD_X87_SAVE_OFF);
    t->code_len = k < t->ninsns ? t->insns[k].offset : t->code_len;
    t->ninsns = k < t->ninsns ? k : t->ninsns;
    uint8_t tail[6] = { 0xDD, 0x35, (uint8_t)a, (uint8_t)(a >> 8), (uint8_t)(a >> 16), (uint8_t)(a >> 24) };
    memcpy(t->code + t->code_len, tail, sizeof tail);
    t->code_len += sizeof tail;
}

void hd_x87_print_state(const uint8_t *mem, uint32_t k)
{
    const uint8_t *m = mem + HD_X87_SAVE_OFF;
    printf("%3u: cw %02x%02x sw %02x%02x tw %02x%02x |", k, m[1], m[0], m[5], m[4], m[9], m[8]);
    for (unsigned i = 0; i < 8; i++) {
        const uint8_t *r = m + 28 + 10 * i;
        printf(" %02x%02x:", r[9], r[8]);
        for (int j = 7; j >= 0; j--)
            printf("%02x", r[j]);
    }
    printf("\n");
}
