#include "devices/postcode.h"

/* Reads return the last code written, as Bochs does; nothing on a real
 * board defines them, but this lets a guest check its own write. */
static uint32_t postcode_read(void *opaque, uint16_t port, unsigned size)
{
    const struct postcode *pc = opaque;
    (void)port;
    (void)size;
    return 0xFFFFFF00u | (pc->writes ? pc->last : 0xFFu);
}

/* Only the low byte is a POST code; wider writes are treated like QEMU's
 * byte-split access whose upper bytes hit ports nobody decodes. */
static void postcode_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct postcode *pc = opaque;
    (void)port;
    (void)size;
    pc->last = (uint8_t)val;
    pc->writes++;
}

int postcode_init(struct postcode *pc, struct iobus *bus)
{
    pc->last = 0;
    pc->writes = 0;
    return iobus_register(bus, POSTCODE_PORT, 1, postcode_read, postcode_write, pc, "postcode");
}
