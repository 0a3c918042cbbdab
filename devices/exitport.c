#include "devices/exitport.h"

/* QEMU's isa-debug-exit reads as zero. */
static uint32_t exitport_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return 0;
}

static void exitport_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct exitport *ep = opaque;
    (void)port;
    (void)size;
    if (ep->request)
        ep->request(ep->opaque, val);
}

int exitport_init(struct exitport *ep, struct iobus *bus, exitport_request_fn request,
                  void *opaque)
{
    ep->request = request;
    ep->opaque = opaque;
    return iobus_register(bus, EXITPORT_PORT, 1, exitport_read, exitport_write, ep, "exitport");
}
