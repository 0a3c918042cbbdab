/* Which arithmetic flags each instruction writes, and which of those the
 * Intel SDM leaves undefined. The table itself, with its SDM references,
 * is in hd_flagtab.c.
 */
#ifndef HOSTDIFF_HD_FLAGTAB_H
#define HOSTDIFF_HD_FLAGTAB_H

#include <stdint.h>

#define HD_CF 0x001u
#define HD_PF 0x004u
#define HD_AF 0x010u
#define HD_ZF 0x040u
#define HD_SF 0x080u
#define HD_IF 0x200u
#define HD_DF 0x400u
#define HD_OF 0x800u
#define HD_ARITH (HD_CF | HD_PF | HD_AF | HD_ZF | HD_SF | HD_OF)

/* Flag behaviour classes; every generated instruction belongs to one. */
enum hd_fclass {
    HD_FC_NONE,      /* MOV, LEA, XCHG, NOT, BSWAP, CBW, PUSH, SETcc, ... */
    HD_FC_ARITH,     /* ADD ADC SUB SBB CMP NEG XADD CMPXCHG CMPS SCAS */
    HD_FC_INCDEC,    /* INC DEC */
    HD_FC_LOGIC,     /* AND OR XOR TEST */
    HD_FC_SHL_SHR,   /* SHL/SAL, SHR: count dependent */
    HD_FC_SAR,       /* SAR: count dependent */
    HD_FC_ROL_ROR,   /* count dependent */
    HD_FC_RCL_RCR,   /* count dependent */
    HD_FC_SHLD_SHRD, /* count dependent */
    HD_FC_MUL,       /* MUL and every IMUL form */
    HD_FC_DIV,       /* DIV IDIV */
    HD_FC_BT,        /* BT BTS BTR BTC */
    HD_FC_BSF_BSR,
    HD_FC_DAA_DAS,
    HD_FC_AAA_AAS,
    HD_FC_AAM_AAD,
    HD_FC_SAHF,
    HD_FC_CARRY,     /* CLC STC CMC */
    HD_FC_CMPXCHG8B,
    HD_FC_POPF,      /* POPF: every flag from the stack */
    HD_FC_COUNT
};

struct hd_flag_effect {
    uint32_t written;    /* flags the instruction changes (defined or not) */
    uint32_t undefined;  /* subset of `written` the SDM leaves undefined */
};

/* Effect of one instruction. `width` is the operand size in bits and
 * `count` the shift count after the CPU's 5-bit mask; both matter only to
 * the count-dependent classes. */
struct hd_flag_effect hd_flag_effect(enum hd_fclass fc, unsigned width, unsigned count);

const char *hd_fclass_name(enum hd_fclass fc);

/* Flags condition code `cc` (low nibble of Jcc/SETcc/CMOVcc) reads. */
uint32_t hd_cond_reads(unsigned cc);

/* Printable "CF PF ..." list of the flags in `mask`, written to `buf`
 * (40 bytes suffice). Returns `buf`. */
const char *hd_flag_names(uint32_t mask, char *buf, unsigned size);

#endif
