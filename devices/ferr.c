#include "devices/ferr.h"

static void set_irq(struct ferr *d, int level)
{
    d->irq_level = (uint8_t)level;
    irq_set(&d->irq, level);
}

static void set_ignne(struct ferr *d, int level)
{
    d->ignne_level = (uint8_t)level;
    if (d->ignne)
        d->ignne(d->opaque, level);
}

static void ferr_input(void *opaque, int line, int level)
{
    (void)line;
    ferr_set_ferr(opaque, level);
}

struct irq_line ferr_input_line(struct ferr *d)
{
    return irq_line_make(ferr_input, d, 0);
}

void ferr_set_ferr(struct ferr *d, int level)
{
    d->ferr = level ? 1 : 0;
    if (d->ferr) {
        if (!d->ignne_level)
            set_irq(d, 1);
    } else {
        set_irq(d, 0);
        if (d->ignne_level)
            set_ignne(d, 0);
    }
}

void ferr_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct ferr *d = opaque;
    (void)port;
    (void)size;
    (void)val;
    set_irq(d, 0);
    if (d->ferr)
        set_ignne(d, 1);
}

uint32_t ferr_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    return iobus_float_value(size);
}

void ferr_reset(struct ferr *d)
{
    d->ferr = 0;
    set_irq(d, 0);
    set_ignne(d, 0);
}

int ferr_init(struct ferr *d, struct iobus *bus, struct irq_line irq,
              void (*ignne)(void *opaque, int level), void *opaque)
{
    d->irq = irq;
    d->ignne = ignne;
    d->opaque = opaque;
    d->ferr = d->ignne_level = d->irq_level = 0;
    return iobus_register(bus, 0xF0, 1, ferr_io_read, ferr_io_write, d, "ferr");
}

/* The IRQ line's level as this device drives it; the PIC keeps its own. */
static const struct state_field ferr_fields[] = {
    STATE_FIELD(struct ferr, ferr, 1),
    STATE_FIELD(struct ferr, ignne_level, 1),
    STATE_FIELD(struct ferr, irq_level, 1),
};
static const struct state_layout ferr_layout = STATE_LAYOUT("FERR", 1, ferr_fields);

void ferr_save(const struct ferr *d, struct state_writer *w)
{
    state_save_layout(w, &ferr_layout, NULL, d);
}

int ferr_load(struct ferr *d, struct state_reader *r)
{
    return state_load_layout(r, &ferr_layout, NULL, d);
}
