/* The PIIX3 reset control register (port 0xCF9): writing bit 2 (RCPU) as
 * 1 resets the machine (bit 1 chooses a hard or soft reset; the board does
 * a full reset for both). Firmware running on QEMU-style boards (SeaBIOS)
 * reboots through it. Only byte accesses reach it: dword accesses to
 * 0xCF8 belong to PCI configuration mechanism #1.
 */
#ifndef SHADOW86_DEVICES_RESETCTL_H
#define SHADOW86_DEVICES_RESETCTL_H

#include <stdint.h>

#include "devices/iobus.h"
#include "base/state.h"

struct resetctl {
    uint8_t value;   /* bits 1 and 3 as written (RCPU reads back 0) */
    void (*reset)(void *opaque);
    void *opaque;
};

int resetctl_init(struct resetctl *r, struct iobus *bus, void (*reset)(void *), void *opaque);
void resetctl_reset(struct resetctl *r);
uint32_t resetctl_io_read(void *opaque, uint16_t port, unsigned size);
void resetctl_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);
void resetctl_save(const struct resetctl *r, struct state_writer *w);
int resetctl_load(struct resetctl *r, struct state_reader *rd);

#endif
