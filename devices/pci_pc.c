#include <string.h>

#include "devices/pci_pc.h"

/* PAM register layout (290549 3.2.18): PAM0 bits 5:4 cover 0xF0000-
 * 0xFFFFF; PAM1..PAM6 each cover two 16 KiB chunks from 0xC0000, low
 * nibble first. In each nibble bit 0 is RE (read RAM), bit 1 WE. */
static void host_pam_update(struct pci_pc *pc)
{
    if (!pc->pam)
        return;
    uint8_t *c = pc->host.config;
    unsigned hi = (c[I440FX_PAM0] >> 4) & 3;
    for (unsigned k = 12; k < 16; k++)
        pc->pam(pc->pam_opaque, k, hi);
    for (unsigned r = 0; r < 6; r++) {
        uint8_t v = c[I440FX_PAM0 + 1 + r];
        pc->pam(pc->pam_opaque, 2 * r, v & 3);
        pc->pam(pc->pam_opaque, 2 * r + 1, (v >> 4) & 3);
    }
}

static void host_written(struct pci_device *d, unsigned off, unsigned size)
{
    struct pci_pc *pc = d->opaque;
    if (off + size > I440FX_PAM0 && off <= I440FX_PAM0 + 6)
        host_pam_update(pc);
}

static uint32_t bm_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct pci_pc *pc = opaque;
    return ide_bm_read(pc->ide, (unsigned)(port - pc->idefn.bar_mapped[4]), size);
}

static void bm_port_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct pci_pc *pc = opaque;
    ide_bm_write(pc->ide, (unsigned)(port - pc->idefn.bar_mapped[4]), size, val);
}

/* BAR4 (bus master, 16 ports) moved: follow it on the port bus. */
static void ide_bar_map(struct pci_device *d, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct pci_pc *pc = d->opaque;
    if (bar != 4)
        return;
    if (old_addr)
        iobus_unregister(pc->io, (uint16_t)old_addr);
    if (new_addr && iobus_register(pc->io, (uint16_t)new_addr, 16, bm_port_read, bm_port_write,
                                   pc, "ide-busmaster") != 0) {
        /* The firmware put the BAR over another device's ports: the bus
         * master stays unreachable, as it would on a real conflicting bus. */
        d->bar_mapped[4] = 0;
    }
}

void pci_pc_reset(struct pci_pc *pc)
{
    uint8_t *h = pc->host.config;
    pci_set16(&pc->host, 0x04, 0x0006);
    h[0x50] = 0x00;
    h[0x51] = 0x01;
    h[0x57] = 0x01;
    h[0x58] = 0x10;
    memset(h + I440FX_PAM0, 0, 7);     /* PAM reset: everything reads ROM */
    memset(h + 0x60, 0x01, 8);         /* DRB: 8 MB rows, as the part resets */
    h[0x72] = 0x02;                    /* SMRAM: C_BASE_SEG = 010 (A-segment) */
    host_pam_update(pc);

    uint8_t *i = pc->isa.config;
    pci_set16(&pc->isa, 0x04, 0x0007);
    memset(i + PIIX3_PIRQ_ROUTE, 0x80, 4);   /* PIRQ routing disabled */
    i[0x4C] = 0x4D;                    /* IORT */
    i[0x4E] = 0x03;                    /* XBCS */
    i[0x69] = 0x02;                    /* TOM */
    i[0x70] = 0x80;                    /* MBIRQ0 disabled */
    i[0x76] = i[0x77] = 0x0C;          /* MBDMA disabled */
    i[0xA0] = 0x08;                    /* SMICNTL etc. as reset */
}

int pci_pc_pirq_irq(const struct pci_pc *pc, int pirq)
{
    uint8_t v = pc->isa.config[PIIX3_PIRQ_ROUTE + (pirq & 3)];
    return (v & 0x80) ? -1 : (v & 0x0F);
}

void pci_pc_firmware_ide_setup(struct pci_pc *pc)
{
    pci_set16(&pc->idefn, 0x40, 0x8000);   /* primary IDETIM: IDE decode enable */
    pci_set16(&pc->idefn, 0x42, 0x8000);   /* secondary */
}

int pci_pc_init(struct pci_pc *pc, struct pci_bus *bus, struct iobus *io, struct ide *ide,
                pci_pam_fn pam, void *pam_opaque)
{
    memset(pc, 0, sizeof *pc);
    pc->pam = pam;
    pc->pam_opaque = pam_opaque;
    pc->ide = ide;
    pc->io = io;

    /* 00.0: host bridge, class 06/00/00. */
    pci_device_init(&pc->host, "i440fx", 0x8086, 0x1237, 0x02, 0x060000, 0x00);
    pc->host.opaque = pc;
    pc->host.written = host_written;
    pc->host.wmask[0x50] = 0xFF;       /* PMCCFG */
    pc->host.wmask[0x51] = 0xFF;
    pc->host.wmask[0x57] = 0xFF;       /* DRAMC */
    pc->host.wmask[0x58] = 0xFF;       /* DRAMT */
    pc->host.wmask[I440FX_PAM0] = 0x30;
    for (unsigned r = 1; r <= 6; r++)
        pc->host.wmask[I440FX_PAM0 + r] = 0x33;
    memset(pc->host.wmask + 0x60, 0xFF, 8);  /* DRB0-7 */
    pc->host.wmask[0x72] = 0x78;       /* SMRAM: D_OPEN, D_CLS, D_LCK, G_SMRAME */

    /* 01.0: ISA bridge, class 06/01/00, multi-function. */
    pci_device_init(&pc->isa, "piix3-isa", 0x8086, 0x7000, 0x00, 0x060100, 0x80);
    pc->isa.opaque = pc;
    for (unsigned r = 0; r < 4; r++)
        pc->isa.wmask[PIIX3_PIRQ_ROUTE + r] = 0x8F;
    pc->isa.wmask[0x4C] = 0xFF;
    pc->isa.wmask[0x4E] = 0xFF;
    pc->isa.wmask[0x4F] = 0xFF;
    pc->isa.wmask[0x69] = 0xFE;
    pc->isa.wmask[0x6A] = 0xFF;
    pc->isa.wmask[0x70] = 0xCF;
    pc->isa.wmask[0x76] = pc->isa.wmask[0x77] = 0x8F;
    pc->isa.wmask[0x78] = pc->isa.wmask[0x79] = 0xFF;
    pc->isa.wmask[0x80] = 0xFF;
    pc->isa.wmask[0x82] = 0xFF;
    for (unsigned r = 0xA0; r <= 0xAF; r++)
        pc->isa.wmask[r] = 0xFF;

    /* 01.1: IDE, class 01/01/80 (legacy mode both channels, bus master). */
    pci_device_init(&pc->idefn, "piix3-ide", 0x8086, 0x7010, 0x00, 0x010180, 0x00);
    pc->idefn.opaque = pc;
    pc->idefn.bar_map = ide_bar_map;
    pci_device_add_bar(&pc->idefn, 4, 16, 1, 0);
    /* IDETIM (0x40-0x43) with the decode-enable bits, SIDETIM (0x44). */
    memset(pc->idefn.wmask + 0x40, 0xFF, 5);

    pci_pc_reset(pc);
    if (pci_bus_add(bus, &pc->host, 0x00) != 0 || pci_bus_add(bus, &pc->isa, 0x08) != 0 ||
        pci_bus_add(bus, &pc->idefn, 0x09) != 0)
        return -1;
    return 0;
}
