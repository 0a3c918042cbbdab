/* Signal lines: how a device tells its interrupt controller that a line
 * changed, without knowing which controller it is -- and how the CPU's own
 * output pins (the x87's FERR#) reach the board, without knowing what is
 * wired there.
 *
 * The board (machine/board.c) gives each device a `struct irq_line` when it
 * wires it: a callback into the controller (the i8259 pair for ISA IRQs 0-15,
 * later a PCI interrupt router) and the line number there. Devices only ever
 * call irq_set/irq_raise/irq_lower, so the same device code works
 * under any controller and in unit tests with a recording stub.
 *
 * A line is a level: devices report every change, and repeating the same
 * level is harmless (controllers act on edges themselves where the line is
 * edge-triggered). An unwired line (set == NULL) drops the signal.
 */
#ifndef SHADOW86_BASE_IRQ_H
#define SHADOW86_BASE_IRQ_H

typedef void (*irq_set_fn)(void *opaque, int line, int level);

struct irq_line {
    irq_set_fn set;   /* NULL: not connected */
    void *opaque;
    int line;
};

static inline struct irq_line irq_line_make(irq_set_fn set, void *opaque, int line)
{
    struct irq_line l = { set, opaque, line };
    return l;
}

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->line, level ? 1 : 0);
}

static inline void irq_raise(const struct irq_line *l)
{
    irq_set(l, 1);
}

static inline void irq_lower(const struct irq_line *l)
{
    irq_set(l, 0);
}

#endif
