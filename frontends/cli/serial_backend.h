/* Host ends of the guest's serial ports (-serial DEST, -nographic):
 *   stdio      the terminal: output to stdout; keyboard input to the guest
 *              with the terminal in raw mode (restored by
 *              cli_serial_close()); Ctrl-A x quits, Ctrl-A Ctrl-A sends
 *              Ctrl-A. If stdin is not a terminal its bytes are sent as
 *              they are until end of file.
 *   file:NAME  output written to NAME (created or truncated); no input.
 *   none/null  disconnected.
 */
#ifndef SHADOW86_CLI_SERIAL_BACKEND_H
#define SHADOW86_CLI_SERIAL_BACKEND_H

#include <stddef.h>
#include <stdio.h>
#include <termios.h>

#include "machine/frontend_api.h"

struct machine;

enum cli_serial_kind { CLI_SERIAL_NONE, CLI_SERIAL_STDIO, CLI_SERIAL_FILE };

struct cli_serial {
    enum cli_serial_kind kind;
    FILE *out;
    int raw;                 /* terminal settings changed; `saved` restores them */
    struct termios saved;
    int input_done;          /* stdin reached end of file */
    int escape;              /* Ctrl-A seen */
    struct machine *m;
};

/* Check a -serial value without opening anything. Returns 0 or -1 with a
 * one-line message. */
int cli_serial_check(const char *spec, char *err, size_t errsz);
/* Open the destination and connect it to `uart`. Returns 0 or -1. */
int cli_serial_open(struct cli_serial *s, const char *spec, struct machine *m,
                    int port, char *err, size_t errsz);
/* Restore the terminal and close the file. Returns 0, or -1 if the output
 * could not be written completely, with errno the reason when stdio still
 * knows it, else 0. */
int cli_serial_close(struct cli_serial *s);

#endif
