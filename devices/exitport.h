/* isa-debug-exit style port 0xF4: a write ends the run, and the emulator
 * exits with status (value << 1) | 1, so a guest test can report pass or
 * fail without a clean shutdown path (and status 0 can't be faked by it).
 *
 * The device does not stop the CPU itself (devices never touch cpu/):
 * it calls back into whoever wired it, normally the machine.
 */
#ifndef SHADOW86_DEVICES_EXITPORT_H
#define SHADOW86_DEVICES_EXITPORT_H

#include <stdint.h>

#include "devices/iobus.h"

#define EXITPORT_PORT 0xF4u

typedef void (*exitport_request_fn)(void *opaque, uint32_t value);

struct exitport {
    exitport_request_fn request;
    void *opaque;
};

int exitport_init(struct exitport *ep, struct iobus *bus, exitport_request_fn request,
                  void *opaque);

/* The process exit status for a value written to the port. Only 8 bits
 * survive the host's exit(), as with QEMU's device. */
static inline int exitport_status(uint32_t value)
{
    return (int)(((value << 1) | 1u) & 0xFFu);
}

#endif
