#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "base/state.h"

#define STATE_HDR 10u   /* tag (4) + version (2) + payload length (4) */
#define STATE_LEN_AT 6u

void state_writer_init(struct state_writer *w)
{
    memset(w, 0, sizeof *w);
    w->rec_start = SIZE_MAX;
}

void state_writer_free(struct state_writer *w)
{
    free(w->buf);
    state_writer_init(w);
}

static uint8_t *reserve(struct state_writer *w, size_t n)
{
    if (w->failed)
        return NULL;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *nb = realloc(w->buf, cap);
        if (!nb) {
            w->failed = 1;
            return NULL;
        }
        w->buf = nb;
        w->cap = cap;
    }
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
}

void state_begin(struct state_writer *w, const char *tag, uint16_t version)
{
    if (w->rec_start != SIZE_MAX || strlen(tag) != 4 || version == 0) {
        w->failed = 1;   /* a programming error, reported as a failed save */
        return;
    }
    size_t at = w->len;
    uint8_t *p = reserve(w, STATE_HDR);
    if (!p)
        return;
    memcpy(p, tag, 4);
    le_store_n(p + 4, version, 2);
    le_store_n(p + STATE_LEN_AT, 0, 4);
    w->rec_start = at;
}

void state_end(struct state_writer *w)
{
    if (w->rec_start == SIZE_MAX) {
        w->failed = 1;
        return;
    }
    if (!w->failed) {
        size_t n = w->len - w->rec_start - STATE_HDR;
        if (n > UINT32_MAX)
            w->failed = 1;
        else
            le_store_n(w->buf + w->rec_start + STATE_LEN_AT, n, 4);
    }
    w->rec_start = SIZE_MAX;
}

static void put_n(struct state_writer *w, uint64_t v, unsigned n)
{
    uint8_t *p = reserve(w, n);
    if (p)
        le_store_n(p, v, n);
}

void state_put_u8(struct state_writer *w, uint8_t v) { put_n(w, v, 1); }
void state_put_u16(struct state_writer *w, uint16_t v) { put_n(w, v, 2); }
void state_put_u32(struct state_writer *w, uint32_t v) { put_n(w, v, 4); }
void state_put_u64(struct state_writer *w, uint64_t v) { put_n(w, v, 8); }

void state_put_bytes(struct state_writer *w, const void *data, size_t n)
{
    uint8_t *p = reserve(w, n);
    if (p && n)
        memcpy(p, data, n);
}

void state_reader_init(struct state_reader *r, const uint8_t *buf, size_t len)
{
    memset(r, 0, sizeof *r);
    r->buf = buf;
    r->len = len;
}

int state_open(struct state_reader *r, const char *tag, uint16_t newest)
{
    r->rec = NULL;
    r->rec_len = r->pos = 0;
    size_t at = 0;
    while (at + STATE_HDR <= r->len) {
        size_t n = (size_t)le_load_n(r->buf + at + STATE_LEN_AT, 4);
        if (n > r->len - at - STATE_HDR)
            break;  /* truncated stream */
        if (memcmp(r->buf + at, tag, 4) == 0) {
            uint16_t version = (uint16_t)le_load_n(r->buf + at + 4, 2);
            if (version == 0 || version > newest)
                break;  /* written by a build that knows more than this one */
            r->rec = r->buf + at + STATE_HDR;
            r->rec_len = n;
            r->version = version;
            return 0;
        }
        at += STATE_HDR + n;
    }
    r->failed = 1;
    return -1;
}

int state_close(struct state_reader *r)
{
    if (!r->rec || r->pos != r->rec_len)
        r->failed = 1;
    r->rec = NULL;
    return r->failed ? -1 : 0;
}

static const uint8_t *take(struct state_reader *r, size_t n)
{
    if (r->failed || !r->rec || n > r->rec_len - r->pos) {
        r->failed = 1;
        return NULL;
    }
    const uint8_t *p = r->rec + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_n(struct state_reader *r, unsigned n)
{
    const uint8_t *p = take(r, n);
    return p ? le_load_n(p, n) : 0;
}

uint8_t state_get_u8(struct state_reader *r) { return (uint8_t)get_n(r, 1); }
uint16_t state_get_u16(struct state_reader *r) { return (uint16_t)get_n(r, 2); }
uint32_t state_get_u32(struct state_reader *r) { return (uint32_t)get_n(r, 4); }
uint64_t state_get_u64(struct state_reader *r) { return get_n(r, 8); }

void state_get_bytes(struct state_reader *r, void *data, size_t n)
{
    const uint8_t *p = take(r, n);
    if (p)
        memcpy(data, p, n);
    else if (n)
        memset(data, 0, n);
}

/* ---- Field layouts */

static uint64_t field_get(const void *obj, const struct state_field *f, unsigned i)
{
    const uint8_t *p = (const uint8_t *)obj + f->offset + (size_t)i * f->stride;
    switch (f->width) {
    case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void field_set(void *obj, const struct state_field *f, unsigned i, uint64_t v)
{
    uint8_t *p = (uint8_t *)obj + f->offset + (size_t)i * f->stride;
    switch (f->width) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

void state_put_fields(struct state_writer *w, const struct state_layout *l, const void *obj)
{
    for (unsigned k = 0; k < l->nfields; k++) {
        const struct state_field *f = &l->fields[k];
        for (unsigned i = 0; i < f->count; i++)
            put_n(w, field_get(obj, f, i), f->width);
    }
}

void state_get_fields(struct state_reader *r, const struct state_layout *l, uint16_t version,
                      void *obj)
{
    for (unsigned k = 0; k < l->nfields && !r->failed; k++) {
        const struct state_field *f = &l->fields[k];
        if (f->since > version)
            continue;   /* not in a record this old: keep the part's value */
        for (unsigned i = 0; i < f->count; i++) {
            uint64_t v = get_n(r, f->width);
            if (v > f->max) {
                r->failed = 1;
                return;
            }
            if (!r->failed)
                field_set(obj, f, i, v);
        }
    }
}

void state_save_layout(struct state_writer *w, const struct state_layout *l, const char *tag,
                       const void *obj)
{
    state_begin(w, tag ? tag : l->tag, l->version);
    state_put_fields(w, l, obj);
    state_end(w);
}

int state_load_layout(struct state_reader *r, const struct state_layout *l, const char *tag,
                      void *obj)
{
    if (state_open(r, tag ? tag : l->tag, l->version) != 0)
        return -1;
    state_get_fields(r, l, r->version, obj);
    return state_close(r);
}
