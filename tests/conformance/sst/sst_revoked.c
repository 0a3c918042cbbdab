/* Loading and querying the revocation list; see sst_revoked.h. */
#include "sst_revoked.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int sst_revoked_load(struct sst_revoked *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    size_t cap = 0;
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '#' || *p == '\0')
            continue;
        uint8_t h[20];
        int ok = 1;
        for (int i = 0; i < 20 && ok; i++) {
            int hi = hexval(p[2 * i]), lo = hi < 0 ? -1 : hexval(p[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            h[i] = (uint8_t)(hi << 4 | lo);
        }
        if (ok) {
            char *q = p + 40;
            while (isspace((unsigned char)*q))
                q++;
            ok = *q == '\0' || *q == '#';
        }
        if (!ok) {
            snprintf(err, errlen, "%s:%u: expected a 40-digit hex SHA-1 hash", path, lineno);
            fclose(f);
            sst_revoked_free(r);
            return -1;
        }
        if (r->count == cap) {
            cap = cap ? cap * 2 : 64;
            uint8_t(*bigger)[20] = realloc(r->hash, cap * 20);
            if (!bigger) {
                snprintf(err, errlen, "%s: out of memory", path);
                fclose(f);
                sst_revoked_free(r);
                return -1;
            }
            r->hash = bigger;
        }
        memcpy(r->hash[r->count++], h, 20);
    }
    fclose(f);
    if (r->count)
        qsort(r->hash, r->count, 20, cmp_hash);
    return 0;
}

int sst_revoked_has(const struct sst_revoked *r, const uint8_t hash[20])
{
    return r->count && bsearch(hash, r->hash, r->count, 20, cmp_hash) != NULL;
}

void sst_revoked_free(struct sst_revoked *r)
{
    free(r->hash);
    r->hash = NULL;
    r->count = 0;
}
