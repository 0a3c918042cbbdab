/* Terminal input to PC keys: the bytes a terminal sends for a key (ASCII,
 * control characters, ANSI/xterm escape sequences) become PS/2 scan set 2
 * make codes, with the modifiers the character needs (US layout).
 * Pure translation: no I/O, so it is unit-tested byte for byte. */
#ifndef SHADOW86_CLI_KEYMAP_H
#define SHADOW86_CLI_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define KEYMAP_E0 0x100u        /* the key's code is preceded by E0 (= PS2_KEY_E0) */
#define KEYMAP_SHIFT 0x12u      /* left shift, set 2 */
#define KEYMAP_CTRL 0x14u       /* left ctrl */

struct keymap_key {
    uint16_t code;              /* set-2 make code | KEYMAP_E0 */
    uint8_t shift, ctrl;        /* hold these around it */
};

/* Decode one key from buf[0..len). Returns the bytes it used (>= 1), with
 * *key set, or 0 when buf starts with no key we know (the caller drops a
 * byte). An ESC followed by nothing is the Esc key; `more_may_follow`
 * says the buffer may end in the middle of a sequence (then an ESC prefix
 * of a known sequence returns -1: wait for more bytes). */
int keymap_decode(const uint8_t *buf, size_t len, int more_may_follow, struct keymap_key *key);

#endif
