#include <string.h>

#include "devices/devlog.h"
#include "devices/uart16550.h"

enum { REG_DATA, REG_IER, REG_IIR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR };

#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define IER_MS 0x08
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRORS 0x1E   /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define FCR_ENABLE 0x01
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

enum { LOG_BREAK };

static int fifo_on(const struct uart16550 *u)
{
    return u->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct uart16550 *u)
{
    return fifo_on(u) ? UART_FIFO : 1;
}

static unsigned rx_trigger(const struct uart16550 *u)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return fifo_on(u) ? levels[u->fcr >> 6] : 1;
}

/* One character's time on the line: start bit, 5-8 data bits, parity,
 * stop bits (1, or 2 counted for 1.5), at the divisor's baud rate. */
static uint64_t char_ns(const struct uart16550 *u)
{
    unsigned bits = 1 + 5 + (u->lcr & 3) + ((u->lcr & 0x08) ? 1 : 0) + ((u->lcr & 0x04) ? 2 : 1);
    uint64_t div = u->divisor ? u->divisor : 65536;
    return bits * div * 16 * CLOCK_NS_PER_SEC / UART_CLOCK_HZ;
}

/* The interrupt the chip identifies now (IIR bits 0-3), in the data
 * sheet's priority order. */
static uint8_t pending_id(const struct uart16550 *u)
{
    if ((u->ier & IER_RLS) && (u->lsr & LSR_ERRORS))
        return 0x06;
    if (u->ier & IER_RDA) {
        if (u->rx.count >= rx_trigger(u))
            return 0x04;
        if (u->timeout_int && u->rx.count)
            return 0x0C;
    }
    if ((u->ier & IER_THRE) && u->thr_int)
        return 0x02;
    if ((u->ier & IER_MS) && (u->msr & 0x0F))
        return 0x00;
    return 0x01;
}

static void update_irq(struct uart16550 *u)
{
    int level = !(pending_id(u) & 1) && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* Arm the timer for the earlier of the character timeout and the next
 * input poll. A poll already pending keeps its time (register accesses
 * must not keep pushing it back), and an unchanged deadline is not set
 * again, so UART accesses do not cut the CPU's run slices short. */
static void reschedule(struct uart16550 *u)
{
    if (u->backend.poll && u->rx.count < rx_capacity(u)) {
        if (u->poll_at == CLOCK_NEVER)
            u->poll_at = clock_now(u->clock) + UART_POLL_NS;
    } else {
        u->poll_at = CLOCK_NEVER;
    }
    uint64_t next = u->timeout_at < u->poll_at ? u->timeout_at : u->poll_at;
    if (next == clock_deadline(u->clock, u->timer))
        return;
    if (next == CLOCK_NEVER)
        clock_cancel(u->clock, u->timer);
    else
        clock_schedule(u->clock, u->timer, next);
}

void uart16550_receive(struct uart16550 *u, uint8_t byte)
{
    u->rx_bytes++;
    if (u->rx.count >= rx_capacity(u)) {
        u->lsr |= LSR_OE;
        u->overruns++;
        if (!fifo_on(u))   /* the holding register is overwritten */
            u->rx.data[u->rx.head] = byte;
    } else {
        u->rx.data[(u->rx.head + u->rx.count) % UART_FIFO] = byte;
        u->rx.count++;
    }
    if (fifo_on(u)) {
        u->timeout_int = 0;
        u->timeout_at = clock_now(u->clock) + 4 * char_ns(u);
    }
    update_irq(u);
    reschedule(u);
}

static void timer_fired(void *opaque)
{
    struct uart16550 *u = opaque;
    uint64_t now = clock_now(u->clock);
    if (u->timeout_at <= now) {
        u->timeout_at = CLOCK_NEVER;
        if (u->rx.count)
            u->timeout_int = 1;
    }
    if (u->poll_at > now) {
        update_irq(u);
        reschedule(u);
        return;
    }
    u->poll_at = CLOCK_NEVER;
    while (u->backend.poll && u->rx.count < rx_capacity(u)) {
        int c = u->backend.poll(u->backend.opaque);
        if (c < 0)
            break;
        uart16550_receive(u, (uint8_t)c);
    }
    update_irq(u);
    reschedule(u);
}

static uint8_t pop_rx(struct uart16550 *u)
{
    if (!u->rx.count)
        return u->rx.data[u->rx.head];  /* reading an empty RBR repeats the last byte */
    uint8_t b = u->rx.data[u->rx.head];
    u->rx.count--;
    if (u->rx.count)
        u->rx.head = (uint8_t)((u->rx.head + 1) % UART_FIFO);
    u->timeout_int = 0;
    u->timeout_at = fifo_on(u) && u->rx.count ? clock_now(u->clock) + 4 * char_ns(u) : CLOCK_NEVER;
    return b;
}

/* Modem inputs: in loopback they are the modem outputs (DTR->DSR,
 * RTS->CTS, OUT1->RI, OUT2->DCD); otherwise the host end is a connected
 * line (CTS, DSR, DCD asserted). Changes set the delta bits. */
static void update_msr(struct uart16550 *u)
{
    uint8_t in;
    if (u->mcr & MCR_LOOP)
        in = (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) | ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
                       ((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
    else
        in = MSR_CTS | MSR_DSR | MSR_DCD;
    uint8_t old = u->msr & 0xF0, delta = u->msr & 0x0F;
    uint8_t changed = old ^ in;
    if (changed & MSR_CTS)
        delta |= 0x01;
    if (changed & MSR_DSR)
        delta |= 0x02;
    if ((old & MSR_RI) && !(in & MSR_RI))
        delta |= 0x04;   /* trailing edge of RI */
    if (changed & MSR_DCD)
        delta |= 0x08;
    u->msr = in | delta;
}

uint32_t uart16550_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart16550 *u = opaque;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    uint8_t v;
    switch ((port - u->base) & 7) {
    case REG_DATA:
        if (u->lcr & LCR_DLAB) {
            v = (uint8_t)u->divisor;
        } else {
            v = pop_rx(u);
            reschedule(u);
        }
        break;
    case REG_IER:
        v = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
        break;
    case REG_IIR:
        v = pending_id(u);
        if (v == 0x02)
            u->thr_int = 0;  /* reading IIR with THRE identified clears it */
        if (fifo_on(u))
            v |= 0xC0;
        break;
    case REG_LCR:
        v = u->lcr;
        break;
    case REG_MCR:
        v = u->mcr;
        break;
    case REG_LSR:
        v = (uint8_t)(u->lsr | LSR_THRE | LSR_TEMT | (u->rx.count ? LSR_DR : 0));
        if (fifo_on(u) && (u->lsr & LSR_ERRORS))
            v |= 0x80;
        u->lsr &= (uint8_t)~LSR_ERRORS;
        break;
    case REG_MSR:
        v = u->msr;
        u->msr &= 0xF0;
        break;
    default:
        v = u->scr;
        break;
    }
    update_irq(u);
    return hi | v;
}

static void transmit(struct uart16550 *u, uint8_t b)
{
    u->tx_bytes++;
    if (u->mcr & MCR_LOOP)
        uart16550_receive(u, b);
    else if (u->backend.write)
        u->backend.write(u->backend.opaque, b);
    u->thr_int = 1;   /* the transmitter is empty again at once */
}

void uart16550_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct uart16550 *u = opaque;
    uint8_t v = (uint8_t)val;
    (void)size;
    switch ((port - u->base) & 7) {
    case REG_DATA:
        if (u->lcr & LCR_DLAB)
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
        else
            transmit(u, v);
        break;
    case REG_IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
        } else {
            /* Enabling the THRE interrupt with the transmitter empty
             * raises it at once. */
            if ((v & IER_THRE) && !(u->ier & IER_THRE))
                u->thr_int = 1;
            u->ier = v & 0x0F;
        }
        break;
    case REG_IIR: { /* FCR */
        uint8_t en = v & FCR_ENABLE;
        if (en != (u->fcr & FCR_ENABLE) || (v & 0x02)) {
            u->rx.count = 0;
            u->rx.head = 0;
            u->timeout_int = 0;
            u->timeout_at = CLOCK_NEVER;
        }
        u->fcr = en ? (uint8_t)(v & 0xC1) : 0;
        break;
    }
    case REG_LCR:
        if ((v & 0x40) && !(u->lcr & 0x40))
            devlog_once(u->log, &u->logged, LOG_BREAK,
                        "uart 0x%X: break condition not sent to the backend", u->base);
        u->lcr = v;
        break;
    case REG_MCR:
        u->mcr = v & 0x1F;
        update_msr(u);
        break;
    case REG_LSR:
    case REG_MSR:
        break;   /* read-only (factory test registers) */
    default:
        u->scr = v;
        break;
    }
    update_irq(u);
    reschedule(u);
}

void uart16550_reset(struct uart16550 *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->lsr = 0;
    u->msr = 0;
    u->fcr = 0;
    u->scr = 0;
    u->divisor = 12;   /* 9600 baud, what firmware usually sets */
    u->rx.count = u->rx.head = 0;
    u->thr_int = 0;
    u->timeout_int = 0;
    u->timeout_at = CLOCK_NEVER;
    u->poll_at = CLOCK_NEVER;
    update_msr(u);
    u->msr &= 0xF0;    /* no deltas at power-on */
    u->irq_level = 0;
    irq_lower(&u->irq);
    reschedule(u);
}

int uart16550_init(struct uart16550 *u, struct iobus *bus, uint16_t base, const char *name,
                   struct clock *clock, struct irq_line irq, FILE *log)
{
    memset(u, 0, sizeof *u);
    u->base = base;
    u->clock = clock;
    u->irq = irq;
    u->log = log;
    u->timer = clock_timer_add(clock, name, timer_fired, u);
    if (u->timer < 0)
        return -1;
    uart16550_reset(u);
    if (bus && iobus_register(bus, base, 8, uart16550_io_read, uart16550_io_write, u, name) != 0)
        return -1;
    return 0;
}

void uart16550_set_backend(struct uart16550 *u, const struct uart_backend *b)
{
    if (b)
        u->backend = *b;
    else
        memset(&u->backend, 0, sizeof u->backend);
    reschedule(u);
}

static const struct state_field uart16550_fields[] = {
    STATE_FIELD(struct uart16550, ier, 0x0F), STATE_FIELD(struct uart16550, lcr, 0xFF),
    STATE_FIELD(struct uart16550, mcr, 0x1F), STATE_FIELD(struct uart16550, lsr, 0xFF),
    STATE_FIELD(struct uart16550, msr, 0xFF), STATE_FIELD(struct uart16550, scr, 0xFF),
    STATE_FIELD(struct uart16550, fcr, 0xFF), STATE_FIELD(struct uart16550, rx.head, UART_FIFO - 1),
    STATE_FIELD(struct uart16550, rx.count, UART_FIFO), STATE_FIELD(struct uart16550, thr_int, 1),
    STATE_FIELD(struct uart16550, timeout_int, 1), STATE_FIELD(struct uart16550, irq_level, 1),
    STATE_FIELD(struct uart16550, divisor, 0xFFFF), STATE_ARRAY(struct uart16550, rx.data, 0xFF),
    STATE_FIELD(struct uart16550, timeout_at, STATE_ANY),
    STATE_FIELD(struct uart16550, poll_at, STATE_ANY),
};
/* One layout, two instances: COM1 and COM2 pass their own tags. */
static const struct state_layout uart16550_layout = STATE_LAYOUT("COM1", 1, uart16550_fields);

void uart16550_save(const struct uart16550 *u, struct state_writer *w, const char *tag)
{
    state_save_layout(w, &uart16550_layout, tag, u);
}

int uart16550_load(struct uart16550 *u, struct state_reader *r, const char *tag)
{
    if (state_load_layout(r, &uart16550_layout, tag, u) != 0)
        return -1;
    u->lsr &= LSR_ERRORS;   /* the rest of LSR is derived from the FIFOs */
    u->fcr &= 0xC1;         /* FIFO enable and trigger level; the reset bits self-clear */
    irq_set(&u->irq, u->irq_level);
    return 0;
}
