/* ALU results and their flag records, inline: the one definition used by
 * the interpreter's handlers (cpu/ops_alu.c) and by the translator's
 * specialised micro-ops, so both engines share the same semantics. */
#ifndef SHADOW86_CPU_ALU_H
#define SHADOW86_CPU_ALU_H

#include "cpu/cpu.h"
#include "cpu/flags.h"

/* dst OP src for the two-operand group (ADD OR ADC SBB AND SUB XOR CMP
 * TEST): stores the result and returns the lazy-flags kind. ADC and SBB
 * read CF here; flags_set_lazy() captures the same CF as carry-in. */
static inline enum lf_op alu_compute(const struct cpu *cpu, unsigned op, uint32_t a, uint32_t b,
                                     uint32_t *r)
{
    switch (op) {
    case OP_ADD: *r = a + b; return LF_ADD;
    case OP_ADC: *r = a + b + (uint32_t)flags_cf(cpu); return LF_ADC;
    case OP_SBB: *r = a - b - (uint32_t)flags_cf(cpu); return LF_SBB;
    case OP_SUB:
    case OP_CMP: *r = a - b; return LF_SUB;
    case OP_OR:  *r = a | b; return LF_LOGIC;
    case OP_XOR: *r = a ^ b; return LF_LOGIC;
    default:     *r = a & b; return LF_LOGIC;   /* AND, TEST */
    }
}

/* Record flags for operations that need no carry in (ADD SUB CMP NEG and
 * the logic group): the fast path of flags_set_lazy(). */
static inline void flags_record(struct cpu *cpu, enum lf_op op, unsigned size,
                                uint32_t dst, uint32_t src, uint32_t res)
{
    uint32_t m = size_mask(size);
    cpu->lf.op = (uint8_t)op;
    cpu->lf.size = (uint8_t)size;
    cpu->lf.dst = dst & m;
    cpu->lf.src = src & m;
    cpu->lf.res = res & m;
}

#endif
