/* The host page pool: page accounting against the limit, the table of
 * shared frames, the swap file's slots. The policy (what to share, what
 * to evict) is physmem's: pageshare.c and pageswap.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash64.h"
#include "mmu/hostpool.h"

static void default_exhausted(void *opaque, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "shadow86: %s\n", msg);
    fflush(NULL);
    exit(HOSTPOOL_EXIT_STATUS);
}

int hostpool_init(struct hostpool *p)
{
    memset(p, 0, sizeof *p);
    p->swap_fd = -1;
    p->frame_free = HOSTPOOL_NONE;
    p->exhausted = default_exhausted;
    return 0;
}

int hostpool_share_ready(struct hostpool *p)
{
    if (p->bucket)
        return 0;
    p->bucket = malloc(HOSTPOOL_BUCKETS * sizeof *p->bucket);
    p->cand = calloc(HOSTPOOL_CANDS, sizeof *p->cand);
    if (!p->bucket || !p->cand) {
        free(p->bucket);
        free(p->cand);
        p->bucket = NULL;
        p->cand = NULL;
        errno = ENOMEM;
        return -1;
    }
    memset(p->bucket, 0xFF, HOSTPOOL_BUCKETS * sizeof *p->bucket);
    return 0;
}

void hostpool_free(struct hostpool *p)
{
    for (uint32_t i = 0; i < p->frame_count; i++)
        if (p->frame[i].refs)
            free(p->frame[i].page);
    free(p->frame);
    free(p->bucket);
    free(p->cand);
    free(p->swap_free);
    if (p->swap_fd >= 0) {
        if (ftruncate(p->swap_fd, 0) != 0) {
            /* nothing to do: the file is the user's, left as it is */
        }
        close(p->swap_fd);
    }
    free(p->swap_path);
    memset(p, 0, sizeof *p);
    p->swap_fd = -1;
}

void hostpool_set_limit(struct hostpool *p, uint64_t pages)
{
    p->limit = pages;
}

int hostpool_set_swap(struct hostpool *p, const char *path, char *err, size_t errsz)
{
    /* Never truncate what the user already had there: a swap file is new
     * or empty (a previous run leaves its file at length 0). */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsz, "--swap %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 0) {
        close(fd);
        snprintf(err, errsz, "--swap %s: %s", path,
                 S_ISREG(st.st_mode) ? "exists and is not empty; refusing to overwrite it"
                                     : "not a regular file");
        return -1;
    }
    char *copy = strdup(path);
    if (!copy) {
        close(fd);
        snprintf(err, errsz, "--swap %s: out of memory", path);
        return -1;
    }
    if (p->swap_fd >= 0)
        close(p->swap_fd);
    free(p->swap_path);
    p->swap_fd = fd;
    p->swap_path = copy;
    return 0;
}

void hostpool_set_exhausted(struct hostpool *p, hostpool_exhausted_fn fn, void *opaque)
{
    p->exhausted = fn ? fn : default_exhausted;
    p->exhausted_opaque = opaque;
}

void hostpool_fail(struct hostpool *p, const char *msg)
{
    p->exhausted(p->exhausted_opaque, msg);
    default_exhausted(NULL, msg);   /* a hook that returned: still stop */
}

uint8_t *hostpool_page_alloc(struct hostpool *p)
{
    uint8_t *page = calloc(1, 4096);
    if (!page) {
        hostpool_fail(p, "out of host memory for guest RAM");
        return NULL;
    }
    if (++p->stats.resident > p->stats.peak_resident)
        p->stats.peak_resident = p->stats.resident;
    return page;
}

void hostpool_page_free(struct hostpool *p, uint8_t *page)
{
    if (!page)
        return;
    free(page);
    p->stats.resident--;
}

static uint64_t default_hash(const uint8_t *page)
{
    return hash64(page, 4096, 0x5348415245ull);   /* "SHARE" */
}

uint64_t hostpool_hash(const struct hostpool *p, const uint8_t *page)
{
    return p->hash_fn ? p->hash_fn(page) : default_hash(page);
}

static uint32_t *bucket_of(struct hostpool *p, uint64_t h)
{
    return &p->bucket[(h ^ (h >> 32)) & (HOSTPOOL_BUCKETS - 1)];
}

uint32_t hostpool_frame_find(struct hostpool *p, uint64_t h, const uint8_t *page)
{
    for (uint32_t f = *bucket_of(p, h); f != HOSTPOOL_NONE; f = p->frame[f].next) {
        struct hostpool_frame *fr = &p->frame[f];
        if (fr->hash != h)
            continue;
        if (memcmp(fr->page, page, 4096) == 0)
            return f;
        p->stats.hash_collisions++;
    }
    return HOSTPOOL_NONE;
}

uint32_t hostpool_frame_adopt(struct hostpool *p, uint8_t *page, uint64_t h, uint32_t refs)
{
    uint32_t f = p->frame_free;
    if (f != HOSTPOOL_NONE) {
        p->frame_free = p->frame[f].next;
    } else {
        if (p->frame_count == p->frame_cap) {
            uint32_t cap = p->frame_cap ? p->frame_cap * 2 : 256;
            struct hostpool_frame *n = realloc(p->frame, cap * sizeof *n);
            if (!n)
                return HOSTPOOL_NONE;
            p->frame = n;
            p->frame_cap = cap;
        }
        f = p->frame_count++;
    }
    uint32_t *b = bucket_of(p, h);
    p->frame[f] = (struct hostpool_frame){ page, h, refs, *b };
    *b = f;
    p->stats.shared_frames++;
    p->stats.shared_refs += refs;
    return f;
}

void hostpool_frame_get(struct hostpool *p, uint32_t f)
{
    p->frame[f].refs++;
    p->stats.shared_refs++;
}

static void frame_unlink(struct hostpool *p, uint32_t f)
{
    struct hostpool_frame *fr = &p->frame[f];
    for (uint32_t *link = bucket_of(p, fr->hash); *link != HOSTPOOL_NONE;
         link = &p->frame[*link].next)
        if (*link == f) {
            *link = fr->next;
            break;
        }
    fr->page = NULL;
    fr->refs = 0;
    fr->next = p->frame_free;
    p->frame_free = f;
    p->stats.shared_frames--;
}

void hostpool_frame_put(struct hostpool *p, uint32_t f)
{
    struct hostpool_frame *fr = &p->frame[f];
    p->stats.shared_refs--;
    if (--fr->refs)
        return;
    uint8_t *page = fr->page;
    frame_unlink(p, f);
    hostpool_page_free(p, page);
}

uint8_t *hostpool_frame_take(struct hostpool *p, uint32_t f)
{
    struct hostpool_frame *fr = &p->frame[f];
    if (fr->refs != 1)
        return NULL;
    uint8_t *page = fr->page;
    p->stats.shared_refs--;
    frame_unlink(p, f);
    return page;
}

uint32_t hostpool_swap_write(struct hostpool *p, const uint8_t *page)
{
    char msg[512];
    uint32_t slot;
    if (p->swap_free_n) {
        slot = p->swap_free[--p->swap_free_n];
    } else if (p->swap_slots < HOSTPOOL_NONE - 1) {
        slot = p->swap_slots++;
    } else {
        snprintf(msg, sizeof msg, "--swap %s: the swap file is full", p->swap_path);
        hostpool_fail(p, msg);
        return HOSTPOOL_NONE;
    }
    size_t done = 0;
    while (done < 4096) {
        ssize_t n = pwrite(p->swap_fd, page + done, 4096 - done, (off_t)slot * 4096 + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(msg, sizeof msg, "--swap %s: cannot write: %s", p->swap_path,
                     n < 0 ? strerror(errno) : "no space");
            hostpool_fail(p, msg);
            return HOSTPOOL_NONE;
        }
        done += (size_t)n;
    }
    p->stats.swapped++;
    p->stats.swap_outs++;
    return slot;
}

int hostpool_swap_read(struct hostpool *p, uint32_t slot, uint8_t *page)
{
    size_t done = 0;
    while (done < 4096) {
        ssize_t n = pread(p->swap_fd, page + done, 4096 - done, (off_t)slot * 4096 + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            char msg[512];
            snprintf(msg, sizeof msg, "--swap %s: cannot read back a page: %s", p->swap_path,
                     n < 0 ? strerror(errno) : "file shortened");
            hostpool_fail(p, msg);
            return -1;
        }
        done += (size_t)n;
    }
    p->stats.swap_ins++;
    return 0;
}

void hostpool_swap_free(struct hostpool *p, uint32_t slot)
{
    p->stats.swapped--;
    if (p->swap_free_n == p->swap_free_cap) {
        size_t cap = p->swap_free_cap ? p->swap_free_cap * 2 : 1024;
        uint32_t *n = realloc(p->swap_free, cap * sizeof *n);
        if (!n)
            return;   /* the slot is lost to reuse; the file only grows */
        p->swap_free = n;
        p->swap_free_cap = cap;
    }
    p->swap_free[p->swap_free_n++] = slot;
}

int hostpool_add_member(struct hostpool *p, struct physmem *pm)
{
    if (p->members >= HOSTPOOL_MEMBERS_MAX)
        return -1;
    p->member[p->members++] = pm;
    return 0;
}

void hostpool_remove_member(struct hostpool *p, struct physmem *pm)
{
    for (unsigned i = 0; i < p->members; i++)
        if (p->member[i] == pm) {
            p->member[i] = p->member[--p->members];
            break;
        }
    for (uint32_t i = 0; p->cand && i < HOSTPOOL_CANDS; i++)
        if (p->cand[i].pm == pm)
            p->cand[i].used = 0;
    if (p->hand_member >= p->members)
        p->hand_member = 0;
}
