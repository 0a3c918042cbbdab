/* The PC's cascaded pair of Intel 8259A programmable interrupt controllers
 * (master at 0x20/0x21, slave at 0xA0/0xA1 on the master's IR2) with the
 * PIIX edge/level control registers (ELCR, ports 0x4D0/0x4D1).
 *
 * Modelled from the 8259A datasheet: ICW1-4 initialisation, OCW1 mask,
 * OCW2 EOI/rotation commands, OCW3 register select, poll and special mask
 * mode; fully nested and special fully nested mode; automatic EOI with
 * optional rotation; edge or level triggering per line; spurious IRQ 7/15
 * when a request vanishes before it is acknowledged.
 *
 * Devices reach a line through `struct irq_line` (base/irq.h) made with
 * i8259_irq_line(). The pair's INTR output goes to `intr` (the machine),
 * which calls i8259_acknowledge() when the CPU takes the interrupt.
 */
#ifndef SHADOW86_DEVICES_I8259_H
#define SHADOW86_DEVICES_I8259_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "base/state.h"

struct i8259_chip {
    uint8_t irr;          /* interrupt request register */
    uint8_t imr;          /* interrupt mask register */
    uint8_t isr;          /* in-service register */
    uint8_t level;        /* current level of each input line */
    uint8_t elcr;         /* 1 = level-triggered */
    uint8_t elcr_mask;    /* ELCR bits that may be set */
    uint8_t vector_base;  /* ICW2 & 0xF8 */
    uint8_t priority_add; /* line with the highest priority (rotation) */
    uint8_t init_step;    /* 0: ready; 1..3: expecting ICW2..ICW4 */
    uint8_t icw4_needed;
    uint8_t single;       /* ICW1 SNGL: no cascade */
    uint8_t auto_eoi;
    uint8_t rotate_on_aeoi;
    uint8_t special_fully_nested;
    uint8_t special_mask;
    uint8_t poll;         /* next read returns the poll word */
    uint8_t read_isr;     /* OCW3 RR/RIS: reads of port 0 return ISR */
    uint8_t icw3;
};

struct i8259 {
    struct i8259_chip chip[2];    /* 0: master, 1: slave */
    struct irq_line intr;         /* INTR to the CPU (line number unused) */
    FILE *log;
    uint32_t logged;
    uint64_t acks, spurious;
};

/* Attach at 0x20, 0xA0 and 0x4D0. Returns 0 or -1 (ports taken). */
int i8259_init(struct i8259 *p, struct iobus *bus, struct irq_line intr, FILE *log);
/* Power-on state (also what the board's reset does). */
void i8259_reset(struct i8259 *p);

/* Drive ISA line `irq` (0-15). */
void i8259_set_irq(struct i8259 *p, int irq, int level);
/* A line for devices: irq_raise(&line) drives ISA IRQ `irq`. */
struct irq_line i8259_irq_line(struct i8259 *p, int irq);

/* Is INTR asserted? */
int i8259_intr_pending(const struct i8259 *p);
/* INTA cycle: the vector the CPU gets (a spurious IRQ 7/15 vector if the
 * request went away). Updates ISR/IRR as the hardware does. */
uint8_t i8259_acknowledge(struct i8259 *p);

/* Port access, for tests that drive the chip without a bus. */
uint32_t i8259_io_read(void *opaque, uint16_t port, unsigned size);
void i8259_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

void i8259_save(const struct i8259 *p, struct state_writer *w);
int i8259_load(struct i8259 *p, struct state_reader *r);

#endif
