/* The undefined-flags table.
 *
 * After a sequence runs, a flag is compared only if the last instruction
 * that wrote it gave it a defined value (see the tracking rule in
 * hd_gen.c). "Undefined" here means exactly what the SDM's "Flags
 * Affected" section of each instruction (Intel SDM Vol. 2, Oct 2023) and
 * Appendix A.3 "EFLAGS Cross-Reference" call undefined; unaffected flags
 * keep their value and are compared.
 */
#include "hd_flagtab.h"

#include <stdio.h>

struct hd_flag_row {
    const char *name;
    uint32_t written;
    uint32_t undefined;
};

/* Count-independent classes. The count-dependent ones (shifts, rotates,
 * SHLD/SHRD) are computed in hd_flag_effect() below; their rows hold the
 * effect of a nonzero count greater than one. */
static const struct hd_flag_row hd_flag_rows[HD_FC_COUNT] = {
    [HD_FC_NONE]   = { "none", 0, 0 },
    /* ADD/ADC/SUB/SBB/CMP/NEG/XADD/CMPXCHG/CMPS/SCAS: "The OF, SF, ZF, AF,
     * CF, and PF flags are set according to the result." */
    [HD_FC_ARITH]  = { "arith", HD_ARITH, 0 },
    /* INC/DEC: "The CF flag is not affected. The OF, SF, ZF, AF, and PF
     * flags are set according to the result." */
    [HD_FC_INCDEC] = { "inc/dec", HD_ARITH & ~HD_CF, 0 },
    /* AND/OR/XOR/TEST: "The OF and CF flags are cleared; the SF, ZF, and
     * PF flags are set according to the result. The state of the AF flag
     * is undefined." */
    [HD_FC_LOGIC]  = { "logic", HD_ARITH, HD_AF },
    /* SAL/SAR/SHL/SHR (count > 1): CF = last bit out (undefined for SHL
     * and SHR when count >= operand width), "The OF flag is affected only
     * on 1-bit shifts", "For a non-zero count, the AF flag is undefined."
     * Count 0: "the flags are not affected". */
    [HD_FC_SHL_SHR] = { "shl/shr", HD_ARITH, HD_AF | HD_OF },
    [HD_FC_SAR]     = { "sar", HD_ARITH, HD_AF | HD_OF },
    /* ROL/ROR: "If the masked count is 0, the flags are not affected. If
     * the masked count is 1, then the OF flag is affected, otherwise
     * (masked count is greater than 1) the OF flag is undefined. The CF
     * flag is affected when the masked count is nonzero. The SF, ZF, AF,
     * and PF flags are always unaffected." */
    [HD_FC_ROL_ROR] = { "rol/ror", HD_CF | HD_OF, HD_OF },
    /* RCL/RCR: the same words as ROL/ROR; CF takes part in the rotate
     * (a masked count that is a multiple of 9 or 17 leaves it as it was,
     * per the SDM pseudocode, which is still a defined value). */
    [HD_FC_RCL_RCR] = { "rcl/rcr", HD_CF | HD_OF, HD_OF },
    /* SHLD/SHRD: "If the count is 1 or greater, the CF flag is filled
     * with the last bit shifted out ... For a 1-bit shift, the OF flag is
     * set if a sign change occurred; otherwise, it is cleared. For shifts
     * greater than 1 bit, the OF flag is undefined. ... The SF, ZF, and PF
     * flags are set according to the value of the result. For a non-zero
     * count, the AF flag is undefined." Counts above the operand width
     * make the result undefined: the generator never emits them. */
    [HD_FC_SHLD_SHRD] = { "shld/shrd", HD_ARITH, HD_AF | HD_OF },
    /* MUL/IMUL: "The OF and CF flags are set to 0 if the upper half of
     * the result is 0 [fits]; otherwise, they are set to 1. The SF, ZF,
     * AF, and PF flags are undefined." */
    [HD_FC_MUL]    = { "mul", HD_ARITH, HD_SF | HD_ZF | HD_AF | HD_PF },
    /* DIV/IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined." */
    [HD_FC_DIV]    = { "div", HD_ARITH, HD_ARITH },
    /* BT/BTS/BTR/BTC: "The CF flag contains the value of the selected bit
     * before it is changed. The ZF flag is unaffected. The OF, SF, AF, and
     * PF flags are undefined." */
    [HD_FC_BT]     = { "bt", HD_CF | HD_OF | HD_SF | HD_AF | HD_PF,
                       HD_OF | HD_SF | HD_AF | HD_PF },
    /* BSF/BSR: "The ZF flag is set to 1 if the source operand is 0;
     * otherwise, the ZF flag is cleared. The CF, OF, SF, AF, and PF flags
     * are undefined." (The destination for a zero source is undefined
     * too; the generator overwrites it right after, see tpl_bsf.) */
    [HD_FC_BSF_BSR] = { "bsf/bsr", HD_ARITH, HD_ARITH & ~HD_ZF },
    /* DAA/DAS: "The CF and AF flags are set if the adjustment results in a
     * decimal carry [borrow] in either digit of the result. The SF, ZF,
     * and PF flags are set according to the result. The OF flag is
     * undefined." */
    [HD_FC_DAA_DAS] = { "daa/das", HD_ARITH, HD_OF },
    /* AAA/AAS: "The AF and CF flags are set to 1 if the adjustment results
     * in a decimal carry [borrow]; otherwise they are set to 0. The OF,
     * SF, ZF, and PF flags are undefined." */
    [HD_FC_AAA_AAS] = { "aaa/aas", HD_ARITH, HD_OF | HD_SF | HD_ZF | HD_PF },
    /* AAM/AAD: "The SF, ZF, and PF flags are set according to the
     * resulting binary value in the AL register. The OF, AF, and CF flags
     * are undefined." */
    [HD_FC_AAM_AAD] = { "aam/aad", HD_ARITH, HD_OF | HD_AF | HD_CF },
    /* SAHF: "The SF, ZF, AF, PF, and CF flags are loaded with values from
     * the AH register." OF is unaffected. */
    [HD_FC_SAHF]   = { "sahf", HD_ARITH & ~HD_OF, 0 },
    /* CLC/STC/CMC: CF only. */
    [HD_FC_CARRY]  = { "clc/stc/cmc", HD_CF, 0 },
    /* CMPXCHG8B: "The ZF flag is set if the destination operand and
     * EDX:EAX are equal; otherwise it is cleared. The CF, PF, AF, SF, and
     * OF flags are unaffected." */
    [HD_FC_CMPXCHG8B] = { "cmpxchg8b", HD_ZF, 0 },
    /* POPF: every flag loaded from the stack (the generator only pops
     * values it chose). */
    [HD_FC_POPF]   = { "popf", HD_ARITH, 0 },
};

struct hd_flag_effect hd_flag_effect(enum hd_fclass fc, unsigned width, unsigned count)
{
    struct hd_flag_effect e = { hd_flag_rows[fc].written, hd_flag_rows[fc].undefined };

    switch (fc) {
    case HD_FC_SHL_SHR:
    case HD_FC_SAR:
    case HD_FC_SHLD_SHRD:
        if (count == 0)
            return (struct hd_flag_effect){ 0, 0 };
        e.undefined = HD_AF;
        if (count != 1)
            e.undefined |= HD_OF;
        if (fc == HD_FC_SHL_SHR && count >= width)
            e.undefined |= HD_CF;
        return e;
    case HD_FC_ROL_ROR:
    case HD_FC_RCL_RCR:
        if (count == 0)
            return (struct hd_flag_effect){ 0, 0 };
        e.undefined = count == 1 ? 0 : HD_OF;
        return e;
    default:
        return e;
    }
}

const char *hd_fclass_name(enum hd_fclass fc)
{
    return hd_flag_rows[fc].name;
}

uint32_t hd_cond_reads(unsigned cc)
{
    static const uint32_t reads[8] = {
        HD_OF, HD_CF, HD_ZF, HD_CF | HD_ZF, HD_SF, HD_PF, HD_SF | HD_OF,
        HD_ZF | HD_SF | HD_OF,
    };
    return reads[(cc >> 1) & 7];
}

const char *hd_flag_names(uint32_t mask, char *buf, unsigned size)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { HD_CF, "CF" }, { HD_PF, "PF" }, { HD_AF, "AF" }, { HD_ZF, "ZF" },
        { HD_SF, "SF" }, { HD_IF, "IF" }, { HD_DF, "DF" }, { HD_OF, "OF" },
    };
    unsigned used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(mask & names[i].bit))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", names[i].name);
        if (n < 0 || (unsigned)n >= size - used)
            break;
        used += (unsigned)n;
    }
    if (used == 0)
        snprintf(buf, size, "-");
    return buf;
}
