/* The serialization interface: every stateful part of a machine (CPU,
 * clock, devices, memory) saves and restores its whole state through it.
 *
 * A saved state is a sequence of records. Each record is a 4-character tag,
 * a 32-bit little-endian payload length and the payload: fixed-width
 * little-endian integers and byte strings written in an order the part
 * itself defines (so the format is independent of host endianness and
 * struct layout). A part writes one record per instance, with its own tag
 * ("PIC0", "PIT0", "CPU0", ...), and on restore looks its record up by tag,
 * so the order of parts in the stream does not matter.
 *
 * Errors are sticky: after a failed allocation, a missing record or a read
 * past a record's end, every further call does nothing and the final
 * state_writer_failed()/state_close() reports it. A part's load function can
 * therefore read all its fields and check once at the end. Values that a
 * load function gets from a state are external input: it must check ranges
 * before using them as indices.
 */
#ifndef SHADOW86_BASE_STATE_H
#define SHADOW86_BASE_STATE_H

#include <stddef.h>
#include <stdint.h>

struct state_writer {
    uint8_t *buf;
    size_t len, cap;
    size_t rec_start;   /* offset of the open record's header; SIZE_MAX: none */
    int failed;
};

void state_writer_init(struct state_writer *w);
void state_writer_free(struct state_writer *w);
/* Open a record; `tag` is exactly 4 characters. Records do not nest. */
void state_begin(struct state_writer *w, const char *tag);
void state_end(struct state_writer *w);
void state_put_u8(struct state_writer *w, uint8_t v);
void state_put_u16(struct state_writer *w, uint16_t v);
void state_put_u32(struct state_writer *w, uint32_t v);
void state_put_u64(struct state_writer *w, uint64_t v);
void state_put_bytes(struct state_writer *w, const void *data, size_t n);
static inline int state_writer_failed(const struct state_writer *w)
{
    return w->failed;
}

struct state_reader {
    const uint8_t *buf;
    size_t len;
    const uint8_t *rec;  /* open record's payload, or NULL */
    size_t rec_len, pos;
    int failed;
};

void state_reader_init(struct state_reader *r, const uint8_t *buf, size_t len);
/* Find the record with `tag` and make it the one read from. Returns 0, or
 * -1 (and the reader is failed) if there is none or the stream is corrupt. */
int state_open(struct state_reader *r, const char *tag);
/* Finish the record. Returns 0 if everything read so far was present and
 * the record was consumed exactly, else -1. */
int state_close(struct state_reader *r);
uint8_t state_get_u8(struct state_reader *r);
uint16_t state_get_u16(struct state_reader *r);
uint32_t state_get_u32(struct state_reader *r);
uint64_t state_get_u64(struct state_reader *r);
void state_get_bytes(struct state_reader *r, void *data, size_t n);
/* Mark the reader failed (a load function found an out-of-range value). */
static inline void state_fail(struct state_reader *r)
{
    r->failed = 1;
}

#endif
