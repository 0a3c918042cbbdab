#include "devices/resetctl.h"

uint32_t resetctl_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct resetctl *r = opaque;
    (void)port;
    return (size > 1 ? iobus_float_value(size) & ~0xFFu : 0) | r->value;
}

void resetctl_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct resetctl *r = opaque;
    (void)port;
    (void)size;
    r->value = (uint8_t)(val & 0x0A);
    if (val & 0x04)
        r->reset(r->opaque);
}

void resetctl_reset(struct resetctl *r)
{
    r->value = 0;
}

int resetctl_init(struct resetctl *r, struct iobus *bus, void (*reset)(void *), void *opaque)
{
    r->value = 0;
    r->reset = reset;
    r->opaque = opaque;
    return iobus_register(bus, 0xCF9, 1, resetctl_io_read, resetctl_io_write, r, "reset-control");
}

static const struct state_field resetctl_fields[] = {
    STATE_FIELD(struct resetctl, value, 0xFF),
};
static const struct state_layout resetctl_layout = STATE_LAYOUT("RCR0", 1, resetctl_fields);

void resetctl_save(const struct resetctl *r, struct state_writer *w)
{
    state_save_layout(w, &resetctl_layout, NULL, r);
}

int resetctl_load(struct resetctl *r, struct state_reader *rd)
{
    if (state_load_layout(rd, &resetctl_layout, NULL, r) != 0)
        return -1;
    r->value &= 0x0A;   /* bits 1 (hard reset) and 3 (full CPU reset) are kept */
    return 0;
}
