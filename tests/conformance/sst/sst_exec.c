/* Running one test on the interpreter; see sst_exec.h. */
#include "sst_exec.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Watchdog. cpu_run() counts retired instructions only, so a CPU caught
 * in an exception loop (every handler instruction faulting again) would
 * never return from it. A periodic timer ticks every SST_TICK_MS; when a
 * test has run for SST_WATCHDOG_TICKS ticks the handler asks the CPU to
 * stop (cpu_run() checks stop_requested after every fault), and the test
 * is reported as stopped by the watchdog. This is process-wide signal
 * state, hence these file-scope variables: only one sst_exec runs at a
 * time. */
#define SST_TICK_MS 5
#define SST_WATCHDOG_TICKS 20

static volatile sig_atomic_t watchdog_ticks;
static volatile sig_atomic_t watchdog_deadline;
static struct cpu *volatile watchdog_cpu;

static void watchdog_tick(int sig)
{
    (void)sig;
    watchdog_ticks++;
    struct cpu *c = watchdog_cpu;
    if (c && watchdog_ticks >= watchdog_deadline)
        c->stop_requested = 1;
}

static int watchdog_start(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = watchdog_tick;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGALRM, &sa, NULL))
        return -1;
    timer_t timer;
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGALRM;
    if (timer_create(CLOCK_MONOTONIC, &ev, &timer))
        return -1;
    struct itimerspec its = { { 0, SST_TICK_MS * 1000000L }, { 0, SST_TICK_MS * 1000000L } };
    return timer_settime(timer, 0, &its, NULL);
}

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
    return watchdog_start();
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
        physmem_write8(&x->pm, moo_ram_addr(&t->init.ram, i), moo_ram_value(&t->init.ram, i));
}

/* Runs until HLT. Every test is one instruction plus, when it transfers
 * control or raises an exception, the HLT at the target; the cap leaves
 * room for a REP form counting one instruction per iteration, and is small
 * otherwise so a CPU that runs away costs little. */
static enum sst_run_end run_to_hlt(struct cpu *c, uint64_t cap, uint64_t *ran)
{
    enum sst_run_end end = SST_END_NO_HALT;
    *ran = 0;
    c->stop_requested = 0;
    watchdog_deadline = watchdog_ticks + SST_WATCHDOG_TICKS;
    watchdog_cpu = c;
    while (*ran < cap) {
        enum cpu_exit e = cpu_run(c, 16);
        *ran += 16;
        if (e == CPU_EXIT_HLT) {
            end = SST_END_HLT;
            break;
        }
        if (e == CPU_EXIT_SHUTDOWN) {
            end = SST_END_SHUTDOWN;
            break;
        }
        if (e == CPU_EXIT_STOP) {
            end = SST_END_STOP;
            break;
        }
    }
    watchdog_cpu = NULL;
    c->stop_requested = 0;
    return end;
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

/* Where the FLAGS image an exception pushed lies. The handler's first
 * instruction is the HLT, so FINA's SP is the frame's: IP, CS, FLAGS
 * upward, FLAGS at SS:SP+4 (wrapping in the segment). EXCP's flags_address
 * is the even address of the bus word holding it, one below the low byte
 * when SP is odd; it is only used when FINA's SP cannot be trusted. */
static void flags_image_bytes(const struct moo_test *t, uint32_t *lo, uint32_t *hi)
{
    uint16_t sp = (t->fina.regs.mask >> MOO_SP & 1) ? t->fina.regs.v[MOO_SP] : t->init.regs.v[MOO_SP];
    uint16_t ss = (t->fina.regs.mask >> MOO_SS & 1) ? t->fina.regs.v[MOO_SS] : t->init.regs.v[MOO_SS];
    uint32_t base = (uint32_t)ss << 4;
    *lo = base + (uint16_t)(sp + 4);
    *hi = base + (uint16_t)(sp + 5);
    if ((*lo & ~1u) != (t->excp_flags_addr & ~1u)) {
        *lo = t->excp_flags_addr;
        *hi = t->excp_flags_addr + 1;
    }
}

static void compare_ram(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask, struct sst_result *r)
{
    const struct moo_ram *fr = &t->fina.ram, *ir = &t->init.ram;
    uint32_t flags_lo = 0, flags_hi = 0;
    if (t->has_excp)
        flags_image_bytes(t, &flags_lo, &flags_hi);
    for (uint32_t i = 0; i < fr->count; i++) {
        uint32_t a = moo_ram_addr(fr, i);
        uint8_t mask = 0xFF;
        /* The FLAGS image an exception pushed has undefined bits too. */
        if (t->has_excp && a == flags_lo)
            mask = (uint8_t)flags_mask;
        else if (t->has_excp && a == flags_hi)
            mask = (uint8_t)(flags_mask >> 8);
        uint8_t exp = moo_ram_value(fr, i), got = physmem_read8(&x->pm, a);
        if ((exp ^ got) & mask)
            note_ram_diff(r, a, exp & mask, got & mask, mask);
        x->mark[a] = 1;
    }
    /* Bytes FINA does not list must still hold their INIT values. */
    for (uint32_t i = 0; i < ir->count; i++) {
        uint32_t a = moo_ram_addr(ir, i);
        uint8_t exp = moo_ram_value(ir, i), got = physmem_read8(&x->pm, a);
        if (!x->mark[a] && exp != got)
            note_ram_diff(r, a, exp, got, 0xFF);
    }
    for (uint32_t i = 0; i < fr->count; i++)
        x->mark[moo_ram_addr(fr, i)] = 0;
}

static void clear_test_ram(struct sst_exec *x, const struct moo_test *t)
{
    for (uint32_t i = 0; i < t->init.ram.count; i++)
        physmem_write8(&x->pm, moo_ram_addr(&t->init.ram, i), 0);
    for (uint32_t i = 0; i < t->fina.ram.count; i++)
        physmem_write8(&x->pm, moo_ram_addr(&t->fina.ram, i), 0);
}

/* Finds, records and zeroes nonzero bytes in [lo, hi) (page-aligned).
 * Pages never written are backed by the shared zero page: skipped. */
static uint32_t scan_zero(struct sst_exec *x, uint32_t lo, uint32_t hi, struct sst_result *r)
{
    uint32_t found = 0;
    for (uint32_t pg = lo; pg < hi; pg += PHYSMEM_PAGE_SIZE) {
        const uint8_t *page = physmem_read_page(&x->pm, pg);
        if (!page || page == x->pm.zero_page)
            continue;
        for (uint32_t o = 0; o < PHYSMEM_PAGE_SIZE; o += 8) {
            uint64_t w;
            memcpy(&w, page + o, 8);
            if (!w)
                continue;
            for (uint32_t b = o; b < o + 8; b++) {
                if (!page[b])
                    continue;
                if (r && r->stray < SST_MAX_STRAY)
                    r->stray_at[r->stray] = (struct sst_ram_diff){ pg + b, 0, page[b], 0xFF };
                if (r)
                    r->stray++;
                physmem_write8(&x->pm, pg + b, 0);
                found++;
            }
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
                  const struct moo_regs *file_rmsk, int rep, int audit, struct sst_result *r)
{
    sst_exec_run_aliased(x, t, flags_mask, file_rmsk, rep, audit, -1, -1, r);
}

void sst_exec_run_aliased(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask,
                          const struct moo_regs *file_rmsk, int rep, int audit, int from_vec, int to_vec,
                          struct sst_result *r)
{
    uint8_t saved[4];
    memset(r, 0, sizeof(*r));
    load_state(x, t);
    /* Aliasing: vector from_vec's IVT entry temporarily points where
     * to_vec's does, so delivering one instead of the other is the only
     * difference the run can then show. The entry is restored before the
     * comparison (unless the run itself overwrote it). */
    if (from_vec >= 0) {
        uint8_t target[4];
        physmem_read_buf(&x->pm, 4 * (uint32_t)from_vec, saved, 4);
        physmem_read_buf(&x->pm, 4 * (uint32_t)to_vec, target, 4);
        physmem_write_buf(&x->pm, 4 * (uint32_t)from_vec, target, 4);
    }
    uint64_t exc_before[32];
    memcpy(exc_before, x->cpu.stats.exceptions, sizeof(exc_before));
    r->end = run_to_hlt(&x->cpu, rep ? 64 + 2 * (uint64_t)t->init.regs.v[MOO_CX] : 64, &r->insns);
    for (int v = 0; v < 32; v++)
        r->exceptions[v] = x->cpu.stats.exceptions[v] - exc_before[v];
    if (from_vec >= 0) {
        uint8_t a[4], b[4];
        physmem_read_buf(&x->pm, 4 * (uint32_t)from_vec, a, 4);
        physmem_read_buf(&x->pm, 4 * (uint32_t)to_vec, b, 4);
        if (!memcmp(a, b, 4))
            physmem_write_buf(&x->pm, 4 * (uint32_t)from_vec, saved, 4);
    }
    compare_regs(x, t, flags_mask, file_rmsk, r);
    compare_ram(x, t, flags_mask, r);
    clear_test_ram(x, t);
    /* A test that already differs is scanned at once (it is the likely
     * writer of any stray byte, and the scan is cheap next to a failure);
     * the file-level sweep then only has passing tests left to suspect. */
    int differs = r->end != SST_END_HLT || r->reg_diff || r->ram_diffs;
    if (audit || differs) {
        for (uint32_t b = 0; b < SST_SCAN_BLOCKS; b++)
            if (b * SST_SCAN_BLOCK < SST_REAL_LIMIT || x->dirty_block[b])
                scan_zero(x, b * SST_SCAN_BLOCK, (b + 1) * SST_SCAN_BLOCK, r);
    }
    r->pass = !differs && !r->stray;
}
