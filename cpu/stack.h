/* The guest stack: SS:ESP (or SS:SP when SS is a 16-bit segment). */
#ifndef SHADOW86_CPU_STACK_H
#define SHADOW86_CPU_STACK_H

#include "cpu/cpu.h"

static inline uint32_t stack_mask(const struct cpu *cpu)
{
    return (cpu->seg[SEG_SS].attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
}

/* Read/write the stack pointer as the stack size sees it. */
static inline uint32_t stack_sp(const struct cpu *cpu)
{
    return cpu->regs[REG_ESP] & stack_mask(cpu);
}

static inline void stack_set_sp(struct cpu *cpu, uint32_t sp)
{
    uint32_t m = stack_mask(cpu);
    cpu->regs[REG_ESP] = (cpu->regs[REG_ESP] & ~m) | (sp & m);
}

/* Fault now (#SS) unless `count` pushes of `size` bytes would all fit. */
void stack_check_push(struct cpu *cpu, unsigned count, unsigned size);

void stack_push(struct cpu *cpu, unsigned size, uint32_t val);
uint32_t stack_pop(struct cpu *cpu, unsigned size);

/* Read `size` bytes at SP + `offset` without popping. */
uint32_t stack_peek(struct cpu *cpu, uint32_t offset, unsigned size);

/* A stack being built on a segment that is not SS yet: inter-privilege
 * CALL and interrupt delivery check and fill the new stack before any
 * register changes, then install it (stack_build_commit). */
struct stack_build {
    struct seg_cache ss;
    uint32_t esp;
};

/* Raise vec(err) unless `count` pushes of `size` bytes fit below esp. */
void stack_build_check(struct cpu *cpu, const struct stack_build *sb, unsigned count,
                       unsigned size, int vec, uint32_t err);
void stack_build_push(struct cpu *cpu, struct stack_build *sb, unsigned size, uint32_t val);
/* SS and ESP become the built stack. */
void stack_build_commit(struct cpu *cpu, const struct stack_build *sb);

#endif
