/* Lazy arithmetic flags.
 *
 * Arithmetic instructions record what they did (operation, operand size,
 * operands, result) instead of computing OF SF ZF AF PF CF; each flag is
 * derived only when something reads it.
 *
 * Invariant: when lf.op == LF_NONE the six arithmetic flags in
 * cpu->eflags are current. Otherwise they are stale in eflags and derive
 * from lf, except that LF_INC/LF_DEC take CF from lf.cin (INC and DEC
 * leave CF alone, so its value is captured when they run).
 */
#ifndef SHADOW86_CPU_FLAGS_H
#define SHADOW86_CPU_FLAGS_H

#include <stdint.h>

enum lf_op {
    LF_NONE,
    LF_ADD,    /* res = dst + src */
    LF_ADC,    /* res = dst + src + cin */
    LF_SUB,    /* res = dst - src (also CMP, NEG as 0 - src) */
    LF_SBB,    /* res = dst - src - cin */
    LF_LOGIC,  /* AND OR XOR TEST: CF = OF = 0, AF = 0 */
    LF_INC,    /* res = dst + 1, CF preserved in cin */
    LF_DEC,    /* res = dst - 1, CF preserved in cin */
    LF_SHL,    /* res = dst << src (src = masked count, non-zero) */
    LF_SHR,    /* res = dst >> src */
    LF_SAR     /* res = dst >>s src */
};

struct lazy_flags {
    uint8_t op;     /* enum lf_op */
    uint8_t size;   /* operand size in bytes: 1, 2 or 4 */
    uint8_t cin;    /* carry in (ADC/SBB) or preserved CF (INC/DEC) */
    uint32_t dst;
    uint32_t src;
    uint32_t res;   /* already truncated to `size` */
};

struct cpu;

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1);
}

static inline uint32_t size_sign(unsigned size)
{
    return 1u << (size * 8 - 1);
}

int flags_cf(const struct cpu *cpu);
int flags_pf(const struct cpu *cpu);
int flags_af(const struct cpu *cpu);
int flags_zf(const struct cpu *cpu);
int flags_sf(const struct cpu *cpu);
int flags_of(const struct cpu *cpu);

/* Record an arithmetic result for later flag evaluation. */
void flags_set_lazy(struct cpu *cpu, enum lf_op op, unsigned size,
                    uint32_t dst, uint32_t src, uint32_t res);

/* Make eflags' arithmetic bits current and drop the lazy record. */
void flags_materialize(struct cpu *cpu);

/* Set the arithmetic flags explicitly (mask selects which), materializing
 * the others first. */
void flags_set_arith(struct cpu *cpu, uint32_t mask, uint32_t values);

/* SF, ZF and PF of `res` at `size`, as EFLAGS bits. */
uint32_t flags_szp(uint32_t res, unsigned size);

/* Evaluate condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc). */
int flags_cond(const struct cpu *cpu, unsigned cc);

#endif
