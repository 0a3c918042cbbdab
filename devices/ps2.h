/* PS/2 devices behind the i8042: a keyboard (scan set 2, typematic
 * repeat) and a mouse (stream mode, IntelliMouse wheel). Each has a byte
 * queue toward the controller and takes command bytes from it; the
 * controller pulls bytes when its output buffer is free (ps2_*_pending).
 *
 * Frontends feed input with ps2kbd_key() (set-2 key codes, 0xE0-prefixed
 * keys with PS2_KEY_E0) and ps2mouse_event().
 */
#ifndef SHADOW86_DEVICES_PS2_H
#define SHADOW86_DEVICES_PS2_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/state.h"

#define PS2_QUEUE 16
#define PS2_KEY_E0 0x100   /* flag: the key's code is preceded by E0 */
/* The two keys whose codes are sequences (set 2): Pause sends
 * E1 14 77 E1 F0 14 F0 77 on press and nothing on release; PrintScreen
 * sends E0 12 E0 7C, released E0 F0 7C E0 F0 12, and repeats E0 7C. */
#define PS2_KEY_PAUSE 0x200
#define PS2_KEY_PRTSC 0x201

struct ps2_queue {
    uint8_t data[PS2_QUEUE];
    uint8_t head, count;
};

struct ps2kbd {
    struct ps2_queue q;
    uint8_t scanning;      /* F4/F5 */
    uint8_t pending_cmd;   /* command waiting for its parameter byte, or 0 */
    uint8_t leds;
    uint8_t typematic;     /* F3 parameter: bits 0-4 rate, 5-6 delay */
    uint8_t last_sent;     /* for FE (resend) */
    uint16_t held;         /* key repeating (with PS2_KEY_E0), 0: none */
    struct clock *clock;
    int timer;
    void (*notify)(void *opaque);   /* the queue gained bytes */
    void *notify_opaque;
    FILE *log;
    uint32_t logged;
};

struct ps2mouse {
    struct ps2_queue q;
    uint8_t reporting, remote, wrap, scaling21;
    uint8_t pending_cmd;
    uint8_t rate, resolution;
    uint8_t id;            /* 0, or 3 after the 200/100/80 rate sequence */
    uint8_t rate_hist[3];
    uint8_t buttons;
    int dx, dy, dz;        /* motion not yet reported (remote mode / overflow) */
    void (*notify)(void *opaque);
    void *notify_opaque;
};

void ps2kbd_init(struct ps2kbd *k, struct clock *clock, void (*notify)(void *), void *opaque,
                 FILE *log);
void ps2kbd_reset(struct ps2kbd *k);
/* A command byte from the controller (port 0x60 write). */
void ps2kbd_write(struct ps2kbd *k, uint8_t b);
/* A key went down or up (`code`: set-2 make code, | PS2_KEY_E0, or
 * PS2_KEY_PAUSE / PS2_KEY_PRTSC). Held
 * keys repeat at the typematic rate. */
void ps2kbd_key(struct ps2kbd *k, unsigned code, int down);
int ps2kbd_pending(const struct ps2kbd *k);
uint8_t ps2kbd_read(struct ps2kbd *k);

void ps2mouse_init(struct ps2mouse *mo, void (*notify)(void *), void *opaque);
void ps2mouse_reset(struct ps2mouse *mo);
void ps2mouse_write(struct ps2mouse *mo, uint8_t b);
/* Motion (dx right, dy up, dz wheel) and button state (bit 0 left,
 * 1 right, 2 middle). */
void ps2mouse_event(struct ps2mouse *mo, int dx, int dy, int dz, unsigned buttons);
int ps2mouse_pending(const struct ps2mouse *mo);
uint8_t ps2mouse_read(struct ps2mouse *mo);

void ps2kbd_save(const struct ps2kbd *k, struct state_writer *w);
int ps2kbd_load(struct ps2kbd *k, struct state_reader *r);
void ps2mouse_save(const struct ps2mouse *mo, struct state_writer *w);
int ps2mouse_load(struct ps2mouse *mo, struct state_reader *r);

#endif
