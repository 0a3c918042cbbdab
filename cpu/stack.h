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

#endif
