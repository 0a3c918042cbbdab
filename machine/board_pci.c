#include "machine/board.h"
#include "machine/board_pci.h"
#include "machine/machine.h"

static void pam_set(void *opaque, unsigned chunk, unsigned mode)
{
    struct machine *m = opaque;
    physmem_set_pam(&m->mem, chunk, mode);
}

int board_pci_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err;
    (void)errsz;
    struct pci_bus *bus = dev;
    pci_bus_init(bus, m->opts.log);
    return pci_bus_register_ports(bus, &m->bus);
}

/* 00.0 i440FX, 01.0 PIIX3, 01.1 its IDE function (the IDE is wired first). */
int board_chipset_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err;
    (void)errsz;
    return pci_pc_init(dev, &m->pci, &m->bus, &m->ide, pam_set, m);
}

int board_pm_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err;
    (void)errsz;
    struct acpi_pm *pm = dev;
    if (acpi_pm_init(pm, &m->bus, &m->clock, board_isa_irq(m, ACPI_PM_SCI_IRQ),
                     board_poweroff_line, m, m->opts.log) != 0)
        return -1;
    return pci_bus_add(&m->pci, &pm->fn, ACPI_PM_DEVFN);
}

int board_pci_pirq(int devfn, int pin)
{
    return ((devfn >> 3) - 1 + pin - 1) & 3;
}

/* Raise every ISA IRQ an asserted PIRQ is routed to, and lower the ones
 * raised last time that none holds now (a route taken away lets its old
 * IRQ fall); IRQs PCI never raised are left to their ISA devices. */
static void pirq_update(struct machine *m)
{
    uint16_t level = 0;
    for (int p = 0; p < 4; p++) {
        int irq = pci_pc_pirq_irq(&m->chipset, p);
        if (irq < 3 || irq == 8 || irq == 13 || irq > 15)
            continue;                  /* reserved route values (290550 2.2.9) */
        if (m->pirq_assert[p])
            level |= (uint16_t)(1u << irq);
    }
    uint16_t touch = level | m->pirq_driven;
    for (int irq = 0; irq < 16; irq++)
        if (touch & (1u << irq)) {
            /* The board's ISA line: the 8259 input, and with the APIC
             * the I/O APIC input too (machine/board_apic.c). */
            struct irq_line l = board_isa_irq(m, irq);
            irq_set(&l, (level >> irq) & 1);
        }
    m->pirq_driven = level;
}

void board_pci_dma_read(void *machine, uint32_t gpa, void *buf, uint32_t len)
{
    struct machine *m = machine;
    physmem_read_buf(&m->mem, gpa, buf, len);
}

void board_pci_dma_write(void *machine, uint32_t gpa, const void *buf, uint32_t len)
{
    struct machine *m = machine;
    physmem_write_buf(&m->mem, gpa, buf, len);
}

void board_pci_inta(void *machine, int devfn, int level)
{
    board_pci_intx(machine, devfn, 1, level);
}

void board_pci_intx(struct machine *m, int devfn, int pin, int level)
{
    int p = board_pci_pirq(devfn, pin);
    uint32_t bit = 1u << (devfn >> 3);
    if (level)
        m->pirq_assert[p] |= bit;
    else
        m->pirq_assert[p] &= ~bit;
    pirq_update(m);
}
