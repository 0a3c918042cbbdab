/* Intel 8042 keyboard controller as on the PC/AT and PS/2 (ports 0x60 data,
 * 0x64 status/command) with its keyboard and mouse (devices/ps2.h).
 *
 * Modelled: the command byte (IRQ 1/12 enables, system flag, port
 * disables, set 2 -> set 1 translation), the controller commands BIOSes
 * and kernels use (read/write command byte and RAM, self tests, port
 * enable/disable, input/output port, write to the auxiliary device, write
 * output buffers, pulse output lines), the output port's A20 and reset
 * lines (through board callbacks), and routing of device bytes into the
 * one-byte output buffer with OBF / AUX-OBF status and IRQ 1 / IRQ 12.
 * Commands execute at once, so the input buffer is never seen full.
 */
#ifndef SHADOW86_DEVICES_I8042_H
#define SHADOW86_DEVICES_I8042_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "devices/ps2.h"
#include "base/clock.h"
#include "base/state.h"

struct i8042 {
    struct ps2kbd kbd;
    struct ps2mouse mouse;
    uint8_t ram[32];        /* ram[0] is the command byte */
    uint8_t status;         /* bits kept between accesses: SYS, A2, timeout */
    uint8_t out;            /* output buffer */
    uint8_t out_full;       /* 0, 1 (keyboard byte) or 2 (mouse byte) */
    uint8_t pending;        /* command waiting for its data byte, or 0 */
    uint8_t outport;        /* output port: bit 0 reset (active low), bit 1 A20 */
    uint8_t translate_f0;   /* translation: an F0 (break) prefix was seen */
    struct irq_line irq_kbd, irq_mouse;
    void (*set_a20)(void *opaque, int enabled);
    void (*reset)(void *opaque);
    void *board;
    FILE *log;
    uint32_t logged;
};

int i8042_init(struct i8042 *c, struct iobus *bus, struct clock *clock, struct irq_line irq_kbd,
               struct irq_line irq_mouse, void (*set_a20)(void *, int), void (*reset)(void *),
               void *board, FILE *log);
void i8042_reset(struct i8042 *c);

uint32_t i8042_io_read(void *opaque, uint16_t port, unsigned size);
void i8042_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

/* The 8042's set 2 -> set 1 translation of one byte (no break handling). */
uint8_t i8042_translate(uint8_t set2);

void i8042_save(const struct i8042 *c, struct state_writer *w);
int i8042_load(struct i8042 *c, struct state_reader *r);

#endif
