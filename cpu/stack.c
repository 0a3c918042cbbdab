#include "cpu/stack.h"
#include "cpu/mem.h"
#include "cpu/mem_fast.h"
#include "cpu/except.h"
#include "cpu/seg.h"

void stack_check_push_limit(struct cpu *cpu, unsigned count, unsigned size)
{
    uint32_t sp = stack_sp(cpu), m = stack_mask(cpu);
    for (unsigned i = 1; i <= count; i++)
        if (!seg_offset_ok(&cpu->seg[SEG_SS], (sp - i * size) & m, size))
            cpu_raise(cpu, VEC_SS, 0);
}

void stack_push(struct cpu *cpu, unsigned size, uint32_t val)
{
    uint32_t sp = (stack_sp(cpu) - size) & stack_mask(cpu);
    cpu_write_fast(cpu, SEG_SS, sp, size, val);
    stack_set_sp(cpu, sp);
}

uint32_t stack_pop(struct cpu *cpu, unsigned size)
{
    uint32_t sp = stack_sp(cpu);
    uint32_t v = cpu_read_fast(cpu, SEG_SS, sp, size);
    stack_set_sp(cpu, sp + size);
    return v;
}

uint32_t stack_peek(struct cpu *cpu, uint32_t offset, unsigned size)
{
    return cpu_read(cpu, SEG_SS, (stack_sp(cpu) + offset) & stack_mask(cpu), size);
}

uint32_t stack_peek_frame(struct cpu *cpu, uint32_t offset, unsigned size)
{
    return cpu_read(cpu, SEG_SS, stack_sp(cpu) + offset, size);
}

static uint32_t build_mask(const struct stack_build *sb)
{
    return (sb->ss.attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
}

void stack_build_check(struct cpu *cpu, const struct stack_build *sb, unsigned count,
                       unsigned size, int vec, uint32_t err)
{
    uint32_t m = build_mask(sb);
    for (unsigned i = 1; i <= count; i++)
        if (!seg_offset_ok(&sb->ss, (sb->esp - i * size) & m, size))
            cpu_raise(cpu, vec, err);
}

void stack_build_push(struct cpu *cpu, struct stack_build *sb, unsigned size, uint32_t val)
{
    uint32_t m = build_mask(sb);
    uint32_t sp = (sb->esp - size) & m;
    cpu_lin_write(cpu, sb->ss.base + sp, size, val);
    sb->esp = (sb->esp & ~m) | sp;
}

void stack_build_commit(struct cpu *cpu, const struct stack_build *sb)
{
    cpu->seg[SEG_SS] = sb->ss;
    cpu->regs[REG_ESP] = sb->esp;
}
