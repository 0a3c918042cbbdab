/* -display sdl: the machine's screen in an SDL2 window, with the PC's
 * keyboard and a PS/2 mouse.
 *
 * Everything happens in sdl_display_refresh, a machine-clock timer every
 * SDL_DISPLAY_PERIOD_NS of machine time (60 Hz): host events are taken
 * there and become guest input at that point of the virtual clock, and
 * the picture is rendered there only when the VGA's generation counter
 * moved (or a text mode's blink phase did), uploading only the rows that
 * differ from what the window already shows. A slow host therefore slows
 * the run but never changes what the guest sees when (under -rtc
 * clock=vm). docs/display.md has the keys and the test facility. */
#ifndef SHADOW86_SDL_DISPLAY_H
#define SHADOW86_SDL_DISPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontends/sdl/sdl_script.h"
#include "machine/frontend_api.h"

#define SDL_DISPLAY_PERIOD_NS 16666667ull   /* 60 refreshes a second of machine time */

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;

struct sdl_display {
    struct machine *m;
    struct SDL_Window *win;
    struct SDL_Renderer *ren;
    struct SDL_Texture *tex;
    char name[96];                 /* the guest's name, in the title */

    /* The picture. */
    struct vga_frame_geometry geo; /* of what the texture holds */
    int have_picture;              /* the texture holds a rendered frame */
    uint32_t *cur, *shown;         /* rendered now / in the texture (geo size) */
    size_t cap;                    /* pixels both buffers hold */
    uint64_t gen;                  /* VGA generation of `shown` */
    uint64_t frame;                /* refreshes so far (blink phases) */
    int present;                   /* the window needs presenting (exposed) */

    /* Input. */
    uint8_t down[512];   /* host keys held (sent to the guest) */
    int grabbed;
    unsigned buttons;
    int closes;                    /* window close requests so far */
    int paused;

    /* Title (host-time MIPS: shown only, never seen by the guest). */
    uint64_t title_host_ns, title_insns;
    double mips;

    unsigned shots;                /* screenshots taken (file names) */
    struct sdl_script script;      /* --sdl-script, or empty */

    /* Figures (--stats-like, printed by the CLI on request). */
    uint64_t renders, rows_uploaded, presents;
    uint64_t refreshes, refresh_cpu_ns;   /* host CPU time spent in the refresh */
};

/* Whether a window can be opened here. Returns 1, or 0 with one line in
 * `why` saying why not. Initialises SDL's video subsystem on success. */
int sdl_display_available(char *why, size_t whysz);

/* Open the window for machine m (`name` for the title; `script` a
 * --sdl-script file or NULL). Returns 0, or -1 with a one-line message. */
int sdl_display_open(struct sdl_display *d, struct machine *m, const char *name,
                     const char *script, char *err, size_t errsz);
/* The refresh (a board display function: opaque is the sdl_display). */
void sdl_display_refresh(void *opaque);
/* Write the picture as it is now to `path` (PNG). Returns 0 or -1 with err. */
int sdl_display_screenshot(struct sdl_display *d, const char *path, char *err, size_t errsz);
void sdl_display_close(struct sdl_display *d);
/* One line of figures: refreshes, renders, rows uploaded, presents, and
 * the host CPU the refresh took, per refresh and per second at 60 Hz. */
void sdl_display_print_stats(const struct sdl_display *d, FILE *out);

#endif
