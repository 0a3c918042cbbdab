/* Files shadow86 ships beside its binary (the demo ROM) live in its data
 * directory: <prefix>/share/shadow86, found from the executable's own
 * location (so an installed tree can be moved), else the path compiled in
 * (SHADOW86_DATADIR, the install prefix's). */
#ifndef SHADOW86_CLI_DATADIR_H
#define SHADOW86_CLI_DATADIR_H

#include <stddef.h>

/* name as given if it holds a '/' or exists as written; else the first
 * existing <datadir>/name (in buf, size n); else name unchanged, so errors
 * name what the user wrote. */
const char *cli_data_file(const char *name, char *buf, size_t n);

#endif
