#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "frontends/cli/serial_backend.h"
#include "machine/machine.h"

#define CTRL_A 0x01

static void serial_write(void *opaque, uint8_t b)
{
    struct cli_serial *s = opaque;
    fputc(b, s->out);
    /* The terminal shows output as it comes; a file is flushed at exit. */
    if (s->kind == CLI_SERIAL_STDIO)
        fflush(s->out);
}

static int serial_poll(void *opaque)
{
    struct cli_serial *s = opaque;
    for (;;) {
        if (s->input_done)
            return -1;
        struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
            return -1;
        unsigned char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n <= 0) {
            s->input_done = 1;
            return -1;
        }
        if (!s->raw)
            return c;
        if (s->escape) {
            s->escape = 0;
            if (c == 'x' || c == 'X') {
                machine_request_quit(s->m);
                return -1;
            }
            return c;   /* Ctrl-A Ctrl-A (or anything else) goes through */
        }
        if (c == CTRL_A) {
            s->escape = 1;
            continue;
        }
        return c;
    }
}

int cli_serial_check(const char *spec, char *err, size_t errsz)
{
    if (strcmp(spec, "stdio") == 0 || strcmp(spec, "none") == 0 || strcmp(spec, "null") == 0)
        return 0;
    if (strncmp(spec, "file:", 5) == 0 && spec[5])
        return 0;
    snprintf(err, errsz, "-serial: '%s' is not stdio, none or file:NAME", spec);
    return -1;
}

static void make_raw(struct cli_serial *s)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &s->saved) != 0)
        return;
    struct termios t = s->saved;
    /* Characters one at a time, no echo, no signals from the keyboard:
     * Ctrl-C belongs to the guest (Ctrl-A x quits). */
    t.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
    t.c_iflag &= (tcflag_t) ~(IXON | ICRNL | INLCR | IGNCR | BRKINT | ISTRIP);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
        s->raw = 1;
}

int cli_serial_open(struct cli_serial *s, const char *spec, struct machine *m,
                    int port, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    s->m = m;
    if (cli_serial_check(spec, err, errsz) != 0)
        return -1;
    struct uart_backend b = { .opaque = s, .write = serial_write, .poll = NULL };
    if (strcmp(spec, "stdio") == 0) {
        s->kind = CLI_SERIAL_STDIO;
        s->out = stdout;
        b.poll = serial_poll;
        make_raw(s);
    } else if (strncmp(spec, "file:", 5) == 0) {
        s->kind = CLI_SERIAL_FILE;
        s->out = fopen(spec + 5, "w");
        if (!s->out) {
            snprintf(err, errsz, "-serial %s: %s", spec + 5, strerror(errno));
            return -1;
        }
    } else {
        s->kind = CLI_SERIAL_NONE;
        return 0;
    }
    machine_serial_attach(m, port, &b);
    return 0;
}

int cli_serial_close(struct cli_serial *s)
{
    int rc = 0;
    if (s->raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
        s->raw = 0;
    }
    if (s->out) {
        /* A write that failed during the run left only the error flag. */
        int e = 0;
        if (fflush(s->out) != 0)
            e = errno ? errno : -1;
        else if (ferror(s->out))
            e = -1;
        if (s->kind == CLI_SERIAL_FILE && fclose(s->out) != 0 && !e)
            e = errno ? errno : -1;
        if (e) {
            errno = e > 0 ? e : 0;
            rc = -1;
        }
    }
    s->out = NULL;
    s->kind = CLI_SERIAL_NONE;
    return rc;
}
