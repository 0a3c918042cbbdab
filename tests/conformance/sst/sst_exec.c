/* Running one test on the interpreter; see sst_exec.h. */
#include "sst_exec.h"

#include <stdlib.h>
#include <string.h>

/* The reference harness answered every port read with all ones. */
static uint32_t sst_io_in(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static void sst_io_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    (void)opaque;
    (void)port;
    (void)size;
    (void)val;
}

int sst_exec_init(struct sst_exec *x)
{
    memset(x, 0, sizeof(*x));
    if (physmem_init(&x->pm, SST_RAM_SIZE))
        return -1;
    x->mark = calloc(SST_RAM_SIZE, 1);
    if (!x->mark) {
        physmem_free(&x->pm);
        return -1;
    }
    struct cpu_io io = { .opaque = NULL, .in = sst_io_in, .out = sst_io_out };
    cpu_init(&x->cpu, &x->pm, &io);
    return 0;
}

void sst_exec_free(struct sst_exec *x)
{
    physmem_free(&x->pm);
    free(x->mark);
    x->mark = NULL;
}

static int ram_in_range(const struct moo_ram *r)
{
    for (uint32_t i = 0; i < r->count; i++)
        if (moo_ram_addr(r, i) >= SST_RAM_SIZE)
            return 0;
    return 1;
}

int sst_exec_validate(const struct moo_test *t, const char **why)
{
    if (!ram_in_range(&t->init.ram) || !ram_in_range(&t->fina.ram)) {
        *why = "RAM address beyond 16 MiB";
        return -1;
    }
    if (t->has_excp && t->excp_flags_addr >= SST_RAM_SIZE - 1) {
        *why = "EXCP flags address beyond 16 MiB";
        return -1;
    }
    return 0;
}

static void load_state(struct sst_exec *x, const struct moo_test *t)
{
    struct cpu *c = &x->cpu;
    const uint16_t *v = t->init.regs.v;
    cpu_reset(c);
    cpu_load_real_seg(c, SEG_CS, v[MOO_CS]);
    cpu_load_real_seg(c, SEG_SS, v[MOO_SS]);
    cpu_load_real_seg(c, SEG_DS, v[MOO_DS]);
    cpu_load_real_seg(c, SEG_ES, v[MOO_ES]);
    cpu_load_real_seg(c, SEG_FS, 0);
    cpu_load_real_seg(c, SEG_GS, 0);
    c->regs[REG_EAX] = v[MOO_AX];
    c->regs[REG_EBX] = v[MOO_BX];
    c->regs[REG_ECX] = v[MOO_CX];
    c->regs[REG_EDX] = v[MOO_DX];
    c->regs[REG_ESP] = v[MOO_SP];
    c->regs[REG_EBP] = v[MOO_BP];
    c->regs[REG_ESI] = v[MOO_SI];
    c->regs[REG_EDI] = v[MOO_DI];
    c->eip = v[MOO_IP];
    /* Bits 12-15 cannot be set in the 286's real mode (README). */
    cpu_set_eflags(c, (v[MOO_FLAGS] & 0x0FFFu) | EFLAGS_FIXED1);
    for (uint32_t i = 0; i < t->init.ram.count; i++)
        x->pm.ram[moo_ram_addr(&t->init.ram, i)] = moo_ram_value(&t->init.ram, i);
}

/* Runs until HLT. The cap is generous (a REP form may count one
 * instruction per iteration) but bounded, so a CPU that never reaches the
 * HLT costs little. */
static enum sst_run_end run_to_hlt(struct cpu *c, uint64_t cap, uint64_t *ran)
{
    *ran = 0;
    while (*ran < cap) {
        enum cpu_exit e = cpu_run(c, 16);
        *ran += 16;
        switch (e) {
        case CPU_EXIT_HLT:
            return SST_END_HLT;
        case CPU_EXIT_SHUTDOWN:
            return SST_END_SHUTDOWN;
        case CPU_EXIT_STOP:
            return SST_END_STOP;
        case CPU_EXIT_BUDGET:
            break;
        }
    }
    return SST_END_NO_HALT;
}

static void read_final_regs(const struct cpu *c, uint16_t out[MOO_REG_COUNT])
{
    out[MOO_AX] = (uint16_t)c->regs[REG_EAX];
    out[MOO_BX] = (uint16_t)c->regs[REG_EBX];
    out[MOO_CX] = (uint16_t)c->regs[REG_ECX];
    out[MOO_DX] = (uint16_t)c->regs[REG_EDX];
    out[MOO_CS] = c->seg[SEG_CS].sel;
    out[MOO_SS] = c->seg[SEG_SS].sel;
    out[MOO_DS] = c->seg[SEG_DS].sel;
    out[MOO_ES] = c->seg[SEG_ES].sel;
    out[MOO_SP] = (uint16_t)c->regs[REG_ESP];
    out[MOO_BP] = (uint16_t)c->regs[REG_EBP];
    out[MOO_SI] = (uint16_t)c->regs[REG_ESI];
    out[MOO_DI] = (uint16_t)c->regs[REG_EDI];
    out[MOO_IP] = (uint16_t)c->eip;
    out[MOO_FLAGS] = (uint16_t)cpu_get_eflags(c);
}

static void compare_regs(const struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask,
                         const struct moo_regs *file_rmsk, struct sst_result *r)
{
    uint16_t got[MOO_REG_COUNT];
    read_final_regs(&x->cpu, got);
    for (int i = 0; i < MOO_REG_COUNT; i++) {
        uint16_t exp = (t->fina.regs.mask >> i & 1) ? t->fina.regs.v[i] : t->init.regs.v[i];
        uint16_t mask = 0xFFFF;
        if (i == MOO_FLAGS) {
            /* The 286 reads FLAGS bits 12-15 as 0 in real mode; INIT's
             * unlisted-means-unchanged copy may still carry them. */
            exp &= 0x0FFF;
            mask = flags_mask;
        }
        if (file_rmsk->mask >> i & 1)
            mask &= file_rmsk->v[i];
        if (t->fina.rmsk.mask >> i & 1)
            mask &= t->fina.rmsk.v[i];
        r->expected[i] = exp & mask;
        r->got[i] = got[i] & mask;
        r->cmp_mask[i] = mask;
        if (r->expected[i] != r->got[i])
            r->reg_diff |= (uint16_t)(1u << i);
    }
}

static void note_ram_diff(struct sst_result *r, uint32_t addr, uint8_t exp, uint8_t got, uint8_t mask)
{
    if (r->ram_diffs < SST_MAX_RAM_DIFFS)
        r->ram[r->ram_diffs] = (struct sst_ram_diff){ addr, exp, got, mask };
    r->ram_diffs++;
}

static void compare_ram(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask, struct sst_result *r)
{
    const struct moo_ram *fr = &t->fina.ram, *ir = &t->init.ram;
    for (uint32_t i = 0; i < fr->count; i++) {
        uint32_t a = moo_ram_addr(fr, i);
        uint8_t mask = 0xFF;
        /* The FLAGS image an exception pushed has undefined bits too. */
        if (t->has_excp && a == t->excp_flags_addr)
            mask = (uint8_t)flags_mask;
        else if (t->has_excp && a == t->excp_flags_addr + 1)
            mask = (uint8_t)(flags_mask >> 8);
        uint8_t exp = moo_ram_value(fr, i), got = x->pm.ram[a];
        if ((exp ^ got) & mask)
            note_ram_diff(r, a, exp & mask, got & mask, mask);
        x->mark[a] = 1;
    }
    /* Bytes FINA does not list must still hold their INIT values. */
    for (uint32_t i = 0; i < ir->count; i++) {
        uint32_t a = moo_ram_addr(ir, i);
        uint8_t exp = moo_ram_value(ir, i), got = x->pm.ram[a];
        if (!x->mark[a] && exp != got)
            note_ram_diff(r, a, exp, got, 0xFF);
    }
    for (uint32_t i = 0; i < fr->count; i++)
        x->mark[moo_ram_addr(fr, i)] = 0;
}

static void clear_test_ram(struct sst_exec *x, const struct moo_test *t)
{
    for (uint32_t i = 0; i < t->init.ram.count; i++)
        x->pm.ram[moo_ram_addr(&t->init.ram, i)] = 0;
    for (uint32_t i = 0; i < t->fina.ram.count; i++)
        x->pm.ram[moo_ram_addr(&t->fina.ram, i)] = 0;
}

/* Finds, records and zeroes nonzero bytes in [lo, hi). */
static uint32_t scan_zero(struct sst_exec *x, uint32_t lo, uint32_t hi, struct sst_result *r)
{
    uint32_t found = 0;
    uint8_t *ram = x->pm.ram;
    for (uint32_t a = lo; a < hi; a += 8) {
        uint64_t w;
        memcpy(&w, ram + a, 8);
        if (!w)
            continue;
        for (uint32_t b = a; b < a + 8; b++) {
            if (!ram[b])
                continue;
            if (r && r->stray < SST_MAX_STRAY)
                r->stray_at[r->stray] = (struct sst_ram_diff){ b, 0, ram[b], 0xFF };
            if (r)
                r->stray++;
            ram[b] = 0;
            found++;
        }
    }
    return found;
}

uint32_t sst_exec_sweep(struct sst_exec *x)
{
    uint32_t total = 0;
    for (uint32_t b = 0; b < SST_SCAN_BLOCKS; b++) {
        uint32_t n = scan_zero(x, b * SST_SCAN_BLOCK, (b + 1) * SST_SCAN_BLOCK, NULL);
        if (n)
            x->dirty_block[b] = 1;
        total += n;
    }
    return total;
}

void sst_exec_run(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask,
                  const struct moo_regs *file_rmsk, int audit, struct sst_result *r)
{
    memset(r, 0, sizeof(*r));
    load_state(x, t);
    uint64_t exc_before[32];
    memcpy(exc_before, x->cpu.stats.exceptions, sizeof(exc_before));
    r->end = run_to_hlt(&x->cpu, 256 + (uint64_t)t->init.regs.v[MOO_CX], &r->insns);
    for (int v = 0; v < 32; v++)
        r->exceptions[v] = x->cpu.stats.exceptions[v] - exc_before[v];
    compare_regs(x, t, flags_mask, file_rmsk, r);
    compare_ram(x, t, flags_mask, r);
    clear_test_ram(x, t);
    if (audit) {
        for (uint32_t b = 0; b < SST_SCAN_BLOCKS; b++)
            if (b * SST_SCAN_BLOCK < SST_REAL_LIMIT || x->dirty_block[b])
                scan_zero(x, b * SST_SCAN_BLOCK, (b + 1) * SST_SCAN_BLOCK, r);
    }
    r->pass = r->end == SST_END_HLT && !r->reg_diff && !r->ram_diffs && !r->stray;
}
