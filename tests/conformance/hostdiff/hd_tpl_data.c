/* Instruction templates: exchanges, conditional moves and sets, moves, one-byte flag/BCD/conversion instructions, self-modifying code. */
#include "hd_tpl.h"

/* ---- exchange and compare-exchange ------------------------------------- */

void tpl_xadd(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xC0 + hd_wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
    hd_insn_flags(g, HD_FC_ARITH, hd_width(size), 0);
}

/* CMPXCHG; a third of the time the destination is first made equal to
 * the accumulator so the store path runs. */
void tpl_cmpxchg(struct hd_gen *g)
{
    unsigned size = hd_rand_size(g);
    int equal = hd_chance(g, 1, 3);
    struct hd_rm rm;
    hd_rm_pick(g, size, 1, 0, &rm);
    if (equal && !rm.mem) {
        hd_insn_begin(g, 1);                    /* MOV r, acc */
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x88 + hd_wbit(size));
        hd_e8(g, 0xC0 | rm.reg);
    } else if (equal) {
        hd_insn_begin(g, 1);                    /* MOV [moffs], acc */
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0xA2 + hd_wbit(size));
        hd_e32(g, rm.ea);
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, rm.mem && hd_chance(g, 1, 4), rm.seg);
    hd_e8(g, 0x0F);
    hd_e8(g, 0xB0 + hd_wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
    hd_insn_flags(g, HD_FC_ARITH, hd_width(size), 0);
}

void tpl_cmpxchg8b(struct hd_gen *g)
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

void tpl_xchg(struct hd_gen *g)
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
    hd_e8(g, 0x86 + hd_wbit(size));
    hd_rm_emit(g, hd_rand_wreg(g, size, 0), &rm);
}

/* ---- conditional moves and sets ---------------------------------------- */

void tpl_cmov(struct hd_gen *g)
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

void tpl_setcc(struct hd_gen *g)
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

void tpl_mov(struct hd_gen *g)
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
        hd_e8(g, 0xA0 + hd_below(g, 2) * 2 + hd_wbit(size));
        hd_e32(g, target);
        return;
    }
    int store = form == 2 || form == 4;
    hd_rm_pick(g, size, store, 0, &rm);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, rm.seg);
    if (form == 4) {                            /* C6/C7 /0 */
        hd_e8(g, 0xC6 + hd_wbit(size));
        hd_rm_emit(g, 0, &rm);
        hd_eimm(g, imm, size);
    } else {
        hd_e8(g, (store ? 0x88 : 0x8A) + hd_wbit(size));
        hd_rm_emit(g, store ? hd_below(g, 8) : hd_rand_wreg(g, size, 0), &rm);
    }
}

void tpl_movx(struct hd_gen *g)
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
void tpl_lea(struct hd_gen *g)
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

void tpl_convert(struct hd_gen *g)
{
    hd_insn_begin(g, 0);
    hd_prefixes(g, hd_chance(g, 1, 2) ? 2 : 4, 0, 0);
    hd_e8(g, 0x98 + hd_below(g, 2));           /* CBW/CWDE, CWD/CDQ */
}

void tpl_lahf_sahf(struct hd_gen *g)
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

void tpl_carry(struct hd_gen *g)
{
    static const uint8_t ops[3] = { 0xF8, 0xF9, 0xF5 };   /* CLC STC CMC */
    unsigned i = hd_below(g, 3);
    if (i == 2)
        hd_need_flags(g, HD_CF);
    hd_insn_begin(g, 0);
    hd_e8(g, ops[i]);
    hd_insn_flags(g, HD_FC_CARRY, 0, 0);
}

void tpl_direction(struct hd_gen *g)
{
    g->df = hd_below(g, 2);
    hd_insn_begin(g, 0);
    hd_e8(g, g->df ? 0xFD : 0xFC);
}

void tpl_bcd(struct hd_gen *g)
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

void tpl_nop(struct hd_gen *g)
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
void tpl_xlat(struct hd_gen *g)
{
    hd_setup_mov(g, HD_EBX, HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - 255));
    hd_insn_begin(g, 0);
    hd_prefixes(g, 4, 0, hd_chance(g, 1, 4) ? 0x3E : 0);
    hd_e8(g, 0xD7);
}

/* ---- self-modifying code ------------------------------------------------ */

/* A store into the immediate of the very next instruction, MOV reg, imm32:
 * x86 executes the modified bytes (SDM Vol. 3 11.6, self-modifying code),
 * so reg ends up with the stored value. */
void tpl_smc(struct hd_gen *g)
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
