#define _GNU_SOURCE   /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "frontends/cli/vm_console.h"

#define LINE_MAX_BYTES 1024

struct vm_console {
    FILE *out;
    char tag[16];
    char line[LINE_MAX_BYTES];
    size_t len;
};

static int emit(struct vm_console *c)
{
    int ok = fprintf(c->out, "%s%.*s\n", c->tag, (int)c->len, c->line) >= 0 &&
             fflush(c->out) == 0;
    c->len = 0;
    return ok ? 0 : -1;
}

static ssize_t con_write(void *cookie, const char *buf, size_t size)
{
    struct vm_console *c = cookie;
    for (size_t i = 0; i < size; i++) {
        if (buf[i] == '\n' || c->len == sizeof c->line) {
            if (emit(c) != 0) {
                errno = EIO;
                return -1;
            }
            if (buf[i] == '\n')
                continue;
        }
        if (buf[i] != '\r')
            c->line[c->len++] = buf[i];
    }
    return (ssize_t)size;
}

static int con_close(void *cookie)
{
    struct vm_console *c = cookie;
    int r = c->len ? emit(c) : 0;
    free(c);
    return r;
}

FILE *vm_console_open(unsigned n, FILE *out)
{
    struct vm_console *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->out = out;
    snprintf(c->tag, sizeof c->tag, "[vm%u] ", n);
    cookie_io_functions_t io = { NULL, con_write, NULL, con_close };
    FILE *f = fopencookie(c, "w", io);
    if (!f) {
        free(c);
        return NULL;
    }
    setvbuf(f, NULL, _IONBF, 0);   /* lines are assembled in the cookie */
    return f;
}
