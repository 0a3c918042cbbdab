#include <string.h>

#include "devices/devlog.h"
#include "devices/ps2.h"

enum { LOG_SCANSET };

static void q_clear(struct ps2_queue *q)
{
    q->head = q->count = 0;
}

/* A full queue drops the byte, as the keyboard's own buffer overflows. */
static void q_put(struct ps2_queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE)
        return;
    q->data[(q->head + q->count) % PS2_QUEUE] = b;
    q->count++;
}

static uint8_t q_get(struct ps2_queue *q)
{
    if (!q->count)
        return 0;
    uint8_t b = q->data[q->head];
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE);
    q->count--;
    return b;
}

static void kbd_send(struct ps2kbd *k, uint8_t b)
{
    q_put(&k->q, b);
    k->last_sent = b;
    if (k->notify)
        k->notify(k->notify_opaque);
}

/* Typematic delay (bits 5-6: 250-1000 ms) and period (bits 0-4: the
 * 8042-era formula (8 + A) * 2^B * 4.17 ms, A = bits 0-2, B = bits 3-4). */
static uint64_t typematic_delay_ns(const struct ps2kbd *k)
{
    return (uint64_t)(((k->typematic >> 5) & 3) + 1) * 250000000ull;
}

static uint64_t typematic_period_ns(const struct ps2kbd *k)
{
    unsigned a = k->typematic & 7, b = (k->typematic >> 3) & 3;
    return (uint64_t)(8 + a) * (1u << b) * 4170000ull;
}

static void send_make(struct ps2kbd *k, unsigned code)
{
    if (code & PS2_KEY_E0)
        kbd_send(k, 0xE0);
    kbd_send(k, (uint8_t)code);
}

static void typematic_fired(void *opaque)
{
    struct ps2kbd *k = opaque;
    if (!k->held || !k->scanning)
        return;
    send_make(k, k->held);
    clock_schedule(k->clock, k->timer, clock_now(k->clock) + typematic_period_ns(k));
}

void ps2kbd_key(struct ps2kbd *k, unsigned code, int down)
{
    if (!k->scanning)
        return;
    if (code == PS2_KEY_PAUSE) {
        static const uint8_t pause[8] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };
        if (down)
            for (unsigned i = 0; i < sizeof pause; i++)
                kbd_send(k, pause[i]);
        return;
    }
    if (code == PS2_KEY_PRTSC) {
        /* A fake left shift (E0 12) around E0 7C. */
        if (down) {
            kbd_send(k, 0xE0);
            kbd_send(k, 0x12);
        }
        ps2kbd_key(k, PS2_KEY_E0 | 0x7C, down);
        if (!down) {
            kbd_send(k, 0xE0);
            kbd_send(k, 0xF0);
            kbd_send(k, 0x12);
        }
        return;
    }
    if (down) {
        send_make(k, code);
        k->held = (uint16_t)code;
        clock_schedule(k->clock, k->timer, clock_now(k->clock) + typematic_delay_ns(k));
    } else {
        if (code & PS2_KEY_E0)
            kbd_send(k, 0xE0);
        kbd_send(k, 0xF0);
        kbd_send(k, (uint8_t)code);
        if (k->held == code) {
            k->held = 0;
            clock_cancel(k->clock, k->timer);
        }
    }
}

static void kbd_defaults(struct ps2kbd *k)
{
    k->typematic = 0x2B;   /* 500 ms, 10.9 cps: the power-on default */
    k->held = 0;
    clock_cancel(k->clock, k->timer);
}

void ps2kbd_reset(struct ps2kbd *k)
{
    q_clear(&k->q);
    k->scanning = 1;
    k->pending_cmd = 0;
    k->leds = 0;
    kbd_defaults(k);
}

void ps2kbd_write(struct ps2kbd *k, uint8_t b)
{
    if (k->pending_cmd) {
        uint8_t cmd = k->pending_cmd;
        k->pending_cmd = 0;
        switch (cmd) {
        case 0xED:
            k->leds = b & 7;
            kbd_send(k, 0xFA);
            return;
        case 0xF3:
            k->typematic = b & 0x7F;
            kbd_send(k, 0xFA);
            return;
        case 0xF0:
            kbd_send(k, 0xFA);
            if (b == 0)
                kbd_send(k, 0x02);   /* we speak set 2 only */
            else if (b != 2)
                devlog_once(k->log, &k->logged, LOG_SCANSET,
                            "ps2kbd: scan code set %u not modelled; staying in set 2", b);
            return;
        }
    }
    switch (b) {
    case 0xED: /* set LEDs */
    case 0xF3: /* typematic rate/delay */
    case 0xF0: /* scan code set */
        k->pending_cmd = b;
        kbd_send(k, 0xFA);
        break;
    case 0xEE: /* echo */
        kbd_send(k, 0xEE);
        break;
    case 0xF2: /* identify: MF2 keyboard */
        kbd_send(k, 0xFA);
        kbd_send(k, 0xAB);
        kbd_send(k, 0x83);
        break;
    case 0xF4:
        q_clear(&k->q);
        k->scanning = 1;
        kbd_send(k, 0xFA);
        break;
    case 0xF5: /* disable and restore defaults */
        q_clear(&k->q);
        k->scanning = 0;
        kbd_defaults(k);
        kbd_send(k, 0xFA);
        break;
    case 0xF6:
        q_clear(&k->q);
        kbd_defaults(k);
        kbd_send(k, 0xFA);
        break;
    case 0xFE: /* resend */
        kbd_send(k, k->last_sent);
        break;
    case 0xFF: /* reset and self-test: passed */
        ps2kbd_reset(k);
        kbd_send(k, 0xFA);
        kbd_send(k, 0xAA);
        break;
    default:
        kbd_send(k, 0xFE);   /* unknown command: "resend" */
        break;
    }
}

int ps2kbd_pending(const struct ps2kbd *k)
{
    return k->q.count != 0;
}

uint8_t ps2kbd_read(struct ps2kbd *k)
{
    return q_get(&k->q);
}

void ps2kbd_init(struct ps2kbd *k, struct clock *clock, void (*notify)(void *), void *opaque,
                 FILE *log)
{
    memset(k, 0, sizeof *k);
    k->clock = clock;
    k->notify = notify;
    k->notify_opaque = opaque;
    k->log = log;
    k->timer = clock_timer_add(clock, "ps2kbd", typematic_fired, k);
    ps2kbd_reset(k);
}

/* Mouse. */

static void mouse_send(struct ps2mouse *mo, uint8_t b)
{
    q_put(&mo->q, b);
    if (mo->notify)
        mo->notify(mo->notify_opaque);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* One movement packet (3 bytes, 4 with the wheel): button bits, always-1
 * bit 3, sign and overflow bits, then X and Y as 9-bit two's complement. */
static void mouse_packet(struct ps2mouse *mo)
{
    int dx = clamp(mo->dx, -256, 255), dy = clamp(mo->dy, -256, 255);
    int dz = clamp(mo->dz, -8, 7);
    uint8_t b0 = (uint8_t)(0x08 | (mo->buttons & 7) | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0) |
                           (mo->dx != dx ? 0x40 : 0) | (mo->dy != dy ? 0x80 : 0));
    mouse_send(mo, b0);
    mouse_send(mo, (uint8_t)dx);
    mouse_send(mo, (uint8_t)dy);
    if (mo->id == 3)
        mouse_send(mo, (uint8_t)(dz & 0x0F));
    mo->dx = mo->dy = mo->dz = 0;
}

void ps2mouse_event(struct ps2mouse *mo, int dx, int dy, int dz, unsigned buttons)
{
    mo->dx += dx;
    mo->dy += dy;
    mo->dz += dz;
    mo->buttons = (uint8_t)(buttons & 7);
    /* Stream mode with reporting on sends now, if a whole packet fits. */
    if (mo->reporting && !mo->remote && mo->q.count + 4 <= PS2_QUEUE)
        mouse_packet(mo);
}

static void mouse_defaults(struct ps2mouse *mo)
{
    mo->reporting = 0;
    mo->remote = 0;
    mo->scaling21 = 0;
    mo->rate = 100;
    mo->resolution = 2;
    mo->pending_cmd = 0;
    mo->dx = mo->dy = mo->dz = 0;
}

void ps2mouse_reset(struct ps2mouse *mo)
{
    q_clear(&mo->q);
    mouse_defaults(mo);
    mo->wrap = 0;
    mo->id = 0;
    memset(mo->rate_hist, 0, sizeof mo->rate_hist);
}

void ps2mouse_write(struct ps2mouse *mo, uint8_t b)
{
    if (mo->pending_cmd) {
        uint8_t cmd = mo->pending_cmd;
        mo->pending_cmd = 0;
        if (cmd == 0xF3) {
            mo->rate = b;
            /* Rates 200, 100, 80 in a row switch on the wheel (ID 3). */
            mo->rate_hist[0] = mo->rate_hist[1];
            mo->rate_hist[1] = mo->rate_hist[2];
            mo->rate_hist[2] = b;
            if (mo->rate_hist[0] == 200 && mo->rate_hist[1] == 100 && mo->rate_hist[2] == 80)
                mo->id = 3;
        } else { /* E8 */
            mo->resolution = b & 3;
        }
        mouse_send(mo, 0xFA);
        return;
    }
    if (mo->wrap && b != 0xEC && b != 0xFF) {
        mouse_send(mo, b);   /* wrap (echo) mode */
        return;
    }
    switch (b) {
    case 0xE6: mo->scaling21 = 0; mouse_send(mo, 0xFA); break;
    case 0xE7: mo->scaling21 = 1; mouse_send(mo, 0xFA); break;
    case 0xE8:
    case 0xF3:
        mo->pending_cmd = b;
        mouse_send(mo, 0xFA);
        break;
    case 0xE9: /* status request */
        mouse_send(mo, 0xFA);
        mouse_send(mo, (uint8_t)((mo->remote << 6) | (mo->reporting << 5) | (mo->scaling21 << 4) |
                                 ((mo->buttons & 1) << 2) | ((mo->buttons & 4) >> 1) |
                                 ((mo->buttons & 2) >> 1)));
        mouse_send(mo, mo->resolution);
        mouse_send(mo, mo->rate);
        break;
    case 0xEA: mo->remote = 0; mouse_send(mo, 0xFA); break;
    case 0xF0: mo->remote = 1; mouse_send(mo, 0xFA); break;
    case 0xEB: /* read data (remote mode) */
        mouse_send(mo, 0xFA);
        mouse_packet(mo);
        break;
    case 0xEC: mo->wrap = 0; mouse_send(mo, 0xFA); break;
    case 0xEE: mo->wrap = 1; mouse_send(mo, 0xFA); break;
    case 0xF2:
        mouse_send(mo, 0xFA);
        mouse_send(mo, mo->id);
        break;
    case 0xF4: mo->reporting = 1; mouse_send(mo, 0xFA); break;
    case 0xF5: mo->reporting = 0; mouse_send(mo, 0xFA); break;
    case 0xF6: mouse_defaults(mo); mouse_send(mo, 0xFA); break;
    case 0xFF:
        ps2mouse_reset(mo);
        mouse_send(mo, 0xFA);
        mouse_send(mo, 0xAA);
        mouse_send(mo, 0x00);
        break;
    default:
        mouse_send(mo, 0xFE);
        break;
    }
}

int ps2mouse_pending(const struct ps2mouse *mo)
{
    return mo->q.count != 0;
}

uint8_t ps2mouse_read(struct ps2mouse *mo)
{
    return q_get(&mo->q);
}

void ps2mouse_init(struct ps2mouse *mo, void (*notify)(void *), void *opaque)
{
    memset(mo, 0, sizeof *mo);
    mo->notify = notify;
    mo->notify_opaque = opaque;
    ps2mouse_reset(mo);
}



static const struct state_field ps2kbd_fields[] = {
    STATE_ARRAY(struct ps2kbd, q.data, 0xFF), STATE_FIELD(struct ps2kbd, q.head, PS2_QUEUE - 1),
    STATE_FIELD(struct ps2kbd, q.count, PS2_QUEUE), STATE_FIELD(struct ps2kbd, scanning, 1),
    STATE_FIELD(struct ps2kbd, pending_cmd, 0xFF), STATE_FIELD(struct ps2kbd, leds, 7),
    STATE_FIELD(struct ps2kbd, typematic, 0x7F), STATE_FIELD(struct ps2kbd, last_sent, 0xFF),
    STATE_FIELD(struct ps2kbd, held, 0x1FF),
};
static const struct state_layout ps2kbd_layout = STATE_LAYOUT("KBD0", 1, ps2kbd_fields);

void ps2kbd_save(const struct ps2kbd *k, struct state_writer *w)
{
    state_save_layout(w, &ps2kbd_layout, NULL, k);
}

int ps2kbd_load(struct ps2kbd *k, struct state_reader *r)
{
    return state_load_layout(r, &ps2kbd_layout, NULL, k);
}

/* dx, dy, dz are signed: any 32-bit pattern. */
static const struct state_field ps2mouse_fields[] = {
    STATE_ARRAY(struct ps2mouse, q.data, 0xFF), STATE_FIELD(struct ps2mouse, q.head, PS2_QUEUE - 1),
    STATE_FIELD(struct ps2mouse, q.count, PS2_QUEUE), STATE_FIELD(struct ps2mouse, reporting, 1),
    STATE_FIELD(struct ps2mouse, remote, 1), STATE_FIELD(struct ps2mouse, wrap, 1),
    STATE_FIELD(struct ps2mouse, scaling21, 1), STATE_FIELD(struct ps2mouse, pending_cmd, 0xFF),
    STATE_FIELD(struct ps2mouse, rate, 0xFF), STATE_FIELD(struct ps2mouse, resolution, 3),
    STATE_FIELD(struct ps2mouse, id, 3), STATE_ARRAY(struct ps2mouse, rate_hist, 0xFF),
    STATE_FIELD(struct ps2mouse, buttons, 7), STATE_FIELD(struct ps2mouse, dx, STATE_ANY),
    STATE_FIELD(struct ps2mouse, dy, STATE_ANY), STATE_FIELD(struct ps2mouse, dz, STATE_ANY),
};
static const struct state_layout ps2mouse_layout = STATE_LAYOUT("MOU0", 1, ps2mouse_fields);

void ps2mouse_save(const struct ps2mouse *mo, struct state_writer *w)
{
    state_save_layout(w, &ps2mouse_layout, NULL, mo);
}

int ps2mouse_load(struct ps2mouse *mo, struct state_reader *r)
{
    if (state_load_layout(r, &ps2mouse_layout, NULL, mo) != 0 || (mo->id != 0 && mo->id != 3))
        return -1;
    return 0;
}
