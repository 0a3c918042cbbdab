#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/devlog.h"

enum {
    LOG_SLEEP_TYPE_FIRST = 0,    /* bits 0-7: one per SLP_TYP value */
    LOG_READ = 8,
    LOG_WRITE,
    LOG_GBL_RLS,
    LOG_IO_CONFLICT,
};

/* Bit 23 of the counter changes every 2^23 ticks (about 2.34 s): the
 * event behind TMR_STS (ACPI 6.4 section 4.8.2.1). */
#define TMR_STS_SHIFT 23

/* Ticks of the 3.579545 MHz counter at `ns`, exactly floor(ns × f / 10^9),
 * split so that no product overflows 64 bits. */
static uint64_t ticks_at(uint64_t ns)
{
    return (ns / CLOCK_NS_PER_SEC) * ACPI_PM_TIMER_HZ +
           (ns % CLOCK_NS_PER_SEC) * ACPI_PM_TIMER_HZ / CLOCK_NS_PER_SEC;
}

/* The first time (ns) at which the count reaches `ticks`: the inverse of
 * ticks_at(), rounded up. */
static uint64_t ns_at(uint64_t ticks)
{
    uint64_t q = ticks / ACPI_PM_TIMER_HZ, r = ticks % ACPI_PM_TIMER_HZ;
    return q * CLOCK_NS_PER_SEC + (r * CLOCK_NS_PER_SEC + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

static uint64_t now_ticks(const struct acpi_pm *pm)
{
    return ticks_at(clock_now(pm->clock));
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm)
{
    return (uint32_t)(now_ticks(pm) & ACPI_PM_TIMER_MASK);
}

/* Latch TMR_STS if bit 23 changed since it was last looked at. */
static void tmr_update(struct acpi_pm *pm)
{
    uint64_t period = now_ticks(pm) >> TMR_STS_SHIFT;
    if (period != pm->tmr_period) {
        pm->tmr_sts = 1;
        pm->tmr_period = period;
    }
}

static uint16_t sts_value(struct acpi_pm *pm)
{
    tmr_update(pm);
    return (uint16_t)(pm->sts | (pm->tmr_sts ? ACPI_PM1_TMR : 0));
}

/* Recompute the SCI level, and arm the timer for the next bit-23 change
 * only when that change would raise it (lazy device: no timer otherwise). */
static void update_sci(struct acpi_pm *pm)
{
    uint16_t sts = sts_value(pm);
    int level = (sts & pm->en & (ACPI_PM1_TMR | ACPI_PM1_PWRBTN)) != 0;
    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_set(&pm->sci, level);
    }
    if ((pm->en & ACPI_PM1_TMR) && !pm->tmr_sts)
        clock_schedule(pm->clock, pm->timer, ns_at((pm->tmr_period + 1) << TMR_STS_SHIFT));
    else
        clock_cancel(pm->clock, pm->timer);
}

static void tmr_fire(void *opaque)
{
    update_sci(opaque);
}

static void sleep_request(struct acpi_pm *pm, unsigned typ)
{
    if (typ == ACPI_PM_SLP_TYP_S5) {
        if (pm->poweroff)
            pm->poweroff(pm->poweroff_opaque);
        return;
    }
    devlog_once(pm->log, &pm->logged, LOG_SLEEP_TYPE_FIRST + typ,
                "acpi-pm: sleep type %u requested (SLP_EN); only %u (soft off) is "
                "modelled, ignored",
                typ, ACPI_PM_SLP_TYP_S5);
}

/* A write to one of the 16-bit PM1 registers: `val` holds the bytes
 * written, `mask` which of them were. */
static void write_pm1(struct acpi_pm *pm, unsigned reg, uint16_t val, uint16_t mask)
{
    switch (reg) {
    case ACPI_PM1_STS: {
        uint16_t clear = val & mask;
        tmr_update(pm);
        if (clear & ACPI_PM1_TMR)
            pm->tmr_sts = 0;
        pm->sts &= (uint16_t)~(clear & (ACPI_PM1_PWRBTN | ACPI_PM1_WAK_STS));
        break;
    }
    case ACPI_PM1_EN:
        pm->en = (uint16_t)((pm->en & ~mask) | (val & mask & ACPI_PM1_EN_BITS));
        break;
    case ACPI_PM1_CNT: {
        /* BM_RLD (1) and SLP_TYP are kept; GBL_RLS (2) would signal a BIOS
         * SMI handler, which this board does not have. */
        uint16_t keep = 0x0002u | ACPI_PM1_SLP_TYP_MASK;
        if (val & mask & 0x0004u)
            devlog_once(pm->log, &pm->logged, LOG_GBL_RLS,
                        "acpi-pm: GBL_RLS set, but there is no SMM firmware to hear it");
        pm->cnt = (uint16_t)((pm->cnt & ~(mask & keep)) | (val & mask & keep));
        if (val & mask & ACPI_PM1_SLP_EN)
            sleep_request(pm, (pm->cnt & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT);
        break;
    }
    }
    update_sci(pm);
}

static uint8_t read_byte(struct acpi_pm *pm, unsigned off)
{
    uint32_t v;
    switch (off & ~1u) {
    case ACPI_PM1_STS:
        v = sts_value(pm);
        break;
    case ACPI_PM1_EN:
        v = pm->en;
        break;
    case ACPI_PM1_CNT:
        v = pm->cnt | ACPI_PM1_SCI_EN;
        break;
    case ACPI_PM_TMR:
    case ACPI_PM_TMR + 2:
        return (uint8_t)(acpi_pm_timer(pm) >> (8 * (off - ACPI_PM_TMR)));
    default:
        devlog_once(pm->log, &pm->logged, LOG_READ,
                    "acpi-pm: read of unmodelled register at offset 0x%02X reads 0", off);
        return 0;
    }
    return (uint8_t)(v >> (8 * (off & 1)));
}

uint32_t acpi_pm_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct acpi_pm *pm = opaque;
    unsigned off = (unsigned)(port - pm->io_base);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)read_byte(pm, (off + i) & (ACPI_PM_IO_SIZE - 1)) << (8 * i);
    return v;
}

void acpi_pm_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct acpi_pm *pm = opaque;
    unsigned off = (unsigned)(port - pm->io_base);
    /* Split the access over the 16-bit registers it touches, so that a
     * byte write to PM1_STS's high half clears only the bits it names. */
    for (unsigned i = 0; i < size;) {
        unsigned o = (off + i) & (ACPI_PM_IO_SIZE - 1);
        unsigned reg = o & ~1u;
        uint16_t v = 0, mask = 0;
        while (i < size && (((off + i) & (ACPI_PM_IO_SIZE - 1)) & ~1u) == reg) {
            unsigned b = (off + i) & 1u;
            v |= (uint16_t)(((val >> (8 * i)) & 0xFF) << (8 * b));
            mask |= (uint16_t)(0xFF << (8 * b));
            i++;
        }
        if (reg <= ACPI_PM1_CNT)
            write_pm1(pm, reg, v, mask);
        else
            devlog_once(pm->log, &pm->logged, LOG_WRITE,
                        "acpi-pm: write to unmodelled register at offset 0x%02X ignored", o);
    }
}

/* Follow PMBA and PMIOSE (PIIX4 290562 11.1.1, 11.1.22) on the port bus. */
static void remap(struct acpi_pm *pm)
{
    const uint8_t *c = pm->fn.config;
    uint16_t base = (c[ACPI_PM_CFG_PMREGMISC] & 1)
                        ? (uint16_t)(pci_get16(&pm->fn, ACPI_PM_CFG_PMBA) & 0xFFC0u)
                        : 0;
    if (base == pm->io_base)
        return;
    if (pm->io_base)
        iobus_unregister(pm->io, pm->io_base);
    pm->io_base = 0;
    if (!base)
        return;
    if (iobus_register(pm->io, base, ACPI_PM_IO_SIZE, acpi_pm_io_read, acpi_pm_io_write, pm,
                       "acpi-pm") != 0) {
        /* Placed over another device's ports: unreachable, as on a bus
         * where two devices claim the same addresses. */
        devlog_once(pm->log, &pm->logged, LOG_IO_CONFLICT,
                    "acpi-pm: PM block at 0x%04X overlaps another device; not decoded", base);
        return;
    }
    pm->io_base = base;
}

static void config_written(struct pci_device *d, unsigned off, unsigned size)
{
    struct acpi_pm *pm = d->opaque;
    unsigned end = off + size;
    if ((off < ACPI_PM_CFG_PMBA + 4 && end > ACPI_PM_CFG_PMBA) ||
        (off <= ACPI_PM_CFG_PMREGMISC && end > ACPI_PM_CFG_PMREGMISC))
        remap(pm);
}

static void config_reset(struct acpi_pm *pm)
{
    uint8_t *c = pm->fn.config;
    pci_set16(&pm->fn, 0x04, 0x0000);
    c[0x3C] = 0;
    memset(c + ACPI_PM_CFG_PMBA, 0, 4);
    c[ACPI_PM_CFG_PMBA] = 0x01;               /* I/O space indicator */
    memset(c + ACPI_PM_CFG_DEVACTB, 0, 4);
    c[ACPI_PM_CFG_DEVACTB + 3] = (uint8_t)(ACPI_PM_DEVACTB_APMC_EN >> 24);  /* no SMM: see .h */
    c[ACPI_PM_CFG_PMREGMISC] = 0;
    memset(c + ACPI_PM_CFG_SMBBA, 0, 4);
    c[ACPI_PM_CFG_SMBBA] = 0x01;
    c[ACPI_PM_CFG_SMBHSTCFG] = 0;
}

void acpi_pm_reset(struct acpi_pm *pm)
{
    config_reset(pm);
    remap(pm);
    pm->sts = 0;
    pm->en = 0;
    pm->cnt = 0;
    pm->tmr_sts = 0;
    pm->tmr_period = now_ticks(pm) >> TMR_STS_SHIFT;
    update_sci(pm);
}

void acpi_pm_firmware_setup(struct acpi_pm *pm, uint16_t base)
{
    pm->fn.config[0x3C] = ACPI_PM_SCI_IRQ;
    pci_set16(&pm->fn, ACPI_PM_CFG_PMBA, (uint16_t)((base & 0xFFC0u) | 1u));
    pm->fn.config[ACPI_PM_CFG_PMREGMISC] = 0x01;
    remap(pm);
}

void acpi_pm_press_power_button(struct acpi_pm *pm)
{
    pm->sts |= ACPI_PM1_PWRBTN;
    update_sci(pm);
}

int acpi_pm_init(struct acpi_pm *pm, struct iobus *io, struct clock *clock, struct irq_line sci,
                 void (*poweroff)(void *), void *opaque, FILE *log)
{
    memset(pm, 0, sizeof *pm);
    pm->io = io;
    pm->clock = clock;
    pm->sci = sci;
    pm->poweroff = poweroff;
    pm->poweroff_opaque = opaque;
    pm->log = log;
    pm->timer = clock_timer_add(clock, "acpi-pm-timer", tmr_fire, pm);
    if (pm->timer < 0)
        return -1;

    /* Class 06/80/00 (other bridge), as the part reports itself. */
    pci_device_init(&pm->fn, "piix4-pm", 0x8086, 0x7113, 0x03, 0x068000, 0x00);
    pm->fn.opaque = pm;
    pm->fn.written = config_written;
    pm->fn.config[0x3D] = 0x01;               /* INTA#: the SMBus interrupt pin */
    uint8_t *w = pm->fn.wmask;
    w[ACPI_PM_CFG_PMBA] = 0xC0;               /* PMBA bits 15:6 */
    w[ACPI_PM_CFG_PMBA + 1] = 0xFF;
    memset(w + ACPI_PM_CFG_DEVACTB, 0xFF, 4);
    w[ACPI_PM_CFG_PMREGMISC] = 0x01;          /* PMIOSE */
    w[ACPI_PM_CFG_SMBBA] = 0xF0;              /* SMBus base, kept: SMBus not modelled */
    w[ACPI_PM_CFG_SMBBA + 1] = 0xFF;
    w[ACPI_PM_CFG_SMBHSTCFG] = 0x0F;
    acpi_pm_reset(pm);
    return 0;
}

static const struct state_field acpi_pm_fields[] = {
    STATE_FIELD(struct acpi_pm, sts, 0xFFFF), STATE_FIELD(struct acpi_pm, en, 0xFFFF),
    STATE_FIELD(struct acpi_pm, cnt, 0xFFFF), STATE_FIELD(struct acpi_pm, tmr_sts, 1),
    STATE_FIELD(struct acpi_pm, tmr_period, STATE_ANY), STATE_FIELD(struct acpi_pm, sci_level, 1),
};
static const struct state_layout acpi_pm_layout = STATE_LAYOUT("APM0", 1, acpi_pm_fields);

void acpi_pm_save(const struct acpi_pm *pm, struct state_writer *w)
{
    state_save_layout(w, &acpi_pm_layout, NULL, pm);
}

int acpi_pm_load(struct acpi_pm *pm, struct state_reader *r)
{
    if (state_load_layout(r, &acpi_pm_layout, NULL, pm) != 0)
        return -1;
    pm->sts &= ACPI_PM1_PWRBTN | ACPI_PM1_WAK_STS;
    pm->en &= ACPI_PM1_EN_BITS;
    pm->cnt &= 0x0002u | ACPI_PM1_SLP_TYP_MASK;
    /* The configuration space was restored by the PCI bus (whose load
     * calls config_written, which maps the block); the SCI line and the
     * timer deadline are the PIC's and the clock's records. */
    return 0;
}
