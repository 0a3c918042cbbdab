/* The suite's revocation list: SHA-1 hashes (40 hex digits a line, '#'
 * comments) of tests known to be bad. Revoked tests are skipped and
 * counted apart. */
#ifndef SHADOW86_SST_REVOKED_H
#define SHADOW86_SST_REVOKED_H

#include <stddef.h>
#include <stdint.h>

struct sst_revoked {
    uint8_t (*hash)[20];   /* sorted */
    size_t count;
};

/* A missing file is an empty list (returns 0); a malformed line is an
 * error (-1, message naming file and line). */
int sst_revoked_load(struct sst_revoked *r, const char *path, char *err, size_t errlen);
int sst_revoked_has(const struct sst_revoked *r, const uint8_t hash[20]);
void sst_revoked_free(struct sst_revoked *r);

#endif
