/* System control port A (port 0x92, "fast A20"): bit 1 gates A20, and
 * writing bit 0 as 1 pulses the CPU's reset line (PS/2 and PIIX).
 * The device calls back into the board for both (devices never reach the
 * CPU or memory themselves); the board ORs this A20 with the keyboard
 * controller's.
 */
#ifndef SHADOW86_DEVICES_PORT92_H
#define SHADOW86_DEVICES_PORT92_H

#include <stdint.h>

#include "devices/iobus.h"
#include "base/state.h"

struct port92 {
    uint8_t value;
    void (*set_a20)(void *opaque, int enabled);
    void (*reset)(void *opaque);
    void *opaque;
};

int port92_init(struct port92 *p, struct iobus *bus, void (*set_a20)(void *, int),
                void (*reset)(void *), void *opaque);
void port92_reset(struct port92 *p);
uint32_t port92_io_read(void *opaque, uint16_t port, unsigned size);
void port92_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);
void port92_save(const struct port92 *p, struct state_writer *w);
int port92_load(struct port92 *p, struct state_reader *r);

#endif
