/* The PCI side of the board: the configuration mechanism on ports
 * 0xCF8/0xCFC, the i440FX host bridge and PIIX3 (ISA bridge, IDE function)
 * with PAM steering the BIOS area between ROM and RAM, and the PIIX4-style
 * ACPI power-management function at 01.3. */
#ifndef SHADOW86_MACHINE_BOARD_PCI_H
#define SHADOW86_MACHINE_BOARD_PCI_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* Board table operations (machine/board_devices.h). */
int board_pci_wire(struct machine *m, void *bus, char *err, size_t errsz);
int board_chipset_wire(struct machine *m, void *chipset, char *err, size_t errsz);
int board_pm_wire(struct machine *m, void *pm, char *err, size_t errsz);

/* PCI INTx: function `devfn`'s interrupt pin `pin` (1 = INTA#) went to
 * `level`. The PIIX3 routes it as QEMU's pc and SeaBIOS assume: slot S's
 * pin P drives PIRQ[(S - 1 + P - 1) mod 4], which the ISA bridge's PIRQ
 * route registers (0x60-0x63) send to an ISA IRQ. Shared lines are the
 * OR of every function asserting them. */
void board_pci_intx(struct machine *m, int devfn, int pin, int level);
/* The PIRQ (0-3 = A-D) pin `pin` of `devfn` drives. */
int board_pci_pirq(int devfn, int pin);

/* Callbacks for the PCI functions the board adds (opaque: the machine):
 * bus-master reads and writes of guest physical memory, and INTA# of
 * function `devfn` (for irq_line_make(board_pci_inta, m, devfn)). */
void board_pci_dma_read(void *machine, uint32_t gpa, void *buf, uint32_t len);
void board_pci_dma_write(void *machine, uint32_t gpa, const void *buf, uint32_t len);
void board_pci_inta(void *machine, int devfn, int level);

#endif
