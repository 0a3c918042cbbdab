/* System control port B (port 0x61) of the PC/AT: PIT channel 2's gate
 * (bit 0) and the speaker enable (bit 1) are written here; reads also give
 * the DRAM refresh toggle (bit 4, every 15.085 us, which BIOSes time
 * short delays with) and channel 2's OUT (bit 5). Bits 2-3 (parity and
 * channel-check enables) are kept; the NMI sources behind bits 6-7 do not
 * exist on this board, so those read 0.
 */
#ifndef SHADOW86_DEVICES_PORT61_H
#define SHADOW86_DEVICES_PORT61_H

#include <stdint.h>

#include "devices/i8254.h"
#include "devices/iobus.h"
#include "base/clock.h"
#include "base/state.h"

#define PORT61_REFRESH_NS 15085u

struct port61 {
    struct i8254 *pit;
    struct clock *clock;
    uint8_t value;   /* bits 0-3 as written */
    /* Called before a write changes the gate or the speaker enable (the
     * PC speaker renders what it played up to that instant). */
    void (*before_write)(void *opaque);
    void *observer;
};

/* The speaker enable (bit 1) as last written. */
static inline int port61_speaker_enabled(const struct port61 *p)
{
    return (p->value >> 1) & 1;
}

int port61_init(struct port61 *p, struct iobus *bus, struct i8254 *pit, struct clock *clock);
void port61_reset(struct port61 *p);
uint32_t port61_io_read(void *opaque, uint16_t port, unsigned size);
void port61_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);
void port61_save(const struct port61 *p, struct state_writer *w);
int port61_load(struct port61 *p, struct state_reader *r);

#endif
