/* One guest's share of stdout when several run (-vm): a stdio stream
 * that writes whole lines to `out`, each after the guest's tag ("[vm2] "),
 * so the guests' consoles can be told apart and never cut each other's
 * lines. A partial last line is written (with a newline) at close. */
#ifndef SHADOW86_CLI_VM_CONSOLE_H
#define SHADOW86_CLI_VM_CONSOLE_H

#include <stdio.h>

/* A stream writing lines tagged "[vmN] " to out, or NULL (errno set). */
FILE *vm_console_open(unsigned n, FILE *out);

#endif
