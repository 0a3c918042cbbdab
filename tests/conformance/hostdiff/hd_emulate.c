/* Running one test on the shadow86 interpreter.
 *
 * The CPU starts in the flat 32-bit state a multiboot loader leaves (CPL 0,
 * no IDT, paging off) with the test's registers and EFLAGS, IF set as it is
 * natively. There is no IDT, so any exception ends in a triple fault. */
#include "hd_emulate.h"

#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "dbt/dbt.h"
#include "dbt/lockstep.h"

/* Instructions the interpreter may retire per test; a sequence retires a
 * few hundred at most, REP iterations included. */
#define HD_BUDGET 100000u

static uint32_t io_in(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque; (void)port; (void)size;
    return 0xFFFFFFFFu;
}

static void io_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    (void)opaque; (void)port; (void)size; (void)val;
}

/* The rest of the pages holding the memory image is zero; an emulator write
 * that lands beside a window shows up here. */
static const uint8_t zero_page[0x1000];

static int load_image(struct physmem *pm, const struct hd_test *t)
{
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        if (physmem_load(pm, hd_mem_addr(i), &t->mem[i], 1))
            return -1;
    return 0;
}

static int load(struct physmem *pm, const struct hd_test *t)
{
    static uint8_t code[HD_SEQ_MAX + 1];
    memcpy(code, t->code, t->code_len);
    code[t->code_len] = 0xF4;                   /* HLT */
    return physmem_load(pm, HD_BUF_PAGES, zero_page, sizeof zero_page) ||
           physmem_load(pm, HD_BUF_PAGES + 0x1000, zero_page, sizeof zero_page) ||
           physmem_load(pm, HD_STACK_PAGES, zero_page, sizeof zero_page) ||
           physmem_load(pm, HD_STACK_PAGES + 0x1000, zero_page, sizeof zero_page) ||
           physmem_load(pm, HD_SEQ_ADDR, code, t->code_len + 1) ||
           load_image(pm, t) ? -1 : 0;
}

static int in_image(uint32_t a)
{
    return (a >= HD_BUF_ADDR && a < HD_BUF_ADDR + HD_BUF_SIZE) ||
           (a >= HD_STACK_ADDR && a < HD_STACK_ADDR + HD_STACK_SIZE) ||
           (a >= HD_LOG_ADDR && a < HD_LOG_ADDR + HD_LOG_SIZE);
}

static int stray_write(struct physmem *pm, uint32_t page, uint32_t *addr)
{
    for (uint32_t a = page; a < page + 0x1000; a++) {
        if (in_image(a))
            continue;
        if (physmem_read8(pm, a) != 0) {
            *addr = a;
            return 1;
        }
    }
    return 0;
}

int hd_engine_parse(const char *name)
{
    static const char *const names[] = { "interp", "dbt", "lockstep", "lockstep-insn" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

static void start_cpu(struct cpu *cpu, struct physmem *pm, const struct hd_test *t)
{
    struct cpu_io io = { .opaque = NULL, .in = io_in, .out = io_out };
    cpu_init(cpu, pm, &io);
    cpu_reset(cpu);
    cpu_enter_flat32(cpu);
    for (unsigned i = 0; i < 8; i++)
        cpu->regs[i] = t->regs[i];
    cpu->eip = HD_SEQ_ADDR;
    cpu_set_eflags(cpu, t->eflags);
}

/* Run the loaded test on `cpu` with the chosen engine. For lockstep the
 * reference CPU runs on a second copy of guest RAM. */
static enum cpu_exit run_engine(struct cpu *cpu, struct physmem *pm, const struct hd_test *t,
                                enum hd_engine engine, int backend, char *why, unsigned whysize,
                                int *diverged)
{
    static struct physmem ref_mem;   /* test program: one reference RAM, reused */
    static int ref_ready;
    static struct cpu ref;
    enum cpu_exit ex;
    *diverged = 0;
    if (engine == HD_ENGINE_INTERP)
        return cpu_run(cpu, HD_BUDGET);
    struct dbt *d = dbt_create(cpu);
    if (!d) {
        snprintf(why, whysize, "out of memory for the translator");
        *diverged = 1;
        return CPU_EXIT_SHUTDOWN;
    }
    if (backend >= 0 &&
        dbt_set_backend(d, (enum dbt_backend)backend, 0, why, whysize) != 0) {
        *diverged = 1;
        dbt_destroy(d);
        return CPU_EXIT_SHUTDOWN;
    }
    if (engine == HD_ENGINE_DBT) {
        ex = dbt_exec(d, HD_BUDGET);
    } else {
        if (!ref_ready && physmem_init(&ref_mem, pm->ram_size)) {
            snprintf(why, whysize, "cannot allocate the reference RAM");
            *diverged = 1;
            dbt_destroy(d);
            return CPU_EXIT_SHUTDOWN;
        }
        ref_ready = 1;
        load(&ref_mem, t);
        start_cpu(&ref, &ref_mem, t);
        if (engine == HD_ENGINE_LOCKSTEP_INSN)
            dbt_set_block_limit(d, 1);
        struct dbt_lockstep ls = { .dbt = d, .ref = &ref };
        ex = dbt_lockstep_exec(&ls, HD_BUDGET);
        if (ls.diverged) {
            snprintf(why, whysize, "%s", ls.report);
            *diverged = 1;
        }
    }
    dbt_destroy(d);
    return ex;
}

int hd_emulate(struct physmem *pm, const struct hd_test *t, struct hd_result *r,
               enum hd_engine engine, int backend, char *why, unsigned whysize)
{
    static struct cpu cpu;
    int diverged;

    if (load(pm, t)) {
        snprintf(why, whysize, "guest RAM too small for the test layout");
        return -1;
    }
    start_cpu(&cpu, pm, t);
    enum cpu_exit ex = run_engine(&cpu, pm, t, engine, backend, why, whysize, &diverged);
    if (diverged)
        return -1;

    for (unsigned i = 0; i < 8; i++)
        r->regs[i] = cpu.regs[i];
    r->eflags = cpu_get_eflags(&cpu);
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        r->mem[i] = physmem_read8(pm, hd_mem_addr(i));

    for (int v = 0; v < 32; v++) {
        if (cpu.stats.exceptions[v]) {
            snprintf(why, whysize, "exception %d delivered (EIP of the faulting instruction %08x)",
                     v, cpu.insn_eip);
            return -1;
        }
    }
    uint32_t hlt = HD_SEQ_ADDR + t->code_len;
    if (ex == CPU_EXIT_SHUTDOWN) {
        char chain[64];
        cpu_format_fault_chain(&cpu, chain, sizeof chain);
        snprintf(why, whysize, "triple fault (%s) at EIP %08x", chain, cpu.insn_eip);
        return -1;
    }
    if (ex != CPU_EXIT_HLT || cpu.eip != hlt + 1) {
        snprintf(why, whysize, "did not halt at %08x: exit %d, EIP %08x, last insn at %08x",
                 hlt, (int)ex, cpu.eip, cpu.insn_eip);
        return -1;
    }
    uint32_t addr;
    if (stray_write(pm, HD_BUF_PAGES, &addr) || stray_write(pm, HD_BUF_PAGES + 0x1000, &addr) ||
        stray_write(pm, HD_STACK_PAGES, &addr) || stray_write(pm, HD_STACK_PAGES + 0x1000, &addr)) {
        snprintf(why, whysize, "write outside the test's memory at %08x", addr);
        return -1;
    }
    return 0;
}
