#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontends/cli/datadir.h"

/* The data directory relative to the binary: <prefix>/bin/shadow86 ->
 * <prefix>/share/shadow86. Linux's /proc/self/exe; elsewhere nothing. */
static int exe_datadir(char *buf, size_t n)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return -1;
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    int w = snprintf(buf, n, "%s/../share/shadow86", exe);
    return w > 0 && (size_t)w < n ? 0 : -1;
}

const char *cli_data_file(const char *name, char *buf, size_t n)
{
    if (!name || !*name || strchr(name, '/') || access(name, F_OK) == 0)
        return name;
    char dir[4200];
    const char *dirs[2] = { NULL, NULL };
    if (exe_datadir(dir, sizeof dir) == 0)
        dirs[0] = dir;
#ifdef SHADOW86_DATADIR
    dirs[1] = SHADOW86_DATADIR;
#endif
    for (int i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        int w = snprintf(buf, n, "%s/%s", dirs[i], name);
        if (w > 0 && (size_t)w < n && access(buf, R_OK) == 0)
            return buf;
    }
    return name;
}
