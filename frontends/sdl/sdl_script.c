#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "frontends/sdl/sdl_script.h"

static int parse_line(char *line, struct sdl_script_step *st, char *why, size_t whysz)
{
    char *p = line, *end;
    errno = 0;
    unsigned long long ms = strtoull(p, &end, 10);
    if (end == p || errno || (*end != ' ' && *end != '\t')) {
        snprintf(why, whysz, "no time in milliseconds");
        return -1;
    }
    st->at_ns = ms * 1000000ull;
    p = end + strspn(end, " \t");
    char *act = p;
    p += strcspn(p, " \t");
    if (*p)
        *p++ = 0;
    p += strspn(p, " \t");
    memset(&st->a, 0, sizeof st->a * 2);
    st->file = NULL;
    if (strcmp(act, "key") == 0) {
        char *how = p;
        p += strcspn(p, " \t");
        if (*p)
            *p++ = 0;
        p += strspn(p, " \t");
        if (strcmp(how, "down") == 0)
            st->action = SCRIPT_KEY_DOWN;
        else if (strcmp(how, "up") == 0)
            st->action = SCRIPT_KEY_UP;
        else if (strcmp(how, "press") == 0)
            st->action = SCRIPT_KEY_PRESS;
        else {
            snprintf(why, whysz, "key wants down, up or press, not '%s'", how);
            return -1;
        }
        SDL_Scancode sc = SDL_GetScancodeFromName(p);
        if (sc == SDL_SCANCODE_UNKNOWN) {
            snprintf(why, whysz, "'%s' is not an SDL scancode name", p);
            return -1;
        }
        st->a = (int)sc;
    } else if (strcmp(act, "hotkey") == 0) {
        char name[2] = { p[0], 0 };
        SDL_Scancode sc = SDL_GetScancodeFromName(name);
        if (!p[0] || p[1] || sc == SDL_SCANCODE_UNKNOWN) {
            snprintf(why, whysz, "hotkey wants one letter");
            return -1;
        }
        st->action = SCRIPT_HOTKEY;
        st->a = (int)sc;
    } else if (strcmp(act, "click") == 0) {
        st->action = SCRIPT_CLICK;
    } else if (strcmp(act, "motion") == 0) {
        st->action = SCRIPT_MOTION;
        if (sscanf(p, "%d %d", &st->a, &st->b) != 2) {
            snprintf(why, whysz, "motion wants DX DY");
            return -1;
        }
    } else if (strcmp(act, "button") == 0) {
        char how[8];
        if (sscanf(p, "%d %7s", &st->a, how) != 2 || st->a < 1 || st->a > 3 ||
            (strcmp(how, "down") != 0 && strcmp(how, "up") != 0)) {
            snprintf(why, whysz, "button wants N (1-3) and down or up");
            return -1;
        }
        st->action = strcmp(how, "down") == 0 ? SCRIPT_BUTTON_DOWN : SCRIPT_BUTTON_UP;
    } else if (strcmp(act, "wheel") == 0) {
        st->action = SCRIPT_WHEEL;
        if (sscanf(p, "%d", &st->a) != 1) {
            snprintf(why, whysz, "wheel wants DY");
            return -1;
        }
    } else if (strcmp(act, "focus-lost") == 0) {
        st->action = SCRIPT_FOCUS_LOST;
    } else if (strcmp(act, "close") == 0) {
        st->action = SCRIPT_CLOSE;
    } else if (strcmp(act, "screenshot") == 0) {
        if (!*p) {
            snprintf(why, whysz, "screenshot wants a file name");
            return -1;
        }
        st->action = SCRIPT_SCREENSHOT;
        st->file = strdup(p);
        if (!st->file) {
            snprintf(why, whysz, "out of memory");
            return -1;
        }
    } else if (strcmp(act, "quit") == 0) {
        st->action = SCRIPT_QUIT;
    } else {
        snprintf(why, whysz, "unknown action '%s'", act);
        return -1;
    }
    return 0;
}

int sdl_script_load(struct sdl_script *s, const char *path, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "--sdl-script %s: %s", path, strerror(errno));
        return -1;
    }
    char line[512], why[160];
    unsigned lineno = 0;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        char *p = line + strspn(line, " \t");
        if (!*p || *p == '#')
            continue;
        if (s->n == cap) {
            cap = cap ? cap * 2 : 16;
            struct sdl_script_step *n = realloc(s->steps, cap * sizeof *n);
            if (!n) {
                snprintf(err, errsz, "--sdl-script %s: out of memory", path);
                goto fail;
            }
            s->steps = n;
        }
        if (parse_line(p, &s->steps[s->n], why, sizeof why) != 0) {
            snprintf(err, errsz, "--sdl-script %s:%u: %s", path, lineno, why);
            goto fail;
        }
        if (s->n && s->steps[s->n].at_ns < s->steps[s->n - 1].at_ns) {
            snprintf(err, errsz, "--sdl-script %s:%u: times must not go back", path, lineno);
            s->n++;
            goto fail;
        }
        s->n++;
    }
    fclose(f);
    return 0;
fail:
    fclose(f);
    sdl_script_free(s);
    return -1;
}

void sdl_script_free(struct sdl_script *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->steps[i].file);
    free(s->steps);
    memset(s, 0, sizeof *s);
}

static void push_key(uint32_t win, SDL_Scancode sc, int down)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.windowID = win;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.scancode = sc;
    e.key.keysym.sym = SDL_GetKeyFromScancode(sc);
    SDL_PushEvent(&e);
}

static void push_button(uint32_t win, int button, int down)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.windowID = win;
    e.button.button = (uint8_t)button;
    e.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    SDL_PushEvent(&e);
}

static void push_window(uint32_t win, uint8_t what)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_WINDOWEVENT;
    e.window.windowID = win;
    e.window.event = what;
    SDL_PushEvent(&e);
}

const struct sdl_script_step *sdl_script_due(struct sdl_script *s, uint64_t now_ns,
                                             uint32_t win)
{
    while (s->next < s->n && s->steps[s->next].at_ns <= now_ns) {
        const struct sdl_script_step *st = &s->steps[s->next];
        SDL_Event e;
        memset(&e, 0, sizeof e);
        switch (st->action) {
        case SCRIPT_KEY_DOWN:
        case SCRIPT_KEY_UP:
            push_key(win, (SDL_Scancode)st->a, st->action == SCRIPT_KEY_DOWN);
            break;
        case SCRIPT_KEY_PRESS:
            push_key(win, (SDL_Scancode)st->a, 1);
            push_key(win, (SDL_Scancode)st->a, 0);
            break;
        case SCRIPT_HOTKEY:
            push_key(win, SDL_SCANCODE_LCTRL, 1);
            push_key(win, SDL_SCANCODE_LALT, 1);
            push_key(win, (SDL_Scancode)st->a, 1);
            push_key(win, (SDL_Scancode)st->a, 0);
            push_key(win, SDL_SCANCODE_LALT, 0);
            push_key(win, SDL_SCANCODE_LCTRL, 0);
            break;
        case SCRIPT_CLICK:
            push_button(win, SDL_BUTTON_LEFT, 1);
            push_button(win, SDL_BUTTON_LEFT, 0);
            break;
        case SCRIPT_MOTION:
            e.type = SDL_MOUSEMOTION;
            e.motion.windowID = win;
            e.motion.xrel = st->a;
            e.motion.yrel = st->b;
            SDL_PushEvent(&e);
            break;
        case SCRIPT_BUTTON_DOWN:
        case SCRIPT_BUTTON_UP:
            push_button(win, st->a, st->action == SCRIPT_BUTTON_DOWN);
            break;
        case SCRIPT_WHEEL:
            e.type = SDL_MOUSEWHEEL;
            e.wheel.windowID = win;
            e.wheel.y = st->a;
            SDL_PushEvent(&e);
            break;
        case SCRIPT_FOCUS_LOST:
            push_window(win, SDL_WINDOWEVENT_FOCUS_LOST);
            break;
        case SCRIPT_CLOSE:
            push_window(win, SDL_WINDOWEVENT_CLOSE);
            break;
        case SCRIPT_SCREENSHOT:
        case SCRIPT_QUIT:
            return st;
        }
        s->next++;
    }
    return NULL;
}

void sdl_script_done(struct sdl_script *s)
{
    if (s->next < s->n)
        s->next++;
}
