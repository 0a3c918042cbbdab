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
