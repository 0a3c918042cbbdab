/* Instruction templates: one function per instruction family. Each emits
 * its set-up instructions (operand loads, divisor guards, shift counts),
 * then the instruction under test, and reports its flag effect. */
#include "hd_templates.h"

#include <assert.h>

#include "hd_emit.h"

static unsigned width_of(unsigned size) { return size * 8; }
static unsigned wbit(unsigned size) { return size == 1 ? 0 : 1; }

/* ---- ALU ---------------------------------------------------------------- */

/* ADD OR ADC SBB AND SUB XOR CMP in every encoding. */
static void tpl_alu(struct hd_gen *g)
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
        hd_e8(g, op * 8 + 4 + wbit(size));
        hd_eimm(g, imm, size);
    } else {
        hd_rm_pick(g, size, write && form != 1, 0, &rm);
        unsigned reg = form == 1 && write ? hd_rand_wreg(g, size, 0) : hd_below(g, 8);
        int lock = rm.mem && write && form != 1 && hd_chance(g, 1, 8);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, lock, rm.seg);
        switch (form) {
        case 0:
            hd_e8(g, op * 8 + wbit(size));
            hd_rm_emit(g, reg, &rm);
            break;
        case 1:
            /* reg, r/m: the destination is the reg field. */
            hd_e8(g, op * 8 + 2 + wbit(size));
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
    hd_insn_flags(g, logic ? HD_FC_LOGIC : HD_FC_ARITH, width_of(size), 0);
}

static void tpl_test(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 3);
    uint32_t imm = hd_rand_value(g);
    struct hd_rm rm;

    if (form == 0) {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0xA8 + wbit(size));
        hd_eimm(g, imm, size);
    } else {
        hd_rm_pick(g, size, 0, 0, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        if (form == 1) {
            hd_e8(g, 0x84 + wbit(size));
            hd_rm_emit(g, hd_below(g, 8), &rm);
        } else {
            hd_e8(g, 0xF6 + wbit(size));
            hd_rm_emit(g, 0, &rm);
            hd_eimm(g, imm, size);
        }
    }
    hd_insn_flags(g, HD_FC_LOGIC, width_of(size), 0);
}

static void tpl_incdec(struct hd_gen *g)
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
        hd_e8(g, 0xFE + wbit(size));
        hd_rm_emit(g, dec, &rm);
    }
    hd_insn_flags(g, HD_FC_INCDEC, width_of(size), 0);
}

static void tpl_notneg(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned neg = hd_below(g, 2);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 8), rm.seg);
    hd_e8(g, 0xF6 + wbit(size));
    hd_rm_emit(g, 2 + neg, &rm);
    hd_insn_flags(g, neg ? HD_FC_ARITH : HD_FC_NONE, width_of(size), 0);
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

static void tpl_shift(struct hd_gen *g)
{
    static const uint8_t ops[7] = { 0, 1, 2, 3, 4, 5, 7 };   /* not /6 */
    static const uint8_t classes[8] = {
        HD_FC_ROL_ROR, HD_FC_ROL_ROR, HD_FC_RCL_RCR, HD_FC_RCL_RCR,
        HD_FC_SHL_SHR, HD_FC_SHL_SHR, HD_FC_SHL_SHR, HD_FC_SAR,
    };
    unsigned op = ops[hd_below(g, 7)];
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 3);             /* 0: by 1, 1: imm8, 2: CL */
    uint8_t count = form == 0 ? 1 : rand_count(g, width_of(size));
    struct hd_rm rm;

    hd_need_flags(g, op == 2 || op == 3 ? HD_CF : 0);
    if (form == 2)
        hd_setup_mov8(g, 1, count);             /* MOV CL, count */
    hd_rm_pick(g, size, 1, HD_BIT(HD_ECX), &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, (form == 0 ? 0xD0 : form == 1 ? 0xC0 : 0xD2) + wbit(size));
    hd_rm_emit(g, op, &rm);
    if (form == 1)
        hd_e8(g, count);
    hd_insn_flags(g, classes[op], width_of(size), count & 31);
}

/* SHLD/SHRD. A 16-bit count above 16 gives an undefined result, so the
 * masked count stays within 0..16 there (the raw count may still have
 * bits above the 5-bit mask). */
static void tpl_shxd(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned right = hd_below(g, 2);
    int by_cl = hd_chance(g, 1, 2);
    uint8_t count = rand_count(g, width_of(size));
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
    hd_insn_flags(g, HD_FC_SHLD_SHRD, width_of(size), count & 31);
}

/* ---- multiply and divide ------------------------------------------------ */

static void tpl_mul1(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    struct hd_rm rm;
    hd_rm_pick(g, size, 0, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0xF6 + wbit(size));
    hd_rm_emit(g, 4 + hd_below(g, 2), &rm);     /* MUL / IMUL */
    hd_insn_flags(g, HD_FC_MUL, width_of(size), 0);
}

static void tpl_imul(struct hd_gen *g)
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
    hd_insn_flags(g, HD_FC_MUL, width_of(size), 0);
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
static void tpl_div(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned w = width_of(size);
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
    hd_e8(g, 0xF6 + wbit(size));
    hd_rm_emit(g, 6 + sign, &rm);
    hd_insn_flags(g, HD_FC_DIV, w, 0);
}

/* ---- bit instructions --------------------------------------------------- */

/* BT/BTS/BTR/BTC. With a register bit offset and a memory operand the
 * offset is signed and may reach far outside the addressed word: the
 * accessed word is EA + size * floor(offset / width) (SDM "BT" and Vol. 1
 * 3.4.1.1 bit-string addressing), kept inside the buffer. */
static void tpl_bt(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned w = width_of(size);
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
    uint32_t bit = 1u << hd_below(g, width_of(size));
    uint32_t v = hd_chance(g, 1, 2) ? bit : (hd_rng_u32(&g->rng) & mask) | bit;
    return (hd_rng_u32(&g->rng) & ~mask) | v;
}

/* BSF/BSR. The destination is undefined for a zero source (SDM "BSF"), so
 * the source is loaded with a nonzero value, or with zero followed by a
 * load of the destination that makes it defined again (ZF=1 is still
 * checked). */
static void tpl_bsf(struct hd_gen *g)
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
    hd_insn_flags(g, HD_FC_BSF_BSR, width_of(size), 0);
    if (zero)
        hd_setup_mov(g, dst, hd_rand_value(g));
}

static void tpl_bswap(struct hd_gen *g)
{
    hd_insn_begin(g, 0);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xC8 + hd_rand_wreg(g, 4, 0));
}

/* ---- exchange and compare-exchange ------------------------------------- */

static void tpl_xadd(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xC0 + wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
    hd_insn_flags(g, HD_FC_ARITH, width_of(size), 0);
}

/* CMPXCHG; a third of the time the destination is first made equal to
 * the accumulator so the store path runs. */
static void tpl_cmpxchg(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    int equal = hd_chance(g, 1, 3);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    if (equal && !rm.mem) {
        hd_insn_begin(g, 1);                    /* MOV r, acc */
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x88 + wbit(size));
        hd_e8(g, 0xC0 | rm.reg);
    } else if (equal) {
        hd_insn_begin(g, 1);                    /* MOV [moffs], acc */
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0xA2 + wbit(size));
        hd_e32(g, rm.ea);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xB0 + wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
    hd_insn_flags(g, HD_FC_ARITH, width_of(size), 0);
}

static void tpl_cmpxchg8b(struct hd_gen *g)
{
    uint32_t target = hd_rand_target(g, 8);
    struct hd_rm rm;
    hd_mem_at(g, target, 0, g->esp, &rm);
    if (hd_chance(g, 1, 3)) {
        hd_insn_begin(g, 1);                    /* MOV [t], EAX */
        hd_e8(g, 0xA3);
        hd_e32(g, target);
        hd_insn_begin(g, 1);                    /* MOV [t+4], EDX */
        hd_e8(g, 0x89);
        hd_e8(g, 0x15);
        hd_e32(g, target + 4);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, 4, hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xC7);
    hd_rm_emit(g, 1, &rm);
    hd_insn_flags(g, HD_FC_CMPXCHG8B, 64, 0);
}

static void tpl_xchg(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    if (size != 1 && hd_chance(g, 1, 3)) {      /* 90+r with the accumulator */
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x90 + hd_rand_wreg(g, size, 0));
        return;
    }
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x86 + wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
}

/* ---- conditional moves and sets ---------------------------------------- */

static void tpl_cmov(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 3) ? 2 : 4;
    unsigned cc = hd_below(g, 16);
    struct hd_rm rm;
    hd_need_flags(g, hd_cond_reads(cc));
    hd_rm_pick(g, size, 0, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0x40 + cc);
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
}

static void tpl_setcc(struct hd_gen *g)
{
    unsigned cc = hd_below(g, 16);
    struct hd_rm rm;
    hd_need_flags(g, hd_cond_reads(cc));
    hd_rm_pick(g, 1, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, 1, 0, rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0x90 + cc);
    hd_rm_emit(g, 0, &rm);
}

/* ---- moves -------------------------------------------------------------- */

static void tpl_mov(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    unsigned form = hd_below(g, 5);
    uint32_t imm = hd_rand_value(g);
    struct hd_rm rm;

    if (form == 0) {                            /* B0+r / B8+r */
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, (size == 1 ? 0xB0 : 0xB8) + hd_rand_wreg(g, size, 0));
        hd_eimm(g, imm, size);
        return;
    }
    if (form == 1) {                            /* A0-A3 moffs */
        uint32_t target = hd_rand_target(g, size);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, hd_chance(g, 1, 4) ? 0x3E : 0);
        hd_e8(g, 0xA0 + hd_below(g, 2) * 2 + wbit(size));
        hd_e32(g, target);
        return;
    }
    int store = form == 2 || form == 4;
    hd_rm_pick(g, size, store, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    if (form == 4) {                            /* C6/C7 /0 */
        hd_e8(g, 0xC6 + wbit(size));
        hd_rm_emit(g, 0, &rm);
        hd_eimm(g, imm, size);
    } else {
        hd_e8(g, (store ? 0x88 : 0x8A) + wbit(size));
        hd_rm_emit(g, store ? hd_below(g, 8) : hd_rand_wreg(g, size, 0), &rm);
    }
}

static void tpl_movx(struct hd_gen *g)
{
    int from16 = hd_chance(g, 1, 3);
    unsigned size = from16 ? 4 : (hd_chance(g, 1, 3) ? 2 : 4);
    struct hd_rm rm;
    hd_rm_pick(g, from16 ? 2 : 1, 0, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, (hd_chance(g, 1, 2) ? 0xB6 : 0xBE) + (from16 ? 1 : 0));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
}

/* LEA with any ModRM/SIB form, including 16-bit addressing (67h): it only
 * computes the address, so the operand registers can hold anything. */
static void tpl_lea(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    int addr16 = hd_chance(g, 1, 5);
    unsigned mod = hd_below(g, 3), rmf = hd_below(g, 8);
    unsigned dst = hd_rand_wreg(g, size, 0);
    static const uint8_t segs[4] = { 0, 0x26, 0x36, 0x3E };
    uint8_t seg = segs[hd_below(g, 4)];        /* LEA ignores it */
    hd_insn_begin(g, 0);
    if (addr16)
        hd_e8(g, 0x67);
    hd_prefixes(g, size, 0, seg);
    hd_e8(g, 0x8D);
    hd_e8(g, mod << 6 | dst << 3 | rmf);
    if (addr16) {
        if (mod == 1)
            hd_e8(g, hd_rng_u32(&g->rng));
        else if (mod == 2 || rmf == 6)
            hd_e16(g, hd_rng_u32(&g->rng));
        return;
    }
    unsigned base = 0;
    if (rmf == 4) {
        uint8_t sib = (uint8_t)hd_rng_u32(&g->rng);
        base = sib & 7;
        hd_e8(g, sib);
    }
    if (mod == 1)
        hd_e8(g, hd_rng_u32(&g->rng));
    else if (mod == 2 || (mod == 0 && (rmf == 5 || (rmf == 4 && base == 5))))
        hd_e32(g, hd_rand_value(g));
}

/* ---- flag, conversion and BCD one-byte instructions ------------------- */

static void tpl_convert(struct hd_gen *g)
{
    hd_insn_begin(g, 0);
    hd_prefixes(g, hd_chance(g, 1, 2) ? 2 : 4, 0, 0);
    hd_e8(g, 0x98 + hd_below(g, 2));           /* CBW/CWDE, CWD/CDQ */
}

static void tpl_lahf_sahf(struct hd_gen *g)
{
    if (hd_chance(g, 1, 2)) {
        hd_need_flags(g, HD_SF | HD_ZF | HD_AF | HD_PF | HD_CF);
        hd_insn_begin(g, 0);
        hd_e8(g, 0x9F);
    } else {
        hd_insn_begin(g, 0);
        hd_e8(g, 0x9E);
        hd_insn_flags(g, HD_FC_SAHF, 8, 0);
    }
}

static void tpl_carry(struct hd_gen *g)
{
    static const uint8_t ops[3] = { 0xF8, 0xF9, 0xF5 };   /* CLC STC CMC */
    unsigned i = hd_below(g, 3);
    if (i == 2)
        hd_need_flags(g, HD_CF);
    hd_insn_begin(g, 0);
    hd_e8(g, ops[i]);
    hd_insn_flags(g, HD_FC_CARRY, 0, 0);
}

static void tpl_direction(struct hd_gen *g)
{
    g->df = hd_below(g, 2);
    hd_insn_begin(g, 0);
    hd_e8(g, g->df ? 0xFD : 0xFC);
}

static void tpl_bcd(struct hd_gen *g)
{
    unsigned which = hd_below(g, 6);
    static const uint8_t ops[4] = { 0x27, 0x2F, 0x37, 0x3F };  /* DAA DAS AAA AAS */
    if (which < 2)
        hd_need_flags(g, HD_AF | HD_CF);
    else if (which < 4)
        hd_need_flags(g, HD_AF);
    if (hd_chance(g, 1, 2)) {
        /* AL near the digit and byte edges, where the adjustments carry. */
        static const uint8_t edges[] = { 0x00, 0x09, 0x0A, 0x0F, 0x90, 0x99, 0x9A, 0x9F,
                                         0xA0, 0xF9, 0xFA, 0xFF, 0x66, 0x6A, 0x05, 0xF5 };
        uint32_t ax = (hd_rng_u32(&g->rng) & 0xFFFFFF00u) | edges[hd_below(g, 16)];
        hd_setup_mov(g, HD_EAX, ax);
    }
    hd_insn_begin(g, 0);
    if (which < 4) {
        hd_e8(g, ops[which]);
        hd_insn_flags(g, which < 2 ? HD_FC_DAA_DAS : HD_FC_AAA_AAS, 8, 0);
        return;
    }
    /* AAM/AAD imm8: 10 usually; AAM never 0 (#DE). */
    uint8_t imm = hd_chance(g, 1, 2) ? 10 : (uint8_t)hd_rng_u32(&g->rng);
    if (which == 4 && imm == 0)
        imm = 1 + (uint8_t)hd_below(g, 255);
    hd_e8(g, which == 4 ? 0xD4 : 0xD5);
    hd_e8(g, imm);
    hd_insn_flags(g, HD_FC_AAM_AAD, 8, 0);
}

static void tpl_nop(struct hd_gen *g)
{
    hd_insn_begin(g, 0);
    if (hd_chance(g, 1, 3)) {
        if (hd_chance(g, 1, 3))
            hd_e8(g, 0xF3);                     /* PAUSE */
        hd_e8(g, 0x90);
        return;
    }
    /* 0F 1F /0: the long NOP; its memory operand is never accessed. */
    hd_prefixes(g, hd_chance(g, 1, 3) ? 2 : 4, 0, 0);
    hd_e8(g, 0x0F);
    hd_e8(g, 0x1F);
    unsigned mod = hd_below(g, 3);
    hd_e8(g, mod << 6 | hd_below(g, 4));       /* [reg] forms, no SIB */
    if (mod == 1)
        hd_e8(g, hd_rng_u32(&g->rng));
    else if (mod == 2)
        hd_e32(g, hd_rng_u32(&g->rng));
}

/* XLAT: AL = [EBX + AL]; EBX points so that any AL stays in the buffer. */
static void tpl_xlat(struct hd_gen *g)
{
    hd_setup_mov(g, HD_EBX, HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - 255));
    hd_insn_begin(g, 0);
    hd_prefixes(g, 4, 0, hd_chance(g, 1, 4) ? 0x3E : 0);
    hd_e8(g, 0xD7);
}

/* ---- stack -------------------------------------------------------------- */

/* Room in the stack window below and above ESP. */
static uint32_t room_below(const struct hd_gen *g) { return g->esp - HD_STACK_ADDR; }
static uint32_t room_above(const struct hd_gen *g) { return HD_STACK_ADDR + HD_STACK_SIZE - g->esp; }

static void tpl_push(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    unsigned form = hd_below(g, 4);
    if (room_below(g) < 16)
        return;
    if (form == 3) {                            /* FF /6: address before ESP moves */
        struct hd_rm rm;
        hd_mem_at(g, hd_rand_target(g, size), 0, g->esp, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        hd_e8(g, 0xFF);
        hd_rm_emit(g, 6, &rm);
    } else {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        if (form == 0) {
            hd_e8(g, 0x50 + hd_below(g, 8));   /* PUSH ESP pushes the old value */
        } else if (form == 1) {
            hd_e8(g, 0x6A);
            hd_e8(g, hd_rand_value(g));
        } else {
            hd_e8(g, 0x68);
            hd_eimm(g, hd_rand_value(g), size);
        }
    }
    g->esp -= size;
}

static void tpl_pop(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_above(g) < 16)
        return;
    if (hd_chance(g, 1, 3)) {
        /* 8F /0: "If the ESP register is used as a base register for
         * addressing a destination operand in memory, the POP instruction
         * computes the effective address of the operand after it
         * increments the ESP register." (SDM "POP") */
        struct hd_rm rm;
        hd_mem_at(g, hd_rand_target(g, size), 0, g->esp + size, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        hd_e8(g, 0x8F);
        hd_rm_emit(g, 0, &rm);
    } else {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x58 + hd_rand_wreg(g, size, 0));
    }
    g->esp += size;
}

static void tpl_pushf(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16)
        return;
    hd_need_flags(g, HD_ARITH);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x9C);
    g->esp -= size;
}

/* PUSH imm; POPF. The popped value changes only the arithmetic flags and
 * DF and keeps IF set: natively (CPL 3, IOPL 0) POPF cannot change IF,
 * and the emulator runs at CPL 0 where it could. */
static void tpl_popf(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16)
        return;
    uint32_t value = (hd_rng_u32(&g->rng) & (HD_ARITH | HD_DF)) | HD_IF | 0x2;
    hd_insn_begin(g, 1);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x68);
    hd_eimm(g, value, size);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x9D);
    hd_insn_flags(g, HD_FC_POPF, 0, 0);
    g->df = (value & HD_DF) != 0;
}

static void tpl_pusha_popa(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    int pop = hd_below(g, 2);
    if (pop ? room_above(g) < 8 * size + 16 : room_below(g) < 8 * size + 16)
        return;
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, pop ? 0x61 : 0x60);
    g->esp = pop ? g->esp + 8 * size : g->esp - 8 * size;
}

/* ENTER size, level, then LEAVE: ESP and EBP come back, the frame's bytes
 * stay written. Levels above 1 copy level-1 frame pointers from below the
 * old EBP, so EBP is first pointed into the stack window. */
static void tpl_enter_leave(struct hd_gen *g)
{
    unsigned frame = hd_below(g, 64);
    unsigned level = hd_chance(g, 1, 2) ? hd_below(g, 2) : hd_below(g, 9);
    if (room_below(g) < frame + 4 * level + 4 + 16)
        return;
    if (level >= 2)
        hd_setup_mov(g, HD_EBP, HD_STACK_ADDR + 4 * level + hd_below(g, HD_STACK_SIZE - 4 * level));
    hd_insn_begin(g, 0);
    hd_e8(g, 0xC8);
    hd_e16(g, frame);
    hd_e8(g, level);
    hd_insn_begin(g, 0);
    hd_e8(g, 0xC9);
}

/* PUSH ESP; POP ESP (ESP comes back: POP increments ESP before it writes
 * the popped value, SDM "POP"), or PUSH imm; POP ESP moving ESP to a known
 * place in the window. 16-bit forms push and pop SP. */
static void tpl_pop_esp(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16 || room_above(g) < 16)
        return;
    if (hd_chance(g, 1, 2)) {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x54);
    } else {
        /* The new ESP keeps its high half, so a 16-bit POP SP works too. */
        uint32_t esp = HD_STACK_ADDR + 32 + 2 * hd_below(g, (HD_STACK_SIZE - 64) / 2);
        if (size == 2 && (esp >> 16) != (g->esp >> 16))
            esp = g->esp;
        hd_insn_begin(g, 1);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x68);
        hd_eimm(g, size == 2 ? esp & 0xFFFF : esp, size);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x5C);
        g->esp = esp;
        return;
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x5C);
}

/* ---- self-modifying code ------------------------------------------------ */

/* A store into the immediate of the very next instruction, MOV reg, imm32:
 * x86 executes the modified bytes (SDM Vol. 3 11.6, self-modifying code),
 * so reg ends up with the stored value. */
static void tpl_smc(struct hd_gen *g)
{
    unsigned reg = hd_rand_wreg(g, 4, 0);
    uint32_t value = hd_rand_value(g);
    unsigned size = hd_rand_size(g);
    /* MOV [disp32], imm is 6 + size bytes (7 + 2 for the 16-bit form);
     * the target immediate starts 1 byte into the next instruction. */
    uint32_t store_len = size == 2 ? 9 : 6 + size;
    uint32_t imm_addr = HD_SEQ_ADDR + g->t->code_len + store_len + 1;
    uint32_t offset = hd_below(g, 5 - size);   /* which bytes of the imm32 */
    hd_insn_begin(g, 0);
    if (size == 2)
        hd_e8(g, 0x66);
    hd_e8(g, size == 1 ? 0xC6 : 0xC7);
    hd_e8(g, 0x05);
    hd_e32(g, imm_addr + offset);
    hd_eimm(g, value, size);
    hd_insn_begin(g, 0);
    hd_e8(g, 0xB8 + reg);
    hd_e32(g, hd_rand_value(g));
}

/* ---- string instructions ------------------------------------------------ */

/* First address of an n-element walk of `size` elements in the direction
 * DF gives, all inside the buffer. */
static uint32_t string_start(struct hd_gen *g, unsigned n, unsigned size)
{
    uint32_t span = (n ? n : 1) * size;
    uint32_t first = HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - span + 1);
    return g->df ? first + span - size : first;
}

static void tpl_string(struct hd_gen *g)
{
    /* MOVS CMPS STOS LODS SCAS */
    static const uint8_t ops[5] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE };
    unsigned op = hd_below(g, 5);
    unsigned size = hd_rand_size(g);
    int compare = op == 1 || op == 4;
    int uses_src = op == 0 || op == 1 || op == 3;
    int uses_dst = op != 3;
    unsigned rep = hd_below(g, 3);              /* none, F3, F2 */
    if (!compare && rep == 2)
        rep = 1;
    unsigned n = rep ? hd_below(g, 13) : 1;

    if (hd_chance(g, 1, 4))
        tpl_direction(g);
    if (rep)
        hd_setup_mov(g, HD_ECX, n);
    uint32_t src = string_start(g, n, size);
    if (uses_src)
        hd_setup_mov(g, HD_ESI, src);
    if (uses_dst) {
        /* REPE CMPS of a block with itself runs to the end. */
        uint32_t dst = op == 1 && hd_chance(g, 1, 3) ? src : string_start(g, n, size);
        hd_setup_mov(g, HD_EDI, dst);
    }
    static const uint8_t segs[3] = { 0x26, 0x36, 0x3E };   /* ES SS DS */
    uint8_t seg = uses_src && hd_chance(g, 1, 4) ? segs[hd_below(g, 3)] : 0;
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, seg);
    if (rep)
        hd_e8(g, rep == 1 ? 0xF3 : 0xF2);
    hd_e8(g, ops[op] + wbit(size));
    if (compare && n)
        hd_insn_flags(g, HD_FC_ARITH, width_of(size), 0);
}

/* ---- forward branches --------------------------------------------------- */

/* A branch over a body of one random instruction (with its set-up). The
 * body's flag effect may or may not happen: a flag is undefined after the
 * join if it is undefined on either path. */
static int emit_body(struct hd_gen *g, uint32_t max_len, uint32_t undef_before);

static void tpl_jcc(struct hd_gen *g)
{
    unsigned cc = hd_below(g, 16);
    int near = hd_chance(g, 1, 4);
    hd_need_flags(g, hd_cond_reads(cc));
    hd_insn_begin(g, 0);
    if (hd_chance(g, 1, 8))
        hd_e8(g, hd_chance(g, 1, 2) ? 0x2E : 0x3E);   /* branch hints */
    if (near) {
        hd_e8(g, 0x0F);
        hd_e8(g, 0x80 + cc);
        hd_e32(g, 0);
    } else {
        hd_e8(g, 0x70 + cc);
        hd_e8(g, 0);
    }
    uint32_t at = g->t->code_len;
    int len = emit_body(g, near ? 1024 : 127, g->undef);
    if (near) {
        for (int i = 0; i < 4; i++)
            g->t->code[at - 4 + i] = (uint8_t)((uint32_t)len >> (8 * i));
    } else {
        g->t->code[at - 1] = (uint8_t)len;
    }
}

/* LOOP/LOOPE/LOOPNE/JECXZ forward, with ECX or (67h) CX as the counter. */
static void tpl_loop(struct hd_gen *g)
{
    unsigned op = hd_below(g, 4);               /* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JECXZ */
    if (op < 2)
        hd_need_flags(g, HD_ZF);
    if (hd_chance(g, 1, 2))
        hd_setup_mov(g, HD_ECX, hd_chance(g, 1, 2) ? hd_below(g, 3) : hd_rand_value(g));
    hd_insn_begin(g, 0);
    if (hd_chance(g, 1, 4))
        hd_e8(g, 0x67);
    hd_e8(g, 0xE0 + op);
    hd_e8(g, 0);
    uint32_t at = g->t->code_len;
    g->t->code[at - 1] = (uint8_t)emit_body(g, 127, g->undef);
}

/* A body that is never executed: its flag effect does not happen. */
static uint32_t skipped_body(struct hd_gen *g, uint32_t max_len)
{
    uint32_t undef = g->undef;
    uint32_t len = (uint32_t)emit_body(g, max_len, undef);
    g->undef = undef;
    return len;
}

static void patch32(struct hd_gen *g, uint32_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        g->t->code[at + i] = (uint8_t)(v >> (8 * i));
}

/* JMP short/near forward over a body. */
static void tpl_jmp(struct hd_gen *g)
{
    int near = hd_chance(g, 1, 2);
    hd_insn_begin(g, 0);
    hd_e8(g, near ? 0xE9 : 0xEB);
    if (near)
        hd_e32(g, 0);
    else
        hd_e8(g, 0);
    uint32_t at = g->t->code_len;
    uint32_t len = skipped_body(g, near ? 1024 : 127);
    if (near)
        patch32(g, at - 4, len);
    else
        g->t->code[at - 1] = (uint8_t)len;
}

/* Forward CALL (direct, through a register or memory) or PUSH target; RET
 * [imm16], over a body. The pushed return address is an absolute address,
 * the same natively and in the emulator since the sequence sits at the
 * same place. After a CALL, half the time the return address is popped. */
static void tpl_call_ret(struct hd_gen *g)
{
    unsigned form = hd_below(g, 4);             /* E8, FF /2 reg, FF /2 mem, RET */
    if (room_below(g) < 32 || room_above(g) < 48)
        return;
    struct hd_test *t = g->t;
    uint32_t at, len;
    if (form == 0) {
        hd_insn_begin(g, 0);
        hd_e8(g, 0xE8);
        hd_e32(g, 0);
        at = t->code_len;
        len = skipped_body(g, 1024);
        patch32(g, at - 4, len);
    } else {
        /* The target is only known after the body: emit a MOV/PUSH with a
         * placeholder and patch it. */
        unsigned reg = hd_rand_wreg(g, 4, 0);
        uint32_t slot = HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - 3);
        uint32_t imm_at;
        hd_insn_begin(g, 1);
        if (form == 1) {
            hd_e8(g, 0xB8 + reg);               /* MOV reg, target */
        } else if (form == 2) {
            hd_e8(g, 0xC7);                     /* MOV dword [slot], target */
            hd_e8(g, 0x05);
            hd_e32(g, slot);
        } else {
            hd_e8(g, 0x68);                     /* PUSH target */
        }
        imm_at = t->code_len;
        hd_e32(g, 0);
        unsigned ret_pop = form == 3 && hd_chance(g, 1, 2) ? 2 * hd_below(g, 9) : 0;
        hd_insn_begin(g, 0);
        if (form == 1) {
            hd_e8(g, 0xFF);
            hd_e8(g, 0xD0 | reg);
        } else if (form == 2) {
            hd_e8(g, 0xFF);
            hd_e8(g, 0x15);
            hd_e32(g, slot);
        } else if (ret_pop) {
            hd_e8(g, 0xC2);
            hd_e16(g, ret_pop);
        } else {
            hd_e8(g, 0xC3);
        }
        skipped_body(g, 1024);
        patch32(g, imm_at, HD_SEQ_ADDR + t->code_len);
        if (form == 3) {
            g->esp += ret_pop;                  /* PUSH and RET cancel out */
            return;
        }
    }
    g->esp -= 4;
    if (hd_chance(g, 1, 2)) {
        hd_insn_begin(g, 0);
        hd_e8(g, 0x58 + hd_rand_wreg(g, 4, 0));
        g->esp += 4;
    }
}

/* ---- the template table ------------------------------------------------- */

struct hd_template {
    void (*emit)(struct hd_gen *g);
    unsigned weight;
    int body_ok;     /* keeps ESP and DF, no branch: may sit in a branch body */
};

static const struct hd_template templates[] = {
    { tpl_alu, 16, 1 },       { tpl_test, 3, 1 },     { tpl_incdec, 4, 1 },
    { tpl_notneg, 3, 1 },     { tpl_shift, 12, 1 },   { tpl_shxd, 5, 1 },
    { tpl_mul1, 4, 1 },       { tpl_imul, 4, 1 },     { tpl_div, 5, 1 },
    { tpl_bt, 6, 1 },         { tpl_bsf, 4, 1 },      { tpl_bswap, 1, 1 },
    { tpl_xadd, 3, 1 },       { tpl_cmpxchg, 3, 1 },  { tpl_cmpxchg8b, 1, 1 },
    { tpl_xchg, 2, 1 },       { tpl_cmov, 4, 1 },     { tpl_setcc, 4, 1 },
    { tpl_mov, 3, 1 },        { tpl_movx, 3, 1 },     { tpl_lea, 3, 1 },
    { tpl_convert, 2, 1 },    { tpl_lahf_sahf, 2, 1 }, { tpl_carry, 2, 1 },
    { tpl_direction, 1, 0 },  { tpl_bcd, 6, 1 },      { tpl_nop, 1, 1 },
    { tpl_xlat, 1, 1 },       { tpl_push, 3, 0 },     { tpl_pop, 3, 0 },
    { tpl_pushf, 1, 0 },      { tpl_popf, 2, 0 },     { tpl_pusha_popa, 1, 0 },
    { tpl_enter_leave, 1, 0 }, { tpl_string, 6, 0 },  { tpl_jcc, 4, 0 },
    { tpl_loop, 2, 0 },       { tpl_pop_esp, 1, 0 },  { tpl_jmp, 1, 0 },
    { tpl_call_ret, 2, 0 },   { tpl_smc, 1, 1 },
};

#define HD_NTEMPLATES (sizeof templates / sizeof templates[0])

static const struct hd_template *pick_template(struct hd_gen *g)
{
    unsigned total = 0;
    for (unsigned i = 0; i < HD_NTEMPLATES; i++)
        if (!g->in_body || templates[i].body_ok)
            total += templates[i].weight;
    unsigned x = hd_below(g, total);
    for (unsigned i = 0; i < HD_NTEMPLATES; i++) {
        if (g->in_body && !templates[i].body_ok)
            continue;
        if (x < templates[i].weight)
            return &templates[i];
        x -= templates[i].weight;
    }
    return &templates[0];
}

/* Emits the body and returns its length. A body too long for the branch's
 * displacement is discarded and drawn again. */
static int emit_body(struct hd_gen *g, uint32_t max_len, uint32_t undef_before)
{
    struct hd_test *t = g->t;
    uint32_t start = t->code_len, ninsns = t->ninsns;
    for (;;) {
        g->in_body = 1;
        g->undef = undef_before;
        pick_template(g)->emit(g);
        g->in_body = 0;
        uint32_t len = t->code_len - start;
        if (len <= max_len) {
            g->undef |= undef_before;
            return (int)len;
        }
        t->code_len = start;
        t->ninsns = ninsns;
    }
}

void hd_emit_random_insn(struct hd_gen *g)
{
    pick_template(g)->emit(g);
}
