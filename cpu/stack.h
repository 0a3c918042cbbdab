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

/* #SS(0) unless every slot of `count` pushes of `size` bytes is within
 * SS's limit. Multi-push instructions check
 * the frame's ends first (SDM "PUSHA": "#SS(0) if the starting or ending
 * stack address is outside the stack segment limit") and then write slot
 * by slot, so a page fault on a later slot leaves the earlier ones
 * written -- nothing architectural (ESP, registers) has changed, and the
 * restarted instruction writes them again. ENTER works the same way. */
void stack_check_push_limit(struct cpu *cpu, unsigned count, unsigned size);

void stack_push(struct cpu *cpu, unsigned size, uint32_t val);
uint32_t stack_pop(struct cpu *cpu, unsigned size);

/* Read `size` bytes at SP + `offset` without popping. */
uint32_t stack_peek(struct cpu *cpu, uint32_t offset, unsigned size);

/* The same without wrapping SP + offset at the stack size: the frames of
 * protected-mode far RET and IRET must lie within the limit as a whole
 * ("IF top 6 bytes of stack not within stack limits THEN #SS(0)", SDM
 * "RET"/"IRET"), so on a 16-bit stack at SP = FFFCh the word at 10000h
 * is past a limit of FFFFh, not at offset 0. */
uint32_t stack_peek_frame(struct cpu *cpu, uint32_t offset, unsigned size);

/* SS has just become an outer level's stack (far RET, IRET): load the
 * popped stack pointer. A 16-bit SS gets only SP, and the upper half of
 * ESP keeps the value it had at the inner level. The SDM's pseudocode
 * writes "ESP <- tempESP", but processors load SP alone -- the leak of
 * kernel stack bits that Linux's "espfix" works around -- and Bochs does
 * the same ("SP = new_esp" when the new SS has B = 0). */
static inline void stack_load_outer_esp(struct cpu *cpu, uint32_t esp)
{
    stack_set_sp(cpu, esp);
}

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
