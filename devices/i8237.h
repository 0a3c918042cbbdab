/* The PC/AT's two Intel 8237A DMA controllers and the 74LS612 page
 * registers (8237A datasheet; IBM PC/AT technical reference; PIIX3's
 * compatible copy of both).
 *
 * Controller 1 (ports 0x00-0x0F) drives the 8-bit channels 0-3; controller
 * 2 (ports 0xC0-0xDE, even addresses) the 16-bit channels 4-7, channel 4
 * being the cascade input controller 1 reaches memory through. The page
 * registers at 0x81-0x8F give address bits 16-23 (0x80 is the POST-code
 * port on this board, so it is not here; the other unassigned page ports
 * are scratch registers, as on the AT). 16-bit channels count words: their
 * address register holds A1-A16 and the page register's bit 0 is unused.
 *
 * The model is device-driven: an ISA device that has data (or wants it)
 * calls i8237_write_memory / i8237_read_memory with the bytes of its
 * request, and the channel moves as many as its programming allows --
 * whatever the mode (single, block, demand: they differ only in how the
 * bus is shared, which nothing here can observe), stopping at terminal
 * count. At TC the channel's status bit is set, and it either reloads its
 * base registers (auto-initialize) or masks itself. Timing is the
 * device's: a device schedules its own clock timer for when its data is
 * there, then moves it. Memory is reached through callbacks the board
 * wires (devices never touch guest memory themselves).
 */
#ifndef SHADOW86_DEVICES_I8237_H
#define SHADOW86_DEVICES_I8237_H

#include <stdint.h>
#include <stdio.h>

#include "base/state.h"
#include "devices/iobus.h"

#define I8237_CHANNELS 8

/* Guest physical memory: buf <-> [addr, addr + len). */
typedef void (*i8237_mem_fn)(void *opaque, uint32_t addr, void *buf, uint32_t len);

struct i8237_channel {
    uint16_t base_addr, base_count;   /* written by the guest, reloaded by auto-init */
    uint16_t cur_addr, cur_count;     /* count: transfers left - 1 (0xFFFF after TC) */
    uint8_t mode;                     /* mode register: bits 7-6 mode, 5 decrement,
                                         4 auto-init, 3-2 transfer type (bits 1-0 are
                                         the channel and not kept) */
};

struct i8237 {
    struct i8237_channel ch[I8237_CHANNELS];
    /* Per controller (0: channels 0-3, 1: channels 4-7). */
    uint8_t command[2];               /* bit 2: controller disabled */
    uint8_t status[2];                /* bits 0-3 TC reached (cleared on read) */
    uint8_t request[2];               /* software DREQ bits 0-3 */
    uint8_t dreq[2];                  /* device DREQ bits 0-3 */
    uint8_t mask[2];                  /* bits 0-3 */
    uint8_t flipflop[2];              /* byte pointer: 0 low byte next, 1 high */
    uint8_t page[16];                 /* ports 0x80-0x8F (0x80 itself unused) */

    i8237_mem_fn read_mem, write_mem;
    void *mem_opaque;
    FILE *log;
    uint32_t log_seen;
    uint64_t bytes_to_memory, bytes_from_memory, terminal_counts;
    /* Called before the guest reads or writes the controllers: a device
     * that moves its data lazily (the SB16) brings its channel up to now,
     * so what the guest sees never depends on when it last caught up. */
    void (*before_access)(void *opaque);
    void *observer;
};

int i8237_init(struct i8237 *d, struct iobus *bus, i8237_mem_fn read_mem, i8237_mem_fn write_mem,
               void *mem_opaque, FILE *log);
void i8237_reset(struct i8237 *d);   /* master clear of both controllers */
void i8237_save(const struct i8237 *d, struct state_writer *w);
int i8237_load(struct i8237 *d, struct state_reader *r);

/* Whether channel `chan` would move data now: unmasked, its controller
 * enabled, and for channels 0-3 the cascade channel 4 unmasked too. */
int i8237_channel_ready(const struct i8237 *d, unsigned chan);

/* A device's DREQ line (shown in the status register's bits 4-7). */
void i8237_set_dreq(struct i8237 *d, unsigned chan, int level);

/* Device -> memory ("write transfer"): move up to `len` bytes of `buf`
 * (a whole number of words on channels 4-7). Device <- memory ("read
 * transfer"): fill up to `len` bytes of buf. Return the bytes the channel
 * took or gave: fewer than `len` when it reached terminal count (*tc is
 * then set) or is not ready (0). A channel programmed for verify moves
 * its counters without touching memory; one programmed for the other
 * direction does the same and is logged once. */
uint32_t i8237_write_memory(struct i8237 *d, unsigned chan, const void *buf, uint32_t len,
                            int *tc);
uint32_t i8237_read_memory(struct i8237 *d, unsigned chan, void *buf, uint32_t len, int *tc);

/* Have fn(opaque) called before every guest access (after init). */
void i8237_observe(struct i8237 *d, void (*fn)(void *opaque), void *opaque);
uint32_t i8237_io_read(void *opaque, uint16_t port, unsigned size);
void i8237_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

#endif
