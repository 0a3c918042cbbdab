/* A disk or CD-ROM image behind an emulated drive.
 *
 * Raw images only: byte N of the file is byte N of the medium. The image is
 * opened once, validated (readable, non-empty, a whole number of sectors)
 * and locked with an fcntl() record lock so a second shadow86 cannot use
 * the same file at the same time (a write lock when the image may be
 * written, a read lock otherwise: two read-only users may share it).
 *
 * Writes are whole-sector. With `snapshot` set they go to an overlay and
 * the file is never written; otherwise they go to the file and
 * blockdev_flush() makes them durable (FLUSH CACHE and exit call it). The
 * overlay lives in host RAM up to a limit (BLOCKDEV_OVERLAY_RAM_DEFAULT,
 * or blockdev_set_overlay_limit()); past it, new chunks go to a temporary
 * file created in a given directory and unlinked at once, so a guest that
 * writes its whole disk cannot grow host memory without bound and leaves
 * nothing behind.
 *
 * The device layer never reads the file behind the guest's back: reads are
 * what the guest asked for, nothing else.
 */
#ifndef SHADOW86_DEVICES_BLOCKDEV_H
#define SHADOW86_DEVICES_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>

#define BLOCKDEV_ERR_MAX 512
/* Overlay granule for -snapshot: sectors are kept in chunks so a guest
 * writing a whole disk costs one allocation per 64 KiB, not per sector. */
#define BLOCKDEV_CHUNK_SECTORS 128u
/* Overlay bytes kept in RAM before chunks spill to the temporary file. */
#define BLOCKDEV_OVERLAY_RAM_DEFAULT (64ull << 20)

struct blockdev {
    int fd;                    /* -1 when closed */
    char *path;                /* owned copy, for messages */
    uint32_t sector_size;      /* 512 for disks, 2048 for CD-ROM images */
    uint64_t sectors;          /* medium size in sectors */
    uint64_t dev, ino;         /* the file's identity (st_dev, st_ino): one image
                                  behind two drives is refused by the board */
    int read_only;             /* CD-ROM images: writes refused */
    int snapshot;              /* writes kept in memory */
    int dirty;                 /* written since the last flush (file mode) */
    /* -snapshot overlay: chunk[i] holds sectors [i*CHUNK, (i+1)*CHUNK) once
     * any of them was written; valid[i] has one bit per sector of it. */
    uint8_t **chunk;           /* in RAM, or NULL */
    uint64_t *chunk_file;      /* or in the spill file at offset chunk_file[i] - 1 (0: not) */
    uint64_t *chunk_valid[2];  /* two 64-bit masks per chunk, as one array each */
    uint64_t nchunks;
    uint64_t overlay_ram;      /* bytes of chunks in RAM */
    uint64_t overlay_ram_limit;
    char *spill_dir;           /* where the spill file is made (NULL: /tmp) */
    int spill_fd;              /* the unlinked spill file, or -1 until needed */
    uint64_t spill_size;       /* bytes of chunks in it */
    /* Counters for --stats. */
    uint64_t reads, writes, flushes;
    int io_error;              /* a host read or write failed (reported once) */
};

/* Open `path` as a medium of `sector_size`-byte sectors. `what` names the
 * flag in messages ("-hda"). Returns 0, or -1 with one line in err. */
int blockdev_open(struct blockdev *bd, const char *what, const char *path,
                  uint32_t sector_size, int read_only, int snapshot, char *err, size_t errsz);
void blockdev_close(struct blockdev *bd);
/* Keep at most `ram_bytes` of -snapshot overlay in RAM; further chunks go
 * to an unlinked temporary file in `dir` (NULL: /tmp). Returns 0, or -1
 * when out of memory. */
int blockdev_set_overlay_limit(struct blockdev *bd, uint64_t ram_bytes, const char *dir);

/* Transfer `count` whole sectors starting at `lba`. Returns 0, or -1 when
 * the range lies outside the medium or the host I/O failed (the device
 * reports that to the guest as a medium error). */
int blockdev_read(struct blockdev *bd, uint64_t lba, uint32_t count, void *buf);
int blockdev_write(struct blockdev *bd, uint64_t lba, uint32_t count, const void *buf);
int blockdev_flush(struct blockdev *bd);

/* Snapshot record `tag` (4 characters): the medium's size and, for a
 * -snapshot image, the overlay of written sectors -- the guest-visible
 * disk contents that live only in memory. A write-through image's
 * contents are in its file. Loading needs the same image size and mode. */
struct state_writer;
struct state_reader;
void blockdev_save(const struct blockdev *bd, const char *tag, struct state_writer *w);
int blockdev_load(struct blockdev *bd, const char *tag, struct state_reader *r);

/* Whether two open media are the same file (however it was named). */
static inline int blockdev_same_file(const struct blockdev *a, const struct blockdev *b)
{
    return a->fd >= 0 && b->fd >= 0 && a->dev == b->dev && a->ino == b->ino;
}

static inline int blockdev_is_open(const struct blockdev *bd)
{
    return bd->fd >= 0;
}

#endif
