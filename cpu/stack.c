#include "cpu/stack.h"
#include "cpu/mem.h"

void stack_check_push(struct cpu *cpu, unsigned count, unsigned size)
{
    uint32_t sp = stack_sp(cpu), m = stack_mask(cpu);
    for (unsigned i = 1; i <= count; i++)
        cpu_check_access(cpu, SEG_SS, (sp - i * size) & m, size, 1);
}

void stack_push(struct cpu *cpu, unsigned size, uint32_t val)
{
    uint32_t sp = (stack_sp(cpu) - size) & stack_mask(cpu);
    cpu_write(cpu, SEG_SS, sp, size, val);
    stack_set_sp(cpu, sp);
}

uint32_t stack_pop(struct cpu *cpu, unsigned size)
{
    uint32_t sp = stack_sp(cpu);
    uint32_t v = cpu_read(cpu, SEG_SS, sp, size);
    stack_set_sp(cpu, sp + size);
    return v;
}

uint32_t stack_peek(struct cpu *cpu, uint32_t offset, unsigned size)
{
    return cpu_read(cpu, SEG_SS, (stack_sp(cpu) + offset) & stack_mask(cpu), size);
}
