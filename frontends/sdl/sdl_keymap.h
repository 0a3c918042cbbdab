/* Host keys to PC keys: an SDL scancode (the USB HID usage of the key's
 * position, whatever the host's layout says it types) to the PS/2 scan
 * set 2 make code of the key at that position on a PC keyboard, with
 * PS2_KEY_E0 for the E0-prefixed keys and PS2_KEY_PAUSE / PS2_KEY_PRTSC
 * for the two keys that send sequences. The guest's own layout then
 * decides what the key types, as on a real PC. Pure translation. */
#ifndef SHADOW86_SDL_KEYMAP_H
#define SHADOW86_SDL_KEYMAP_H

#include <SDL.h>

/* The PC key at SDL scancode `sc`, or 0 when a PC keyboard has none. */
unsigned sdl_keymap_ps2(SDL_Scancode sc);

#endif
