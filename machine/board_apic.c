/* The board's APIC side; see board_apic.h. With `-machine apic=off` none
 * of this is wired and the PIC's INTR goes to the CPU as before. */
#include <stdio.h>

#include "cpu/except.h"
#include "machine/board_apic.h"
#include "machine/machine.h"

int board_isa_to_gsi(int irq)
{
    return irq == 0 ? 2 : irq;
}

/* ------------------------------------------------------------ the APIC bus
 *
 * A message reaches every local APIC its shorthand or destination selects;
 * lowest priority picks, among those, the one with the lowest arbitration
 * priority (SDM 10.6.2.4), the lowest index among equals (the P6's
 * rotating tie-break is not modelled: fixed, so runs repeat). An IPI that
 * reaches another CPU ends the sender's turn (machine/smp.h). */
static void apic_bus_send(void *opaque, const struct apic_msg *msg)
{
    struct machine *m = opaque;
    int lowest = -1, others = 0;
    for (unsigned k = 0; k < m->ncpus; k++) {
        struct lapic *l = &m->lapic[k];
        int self = msg->source == l->index, hit;
        switch (msg->shorthand) {
        case APIC_SH_SELF: hit = self; break;
        case APIC_SH_ALL: hit = 1; break;
        case APIC_SH_ALL_BUT_SELF: hit = !self; break;
        default: hit = lapic_match_dest(l, msg); break;
        }
        if (!hit)
            continue;
        if (msg->mode == APIC_DM_LOWEST && msg->shorthand == APIC_SH_NONE) {
            if (lowest < 0 || lapic_arb_priority(l) < lapic_arb_priority(&m->lapic[lowest]))
                lowest = (int)k;
            continue;
        }
        lapic_accept(l, msg);
        others |= !self;
    }
    if (lowest >= 0) {
        lapic_accept(&m->lapic[lowest], msg);
        others |= lowest != msg->source;
    }
    if (others && msg->source >= 0 && (unsigned)msg->source == m->cur)
        machine_smp_yield(m);
}

/* An IPI from a local APIC's ICR. */
static void lapic_send(void *opaque, const struct apic_msg *msg)
{
    struct machine_lapic_port *p = opaque;
    apic_bus_send(p->m, msg);
}

/* The APIC of CPU `port` may raise its INTR: stop the running CPU so the
 * run loop sees it (and, for another CPU, let that one have its turn). */
static void lapic_kick(void *opaque)
{
    struct machine_lapic_port *p = opaque;
    struct machine *m = p->m;
    if (p->cpu == m->cur)
        cpu_request_stop(m->cpu);
    else
        machine_smp_yield(m);
}

static void lapic_eoi_broadcast(void *opaque, uint8_t vector)
{
    struct machine_lapic_port *p = opaque;
    ioapic_eoi(&p->m->ioapic, vector);
}

static void lapic_nmi(void *opaque)
{
    struct machine_lapic_port *p = opaque;
    cpu_raise_nmi(&p->m->cpus[p->cpu]);
    lapic_kick(opaque);
}

/* INIT: an application processor resets and waits for a SIPI (SDM
 * 8.4.4). INIT of the bootstrap CPU is not modelled: logged once. */
static void lapic_init_cpu(void *opaque)
{
    struct machine_lapic_port *p = opaque;
    struct machine *m = p->m;
    if (p->cpu != 0) {
        lapic_init_received(&m->lapic[p->cpu]);
        machine_smp_init_ipi(m, p->cpu);
        return;
    }
    if (m->opts.log && !m->lapic_init_logged) {
        fprintf(m->opts.log, "shadow86: INIT IPI to the bootstrap CPU is not modelled (ignored)\n");
        m->lapic_init_logged = 1;
    }
}

/* SIPI: for CPUs waiting for one (the BSP never is). */
static void lapic_sipi(void *opaque, uint8_t vector)
{
    struct machine_lapic_port *p = opaque;
    machine_smp_sipi(p->m, p->cpu, vector);
}

static struct lapic *lapic_window(void *opaque)
{
    struct machine_lapic_port *p = opaque;
    return &p->m->lapic[p->m->cur];
}

/* The running CPU's WRMSR to IA32_APIC_BASE. */
static void cpu_apic_base(void *opaque, uint64_t value)
{
    struct machine *m = opaque;
    lapic_set_base(&m->lapic[m->cur], value);
}

/* The running CPU's RDMSR/WRMSR of an x2APIC register. */
static int cpu_apic_msr_read(void *opaque, uint32_t index, uint64_t *value)
{
    struct machine *m = opaque;
    return lapic_msr_read(&m->lapic[m->cur], index, value);
}

static int cpu_apic_msr_write(void *opaque, uint32_t index, uint64_t value)
{
    struct machine *m = opaque;
    return lapic_msr_write(&m->lapic[m->cur], index, value);
}

int board_lapic_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    unsigned k = (unsigned)((struct lapic *)dev - m->lapic);
    if (!m->opts.apic || k >= m->ncpus)
        return 0;
    struct machine_lapic_port *p = &m->lapic_port[k];
    p->m = m;
    p->cpu = k;
    struct lapic_host host = {
        .opaque = p, .kick = lapic_kick, .send = lapic_send,
        .eoi_broadcast = lapic_eoi_broadcast, .nmi = lapic_nmi,
        .init = lapic_init_cpu, .sipi = lapic_sipi,
        .window_apic = m->ncpus > 1 ? lapic_window : NULL,
    };
    if (lapic_init(dev, (int)k, &m->mem, &m->clock, &host, m->opts.log) != 0)
        return -1;
    for (unsigned c = 0; c < m->ncpus; c++) {
        m->cpus[c].io.apic = 1;
        m->cpus[c].io.apic_base = cpu_apic_base;
        m->cpus[c].io.x2apic = m->opts.x2apic != 0;
        m->cpus[c].io.apic_msr_read = cpu_apic_msr_read;
        m->cpus[c].io.apic_msr_write = cpu_apic_msr_write;
    }
    return 0;
}

int board_ioapic_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    if (!m->opts.apic)
        return 0;
    return ioapic_init(dev, BOARD_IOAPIC_ID(m), &m->mem, apic_bus_send, m, m->opts.log);
}

/* ------------------------------------------------------------ ISA lines */

static void isa_drive(struct machine *m, int irq, int level)
{
    struct irq_line pic = i8259_irq_line(&m->pic, irq);
    irq_set(&pic, level);
    ioapic_set_irq(&m->ioapic, board_isa_to_gsi(irq), level);
}

/* IRQ 0 and 8 index 0 and 1 of the shared-line levels, others -1. */
static int legacy_index(int irq)
{
    return irq == 0 ? 0 : irq == 8 ? 1 : -1;
}

static void isa_set(void *opaque, int irq, int level)
{
    struct machine *m = opaque;
    int li = legacy_index(irq);
    if (li >= 0) {
        m->isa_legacy_dev_level[li] = (uint8_t)level;
        if (hpet_legacy_on(&m->hpet))
            return;   /* the HPET has the line (spec 2.3.5.1: the PIT's and RTC's are cut) */
    }
    isa_drive(m, irq, level);
}

struct irq_line board_apic_isa_irq(struct machine *m, int irq)
{
    return irq_line_make(isa_set, m, irq);
}

static void hpet_irq(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    if (line & 0x100) {
        int irq = line & 0xFF, li = legacy_index(irq);
        if (li < 0)
            return;
        m->isa_legacy_hpet_level[li] = (uint8_t)level;
        if (hpet_legacy_on(&m->hpet))
            isa_drive(m, irq, level);
        return;
    }
    ioapic_set_irq(&m->ioapic, line, level);
}

/* Legacy replacement switched: IRQ 0 and 8 carry the other source now. */
static void hpet_legacy(void *opaque, int on)
{
    struct machine *m = opaque;
    for (int li = 0; li < 2; li++)
        isa_drive(m, li ? 8 : 0, on ? m->isa_legacy_hpet_level[li] : m->isa_legacy_dev_level[li]);
}

int board_hpet_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    if (!m->opts.apic)
        return 0;
    return hpet_init(dev, &m->mem, &m->clock, hpet_irq, hpet_legacy, m, m->opts.log);
}

/* QEMU's FW_CFG_IRQ0_OVERRIDE (0x8002, "etc/irq0-override" to SeaBIOS):
 * 1 says IRQ 0 is on I/O APIC input 2, which SeaBIOS's MP table then
 * declares. */
#define FW_CFG_IRQ0_OVERRIDE 0x8002
int board_apic_fw_cfg(struct machine *m)
{
    if (!m->opts.apic)
        return 0;
    uint8_t one = 1;
    return fw_cfg_add_bytes(&m->fw_cfg, FW_CFG_IRQ0_OVERRIDE, &one, 1);
}

/* ------------------------------------------------------------ INTR */

void board_apic_set_intr(struct machine *m, int level)
{
    /* LINT0 of every CPU (the MP table's ExtINT entry says "all"); only
     * the BSP's comes up unmasked. */
    if (m->opts.apic)
        for (unsigned k = 0; k < m->ncpus; k++)
            lapic_set_lint(&m->lapic[k], 0, level);
}

int board_intr_pending(const struct machine *m, unsigned cpu)
{
    if (!m->opts.apic)
        return m->intr_level ? LAPIC_INTR_EXTINT : LAPIC_INTR_NONE;
    return lapic_intr_pending(&m->lapic[cpu]);
}

uint8_t board_intr_acknowledge(struct machine *m, unsigned cpu)
{
    if (board_intr_pending(m, cpu) == LAPIC_INTR_EXTINT)
        return i8259_acknowledge(&m->pic);
    return lapic_acknowledge(&m->lapic[cpu]);
}

/* The PIC can still interrupt if some line gets through it: the master
 * has an unmasked line other than the cascade, or the cascade and the
 * slave an unmasked line. */
static int pic_can_wake(const struct machine *m)
{
    uint8_t mimr = m->pic.chip[0].imr, simr = m->pic.chip[1].imr;
    if ((mimr | 0x04) != 0xFF)
        return 1;
    return !(mimr & 0x04) && simr != 0xFF;
}

int board_intr_can_wake(const struct machine *m, unsigned cpu)
{
    if (!m->opts.apic)
        return pic_can_wake(m);
    if (lapic_extint_open(&m->lapic[cpu]) && pic_can_wake(m))
        return 1;
    return lapic_can_wake(&m->lapic[cpu]) || ioapic_any_unmasked(&m->ioapic);
}
