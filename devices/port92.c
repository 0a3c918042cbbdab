#include "devices/port92.h"

uint32_t port92_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct port92 *p = opaque;
    (void)port;
    return (size > 1 ? iobus_float_value(size) & ~0xFFu : 0) | p->value;
}

void port92_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct port92 *p = opaque;
    (void)port;
    (void)size;
    /* Bit 0 reads back as 0 after the reset pulse. */
    p->value = (uint8_t)(val & 0x02);
    p->set_a20(p->opaque, (val >> 1) & 1);
    if (val & 1)
        p->reset(p->opaque);
}

void port92_reset(struct port92 *p)
{
    p->value = 0;
    p->set_a20(p->opaque, 0);
}

int port92_init(struct port92 *p, struct iobus *bus, void (*set_a20)(void *, int),
                void (*reset)(void *), void *opaque)
{
    p->value = 0;
    p->set_a20 = set_a20;
    p->reset = reset;
    p->opaque = opaque;
    return iobus_register(bus, 0x92, 1, port92_io_read, port92_io_write, p, "port92");
}

static const struct state_field port92_fields[] = {
    STATE_FIELD(struct port92, value, 0xFF),
};
static const struct state_layout port92_layout = STATE_LAYOUT("P92 ", 1, port92_fields);

void port92_save(const struct port92 *p, struct state_writer *w)
{
    state_save_layout(w, &port92_layout, NULL, p);
}

int port92_load(struct port92 *p, struct state_reader *r)
{
    if (state_load_layout(r, &port92_layout, NULL, p) != 0)
        return -1;
    p->value &= 0x02;   /* only the A20 bit is kept (bit 0 is a pulse) */
    return 0;
}
