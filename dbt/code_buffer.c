/* The twice-mapped code buffer (dbt/code_buffer.h): a memfd (an anonymous
 * file in memory) mapped read+write at one address and read+execute at
 * another, so no page is ever writable and executable at once, and
 * patching a chain jump needs no mprotect() call (two system calls and a
 * TLB shootdown per link otherwise). On x86 the instruction stream sees a
 * store through the other mapping without any flush (SDM vol. 3, 8.1.3
 * "cross-modifying code": the same thread writes and later executes). */
#define _GNU_SOURCE
#if defined(__linux__)   /* memfd_create; other hosts use the portable backend */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dbt/code_buffer.h"

int dbt_code_buffer_init(struct dbt_code_buffer *cb, size_t size, const void *near)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    size = (size + (size_t)page - 1) & ~((size_t)page - 1);
    cb->rw = cb->rx = NULL;
    cb->size = size;
    cb->used = 0;
    cb->fd = memfd_create("shadow86-code", MFD_CLOEXEC);
    if (cb->fd < 0)
        return -1;
    if (ftruncate(cb->fd, (off_t)size) != 0)
        goto fail;
    cb->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, cb->fd, 0);
    if (cb->rw == MAP_FAILED) {
        cb->rw = NULL;
        goto fail;
    }
    /* A hint below the program's text: the kernel takes it when the range
     * is free (the executable of a PIE sits far from the mmap area, so
     * without a hint every call out of the buffer would need a movabs). */
    uintptr_t hint = ((uintptr_t)near & ~(uintptr_t)0xFFFFF) - ((uintptr_t)256 << 20) - size;
    if ((uintptr_t)near < ((uintptr_t)512 << 20))
        hint = 0;
    cb->rx = mmap((void *)hint, size, PROT_READ | PROT_EXEC, MAP_SHARED, cb->fd, 0);
    if (cb->rx == MAP_FAILED) {
        cb->rx = NULL;
        goto fail;
    }
    return 0;
fail: {
        int e = errno;
        dbt_code_buffer_free(cb);
        errno = e;
        return -1;
    }
}

void dbt_code_buffer_free(struct dbt_code_buffer *cb)
{
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->rx)
        munmap(cb->rx, cb->size);
    if (cb->fd >= 0)
        close(cb->fd);
    cb->rw = cb->rx = NULL;
    cb->fd = -1;
}

#else
typedef int dbt_code_buffer_unused;   /* ISO C: no empty translation unit */
#endif
