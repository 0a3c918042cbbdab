/* The board's APIC side (machine/board_apic.c): the local APIC beside the
 * CPU, the I/O APIC at 0xFEC00000, the APIC bus between them, and the ISA
 * lines fanned out to both the 8259 pair and the I/O APIC.
 *
 * ISA IRQ n reaches 8259 input n and I/O APIC pin n, except IRQ 0 (PIT
 * channel 0), which reaches pin 2: the override every PC since the first
 * APIC boards has (MADT interrupt source override, MP table I/O interrupt
 * entry). Pin 0 is the 8259's INTR in real boards' "virtual wire mode B";
 * here it is unconnected and the ExtINT path is LINT0 (mode A). */
#ifndef SHADOW86_MACHINE_BOARD_APIC_H
#define SHADOW86_MACHINE_BOARD_APIC_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* The I/O APIC's ID: after the CPUs' (SeaBIOS declares the same), so
 * it never collides with an APIC ID on the (P6 serial) APIC bus. */
#define BOARD_IOAPIC_ID(m) ((uint8_t)(m)->ncpus)

/* The I/O APIC input an ISA IRQ drives (IRQ 0 → 2). */
int board_isa_to_gsi(int irq);

/* ISA line `irq` on the APIC board: 8259 input and I/O APIC input, with
 * IRQ 0 and 8 shared with the HPET's legacy replacement route. */
struct irq_line board_apic_isa_irq(struct machine *m, int irq);
/* fw_cfg items SeaBIOS reads for its MP table (the IRQ 0 override). */
int board_apic_fw_cfg(struct machine *m);

int board_hpet_wire(struct machine *m, void *dev, char *err, size_t errsz);
int board_lapic_wire(struct machine *m, void *dev, char *err, size_t errsz);
int board_ioapic_wire(struct machine *m, void *dev, char *err, size_t errsz);

/* The PIC's INTR output, as the board routes it: to LINT0 when the
 * machine has an APIC, else straight to the CPU. */
void board_apic_set_intr(struct machine *m, int level);

/* What may interrupt CPU `cpu` (its index) now: LAPIC_INTR_NONE, _APIC (a vector from
 * the local APIC) or _EXTINT (the 8259's INTA gives the vector). */
int board_intr_pending(const struct machine *m, unsigned cpu);
/* The INTA cycle for what board_intr_pending() offered. */
uint8_t board_intr_acknowledge(struct machine *m, unsigned cpu);
/* Could an interrupt still wake CPU `cpu`, halted with IF=1? */
int board_intr_can_wake(const struct machine *m, unsigned cpu);

#endif
