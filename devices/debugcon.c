#include "devices/debugcon.h"

/* The console is one byte wide, as in QEMU where wider accesses are split
 * into byte accesses: only the byte at 0xE9 reaches the console, and the
 * higher bytes land on 0xEA.. where nothing answers (all ones). */
static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    return 0xFFFFFF00u | DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct debugcon *dc = opaque;
    (void)port;
    (void)size;
    dc->bytes++;
    if (dc->out)
        fputc((int)(val & 0xFF), dc->out);
}

int debugcon_init_at(struct debugcon *dc, struct iobus *bus, uint16_t port, const char *name,
                     FILE *out)
{
    dc->out = out;
    dc->bytes = 0;
    return iobus_register(bus, port, 1, debugcon_read, debugcon_write, dc, name);
}

int debugcon_init(struct debugcon *dc, struct iobus *bus, FILE *out)
{
    return debugcon_init_at(dc, bus, DEBUGCON_PORT, "debugcon", out);
}
