/* Intel 8254 programmable interval timer (ports 0x40-0x43), clocked at
 * 1.193182 MHz from the machine clock. Channel 0 drives IRQ 0; channel 2's
 * gate and output are reached through port 0x61 (devices/port61.c);
 * channel 1 (DRAM refresh on old PCs) counts but drives nothing.
 *
 * Counters are not stepped: each channel remembers when its count was
 * loaded (or its gate triggered) and derives its value and OUT from the
 * clock when read, per the mode's waveform in the 8254 datasheet. Only
 * channel 0 schedules a clock timer, for its next OUT transition, so an
 * idle PIT costs nothing.
 */
#ifndef SHADOW86_DEVICES_I8254_H
#define SHADOW86_DEVICES_I8254_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "base/clock.h"
#include "base/state.h"

#define I8254_HZ 1193182ull

struct i8254_channel {
    uint8_t mode;          /* 0-5 */
    uint8_t rw;            /* 1: LSB, 2: MSB, 3: LSB then MSB */
    uint8_t bcd;
    uint8_t gate;
    uint8_t armed;         /* counting: count loaded (and triggered, modes 1/5) */
    uint8_t null_count;    /* count written but not yet loaded into the counter */
    uint8_t write_lsb_next;/* rw 3: next write is the LSB */
    uint8_t read_lsb_next; /* rw 3: next read is the LSB */
    uint8_t count_latched; /* 0, or 1/2 bytes of `latch` still to read */
    uint8_t status_latched;
    uint8_t status;
    uint8_t out_idle;      /* OUT while not armed */
    uint8_t pending_lsb;
    uint16_t latch;        /* latched counter value (already BCD if bcd) */
    uint32_t count;        /* reload value in ticks: 1..65536 (10000 BCD) */
    uint64_t frozen;       /* modes 0/4: ticks counted when the gate went low */
    uint64_t start;        /* clock time (ns) counting started */
};

struct i8254 {
    struct i8254_channel ch[3];
    struct clock *clock;
    int timer;             /* clock timer id for channel 0's OUT */
    struct irq_line irq0;
    uint8_t out0;          /* level last sent on IRQ 0 */
    uint64_t edge_tick;    /* channel 0 tick the timer is armed for (UINT64_MAX: none) */
    FILE *log;
    uint32_t logged;
    /* Called before a write or gate change alters a channel's waveform
     * (the PC speaker renders what it played up to that instant). */
    struct {
        void (*fn)(void *opaque);
        void *opaque;
    } before_change[3];
};

int i8254_init(struct i8254 *p, struct iobus *bus, struct clock *clock, struct irq_line irq0,
               FILE *log);
void i8254_reset(struct i8254 *p);

/* Gate input of channel `ch` (only channel 2's is wired on a PC). */
void i8254_set_gate(struct i8254 *p, int ch, int level);
/* OUT of channel `ch` now. */
int i8254_get_out(struct i8254 *p, int ch);
/* OUT of channel `ch` at machine time `ns`: exact for any time since the
 * channel was last changed (its observer is told before each change). */
int i8254_out_at(const struct i8254 *p, int ch, uint64_t ns);
/* Have fn(opaque) called before channel `ch` changes (after init). */
void i8254_observe(struct i8254 *p, int ch, void (*fn)(void *opaque), void *opaque);

uint32_t i8254_io_read(void *opaque, uint16_t port, unsigned size);
void i8254_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

void i8254_save(const struct i8254 *p, struct state_writer *w);
int i8254_load(struct i8254 *p, struct state_reader *r);

#endif
