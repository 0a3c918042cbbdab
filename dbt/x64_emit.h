/* A small x86-64 instruction encoder for the native backend: it writes
 * the bytes of the few instructions dbt/native.c emits into a buffer.
 *
 * The buffer is written through one address (`w`, the writable view of
 * the code buffer) and runs at another (`x`, the executable view of the
 * same memory: dbt/code_buffer.h), so every relative displacement is
 * computed against the executable address. Encodings follow the Intel
 * SDM vol. 2 (REX prefixes, ModRM/SIB with a 32-bit displacement). When
 * the instruction does not fit, `overflow` is set and nothing more is
 * written: the caller throws the block's code away. */
#ifndef SHADOW86_DBT_X64_EMIT_H
#define SHADOW86_DBT_X64_EMIT_H

#include <stddef.h>
#include <stdint.h>

enum x64_reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15
};

/* Condition codes as in Jcc's low nibble (the guest's Jcc uses the same
 * numbering: 0 O, 1 NO, 2 B, ... 0xF G). */
enum x64_cc { X64_CC_E = 0x4, X64_CC_NE = 0x5, X64_CC_A = 0x7 };

/* The ALU group's /digit (and (digit << 3) | 1 is its r/m, reg opcode). */
enum x64_alu { X64_ADD = 0, X64_OR = 1, X64_AND = 4, X64_SUB = 5, X64_XOR = 6, X64_CMP = 7 };

struct x64_emit {
    uint8_t *w;          /* where the next byte is written */
    uintptr_t x;         /* the executable address of that byte */
    uint8_t *end;        /* end of the writable space */
    int overflow;
};

void x64_init(struct x64_emit *e, uint8_t *w, uintptr_t x, size_t size);

void x64_mov_rr(struct x64_emit *e, enum x64_reg dst, enum x64_reg src);        /* 64-bit */
void x64_mov_ri64(struct x64_emit *e, enum x64_reg dst, uint64_t imm);          /* movabs */
void x64_mov_ri32(struct x64_emit *e, enum x64_reg dst, uint32_t imm);          /* zero-extends */
void x64_mov_rm(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp);   /* 64 */
void x64_mov_mr(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src);   /* 64 */
void x64_mov_rm32(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp);
void x64_mov_mr32(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src);
/* mov qword [base + index*8 + disp], src */
void x64_mov_mr_idx8(struct x64_emit *e, enum x64_reg base, enum x64_reg index, int32_t disp,
                     enum x64_reg src);
void x64_mov_rm_idx8(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, enum x64_reg index,
                     int32_t disp);                                  /* 64-bit */
void x64_mov_m32_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, uint32_t imm);
void x64_cmp_m32_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, uint32_t imm);
void x64_add_m64_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, int32_t imm);
void x64_inc_m64(struct x64_emit *e, enum x64_reg base, int32_t disp);
void x64_add_ri32(struct x64_emit *e, enum x64_reg dst, int32_t imm);           /* 64-bit */
void x64_and_ri8_32(struct x64_emit *e, enum x64_reg dst, int8_t imm);         /* 32-bit */
void x64_lea_r32_disp8(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int8_t disp);
void x64_cmp_rm(struct x64_emit *e, enum x64_reg reg, enum x64_reg base, int32_t disp);  /* 64 */
void x64_test_rr(struct x64_emit *e, enum x64_reg a, enum x64_reg b);           /* 64-bit */
/* 32-bit forms for the guest's own arithmetic. */
void x64_mov_rr32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src);
void x64_alu_rr32(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, enum x64_reg src);
void x64_alu_ri32(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, uint32_t imm);
/* ADD..CMP r32, [base + disp]. */
void x64_alu_rm32(struct x64_emit *e, enum x64_alu op, enum x64_reg reg, enum x64_reg base,
                  int32_t disp);
void x64_alu_m32_i32(struct x64_emit *e, enum x64_alu op, enum x64_reg base, int32_t disp,
                     uint32_t imm);
void x64_test_rr32(struct x64_emit *e, enum x64_reg a, enum x64_reg b);
/* The same on the low bytes (registers RAX..RBX only: AL..BL). */
void x64_alu_rr8(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, enum x64_reg src);
void x64_test_ri32(struct x64_emit *e, enum x64_reg a, uint32_t imm);
/* SHL (4), SHR (5), SAR (7) r32 by an immediate count. */
void x64_shift_ri32(struct x64_emit *e, unsigned digit, enum x64_reg dst, uint8_t count);
/* SETcc r8 (RAX..RBX: AL..BL), NEG r32, NOT r32. */
void x64_shift_cl32(struct x64_emit *e, unsigned digit, enum x64_reg dst);   /* by CL */
/* Point the rel32 field at `site` (a jump emitted earlier by this
 * emitter, in the same stretch of buffer) to the current position. */
void x64_patch_here(struct x64_emit *e, uintptr_t site);

void x64_setcc(struct x64_emit *e, unsigned cc, enum x64_reg dst);
void x64_neg32(struct x64_emit *e, enum x64_reg r);
void x64_not32(struct x64_emit *e, enum x64_reg r);
void x64_mov_m16_i16(struct x64_emit *e, enum x64_reg base, int32_t disp, uint16_t imm);
/* Byte tests of memory: TEST m8, imm8 and CMP m8, imm8. */
void x64_test_m8_i8(struct x64_emit *e, enum x64_reg base, int32_t disp, uint8_t imm);
void x64_cmp_m8_i8(struct x64_emit *e, enum x64_reg base, int32_t disp, uint8_t imm);
/* CMP r32, [base + disp]. */
void x64_cmp_rm32(struct x64_emit *e, enum x64_reg reg, enum x64_reg base, int32_t disp);
/* dst = src * imm (64-bit). */
void x64_imul_rri32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src, int32_t imm);
void x64_imul_rr32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src);   /* 32-bit */
void x64_imul_rri32_32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src, int32_t imm);
/* PUSHFQ; POP dst: the host's RFLAGS in dst. */
void x64_pushf_pop(struct x64_emit *e, enum x64_reg dst);
void x64_add_rr(struct x64_emit *e, enum x64_reg dst, enum x64_reg src);        /* 64-bit */
/* Loads of 1, 2 or 4 bytes at [base + disp] into a 32-bit register, zero-
 * or sign-extended; stores of the low 1, 2 or 4 bytes of a register. */
void x64_load32(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp,
                unsigned size, int sign);
void x64_store(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src,
               unsigned size);
void x64_push(struct x64_emit *e, enum x64_reg r);
void x64_pop(struct x64_emit *e, enum x64_reg r);
void x64_sub_rsp_i8(struct x64_emit *e, int8_t imm);
void x64_add_rsp_i8(struct x64_emit *e, int8_t imm);
void x64_ret(struct x64_emit *e);
void x64_jmp_r(struct x64_emit *e, enum x64_reg r);
/* A call to an absolute address: rel32 when it reaches, else through
 * RAX (movabs + call rax). */
void x64_call(struct x64_emit *e, uintptr_t target);
/* Jumps with a 32-bit displacement to `target` (an executable address;
 * 0 leaves it to x64_patch_rel32). They return the executable address of
 * the displacement, for patching. */
uintptr_t x64_jmp(struct x64_emit *e, uintptr_t target);
uintptr_t x64_jcc(struct x64_emit *e, unsigned cc, uintptr_t target);

/* Whether `target` can be reached with a rel32 from the end of an
 * instruction at `next`. */
int x64_rel32_reaches(uintptr_t next, uintptr_t target);
/* Point the rel32 at writable address `w` (executable address `x`, the
 * displacement's own) at `target`. */
void x64_patch_rel32(uint8_t *w, uintptr_t x, uintptr_t target);

#endif
