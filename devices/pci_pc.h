/* The PCI functions of a PIIX3-era PC (QEMU's "pc" machine layout):
 *   00.0 i440FX host bridge 8086:1237 (Intel 290549) with the PAM
 *        registers that switch 0xC0000-0xFFFFF between ROM and RAM;
 *   01.0 PIIX3 PCI-to-ISA bridge 8086:7000 (Intel 290550), PIRQ routing;
 *   01.1 PIIX3 IDE 8086:7010, legacy ports and the bus-master BAR4.
 * The VGA function (02.0) lives with the VGA in vga_pci.c.
 */
#ifndef SHADOW86_DEVICES_PCI_PC_H
#define SHADOW86_DEVICES_PCI_PC_H

#include "devices/ide.h"
#include "devices/iobus.h"
#include "devices/pci.h"

/* A PAM chunk (16 KiB, 0 = 0xC0000 ... 15 = 0xFC000) changed mode: bit 0
 * reads from RAM, bit 1 writes to RAM (the physmem PAM mode bits). */
typedef void (*pci_pam_fn)(void *opaque, unsigned chunk, unsigned mode);

#define I440FX_PAM0 0x59
#define PIIX3_PIRQ_ROUTE 0x60

struct pci_pc {
    struct pci_device host;    /* 00.0 */
    struct pci_device isa;     /* 01.0 */
    struct pci_device idefn;   /* 01.1 */
    pci_pam_fn pam;
    void *pam_opaque;
    struct ide *ide;
    struct iobus *io;
};

/* Create the three functions and put them on `bus`. */
int pci_pc_init(struct pci_pc *pc, struct pci_bus *bus, struct iobus *io, struct ide *ide,
                pci_pam_fn pam, void *pam_opaque);
/* Return the chipset registers to their power-on values. */
void pci_pc_reset(struct pci_pc *pc);

/* What firmware (SeaBIOS's piix_ide_setup) does to the IDE function
 * before an OS runs: enable the decode of both legacy channels (IDETIM
 * bit 15, PIIX3 290550 2.4.3; config 0x41 and 0x43 bit 7). The reset value
 * leaves them off, and Linux's ata_piix ignores a channel whose bit is
 * clear, so a direct kernel boot, with no firmware, calls this. */
void pci_pc_firmware_ide_setup(struct pci_pc *pc);

/* ISA IRQ that PCI interrupt pin PIRQ[n] (0-3) is routed to, or -1 when
 * routing is disabled (PIIX3 290550 2.2.9: bit 7 set = disabled). */
int pci_pc_pirq_irq(const struct pci_pc *pc, int pirq);

#endif
