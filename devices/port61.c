#include "devices/port61.h"

uint32_t port61_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct port61 *p = opaque;
    (void)port;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    uint32_t v = p->value & 0x0F;
    if ((clock_now(p->clock) / PORT61_REFRESH_NS) & 1)
        v |= 0x10;
    if (i8254_get_out(p->pit, 2))
        v |= 0x20;
    return hi | v;
}

void port61_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct port61 *p = opaque;
    (void)port;
    (void)size;
    if (p->before_write)
        p->before_write(p->observer);
    p->value = (uint8_t)(val & 0x0F);
    i8254_set_gate(p->pit, 2, val & 1);
}

void port61_reset(struct port61 *p)
{
    if (p->before_write)
        p->before_write(p->observer);
    p->value = 0;
    i8254_set_gate(p->pit, 2, 0);
}

int port61_init(struct port61 *p, struct iobus *bus, struct i8254 *pit, struct clock *clock)
{
    p->pit = pit;
    p->clock = clock;
    p->value = 0;
    p->before_write = NULL;
    p->observer = NULL;
    return iobus_register(bus, 0x61, 1, port61_io_read, port61_io_write, p, "port61");
}

/* The gate itself is saved with the PIT. */
static const struct state_field port61_fields[] = {
    STATE_FIELD(struct port61, value, 0xFF),
};
static const struct state_layout port61_layout = STATE_LAYOUT("P61 ", 1, port61_fields);

void port61_save(const struct port61 *p, struct state_writer *w)
{
    state_save_layout(w, &port61_layout, NULL, p);
}

int port61_load(struct port61 *p, struct state_reader *r)
{
    if (state_load_layout(r, &port61_layout, NULL, p) != 0)
        return -1;
    p->value &= 0x0F;   /* the writable bits; the rest are read from the PIT */
    return 0;
}
