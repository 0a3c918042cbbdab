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

/* CF straight from the lazy record for the common producers, else
 * flags_cf(); the same value by construction (cpu/flags.c). */
static inline int flags_cf_fast(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    uint32_t m = size_mask(lf->size);
    switch (lf->op) {
    case LF_LOGIC: return 0;
    case LF_SUB:   return (lf->dst & m) < (lf->src & m);
    case LF_ADD:   return (lf->res & m) < (lf->dst & m);
    case LF_INC:
    case LF_DEC:   return lf->cin;
    default:       return flags_cf(cpu);
    }
}

/* The record of INC or DEC (`op` LF_INC or LF_DEC): flags_set_lazy()'s,
 * inline: CF is kept, captured from the record it replaces. */
static inline void flags_record_incdec(struct cpu *cpu, enum lf_op op, unsigned size,
                                       uint32_t dst, uint32_t res)
{
    cpu->lf.cin = (uint8_t)flags_cf_fast(cpu);
    flags_record(cpu, op, size, dst, 1, res);
}

/* Condition codes evaluated straight from the lazy record for the common
 * producers (compare/subtract and the logic group), falling back to the
 * general flags_cond(). Same results by construction: for LF_SUB the
 * flags describe dst - src, for LF_LOGIC CF = OF = 0. */
static inline int flags_cond_fast(const struct cpu *cpu, unsigned cc)
{
    const struct lazy_flags *lf = &cpu->lf;
    if (lf->op == LF_SUB) {
        uint32_t a = lf->dst, b = lf->src;
        unsigned shift = 32 - lf->size * 8u;
        int32_t sa = (int32_t)(a << shift), sb = (int32_t)(b << shift);
        switch (cc) {
        case 0x2: return a < b;     /* B */
        case 0x3: return a >= b;    /* AE */
        case 0x4: return a == b;    /* E */
        case 0x5: return a != b;    /* NE */
        case 0x6: return a <= b;    /* BE */
        case 0x7: return a > b;     /* A */
        case 0xC: return sa < sb;   /* L */
        case 0xD: return sa >= sb;  /* GE */
        case 0xE: return sa <= sb;  /* LE */
        case 0xF: return sa > sb;   /* G */
        default: break;
        }
    } else if (lf->op == LF_LOGIC) {
        int zf = lf->res == 0, sf = (lf->res & size_sign(lf->size)) != 0;
        switch (cc) {
        case 0x2: case 0x0: return 0;   /* B, O: CF = OF = 0 */
        case 0x3: case 0x1: return 1;   /* AE, NO */
        case 0x4: return zf;
        case 0x5: return !zf;
        case 0x6: return zf;            /* BE = CF | ZF */
        case 0x7: return !zf;
        case 0x8: return sf;
        case 0x9: return !sf;
        case 0xC: return sf;            /* L = SF != OF */
        case 0xD: return !sf;
        case 0xE: return zf || sf;
        case 0xF: return !zf && !sf;
        default: break;
        }
    } else if (lf->op != LF_NONE) {
        /* ZF and SF come from the result alone, whatever produced it. */
        uint32_t res = lf->res & size_mask(lf->size);
        switch (cc) {
        case 0x4: return res == 0;
        case 0x5: return res != 0;
        case 0x8: return (res & size_sign(lf->size)) != 0;
        case 0x9: return (res & size_sign(lf->size)) == 0;
        default: break;
        }
    }
    return flags_cond(cpu, cc);
}

#endif
