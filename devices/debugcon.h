/* Bochs/QEMU debug console on port 0xE9: every byte written goes straight
 * to a host stream. Reading the port returns 0xE9, which is how guests
 * detect that the console exists.
 */
#ifndef SHADOW86_DEVICES_DEBUGCON_H
#define SHADOW86_DEVICES_DEBUGCON_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"

#define DEBUGCON_PORT 0xE9u

struct debugcon {
    FILE *out;          /* not owned; NULL discards the output */
    uint64_t bytes;     /* bytes the guest wrote */
};

/* Attach to `bus` at DEBUGCON_PORT. Returns 0 or -1 (port taken). */
int debugcon_init(struct debugcon *dc, struct iobus *bus, FILE *out);
/* The same console at another port, e.g. SeaBIOS's log port 0x402 (which
 * SeaBIOS enables only if reading it gives 0xE9, as here). */
int debugcon_init_at(struct debugcon *dc, struct iobus *bus, uint16_t port, const char *name,
                     FILE *out);

/* Redirect the output (the frontend opens its file only once all input was
 * accepted, so a bad command line creates no file). */
static inline void debugcon_set_output(struct debugcon *dc, FILE *out)
{
    dc->out = out;
}

#endif
