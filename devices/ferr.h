/* The PC's x87 error logic (port 0xF0): the CPU's FERR# output latched
 * onto IRQ 13, and IGNNE# (SDM Vol. 1, D.2.1.1-D.2.1.3, the "MS-DOS
 * compatibility" wiring of AT-class boards).
 *
 * FERR# going active raises IRQ 13 unless IGNNE# is already asserted. A
 * write of any value to port 0xF0 (the handler's "clear busy") lowers
 * IRQ 13 and, while FERR# is still active, asserts IGNNE# so that the
 * handler's own x87 instructions run instead of freezing. When FERR#
 * goes inactive (the handler cleared the exception flags), IGNNE# is
 * deasserted. Reads of port 0xF0 float. The device reaches the CPU only
 * through the `ignne` callback the board wires.
 */
#ifndef SHADOW86_DEVICES_FERR_H
#define SHADOW86_DEVICES_FERR_H

#include <stdint.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "base/state.h"

struct ferr {
    struct irq_line irq;        /* IRQ 13 */
    void (*ignne)(void *opaque, int level);
    void *opaque;
    uint8_t ferr;               /* FERR# from the CPU */
    uint8_t ignne_level;        /* IGNNE# to the CPU */
    uint8_t irq_level;
};

int ferr_init(struct ferr *d, struct iobus *bus, struct irq_line irq,
              void (*ignne)(void *opaque, int level), void *opaque);
void ferr_reset(struct ferr *d);
/* The CPU's FERR# changed. */
void ferr_set_ferr(struct ferr *d, int level);
/* The FERR# input as a signal line, for the board to give the CPU
 * (struct cpu_io.ferr). */
struct irq_line ferr_input_line(struct ferr *d);
void ferr_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);
uint32_t ferr_io_read(void *opaque, uint16_t port, unsigned size);
void ferr_save(const struct ferr *d, struct state_writer *w);
int ferr_load(struct ferr *d, struct state_reader *r);

#endif
