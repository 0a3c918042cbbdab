/* Opcode map descriptors shared by cpu/decode.c and cpu/decode_table.c.
 * Internal to the decoder. */
#ifndef SHADOW86_CPU_DECODE_TABLE_H
#define SHADOW86_CPU_DECODE_TABLE_H

#include <stdint.h>
#include "cpu/insn.h"

/* Operand forms (Intel's addressing-method letters where one exists). */
enum operand_form {
    OF_NONE,
    OF_E,        /* ModRM r/m: register or memory */
    OF_M,        /* ModRM r/m: memory only */
    OF_ESREG,    /* r/m that is 16-bit in memory, operand-size in a register */
    OF_R,        /* ModRM r/m always a register (MOV CR/DR) */
    OF_G,        /* ModRM reg: general register */
    OF_Z,        /* register in opcode bits 2:0 */
    OF_FIXREG,   /* a fixed general register (OPS_REG) */
    OF_S,        /* ModRM reg: segment register */
    OF_FIXSREG,  /* a fixed segment register (OPS_REG) */
    OF_C,        /* ModRM reg: control register */
    OF_D,        /* ModRM reg: debug register */
    OF_I,        /* immediate of the operand's size */
    OF_IS,       /* imm8 sign-extended to the operand's size */
    OF_I2,       /* second immediate byte (ENTER) */
    OF_J,        /* relative branch displacement */
    OF_A,        /* direct far pointer */
    OF_O,        /* moffs */
    OF_ONE,      /* constant 1 */
    OF_IMPL      /* implicit operand: carries only a size */
};

enum operand_size { SZ_NONE, SZ_B, SZ_W, SZ_D, SZ_Q, SZ_V, SZ_P, SZ_A, SZ_S };

#define OPS(form, size)      ((uint16_t)((form) | ((size) << 5)))
#define OPS_REGSPEC(form, reg, size) ((uint16_t)((form) | ((size) << 5) | ((reg) << 9)))
#define OPS_FORM(s)          ((uint8_t)((s) & 31))
#define OPS_SIZE(s)          ((uint8_t)(((s) >> 5) & 15))
#define OPS_REG(s)           ((uint8_t)(((s) >> 9) & 7))

/* Descriptor flags. */
#define DF_MODRM     0x0001  /* a ModRM byte follows the opcode */
#define DF_GROUP     0x0002  /* `op` indexes decode_groups; ModRM.reg selects */
#define DF_INVALID   0x0004  /* #UD */
#define DF_MEMONLY   0x0008  /* register form (mod=3) is #UD */
#define DF_REGONLY   0x0010  /* mod is ignored: r/m names a register */
#define DF_LOCKABLE  0x0020  /* LOCK allowed with a memory destination */
#define DF_COND      0x0040  /* low opcode nibble is a condition code */

struct opdesc {
    uint16_t op;       /* enum insn_op, or a group number with DF_GROUP */
    uint16_t flags;
    uint16_t opnd[3];
};

enum decode_group {
    GRP1_EB_IB, GRP1_EV_IV, GRP1_EV_IB,
    GRP2_EB_IB, GRP2_EV_IB, GRP2_EB_1, GRP2_EV_1, GRP2_EB_CL, GRP2_EV_CL,
    GRP3_EB, GRP3_EV, GRP4, GRP5, GRP1A, GRP11_EB, GRP11_EV,
    GRP6, GRP7, GRP8, GRP9, GRP15,
    GRP_COUNT
};

extern const struct opdesc decode_map_1byte[256];
extern const struct opdesc decode_map_0f[256];
extern const struct opdesc decode_groups[GRP_COUNT][8];

#endif
