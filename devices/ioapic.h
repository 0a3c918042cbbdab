/* The I/O APIC: Intel 82093AA (datasheet 290566), 24 interrupt inputs.
 *
 * Registers through the window at its base: IOREGSEL (+0x00, the index)
 * and IOWIN (+0x10, the data): ID (0), version 0x00170011 (1: 24 entries,
 * version 0x11), arbitration ID (2), and the redirection table (0x10 +
 * 2n: low dword, 0x11 + 2n: high). An entry sends a message (apic_msg.h)
 * to the board's APIC bus: edge inputs on a rising edge, level inputs
 * while asserted with remote IRR clear, which the message sets and a
 * local APIC's EOI of the vector clears (ioapic_eoi), re-sending if the
 * input is still asserted. Inputs carry "asserted" (the board's signal
 * lines are active-high), so the polarity bit is kept but not applied.
 */
#ifndef SHADOW86_DEVICES_IOAPIC_H
#define SHADOW86_DEVICES_IOAPIC_H

#include <stdint.h>
#include <stdio.h>

#include "base/irq.h"
#include "devices/apic_msg.h"
#include "mmu/physmem.h"

struct state_writer;
struct state_reader;

#define IOAPIC_BASE 0xFEC00000u
#define IOAPIC_MMIO_SIZE 0x1000u
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x00170011u

#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define IOAPIC_RTE_DELIVS (1ull << 12)

struct ioapic {
    struct physmem *mem;
    void (*send)(void *opaque, const struct apic_msg *msg);
    void *opaque;
    FILE *log;
    uint32_t logged;

    uint32_t reset_id;    /* the ID the board gives it at reset (bits 27:24) */
    uint32_t id;          /* bits 27:24 */
    uint32_t regsel;
    uint32_t level;       /* input levels, one bit a pin */
    uint64_t rte[IOAPIC_PINS];
};

/* `id`: the APIC ID the ID register holds after reset. The 82093AA
 * itself resets it to 0 and firmware writes the ID its tables declare;
 * this board does that for it, so the tables (MADT, MP) are true from
 * reset on both boot paths. */
int ioapic_init(struct ioapic *io, uint8_t id, struct physmem *mem,
                void (*send)(void *opaque, const struct apic_msg *msg), void *opaque, FILE *log);
void ioapic_free(struct ioapic *io);
void ioapic_reset(struct ioapic *io);

/* Input pin `pin`'s level; as an irq_line (line = pin). */
void ioapic_set_irq(struct ioapic *io, int pin, int level);
struct irq_line ioapic_irq_line(struct ioapic *io, int pin);
/* A local APIC's EOI of a level-triggered vector. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
/* Is any input unmasked (could an interrupt still come through it)? */
int ioapic_any_unmasked(const struct ioapic *io);

uint32_t ioapic_read_reg(struct ioapic *io, uint32_t index);
void ioapic_write_reg(struct ioapic *io, uint32_t index, uint32_t value);

void ioapic_save(const struct ioapic *io, struct state_writer *w);
int ioapic_load(struct ioapic *io, struct state_reader *r);

#endif
