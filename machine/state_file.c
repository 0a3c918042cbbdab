#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/endian.h"
#include "base/hash64.h"
#include "base/state.h"
#include "machine/image_file.h"
#include "machine/machine.h"
#include "machine/machine_identity.h"
#include "machine/snapshot.h"
#include "machine/state_file.h"

static const uint8_t magic[16] = "SHADOW86STATE\r\n\x1a";
#define HEADER_FIXED (16 + 4 + 4 + 4)
#define FLAG_ZLIB 1u
/* Larger is not a state this build could have written (RAM is at most
 * 3.5 GiB, plus devices and disk overlays). */
#define STATE_FILE_MAX (8ull << 30)

int state_image_build(const struct machine *m, int compress, uint8_t **out, size_t *outlen,
                      char *err, size_t errsz)
{
    char *ident = machine_identity(m, err, errsz);
    if (!ident)
        return -1;
    struct state_writer w;
    state_writer_init(&w);
    if (machine_save(m, &w) != 0) {
        state_writer_free(&w);
        free(ident);
        snprintf(err, errsz, "out of memory saving the machine");
        return -1;
    }
    size_t il = strlen(ident);
    uLongf stored = compress ? compressBound((uLong)w.len) : (uLongf)w.len;
    size_t head = HEADER_FIXED + il + 24;
    uint8_t *buf = malloc(head + stored);
    if (!buf) {
        state_writer_free(&w);
        free(ident);
        snprintf(err, errsz, "out of memory saving the machine");
        return -1;
    }
    uint8_t *payload = buf + head;
    if (compress) {
        /* Level 1: RAM pages compress well even so, and a save is on
         * the run's critical path (--save-at, replay checkpoints). */
        if (compress2(payload, &stored, w.buf, (uLong)w.len, 1) != Z_OK) {
            free(buf);
            state_writer_free(&w);
            free(ident);
            snprintf(err, errsz, "zlib failed compressing the state");
            return -1;
        }
    } else {
        memcpy(payload, w.buf, w.len);
    }
    memcpy(buf, magic, 16);
    le32_store(buf + 16, STATE_FILE_VERSION);
    le32_store(buf + 20, compress ? FLAG_ZLIB : 0);
    le32_store(buf + 24, (uint32_t)il);
    memcpy(buf + HEADER_FIXED, ident, il);
    le64_store(buf + HEADER_FIXED + il, w.len);
    le64_store(buf + HEADER_FIXED + il + 8, stored);
    le64_store(buf + HEADER_FIXED + il + 16, hash64(payload, stored, 0));
    *out = buf;
    *outlen = head + stored;
    state_writer_free(&w);
    free(ident);
    return 0;
}

int state_file_write_atomic(const char *path, const uint8_t *buf, size_t len, char *err,
                            size_t errsz)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 32);
    if (!tmp) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    /* Beside the target (same file system, so rename is atomic); the
     * process id keeps two writers apart. */
    snprintf(tmp, pl + 32, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    int e = 0;
    if (fwrite(buf, 1, len, f) != len)
        e = errno ? errno : EIO;
    if (fflush(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(f)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        remove(tmp);
        snprintf(err, errsz, "%s: cannot write: %s", path, strerror(e));
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int state_file_save(const struct machine *m, const char *path, char *err, size_t errsz)
{
    uint8_t *buf;
    size_t len;
    if (state_image_build(m, 1, &buf, &len, err, errsz) != 0)
        return -1;
    int rc = state_file_write_atomic(path, buf, len, err, errsz);
    free(buf);
    return rc;
}

int state_image_load(struct machine *m, const char *name, const uint8_t *buf, size_t len,
                     char *err, size_t errsz)
{
    char why[MACHINE_ERR_MAX];
    if (len < 16 || memcmp(buf, magic, 16) != 0) {
        image_error(err, errsz, name, "not a shadow86 saved state");
        return -1;
    }
    if (len < HEADER_FIXED) {
        image_error(err, errsz, name, "truncated saved state (header)");
        return -1;
    }
    uint32_t version = le32_load(buf + 16), flags = le32_load(buf + 20);
    uint32_t il = le32_load(buf + 24);
    if (version != STATE_FILE_VERSION) {
        image_error(err, errsz, name, "saved-state format version %u, this build reads %u",
                    version, STATE_FILE_VERSION);
        return -1;
    }
    if (flags & ~FLAG_ZLIB) {
        image_error(err, errsz, name, "unknown flags 0x%x in the saved-state header", flags);
        return -1;
    }
    if (il > len - HEADER_FIXED || len - HEADER_FIXED - il < 24) {
        image_error(err, errsz, name, "truncated saved state (identity)");
        return -1;
    }
    char *saved = malloc(il + 1);
    if (!saved) {
        image_error(err, errsz, name, "out of memory");
        return -1;
    }
    memcpy(saved, buf + HEADER_FIXED, il);
    saved[il] = 0;
    if (strlen(saved) != il) {
        free(saved);
        image_error(err, errsz, name, "damaged saved state (identity)");
        return -1;
    }
    char *now = machine_identity(m, why, sizeof why);
    if (!now) {
        free(saved);
        snprintf(err, errsz, "%s", why);
        return -1;
    }
    int same = machine_identity_compare(saved, now, why, sizeof why);
    free(saved);
    free(now);
    if (same != 0) {
        image_error(err, errsz, name, "saved by another build or configuration: %s", why);
        return -1;
    }
    const uint8_t *p = buf + HEADER_FIXED + il;
    uint64_t raw = le64_load(p), stored = le64_load(p + 8), want = le64_load(p + 16);
    p += 24;
    size_t have = len - (size_t)(p - buf);
    if (stored > have) {
        image_error(err, errsz, name, "truncated saved state (%zu of %llu payload bytes)", have,
                    (unsigned long long)stored);
        return -1;
    }
    if (stored < have) {
        image_error(err, errsz, name, "%zu bytes of junk after the saved state",
                    have - (size_t)stored);
        return -1;
    }
    if (hash64(p, (size_t)stored, 0) != want) {
        image_error(err, errsz, name, "damaged saved state (payload checksum mismatch)");
        return -1;
    }
    if (raw > STATE_FILE_MAX || (!(flags & FLAG_ZLIB) && raw != stored)) {
        image_error(err, errsz, name, "damaged saved state (payload length)");
        return -1;
    }
    const uint8_t *payload = p;
    uint8_t *inflated = NULL;
    if (flags & FLAG_ZLIB) {
        inflated = malloc(raw ? (size_t)raw : 1);
        if (!inflated) {
            image_error(err, errsz, name, "out of memory (%llu bytes)", (unsigned long long)raw);
            return -1;
        }
        uLongf got = (uLongf)raw;
        if (uncompress(inflated, &got, p, (uLong)stored) != Z_OK || got != raw) {
            free(inflated);
            image_error(err, errsz, name, "damaged saved state (does not decompress)");
            return -1;
        }
        payload = inflated;
    }
    int rc = machine_load(m, payload, (size_t)raw, why, sizeof why);
    free(inflated);
    if (rc != 0) {
        image_error(err, errsz, name, "%s", why);
        return -1;
    }
    return 0;
}

int state_file_load(struct machine *m, const char *path, char *err, size_t errsz)
{
    uint8_t *buf;
    size_t len;
    if (image_file_read(path, (size_t)STATE_FILE_MAX, &buf, &len, err, errsz) != 0)
        return -1;
    int rc = state_image_load(m, path, buf, len, err, errsz);
    free(buf);
    return rc;
}
