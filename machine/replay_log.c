#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/endian.h"
#include "base/hash64.h"
#include "machine/image_file.h"
#include "machine/replay_log.h"
#include "machine/state_file.h"

static const uint8_t magic[16] = "SHADOW86REPLAY\r\n";
#define FLAG_ZLIB 1u
#define LOG_MAX (1ull << 32)     /* 4 GiB: far beyond any real recording */
#define EVENTS_MAX (1ull << 28)

int replay_log_add(struct replay_log *l, const struct replay_event *e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        struct replay_event *ev = realloc(l->ev, cap * sizeof *ev);
        if (!ev)
            return -1;
        l->ev = ev;
        l->cap = cap;
    }
    l->ev[l->n++] = *e;
    return 0;
}

static int arena_put(struct replay_log *l, const uint8_t *p, size_t len)
{
    if (l->data_len + len > l->data_cap) {
        size_t cap = l->data_cap ? l->data_cap * 2 : 65536;
        while (cap < l->data_len + len)
            cap *= 2;
        uint8_t *d = realloc(l->data, cap);
        if (!d)
            return -1;
        l->data = d;
        l->data_cap = cap;
    }
    memcpy(l->data + l->data_len, p, len);
    l->data_len += len;
    return 0;
}

int replay_log_add_frame(struct replay_log *l, struct replay_event e, const uint8_t *frame,
                         size_t len)
{
    if (len > REPLAY_FRAME_MAX)
        len = REPLAY_FRAME_MAX;
    e.kind = REPLAY_NETFRAME;
    e.a = (int32_t)len;
    e.hash = l->data_len;
    if (arena_put(l, frame, len) != 0)
        return -1;
    if (replay_log_add(l, &e) != 0) {
        l->data_len -= len;
        return -1;
    }
    return 0;
}

const uint8_t *replay_log_frame(const struct replay_log *l, const struct replay_event *e)
{
    return l->data + e->hash;
}

void replay_log_free(struct replay_log *l)
{
    free(l->ev);
    free(l->data);
    free(l->identity);
    free(l->meta);
    memset(l, 0, sizeof *l);
}

int replay_log_meta(const struct replay_log *l, const char *key, char *buf, size_t bufsz)
{
    size_t kl = strlen(key);
    for (const char *p = l->meta; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > kl && p[kl] == '=' && strncmp(p, key, kl) == 0) {
            snprintf(buf, bufsz, "%.*s", (int)(len - kl - 1), p + kl + 1);
            return 0;
        }
        p += len + (nl != NULL);
    }
    return -1;
}

/* ---- Encoding. */

struct bytes {
    uint8_t *b;
    size_t len, cap;
    int failed;
};

static void put(struct bytes *o, const void *p, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n > o->cap) {
        size_t cap = (o->cap + n) * 2 + 4096;
        uint8_t *b = realloc(o->b, cap);
        if (!b) {
            o->failed = 1;
            return;
        }
        o->b = b;
        o->cap = cap;
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}

static void put_u8(struct bytes *o, uint8_t v)
{
    put(o, &v, 1);
}

static void put_varint(struct bytes *o, uint64_t v)
{
    uint8_t b[10];
    unsigned n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7F);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    put(o, b, n);
}

static void put_svarint(struct bytes *o, int64_t v)
{
    put_varint(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));   /* zigzag */
}

static void put_u64(struct bytes *o, uint64_t v)
{
    uint8_t b[8];
    le64_store(b, v);
    put(o, b, 8);
}

static void put_u32(struct bytes *o, uint32_t v)
{
    uint8_t b[4];
    le32_store(b, v);
    put(o, b, 4);
}

static int has_time(uint8_t kind)
{
    return kind == REPLAY_SERIAL || kind == REPLAY_KEY || kind == REPLAY_MOUSE ||
           kind == REPLAY_POWER || kind == REPLAY_QUIT || kind == REPLAY_DEBUG_REG ||
           kind == REPLAY_DEBUG_MEM || kind == REPLAY_NETFRAME;
}

/* The body's checksum covers the header texts too (its seed), so a
 * damaged identity or command line is caught like a damaged event. */
static uint64_t header_seed(const struct replay_log *l)
{
    return hash64(l->identity, strlen(l->identity), 1) ^ hash64(l->meta, strlen(l->meta), 2);
}

static void encode_body(const struct replay_log *l, struct bytes *o)
{
    uint64_t icount = 0, time = 0, host = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct replay_event *e = &l->ev[i];
        put_u8(o, e->kind);
        put_varint(o, e->icount - icount);
        icount = e->icount;
        if (has_time(e->kind)) {
            put_varint(o, e->time_ns - time);
            time = e->time_ns;
        }
        switch (e->kind) {
        case REPLAY_SERIAL:
            put_u8(o, (uint8_t)e->a);
            put_u8(o, (uint8_t)e->b);
            break;
        case REPLAY_KEY:
            put_varint(o, (uint32_t)e->a);
            put_u8(o, (uint8_t)e->b);
            break;
        case REPLAY_MOUSE:
            put_svarint(o, e->a);
            put_svarint(o, e->b);
            put_svarint(o, e->c);
            put_varint(o, e->d);
            break;
        case REPLAY_CHECK:
            put_u64(o, e->hash);
            break;
        case REPLAY_END:
            put_u64(o, e->hash);
            put_varint(o, (uint32_t)e->a);
            break;
        case REPLAY_HOSTTIME:
            put_svarint(o, (int64_t)(e->hash - host));
            host = e->hash;
            break;
        case REPLAY_DEBUG_REG:
            put_varint(o, (uint32_t)e->a);
            put_varint(o, e->d);
            break;
        case REPLAY_DEBUG_MEM:
            put_varint(o, e->d);
            put_u8(o, (uint8_t)e->b);
            break;
        case REPLAY_NETFRAME:
            put_varint(o, (uint32_t)e->a);
            put(o, replay_log_frame(l, e), (size_t)e->a);
            break;
        }
    }
    put_u64(o, hash64(o->b, o->len, header_seed(l)));
}

int replay_log_write(const struct replay_log *l, const char *path, int compress, char *err,
                     size_t errsz)
{
    struct bytes body = { 0 }, file = { 0 };
    encode_body(l, &body);
    size_t il = strlen(l->identity), ml = strlen(l->meta);
    put(&file, magic, 16);
    put_u32(&file, REPLAY_LOG_VERSION);
    put_u32(&file, compress ? FLAG_ZLIB : 0);
    put_u32(&file, (uint32_t)il);
    put(&file, l->identity, il);
    put_u32(&file, (uint32_t)ml);
    put(&file, l->meta, ml);
    put_u64(&file, body.len);
    int rc = -1;
    if (body.failed || file.failed) {
        snprintf(err, errsz, "%s: out of memory", path);
        goto out;
    }
    if (compress) {
        uLongf stored = compressBound((uLong)body.len);
        uint8_t *z = malloc(stored);
        if (!z || compress2(z, &stored, body.b, (uLong)body.len, 6) != Z_OK) {
            free(z);
            snprintf(err, errsz, "%s: zlib failed compressing the log", path);
            goto out;
        }
        put_u64(&file, stored);
        put(&file, z, stored);
        free(z);
    } else {
        put_u64(&file, body.len);
        put(&file, body.b, body.len);
    }
    if (file.failed) {
        snprintf(err, errsz, "%s: out of memory", path);
        goto out;
    }
    rc = state_file_write_atomic(path, file.b, file.len, err, errsz);
out:
    free(body.b);
    free(file.b);
    return rc;
}

/* ---- Decoding: every read is bounds-checked; the first problem fails
 * the reader and is reported once. */

struct reader {
    const uint8_t *p, *end;
    int failed;
};

static uint8_t get_u8(struct reader *r)
{
    if (r->failed || r->p >= r->end) {
        r->failed = 1;
        return 0;
    }
    return *r->p++;
}

static uint64_t get_varint(struct reader *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b = get_u8(r);
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->failed = 1;   /* more than ten bytes: not a varint this writer makes */
    return 0;
}

static int64_t get_svarint(struct reader *r)
{
    uint64_t v = get_varint(r);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint64_t get_u64(struct reader *r)
{
    if (r->failed || r->end - r->p < 8) {
        r->failed = 1;
        return 0;
    }
    uint64_t v = le64_load(r->p);
    r->p += 8;
    return v;
}

static uint32_t get_u32(struct reader *r)
{
    if (r->failed || r->end - r->p < 4) {
        r->failed = 1;
        return 0;
    }
    uint32_t v = le32_load(r->p);
    r->p += 4;
    return v;
}

static char *get_text(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (r->failed || (size_t)(r->end - r->p) < n) {
        r->failed = 1;
        return NULL;
    }
    if (memchr(r->p, 0, n)) {
        r->failed = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->failed = 1;
        return NULL;
    }
    memcpy(s, r->p, n);
    s[n] = 0;
    r->p += n;
    return s;
}

/* Returns NULL, or what is wrong with the body. */
static const char *decode_body(struct replay_log *l, const uint8_t *b, size_t len)
{
    if (len < 8)
        return "truncated log (no body)";
    if (hash64(b, len - 8, header_seed(l)) != le64_load(b + len - 8))
        return "damaged log (body checksum mismatch)";
    struct reader r = { b, b + len - 8, 0 };
    uint64_t icount = 0, time = 0, host = 0;
    int ended = 0;
    while (!r.failed && r.p < r.end) {
        if (ended)
            return "damaged log (events after the end)";
        struct replay_event e = { 0 };
        e.kind = get_u8(&r);
        uint64_t d = get_varint(&r);
        if (d > UINT64_MAX - icount)
            return "damaged log (instruction count overflows)";
        icount += d;
        e.icount = icount;
        if (has_time(e.kind)) {
            time += get_varint(&r);
            e.time_ns = time;
        }
        switch (e.kind) {
        case REPLAY_SERIAL:
            e.a = get_u8(&r);
            e.b = get_u8(&r);
            if (e.a > 1)
                return "damaged log (serial port out of range)";
            break;
        case REPLAY_KEY: {
            uint64_t code = get_varint(&r);
            e.b = get_u8(&r);
            if (code > 0xFFFF || e.b > 1)
                return "damaged log (key event out of range)";
            e.a = (int32_t)code;
            break;
        }
        case REPLAY_MOUSE: {
            int64_t v[3];
            for (int i = 0; i < 3; i++)
                v[i] = get_svarint(&r);
            uint64_t buttons = get_varint(&r);
            for (int i = 0; i < 3; i++)
                if (v[i] < -65536 || v[i] > 65536)
                    return "damaged log (mouse event out of range)";
            if (buttons > 7)
                return "damaged log (mouse buttons out of range)";
            e.a = (int32_t)v[0];
            e.b = (int32_t)v[1];
            e.c = (int32_t)v[2];
            e.d = (uint32_t)buttons;
            break;
        }
        case REPLAY_POWER:
        case REPLAY_QUIT:
            break;
        case REPLAY_CHECK:
            e.hash = get_u64(&r);
            break;
        case REPLAY_HOSTTIME:
            host += (uint64_t)get_svarint(&r);
            e.hash = host;
            break;
        case REPLAY_DEBUG_REG: {
            uint64_t reg = get_varint(&r), v = get_varint(&r);
            if (reg >= REPLAY_DEBUG_REGS || v > UINT32_MAX)
                return "damaged log (gdb register write out of range)";
            e.a = (int32_t)reg;
            e.d = (uint32_t)v;
            break;
        }
        case REPLAY_DEBUG_MEM: {
            uint64_t pa = get_varint(&r);
            e.b = get_u8(&r);
            if (pa > UINT32_MAX)
                return "damaged log (gdb memory write out of range)";
            e.d = (uint32_t)pa;
            break;
        }
        case REPLAY_NETFRAME: {
            uint64_t n = get_varint(&r);
            if (n < 14 || n > REPLAY_FRAME_MAX)
                return "damaged log (network frame length out of range)";
            if (r.failed || (size_t)(r.end - r.p) < n)
                break;
            if (l->n >= EVENTS_MAX || replay_log_add_frame(l, e, r.p, (size_t)n) != 0)
                return "out of memory";
            r.p += n;
            continue;
        }
        case REPLAY_END: {
            e.hash = get_u64(&r);
            uint64_t why = get_varint(&r);
            if (why > 64)
                return "damaged log (end reason out of range)";
            e.a = (int32_t)why;
            ended = 1;
            break;
        }
        default:
            return "damaged log (unknown event kind)";
        }
        if (r.failed)
            break;
        if (l->n >= EVENTS_MAX || replay_log_add(l, &e) != 0)
            return "out of memory";
    }
    if (r.failed)
        return "damaged log (an event runs past the end)";
    if (!ended)
        return "truncated log (no end event)";
    return NULL;
}

int replay_log_read(struct replay_log *l, const char *path, char *err, size_t errsz)
{
    memset(l, 0, sizeof *l);
    uint8_t *buf;
    size_t len;
    if (image_file_read(path, (size_t)LOG_MAX, &buf, &len, err, errsz) != 0)
        return -1;
    const char *why = NULL;
    uint8_t *body = NULL;
    struct reader r = { buf, buf + len, 0 };
    if (len < 16 || memcmp(buf, magic, 16) != 0) {
        why = "not a shadow86 replay log";
        goto fail;
    }
    r.p += 16;
    uint32_t version = get_u32(&r), flags = get_u32(&r);
    if (r.failed) {
        why = "truncated log (header)";
        goto fail;
    }
    if (version != REPLAY_LOG_VERSION) {
        image_error(err, errsz, path, "replay log format version %u, this build reads %u",
                    version, REPLAY_LOG_VERSION);
        free(buf);
        return -1;
    }
    if (flags & ~FLAG_ZLIB) {
        why = "unknown flags in the log header";
        goto fail;
    }
    l->identity = get_text(&r);
    l->meta = get_text(&r);
    uint64_t raw = get_u64(&r), stored = get_u64(&r);
    if (r.failed) {
        why = "truncated or damaged log (header)";
        goto fail;
    }
    if ((uint64_t)(r.end - r.p) != stored) {
        why = (uint64_t)(r.end - r.p) < stored ? "truncated log (body)"
                                               : "damaged log (junk after the body)";
        goto fail;
    }
    if (raw > LOG_MAX || (!(flags & FLAG_ZLIB) && raw != stored)) {
        why = "damaged log (body length)";
        goto fail;
    }
    const uint8_t *bp = r.p;
    if (flags & FLAG_ZLIB) {
        body = malloc(raw ? (size_t)raw : 1);
        uLongf got = (uLongf)raw;
        if (!body) {
            why = "out of memory";
            goto fail;
        }
        if (uncompress(body, &got, r.p, (uLong)stored) != Z_OK || got != raw) {
            why = "damaged log (the body does not decompress)";
            goto fail;
        }
        bp = body;
    }
    why = decode_body(l, bp, (size_t)raw);
    if (why)
        goto fail;
    free(body);
    free(buf);
    return 0;
fail:
    image_error(err, errsz, path, "%s", why);
    free(body);
    free(buf);
    replay_log_free(l);
    return -1;
}
