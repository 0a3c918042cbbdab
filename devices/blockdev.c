#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_open.h"
#include "devices/blockdev.h"
#include "base/state.h"

static void blockdev_clear(struct blockdev *bd)
{
    memset(bd, 0, sizeof *bd);
    bd->fd = -1;
    bd->spill_fd = -1;
    bd->overlay_ram_limit = BLOCKDEV_OVERLAY_RAM_DEFAULT;
}

/* Lock the whole file. F_SETLK never waits: a second shadow86 fails at
 * once with a message rather than hanging. */
static int lock_image(int fd, int exclusive)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    return fcntl(fd, F_SETLK, &fl);
}

int blockdev_open(struct blockdev *bd, const char *what, const char *path,
                  uint32_t sector_size, int read_only, int snapshot, char *err, size_t errsz)
{
    struct stat st;
    blockdev_clear(bd);
    if (!path || !*path) {
        snprintf(err, errsz, "%s: empty file name", what);
        return -1;
    }
    /* A snapshot never writes the file, so it needs only read access. */
    int writable = !read_only && !snapshot;
    const char *why;
    int fd = file_open_input(path, writable ? O_RDWR : O_RDONLY, FILE_OPEN_BLOCK_DEVICE, &st,
                             &why);
    if (fd < 0) {
        snprintf(err, errsz, "%s %s: %s", what, path, why);
        return -1;
    }
    if (st.st_size <= 0) {
        snprintf(err, errsz, "%s %s: image is empty", what, path);
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size % sector_size != 0) {
        snprintf(err, errsz, "%s %s: size %lld is not a multiple of the %u-byte sector",
                 what, path, (long long)st.st_size, sector_size);
        close(fd);
        return -1;
    }
    if (lock_image(fd, writable) != 0) {
        if (errno == EACCES || errno == EAGAIN)
            snprintf(err, errsz, "%s %s: image is in use by another process (locked)", what,
                     path);
        else
            snprintf(err, errsz, "%s %s: cannot lock: %s", what, path, strerror(errno));
        close(fd);
        return -1;
    }
    bd->path = strdup(path);
    if (!bd->path) {
        snprintf(err, errsz, "%s %s: out of memory", what, path);
        close(fd);
        return -1;
    }
    bd->fd = fd;
    bd->sector_size = sector_size;
    bd->sectors = (uint64_t)st.st_size / sector_size;
    bd->dev = (uint64_t)st.st_dev;
    bd->ino = (uint64_t)st.st_ino;
    bd->read_only = read_only;
    bd->snapshot = snapshot;
    if (snapshot && !read_only) {
        bd->nchunks = (bd->sectors + BLOCKDEV_CHUNK_SECTORS - 1) / BLOCKDEV_CHUNK_SECTORS;
        bd->chunk = calloc(bd->nchunks, sizeof *bd->chunk);
        bd->chunk_file = calloc(bd->nchunks, sizeof(uint64_t));
        bd->chunk_valid[0] = calloc(bd->nchunks, sizeof(uint64_t));
        bd->chunk_valid[1] = calloc(bd->nchunks, sizeof(uint64_t));
        if (!bd->chunk || !bd->chunk_file || !bd->chunk_valid[0] || !bd->chunk_valid[1]) {
            snprintf(err, errsz, "%s %s: out of memory for the snapshot overlay", what, path);
            blockdev_close(bd);
            return -1;
        }
    }
    return 0;
}

void blockdev_close(struct blockdev *bd)
{
    if (bd->fd >= 0) {
        if (bd->dirty)
            blockdev_flush(bd);
        close(bd->fd);   /* also drops the lock */
    }
    for (uint64_t i = 0; bd->chunk && i < bd->nchunks; i++)
        free(bd->chunk[i]);
    free(bd->chunk);
    free(bd->chunk_file);
    free(bd->chunk_valid[0]);
    free(bd->chunk_valid[1]);
    if (bd->spill_fd >= 0)
        close(bd->spill_fd);   /* unlinked: its space goes with it */
    free(bd->spill_dir);
    free(bd->path);
    blockdev_clear(bd);
}

int blockdev_set_overlay_limit(struct blockdev *bd, uint64_t ram_bytes, const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return -1;
    free(bd->spill_dir);
    bd->spill_dir = copy;
    bd->overlay_ram_limit = ram_bytes;
    return 0;
}

static int in_range(const struct blockdev *bd, uint64_t lba, uint32_t count)
{
    return bd->fd >= 0 && lba <= bd->sectors && count <= bd->sectors - lba;
}

/* pread/pwrite the whole range, retrying short transfers. */
static int file_io(int fd, int write, void *buf, size_t len, off_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = write ? pwrite(fd, p, len, off) : pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

static size_t chunk_bytes(const struct blockdev *bd)
{
    return (size_t)BLOCKDEV_CHUNK_SECTORS * bd->sector_size;
}

static int chunk_present(const struct blockdev *bd, uint64_t c)
{
    return bd->chunk[c] || bd->chunk_file[c];
}

/* Make room for chunk c: in RAM while the overlay is within its limit,
 * else at the end of the spill file (made and unlinked on first need). */
static int chunk_alloc(struct blockdev *bd, uint64_t c)
{
    size_t bytes = chunk_bytes(bd);
    if (bd->overlay_ram + bytes <= bd->overlay_ram_limit) {
        bd->chunk[c] = malloc(bytes);
        if (bd->chunk[c]) {
            bd->overlay_ram += bytes;
            return 0;
        }
    }
    if (bd->spill_fd < 0) {
        const char *dir = bd->spill_dir ? bd->spill_dir : "/tmp";
        size_t n = strlen(dir) + sizeof "/shadow86-overlay-XXXXXX";
        char *name = malloc(n);
        if (!name)
            return -1;
        snprintf(name, n, "%s/shadow86-overlay-XXXXXX", dir);
        bd->spill_fd = mkstemp(name);
        if (bd->spill_fd >= 0)
            unlink(name);
        free(name);
        if (bd->spill_fd < 0)
            return -1;
    }
    /* The whole chunk exists in the file (a hole reads as zeros), so a
     * chunk read back whole for a snapshot never meets the end of file. */
    if (ftruncate(bd->spill_fd, (off_t)(bd->spill_size + bytes)) != 0)
        return -1;
    bd->chunk_file[c] = bd->spill_size + 1;
    bd->spill_size += bytes;
    return 0;
}

/* Move sectors [first, first+n) of chunk c to or from buf. */
static int chunk_rw(const struct blockdev *bd, uint64_t c, unsigned first, unsigned n, void *buf,
                    int write)
{
    size_t off = (size_t)first * bd->sector_size, len = (size_t)n * bd->sector_size;
    if (bd->chunk[c]) {
        if (write)
            memcpy(bd->chunk[c] + off, buf, len);
        else
            memcpy(buf, bd->chunk[c] + off, len);
        return 0;
    }
    return file_io(bd->spill_fd, write, buf, len, (off_t)(bd->chunk_file[c] - 1 + off));
}

static int overlay_has(const struct blockdev *bd, uint64_t lba)
{
    uint64_t c = lba / BLOCKDEV_CHUNK_SECTORS;
    unsigned s = (unsigned)(lba % BLOCKDEV_CHUNK_SECTORS);
    return bd->chunk && chunk_present(bd, c) && (bd->chunk_valid[s >> 6][c] >> (s & 63) & 1);
}

int blockdev_read(struct blockdev *bd, uint64_t lba, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    if (!in_range(bd, lba, count))
        return -1;
    bd->reads++;
    if (!bd->chunk)
        return file_io(bd->fd, 0, buf, (size_t)count * bd->sector_size,
                       (off_t)(lba * bd->sector_size)) == 0 ? 0 : (bd->io_error = 1, -1);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t s = lba + i;
        uint8_t *dst = out + (size_t)i * bd->sector_size;
        int rc = overlay_has(bd, s)
                     ? chunk_rw(bd, s / BLOCKDEV_CHUNK_SECTORS,
                                (unsigned)(s % BLOCKDEV_CHUNK_SECTORS), 1, dst, 0)
                     : file_io(bd->fd, 0, dst, bd->sector_size, (off_t)(s * bd->sector_size));
        if (rc != 0) {
            bd->io_error = 1;
            return -1;
        }
    }
    return 0;
}

int blockdev_write(struct blockdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
    const uint8_t *in = buf;
    if (bd->read_only || !in_range(bd, lba, count))
        return -1;
    bd->writes++;
    if (!bd->chunk) {
        if (file_io(bd->fd, 1, (void *)(uintptr_t)buf, (size_t)count * bd->sector_size,
                    (off_t)(lba * bd->sector_size)) != 0) {
            bd->io_error = 1;
            return -1;
        }
        bd->dirty = 1;
        return 0;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t s = lba + i;
        uint64_t c = s / BLOCKDEV_CHUNK_SECTORS;
        unsigned k = (unsigned)(s % BLOCKDEV_CHUNK_SECTORS);
        if ((!chunk_present(bd, c) && chunk_alloc(bd, c) != 0) ||
            chunk_rw(bd, c, k, 1, (void *)(uintptr_t)(in + (size_t)i * bd->sector_size), 1) != 0) {
            bd->io_error = 1;
            return -1;
        }
        bd->chunk_valid[k >> 6][c] |= 1ull << (k & 63);
    }
    return 0;
}

int blockdev_flush(struct blockdev *bd)
{
    if (bd->fd < 0)
        return -1;
    bd->flushes++;
    if (bd->chunk || bd->read_only || !bd->dirty)
        return 0;
    bd->dirty = 0;
    return fsync(bd->fd) == 0 ? 0 : -1;
}

void blockdev_save(const struct blockdev *bd, const char *tag, struct state_writer *w)
{
    uint64_t used = 0;
    for (uint64_t i = 0; bd->chunk && i < bd->nchunks; i++)
        used += chunk_present(bd, i) != 0;
    uint8_t *tmp = used ? malloc(chunk_bytes(bd)) : NULL;
    state_begin(w, tag, 1);
    state_put_u64(w, bd->sectors);
    state_put_u32(w, bd->sector_size);
    state_put_u8(w, (uint8_t)bd->snapshot);
    state_put_u64(w, used);
    for (uint64_t i = 0; bd->chunk && i < bd->nchunks; i++) {
        if (!chunk_present(bd, i))
            continue;
        state_put_u64(w, i);
        state_put_u64(w, bd->chunk_valid[0][i]);
        state_put_u64(w, bd->chunk_valid[1][i]);
        /* A spilled chunk that cannot be read back is saved as zeros
         * (the guest's next read of it fails the same way). */
        const uint8_t *data = bd->chunk[i];
        if (!data) {
            if (tmp && chunk_rw(bd, i, 0, BLOCKDEV_CHUNK_SECTORS, tmp, 0) != 0)
                memset(tmp, 0, chunk_bytes(bd));
            data = tmp;
        }
        if (data) {
            state_put_bytes(w, data, chunk_bytes(bd));
        } else {
            static const uint8_t zero[512];
            for (size_t o = 0; o < chunk_bytes(bd); o += sizeof zero)
                state_put_bytes(w, zero, sizeof zero);
        }
    }
    free(tmp);
    state_end(w);
}

int blockdev_load(struct blockdev *bd, const char *tag, struct state_reader *r)
{
    if (state_open(r, tag, 1) != 0)
        return -1;
    uint64_t sectors = state_get_u64(r);
    uint32_t ssize = state_get_u32(r);
    int snapshot = state_get_u8(r);
    uint64_t used = state_get_u64(r);
    if (r->failed || sectors != bd->sectors || ssize != bd->sector_size ||
        snapshot != bd->snapshot || (used && !bd->chunk) || used > bd->nchunks) {
        state_fail(r);
        state_close(r);
        return -1;
    }
    /* The overlay is replaced by the saved one. */
    for (uint64_t i = 0; bd->chunk && i < bd->nchunks; i++) {
        free(bd->chunk[i]);
        bd->chunk[i] = NULL;
        bd->chunk_file[i] = 0;
        bd->chunk_valid[0][i] = bd->chunk_valid[1][i] = 0;
    }
    bd->overlay_ram = 0;
    bd->spill_size = 0;   /* the spill file's space is reused from its start */
    uint8_t *tmp = used ? malloc(chunk_bytes(bd)) : NULL;
    if (used && !tmp)
        state_fail(r);
    for (uint64_t k = 0; k < used && !r->failed; k++) {
        uint64_t i = state_get_u64(r);
        uint64_t v0 = state_get_u64(r), v1 = state_get_u64(r);
        if (i >= bd->nchunks || chunk_present(bd, i) || chunk_alloc(bd, i) != 0) {
            state_fail(r);
            break;
        }
        state_get_bytes(r, tmp, chunk_bytes(bd));
        if (!r->failed && chunk_rw(bd, i, 0, BLOCKDEV_CHUNK_SECTORS, tmp, 1) != 0)
            state_fail(r);
        bd->chunk_valid[0][i] = v0;
        bd->chunk_valid[1][i] = v1;
    }
    free(tmp);
    return state_close(r);
}
