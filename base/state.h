/* The serialization interface: every stateful part of a machine (CPU,
 * clock, devices, memory) saves and restores its whole state through it.
 *
 * A saved state is a sequence of records. Each record is a 4-character tag,
 * a 16-bit record version, a 32-bit payload length (little-endian) and the
 * payload: fixed-width little-endian integers and byte strings written in
 * an order the part itself defines (so the format is independent of host
 * endianness and struct layout). A part writes one record per instance,
 * with its own tag ("PIC0", "PIT0", "CPU0", ...), and on restore looks its
 * record up by tag, so the order of parts in the stream does not matter.
 *
 * Versions: a part bumps its record's version when it adds a field. Its
 * loader accepts every version from 1 to the newest it knows (a newer one
 * is refused: this build cannot know what it holds) and reads what that
 * version had; struct state_layout below does this by itself for the
 * parts described field by field.
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
/* Open a record of `version` (>= 1); `tag` is exactly 4 characters.
 * Records do not nest. */
void state_begin(struct state_writer *w, const char *tag, uint16_t version);
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
    uint16_t version;    /* the open record's version */
    int failed;
};

void state_reader_init(struct state_reader *r, const uint8_t *buf, size_t len);
/* Find the record with `tag` and make it the one read from; r->version
 * is its version. Returns 0, or -1 (and the reader is failed) if there is
 * none, the stream is corrupt, or the record's version is 0 or newer than
 * `newest`. */
int state_open(struct state_reader *r, const char *tag, uint16_t newest);
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

/* ---- Parts described field by field.
 *
 * One description drives both directions: saving writes each field in
 * order as a little-endian integer of its own width, loading reads them
 * back and refuses a value above the field's `max` (the range checks a
 * loader would otherwise write by hand; a part's own checks that involve
 * several fields run after state_load_layout). A field added later names
 * the record version it arrived in (`since`): an older record simply does
 * not hold it, and the loader leaves the value the part had (its reset
 * value). */
struct state_field {
    const char *name;
    uint32_t offset;     /* of the first element in the part's struct */
    uint8_t width;       /* bytes of one element: 1, 2, 4 or 8 (an integer) */
    uint16_t count;      /* elements (1: a scalar) */
    uint32_t stride;     /* bytes from one element to the next */
    uint64_t max;        /* largest value a load accepts */
    uint16_t since;      /* first record version with this field */
};

struct state_layout {
    const char *tag;     /* the default tag (a part with several instances passes its own) */
    uint16_t version;    /* the newest version, the one written */
    const struct state_field *fields;
    unsigned nfields;
};

#define STATE_MEMBER_SIZE(type, member) sizeof(((type *)0)->member)
/* A scalar integer member. */
#define STATE_FIELD(type, member, maxval) \
    { #member, (uint32_t)offsetof(type, member), STATE_MEMBER_SIZE(type, member), 1, 0, (maxval), 1 }
/* An array member of integers (every element the same bound). */
#define STATE_ARRAY(type, member, maxval) \
    { #member, (uint32_t)offsetof(type, member), STATE_MEMBER_SIZE(type, member[0]), \
      (uint16_t)(STATE_MEMBER_SIZE(type, member) / STATE_MEMBER_SIZE(type, member[0])), \
      (uint32_t)STATE_MEMBER_SIZE(type, member[0]), (maxval), 1 }
/* Member `field` of each element of the struct array `array`. */
#define STATE_EACH(type, array, field, maxval) \
    { #array "." #field, (uint32_t)offsetof(type, array[0].field), \
      STATE_MEMBER_SIZE(type, array[0].field), \
      (uint16_t)(STATE_MEMBER_SIZE(type, array) / STATE_MEMBER_SIZE(type, array[0])), \
      (uint32_t)STATE_MEMBER_SIZE(type, array[0]), (maxval), 1 }
/* A scalar member that arrived in record version `v`. */
#define STATE_FIELD_SINCE(v, type, member, maxval) \
    { #member, (uint32_t)offsetof(type, member), STATE_MEMBER_SIZE(type, member), 1, 0, (maxval), (v) }
#define STATE_ANY UINT64_MAX
#define STATE_LAYOUT(tagname, ver, arr) \
    { tagname, ver, arr, (unsigned)(sizeof(arr) / sizeof(arr[0])) }

/* Write / read the fields of `obj` as laid out (no record header: these go
 * inside a record the caller opened, so a part can add variable-length
 * data after them). state_get_fields reads what version `version` held. */
void state_put_fields(struct state_writer *w, const struct state_layout *l, const void *obj);
void state_get_fields(struct state_reader *r, const struct state_layout *l, uint16_t version,
                      void *obj);
/* A whole record of just these fields, under `tag` (NULL: the layout's). */
void state_save_layout(struct state_writer *w, const struct state_layout *l, const char *tag,
                       const void *obj);
/* Returns 0, or -1 if the record is missing, of an unknown version, short,
 * long, or holds a value out of a field's range. */
int state_load_layout(struct state_reader *r, const struct state_layout *l, const char *tag,
                      void *obj);

#endif
