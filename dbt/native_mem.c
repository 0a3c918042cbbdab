/* Inline softtlb hits (dbt/native_mem.h). The inline code takes the same
 * decision as the fast half of the micro-op (dbt/uop_mem.c, rd_hit and
 * wr_hit with cpu/mem_fast.h), in the same order, and on any "no" jumps
 * to a call of the micro-op itself:
 *   1. the segment is flat for this access kind (d->flat_rd/flat_wr:
 *      base 0, 4 GiB limit, usable, and no access hook armed), so the
 *      linear address is the offset;
 *   2. the softtlb privilege is the one the code was emitted for;
 *   3. the slot of the first byte holds the tag of the access's last
 *      byte (one compare checks the page and that the access does not
 *      cross it, nor wrap at 4 GiB);
 * then counts the hit as the fast half does (--stats stay identical) and
 * accesses host memory. A write hit is plain RAM with no code watch
 * (softtlb never gives a fast write tag to a watched page), so it needs
 * no self-modifying-code check. */
#include <stddef.h>

#include "cpu/cpu.h"
#include "dbt/cache.h"
#include "dbt/native_mem.h"

#define R_CPU X64_RBX
#define R_DBT X64_R12
#define REG(r) ((int32_t)(offsetof(struct cpu, regs) + 4u * (r)))
#define TLB_E ((int32_t)offsetof(struct cpu, tlb.e))

static int ea_bd(const struct insn *in)
{
    return in->addrsize == 4 && in->ea_base != EA_NONE && in->ea_index == EA_NONE;
}

static void miss_on(uintptr_t miss[], unsigned *n, uintptr_t site)
{
    if (site && *n < DBT_INLINE_MEM_MISS)
        miss[(*n)++] = site;
}

/* Steps 1 and 2 for segment `seg`. */
static void flat_and_priv(struct x64_emit *e, unsigned seg, int type, unsigned priv,
                          uintptr_t miss[], unsigned *nmiss)
{
    int32_t flat = type == SOFTTLB_WRITE ? (int32_t)offsetof(struct dbt, flat_wr)
                                         : (int32_t)offsetof(struct dbt, flat_rd);
    x64_test_m8_i8(e, R_DBT, flat, (uint8_t)(1u << seg));
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_E, 0));
    x64_cmp_m8_i8(e, R_DBT, (int32_t)offsetof(struct dbt, tlb_priv), (uint8_t)priv);
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_NE, 0));
}

/* RDX = host address of `size` bytes at the offset base + disp of
 * segment `seg`, for an access of `type`; jumps to a miss otherwise. */
static void tlb_at_eax(struct x64_emit *e, unsigned size, int type, unsigned priv,
                       uintptr_t miss[], unsigned *nmiss);

static void probe(struct x64_emit *e, const struct insn *in, unsigned size, int type,
                  unsigned priv, uintptr_t miss[], unsigned *nmiss)
{
    flat_and_priv(e, in->seg, type, priv, miss, nmiss);
    /* EAX = linear address (flat: the offset, 32-bit wrap included). */
    x64_mov_rm32(e, X64_RAX, R_CPU, REG(in->ea_base));
    if (in->disp)
        x64_alu_ri32(e, X64_ADD, X64_RAX, (uint32_t)in->disp);
    tlb_at_eax(e, size, type, priv, miss, nmiss);
}

/* Step 3 for the linear address in EAX. */
static void tlb_at_eax(struct x64_emit *e, unsigned size, int type, unsigned priv,
                       uintptr_t miss[], unsigned *nmiss)
{
    /* ECX = softtlb_tag(lin + size - 1); RDX = the slot of lin. */
    x64_lea_r32_disp8(e, X64_RCX, X64_RAX, (int8_t)(size - 1));
    x64_alu_ri32(e, X64_AND, X64_RCX, 0xFFFFF000u);
    x64_alu_ri32(e, X64_OR, X64_RCX, 1);
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_shift_ri32(e, 5, X64_RDX, 12);
    x64_alu_ri32(e, X64_AND, X64_RDX, SOFTTLB_SIZE - 1);
    x64_imul_rri32(e, X64_RDX, X64_RDX, (int32_t)sizeof(struct softtlb_entry));
    x64_add_rr(e, X64_RDX, R_CPU);
    x64_cmp_rm32(e, X64_RCX, X64_RDX,
                 TLB_E + (int32_t)offsetof(struct softtlb_entry, tag[priv][type]));
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_NE, 0));
    x64_inc_m64(e, R_CPU, (int32_t)offsetof(struct cpu, tlb.stats.hit[type]));
    x64_mov_rm(e, X64_RDX, X64_RDX,
               TLB_E + (int32_t)(type == SOFTTLB_WRITE ? offsetof(struct softtlb_entry, wr)
                                                       : offsetof(struct softtlb_entry, rd)));
    x64_alu_ri32(e, X64_AND, X64_RAX, 0xFFF);
    x64_add_rr(e, X64_RDX, X64_RAX);
}

#define SS_ATTR ((int32_t)offsetof(struct cpu, seg[SEG_SS].attr))
#define ESP REG(REG_ESP)

/* The stack forms' fast halves need a 32-bit stack (SS.B): LSS, a full
 * form, may change it inside a block, so it is tested here. Then EAX =
 * ESP + adjust (flat SS: the linear address) and the softtlb probe. */
static void stack_probe(struct x64_emit *e, int type, int32_t adjust, unsigned priv,
                        uintptr_t miss[], unsigned *nmiss)
{
    x64_test_m8_i8(e, R_CPU, SS_ATTR + 1, (uint8_t)(SEG_ATTR_DB >> 8));
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_E, 0));
    flat_and_priv(e, SEG_SS, type, priv, miss, nmiss);
    x64_mov_rm32(e, X64_RAX, R_CPU, ESP);
    if (adjust)
        x64_alu_ri32(e, X64_ADD, X64_RAX, (uint32_t)adjust);
    tlb_at_eax(e, 4, type, priv, miss, nmiss);
}

/* PUSH r32, POP r32, CALL rel32, RET (dbt/uop_mem.c's push_r_4, pop_r_4,
 * call_rel_4, ret_4: same checks, same order of updates). */
static int inline_stack(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                        uint32_t cs_limit, uintptr_t miss[], unsigned *nmiss)
{
    const struct insn *in = &u->in;
    switch (in->op) {
    case OP_PUSH:
        if (in->opsize != 4 || in->opnd[0].kind != OPK_REG || in->lock)
            return 0;
        stack_probe(e, SOFTTLB_WRITE, -4, priv, miss, nmiss);
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->opnd[0].reg));   /* PUSH ESP: the old ESP */
        x64_store(e, X64_RDX, 0, X64_RCX, 4);
        x64_alu_m32_i32(e, X64_SUB, R_CPU, ESP, 4);
        return 1;
    case OP_POP:
        if (in->opsize != 4 || in->opnd[0].kind != OPK_REG || in->lock)
            return 0;
        stack_probe(e, SOFTTLB_READ, 0, priv, miss, nmiss);
        x64_load32(e, X64_RCX, X64_RDX, 0, 4, 0);
        x64_alu_m32_i32(e, X64_ADD, R_CPU, ESP, 4);
        x64_mov_mr32(e, R_CPU, REG(in->opnd[0].reg), X64_RCX);  /* POP ESP: the value wins */
        return 1;
    case OP_CALL:
        /* Bound as call_rel_4 (u->imm: the target) only when the target
         * is within the CS limit, as dbt_mem_form() decides. */
        if (in->opsize != 4 || in->opnd[0].kind != OPK_REL ||
            u->next_eip + (uint32_t)in->imm > cs_limit)
            return 0;
        stack_probe(e, SOFTTLB_WRITE, -4, priv, miss, nmiss);
        x64_mov_ri32(e, X64_RCX, u->next_eip);
        x64_store(e, X64_RDX, 0, X64_RCX, 4);
        x64_alu_m32_i32(e, X64_SUB, R_CPU, ESP, 4);
        x64_mov_m32_i32(e, R_CPU, (int32_t)offsetof(struct cpu, eip),
                        u->next_eip + (uint32_t)in->imm);
        return 1;
    case OP_RET:
        if (in->opsize != 4 || in->nopnd != 0)
            return 0;
        stack_probe(e, SOFTTLB_READ, 0, priv, miss, nmiss);
        x64_load32(e, X64_RCX, X64_RDX, 0, 4, 0);
        x64_cmp_rm32(e, X64_RCX, R_CPU, (int32_t)offsetof(struct cpu, seg[SEG_CS].limit));
        miss_on(miss, nmiss, x64_jcc(e, X64_CC_A, 0));           /* the slow half raises #GP */
        x64_alu_m32_i32(e, X64_ADD, R_CPU, ESP, 4);
        x64_mov_mr32(e, R_CPU, (int32_t)offsetof(struct cpu, eip), X64_RCX);
        return 1;
    default:
        return 0;
    }
}

int dbt_inline_mem(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                   uint32_t cs_limit, uintptr_t miss[DBT_INLINE_MEM_MISS], unsigned *nmiss)
{
    const struct insn *in = &u->in;
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    *nmiss = 0;
    if (inline_stack(e, u, priv, cs_limit, miss, nmiss))
        return 1;
    if (in->lock || in->nopnd != 2 || !ea_bd(in))
        return 0;
    if (in->op == OP_MOV && o0->kind == OPK_REG && o0->size == 4 && o1->kind == OPK_MEM) {
        probe(e, in, 4, SOFTTLB_READ, priv, miss, nmiss);
        x64_load32(e, X64_RAX, X64_RDX, 0, 4, 0);
        x64_mov_mr32(e, R_CPU, REG(o0->reg), X64_RAX);
        return 1;
    }
    if ((in->op == OP_MOVZX || in->op == OP_MOVSX) && o0->kind == OPK_REG && o0->size == 4 &&
        o1->kind == OPK_MEM && (o1->size == 1 || o1->size == 2)) {
        probe(e, in, o1->size, SOFTTLB_READ, priv, miss, nmiss);
        x64_load32(e, X64_RAX, X64_RDX, 0, o1->size, in->op == OP_MOVSX);
        x64_mov_mr32(e, R_CPU, REG(o0->reg), X64_RAX);
        return 1;
    }
    if (in->op == OP_MOV && o0->kind == OPK_MEM &&
        (o0->size == 4 || o0->size == 2 || o0->size == 1)) {
        /* The value: an immediate, or a register whose low bytes are the
         * operand (EAX..EDI for 4 and 2 bytes, AL..BL for 1: AH..BH are
         * not inlined). */
        if (o1->kind == OPK_REG && o0->size == 1 && o1->reg >= 4)
            return 0;
        if (o1->kind != OPK_REG && o1->kind != OPK_IMM)
            return 0;
        probe(e, in, o0->size, SOFTTLB_WRITE, priv, miss, nmiss);
        if (o1->kind == OPK_REG)
            x64_mov_rm32(e, X64_RCX, R_CPU, REG(o1->reg));
        else
            x64_mov_ri32(e, X64_RCX, in->imm);
        x64_store(e, X64_RDX, 0, X64_RCX, o0->size);
        return 1;
    }
    return 0;
}
