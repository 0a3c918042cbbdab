/* The one-byte and 0F opcode maps of a P6-class integer CPU (no MMX/SSE),
 * after Intel SDM Vol. 2, Appendix A. Opcodes not listed are left zeroed,
 * which is OP_INVALID: #UD. */
#include "cpu/decode_table.h"

#define Eb OPS(OF_E, SZ_B)
#define Ew OPS(OF_E, SZ_W)
#define Ev OPS(OF_E, SZ_V)
#define Ed OPS(OF_E, SZ_D)
#define Gb OPS(OF_G, SZ_B)
#define Gw OPS(OF_G, SZ_W)
#define Gv OPS(OF_G, SZ_V)
#define Rd OPS(OF_R, SZ_D)
#define Mv OPS(OF_M, SZ_V)
#define Mp OPS(OF_M, SZ_P)
#define Ma OPS(OF_M, SZ_A)
#define Ms OPS(OF_M, SZ_S)
#define Mq OPS(OF_M, SZ_Q)
#define Mb OPS(OF_M, SZ_B)
#define Esw OPS(OF_ESREG, SZ_V)
#define Zb OPS(OF_Z, SZ_B)
#define Zv OPS(OF_Z, SZ_V)
#define Ib OPS(OF_I, SZ_B)
#define Iw OPS(OF_I, SZ_W)
#define Iv OPS(OF_I, SZ_V)
#define Ibs OPS(OF_IS, SZ_V)
#define Ib2 OPS(OF_I2, SZ_B)
#define Jb OPS(OF_J, SZ_B)
#define Jv OPS(OF_J, SZ_V)
#define Ap OPS(OF_A, SZ_P)
#define Ob OPS(OF_O, SZ_B)
#define Ov OPS(OF_O, SZ_V)
#define Sw OPS(OF_S, SZ_W)
#define Cd OPS(OF_C, SZ_D)
#define Dd OPS(OF_D, SZ_D)
#define One OPS(OF_ONE, SZ_B)
#define Xb OPS(OF_IMPL, SZ_B)
#define Xv OPS(OF_IMPL, SZ_V)
#define AL OPS_REGSPEC(OF_FIXREG, REG_EAX, SZ_B)
#define CL OPS_REGSPEC(OF_FIXREG, REG_ECX, SZ_B)
#define DX OPS_REGSPEC(OF_FIXREG, REG_EDX, SZ_W)
#define eAX OPS_REGSPEC(OF_FIXREG, REG_EAX, SZ_V)
#define SREG(s) OPS_REGSPEC(OF_FIXSREG, s, SZ_W)

#define M DF_MODRM
#define L DF_LOCKABLE
#define C DF_COND

#define E0(o, f) { OP_##o, (f), { 0, 0, 0 } }
#define E1(o, f, a) { OP_##o, (f), { a, 0, 0 } }
#define E2(o, f, a, b) { OP_##o, (f), { a, b, 0 } }
#define E3(o, f, a, b, c) { OP_##o, (f), { a, b, c } }
#define GRP(g) { g, DF_MODRM | DF_GROUP, { 0, 0, 0 } }
#define BAD { 0, DF_INVALID, { 0, 0, 0 } }
#define BADM { 0, DF_INVALID | DF_MODRM, { 0, 0, 0 } }

/* The six classic ALU forms of opcodes x0-x5. */
#define ALU6(o, lk) \
    E2(o, M | (lk), Eb, Gb), E2(o, M | (lk), Ev, Gv), E2(o, M, Gb, Eb), \
    E2(o, M, Gv, Ev), E2(o, 0, AL, Ib), E2(o, 0, eAX, Iv)

#define ALU6_AT(base, o, lk) \
    [base + 0] = E2(o, M | (lk), Eb, Gb), [base + 1] = E2(o, M | (lk), Ev, Gv), \
    [base + 2] = E2(o, M, Gb, Eb), [base + 3] = E2(o, M, Gv, Ev), \
    [base + 4] = E2(o, 0, AL, Ib), [base + 5] = E2(o, 0, eAX, Iv)

/* Variadic so that an entry (which contains commas) passes through intact. */
#define X8(...) __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
                __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define X16(...) X8(__VA_ARGS__), X8(__VA_ARGS__)

const struct opdesc decode_map_1byte[256] = {
    ALU6_AT(0x00, ADD, L), [0x06] = E1(PUSH_SREG, 0, SREG(SEG_ES)), [0x07] = E1(POP_SREG, 0, SREG(SEG_ES)),
    ALU6_AT(0x08, OR, L), [0x0E] = E1(PUSH_SREG, 0, SREG(SEG_CS)), [0x0F] = BAD,
    ALU6_AT(0x10, ADC, L), [0x16] = E1(PUSH_SREG, 0, SREG(SEG_SS)), [0x17] = E1(POP_SREG, 0, SREG(SEG_SS)),
    ALU6_AT(0x18, SBB, L), [0x1E] = E1(PUSH_SREG, 0, SREG(SEG_DS)), [0x1F] = E1(POP_SREG, 0, SREG(SEG_DS)),
    ALU6_AT(0x20, AND, L), [0x26] = BAD, [0x27] = E0(DAA, 0),
    ALU6_AT(0x28, SUB, L), [0x2E] = BAD, [0x2F] = E0(DAS, 0),
    ALU6_AT(0x30, XOR, L), [0x36] = BAD, [0x37] = E0(AAA, 0),
    ALU6_AT(0x38, CMP, 0), [0x3E] = BAD, [0x3F] = E0(AAS, 0),
    [0x40] = X8(E1(INC, 0, Zv)),
    [0x48] = X8(E1(DEC, 0, Zv)),
    [0x50] = X8(E1(PUSH, 0, Zv)),
    [0x58] = X8(E1(POP, 0, Zv)),
    [0x60] = E0(PUSHA, 0), [0x61] = E0(POPA, 0),
    [0x62] = E2(BOUND, M, Gv, Ma), [0x63] = E2(ARPL, M, Ew, Gw),
    [0x64] = BAD, [0x65] = BAD, [0x66] = BAD, [0x67] = BAD,
    [0x68] = E1(PUSH, 0, Iv), [0x69] = E3(IMUL, M, Gv, Ev, Iv),
    [0x6A] = E1(PUSH, 0, Ibs), [0x6B] = E3(IMUL, M, Gv, Ev, Ibs),
    [0x6C] = E1(INS, 0, Xb), [0x6D] = E1(INS, 0, Xv),
    [0x6E] = E1(OUTS, 0, Xb), [0x6F] = E1(OUTS, 0, Xv),
    [0x70] = X16(E1(JCC, C, Jb)),
    [0x80] = GRP(GRP1_EB_IB), [0x81] = GRP(GRP1_EV_IV),
    [0x82] = GRP(GRP1_EB_IB), [0x83] = GRP(GRP1_EV_IB),
    [0x84] = E2(TEST, M, Eb, Gb), [0x85] = E2(TEST, M, Ev, Gv),
    [0x86] = E2(XCHG, M | L, Eb, Gb), [0x87] = E2(XCHG, M | L, Ev, Gv),
    [0x88] = E2(MOV, M, Eb, Gb), [0x89] = E2(MOV, M, Ev, Gv),
    [0x8A] = E2(MOV, M, Gb, Eb), [0x8B] = E2(MOV, M, Gv, Ev),
    [0x8C] = E2(MOV_FROM_SREG, M, Esw, Sw), [0x8D] = E2(LEA, M, Gv, Mv),
    [0x8E] = E2(MOV_TO_SREG, M, Sw, Ew), [0x8F] = GRP(GRP1A),
    [0x90] = E0(NOP, 0),
    [0x91] = E2(XCHG, 0, Zv, eAX), [0x92] = E2(XCHG, 0, Zv, eAX),
    [0x93] = E2(XCHG, 0, Zv, eAX), [0x94] = E2(XCHG, 0, Zv, eAX),
    [0x95] = E2(XCHG, 0, Zv, eAX), [0x96] = E2(XCHG, 0, Zv, eAX),
    [0x97] = E2(XCHG, 0, Zv, eAX),
    [0x98] = E0(CBW, 0), [0x99] = E0(CWD, 0), [0x9A] = E1(CALL_FAR, 0, Ap),
    [0x9B] = E0(WAIT, 0), [0x9C] = E0(PUSHF, 0), [0x9D] = E0(POPF, 0),
    [0x9E] = E0(SAHF, 0), [0x9F] = E0(LAHF, 0),
    [0xA0] = E2(MOV, 0, AL, Ob), [0xA1] = E2(MOV, 0, eAX, Ov),
    [0xA2] = E2(MOV, 0, Ob, AL), [0xA3] = E2(MOV, 0, Ov, eAX),
    [0xA4] = E1(MOVS, 0, Xb), [0xA5] = E1(MOVS, 0, Xv),
    [0xA6] = E1(CMPS, 0, Xb), [0xA7] = E1(CMPS, 0, Xv),
    [0xA8] = E2(TEST, 0, AL, Ib), [0xA9] = E2(TEST, 0, eAX, Iv),
    [0xAA] = E1(STOS, 0, Xb), [0xAB] = E1(STOS, 0, Xv),
    [0xAC] = E1(LODS, 0, Xb), [0xAD] = E1(LODS, 0, Xv),
    [0xAE] = E1(SCAS, 0, Xb), [0xAF] = E1(SCAS, 0, Xv),
    [0xB0] = X8(E2(MOV, 0, Zb, Ib)),
    [0xB8] = X8(E2(MOV, 0, Zv, Iv)),
    [0xC0] = GRP(GRP2_EB_IB), [0xC1] = GRP(GRP2_EV_IB),
    [0xC2] = E1(RET, 0, Iw), [0xC3] = E0(RET, 0),
    [0xC4] = E2(LES, M, Gv, Mp), [0xC5] = E2(LDS, M, Gv, Mp),
    [0xC6] = GRP(GRP11_EB), [0xC7] = GRP(GRP11_EV),
    [0xC8] = E2(ENTER, 0, Iw, Ib2), [0xC9] = E0(LEAVE, 0),
    [0xCA] = E1(RETF, 0, Iw), [0xCB] = E0(RETF, 0),
    [0xCC] = E0(INT3, 0), [0xCD] = E1(INT, 0, Ib), [0xCE] = E0(INTO, 0),
    [0xCF] = E0(IRET, 0),
    [0xD0] = GRP(GRP2_EB_1), [0xD1] = GRP(GRP2_EV_1),
    [0xD2] = GRP(GRP2_EB_CL), [0xD3] = GRP(GRP2_EV_CL),
    [0xD4] = E1(AAM, 0, Ib), [0xD5] = E1(AAD, 0, Ib), [0xD6] = E0(SALC, 0),
    [0xD7] = E0(XLAT, 0),
    [0xD8] = X8(E0(FPU, M)),
    [0xE0] = E1(LOOPNE, 0, Jb), [0xE1] = E1(LOOPE, 0, Jb),
    [0xE2] = E1(LOOP, 0, Jb), [0xE3] = E1(JCXZ, 0, Jb),
    [0xE4] = E2(IN, 0, AL, Ib), [0xE5] = E2(IN, 0, eAX, Ib),
    [0xE6] = E2(OUT, 0, Ib, AL), [0xE7] = E2(OUT, 0, Ib, eAX),
    [0xE8] = E1(CALL, 0, Jv), [0xE9] = E1(JMP, 0, Jv),
    [0xEA] = E1(JMP_FAR, 0, Ap), [0xEB] = E1(JMP, 0, Jb),
    [0xEC] = E2(IN, 0, AL, DX), [0xED] = E2(IN, 0, eAX, DX),
    [0xEE] = E2(OUT, 0, DX, AL), [0xEF] = E2(OUT, 0, DX, eAX),
    [0xF0] = BAD, [0xF1] = E0(INT1, 0), [0xF2] = BAD, [0xF3] = BAD,
    [0xF4] = E0(HLT, 0), [0xF5] = E0(CMC, 0),
    [0xF6] = GRP(GRP3_EB), [0xF7] = GRP(GRP3_EV),
    [0xF8] = E0(CLC, 0), [0xF9] = E0(STC, 0), [0xFA] = E0(CLI, 0),
    [0xFB] = E0(STI, 0), [0xFC] = E0(CLD, 0), [0xFD] = E0(STD, 0),
    [0xFE] = GRP(GRP4), [0xFF] = GRP(GRP5),
};

/* Every 0F opcode not listed here is #UD on the modelled CPU: the MMX, SSE
 * and later maps (including 0F 38 / 0F 3A), 286/386 LOADALL (0F 05, 0F 07),
 * MOV to/from test registers (0F 24, 0F 26; removed on the Pentium), UD0/UD1. */
const struct opdesc decode_map_0f[256] = {
    [0x00] = GRP(GRP6), [0x01] = GRP(GRP7),
    [0x02] = E2(LAR, M, Gv, Ew), [0x03] = E2(LSL, M, Gv, Ew),
    [0x06] = E0(CLTS, 0), [0x08] = E0(INVD, 0), [0x09] = E0(WBINVD, 0),
    [0x0B] = E0(UD2, 0),
    /* Hint NOPs: 0F 18-0F 1F with a ModRM operand (0F 1F /0 is NOPL). */
    [0x18] = X8(E1(NOP, M, Ev)),
    [0x20] = E2(MOV_FROM_CR, M | DF_REGONLY, Rd, Cd),
    [0x21] = E2(MOV_FROM_DR, M | DF_REGONLY, Rd, Dd),
    [0x22] = E2(MOV_TO_CR, M | DF_REGONLY, Cd, Rd),
    [0x23] = E2(MOV_TO_DR, M | DF_REGONLY, Dd, Rd),
    [0x30] = E0(WRMSR, 0), [0x31] = E0(RDTSC, 0), [0x32] = E0(RDMSR, 0),
    [0x33] = E0(RDPMC, 0), [0x34] = E0(SYSENTER, 0), [0x35] = E0(SYSEXIT, 0),
    [0x40] = X16(E2(CMOV, M | C, Gv, Ev)),
    [0x80] = X16(E1(JCC, C, Jv)),
    [0x90] = X16(E1(SETCC, M | C, Eb)),
    [0xA0] = E1(PUSH_SREG, 0, SREG(SEG_FS)), [0xA1] = E1(POP_SREG, 0, SREG(SEG_FS)),
    [0xA2] = E0(CPUID, 0), [0xA3] = E2(BT, M, Ev, Gv),
    [0xA4] = E3(SHLD, M, Ev, Gv, Ib), [0xA5] = E3(SHLD, M, Ev, Gv, CL),
    [0xA8] = E1(PUSH_SREG, 0, SREG(SEG_GS)), [0xA9] = E1(POP_SREG, 0, SREG(SEG_GS)),
    [0xAA] = E0(RSM, 0), [0xAB] = E2(BTS, M | L, Ev, Gv),
    [0xAC] = E3(SHRD, M, Ev, Gv, Ib), [0xAD] = E3(SHRD, M, Ev, Gv, CL),
    [0xAE] = GRP(GRP15), [0xAF] = E2(IMUL, M, Gv, Ev),
    [0xB0] = E2(CMPXCHG, M | L, Eb, Gb), [0xB1] = E2(CMPXCHG, M | L, Ev, Gv),
    [0xB2] = E2(LSS, M, Gv, Mp), [0xB3] = E2(BTR, M | L, Ev, Gv),
    [0xB4] = E2(LFS, M, Gv, Mp), [0xB5] = E2(LGS, M, Gv, Mp),
    [0xB6] = E2(MOVZX, M, Gv, Eb), [0xB7] = E2(MOVZX, M, Gv, Ew),
    [0xBA] = GRP(GRP8), [0xBB] = E2(BTC, M | L, Ev, Gv),
    [0xBC] = E2(BSF, M, Gv, Ev), [0xBD] = E2(BSR, M, Gv, Ev),
    [0xBE] = E2(MOVSX, M, Gv, Eb), [0xBF] = E2(MOVSX, M, Gv, Ew),
    [0xC0] = E2(XADD, M | L, Eb, Gb), [0xC1] = E2(XADD, M | L, Ev, Gv),
    [0xC7] = GRP(GRP9),
    [0xC8] = X8(E1(BSWAP, 0, Zv)),
};

const struct opdesc decode_groups[GRP_COUNT][8] = {
    [GRP1_EB_IB] = {
        E2(ADD, M | L, Eb, Ib), E2(OR, M | L, Eb, Ib), E2(ADC, M | L, Eb, Ib), E2(SBB, M | L, Eb, Ib),
        E2(AND, M | L, Eb, Ib), E2(SUB, M | L, Eb, Ib), E2(XOR, M | L, Eb, Ib), E2(CMP, M, Eb, Ib) },
    [GRP1_EV_IV] = {
        E2(ADD, M | L, Ev, Iv), E2(OR, M | L, Ev, Iv), E2(ADC, M | L, Ev, Iv), E2(SBB, M | L, Ev, Iv),
        E2(AND, M | L, Ev, Iv), E2(SUB, M | L, Ev, Iv), E2(XOR, M | L, Ev, Iv), E2(CMP, M, Ev, Iv) },
    [GRP1_EV_IB] = {
        E2(ADD, M | L, Ev, Ibs), E2(OR, M | L, Ev, Ibs), E2(ADC, M | L, Ev, Ibs), E2(SBB, M | L, Ev, Ibs),
        E2(AND, M | L, Ev, Ibs), E2(SUB, M | L, Ev, Ibs), E2(XOR, M | L, Ev, Ibs), E2(CMP, M, Ev, Ibs) },
#define SHIFT_GROUP(a, b) { \
        E2(ROL, M, a, b), E2(ROR, M, a, b), E2(RCL, M, a, b), E2(RCR, M, a, b), \
        E2(SHL, M, a, b), E2(SHR, M, a, b), E2(SAL, M, a, b), E2(SAR, M, a, b) }
    [GRP2_EB_IB] = SHIFT_GROUP(Eb, Ib),
    [GRP2_EV_IB] = SHIFT_GROUP(Ev, Ib),
    [GRP2_EB_1] = SHIFT_GROUP(Eb, One),
    [GRP2_EV_1] = SHIFT_GROUP(Ev, One),
    [GRP2_EB_CL] = SHIFT_GROUP(Eb, CL),
    [GRP2_EV_CL] = SHIFT_GROUP(Ev, CL),
#undef SHIFT_GROUP
    /* F6/F7 /1 is an undocumented alias of TEST on Intel processors. */
    [GRP3_EB] = {
        E2(TEST, M, Eb, Ib), E2(TEST, M, Eb, Ib), E1(NOT, M | L, Eb), E1(NEG, M | L, Eb),
        E1(MUL, M, Eb), E1(IMUL1, M, Eb), E1(DIV, M, Eb), E1(IDIV, M, Eb) },
    [GRP3_EV] = {
        E2(TEST, M, Ev, Iv), E2(TEST, M, Ev, Iv), E1(NOT, M | L, Ev), E1(NEG, M | L, Ev),
        E1(MUL, M, Ev), E1(IMUL1, M, Ev), E1(DIV, M, Ev), E1(IDIV, M, Ev) },
    [GRP4] = { E1(INC, M | L, Eb), E1(DEC, M | L, Eb), BADM, BADM, BADM, BADM, BADM, BADM },
    [GRP5] = {
        E1(INC, M | L, Ev), E1(DEC, M | L, Ev), E1(CALL_IND, M, Ev), E1(CALL_FAR_IND, M | DF_MEMONLY, Mp),
        E1(JMP_IND, M, Ev), E1(JMP_FAR_IND, M | DF_MEMONLY, Mp), E1(PUSH, M, Ev), BADM },
    [GRP1A] = { E1(POP, M, Ev), BADM, BADM, BADM, BADM, BADM, BADM, BADM },
    [GRP11_EB] = { E2(MOV, M, Eb, Ib), BADM, BADM, BADM, BADM, BADM, BADM, BADM },
    [GRP11_EV] = { E2(MOV, M, Ev, Iv), BADM, BADM, BADM, BADM, BADM, BADM, BADM },
    [GRP6] = {
        E1(SLDT, M, Esw), E1(STR, M, Esw), E1(LLDT, M, Ew), E1(LTR, M, Ew),
        E1(VERR, M, Ew), E1(VERW, M, Ew), BADM, BADM },
    [GRP7] = {
        E1(SGDT, M | DF_MEMONLY, Ms), E1(SIDT, M | DF_MEMONLY, Ms),
        E1(LGDT, M | DF_MEMONLY, Ms), E1(LIDT, M | DF_MEMONLY, Ms),
        E1(SMSW, M, Esw), BADM, E1(LMSW, M, Ew), E1(INVLPG, M | DF_MEMONLY, Mb) },
    [GRP8] = {
        BADM, BADM, BADM, BADM,
        E2(BT, M, Ev, Ib), E2(BTS, M | L, Ev, Ib), E2(BTR, M | L, Ev, Ib), E2(BTC, M | L, Ev, Ib) },
    /* 0F AE: FXSAVE and FXRSTOR (CPUID FXSR); the rest of group 15
     * (LDMXCSR, STMXCSR, the fences, CLFLUSH) came with SSE/SSE2. */
    [GRP15] = { E1(FXSAVE, M | DF_MEMONLY, Mb), E1(FXRSTOR, M | DF_MEMONLY, Mb),
                BADM, BADM, BADM, BADM, BADM, BADM },
    [GRP9] = { BADM, E1(CMPXCHG8B, M | L | DF_MEMONLY, Mq), BADM, BADM, BADM, BADM, BADM, BADM },
};
