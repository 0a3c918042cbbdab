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
#include "dbt/native_inline.h"
#include "dbt/native_mem.h"

#define R_CPU X64_RBX
#define R_DBT X64_R12
#define REG(r) ((int32_t)(offsetof(struct cpu, regs) + 4u * (r)))
#define TLB_E ((int32_t)offsetof(struct cpu, tlb.e))

/* Where register operand r of `size` bytes lives in struct cpu: the low
 * bytes of regs[r], or for AH..BH (size 1, r 4..7) byte 1 of regs[r - 4]
 * (cpu/operand.h's reg_read/reg_write; the host is little-endian). */
static int32_t reg_at(unsigned r, unsigned size)
{
    return size == 1 && r >= 4 ? REG(r - 4) + 1 : REG(r);
}

/* 32-bit addressing (the 16-bit kind wraps at 64 KiB: left to the
 * micro-op's own code). */
static int ea32(const struct insn *in)
{
    return in->addrsize == 4 && in->has_ea;
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
    dbt_inline_ea(e, in);
    tlb_at_eax(e, size, type, priv, miss, nmiss);
}

/* Count a softtlb hit, as the fast half does: only once every check of
 * the inline code has passed, since a miss calls the micro-op, whose fast
 * half counts its own hits again. The count is kept at translation time
 * (hits[type]); dbt/native.c adds it to the statistics once per stretch
 * of inline code, not once per access (dbt_inline_mem). */
static void count_hit(unsigned hits[], int type)
{
    hits[type]++;
}

/* Step 3 for the linear address in EAX. */
static void tlb_at_eax(struct x64_emit *e, unsigned size, int type, unsigned priv,
                       uintptr_t miss[], unsigned *nmiss)
{
    /* ECX = softtlb_tag(lin + size - 1); RDX = the slot of lin. */
    x64_lea_r32_disp8(e, X64_RCX, X64_RAX, (int8_t)(size - 1));
    x64_alu_ri32(e, X64_AND, X64_RCX, 0xFFFFF000u);
    x64_alu_ri32(e, X64_OR, X64_RCX, 1);
    _Static_assert(sizeof(struct softtlb_entry) == 64, "slot offset = (lin >> 6) & mask");
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    x64_shift_ri32(e, 5, X64_RDX, 6);
    x64_alu_ri32(e, X64_AND, X64_RDX, (SOFTTLB_SIZE - 1) << 6);
    x64_add_rr(e, X64_RDX, R_CPU);
    x64_cmp_rm32(e, X64_RCX, X64_RDX,
                 TLB_E + (int32_t)offsetof(struct softtlb_entry, tag[priv][type]));
    miss_on(miss, nmiss, x64_jcc(e, X64_CC_NE, 0));
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
                        uint32_t cs_limit, uintptr_t miss[], unsigned *nmiss, unsigned hits[])
{
    const struct insn *in = &u->in;
    switch (in->op) {
    case OP_PUSH:
        if (in->opsize != 4 || in->opnd[0].kind != OPK_REG || in->lock)
            return 0;
        stack_probe(e, SOFTTLB_WRITE, -4, priv, miss, nmiss);
        count_hit(hits, SOFTTLB_WRITE);
        x64_mov_rm32(e, X64_RCX, R_CPU, REG(in->opnd[0].reg));   /* PUSH ESP: the old ESP */
        x64_store(e, X64_RDX, 0, X64_RCX, 4);
        x64_alu_m32_i32(e, X64_SUB, R_CPU, ESP, 4);
        return 1;
    case OP_POP:
        if (in->opsize != 4 || in->opnd[0].kind != OPK_REG || in->lock)
            return 0;
        stack_probe(e, SOFTTLB_READ, 0, priv, miss, nmiss);
        count_hit(hits, SOFTTLB_READ);
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
        count_hit(hits, SOFTTLB_WRITE);
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
        count_hit(hits, SOFTTLB_READ);
        x64_alu_m32_i32(e, X64_ADD, R_CPU, ESP, 4);
        x64_mov_mr32(e, R_CPU, (int32_t)offsetof(struct cpu, eip), X64_RCX);
        return 1;
    default:
        return 0;
    }
}

/* The ALU group with a memory operand: the shape (RM: reg op= [m], MR:
 * [m] op= reg, MI: [m] op= imm) as dbt_mem_form() binds it, 1 or 4 bytes;
 * 0 when not inlined. */
static int alu_mem_shape(const struct insn *in, enum x64_alu *a, enum lf_op *kind)
{
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    switch (in->op) {
    case OP_ADD: *a = X64_ADD; *kind = LF_ADD; break;
    case OP_OR:  *a = X64_OR;  *kind = LF_LOGIC; break;
    case OP_AND: *a = X64_AND; *kind = LF_LOGIC; break;
    case OP_SUB: *a = X64_SUB; *kind = LF_SUB; break;
    case OP_XOR: *a = X64_XOR; *kind = LF_LOGIC; break;
    case OP_CMP: *a = X64_SUB; *kind = LF_SUB; break;
    case OP_TEST: *a = X64_AND; *kind = LF_LOGIC; break;
    default: return 0;
    }
    if (in->lock || in->nopnd != 2 || !ea32(in) || (o0->size != 4 && o0->size != 1))
        return 0;
    if (o1->kind != OPK_IMM && o1->size != o0->size)
        return 0;
    if (o0->kind == OPK_REG && o1->kind == OPK_MEM)
        return 'R';
    if (o0->kind == OPK_MEM && o1->kind == OPK_REG)
        return 'M';
    if (o0->kind == OPK_MEM && o1->kind == OPK_IMM)
        return 'I';
    return 0;
}

int dbt_inline_mem_sets_flags(const struct dbt_uop *u)
{
    enum x64_alu a;
    enum lf_op kind;
    return alu_mem_shape(&u->in, &a, &kind) != 0;
}

/* dbt/uop_mem.c's alu_mem_fast: the read hit, then for a writing form the
 * write hit at the same address (both counted, in that order), the
 * operation, the result, the record (always: a memory form's flags are
 * live). The operation is the last host instruction that sets flags. */
static int inline_alu_mem(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                          uintptr_t miss[], unsigned *nmiss, unsigned hits[])
{
    const struct insn *in = &u->in;
    enum x64_alu a;
    enum lf_op kind;
    int shape = alu_mem_shape(in, &a, &kind);
    if (!shape)
        return 0;
    unsigned size = in->opnd[0].size;
    int writes = shape != 'R' && in->op != OP_CMP && in->op != OP_TEST;
    flat_and_priv(e, in->seg, SOFTTLB_READ, priv, miss, nmiss);
    if (writes)
        flat_and_priv(e, in->seg, SOFTTLB_WRITE, priv, miss, nmiss);
    dbt_inline_ea(e, in);
    x64_mov_rr32(e, X64_R8, X64_RAX);                       /* keep the address */
    tlb_at_eax(e, size, SOFTTLB_READ, priv, miss, nmiss);
    if (writes) {
        x64_mov_rr(e, X64_R9, X64_RDX);                     /* the read pointer */
        x64_mov_rr32(e, X64_RAX, X64_R8);
        tlb_at_eax(e, size, SOFTTLB_WRITE, priv, miss, nmiss);   /* RDX: write pointer */
    } else {
        x64_mov_rr(e, X64_R9, X64_RDX);
    }
    count_hit(hits, SOFTTLB_READ);
    if (writes)
        count_hit(hits, SOFTTLB_WRITE);
    /* EAX = a, ECX = b, zero-extended to 32 bits. */
    if (shape == 'R') {
        x64_load32(e, X64_RAX, R_CPU, reg_at(in->opnd[0].reg, size), size, 0);
        x64_load32(e, X64_RCX, X64_R9, 0, size, 0);
    } else {
        x64_load32(e, X64_RAX, X64_R9, 0, size, 0);
        if (shape == 'M')
            x64_load32(e, X64_RCX, R_CPU, reg_at(in->opnd[1].reg, size), size, 0);
        else
            x64_mov_ri32(e, X64_RCX, size == 4 ? in->imm : (in->imm & 0xFF));
    }
    x64_mov_rr(e, X64_R10, X64_RDX);                        /* the write pointer */
    x64_mov_rr32(e, X64_RDX, X64_RAX);
    if (size == 4)
        x64_alu_rr32(e, a, X64_RDX, X64_RCX);
    else
        x64_alu_rr8(e, a, X64_RDX, X64_RCX);                /* EDX stays zero-extended */
    if (writes)
        x64_store(e, X64_R10, 0, X64_RDX, size);
    else if (shape == 'R' && in->op != OP_CMP && in->op != OP_TEST)
        x64_store(e, R_CPU, reg_at(in->opnd[0].reg, size), X64_RDX, size);
    x64_mov_m16_i16(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, op)),
                    (uint16_t)(kind | size << 8));
    x64_mov_mr32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, dst)),
                 X64_RAX);
    x64_mov_mr32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, src)),
                 X64_RCX);
    x64_mov_mr32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, res)),
                 X64_RDX);
    return 1;
}

/* INC/DEC of a 32-bit memory operand (dbt/uop_mem.c's incdec_mem_fast):
 * the kept CF from the record (R11), the read and the write hit, both
 * counted, the host ADD/SUB 1, the store and flags_record_incdec()'s
 * record. */
static int inline_incdec_mem(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                             uintptr_t miss[], unsigned *nmiss, unsigned hits[])
{
    const struct insn *in = &u->in;
    if ((in->op != OP_INC && in->op != OP_DEC) || in->lock || in->opnd[0].kind != OPK_MEM ||
        in->opnd[0].size != 4 || !ea32(in))
        return 0;
    dbt_inline_cf_from_record(e, miss, nmiss);
    x64_mov_rr32(e, X64_R11, X64_RCX);                      /* the kept CF */
    flat_and_priv(e, in->seg, SOFTTLB_READ, priv, miss, nmiss);
    flat_and_priv(e, in->seg, SOFTTLB_WRITE, priv, miss, nmiss);
    dbt_inline_ea(e, in);
    x64_mov_rr32(e, X64_R8, X64_RAX);
    tlb_at_eax(e, 4, SOFTTLB_READ, priv, miss, nmiss);
    x64_mov_rr(e, X64_R9, X64_RDX);
    x64_mov_rr32(e, X64_RAX, X64_R8);
    tlb_at_eax(e, 4, SOFTTLB_WRITE, priv, miss, nmiss);
    count_hit(hits, SOFTTLB_READ);
    count_hit(hits, SOFTTLB_WRITE);
    x64_load32(e, X64_RAX, X64_R9, 0, 4, 0);
    x64_mov_rr32(e, X64_RCX, X64_RAX);
    x64_alu_ri32(e, in->op == OP_INC ? X64_ADD : X64_SUB, X64_RCX, 1);
    x64_store(e, X64_RDX, 0, X64_RCX, 4);
    x64_store(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, cin)),
              X64_R11, 1);
    x64_mov_m16_i16(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, op)),
                    (uint16_t)((in->op == OP_INC ? LF_INC : LF_DEC) | 4u << 8));
    x64_mov_mr32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, dst)),
                 X64_RAX);
    x64_mov_m32_i32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, src)),
                    1);
    x64_mov_mr32(e, R_CPU, (int32_t)(offsetof(struct cpu, lf) + offsetof(struct lazy_flags, res)),
                 X64_RCX);
    return 1;
}

int dbt_inline_mem(struct x64_emit *e, const struct dbt_uop *u, unsigned priv,
                   uint32_t cs_limit, uintptr_t miss[DBT_INLINE_MEM_MISS], unsigned *nmiss,
                   unsigned hits[SOFTTLB_ACCESS_TYPES])
{
    const struct insn *in = &u->in;
    const struct opnd *o0 = &in->opnd[0], *o1 = &in->opnd[1];
    *nmiss = 0;
    if (inline_stack(e, u, priv, cs_limit, miss, nmiss, hits))
        return 1;
    if (inline_incdec_mem(e, u, priv, miss, nmiss, hits))
        return 1;
    if (in->lock || in->nopnd != 2 || !ea32(in))
        return 0;
    if (inline_alu_mem(e, u, priv, miss, nmiss, hits))
        return 1;
    if (in->op == OP_MOV && o0->kind == OPK_REG && o1->kind == OPK_MEM &&
        (o0->size == 4 || o0->size == 2 || o0->size == 1)) {
        /* load_4, load_2, load_1: a partial register keeps its other bytes. */
        probe(e, in, o0->size, SOFTTLB_READ, priv, miss, nmiss);
        count_hit(hits, SOFTTLB_READ);
        x64_load32(e, X64_RAX, X64_RDX, 0, o0->size, 0);
        x64_store(e, R_CPU, reg_at(o0->reg, o0->size), X64_RAX, o0->size);
        return 1;
    }
    if ((in->op == OP_MOVZX || in->op == OP_MOVSX) && o0->kind == OPK_REG && o0->size == 4 &&
        o1->kind == OPK_MEM && (o1->size == 1 || o1->size == 2)) {
        probe(e, in, o1->size, SOFTTLB_READ, priv, miss, nmiss);
        count_hit(hits, SOFTTLB_READ);
        x64_load32(e, X64_RAX, X64_RDX, 0, o1->size, in->op == OP_MOVSX);
        x64_mov_mr32(e, R_CPU, REG(o0->reg), X64_RAX);
        return 1;
    }
    if (in->op == OP_MOV && o0->kind == OPK_MEM &&
        (o0->size == 4 || o0->size == 2 || o0->size == 1)) {
        /* The value: an immediate or a register operand. */
        if (o1->kind != OPK_REG && o1->kind != OPK_IMM)
            return 0;
        probe(e, in, o0->size, SOFTTLB_WRITE, priv, miss, nmiss);
        count_hit(hits, SOFTTLB_WRITE);
        if (o1->kind == OPK_REG)
            x64_load32(e, X64_RCX, R_CPU, reg_at(o1->reg, o0->size), o0->size, 0);
        else
            x64_mov_ri32(e, X64_RCX, in->imm);
        x64_store(e, X64_RDX, 0, X64_RCX, o0->size);
        return 1;
    }
    return 0;
}
