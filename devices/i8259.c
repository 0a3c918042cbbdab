#include <string.h>

#include "devices/devlog.h"
#include "devices/i8259.h"

enum { LOG_LTIM, LOG_MCS80, LOG_BUFFERED, LOG_SLAVE_POLL_CASCADE };

static void chip_reset(struct i8259_chip *c)
{
    uint8_t elcr = c->elcr, mask = c->elcr_mask, level = c->level;
    memset(c, 0, sizeof *c);
    c->elcr = elcr;
    c->elcr_mask = mask;
    c->level = level;
}

void i8259_reset(struct i8259 *p)
{
    for (int i = 0; i < 2; i++) {
        chip_reset(&p->chip[i]);
        p->chip[i].elcr = 0;
    }
    irq_lower(&p->intr);
}

/* Priority 0 is highest; returns 8 when no bit of `mask` is set. The line
 * with priority 0 is `priority_add` (rotation moves it). */
static int chip_priority(const struct i8259_chip *c, uint8_t mask)
{
    if (!mask)
        return 8;
    int pr = 0;
    while (!(mask & (1u << ((pr + c->priority_add) & 7))))
        pr++;
    return pr;
}

/* The line this chip would present on INTR now, or -1. A request beats the
 * in-service level only if its priority is strictly higher (fully nested
 * mode). In special mask mode masked in-service levels do not block lower
 * ones; in special fully nested mode the master lets a slave request
 * through although IR2 is in service (datasheet, "Special Fully Nested
 * Mode"). */
static int chip_pending(const struct i8259_chip *c, int is_master)
{
    int pr = chip_priority(c, c->irr & ~c->imr);
    if (pr == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= (uint8_t)~c->imr;
    if (is_master && c->special_fully_nested)
        in_service &= (uint8_t)~(1u << 2);
    int cur = chip_priority(c, in_service);
    return pr < cur ? (pr + c->priority_add) & 7 : -1;
}

static void chip_set_line(struct i8259_chip *c, int irq, int level)
{
    uint8_t m = (uint8_t)(1u << irq);
    if (c->elcr & m) {
        if (level)
            c->irr |= m;
        else
            c->irr &= (uint8_t)~m;
    } else if (level && !(c->level & m)) {
        c->irr |= m;   /* a rising edge latches the request */
    }
    if (level)
        c->level |= m;
    else
        c->level &= (uint8_t)~m;
}

static void update(struct i8259 *p)
{
    /* The slave's INTR is the master's IR2. It is followed as a level: when
     * the slave's request goes away before INTA, so does IR2's (the
     * datasheet's IRR is the edge latch AND the input), and an INTA then
     * gets the master's spurious IRQ 7. */
    int slave = chip_pending(&p->chip[1], 0) >= 0;
    chip_set_line(&p->chip[0], 2, slave);
    if (!slave)
        p->chip[0].irr &= (uint8_t)~0x04u;
    irq_set(&p->intr, chip_pending(&p->chip[0], 1) >= 0);
}

void i8259_set_irq(struct i8259 *p, int irq, int level)
{
    if (irq < 0 || irq > 15)
        return;
    chip_set_line(&p->chip[irq >> 3], irq & 7, level);
    update(p);
}

static void irq_line_cb(void *opaque, int line, int level)
{
    i8259_set_irq(opaque, line, level);
}

struct irq_line i8259_irq_line(struct i8259 *p, int irq)
{
    return irq_line_make(irq_line_cb, p, irq);
}

int i8259_intr_pending(const struct i8259 *p)
{
    return chip_pending(&p->chip[0], 1) >= 0;
}

/* The chip takes `irq` into service at INTA (or a poll read). Edge
 * requests are consumed; a level request stays while the line is high. */
static void chip_take(struct i8259_chip *c, int irq)
{
    uint8_t m = (uint8_t)(1u << irq);
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->priority_add = (uint8_t)((irq + 1) & 7);
    } else {
        c->isr |= m;
    }
    if (!(c->elcr & m))
        c->irr &= (uint8_t)~m;
}

uint8_t i8259_acknowledge(struct i8259 *p)
{
    struct i8259_chip *m = &p->chip[0], *s = &p->chip[1];
    uint8_t vec;
    int irq = chip_pending(m, 1);

    p->acks++;
    if (irq < 0) {
        /* The request went away before INTA: the 8259A answers with IR7
         * and sets no ISR bit (datasheet, "Interrupt Sequence"). */
        p->spurious++;
        vec = (uint8_t)(m->vector_base + 7);
    } else if (irq == 2 && !m->single) {
        int sirq = chip_pending(s, 0);
        chip_take(m, 2);
        if (sirq < 0) {
            p->spurious++;
            vec = (uint8_t)(s->vector_base + 7);
        } else {
            chip_take(s, sirq);
            vec = (uint8_t)(s->vector_base + sirq);
        }
    } else {
        chip_take(m, irq);
        vec = (uint8_t)(m->vector_base + irq);
    }
    update(p);
    return vec;
}

static void chip_eoi(struct i8259_chip *c, int cmd, int level)
{
    switch (cmd) {
    case 0: /* rotate in automatic EOI mode: clear */
        c->rotate_on_aeoi = 0;
        break;
    case 4: /* rotate in automatic EOI mode: set */
        c->rotate_on_aeoi = 1;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
    {
        /* The highest-priority in-service level is the one being ended
         * (in special mask mode, among the unmasked ones). */
        uint8_t in_service = c->isr;
        if (c->special_mask)
            in_service &= (uint8_t)~c->imr;
        int pr = chip_priority(c, in_service);
        if (pr == 8)
            break;
        int irq = (pr + c->priority_add) & 7;
        c->isr &= (uint8_t)~(1u << irq);
        if (cmd == 5)
            c->priority_add = (uint8_t)((irq + 1) & 7);
        break;
    }
    case 3: /* specific EOI */
        c->isr &= (uint8_t)~(1u << level);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t)~(1u << level);
        c->priority_add = (uint8_t)((level + 1) & 7);
        break;
    case 6: /* set priority: `level` becomes the lowest */
        c->priority_add = (uint8_t)((level + 1) & 7);
        break;
    default: /* 2: no operation */
        break;
    }
}

static void chip_write(struct i8259 *p, struct i8259_chip *c, int a0, uint8_t v)
{
    if (!a0) {
        if (v & 0x10) {
            /* ICW1 starts initialisation (datasheet, "Initialization
             * Command Words"): edge latches, IMR and ISR cleared, IR0
             * highest priority, special mask off, reads select the IRR. */
            uint8_t level = c->level;
            chip_reset(c);
            c->level = level;
            c->irr = 0;
            c->init_step = 1;
            c->icw4_needed = v & 1;
            c->single = (v >> 1) & 1;
            if (v & 0x08)
                devlog_once(p->log, &p->logged, LOG_LTIM,
                            "i8259: ICW1 level-triggered mode (LTIM) not modelled; "
                            "the PC uses ELCR");
        } else if (v & 0x08) {
            /* OCW3 */
            if (v & 0x04)
                c->poll = 1;
            if (v & 0x02)
                c->read_isr = v & 1;
            if (v & 0x40)
                c->special_mask = (v >> 5) & 1;
        } else {
            chip_eoi(c, v >> 5, v & 7);
        }
        return;
    }
    switch (c->init_step) {
    case 0:
        c->imr = v;  /* OCW1 */
        break;
    case 1:
        c->vector_base = v & 0xF8;
        c->init_step = c->single ? (c->icw4_needed ? 3 : 0) : 2;
        break;
    case 2:
        c->icw3 = v;
        c->init_step = c->icw4_needed ? 3 : 0;
        break;
    case 3:
        if (!(v & 1))
            devlog_once(p->log, &p->logged, LOG_MCS80,
                        "i8259: ICW4 MCS-80/85 mode not modelled (8086 mode used)");
        if (v & 0x08)
            devlog_once(p->log, &p->logged, LOG_BUFFERED,
                        "i8259: ICW4 buffered mode ignored (no bus buffer on a PC)");
        c->auto_eoi = (v >> 1) & 1;
        c->special_fully_nested = (v >> 4) & 1;
        c->init_step = 0;
        break;
    }
}

/* Poll command (OCW3 P=1): the read is an INTA without the vector —
 * bit 7 set if a request is pending, bits 0-2 its level — and it takes the
 * level into service like an INTA. */
static uint8_t chip_poll(struct i8259 *p, int idx)
{
    struct i8259_chip *c = &p->chip[idx];
    int irq = chip_pending(c, idx == 0);
    c->poll = 0;
    if (irq < 0)
        return 0;
    chip_take(c, irq);
    if (idx == 0 && irq == 2 && !c->single)
        devlog_once(p->log, &p->logged, LOG_SLAVE_POLL_CASCADE,
                    "i8259: master polled with the slave's request: poll the slave next");
    update(p);
    return (uint8_t)(0x80 | irq);
}

uint32_t i8259_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8259 *p = opaque;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    if (port == 0x4D0 || port == 0x4D1)
        return hi | p->chip[port & 1].elcr;
    int idx = (port & 0x80) ? 1 : 0;
    struct i8259_chip *c = &p->chip[idx];
    if (c->poll)
        return hi | chip_poll(p, idx);
    if (port & 1)
        return hi | c->imr;
    return hi | (c->read_isr ? c->isr : c->irr);
}

void i8259_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct i8259 *p = opaque;
    (void)size;
    if (port == 0x4D0 || port == 0x4D1) {
        struct i8259_chip *c = &p->chip[port & 1];
        c->elcr = (uint8_t)val & c->elcr_mask;
    } else {
        int idx = (port & 0x80) ? 1 : 0;
        chip_write(p, &p->chip[idx], port & 1, (uint8_t)val);
    }
    update(p);
}

int i8259_init(struct i8259 *p, struct iobus *bus, struct irq_line intr, FILE *log)
{
    memset(p, 0, sizeof *p);
    p->intr = intr;
    p->log = log;
    /* PIIX ELCR: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
    p->chip[0].elcr_mask = 0xF8;
    p->chip[1].elcr_mask = 0xDE;
    if (!bus)
        return 0;
    if (iobus_register(bus, 0x20, 2, i8259_io_read, i8259_io_write, p, "pic-master") != 0 ||
        iobus_register(bus, 0xA0, 2, i8259_io_read, i8259_io_write, p, "pic-slave") != 0 ||
        iobus_register(bus, 0x4D0, 2, i8259_io_read, i8259_io_write, p, "elcr") != 0)
        return -1;
    return 0;
}



#define PIC_CHIP(field, maxval) STATE_EACH(struct i8259, chip, field, maxval)
static const struct state_field i8259_fields[] = {
    PIC_CHIP(irr, 0xFF), PIC_CHIP(imr, 0xFF), PIC_CHIP(isr, 0xFF), PIC_CHIP(level, 0xFF),
    PIC_CHIP(elcr, 0xFF), PIC_CHIP(vector_base, 0xF8), PIC_CHIP(priority_add, 7),
    PIC_CHIP(init_step, 3), PIC_CHIP(icw4_needed, 1), PIC_CHIP(single, 1),
    PIC_CHIP(auto_eoi, 1), PIC_CHIP(rotate_on_aeoi, 1), PIC_CHIP(special_fully_nested, 1),
    PIC_CHIP(special_mask, 1), PIC_CHIP(poll, 1), PIC_CHIP(read_isr, 1), PIC_CHIP(icw3, 0xFF),
};
static const struct state_layout i8259_layout = STATE_LAYOUT("PIC0", 1, i8259_fields);

void i8259_save(const struct i8259 *p, struct state_writer *w)
{
    state_save_layout(w, &i8259_layout, NULL, p);
}

int i8259_load(struct i8259 *p, struct state_reader *r)
{
    if (state_load_layout(r, &i8259_layout, NULL, p) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        p->chip[i].elcr &= p->chip[i].elcr_mask;   /* the lines this chip may make level */
    update(p);
    return 0;
}
