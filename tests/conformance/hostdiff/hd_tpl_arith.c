/* Instruction templates: ALU, shifts and rotates, multiply and divide, bit instructions. */
#include "hd_tpl.h"

#include <assert.h>

/* ---- ALU ---------------------------------------------------------------- */

/* ADD OR ADC SBB AND SUB XOR CMP in every encoding. */
void tpl_alu(struct hd_gen *g)
{
    unsigned op = hd_below(g, 8);
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 5);
    int write = op != 7;
    struct hd_rm rm;
    uint32_t imm = hd_rand_value(g);

    hd_need_flags(g, op == 2 || op == 3 ? HD_CF : 0);
    if (form == 2) {                            /* AL/AX/EAX, imm */
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, op * 8 + 4 + hd_wbit(size));
        hd_eimm(g, imm, size);
    } else {
        hd_rm_pick(g, size, write && form != 1, 0, &rm);
        unsigned reg = form == 1 && write ? hd_rand_wreg(g, size, 0) : hd_below(g, 8);
        int lock = rm.mem && write && form != 1 && hd_chance(g, 1, 8);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, lock, rm.seg);
        switch (form) {
        case 0:
            hd_e8(g, op * 8 + hd_wbit(size));
            hd_rm_emit(g, reg, &rm);
            break;
        case 1:
            /* reg, r/m: the destination is the reg field. */
            hd_e8(g, op * 8 + 2 + hd_wbit(size));
            hd_rm_emit(g, reg, &rm);
            break;
        case 3:
            hd_e8(g, size == 1 ? (hd_chance(g, 1, 8) ? 0x82 : 0x80) : 0x81);
            hd_rm_emit(g, op, &rm);
            hd_eimm(g, imm, size);
            break;
        default:
            hd_e8(g, size == 1 ? 0x80 : 0x83);
            hd_rm_emit(g, op, &rm);
            hd_e8(g, imm);
            break;
        }
    }
    int logic = op == 1 || op == 4 || op == 6;
    hd_insn_flags(g, logic ? HD_FC_LOGIC : HD_FC_ARITH, hd_width(size), 0);
}

void tpl_test(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 3);
    uint32_t imm = hd_rand_value(g);
    struct hd_rm rm;

    if (form == 0) {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0xA8 + hd_wbit(size));
        hd_eimm(g, imm, size);
    } else {
        hd_rm_pick(g, size, 0, 0, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        if (form == 1) {
            hd_e8(g, 0x84 + hd_wbit(size));
            hd_rm_emit(g, hd_below(g, 8), &rm);
        } else {
            hd_e8(g, 0xF6 + hd_wbit(size));
            hd_rm_emit(g, 0, &rm);
            hd_eimm(g, imm, size);
        }
    }
    hd_insn_flags(g, HD_FC_LOGIC, hd_width(size), 0);
}

void tpl_incdec(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned dec = hd_below(g, 2);
    if (size != 1 && hd_chance(g, 1, 3)) {      /* 40+r / 48+r */
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x40 + dec * 8 + hd_rand_wreg(g, size, 0));
    } else {
        struct hd_rm rm;
        hd_rm_pick(g, size, 1, 0, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 8), rm.seg);
        hd_e8(g, 0xFE + hd_wbit(size));
        hd_rm_emit(g, dec, &rm);
    }
    hd_insn_flags(g, HD_FC_INCDEC, hd_width(size), 0);
}

void tpl_notneg(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned neg = hd_below(g, 2);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 8), rm.seg);
    hd_e8(g, 0xF6 + hd_wbit(size));
    hd_rm_emit(g, 2 + neg, &rm);
    hd_insn_flags(g, neg ? HD_FC_ARITH : HD_FC_NONE, hd_width(size), 0);
}

/* ---- shifts and rotates ------------------------------------------------- */

/* A raw count byte: the interesting values around 0, 1, the operand width
 * and the 5-bit mask, or anything. */
static uint8_t rand_count(struct hd_gen *g, unsigned width)
{
    switch (hd_below(g, 10)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint8_t)(width - 1);
    case 3: return (uint8_t)width;
    case 4: return (uint8_t)(width + 1);
    case 5: return 31;
    case 6: return 32 + hd_below(g, 3);
    case 7: return (uint8_t)hd_rng_u32(&g->rng);
    default: return (uint8_t)hd_below(g, width + 1);
    }
}

void tpl_shift(struct hd_gen *g)
{
    static const uint8_t ops[7] = { 0, 1, 2, 3, 4, 5, 7 };   /* not /6 */
    static const uint8_t classes[8] = {
        HD_FC_ROL_ROR, HD_FC_ROL_ROR, HD_FC_RCL_RCR, HD_FC_RCL_RCR,
        HD_FC_SHL_SHR, HD_FC_SHL_SHR, HD_FC_SHL_SHR, HD_FC_SAR,
    };
    unsigned op = ops[hd_below(g, 7)];
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 3);             /* 0: by 1, 1: imm8, 2: CL */
    uint8_t count = form == 0 ? 1 : rand_count(g, hd_width(size));
    struct hd_rm rm;

    hd_need_flags(g, op == 2 || op == 3 ? HD_CF : 0);
    if (form == 2)
        hd_setup_mov8(g, 1, count);             /* MOV CL, count */
    hd_rm_pick(g, size, 1, HD_BIT(HD_ECX), &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, (form == 0 ? 0xD0 : form == 1 ? 0xC0 : 0xD2) + hd_wbit(size));
    hd_rm_emit(g, op, &rm);
    if (form == 1)
        hd_e8(g, count);
    hd_insn_flags(g, classes[op], hd_width(size), count & 31);
}

/* SHLD/SHRD. A 16-bit count above 16 gives an undefined result, so the
 * masked count stays within 0..16 there (the raw count may still have
 * bits above the 5-bit mask). */
void tpl_shxd(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned right = hd_below(g, 2);
    int by_cl = hd_chance(g, 1, 2);
    uint8_t count = rand_count(g, hd_width(size));
    if (size == 2 && (count & 31) > 16)
        count = (uint8_t)((count & 0xE0) | hd_below(g, 17));
    struct hd_rm rm;

    if (by_cl)
        hd_setup_mov8(g, 1, count);
    hd_rm_pick(g, size, 1, HD_BIT(HD_ECX), &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, (right ? 0xAC : 0xA4) + (by_cl ? 1 : 0));
    hd_rm_emit(g, hd_below(g, 8), &rm);
    if (!by_cl)
        hd_e8(g, count);
    hd_insn_flags(g, HD_FC_SHLD_SHRD, hd_width(size), count & 31);
}

/* ---- multiply and divide ------------------------------------------------ */

void tpl_mul1(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    struct hd_rm rm;
    hd_rm_pick(g, size, 0, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0xF6 + hd_wbit(size));
    hd_rm_emit(g, 4 + hd_below(g, 2), &rm);     /* MUL / IMUL */
    hd_insn_flags(g, HD_FC_MUL, hd_width(size), 0);
}

void tpl_imul(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned form = hd_below(g, 3);             /* 0F AF, 69, 6B */
    unsigned reg = hd_rand_wreg(g, size, 0);
    uint32_t imm = hd_rand_value(g);
    struct hd_rm rm;
    hd_rm_pick(g, size, 0, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    if (form == 0) {
        hd_e8(g, 0x0F);
        hd_e8(g, 0xAF);
    } else {
        hd_e8(g, form == 1 ? 0x69 : 0x6B);
    }
    hd_rm_emit(g, reg, &rm);
    if (form == 1)
        hd_eimm(g, imm, size);
    else if (form == 2)
        hd_e8(g, imm);
    hd_insn_flags(g, HD_FC_MUL, hd_width(size), 0);
}

static uint32_t rand_divisor(struct hd_gen *g, unsigned width)
{
    uint32_t mask = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    for (;;) {
        uint32_t d;
        switch (hd_below(g, 6)) {
        case 0: d = 1; break;
        case 1: d = mask; break;                    /* -1 signed */
        case 2: d = hd_below(g, 16); break;
        case 3: d = 1u << (width - 1); break;
        default:
            /* Two draws: in separate statements, their order is fixed. */
            d = hd_rng_u32(&g->rng);
            d >>= hd_below(g, width);
            break;
        }
        d &= mask;
        if (d)
            return d;
    }
}

static int64_t sext(uint32_t v, unsigned width)
{
    if (width == 32)
        return (int32_t)v;
    uint32_t sign = 1u << (width - 1);
    v &= (sign << 1) - 1;
    return (int64_t)(v ^ sign) - (int64_t)sign;
}

/* DIV/IDIV. The dividend is loaded so that the quotient fits: for DIV the
 * high half is below the divisor (the low half stays whatever it is); for
 * IDIV dividend = q * d + r with q in range and r of the dividend's sign
 * and smaller than |d|, so truncating division gives back q. */
void tpl_div(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned w = hd_width(size);
    int sign = hd_below(g, 2);
    uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
    uint32_t d = rand_divisor(g, w);
    uint32_t lo = 0, hi = 0;
    int set_lo = 1;

    if (!sign) {
        hi = hd_rng_u32(&g->rng) % d;
        lo = hd_rng_u32(&g->rng);
        set_lo = hd_chance(g, 1, 2);
    } else {
        int64_t ds = sext(d, w);
        int64_t qmax = ((int64_t)1 << (w - 1)) - 1, qmin = -qmax - 1;
        int64_t q;
        switch (hd_below(g, 5)) {
        case 0: q = qmax; break;
        case 1: q = qmin; break;
        case 2: q = (int64_t)hd_below(g, 9) - 4; break;
        default: q = qmin + (int64_t)(hd_rng_next(&g->rng) % (uint64_t)(qmax - qmin + 1)); break;
        }
        int64_t p = q * ds;
        int64_t ad = ds < 0 ? -ds : ds;
        int64_t r = (int64_t)(hd_rng_next(&g->rng) % (uint64_t)ad);
        if (p < 0 || (p == 0 && hd_chance(g, 1, 2)))
            r = -r;
        int64_t n = p + r;
        assert(n / ds == q);
        uint64_t un = (uint64_t)n;
        lo = (uint32_t)un & mask;
        hi = (uint32_t)(un >> w) & mask;
    }

    /* Dividend registers: AX for bytes, DX:AX, EDX:EAX. */
    uint32_t avoid = HD_BIT(HD_EAX) | (size == 1 ? 0 : HD_BIT(HD_EDX));
    if (size == 1) {
        uint32_t ax = (hi << 8) | (lo & 0xFF);
        if (set_lo)
            hd_setup_mov(g, HD_EAX, (hd_rng_u32(&g->rng) & 0xFFFF0000u) | ax);
        else
            hd_setup_mov8(g, 4, (uint8_t)hi);   /* MOV AH, hi */
    } else {
        uint32_t keep = size == 2 ? 0xFFFF0000u : 0;
        if (set_lo)
            hd_setup_mov(g, HD_EAX, (hd_rng_u32(&g->rng) & keep) | lo);
        hd_setup_mov(g, HD_EDX, (hd_rng_u32(&g->rng) & keep) | hi);
    }

    struct hd_rm rm;
    if (hd_chance(g, 1, 2)) {
        /* Divisor in a register other than the dividend's. */
        uint32_t ravoid = size == 1 ? HD_BIT(0) | HD_BIT(4) : avoid;
        unsigned r = hd_rand_wreg(g, size, ravoid);
        if (size == 1)
            hd_setup_mov8(g, r, (uint8_t)d);
        else
            hd_setup_mov(g, r, (hd_rng_u32(&g->rng) & ~mask) | d);
        hd_rm_reg(&rm, r);
    } else {
        uint32_t target = hd_rand_target(g, size);
        hd_setup_store(g, target, size, d);
        hd_mem_at(g, target, avoid, g->esp, &rm);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0xF6 + hd_wbit(size));
    hd_rm_emit(g, 6 + sign, &rm);
    hd_insn_flags(g, HD_FC_DIV, w, 0);
}

/* ---- bit instructions --------------------------------------------------- */

/* BT/BTS/BTR/BTC. With a register bit offset and a memory operand the
 * offset is signed and may reach far outside the addressed word: the
 * accessed word is EA + size * floor(offset / width) (SDM "BT" and Vol. 1
 * 3.4.1.1 bit-string addressing), kept inside the buffer. */
void tpl_bt(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned w = hd_width(size);
    unsigned op = hd_below(g, 4);               /* BT BTS BTR BTC */
    int imm_form = hd_chance(g, 1, 3);
    uint8_t imm = (uint8_t)hd_rng_u32(&g->rng);
    struct hd_rm rm;
    unsigned reg;

    if (imm_form) {
        hd_rm_pick(g, size, op != 0, 0, &rm);
        reg = 4 + op;
    } else if (hd_chance(g, 1, 2)) {
        /* Register destination: the offset is taken modulo the width. */
        hd_rm_reg(&rm, op != 0 ? hd_rand_wreg(g, size, 0) : hd_below(g, 8));
        reg = hd_below(g, 8);
    } else {
        int32_t off = (int32_t)hd_below(g, 2001) - 1000;
        if (hd_chance(g, 1, 4))
            off = (int32_t)hd_below(g, w);
        int32_t word = off >= 0 ? off / (int32_t)w : -((-off + (int32_t)w - 1) / (int32_t)w);
        uint32_t target = HD_BUF_ADDR + 8 + hd_below(g, HD_BUF_SIZE - 16);
        uint32_t ea = target - (uint32_t)(word * (int32_t)size);
        reg = hd_rand_wreg(g, 4, 0);
        uint32_t value = (uint32_t)off;
        if (size == 2)
            value = (hd_rng_u32(&g->rng) & 0xFFFF0000u) | (value & 0xFFFF);
        hd_setup_mov(g, reg, value);
        hd_mem_at(g, ea, HD_BIT(reg), g->esp, &rm);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && op != 0 && hd_chance(g, 1, 8), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, imm_form ? 0xBA : 0xA3 + op * 8);
    hd_rm_emit(g, reg, &rm);
    if (imm_form)
        hd_e8(g, imm);
    hd_insn_flags(g, HD_FC_BT, w, 0);
}

/* Random nonzero value at `size`, often a single bit so BSF and BSR see
 * both ends. */
static uint32_t rand_nonzero(struct hd_gen *g, unsigned size)
{
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t bit = 1u << hd_below(g, hd_width(size));
    uint32_t v = hd_chance(g, 1, 2) ? bit : (hd_rng_u32(&g->rng) & mask) | bit;
    return (hd_rng_u32(&g->rng) & ~mask) | v;
}

/* BSF/BSR. The destination is undefined for a zero source (SDM "BSF"), so
 * the source is loaded with a nonzero value, or with zero followed by a
 * load of the destination that makes it defined again (ZF=1 is still
 * checked). */
void tpl_bsf(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned reverse = hd_below(g, 2);
    unsigned dst = hd_rand_wreg(g, size, 0);
    int zero = hd_chance(g, 1, 6);
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t value = zero ? hd_rng_u32(&g->rng) & ~mask : rand_nonzero(g, size);
    struct hd_rm rm;

    if (hd_chance(g, 1, 2)) {
        hd_rm_reg(&rm, hd_rand_wreg(g, 4, 0));
        hd_setup_mov(g, rm.reg, value);
    } else {
        uint32_t target = hd_rand_target(g, size);
        hd_setup_store(g, target, size, value);
        hd_mem_at(g, target, 0, g->esp, &rm);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xBC + reverse);
    hd_rm_emit(g, dst, &rm);
    hd_insn_flags(g, HD_FC_BSF_BSR, hd_width(size), 0);
    if (zero)
        hd_setup_mov(g, dst, hd_rand_value(g));
}

void tpl_bswap(struct hd_gen *g)
{
    hd_insn_begin(g, 0);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xC8 + hd_rand_wreg(g, 4, 0));
}
