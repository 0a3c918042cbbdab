/* --sdl-script FILE: the test facility of -display sdl. Each line is
 *
 *     MS ACTION ARGS...
 *
 * run when machine time reaches MS milliseconds, in order: input actions
 * become SDL events pushed on SDL's own queue (SDL_PushEvent), so they
 * take the same path as a person's keys and mouse; the others act on the
 * window. Actions:
 *
 *     key down|up|press NAME   a key by SDL scancode name ("A", "Left Shift",
 *                              "Pause", "PrintScreen", "Keypad Enter", ...)
 *     hotkey L                 Ctrl+Alt+L pressed and released (the window's keys)
 *     click                    left button down and up (grabs the mouse)
 *     motion DX DY             relative mouse motion
 *     button N down|up         mouse button N (1 left, 2 middle, 3 right)
 *     wheel DY                 wheel (positive: away from the user)
 *     focus-lost               the window loses the keyboard focus
 *     close                    the window's close button
 *     screenshot FILE          save the picture (PNG) after this refresh
 *     quit                     end the run
 *
 * Blank lines and lines starting with '#' are skipped. */
#ifndef SHADOW86_SDL_SCRIPT_H
#define SHADOW86_SDL_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

enum sdl_script_action {
    SCRIPT_KEY_DOWN, SCRIPT_KEY_UP, SCRIPT_KEY_PRESS, SCRIPT_HOTKEY, SCRIPT_CLICK,
    SCRIPT_MOTION, SCRIPT_BUTTON_DOWN, SCRIPT_BUTTON_UP, SCRIPT_WHEEL, SCRIPT_FOCUS_LOST,
    SCRIPT_CLOSE, SCRIPT_SCREENSHOT, SCRIPT_QUIT,
};

struct sdl_script_step {
    uint64_t at_ns;
    enum sdl_script_action action;
    int a, b;                  /* scancode / letter / dx, dy / button / wheel */
    char *file;                /* screenshot */
};

struct sdl_script {
    struct sdl_script_step *steps;
    size_t n, next;
};

/* Read a script. Returns 0, or -1 with a message naming the line. */
int sdl_script_load(struct sdl_script *s, const char *path, char *err, size_t errsz);
void sdl_script_free(struct sdl_script *s);

/* Push the events of the input steps due at `now_ns` (window `window_id`).
 * Returns the first due non-input step (screenshot, quit), which the caller
 * performs and then passes over with sdl_script_done, or NULL. */
const struct sdl_script_step *sdl_script_due(struct sdl_script *s, uint64_t now_ns,
                                             uint32_t window_id);
void sdl_script_done(struct sdl_script *s);

#endif
