/* The PC board: which devices a machine has and how they are wired.
 *
 * board_wire_pc() creates every PC device of `struct machine` from the
 * device table (machine/board_devices.h), registers its ports on the bus,
 * gives it its IRQ line (base/irq.h) through the interrupt controller, and
 * its timers on the machine clock. It is the one place that knows the PC's
 * port map and IRQ assignment:
 *
 *   IRQ 0 PIT ch. 0   IRQ 1 keyboard  IRQ 2 cascade    IRQ 3 COM2
 *   IRQ 4 COM1        IRQ 8 RTC       IRQ 9 ACPI SCI   IRQ 12 PS/2 mouse
 *   IRQ 14/15 IDE
 *
 * A device added to the board is one entry in the table of machine/board.c
 * (and its IRQ a board_isa_irq(m, n) in its wiring function).
 */
#ifndef SHADOW86_MACHINE_BOARD_H
#define SHADOW86_MACHINE_BOARD_H

#include <stddef.h>

#include "base/irq.h"

struct machine;

/* Wire the PC devices. Returns 0, or -1 with a one-line message. */
int board_wire_pc(struct machine *m, char *err, size_t errsz);

/* Free what the devices allocated and close their images (each device's
 * free is safe on an instance whose wiring never ran or stopped halfway). */
void board_free(struct machine *m);

/* Save every device's record; load them in the table's order. board_load
 * returns NULL, or the name of the device whose record is missing or
 * damaged. */
struct state_writer;
struct state_reader;
void board_save(const struct machine *m, struct state_writer *w);
const char *board_load(struct machine *m, struct state_reader *r);

/* Reset the devices that the board's reset line reaches. */
void board_reset(struct machine *m);

/* Who holds A20 enabled (the gate is the OR of both). */
#define BOARD_A20_PORT92 0x01u
#define BOARD_A20_KBC 0x02u
void board_set_a20(struct machine *m, unsigned source, int enabled);
/* Pulse the CPU reset line: the run loop resets the machine after the
 * current instruction. */
void board_request_reset(struct machine *m);

/* The board's power is cut (ACPI S5 from the PM function): the run ends
 * after the current instruction (MACHINE_STOP_POWEROFF). */
void board_request_poweroff(struct machine *m);
void board_poweroff_line(void *opaque);

/* ISA interrupt line `irq` (0-15) of the machine's PIC pair. */
struct irq_line board_isa_irq(struct machine *m, int irq);

#endif
