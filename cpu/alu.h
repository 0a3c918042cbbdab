/* ALU results and their flag records, inline: the one definition used by
 * the interpreter's handlers (cpu/ops_alu.c) and by the translator's
 * specialised micro-ops, so both engines share the same semantics. */
#ifndef SHADOW86_CPU_ALU_H
#define SHADOW86_CPU_ALU_H

#include "cpu/cpu.h"
#include "cpu/flags.h"

/* dst OP src for the two-operand group (ADD OR ADC SBB AND SUB XOR CMP
 * TEST): stores the result and returns the lazy-flags kind. ADC and SBB
 * read CF here; flags_set_lazy() captures the same CF as carry-in. */
static inline enum lf_op alu_compute(const struct cpu *cpu, unsigned op, uint32_t a, uint32_t b,
                                     uint32_t *r)
{
    switch (op) {
    case OP_ADD: *r = a + b; return LF_ADD;
    case OP_ADC: *r = a + b + (uint32_t)flags_cf(cpu); return LF_ADC;
    case OP_SBB: *r = a - b - (uint32_t)flags_cf(cpu); return LF_SBB;
    case OP_SUB:
    case OP_CMP: *r = a - b; return LF_SUB;
    case OP_OR:  *r = a | b; return LF_LOGIC;
    case OP_XOR: *r = a ^ b; return LF_LOGIC;
    default:     *r = a & b; return LF_LOGIC;   /* AND, TEST */
    }
}

/* Record flags for operations that need no carry in (ADD SUB CMP NEG and
 * the logic group): the fast path of flags_set_lazy(). */
static inline void flags_record(struct cpu *cpu, enum lf_op op, unsigned size,
                                uint32_t dst, uint32_t src, uint32_t res)
{
    uint32_t m = size_mask(size);
    cpu->lf.op = (uint8_t)op;
    cpu->lf.size = (uint8_t)size;
    cpu->lf.dst = dst & m;
    cpu->lf.src = src & m;
    cpu->lf.res = res & m;
}

/* The lazy record stores dst, src (but a shift count) and res truncated
 * to the operand size (flags_record(), flags_set_lazy()); the evaluations
 * below rely on that. */

/* CF straight from the lazy record for the common producers: 1 with *cf
 * set, or 0 when only flags_cf() can tell. The same value by construction
 * (cpu/flags.c). */
static inline int flags_cf_try(const struct cpu *cpu, int *cf)
{
    const struct lazy_flags *lf = &cpu->lf;
    switch (lf->op) {
    case LF_LOGIC: *cf = 0; return 1;
    case LF_SUB:   *cf = lf->dst < lf->src; return 1;
    case LF_ADD:   *cf = lf->res < lf->dst; return 1;
    case LF_INC:
    case LF_DEC:   *cf = lf->cin; return 1;
    default:       return 0;
    }
}

/* The record of INC or DEC (`op` LF_INC or LF_DEC) with the kept CF
 * `cf`: flags_set_lazy()'s record, inline. */
static inline void flags_record_incdec(struct cpu *cpu, enum lf_op op, unsigned size,
                                       uint32_t dst, uint32_t res, int cf)
{
    cpu->lf.cin = (uint8_t)cf;
    flags_record(cpu, op, size, dst, 1, res);
}

/* Condition code `cc` evaluated straight from the lazy record for the
 * common producers (compare/subtract and the logic group; ZF and SF of
 * any), 1 with *r set, or 0 when only the general flags_cond() can tell.
 * Same results by construction: for LF_SUB the flags describe dst - src,
 * for LF_LOGIC CF = OF = 0. */
static inline int flags_cond_try(const struct cpu *cpu, unsigned cc, int *r)
{
    const struct lazy_flags *lf = &cpu->lf;
    if (lf->op == LF_SUB) {
        uint32_t a = lf->dst, b = lf->src;
        unsigned shift = 32 - lf->size * 8u;
        int32_t sa = (int32_t)(a << shift), sb = (int32_t)(b << shift);
        switch (cc) {
        case 0x2: *r = a < b; return 1;     /* B */
        case 0x3: *r = a >= b; return 1;    /* AE */
        case 0x4: *r = a == b; return 1;    /* E */
        case 0x5: *r = a != b; return 1;    /* NE */
        case 0x6: *r = a <= b; return 1;    /* BE */
        case 0x7: *r = a > b; return 1;     /* A */
        case 0xC: *r = sa < sb; return 1;   /* L */
        case 0xD: *r = sa >= sb; return 1;  /* GE */
        case 0xE: *r = sa <= sb; return 1;  /* LE */
        case 0xF: *r = sa > sb; return 1;   /* G */
        default: break;
        }
    } else if (lf->op == LF_LOGIC) {
        int zf = lf->res == 0, sf = (lf->res >> (lf->size * 8u - 1)) & 1;
        switch (cc) {
        case 0x2: case 0x0: *r = 0; return 1;   /* B, O: CF = OF = 0 */
        case 0x3: case 0x1: *r = 1; return 1;   /* AE, NO */
        case 0x4: *r = zf; return 1;
        case 0x5: *r = !zf; return 1;
        case 0x6: *r = zf; return 1;            /* BE = CF | ZF */
        case 0x7: *r = !zf; return 1;
        case 0x8: *r = sf; return 1;
        case 0x9: *r = !sf; return 1;
        case 0xC: *r = sf; return 1;            /* L = SF != OF */
        case 0xD: *r = !sf; return 1;
        case 0xE: *r = zf || sf; return 1;
        case 0xF: *r = !zf && !sf; return 1;
        default: break;
        }
    } else if (lf->op != LF_NONE) {
        /* ZF and SF come from the result alone, whatever produced it. */
        switch (cc) {
        case 0x4: *r = lf->res == 0; return 1;
        case 0x5: *r = lf->res != 0; return 1;
        case 0x8: *r = (lf->res >> (lf->size * 8u - 1)) & 1; return 1;
        case 0x9: *r = !((lf->res >> (lf->size * 8u - 1)) & 1); return 1;
        default: break;
        }
    }
    return 0;
}

static inline int flags_cond_fast(const struct cpu *cpu, unsigned cc)
{
    int r;
    return flags_cond_try(cpu, cc, &r) ? r : flags_cond(cpu, cc);
}

/* Two- and three-operand IMUL of `size` bytes (op_imul): the low half
 * of the signed product; CF = OF = the product does not fit, SF ZF PF
 * from the low half, AF cleared (SDM: undefined). With `live` 0 the
 * flags are left alone (nothing reads them). */
static inline uint32_t alu_imul(struct cpu *cpu, uint32_t a, uint32_t b, unsigned size, int live)
{
    unsigned shift = 32 - size * 8;
    int64_t x = (int32_t)(a << shift) >> shift, y = (int32_t)(b << shift) >> shift;
    int64_t p = x * y;
    uint32_t low = (uint32_t)(uint64_t)p;
    if (live) {
        uint32_t f = flags_szp(low, size);
        if ((int64_t)((int32_t)(low << shift) >> shift) != p)
            f |= EFLAGS_CF | EFLAGS_OF;
        flags_set_arith(cpu, EFLAGS_ARITH, f);
    }
    return low;
}

#endif
