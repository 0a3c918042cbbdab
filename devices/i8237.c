#include <string.h>

#include "devices/devlog.h"
#include "devices/i8237.h"

/* Page register port (low nibble) of each channel: the AT's 74LS612 map. */
static const uint8_t page_port[I8237_CHANNELS] = { 0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA };

/* Notices logged once (bits of log_seen). */
enum {
    LOG_MEM_TO_MEM, LOG_CASCADE_XFER, LOG_WRONG_DIRECTION, LOG_SOFT_REQUEST, LOG_COMMAND_BITS,
    LOG_ODD_WORDS
};

#define MODE_DECREMENT 0x20
#define MODE_AUTOINIT 0x10
#define MODE_TYPE(m) (((m) >> 2) & 3)   /* 0 verify, 1 write (to memory), 2 read */
#define MODE_MODE(m) ((m) >> 6)         /* 0 demand, 1 single, 2 block, 3 cascade */
#define CMD_DISABLE 0x04

void i8237_reset(struct i8237 *d)
{
    /* Master clear: command, status, request, temporary register and the
     * byte pointer cleared, every channel masked. Addresses, counts, modes
     * and pages keep their values (the datasheet leaves them undefined). */
    for (int c = 0; c < 2; c++) {
        d->command[c] = 0;
        d->status[c] = 0;
        d->request[c] = 0;
        d->flipflop[c] = 0;
        d->mask[c] = 0x0F;
    }
}

int i8237_init(struct i8237 *d, struct iobus *bus, i8237_mem_fn read_mem, i8237_mem_fn write_mem,
               void *mem_opaque, FILE *log)
{
    memset(d, 0, sizeof *d);
    d->read_mem = read_mem;
    d->write_mem = write_mem;
    d->mem_opaque = mem_opaque;
    d->log = log;
    i8237_reset(d);
    if (iobus_register(bus, 0x00, 0x10, i8237_io_read, i8237_io_write, d, "dma1") != 0 ||
        iobus_register(bus, 0xC0, 0x20, i8237_io_read, i8237_io_write, d, "dma2") != 0 ||
        iobus_register(bus, 0x81, 0x0F, i8237_io_read, i8237_io_write, d, "dma-page") != 0)
        return -1;
    return 0;
}

int i8237_channel_ready(const struct i8237 *d, unsigned chan)
{
    unsigned c = chan >> 2, bit = 1u << (chan & 3);
    if (chan >= I8237_CHANNELS || (d->mask[c] & bit) || (d->command[c] & CMD_DISABLE))
        return 0;
    /* Controller 1 holds the bus through controller 2's channel 4. */
    if (c == 0 && ((d->mask[1] & 1) || (d->command[1] & CMD_DISABLE)))
        return 0;
    return 1;
}

void i8237_set_dreq(struct i8237 *d, unsigned chan, int level)
{
    if (chan >= I8237_CHANNELS)
        return;
    uint8_t bit = (uint8_t)(1u << (chan & 3));
    if (level)
        d->dreq[chan >> 2] |= bit;
    else
        d->dreq[chan >> 2] &= (uint8_t)~bit;
}

/* Physical address of the channel's current transfer unit. */
static uint32_t unit_address(const struct i8237 *d, unsigned chan)
{
    const struct i8237_channel *ch = &d->ch[chan];
    uint32_t page = d->page[page_port[chan]];
    if (chan >= 4)
        return ((page & 0xFEu) << 16) | ((uint32_t)ch->cur_addr << 1);
    return (page << 16) | ch->cur_addr;
}

/* Terminal count on `chan`: status bit, then reload or mask. */
static void reach_terminal_count(struct i8237 *d, unsigned chan)
{
    struct i8237_channel *ch = &d->ch[chan];
    unsigned c = chan >> 2;
    uint8_t bit = (uint8_t)(1u << (chan & 3));
    d->status[c] |= bit;
    d->request[c] &= (uint8_t)~bit;
    d->terminal_counts++;
    if (ch->mode & MODE_AUTOINIT) {
        ch->cur_addr = ch->base_addr;
        ch->cur_count = ch->base_count;
    } else {
        d->mask[c] |= bit;
    }
}

/* Move up to `len` bytes between `buf` and memory on `chan` in the
 * direction `type` (1: to memory, 2: from memory). */
static uint32_t transfer(struct i8237 *d, unsigned chan, uint8_t *buf, uint32_t len, unsigned type,
                         int *tc)
{
    *tc = 0;
    if (!i8237_channel_ready(d, chan))
        return 0;
    struct i8237_channel *ch = &d->ch[chan];
    unsigned unit = chan >= 4 ? 2 : 1;
    if (MODE_MODE(ch->mode) == 3) {
        devlog_once(d->log, &d->log_seen, LOG_CASCADE_XFER,
                    "dma: a device requested channel %u, which is in cascade mode: nothing moved", chan);
        return 0;
    }
    if (len % unit)
        devlog_once(d->log, &d->log_seen, LOG_ODD_WORDS,
                    "dma: an odd byte count on 16-bit channel %u: the last byte is not moved", chan);
    unsigned mtype = MODE_TYPE(ch->mode);
    int touch = mtype == type;
    if (!touch && mtype != 0)
        devlog_once(d->log, &d->log_seen, LOG_WRONG_DIRECTION,
                    "dma: channel %u is programmed for the other direction than its device's "
                    "transfer (or the reserved type 3): counted as verify", chan);
    uint32_t units = len / unit, done = 0;
    while (done < units) {
        /* A run of units with consecutive addresses: up to TC and to the
         * 16-bit address wrap (the page register does not carry). */
        uint32_t run = units - done;
        uint32_t to_tc = (uint32_t)ch->cur_count + 1;
        if (run > to_tc)
            run = to_tc;
        if (ch->mode & MODE_DECREMENT) {
            run = 1;
        } else {
            uint32_t to_wrap = 0x10000u - ch->cur_addr;
            if (run > to_wrap)
                run = to_wrap;
        }
        if (touch) {
            uint32_t addr = unit_address(d, chan);
            uint8_t *p = buf + (size_t)done * unit;
            if (type == 1)
                d->write_mem(d->mem_opaque, addr, p, run * unit);
            else
                d->read_mem(d->mem_opaque, addr, p, run * unit);
        }
        if (type == 1)
            d->bytes_to_memory += (uint64_t)run * unit;
        else
            d->bytes_from_memory += (uint64_t)run * unit;
        ch->cur_addr = (uint16_t)(ch->mode & MODE_DECREMENT ? ch->cur_addr - run : ch->cur_addr + run);
        ch->cur_count = (uint16_t)(ch->cur_count - run);
        done += run;
        if (ch->cur_count == 0xFFFF) {
            reach_terminal_count(d, chan);
            *tc = 1;
            break;
        }
    }
    return done * unit;
}

uint32_t i8237_write_memory(struct i8237 *d, unsigned chan, const void *buf, uint32_t len, int *tc)
{
    /* The buffer is only read in this direction. */
    return transfer(d, chan, (uint8_t *)(uintptr_t)buf, len, 1, tc);
}

uint32_t i8237_read_memory(struct i8237 *d, unsigned chan, void *buf, uint32_t len, int *tc)
{
    return transfer(d, chan, buf, len, 2, tc);
}

/* ------------------------------------------------------------ ports */

/* Controller and register (0-15) of a port. Controller 2's registers sit
 * on even ports (it is wired to A1-A4); odd ones alias. */
static int decode(uint16_t port, unsigned *c, unsigned *reg)
{
    if (port < 0x10) {
        *c = 0;
        *reg = port;
        return 1;
    }
    if (port >= 0xC0 && port < 0xE0) {
        *c = 1;
        *reg = (unsigned)(port - 0xC0) >> 1;
        return 1;
    }
    return 0;
}

void i8237_observe(struct i8237 *d, void (*fn)(void *opaque), void *opaque)
{
    d->before_access = fn;
    d->observer = opaque;
}

uint32_t i8237_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8237 *d = opaque;
    if (d->before_access)
        d->before_access(d->observer);
    uint32_t high = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    unsigned c, reg;
    if (!decode(port, &c, &reg))
        return high | d->page[port & 0xF];
    if (reg < 8) {
        struct i8237_channel *ch = &d->ch[c * 4 + (reg >> 1)];
        uint16_t v = reg & 1 ? ch->cur_count : ch->cur_addr;
        uint8_t byte = (uint8_t)(d->flipflop[c] ? v >> 8 : v);
        d->flipflop[c] ^= 1;
        return high | byte;
    }
    switch (reg) {
    case 8: {   /* status: TC bits clear on read; request bits from DREQ */
        uint8_t v = (uint8_t)(d->status[c] | ((d->request[c] | d->dreq[c]) << 4));
        d->status[c] = 0;
        return high | v;
    }
    case 13:    /* temporary register: only memory-to-memory fills it */
        return high;
    case 15:    /* the mask bits read back (PIIX's 8237 copy does; the 8237A
                   itself has no readable mask) */
        return high | 0xF0 | d->mask[c];
    default:    /* write-only registers */
        return iobus_float_value(size);
    }
}

void i8237_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct i8237 *d = opaque;
    if (d->before_access)
        d->before_access(d->observer);
    (void)size;
    uint8_t v = (uint8_t)val;
    unsigned c, reg;
    if (!decode(port, &c, &reg)) {
        d->page[port & 0xF] = v;
        return;
    }
    if (reg < 8) {
        /* Base and current registers are written together. */
        struct i8237_channel *ch = &d->ch[c * 4 + (reg >> 1)];
        uint16_t *base = reg & 1 ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = reg & 1 ? &ch->cur_count : &ch->cur_addr;
        *base = d->flipflop[c] ? (uint16_t)((*base & 0x00FF) | (v << 8))
                               : (uint16_t)((*base & 0xFF00) | v);
        *cur = *base;
        d->flipflop[c] ^= 1;
        return;
    }
    uint8_t bit = (uint8_t)(1u << (v & 3));
    switch (reg) {
    case 8:     /* command */
        if (v & ~CMD_DISABLE)
            devlog_once(d->log, &d->log_seen, LOG_COMMAND_BITS,
                        "dma: command 0x%02x: memory-to-memory, compressed timing, priority and "
                        "polarity bits are not modelled (kept)", v);
        if (v & 1)
            devlog_once(d->log, &d->log_seen, LOG_MEM_TO_MEM,
                        "dma: memory-to-memory transfers are not modelled");
        d->command[c] = v;
        break;
    case 9:     /* request: a software DREQ; only the status shows it, since
                   no device stands behind it to move data */
        if (v & 4) {
            d->request[c] |= bit;
            devlog_once(d->log, &d->log_seen, LOG_SOFT_REQUEST,
                        "dma: software requests are shown in the status but move no data");
        } else {
            d->request[c] &= (uint8_t)~bit;
        }
        break;
    case 10:    /* single mask bit */
        if (v & 4)
            d->mask[c] |= bit;
        else
            d->mask[c] &= (uint8_t)~bit;
        break;
    case 11:    /* mode */
        d->ch[c * 4 + (v & 3)].mode = v & 0xFC;
        break;
    case 12:    /* clear byte pointer */
        d->flipflop[c] = 0;
        break;
    case 13:    /* master clear */
        d->command[c] = 0;
        d->status[c] = 0;
        d->request[c] = 0;
        d->flipflop[c] = 0;
        d->mask[c] = 0x0F;
        break;
    case 14:    /* clear all mask bits */
        d->mask[c] = 0;
        break;
    case 15:    /* write all mask bits */
        d->mask[c] = v & 0x0F;
        break;
    }
}

/* ------------------------------------------------------------ state */

static const struct state_field i8237_fields[] = {
    STATE_EACH(struct i8237, ch, base_addr, 0xFFFF),
    STATE_EACH(struct i8237, ch, base_count, 0xFFFF),
    STATE_EACH(struct i8237, ch, cur_addr, 0xFFFF),
    STATE_EACH(struct i8237, ch, cur_count, 0xFFFF),
    STATE_EACH(struct i8237, ch, mode, 0xFC),
    STATE_ARRAY(struct i8237, command, 0xFF),
    STATE_ARRAY(struct i8237, status, 0x0F),
    STATE_ARRAY(struct i8237, request, 0x0F),
    STATE_ARRAY(struct i8237, dreq, 0x0F),
    STATE_ARRAY(struct i8237, mask, 0x0F),
    STATE_ARRAY(struct i8237, flipflop, 1),
    STATE_ARRAY(struct i8237, page, 0xFF),
};
static const struct state_layout i8237_layout = STATE_LAYOUT("DMA ", 1, i8237_fields);

void i8237_save(const struct i8237 *d, struct state_writer *w)
{
    state_save_layout(w, &i8237_layout, NULL, d);
}

int i8237_load(struct i8237 *d, struct state_reader *r)
{
    return state_load_layout(r, &i8237_layout, NULL, d);
}
