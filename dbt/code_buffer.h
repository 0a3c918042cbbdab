/* The native backend's code buffer: host memory mapped twice, once
 * writable and once executable, never both (W^X). The emitter writes
 * through the writable view; the host runs the executable one.
 *
 * Allocation is a bump pointer; when a block does not fit, the translator
 * flushes every translation and the buffer starts again from its first
 * byte after the shared entry/exit code (dbt/native.c). */
#ifndef SHADOW86_DBT_CODE_BUFFER_H
#define SHADOW86_DBT_CODE_BUFFER_H

#include <stddef.h>
#include <stdint.h>

struct dbt_code_buffer {
    uint8_t *rw;          /* writable view */
    uint8_t *rx;          /* executable view of the same bytes */
    size_t size;
    size_t used;
    int fd;
};

/* Map `size` bytes (rounded up to the page size), placing the executable
 * view near `near` when the host allows, so calls from the buffer to the
 * program's functions fit a rel32. Returns 0, or -1 with errno set. */
int dbt_code_buffer_init(struct dbt_code_buffer *cb, size_t size, const void *near);
void dbt_code_buffer_free(struct dbt_code_buffer *cb);

/* The writable address of executable address `x`. */
static inline uint8_t *dbt_code_rw(const struct dbt_code_buffer *cb, uintptr_t x)
{
    return cb->rw + (x - (uintptr_t)cb->rx);
}

#endif
