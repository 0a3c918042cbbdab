/* Lazy flag evaluation: one short function per flag (see cpu/flags.h for
 * the invariant). */
#include "cpu/cpu.h"
#include "cpu/flags.h"

static int parity8(uint32_t v)
{
    v &= 0xFF;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);  /* PF=1 for an even number of set bits */
}

/* For shifts, the last bit shifted out (count is 1..31). */
static int shl_carry(const struct lazy_flags *lf)
{
    unsigned bits = lf->size * 8u;
    if (lf->src > bits)
        return 0;
    return (lf->dst >> (bits - lf->src)) & 1;
}

static int shr_carry(const struct lazy_flags *lf)
{
    if (lf->src > lf->size * 8u)
        return 0;
    return (lf->dst >> (lf->src - 1)) & 1;
}

static int sar_carry(const struct lazy_flags *lf)
{
    unsigned bits = lf->size * 8u;
    int32_t sdst = (int32_t)(lf->dst << (32 - bits)) >> (32 - bits);
    unsigned count = lf->src >= bits ? bits - 1 : lf->src - 1;
    return (int)(((uint32_t)(sdst >> count)) & 1);
}

int flags_cf(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    if (lf->op == LF_NONE)
        return (cpu->eflags & EFLAGS_CF) != 0;
    uint32_t m = size_mask(lf->size);
    switch (lf->op) {
    case LF_NONE:  return 0;
    case LF_ADD:   return (lf->res & m) < (lf->dst & m);
    case LF_ADC:   return (lf->res & m) < (lf->dst & m) || (lf->cin && lf->res == lf->dst);
    case LF_SUB:   return (lf->dst & m) < (lf->src & m);
    case LF_SBB:   return (lf->dst & m) < (lf->src & m) || (lf->cin && lf->src == lf->dst);
    case LF_LOGIC: return 0;
    case LF_INC:
    case LF_DEC:   return lf->cin;
    case LF_SHL:   return shl_carry(lf);
    case LF_SHR:   return shr_carry(lf);
    case LF_SAR:   return sar_carry(lf);
    }
    return 0;
}

int flags_pf(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return (cpu->eflags & EFLAGS_PF) != 0;
    return parity8(cpu->lf.res);
}

int flags_af(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    switch (lf->op) {
    case LF_NONE:  return (cpu->eflags & EFLAGS_AF) != 0;
    case LF_ADD: case LF_ADC: case LF_SUB: case LF_SBB:
        return ((lf->dst ^ lf->src ^ lf->res) & 0x10) != 0;
    case LF_INC:   return (lf->res & 0xF) == 0;
    case LF_DEC:   return (lf->res & 0xF) == 0xF;
    /* AF is undefined after logic ops and shifts; the P6 clears it. */
    default:       return 0;
    }
}

int flags_zf(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return (cpu->eflags & EFLAGS_ZF) != 0;
    return (cpu->lf.res & size_mask(cpu->lf.size)) == 0;
}

int flags_sf(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return (cpu->eflags & EFLAGS_SF) != 0;
    return (cpu->lf.res & size_sign(cpu->lf.size)) != 0;
}

int flags_of(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    if (lf->op == LF_NONE)
        return (cpu->eflags & EFLAGS_OF) != 0;
    uint32_t sign = size_sign(lf->size);
    switch (lf->op) {
    case LF_NONE:  return 0;
    case LF_ADD:
    case LF_ADC:   return (((lf->dst ^ lf->res) & (lf->src ^ lf->res)) & sign) != 0;
    case LF_SUB:
    case LF_SBB:   return (((lf->dst ^ lf->src) & (lf->dst ^ lf->res)) & sign) != 0;
    case LF_LOGIC: return 0;
    case LF_INC:   return lf->res == sign;
    case LF_DEC:   return lf->res == sign - 1;
    /* OF is defined for 1-bit shifts only. For larger counts we give what
     * the last 1-bit step would: MSB(result) ^ CF for SHL, and for SHR the
     * MSB of the value entering the last step, which is 0 (the 80286
     * vectors show exactly this for SHR). */
    case LF_SHL:   return (((lf->res & sign) != 0) ^ shl_carry(lf)) != 0;
    case LF_SHR:   return lf->src == 1 && (lf->dst & sign) != 0;
    case LF_SAR:   return 0;
    }
    return 0;
}

void flags_set_lazy(struct cpu *cpu, enum lf_op op, unsigned size,
                    uint32_t dst, uint32_t src, uint32_t res)
{
    struct lazy_flags *lf = &cpu->lf;
    if (op == LF_INC || op == LF_DEC || op == LF_ADC || op == LF_SBB)
        lf->cin = (uint8_t)flags_cf(cpu);
    lf->op = (uint8_t)op;
    lf->size = (uint8_t)size;
    lf->dst = dst & size_mask(size);
    lf->src = src;
    lf->res = res & size_mask(size);
    if (op != LF_SHL && op != LF_SHR && op != LF_SAR)
        lf->src &= size_mask(size);
}

void flags_materialize(struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return;
    uint32_t f = cpu->eflags & ~EFLAGS_ARITH;
    if (flags_cf(cpu)) f |= EFLAGS_CF;
    if (flags_pf(cpu)) f |= EFLAGS_PF;
    if (flags_af(cpu)) f |= EFLAGS_AF;
    if (flags_zf(cpu)) f |= EFLAGS_ZF;
    if (flags_sf(cpu)) f |= EFLAGS_SF;
    if (flags_of(cpu)) f |= EFLAGS_OF;
    cpu->eflags = f;
    cpu->lf.op = LF_NONE;
}

void flags_set_arith(struct cpu *cpu, uint32_t mask, uint32_t values)
{
    /* Setting all six flags reads none of the old ones: the record is
     * dropped instead of evaluated (IMUL, MUL, SHLD/SHRD, FCOMI, the BCD
     * adjustments). */
    if ((mask & EFLAGS_ARITH) == EFLAGS_ARITH)
        cpu->lf.op = LF_NONE;
    else
        flags_materialize(cpu);
    cpu->eflags = (cpu->eflags & ~mask) | (values & mask);
}

uint32_t flags_szp(uint32_t res, unsigned size)
{
    uint32_t f = 0;
    res &= size_mask(size);
    if (res == 0) f |= EFLAGS_ZF;
    if (res & size_sign(size)) f |= EFLAGS_SF;
    if (parity8(res)) f |= EFLAGS_PF;
    return f;
}

int flags_cond(const struct cpu *cpu, unsigned cc)
{
    int r;
    switch (cc >> 1) {
    case 0: r = flags_of(cpu); break;                        /* O */
    case 1: r = flags_cf(cpu); break;                        /* B */
    case 2: r = flags_zf(cpu); break;                        /* Z */
    case 3: r = flags_cf(cpu) || flags_zf(cpu); break;       /* BE */
    case 4: r = flags_sf(cpu); break;                        /* S */
    case 5: r = flags_pf(cpu); break;                        /* P */
    case 6: r = flags_sf(cpu) != flags_of(cpu); break;       /* L */
    default: r = flags_zf(cpu) || (flags_sf(cpu) != flags_of(cpu)); break; /* LE */
    }
    return (cc & 1) ? !r : r;
}
