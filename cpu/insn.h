/* Decoded instruction: the output of cpu/decode.c and the input of every
 * instruction handler (interpreter and, later, the translator's micro-ops).
 *
 * Invariants:
 * - `op` names the operation after group resolution (ModRM.reg of 80-83,
 *   C0/C1/D0-D3, F6/F7, FE/FF, 0F00, 0F01, 0FBA, 0FC7 already applied).
 * - Operand sizes are in bytes (1, 2, 4, 8 for CMPXCHG8B's m64, 6 or 4 for
 *   far pointers: offset size + 2).
 * - A memory operand's effective address is described by ea_* fields and
 *   `seg` (the override if any, else the default segment: SS for BP/ESP/EBP
 *   based forms, DS otherwise).
 */
#ifndef SHADOW86_CPU_INSN_H
#define SHADOW86_CPU_INSN_H

#include <stdint.h>

#define INSN_MAX_LEN 15

/* Segment register numbers, in the encoding order of ModRM.reg for Sw. */
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* General register numbers (encoding order). For byte operands 0-3 are
 * AL CL DL BL and 4-7 are AH CH DH BH. */
enum gp_reg { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI };

#define INSN_OPS(X) \
    X(INVALID) /* 0: every opcode-map hole */ \
    /* group 1 order matters: ADD OR ADC SBB AND SUB XOR CMP */ \
    X(ADD) X(OR) X(ADC) X(SBB) X(AND) X(SUB) X(XOR) X(CMP) \
    /* group 2 order matters: ROL ROR RCL RCR SHL SHR SAL SAR */ \
    X(ROL) X(ROR) X(RCL) X(RCR) X(SHL) X(SHR) X(SAL) X(SAR) \
    X(INC) X(DEC) X(NEG) X(NOT) X(TEST) \
    X(MUL) X(IMUL1) X(IMUL) X(DIV) X(IDIV) \
    X(SHLD) X(SHRD) \
    X(MOV) X(MOVZX) X(MOVSX) X(XCHG) X(LEA) X(CBW) X(CWD) X(BSWAP) \
    X(XADD) X(CMPXCHG) X(CMPXCHG8B) X(CMOV) X(SETCC) X(LAHF) X(SAHF) X(XLAT) \
    X(MOV_TO_SREG) X(MOV_FROM_SREG) X(LDS) X(LES) X(LFS) X(LGS) X(LSS) \
    X(PUSH) X(POP) X(PUSH_SREG) X(POP_SREG) X(PUSHA) X(POPA) X(PUSHF) X(POPF) \
    X(ENTER) X(LEAVE) \
    X(JMP) X(JMP_IND) X(JMP_FAR) X(JMP_FAR_IND) X(CALL) X(CALL_IND) \
    X(CALL_FAR) X(CALL_FAR_IND) X(RET) X(RETF) X(IRET) X(JCC) X(JCXZ) \
    X(LOOP) X(LOOPE) X(LOOPNE) X(INT) X(INT3) X(INTO) X(INT1) X(BOUND) \
    X(MOVS) X(CMPS) X(STOS) X(LODS) X(SCAS) X(INS) X(OUTS) \
    X(DAA) X(DAS) X(AAA) X(AAS) X(AAM) X(AAD) X(SALC) \
    X(CLC) X(STC) X(CMC) X(CLD) X(STD) X(CLI) X(STI) \
    X(BT) X(BTS) X(BTR) X(BTC) X(BSF) X(BSR) \
    X(IN) X(OUT) \
    X(NOP) X(HLT) X(WAIT) X(UD2) X(FPU) \
    X(SLDT) X(STR) X(LLDT) X(LTR) X(VERR) X(VERW) \
    X(SGDT) X(SIDT) X(LGDT) X(LIDT) X(SMSW) X(LMSW) X(INVLPG) \
    X(LAR) X(LSL) X(CLTS) X(ARPL) X(MOV_FROM_CR) X(MOV_TO_CR) \
    X(MOV_FROM_DR) X(MOV_TO_DR) X(INVD) X(WBINVD) X(WRMSR) X(RDTSC) \
    X(RDMSR) X(RDPMC) X(SYSENTER) X(SYSEXIT) X(CPUID) X(RSM) \
    X(FXSAVE) X(FXRSTOR)

enum insn_op {
#define INSN_OP_ENUM(name) OP_##name,
    INSN_OPS(INSN_OP_ENUM)
#undef INSN_OP_ENUM
    OP_COUNT
};

/* Operand kinds after decoding. */
enum opnd_kind {
    OPK_NONE,
    OPK_REG,   /* general register `reg`, `size` bytes (size 1: AL..BH) */
    OPK_MEM,   /* memory at the instruction's effective address */
    OPK_IMM,   /* insn.imm (already sign- or zero-extended to 32 bits) */
    OPK_SREG,  /* segment register `reg` */
    OPK_CREG,  /* control register `reg` */
    OPK_DREG,  /* debug register `reg` */
    OPK_REL,   /* relative branch: target = next EIP + insn.imm */
    OPK_FAR,   /* immediate far pointer: insn.imm offset, insn.imm2 selector */
    OPK_CONST1 /* the constant 1 (D0/D1 shifts) */
};

struct opnd {
    uint8_t kind;
    uint8_t size;
    uint8_t reg;
};

enum rep_prefix { REP_NONE, REP_E /* F3 */, REP_NE /* F2 */ };

/* Address-computation sentinel for an absent base or index. */
#define EA_NONE 0xFF

struct insn {
    uint16_t op;       /* enum insn_op */
    uint16_t opcode;   /* 0x000-0x0FF one-byte map, 0x100-0x1FF 0F map */
    uint8_t len;       /* total length in bytes, prefixes included */
    uint8_t opsize;    /* 2 or 4 */
    uint8_t addrsize;  /* 2 or 4 */
    uint8_t seg;       /* segment for memory operands (override applied) */
    uint8_t seg_override; /* 1 if a segment prefix was present */
    uint8_t rep;       /* enum rep_prefix (last F2/F3 wins) */
    uint8_t lock;
    uint8_t cond;      /* condition code for Jcc/SETcc/CMOVcc (0-15) */
    uint8_t has_modrm;
    uint8_t modrm;
    uint8_t has_sib;
    uint8_t sib;
    uint8_t ea_base;   /* EA_NONE or register number */
    uint8_t ea_index;  /* EA_NONE or register number */
    uint8_t ea_scale;  /* shift count 0-3 */
    uint8_t nopnd;
    uint8_t has_ea;    /* an OPK_MEM operand exists (ModRM memory or moffs) */
    int32_t disp;
    uint32_t imm;
    uint32_t imm2;     /* ENTER's nesting level, far pointer selector */
    struct opnd opnd[3];
};

const char *insn_op_name(unsigned op);

/* Whether the instruction's ModRM byte names memory. */
static inline int insn_has_mem(const struct insn *in)
{
    return in->has_modrm && (in->modrm >> 6) != 3;
}

#endif
