#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/cli/balloon_script.h"

static int parse_u64(const char **p, uint64_t *v)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno)
        return -1;
    *v = x;
    *p = end;
    return 0;
}

int cli_balloon_script_load(const char *path, uint32_t ram_mib, struct balloon_step **steps,
                            unsigned *n, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "-balloon-script %s: %s", path, strerror(errno));
        return -1;
    }
    struct balloon_step *v = NULL;
    unsigned count = 0;
    char line[256];
    unsigned lineno = 0;
    uint64_t last = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errsz, "-balloon-script %s:%u: line too long", path, lineno);
            goto fail;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        const char *p = line;
        p += strspn(p, " \t\r\n");
        if (!*p)
            continue;
        uint64_t ms, mib;
        if (parse_u64(&p, &ms) != 0 || parse_u64(&p, &mib) != 0 || p[strspn(p, " \t\r\n")]) {
            snprintf(err, errsz, "-balloon-script %s:%u: not \"TIME_MS TARGET_MB\"", path, lineno);
            goto fail;
        }
        if (ms > UINT64_MAX / 1000000u || ms * 1000000u < last) {
            snprintf(err, errsz, "-balloon-script %s:%u: time %llu ms is before the previous step's",
                     path, lineno, (unsigned long long)ms);
            goto fail;
        }
        if (mib > ram_mib) {
            snprintf(err, errsz, "-balloon-script %s:%u: target %llu MiB is more than the guest's "
                                 "%u MiB", path, lineno, (unsigned long long)mib, ram_mib);
            goto fail;
        }
        if (count == BOARD_BALLOON_SCRIPT_MAX) {
            snprintf(err, errsz, "-balloon-script %s:%u: more than %d steps", path, lineno,
                     BOARD_BALLOON_SCRIPT_MAX);
            goto fail;
        }
        if (!v && !(v = malloc(BOARD_BALLOON_SCRIPT_MAX * sizeof *v))) {
            snprintf(err, errsz, "-balloon-script %s: out of memory", path);
            goto fail;
        }
        last = ms * 1000000u;
        v[count].at_ns = last;
        v[count].target_mib = (uint32_t)mib;
        count++;
    }
    if (ferror(f)) {
        snprintf(err, errsz, "-balloon-script %s: read error", path);
        goto fail;
    }
    fclose(f);
    if (!count) {
        snprintf(err, errsz, "-balloon-script %s: no steps", path);
        free(v);
        return -1;
    }
    *steps = v;
    *n = count;
    return 0;
fail:
    fclose(f);
    free(v);
    return -1;
}
