/* The x86-64 encoder (dbt/x64_emit.h). Each function writes one
 * instruction; REX.W selects 64-bit operands, REX.R/REX.B extend the
 * ModRM reg and rm (or SIB base) fields to R8..R15. Memory operands use
 * an 8-bit displacement when it fits, else 32 bits. */
#include <string.h>

#include "dbt/x64_emit.h"

void x64_init(struct x64_emit *e, uint8_t *w, uintptr_t x, size_t size)
{
    e->w = w;
    e->x = x;
    e->end = w + size;
    e->overflow = 0;
}

/* Room for an instruction of up to `n` bytes. */
static int room(struct x64_emit *e, size_t n)
{
    if (e->overflow || (size_t)(e->end - e->w) < n) {
        e->overflow = 1;
        return 0;
    }
    return 1;
}

static void b8(struct x64_emit *e, uint8_t v)
{
    *e->w++ = v;
    e->x++;
}

static void b32(struct x64_emit *e, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b8(e, (uint8_t)(v >> (8 * i)));
}

static void b64(struct x64_emit *e, uint64_t v)
{
    b32(e, (uint32_t)v);
    b32(e, (uint32_t)(v >> 32));
}

/* REX prefix when any bit is needed. */
static void rex(struct x64_emit *e, int w, unsigned r, unsigned x, unsigned b)
{
    uint8_t v = (uint8_t)(0x40 | (w ? 8 : 0) | ((r >> 3) & 1) << 2 | ((x >> 3) & 1) << 1 |
                          ((b >> 3) & 1));
    if (v != 0x40)
        b8(e, v);
}

/* ModRM for [base + disp] with `reg` in the reg field: mod=01 with an
 * 8-bit displacement when it fits (most fields of struct cpu), else
 * mod=10 with 32 bits; base RSP/R12 need a SIB byte (0x24: no index,
 * that base). (mod=00 would save the byte for disp 0 but means RIP- or
 * SIB-relative for RBP/R13 and RSP/R12: not worth the cases.) */
static void mem(struct x64_emit *e, unsigned reg, unsigned base, int32_t disp)
{
    int short_disp = disp >= -128 && disp <= 127;
    b8(e, (uint8_t)((short_disp ? 0x40 : 0x80) | (reg & 7) << 3 | (base & 7)));
    if ((base & 7) == 4)
        b8(e, 0x24);
    if (short_disp)
        b8(e, (uint8_t)disp);
    else
        b32(e, (uint32_t)disp);
}

/* One opcode byte with a [base + disp32] operand. */
static void op_mem(struct x64_emit *e, int w, uint8_t op, unsigned reg, unsigned base,
                   int32_t disp)
{
    if (!room(e, 8))
        return;
    rex(e, w, reg, 0, base);
    b8(e, op);
    mem(e, reg, base, disp);
}

void x64_mov_rr(struct x64_emit *e, enum x64_reg dst, enum x64_reg src)
{
    if (!room(e, 3))
        return;
    rex(e, 1, src, 0, dst);
    b8(e, 0x89);                                  /* MOV r/m64, r64 */
    b8(e, (uint8_t)(0xC0 | (src & 7) << 3 | (dst & 7)));
}

void x64_mov_ri64(struct x64_emit *e, enum x64_reg dst, uint64_t imm)
{
    if (!room(e, 10))
        return;
    rex(e, 1, 0, 0, dst);
    b8(e, (uint8_t)(0xB8 | (dst & 7)));           /* MOV r64, imm64 */
    b64(e, imm);
}

void x64_mov_ri32(struct x64_emit *e, enum x64_reg dst, uint32_t imm)
{
    if (!room(e, 6))
        return;
    rex(e, 0, 0, 0, dst);
    b8(e, (uint8_t)(0xB8 | (dst & 7)));           /* MOV r32, imm32 */
    b32(e, imm);
}

void x64_mov_rm(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp)
{
    op_mem(e, 1, 0x8B, dst, base, disp);
}

void x64_mov_mr(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src)
{
    op_mem(e, 1, 0x89, src, base, disp);
}

void x64_mov_rm32(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp)
{
    op_mem(e, 0, 0x8B, dst, base, disp);
}

void x64_mov_mr32(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src)
{
    op_mem(e, 0, 0x89, src, base, disp);
}

void x64_mov_mr_idx8(struct x64_emit *e, enum x64_reg base, enum x64_reg index, int32_t disp,
                     enum x64_reg src)
{
    if (!room(e, 8))
        return;
    rex(e, 1, src, index, base);
    b8(e, 0x89);
    b8(e, (uint8_t)(0x80 | (src & 7) << 3 | 4));                  /* SIB follows */
    b8(e, (uint8_t)(3 << 6 | (index & 7) << 3 | (base & 7)));     /* scale 8 */
    b32(e, (uint32_t)disp);
}

void x64_mov_rm_idx8(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, enum x64_reg index,
                     int32_t disp)
{
    if (!room(e, 8))
        return;
    rex(e, 1, dst, index, base);
    b8(e, 0x8B);
    b8(e, (uint8_t)(0x80 | (dst & 7) << 3 | 4));                  /* SIB follows */
    b8(e, (uint8_t)(3 << 6 | (index & 7) << 3 | (base & 7)));     /* scale 8 */
    b32(e, (uint32_t)disp);
}

void x64_mov_m32_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, uint32_t imm)
{
    op_mem(e, 0, 0xC7, 0, base, disp);            /* MOV r/m32, imm32 (/0) */
    if (room(e, 4))
        b32(e, imm);
}

void x64_cmp_m32_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, uint32_t imm)
{
    op_mem(e, 0, 0x81, 7, base, disp);            /* CMP r/m32, imm32 (/7) */
    if (room(e, 4))
        b32(e, imm);
}

void x64_add_m64_i32(struct x64_emit *e, enum x64_reg base, int32_t disp, int32_t imm)
{
    op_mem(e, 1, 0x81, 0, base, disp);            /* ADD r/m64, imm32 (/0) */
    if (room(e, 4))
        b32(e, (uint32_t)imm);
}

void x64_inc_m64(struct x64_emit *e, enum x64_reg base, int32_t disp)
{
    op_mem(e, 1, 0xFF, 0, base, disp);            /* INC r/m64 (/0) */
}

void x64_add_ri32(struct x64_emit *e, enum x64_reg dst, int32_t imm)
{
    if (!room(e, 7))
        return;
    rex(e, 1, 0, 0, dst);
    b8(e, 0x81);                                  /* ADD r/m64, imm32 (/0) */
    b8(e, (uint8_t)(0xC0 | (dst & 7)));
    b32(e, (uint32_t)imm);
}

void x64_and_ri8_32(struct x64_emit *e, enum x64_reg dst, int8_t imm)
{
    if (!room(e, 4))
        return;
    rex(e, 0, 0, 0, dst);
    b8(e, 0x83);                                  /* AND r/m32, imm8 (/4) */
    b8(e, (uint8_t)(0xC0 | 4 << 3 | (dst & 7)));
    b8(e, (uint8_t)imm);
}

void x64_lea_r32_disp8(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int8_t disp)
{
    if (!room(e, 5) || (base & 7) == 4)           /* no SIB form needed here */
        return;
    rex(e, 0, dst, 0, base);
    b8(e, 0x8D);                                  /* LEA r32, [base + disp8] */
    b8(e, (uint8_t)(0x40 | (dst & 7) << 3 | (base & 7)));
    b8(e, (uint8_t)disp);
}

void x64_cmp_rm(struct x64_emit *e, enum x64_reg reg, enum x64_reg base, int32_t disp)
{
    op_mem(e, 1, 0x3B, reg, base, disp);          /* CMP r64, r/m64 */
}

void x64_test_rr(struct x64_emit *e, enum x64_reg a, enum x64_reg b)
{
    if (!room(e, 3))
        return;
    rex(e, 1, b, 0, a);
    b8(e, 0x85);                                  /* TEST r/m64, r64 */
    b8(e, (uint8_t)(0xC0 | (b & 7) << 3 | (a & 7)));
}

/* reg, reg with one opcode byte, 32-bit (REX only for R8..R15). */
static void op_rr32(struct x64_emit *e, uint8_t op, unsigned reg, unsigned rm)
{
    if (!room(e, 3))
        return;
    rex(e, 0, reg, 0, rm);
    b8(e, op);
    b8(e, (uint8_t)(0xC0 | (reg & 7) << 3 | (rm & 7)));
}

void x64_mov_rr32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src)
{
    op_rr32(e, 0x89, src, dst);                   /* MOV r/m32, r32 */
}

void x64_alu_rr32(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, enum x64_reg src)
{
    op_rr32(e, (uint8_t)(op << 3 | 1), src, dst); /* ADD..CMP r/m32, r32 */
}

void x64_alu_rr8(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, enum x64_reg src)
{
    if (!room(e, 2))
        return;
    b8(e, (uint8_t)(op << 3));                    /* ADD..CMP r/m8, r8 (no REX: AL..BL) */
    b8(e, (uint8_t)(0xC0 | (src & 3) << 3 | (dst & 3)));
}

void x64_test_rr32(struct x64_emit *e, enum x64_reg a, enum x64_reg b)
{
    op_rr32(e, 0x85, b, a);                       /* TEST r/m32, r32 */
}

void x64_alu_ri32(struct x64_emit *e, enum x64_alu op, enum x64_reg dst, uint32_t imm)
{
    if (!room(e, 7))
        return;
    rex(e, 0, 0, 0, dst);
    b8(e, 0x81);                                  /* ADD..CMP r/m32, imm32 (/op) */
    b8(e, (uint8_t)(0xC0 | op << 3 | (dst & 7)));
    b32(e, imm);
}

void x64_test_ri32(struct x64_emit *e, enum x64_reg a, uint32_t imm)
{
    if (!room(e, 7))
        return;
    rex(e, 0, 0, 0, a);
    b8(e, 0xF7);                                  /* TEST r/m32, imm32 (/0) */
    b8(e, (uint8_t)(0xC0 | (a & 7)));
    b32(e, imm);
}

void x64_alu_rm32(struct x64_emit *e, enum x64_alu op, enum x64_reg reg, enum x64_reg base,
                  int32_t disp)
{
    op_mem(e, 0, (uint8_t)(op << 3 | 3), reg, base, disp);   /* ADD..CMP r32, r/m32 */
}

void x64_alu_m32_i32(struct x64_emit *e, enum x64_alu op, enum x64_reg base, int32_t disp,
                     uint32_t imm)
{
    op_mem(e, 0, 0x81, op, base, disp);           /* ADD..CMP r/m32, imm32 (/op) */
    if (room(e, 4))
        b32(e, imm);
}

void x64_shift_ri32(struct x64_emit *e, unsigned digit, enum x64_reg dst, uint8_t count)
{
    if (!room(e, 4))
        return;
    rex(e, 0, 0, 0, dst);
    b8(e, 0xC1);                                  /* SHL/SHR/SAR r/m32, imm8 */
    b8(e, (uint8_t)(0xC0 | (digit & 7) << 3 | (dst & 7)));
    b8(e, count);
}

void x64_shift_cl32(struct x64_emit *e, unsigned digit, enum x64_reg dst)
{
    if (!room(e, 3))
        return;
    rex(e, 0, 0, 0, dst);
    b8(e, 0xD3);                                  /* SHL/SHR/SAR r/m32, CL */
    b8(e, (uint8_t)(0xC0 | (digit & 7) << 3 | (dst & 7)));
}

void x64_patch_here(struct x64_emit *e, uintptr_t site)
{
    if (!site || e->overflow)
        return;
    x64_patch_rel32(e->w - (e->x - site), site, e->x);
}

void x64_setcc(struct x64_emit *e, unsigned cc, enum x64_reg dst)
{
    if (!room(e, 3))
        return;
    b8(e, 0x0F);
    b8(e, (uint8_t)(0x90 | (cc & 15)));          /* SETcc r/m8 */
    b8(e, (uint8_t)(0xC0 | (dst & 3)));
}

static void group3(struct x64_emit *e, unsigned digit, enum x64_reg r)
{
    if (!room(e, 3))
        return;
    rex(e, 0, 0, 0, r);
    b8(e, 0xF7);                                  /* NOT (/2), NEG (/3) r/m32 */
    b8(e, (uint8_t)(0xC0 | digit << 3 | (r & 7)));
}

void x64_neg32(struct x64_emit *e, enum x64_reg r)
{
    group3(e, 3, r);
}

void x64_not32(struct x64_emit *e, enum x64_reg r)
{
    group3(e, 2, r);
}

void x64_mov_m16_i16(struct x64_emit *e, enum x64_reg base, int32_t disp, uint16_t imm)
{
    if (!room(e, 11))
        return;
    b8(e, 0x66);                                  /* operand-size prefix */
    op_mem(e, 0, 0xC7, 0, base, disp);            /* MOV r/m16, imm16 (/0) */
    b8(e, (uint8_t)imm);
    b8(e, (uint8_t)(imm >> 8));
}

void x64_test_m8_i8(struct x64_emit *e, enum x64_reg base, int32_t disp, uint8_t imm)
{
    op_mem(e, 0, 0xF6, 0, base, disp);            /* TEST r/m8, imm8 (/0) */
    if (room(e, 1))
        b8(e, imm);
}

void x64_cmp_m8_i8(struct x64_emit *e, enum x64_reg base, int32_t disp, uint8_t imm)
{
    op_mem(e, 0, 0x80, 7, base, disp);            /* CMP r/m8, imm8 (/7) */
    if (room(e, 1))
        b8(e, imm);
}

void x64_cmp_rm32(struct x64_emit *e, enum x64_reg reg, enum x64_reg base, int32_t disp)
{
    op_mem(e, 0, 0x3B, reg, base, disp);          /* CMP r32, r/m32 */
}

void x64_imul_rri32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src, int32_t imm)
{
    if (!room(e, 7))
        return;
    rex(e, 1, dst, 0, src);
    b8(e, 0x69);                                  /* IMUL r64, r/m64, imm32 */
    b8(e, (uint8_t)(0xC0 | (dst & 7) << 3 | (src & 7)));
    b32(e, (uint32_t)imm);
}

void x64_imul_rr32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src)
{
    if (!room(e, 4))
        return;
    rex(e, 0, dst, 0, src);
    b8(e, 0x0F);
    b8(e, 0xAF);                                  /* IMUL r32, r/m32 */
    b8(e, (uint8_t)(0xC0 | (dst & 7) << 3 | (src & 7)));
}

void x64_imul_rri32_32(struct x64_emit *e, enum x64_reg dst, enum x64_reg src, int32_t imm)
{
    if (!room(e, 7))
        return;
    rex(e, 0, dst, 0, src);
    b8(e, 0x69);                                  /* IMUL r32, r/m32, imm32 */
    b8(e, (uint8_t)(0xC0 | (dst & 7) << 3 | (src & 7)));
    b32(e, (uint32_t)imm);
}

void x64_pushf_pop(struct x64_emit *e, enum x64_reg dst)
{
    if (!room(e, 3))
        return;
    b8(e, 0x9C);                                  /* PUSHFQ */
    rex(e, 0, 0, 0, dst);
    b8(e, (uint8_t)(0x58 | (dst & 7)));           /* POP r64 */
}

void x64_add_rr(struct x64_emit *e, enum x64_reg dst, enum x64_reg src)
{
    if (!room(e, 3))
        return;
    rex(e, 1, src, 0, dst);
    b8(e, 0x01);                                  /* ADD r/m64, r64 */
    b8(e, (uint8_t)(0xC0 | (src & 7) << 3 | (dst & 7)));
}

void x64_load32(struct x64_emit *e, enum x64_reg dst, enum x64_reg base, int32_t disp,
                unsigned size, int sign)
{
    if (size == 4) {
        x64_mov_rm32(e, dst, base, disp);
        return;
    }
    if (!room(e, 9))
        return;
    rex(e, 0, dst, 0, base);
    b8(e, 0x0F);                                  /* MOVZX/MOVSX r32, r/m8 or r/m16 */
    b8(e, (uint8_t)((sign ? 0xBE : 0xB6) | (size == 2 ? 1 : 0)));
    mem(e, dst, base, disp);
}

void x64_store(struct x64_emit *e, enum x64_reg base, int32_t disp, enum x64_reg src,
               unsigned size)
{
    if (size == 4) {
        x64_mov_mr32(e, base, disp, src);
        return;
    }
    if (!room(e, 9))
        return;
    if (size == 2)
        b8(e, 0x66);                              /* operand-size prefix */
    /* A REX prefix (even an empty one) makes byte registers 4..7 SPL..DIL,
     * not AH..BH; callers store from RAX..RDX or R8..R15 only. */
    rex(e, 0, src, 0, base);
    b8(e, size == 1 ? 0x88 : 0x89);               /* MOV r/m8, r8 / r/m16, r16 */
    mem(e, src, base, disp);
}

void x64_push(struct x64_emit *e, enum x64_reg r)
{
    if (!room(e, 2))
        return;
    rex(e, 0, 0, 0, r);
    b8(e, (uint8_t)(0x50 | (r & 7)));
}

void x64_pop(struct x64_emit *e, enum x64_reg r)
{
    if (!room(e, 2))
        return;
    rex(e, 0, 0, 0, r);
    b8(e, (uint8_t)(0x58 | (r & 7)));
}

void x64_sub_rsp_i8(struct x64_emit *e, int8_t imm)
{
    if (!room(e, 4))
        return;
    b8(e, 0x48); b8(e, 0x83); b8(e, 0xEC); b8(e, (uint8_t)imm);   /* SUB RSP, imm8 */
}

void x64_add_rsp_i8(struct x64_emit *e, int8_t imm)
{
    if (!room(e, 4))
        return;
    b8(e, 0x48); b8(e, 0x83); b8(e, 0xC4); b8(e, (uint8_t)imm);   /* ADD RSP, imm8 */
}

void x64_ret(struct x64_emit *e)
{
    if (room(e, 1))
        b8(e, 0xC3);
}

void x64_jmp_r(struct x64_emit *e, enum x64_reg r)
{
    if (!room(e, 3))
        return;
    rex(e, 0, 0, 0, r);
    b8(e, 0xFF);                                  /* JMP r/m64 (/4) */
    b8(e, (uint8_t)(0xC0 | 4 << 3 | (r & 7)));
}

int x64_rel32_reaches(uintptr_t next, uintptr_t target)
{
    int64_t d = (int64_t)(target - next);
    return d >= INT32_MIN && d <= INT32_MAX;
}

void x64_patch_rel32(uint8_t *w, uintptr_t x, uintptr_t target)
{
    uint32_t rel = (uint32_t)(target - (x + 4));
    for (int i = 0; i < 4; i++)
        w[i] = (uint8_t)(rel >> (8 * i));
}

void x64_call(struct x64_emit *e, uintptr_t target)
{
    if (!room(e, 12))
        return;
    if (x64_rel32_reaches(e->x + 5, target)) {
        b8(e, 0xE8);                              /* CALL rel32 */
        b32(e, (uint32_t)(target - (e->x + 4)));
        return;
    }
    x64_mov_ri64(e, X64_RAX, target);
    b8(e, 0xFF);                                  /* CALL RAX (/2) */
    b8(e, 0xD0);
}

/* The displacement field at the cursor, pointed at `target` (or left
 * zero for a later patch). */
static uintptr_t rel32_field(struct x64_emit *e, uintptr_t target)
{
    uintptr_t at = e->x;
    if (target)
        x64_patch_rel32(e->w, e->x, target);
    else
        memset(e->w, 0, 4);
    e->w += 4;
    e->x += 4;
    return at;
}

uintptr_t x64_jmp(struct x64_emit *e, uintptr_t target)
{
    if (!room(e, 5))
        return 0;
    b8(e, 0xE9);                                  /* JMP rel32 */
    return rel32_field(e, target);
}

uintptr_t x64_jcc(struct x64_emit *e, unsigned cc, uintptr_t target)
{
    if (!room(e, 6))
        return 0;
    b8(e, 0x0F);
    b8(e, (uint8_t)(0x80 | (cc & 15)));           /* Jcc rel32 */
    return rel32_field(e, target);
}
