#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "base/clock.h"
#include "frontends/cli/png.h"
#include "frontends/sdl/sdl_display.h"
#include "frontends/sdl/sdl_keymap.h"
#include "machine/machine.h"

#define RELEASE_KEYS "Ctrl+Alt+G"

int sdl_display_available(char *why, size_t whysz)
{
    const char *drv = getenv("SDL_VIDEODRIVER");
    int named = drv && *drv;
    if (!named && !(getenv("DISPLAY") && *getenv("DISPLAY")) &&
        !(getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY"))) {
        snprintf(why, whysz, "-display sdl: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
                             "use -display text (the terminal) or -display none");
        return 0;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(why, whysz, "-display sdl: SDL cannot open the display (%s); use -display text "
                             "(the terminal) or -display none", SDL_GetError());
        return 0;
    }
    return 1;
}

static void update_title(struct sdl_display *d)
{
    char t[256];
    const char *state = d->paused ? "paused" : "running";
    snprintf(t, sizeof t, "%s - shadow86 - %s, %.1f MIPS%s", d->name, state, d->mips,
             d->grabbed ? " - " RELEASE_KEYS " releases the mouse" : "");
    SDL_SetWindowTitle(d->win, t);
}

static void title_tick(struct sdl_display *d)
{
    uint64_t now = clock_host_monotonic_ns();
    if (now - d->title_host_ns < 1000000000ull)
        return;
    uint64_t insns = machine_insns(d->m);
    d->mips = (double)(insns - d->title_insns) * 1e3 / (double)(now - d->title_host_ns);
    d->title_host_ns = now;
    d->title_insns = insns;
    update_title(d);
}

int sdl_display_open(struct sdl_display *d, struct machine *m, const char *name,
                     const char *script, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    snprintf(d->name, sizeof d->name, "%s", name && *name ? name : "guest");
    if (script && sdl_script_load(&d->script, script, err, errsz) != 0)
        return -1;
    d->win = SDL_CreateWindow("shadow86", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 640,
                              400, SDL_WINDOW_RESIZABLE);
    if (d->win)
        d->ren = SDL_CreateRenderer(d->win, -1, 0);
    if (!d->win || !d->ren) {
        snprintf(err, errsz, "-display sdl: cannot open a window: %s", SDL_GetError());
        sdl_display_close(d);
        return -1;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    d->title_host_ns = clock_host_monotonic_ns();
    d->title_insns = machine_insns(m);
    d->present = 1;
    update_title(d);
    return 0;
}

void sdl_display_close(struct sdl_display *d)
{
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    if (d->ren)
        SDL_DestroyRenderer(d->ren);
    if (d->win)
        SDL_DestroyWindow(d->win);
    d->tex = NULL;
    d->ren = NULL;
    d->win = NULL;
    free(d->cur);
    free(d->shown);
    d->cur = d->shown = NULL;
    sdl_script_free(&d->script);
}

/* ------------------------------------------------------------ input */

static void set_grab(struct sdl_display *d, int on)
{
    if (d->grabbed == on)
        return;
    d->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);   /* may fail offscreen: harmless */
    SDL_SetWindowGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
    if (!on && d->buttons) {
        d->buttons = 0;
        machine_mouse(d->m, 0, 0, 0, 0);
    }
    update_title(d);
}

static void guest_key(struct sdl_display *d, SDL_Scancode sc, int down)
{
    unsigned code = sdl_keymap_ps2(sc);
    if (!code || (unsigned)sc >= sizeof d->down)
        return;
    if (down == d->down[sc])
        return;   /* host auto-repeat: the guest's keyboard repeats by itself */
    d->down[sc] = (uint8_t)down;
    machine_key(d->m, code, down);
}

/* Keys held go up in the guest too (focus lost: their releases would
 * never come). */
static void release_all_keys(struct sdl_display *d)
{
    for (unsigned sc = 0; sc < sizeof d->down; sc++)
        if (d->down[sc])
            guest_key(d, (SDL_Scancode)sc, 0);
}

static void power_button(struct sdl_display *d)
{
    d->closes++;
    if (d->closes == 1)
        machine_power_button(d->m);
    else
        machine_request_quit(d->m);
}

static void screenshot_key(struct sdl_display *d)
{
    char path[64], err[256];
    snprintf(path, sizeof path, "shadow86-screen-%u.png", ++d->shots);
    if (sdl_display_screenshot(d, path, err, sizeof err) != 0)
        fprintf(stderr, "shadow86: %s\n", err);
    else
        fprintf(stderr, "shadow86: screenshot %s\n", path);
}

/* Ctrl+Alt+letter: the window's own keys. Returns 1 when taken. */
static int hotkey(struct sdl_display *d, SDL_Scancode sc)
{
    int ctrl = d->down[SDL_SCANCODE_LCTRL] || d->down[SDL_SCANCODE_RCTRL];
    int alt = d->down[SDL_SCANCODE_LALT] || d->down[SDL_SCANCODE_RALT];
    if (!ctrl || !alt)
        return 0;
    switch (sc) {
    case SDL_SCANCODE_G: set_grab(d, 0); return 1;
    case SDL_SCANCODE_S: screenshot_key(d); return 1;
    case SDL_SCANCODE_P: d->paused = !d->paused; update_title(d); return 1;
    case SDL_SCANCODE_R: machine_reset_button(d->m); return 1;
    case SDL_SCANCODE_O: machine_power_button(d->m); return 1;
    case SDL_SCANCODE_Q: machine_request_quit(d->m); return 1;
    default: return 0;
    }
}

static unsigned ps2_buttons(unsigned buttons, int button, int down)
{
    unsigned bit = button == SDL_BUTTON_LEFT ? 1u : button == SDL_BUTTON_RIGHT ? 2u
                   : button == SDL_BUTTON_MIDDLE ? 4u : 0u;
    return down ? buttons | bit : buttons & ~bit;
}

static void handle_event(struct sdl_display *d, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        power_button(d);
        break;
    case SDL_WINDOWEVENT:
        switch (e->window.event) {
        case SDL_WINDOWEVENT_CLOSE:
            power_button(d);
            break;
        case SDL_WINDOWEVENT_FOCUS_LOST:
            set_grab(d, 0);
            release_all_keys(d);
            break;
        case SDL_WINDOWEVENT_EXPOSED:
        case SDL_WINDOWEVENT_SIZE_CHANGED:
            d->present = 1;
            break;
        default:
            break;
        }
        break;
    case SDL_KEYDOWN:
        if (hotkey(d, e->key.keysym.scancode))
            break;
        if (!d->paused)
            guest_key(d, e->key.keysym.scancode, 1);
        break;
    case SDL_KEYUP:
        guest_key(d, e->key.keysym.scancode, 0);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (!d->grabbed) {
            /* The click that grabs is the window's, not the guest's. */
            if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT && !d->paused)
                set_grab(d, 1);
            break;
        }
        d->buttons = ps2_buttons(d->buttons, e->button.button, e->type == SDL_MOUSEBUTTONDOWN);
        machine_mouse(d->m, 0, 0, 0, d->buttons);
        break;
    case SDL_MOUSEMOTION:
        if (d->grabbed && (e->motion.xrel || e->motion.yrel))
            machine_mouse(d->m, e->motion.xrel, -e->motion.yrel, 0, d->buttons);
        break;
    case SDL_MOUSEWHEEL:
        if (d->grabbed && e->wheel.y) {
            int y = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
            machine_mouse(d->m, 0, 0, -y, d->buttons);
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------ picture */

static int ensure_buffers(struct sdl_display *d, size_t n)
{
    if (n <= d->cap)
        return 0;
    uint32_t *a = realloc(d->cur, n * sizeof *a), *b;
    if (!a)
        return -1;
    d->cur = a;
    b = realloc(d->shown, n * sizeof *b);
    if (!b)
        return -1;
    d->shown = b;
    d->cap = n;
    return 0;
}

/* A new mode: a texture of its size, the window resized to the size it
 * has on a monitor, scaling that keeps the aspect. */
static int new_mode(struct sdl_display *d, const struct vga_frame_geometry *g)
{
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                               (int)g->width, (int)g->height);
    if (!d->tex)
        return -1;
    SDL_RenderSetLogicalSize(d->ren, (int)g->display_w, (int)g->display_h);
    if (!(SDL_GetWindowFlags(d->win) & (SDL_WINDOW_MAXIMIZED | SDL_WINDOW_FULLSCREEN)))
        SDL_SetWindowSize(d->win, (int)g->display_w, (int)g->display_h);
    d->geo = *g;
    return 0;
}

static void draw(struct sdl_display *d)
{
    struct vga_frame_geometry g;
    int blank = machine_screen_geometry(d->m, &g) != 0;
    uint64_t gen = machine_screen_generation(d->m);
    int blink_edge = !blank && g.text && d->frame % VGA_CURSOR_BLINK_FRAMES == 0;
    if (blank) {
        if (d->have_picture) {
            d->have_picture = 0;
            d->present = 1;
        }
    } else {
        int mode_change = !d->tex || memcmp(&g, &d->geo, sizeof g) != 0;
        if (mode_change || !d->have_picture || gen != d->gen || blink_edge) {
            size_t n = (size_t)g.width * g.height;
            if (ensure_buffers(d, n) != 0 || (mode_change && new_mode(d, &g) != 0))
                return;
            machine_screen_render(d->m, d->cur, g.width, d->frame);
            d->renders++;
            /* Upload only the rows that differ from the texture's. */
            unsigned lo = g.height, hi = 0;
            for (unsigned y = 0; y < g.height; y++) {
                size_t o = (size_t)y * g.width;
                if (mode_change || !d->have_picture ||
                    memcmp(d->cur + o, d->shown + o, g.width * sizeof(uint32_t)) != 0) {
                    if (y < lo)
                        lo = y;
                    hi = y;
                }
            }
            if (lo <= hi) {
                SDL_Rect r = { 0, (int)lo, (int)g.width, (int)(hi - lo + 1) };
                SDL_UpdateTexture(d->tex, &r, d->cur + (size_t)lo * g.width,
                                  (int)(g.width * sizeof(uint32_t)));
                memcpy(d->shown + (size_t)lo * g.width, d->cur + (size_t)lo * g.width,
                       (size_t)(hi - lo + 1) * g.width * sizeof(uint32_t));
                d->rows_uploaded += hi - lo + 1;
                d->present = 1;
            }
            d->gen = gen;
            d->have_picture = 1;
        }
    }
    if (!d->present)
        return;
    SDL_RenderClear(d->ren);
    if (d->have_picture)
        SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
    d->presents++;
    d->present = 0;
}

int sdl_display_screenshot(struct sdl_display *d, const char *path, char *err, size_t errsz)
{
    struct vga_frame_geometry g;
    if (machine_screen_geometry(d->m, &g) != 0) {
        snprintf(err, errsz, "screenshot %s: the screen is off", path);
        return -1;
    }
    size_t n = (size_t)g.width * g.height;
    uint32_t *px = malloc(n * sizeof *px);
    uint8_t *rgb = malloc(n * 3);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = NULL;
    int rc = -1;
    if (!px || !rgb) {
        snprintf(err, errsz, "screenshot %s: out of memory", path);
        goto out;
    }
    /* The frame as the window shows it (same blink phase). */
    machine_screen_render(d->m, px, g.width, d->frame ? d->frame - 1 : 0);
    for (size_t i = 0; i < n; i++) {
        rgb[3 * i] = (uint8_t)(px[i] >> 16);
        rgb[3 * i + 1] = (uint8_t)(px[i] >> 8);
        rgb[3 * i + 2] = (uint8_t)px[i];
    }
    f = fopen(tmp, "wb");
    if (!f || png_write_rgb(f, rgb, g.width, g.height) != 0) {
        snprintf(err, errsz, "screenshot %s: cannot write it", path);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        f = NULL;
        snprintf(err, errsz, "screenshot %s: cannot write it", path);
        goto out;
    }
    f = NULL;
    rc = 0;
out:
    if (f)
        fclose(f);
    if (rc != 0)
        remove(tmp);
    free(px);
    free(rgb);
    return rc;
}

void sdl_display_print_stats(const struct sdl_display *d, FILE *out)
{
    double per = d->refreshes ? (double)d->refresh_cpu_ns / (double)d->refreshes : 0;
    fprintf(out, "sdl: %llu refreshes, %llu renders, %llu rows uploaded, %llu presents; "
                 "%.1f us of host CPU a refresh = %.2f%% of one core at 60 Hz\n",
            (unsigned long long)d->refreshes, (unsigned long long)d->renders,
            (unsigned long long)d->rows_uploaded, (unsigned long long)d->presents, per / 1e3,
            per * 60.0 / 1e7);
}

static void refresh(struct sdl_display *d);

void sdl_display_refresh(void *opaque)
{
    struct sdl_display *d = opaque;
    uint64_t t0 = clock_host_thread_cpu_ns();
    refresh(d);
    d->refreshes++;
    d->refresh_cpu_ns += clock_host_thread_cpu_ns() - t0;
}

static void refresh(struct sdl_display *d)
{
    uint32_t win = SDL_GetWindowID(d->win);
    const struct sdl_script_step *st = sdl_script_due(&d->script, machine_time_ns(d->m), win);
    SDL_Event e;
    while (SDL_PollEvent(&e))
        handle_event(d, &e);
    /* Paused: the machine's time stands still here until resumed. */
    while (d->paused && !d->m->quit_requested) {
        draw(d);
        if (SDL_WaitEventTimeout(&e, 200))
            handle_event(d, &e);
    }
    draw(d);
    d->frame++;
    title_tick(d);
    if (st) {
        char err[256];
        if (st->action == SCRIPT_SCREENSHOT) {
            if (sdl_display_screenshot(d, st->file, err, sizeof err) != 0)
                fprintf(stderr, "shadow86: %s\n", err);
        } else {
            machine_request_quit(d->m);
        }
        sdl_script_done(&d->script);
    }
}
