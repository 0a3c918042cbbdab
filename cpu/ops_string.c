/* String instructions with their REP forms.
 *
 * Every iteration updates (E)CX/(E)SI/(E)DI only after its memory accesses
 * succeeded, so a fault mid-way leaves the registers describing exactly
 * the iterations done, and restarting the instruction finishes the job.
 * A long REP yields after REP_CHUNK iterations by restarting itself
 * (EIP back on the instruction), so interrupts and the instruction budget
 * are never held off for long; the split is deterministic. Each such
 * slice counts as one retired instruction.
 */
#include "cpu/except.h"
#include "cpu/io.h"
#include "cpu/mem_fast.h"
#include "cpu/ops.h"
#include "cpu/operand.h"

#define REP_CHUNK 4096u

enum string_kind { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

/* One iteration; returns the value of ZF for CMPS/SCAS (else 1). */
static int string_once(struct cpu *cpu, const struct insn *in, enum string_kind kind)
{
    unsigned size = in->opnd[0].size;
    uint32_t step = (cpu->eflags & EFLAGS_DF) ? (uint32_t)-(int32_t)size : size;
    uint32_t si = reg_read_a(cpu, in, REG_ESI), di = reg_read_a(cpu, in, REG_EDI);
    uint32_t a, b;

    switch (kind) {
    case STR_MOVS:
        a = cpu_read_fast(cpu, in->seg, si, size);
        cpu_write_fast(cpu, SEG_ES, di, size, a);
        reg_write_a(cpu, in, REG_ESI, si + step);
        reg_write_a(cpu, in, REG_EDI, di + step);
        return 1;
    case STR_CMPS:
        a = cpu_read_fast(cpu, in->seg, si, size);
        b = cpu_read_fast(cpu, SEG_ES, di, size);
        reg_write_a(cpu, in, REG_ESI, si + step);
        reg_write_a(cpu, in, REG_EDI, di + step);
        flags_set_lazy(cpu, LF_SUB, size, a, b, a - b);
        return a == b;
    case STR_STOS:
        cpu_write_fast(cpu, SEG_ES, di, size, reg_read(cpu, REG_EAX, size));
        reg_write_a(cpu, in, REG_EDI, di + step);
        return 1;
    case STR_LODS:
        a = cpu_read_fast(cpu, in->seg, si, size);
        reg_write(cpu, REG_EAX, size, a);
        reg_write_a(cpu, in, REG_ESI, si + step);
        return 1;
    case STR_SCAS:
        a = reg_read(cpu, REG_EAX, size);
        b = cpu_read_fast(cpu, SEG_ES, di, size);
        reg_write_a(cpu, in, REG_EDI, di + step);
        flags_set_lazy(cpu, LF_SUB, size, a, b, a - b);
        return a == b;
    case STR_INS:
        /* The destination is checked before the port is read: a faulting
         * INS must not consume device data. */
        cpu_check_access(cpu, SEG_ES, di, size, 1);
        a = cpu_io_in(cpu, (uint16_t)reg_read(cpu, REG_EDX, 2), size);
        cpu_write_fast(cpu, SEG_ES, di, size, a);
        reg_write_a(cpu, in, REG_EDI, di + step);
        return 1;
    case STR_OUTS:
        a = cpu_read_fast(cpu, in->seg, si, size);
        cpu_io_out(cpu, (uint16_t)reg_read(cpu, REG_EDX, 2), size, a);
        reg_write_a(cpu, in, REG_ESI, si + step);
        return 1;
    }
    return 1;
}

/* Up to `max` iterations of REP MOVS/STOS at once, when each of them
 * would take the fast path of string_once (cpu_read_fast/cpu_write_fast:
 * no hook, segment checks passing, softtlb hits) and all lie on one page
 * each side: the same element-by-element copy in the same order (so
 * overlapping moves repeat as they do one at a time), the same hit
 * counts, ESI/EDI/ECX as after that many iterations. 32-bit addressing,
 * DF clear; 0 when not taken (the caller goes on one at a time). */
static uint32_t string_bulk(struct cpu *cpu, const struct insn *in, enum string_kind kind,
                            uint32_t max)
{
    unsigned size = in->opnd[0].size;
    if (in->addrsize != 4 || (cpu->eflags & EFLAGS_DF) ||
        (kind != STR_MOVS && kind != STR_STOS))
        return 0;
    unsigned priv = mem_fast_priv(cpu);
    uint32_t di = cpu->regs[REG_EDI], si = cpu->regs[REG_ESI];
    int ok;
    uint32_t lin_d = mem_fast_linear(cpu, SEG_ES, di, size, 1, &ok);
    if (!ok)
        return 0;
    uint32_t k = (0x1000u - (lin_d & 0xFFFu)) / size, lin_s = 0;
    if (kind == STR_MOVS) {
        lin_s = mem_fast_linear(cpu, in->seg, si, size, 0, &ok);
        if (!ok)
            return 0;
        uint32_t ks = (0x1000u - (lin_s & 0xFFFu)) / size;
        if (ks < k)
            k = ks;
    }
    if (k > max)
        k = max;
    if (k < 2)
        return 0;
    uint32_t span = (k - 1) * size;
    /* The last iteration's segment checks (expand-up: the first and the
     * last bound every one between), without wrapping the offset. */
    if (di + span < di || (mem_fast_linear(cpu, SEG_ES, di + span, size, 1, &ok), !ok))
        return 0;
    if (kind == STR_MOVS &&
        (si + span < si || (mem_fast_linear(cpu, in->seg, si + span, size, 0, &ok), !ok)))
        return 0;
    /* The softtlb hits: the slot of the first byte holds the tag of the
     * last byte of the run (the whole run on that page). */
    const struct softtlb_entry *ed = softtlb_slot(&cpu->tlb, lin_d);
    if (ed->tag[priv][SOFTTLB_WRITE] != softtlb_tag(lin_d + span + size - 1))
        return 0;
    uint8_t *wp = ed->wr + (lin_d & 0xFFFu);
    if (kind == STR_MOVS) {
        const struct softtlb_entry *es = softtlb_slot(&cpu->tlb, lin_s);
        if (es->tag[priv][SOFTTLB_READ] != softtlb_tag(lin_s + span + size - 1))
            return 0;
        const uint8_t *rp = es->rd + (lin_s & 0xFFFu);
        for (uint32_t i = 0; i < k; i++)
            mem_fast_put(wp + i * size, size, mem_fast_get(rp + i * size, size));
        cpu->tlb.stats.hit[SOFTTLB_READ] += k;
        cpu->regs[REG_ESI] = si + k * size;
    } else {
        uint32_t v = reg_read(cpu, REG_EAX, size);
        for (uint32_t i = 0; i < k; i++)
            mem_fast_put(wp + i * size, size, v);
    }
    cpu->tlb.stats.hit[SOFTTLB_WRITE] += k;
    cpu->regs[REG_EDI] = di + k * size;
    cpu->regs[REG_ECX] -= k;
    return k;
}

static void string_op(struct cpu *cpu, const struct insn *in, enum string_kind kind)
{
    if (kind == STR_INS || kind == STR_OUTS)
        cpu_io_check(cpu, (uint16_t)reg_read(cpu, REG_EDX, 2), in->opnd[0].size);
    if (in->rep == REP_NONE) {
        string_once(cpu, in, kind);
        return;
    }
    int compares = (kind == STR_CMPS || kind == STR_SCAS);
    /* Under single-step every iteration traps: the trap's return address
     * is the instruction itself while iterations remain. */
    unsigned chunk = (cpu->eflags & EFLAGS_TF) ? 1 : REP_CHUNK;
    for (unsigned n = 0;; n++) {
        uint32_t count = reg_read_a(cpu, in, REG_ECX);
        if (count == 0)
            return;
        if (n == chunk) {
            cpu->eip = cpu->insn_eip;   /* resume later where we stopped */
            return;
        }
        uint32_t bulk = string_bulk(cpu, in, kind, count < chunk - n ? count : chunk - n);
        if (bulk) {
            n += bulk - 1;
            continue;
        }
        int zf = string_once(cpu, in, kind);
        reg_write_a(cpu, in, REG_ECX, count - 1);
        if (compares && ((in->rep == REP_E && !zf) || (in->rep == REP_NE && zf)))
            return;
    }
}

void op_movs(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_MOVS); }
void op_cmps(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_CMPS); }
void op_stos(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_STOS); }
void op_lods(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_LODS); }
void op_scas(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_SCAS); }
void op_ins(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_INS); }
void op_outs(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_OUTS); }
