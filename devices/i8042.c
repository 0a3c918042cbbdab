#include <string.h>

#include "devices/devlog.h"
#include "devices/i8042.h"

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_A2 0x08       /* last write was to 0x64 */
#define ST_UNLOCKED 0x10 /* keyboard not inhibited by the key lock */
#define ST_AUX_OBF 0x20

#define CB_KBD_IRQ 0x01
#define CB_AUX_IRQ 0x02
#define CB_SYS 0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLATE 0x40

enum { LOG_CMD };

/* Set 2 make codes and the set 1 codes the 8042 turns them into (the
 * keyboard's key positions; IBM PS/2 Technical Reference, keyboard scan
 * code tables). Bytes not listed pass through unchanged. */
static const uint8_t xlate_pairs[][2] = {
    {0x76,0x01},{0x16,0x02},{0x1E,0x03},{0x26,0x04},{0x25,0x05},{0x2E,0x06},{0x36,0x07},
    {0x3D,0x08},{0x3E,0x09},{0x46,0x0A},{0x45,0x0B},{0x4E,0x0C},{0x55,0x0D},{0x66,0x0E},
    {0x0D,0x0F},{0x15,0x10},{0x1D,0x11},{0x24,0x12},{0x2D,0x13},{0x2C,0x14},{0x35,0x15},
    {0x3C,0x16},{0x43,0x17},{0x44,0x18},{0x4D,0x19},{0x54,0x1A},{0x5B,0x1B},{0x5A,0x1C},
    {0x14,0x1D},{0x1C,0x1E},{0x1B,0x1F},{0x23,0x20},{0x2B,0x21},{0x34,0x22},{0x33,0x23},
    {0x3B,0x24},{0x42,0x25},{0x4B,0x26},{0x4C,0x27},{0x52,0x28},{0x0E,0x29},{0x12,0x2A},
    {0x5D,0x2B},{0x1A,0x2C},{0x22,0x2D},{0x21,0x2E},{0x2A,0x2F},{0x32,0x30},{0x31,0x31},
    {0x3A,0x32},{0x41,0x33},{0x49,0x34},{0x4A,0x35},{0x59,0x36},{0x7C,0x37},{0x11,0x38},
    {0x29,0x39},{0x58,0x3A},{0x05,0x3B},{0x06,0x3C},{0x04,0x3D},{0x0C,0x3E},{0x03,0x3F},
    {0x0B,0x40},{0x83,0x41},{0x0A,0x42},{0x01,0x43},{0x09,0x44},{0x77,0x45},{0x7E,0x46},
    {0x6C,0x47},{0x75,0x48},{0x7D,0x49},{0x7B,0x4A},{0x6B,0x4B},{0x73,0x4C},{0x74,0x4D},
    {0x79,0x4E},{0x69,0x4F},{0x72,0x50},{0x7A,0x51},{0x70,0x52},{0x71,0x53},{0x84,0x54},
    {0x61,0x56},{0x78,0x57},{0x07,0x58},
};

uint8_t i8042_translate(uint8_t set2)
{
    for (size_t i = 0; i < sizeof xlate_pairs / sizeof xlate_pairs[0]; i++)
        if (xlate_pairs[i][0] == set2)
            return xlate_pairs[i][1];
    return set2;
}

static void update_irqs(struct i8042 *c)
{
    irq_set(&c->irq_kbd, c->out_full == 1 && (c->ram[0] & CB_KBD_IRQ));
    irq_set(&c->irq_mouse, c->out_full == 2 && (c->ram[0] & CB_AUX_IRQ));
}

/* Put a byte in the output buffer as if it came from the keyboard (1),
 * the mouse (2). */
static void put_out(struct i8042 *c, uint8_t b, int from)
{
    c->out = b;
    c->out_full = (uint8_t)from;
    update_irqs(c);
}

/* The output buffer is free: take the next device byte, keyboard first.
 * Keyboard bytes go through translation when the command byte asks. */
static void refill(struct i8042 *c)
{
    while (!c->out_full) {
        if (!(c->ram[0] & CB_KBD_OFF) && ps2kbd_pending(&c->kbd)) {
            uint8_t b = ps2kbd_read(&c->kbd);
            if (c->ram[0] & CB_XLATE) {
                if (b == 0xF0) {
                    c->translate_f0 = 1;
                    continue;   /* folded into the next byte's bit 7 */
                }
                b = i8042_translate(b);
                if (c->translate_f0) {
                    b |= 0x80;
                    c->translate_f0 = 0;
                }
            }
            put_out(c, b, 1);
        } else if (!(c->ram[0] & CB_AUX_OFF) && ps2mouse_pending(&c->mouse)) {
            put_out(c, ps2mouse_read(&c->mouse), 2);
        } else {
            break;
        }
    }
    update_irqs(c);
}

static void device_notify(void *opaque)
{
    refill(opaque);
}

static void write_outport(struct i8042 *c, uint8_t v)
{
    c->outport = v;
    c->set_a20(c->board, (v >> 1) & 1);
    if (!(v & 1))
        c->reset(c->board);   /* reset line is active low */
}

static void command(struct i8042 *c, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3F) {
        put_out(c, c->ram[cmd & 0x1F], 1);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7F) || cmd == 0xD1 || cmd == 0xD2 || cmd == 0xD3 || cmd == 0xD4) {
        c->pending = cmd;
        return;
    }
    if (cmd >= 0xF0) {
        /* Pulse output port bits 0-3 low where cmd has a 0 bit: bit 0 is
         * the CPU reset (0xFE). */
        if (!(cmd & 1))
            c->reset(c->board);
        return;
    }
    switch (cmd) {
    case 0xA7: c->ram[0] |= CB_AUX_OFF; break;
    case 0xA8: c->ram[0] &= (uint8_t)~CB_AUX_OFF; refill(c); break;
    case 0xA9: put_out(c, 0x00, 1); break;      /* aux interface test: OK */
    case 0xAA:                                  /* self test: passed */
        c->status |= ST_SYS;
        put_out(c, 0x55, 1);
        break;
    case 0xAB: put_out(c, 0x00, 1); break;      /* keyboard interface test: OK */
    case 0xAD: c->ram[0] |= CB_KBD_OFF; break;
    case 0xAE: c->ram[0] &= (uint8_t)~CB_KBD_OFF; refill(c); break;
    case 0xC0: put_out(c, 0x80, 1); break;      /* input port: keyboard not locked */
    case 0xD0: put_out(c, c->outport, 1); break;
    case 0xE0: put_out(c, 0x00, 1); break;      /* test inputs */
    default:
        devlog_once(c->log, &c->logged, LOG_CMD, "i8042: command 0x%02X not modelled", cmd);
        break;
    }
}

static void data_write(struct i8042 *c, uint8_t v)
{
    uint8_t cmd = c->pending;
    c->pending = 0;
    if (!cmd) {
        /* Writing data sends it to the keyboard (and enables its port). */
        c->ram[0] &= (uint8_t)~CB_KBD_OFF;
        ps2kbd_write(&c->kbd, v);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7F) {
        c->ram[cmd & 0x1F] = v;
        if (cmd == 0x60) {
            c->status = (uint8_t)((c->status & ~ST_SYS) | (v & CB_SYS));
            refill(c);
        }
        return;
    }
    switch (cmd) {
    case 0xD1: write_outport(c, v); break;
    case 0xD2: put_out(c, v, 1); break;
    case 0xD3: put_out(c, v, 2); break;
    case 0xD4:
        c->ram[0] &= (uint8_t)~CB_AUX_OFF;
        ps2mouse_write(&c->mouse, v);
        break;
    }
}

uint32_t i8042_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8042 *c = opaque;
    uint32_t hi = size > 1 ? iobus_float_value(size) & ~0xFFu : 0;
    if (port == 0x64) {
        uint8_t st = (uint8_t)(c->status | ST_UNLOCKED);
        if (c->out_full)
            st |= ST_OBF;
        if (c->out_full == 2)
            st |= ST_AUX_OBF;
        return hi | st;
    }
    uint8_t b = c->out;   /* reading an empty buffer gives the last byte */
    c->out_full = 0;
    update_irqs(c);
    refill(c);
    return hi | b;
}

void i8042_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct i8042 *c = opaque;
    (void)size;
    if (port == 0x64) {
        c->status |= ST_A2;
        command(c, (uint8_t)val);
    } else {
        c->status &= (uint8_t)~ST_A2;
        data_write(c, (uint8_t)val);
    }
    refill(c);
}

void i8042_reset(struct i8042 *c)
{
    memset(c->ram, 0, sizeof c->ram);
    /* What the controller's firmware sets up at power-on: IRQ 1 on,
     * translation on, mouse port off. */
    c->ram[0] = CB_KBD_IRQ | CB_XLATE | CB_AUX_OFF;
    c->status = 0;
    c->out = 0;
    c->out_full = 0;
    c->pending = 0;
    c->translate_f0 = 0;
    c->outport = 0x03;     /* reset line inactive, A20 enabled */
    ps2kbd_reset(&c->kbd);
    ps2mouse_reset(&c->mouse);
    c->set_a20(c->board, 1);
    update_irqs(c);
}

int i8042_init(struct i8042 *c, struct iobus *bus, struct clock *clock, struct irq_line irq_kbd,
               struct irq_line irq_mouse, void (*set_a20)(void *, int), void (*reset)(void *),
               void *board, FILE *log)
{
    memset(c, 0, sizeof *c);
    c->irq_kbd = irq_kbd;
    c->irq_mouse = irq_mouse;
    c->set_a20 = set_a20;
    c->reset = reset;
    c->board = board;
    c->log = log;
    ps2kbd_init(&c->kbd, clock, device_notify, c, log);
    ps2mouse_init(&c->mouse, device_notify, c);
    if (c->kbd.timer < 0)
        return -1;
    i8042_reset(c);
    if (bus && (iobus_register(bus, 0x60, 1, i8042_io_read, i8042_io_write, c, "i8042") != 0 ||
                iobus_register(bus, 0x64, 1, i8042_io_read, i8042_io_write, c, "i8042") != 0))
        return -1;
    return 0;
}

static const struct state_field i8042_fields[] = {
    STATE_ARRAY(struct i8042, ram, 0xFF), STATE_FIELD(struct i8042, status, 0xFF),
    STATE_FIELD(struct i8042, out, 0xFF), STATE_FIELD(struct i8042, out_full, 2),
    STATE_FIELD(struct i8042, pending, 0xFF), STATE_FIELD(struct i8042, outport, 0xFF),
    STATE_FIELD(struct i8042, translate_f0, 1),
};
static const struct state_layout i8042_layout = STATE_LAYOUT("KBC0", 1, i8042_fields);

void i8042_save(const struct i8042 *c, struct state_writer *w)
{
    state_save_layout(w, &i8042_layout, NULL, c);
    ps2kbd_save(&c->kbd, w);
    ps2mouse_save(&c->mouse, w);
}

int i8042_load(struct i8042 *c, struct state_reader *r)
{
    if (state_load_layout(r, &i8042_layout, NULL, c) != 0 || ps2kbd_load(&c->kbd, r) != 0 ||
        ps2mouse_load(&c->mouse, r) != 0)
        return -1;
    c->status &= ST_SYS | ST_A2;   /* the buffer bits are derived from out_full */
    update_irqs(c);
    return 0;
}
