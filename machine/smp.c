/* Several CPUs taking turns on one host thread; see smp.h. */
#include <string.h>

#include "cpu/except.h"
#include "cpu/mem.h"
#include "machine/board_apic.h"
#include "machine/cpu_state.h"
#include "machine/machine.h"
#include "machine/smp.h"

uint64_t machine_smp_icount_sum(const struct machine *m)
{
    uint64_t n = 0;
    for (unsigned k = 0; k < m->ncpus; k++)
        n += m->cpus[k].icount;
    return n;
}

/* Every CPU's TLB must hear of host-page changes (cpu/mem.c). */
_Static_assert(MACHINE_CPUS_MAX <= PHYSMEM_LISTENERS_MAX, "a TLB listener for every CPU");

void machine_smp_create(struct machine *m)
{
    struct cpu *bsp = &m->cpus[0];
    for (unsigned k = 1; k < m->ncpus; k++) {
        struct cpu *c = &m->cpus[k];
        cpu_init(c, bsp->mem, &bsp->io);
        c->apic_id = (uint8_t)k;
        cpu_reset(c);   /* again, as CPU k: IA32_APIC_BASE without the BSP flag */
        c->mmu = bsp->mmu;
        m->smp[k].state = MACHINE_CPU_WAIT_SIPI;
    }
}

void machine_smp_reset(struct machine *m)
{
    uint64_t total = machine_insn_total(m);
    for (unsigned k = 0; k < m->ncpus; k++) {
        struct machine_smp_cpu *s = &m->smp[k];
        if (k != m->cur) {
            struct cpu_hooks hooks = m->cpu->hooks;
            cpu_reset(&m->cpus[k]);
            m->cpus[k].hooks = hooks;
        }
        s->state = k == 0 ? MACHINE_CPU_RUNNING : MACHINE_CPU_WAIT_SIPI;
        s->init_pending = 0;
        s->out_total = total;   /* every TSC restarts from 0 here (cpu_msr_reset) */
        memset(s->pdpte, 0, sizeof s->pdpte);
    }
    machine_smp_switch(m, 0);
}

void machine_smp_switch(struct machine *m, unsigned k)
{
    m->slice_left = MACHINE_SMP_QUANTUM;
    m->switch_requested = 0;
    if (k == m->cur)
        return;
    struct cpu *from = m->cpu, *to = &m->cpus[k];
    uint64_t total = machine_insn_total(m);
    m->smp[m->cur].out_total = total;
    memcpy(m->smp[m->cur].pdpte, m->mmu.pdpte, sizeof m->mmu.pdpte);
    memcpy(m->mmu.pdpte, m->smp[k].pdpte, sizeof m->mmu.pdpte);
    /* Its TSC counts what the others ran meanwhile (virtual time). */
    to->tsc_offset += total - m->smp[k].out_total;
    /* Observers (trace, gdb stub) belong to the session: they follow the
     * running CPU. */
    to->hooks = from->hooks;
    from->stop_requested = 0;
    m->icount_others += from->icount - to->icount;
    m->cur = k;
    m->cpu = to;
    if (m->dbt)
        dbt_set_cpu(m->dbt, to);
    m->smp[k].turns++;
}

int machine_smp_cpu_ready(struct machine *m, unsigned k)
{
    struct cpu *c = &m->cpus[k];
    if (m->smp[k].state != MACHINE_CPU_RUNNING)
        return 0;
    if (!c->halted)
        return 1;
    return cpu_nmi_ready(c) || (board_intr_pending(m, k) && cpu_interrupts_enabled(c));
}

int machine_smp_cpu_can_wake(const struct machine *m, unsigned k)
{
    const struct cpu *c = &m->cpus[k];
    if (m->smp[k].state != MACHINE_CPU_RUNNING)
        return 0;   /* only another CPU's SIPI: not while all are idle */
    if (c->nmi_pending && !c->nmi_blocked)
        return 1;
    if (!(cpu_get_eflags(c) & EFLAGS_IF))
        return 0;
    return board_intr_can_wake(m, k);
}

void machine_smp_yield(struct machine *m)
{
    if (m->ncpus < 2)
        return;
    m->switch_requested = 1;
    cpu_request_stop(m->cpu);
}

static void take_init(struct machine *m, unsigned k);

int machine_smp_pick(struct machine *m)
{
    if (m->smp[m->cur].init_pending)
        take_init(m, m->cur);
    if (!m->switch_requested && m->slice_left && machine_smp_cpu_ready(m, m->cur))
        return 0;
    for (unsigned i = 1; i <= m->ncpus; i++) {
        unsigned k = (m->cur + i) % m->ncpus;
        if (machine_smp_cpu_ready(m, k)) {
            machine_smp_switch(m, k);
            return 0;
        }
    }
    m->switch_requested = 0;
    return -1;
}

void machine_smp_idle_skipped(struct machine *m, uint64_t ticks)
{
    for (unsigned k = 0; k < m->ncpus; k++)
        m->cpus[k].tsc_offset += ticks;
}

/* INIT (SDM 9.1, table 9-1): the CPU's registers as at reset but for the
 * x87, the MTRRs and the TSC, which INIT leaves alone; an AP then waits
 * for a SIPI. INIT to the bootstrap CPU is not modelled (the caller logs
 * it): no firmware or OS shadow86 runs sends one. */
static void take_init(struct machine *m, unsigned k)
{
    struct cpu *c = &m->cpus[k];
    struct cpu_hooks hooks = c->hooks;
    struct fpu fpu = c->fpu;
    struct cpu_msrs msr = c->msr;
    uint64_t tsc = c->tsc_offset, icount = c->icount;
    uint64_t apic_base = c->msr.apic_base;
    uint64_t pdpte[4];   /* cpu_reset() resets the shared MMU: keep the running CPU's */
    memcpy(pdpte, m->mmu.pdpte, sizeof pdpte);
    cpu_reset(c);
    memcpy(m->mmu.pdpte, pdpte, sizeof pdpte);
    c->hooks = hooks;
    c->fpu = fpu;
    memcpy(c->msr.mtrr_var, msr.mtrr_var, sizeof msr.mtrr_var);
    memcpy(c->msr.mtrr_fixed, msr.mtrr_fixed, sizeof msr.mtrr_fixed);
    c->msr.mtrr_def_type = msr.mtrr_def_type;
    c->msr.apic_base = apic_base;
    c->tsc_offset = tsc + (icount - c->icount);
    if (k == m->cur)
        memset(m->mmu.pdpte, 0, sizeof m->mmu.pdpte);
    else
        memset(m->smp[k].pdpte, 0, sizeof m->smp[k].pdpte);
    m->smp[k].state = MACHINE_CPU_WAIT_SIPI;
    m->smp[k].init_pending = 0;
}

/* The running CPU may be inside the instruction that sent the INIT (an
 * ICR write to itself): its state must not change under that
 * instruction, so its INIT waits for the end of the turn. */
void machine_smp_init_ipi(struct machine *m, unsigned k)
{
    if (k != m->cur) {
        take_init(m, k);
        return;
    }
    m->smp[k].init_pending = 1;
    machine_smp_yield(m);
}

/* SIPI (SDM 8.4.4): a CPU waiting for one starts in real mode at
 * vector:0000 (CS = vector << 8, base vector << 12); others ignore it. */
void machine_smp_sipi(struct machine *m, unsigned k, uint8_t vector)
{
    struct cpu *c = &m->cpus[k];
    if (m->smp[k].state != MACHINE_CPU_WAIT_SIPI)
        return;   /* running (also with its own INIT still pending: it sent both) */
    cpu_load_real_seg(c, SEG_CS, (uint16_t)(vector << 8));
    c->eip = 0;
    c->halted = 0;
    m->smp[k].state = MACHINE_CPU_RUNNING;
    m->smp[k].sipis++;
}

/* ------------------------------------------------------------ state
 *
 * Record "SMP0" (only with -smp > 1): the CPU count, who runs and what is
 * left of its turn, and each CPU's start-up state and TSC catch-up point;
 * CPU k's registers are in "CPUk"/"FPUk", its APIC in "LAPk". The
 * counters (halts, turns, SIPIs) are statistics, not state. */
void machine_smp_save(const struct machine *m, struct state_writer *w)
{
    if (m->ncpus < 2)
        return;
    state_begin(w, "SMP0", 1);
    state_put_u8(w, (uint8_t)m->ncpus);
    state_put_u8(w, (uint8_t)m->cur);
    state_put_u64(w, m->slice_left);
    state_put_u8(w, (uint8_t)m->switch_requested);
    for (unsigned k = 0; k < m->ncpus; k++) {
        state_put_u8(w, m->smp[k].state);
        state_put_u8(w, m->smp[k].init_pending);
        state_put_u64(w, m->smp[k].out_total);
    }
    state_end(w);
    for (unsigned k = 1; k < m->ncpus; k++)
        cpu_state_save_as(&m->cpus[k], w, k);
}

/* The CPU count a saved state holds (1 without an "SMP0" record). */
static unsigned saved_cpus(const uint8_t *buf, size_t len)
{
    struct state_reader p;
    state_reader_init(&p, buf, len);
    if (state_open(&p, "SMP0", 1) != 0)
        return 1;
    return state_get_u8(&p);
}

int machine_smp_load(struct machine *m, const uint8_t *buf, size_t len,
                     struct state_reader *r, char *err, size_t errsz)
{
    unsigned saved = saved_cpus(buf, len);
    if (saved != m->ncpus) {
        snprintf(err, errsz, "saved state: it holds %u CPU%s, this machine has %u (-smp)",
                 saved, saved == 1 ? "" : "s", m->ncpus);
        return -1;
    }
    unsigned cur = 0;
    if (m->ncpus > 1) {
        if (state_open(r, "SMP0", 1) != 0)
            goto bad;
        (void)state_get_u8(r);
        cur = state_get_u8(r);
        m->slice_left = state_get_u64(r);
        m->switch_requested = state_get_u8(r) & 1;
        for (unsigned k = 0; k < m->ncpus; k++) {
            m->smp[k].state = state_get_u8(r);
            m->smp[k].init_pending = state_get_u8(r) & 1;
            m->smp[k].out_total = state_get_u64(r);
            if (m->smp[k].state > MACHINE_CPU_WAIT_SIPI)
                state_fail(r);
        }
        if (cur >= m->ncpus || m->slice_left > MACHINE_SMP_QUANTUM)
            state_fail(r);
        if (state_close(r) != 0)
            goto bad;
        for (unsigned k = 1; k < m->ncpus; k++) {
            if (cpu_state_load_as(&m->cpus[k], r, k) != 0) {
                snprintf(err, errsz, "saved state: the record of CPU %u is missing or damaged", k);
                return -1;
            }
            m->cpus[k].stop_requested = 0;
        }
    }
    struct cpu_hooks hooks = m->cpu->hooks;
    m->cur = cur;
    m->cpu = &m->cpus[cur];
    m->cpu->hooks = hooks;
    m->icount_others = machine_smp_icount_sum(m) - m->cpu->icount;
    if (m->dbt)
        dbt_set_cpu(m->dbt, m->cpu);
    return 0;
bad:
    snprintf(err, errsz, "saved state: the SMP record is missing or damaged");
    return -1;
}

void machine_smp_state_loaded(struct machine *m)
{
    /* Each CPU's TLB goes and its PDPTE registers are read again from
     * its PDPT (cpu_mmu_state_loaded); the running CPU's last, into the
     * MMU. */
    for (unsigned k = 0; k < m->ncpus; k++) {
        if (k == m->cur)
            continue;
        cpu_mmu_state_loaded(&m->cpus[k]);
        memcpy(m->smp[k].pdpte, m->mmu.pdpte, sizeof m->mmu.pdpte);
    }
    cpu_mmu_state_loaded(m->cpu);
}
