/* Instruction handlers, grouped by file (ops_*.c), and the table binding
 * each decoded operation to its handler. */
#ifndef SHADOW86_CPU_OPS_H
#define SHADOW86_CPU_OPS_H

#include "cpu/cpu.h"

#define CPU_HANDLER_TABLE(X) \
    X(ADD, op_alu) X(OR, op_alu) X(ADC, op_alu) X(SBB, op_alu) \
    X(AND, op_alu) X(SUB, op_alu) X(XOR, op_alu) X(CMP, op_alu) X(TEST, op_alu) \
    X(INC, op_inc) X(DEC, op_dec) X(NEG, op_neg) X(NOT, op_not) \
    X(ROL, op_shift) X(ROR, op_shift) X(RCL, op_shift) X(RCR, op_shift) \
    X(SHL, op_shift) X(SHR, op_shift) X(SAL, op_shift) X(SAR, op_shift) \
    X(SHLD, op_shld) X(SHRD, op_shrd) \
    X(MUL, op_mul) X(IMUL1, op_imul1) X(IMUL, op_imul) X(DIV, op_div) X(IDIV, op_idiv) \
    X(DAA, op_daa) X(DAS, op_das) X(AAA, op_aaa) X(AAS, op_aas) \
    X(AAM, op_aam) X(AAD, op_aad) X(SALC, op_salc) \
    X(BT, op_bt) X(BTS, op_bt) X(BTR, op_bt) X(BTC, op_bt) X(BSF, op_bsf) X(BSR, op_bsr) \
    X(MOV, op_mov) X(MOVZX, op_movzx) X(MOVSX, op_movsx) X(XCHG, op_xchg) \
    X(LEA, op_lea) X(CBW, op_cbw) X(CWD, op_cwd) X(BSWAP, op_bswap) \
    X(XADD, op_xadd) X(CMPXCHG, op_cmpxchg) X(CMPXCHG8B, op_cmpxchg8b) \
    X(CMOV, op_cmov) X(SETCC, op_setcc) X(LAHF, op_lahf) X(SAHF, op_sahf) \
    X(XLAT, op_xlat) X(NOP, op_nop) \
    X(PUSH, op_push) X(POP, op_pop) X(PUSH_SREG, op_push_sreg) X(POP_SREG, op_pop_sreg) \
    X(PUSHA, op_pusha) X(POPA, op_popa) X(PUSHF, op_pushf) X(POPF, op_popf) \
    X(ENTER, op_enter) X(LEAVE, op_leave) \
    X(JMP, op_jmp) X(JMP_IND, op_jmp_ind) X(JCC, op_jcc) X(JCXZ, op_jcxz) \
    X(LOOP, op_loop) X(LOOPE, op_loop) X(LOOPNE, op_loop) \
    X(CALL, op_call) X(CALL_IND, op_call_ind) X(RET, op_ret) \
    X(JMP_FAR, op_jmp_far) X(JMP_FAR_IND, op_jmp_far_ind) \
    X(CALL_FAR, op_call_far) X(CALL_FAR_IND, op_call_far_ind) \
    X(RETF, op_retf) X(IRET, op_iret) \
    X(INT, op_int) X(INT3, op_int3) X(INTO, op_into) X(INT1, op_int1) X(BOUND, op_bound) \
    X(MOV_TO_SREG, op_mov_to_sreg) X(MOV_FROM_SREG, op_mov_from_sreg) \
    X(LDS, op_load_far_ptr) X(LES, op_load_far_ptr) X(LFS, op_load_far_ptr) \
    X(LGS, op_load_far_ptr) X(LSS, op_load_far_ptr) \
    X(MOVS, op_movs) X(CMPS, op_cmps) X(STOS, op_stos) X(LODS, op_lods) \
    X(SCAS, op_scas) X(INS, op_ins) X(OUTS, op_outs) \
    X(CLC, op_flag_insn) X(STC, op_flag_insn) X(CMC, op_flag_insn) \
    X(CLD, op_flag_insn) X(STD, op_flag_insn) X(CLI, op_cli) X(STI, op_sti) \
    X(IN, op_in) X(OUT, op_out) \
    X(HLT, op_hlt) X(WAIT, op_wait) X(UD2, op_ud2) X(FPU, op_fpu) \
    X(LGDT, op_lgdt_lidt) X(LIDT, op_lgdt_lidt) X(SGDT, op_sgdt_sidt) X(SIDT, op_sgdt_sidt) \
    X(SMSW, op_smsw) X(LMSW, op_lmsw) X(CLTS, op_clts) \
    X(MOV_FROM_CR, op_mov_from_cr) X(MOV_TO_CR, op_mov_to_cr) \
    X(MOV_FROM_DR, op_mov_from_dr) X(MOV_TO_DR, op_mov_to_dr) \
    X(INVD, op_cache_ctl) X(WBINVD, op_cache_ctl) X(INVLPG, op_invlpg) \
    X(CPUID, op_cpuid) X(RDTSC, op_rdtsc) X(RDPMC, op_rdpmc) X(RDMSR, op_rdmsr) X(WRMSR, op_wrmsr) X(RSM, op_rsm) \
    X(SLDT, op_sldt) X(STR, op_str) X(LLDT, op_lldt) X(LTR, op_ltr) \
    X(VERR, op_verr_verw) X(VERW, op_verr_verw) \
    X(LAR, op_lar) X(LSL, op_lsl) X(ARPL, op_arpl) \
    X(SYSENTER, op_sysenter) X(SYSEXIT, op_sysexit) \
    X(FXSAVE, op_fxsave) X(FXRSTOR, op_fxrstor)

#define CPU_HANDLER_DECL(name, fn) void fn(struct cpu *cpu, const struct insn *in);
CPU_HANDLER_TABLE(CPU_HANDLER_DECL)
#undef CPU_HANDLER_DECL

/* Valid encodings whose semantics are not implemented yet (counted per
 * operation, logged once, #UD). */
void op_unimplemented(struct cpu *cpu, const struct insn *in);

#endif
