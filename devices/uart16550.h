/* National Semiconductor PC16550D UART (COM1 at 0x3F8/IRQ 4, COM2 at
 * 0x2F8/IRQ 3): divisor latch, 16-byte receive and transmit FIFOs with
 * trigger levels, the four interrupt sources in the data sheet's priority
 * order (line status, received data / character timeout, transmitter
 * empty, modem status), modem control and status with delta bits, and
 * loopback.
 *
 * Transmission is immediate: a byte written to THR goes to the backend at
 * once and the transmitter reads as empty again (no guest relies on serial
 * being slow, and this keeps output fast). Received bytes come from the
 * backend's poll function, asked by a clock timer every UART_POLL_NS while
 * the receive FIFO has room; a byte left below the FIFO trigger level
 * raises the character-timeout interrupt four character times after the
 * last receive activity, as the data sheet says.
 *
 * On a PC the IRQ line is gated by MCR OUT2, and loopback forces OUT2
 * inactive at the pin, so no IRQ reaches the PIC in loopback.
 */
#ifndef SHADOW86_DEVICES_UART16550_H
#define SHADOW86_DEVICES_UART16550_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "base/clock.h"
#include "base/state.h"

#define UART_FIFO 16
#define UART_CLOCK_HZ 1843200u
#define UART_POLL_NS 1000000u   /* backend input polled every 1 ms */

/* Where a UART's bytes go and come from (the frontend provides it). */
struct uart_backend {
    void *opaque;
    void (*write)(void *opaque, uint8_t byte);  /* NULL: discard */
    int (*poll)(void *opaque);                  /* next input byte or -1; NULL: no input */
};

struct uart_fifo {
    uint8_t data[UART_FIFO];
    uint8_t head, count;
};

struct uart16550 {
    uint16_t base;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    struct uart_fifo rx;
    uint8_t thr_int;       /* THRE interrupt pending (cleared by IIR read / THR write) */
    uint8_t timeout_int;   /* character timeout pending */
    uint64_t timeout_at;   /* when the timeout fires (CLOCK_NEVER: not armed) */
    uint64_t poll_at;      /* next backend poll (CLOCK_NEVER: none) */
    struct uart_backend backend;
    struct clock *clock;
    int timer;
    struct irq_line irq;
    int irq_level;
    FILE *log;
    uint32_t logged;
    uint64_t tx_bytes, rx_bytes, overruns;
};

int uart16550_init(struct uart16550 *u, struct iobus *bus, uint16_t base, const char *name,
                   struct clock *clock, struct irq_line irq, FILE *log);
void uart16550_set_backend(struct uart16550 *u, const struct uart_backend *b);
void uart16550_reset(struct uart16550 *u);

/* A byte arrives on the serial line (from the backend, or a test). */
void uart16550_receive(struct uart16550 *u, uint8_t byte);

uint32_t uart16550_io_read(void *opaque, uint16_t port, unsigned size);
void uart16550_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

void uart16550_save(const struct uart16550 *u, struct state_writer *w, const char *tag);
int uart16550_load(struct uart16550 *u, struct state_reader *r, const char *tag);

#endif
