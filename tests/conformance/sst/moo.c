/* MOO file reader; see moo.h. */
#include "moo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *const moo_reg_names[MOO_REG_COUNT] = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"
};

/* A decompressed MOO file is a few MiB; anything past this is not one. */
#define MOO_MAX_SIZE (1u << 30)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* One chunk inside [base, base+len): type, payload span. */
struct chunk {
    char type[5];
    const uint8_t *data;
    uint32_t len;
};

/* Reads the chunk at *pos. Returns 1, 0 at the end, -1 when the header or
 * the payload runs past the end. */
static int chunk_next(const uint8_t *base, size_t len, size_t *pos, struct chunk *c)
{
    if (*pos == len)
        return 0;
    if (len - *pos < 8)
        return -1;
    const uint8_t *h = base + *pos;
    memcpy(c->type, h, 4);
    c->type[4] = '\0';
    c->len = le32(h + 4);
    if (c->len > len - *pos - 8)
        return -1;
    c->data = h + 8;
    *pos += 8 + (size_t)c->len;
    return 1;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Printable form of a chunk type for messages. */
static const char *type_str(const char *t, char buf[5])
{
    for (int i = 0; i < 4; i++)
        buf[i] = t[i] >= 0x20 && t[i] < 0x7F ? t[i] : '?';
    buf[4] = '\0';
    return buf;
}

int moo_open(struct moo_file *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    f->path = path;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        set_err(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot open");
        return -1;
    }
    size_t cap = 1u << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            set_err(err, errlen, "%s: out of memory", path);
            gzclose(gz);
            return -1;
        }
        if (n == cap) {
            if (cap >= MOO_MAX_SIZE) {
                set_err(err, errlen, "%s: larger than %u MiB decompressed", path, MOO_MAX_SIZE >> 20);
                free(buf);
                gzclose(gz);
                return -1;
            }
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        size_t want = cap - n > (1u << 30) ? (1u << 30) : cap - n;
        int got = gzread(gz, buf + n, (unsigned)want);
        if (got < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            set_err(err, errlen, "%s: %s", path, zerr == Z_ERRNO ? strerror(errno) : msg);
            free(buf);
            gzclose(gz);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    /* A gzip stream cut short reads as a clean EOF; zlib reports it here. */
    int zerr;
    const char *msg = gzerror(gz, &zerr);
    if (zerr != Z_OK) {
        set_err(err, errlen, "%s: %s", path, zerr == Z_BUF_ERROR ? "truncated gzip stream" : msg);
        free(buf);
        gzclose(gz);
        return -1;
    }
    gzclose(gz);
    f->data = buf;
    f->len = n;

    struct chunk c;
    size_t pos = 0;
    int r = chunk_next(f->data, f->len, &pos, &c);
    if (n == 0) {
        set_err(err, errlen, "%s: empty file", path);
        moo_close(f);
        return -1;
    }
    if (r <= 0 || memcmp(c.type, "MOO ", 4) != 0 || c.len < 12) {
        set_err(err, errlen, "%s: not a MOO file (no valid \"MOO \" header chunk)", path);
        moo_close(f);
        return -1;
    }
    f->major = c.data[0];
    f->minor = c.data[1];
    f->header_test_count = le32(c.data + 4);
    memcpy(f->cpu_id, c.data + 8, 4);
    for (int i = 0; i < 4; i++)
        if (f->cpu_id[i] < 0x20 || f->cpu_id[i] >= 0x7F)
            f->cpu_id[i] = '?';
    f->pos = pos;
    return 0;
}

void moo_close(struct moo_file *f)
{
    free(f->data);
    f->data = NULL;
    f->len = 0;
}

/* Parses a REGS or RMSK payload: mask u16, then one u16 per set bit. */
static int parse_regs(const struct chunk *c, struct moo_regs *r)
{
    memset(r, 0, sizeof(*r));
    if (c->len < 2)
        return -1;
    uint16_t mask = le16(c->data);
    if (mask & ~MOO_ALL_REGS)
        return -1;
    size_t need = 2;
    for (int i = 0; i < MOO_REG_COUNT; i++)
        if (mask >> i & 1)
            need += 2;
    if (c->len < need)
        return -1;
    const uint8_t *p = c->data + 2;
    for (int i = 0; i < MOO_REG_COUNT; i++) {
        if (mask >> i & 1) {
            r->v[i] = le16(p);
            p += 2;
        }
    }
    r->mask = mask;
    return 0;
}

/* Parses an INIT or FINA payload. Returns NULL or the problem. */
static const char *parse_state(const struct chunk *st, struct moo_state *s)
{
    size_t pos = 0;
    struct chunk c;
    int r, have_regs = 0;
    memset(s, 0, sizeof(*s));
    while ((r = chunk_next(st->data, st->len, &pos, &c)) > 0) {
        if (!memcmp(c.type, "REGS", 4)) {
            if (parse_regs(&c, &s->regs))
                return "bad REGS chunk";
            have_regs = 1;
        } else if (!memcmp(c.type, "RMSK", 4)) {
            if (parse_regs(&c, &s->rmsk))
                return "bad RMSK chunk";
        } else if (!memcmp(c.type, "RAM ", 4)) {
            if (c.len < 4)
                return "bad RAM chunk";
            uint32_t count = le32(c.data);
            if ((c.len - 4) / 5 < count)
                return "RAM chunk shorter than its entry count";
            s->ram.count = count;
            s->ram.entries = c.data + 4;
        }
    }
    if (r < 0)
        return "chunk runs past its parent";
    if (!have_regs)
        return "no REGS chunk";
    return NULL;
}

/* Copies a length-prefixed blob (NAME, BYTS): len u32, then bytes. */
static int parse_blob(const struct chunk *c, uint8_t *out, size_t cap, uint32_t *outlen)
{
    if (c->len < 4 || le32(c->data) > c->len - 4)
        return -1;
    uint32_t n = le32(c->data);
    if (n > cap)
        return -1;
    memcpy(out, c->data + 4, n);
    *outlen = n;
    return 0;
}

static int parse_test(struct moo_file *f, const struct chunk *tc, struct moo_test *t, char *err, size_t errlen)
{
    const char *why = NULL;
    if (tc->len < 4) {
        set_err(err, errlen, "%s: test #%u: TEST chunk too short", f->path, t->ordinal);
        return -1;
    }
    t->index = le32(tc->data);
    size_t pos = 4;
    struct chunk c;
    int r, have_init = 0, have_fina = 0;
    while ((r = chunk_next(tc->data, tc->len, &pos, &c)) > 0) {
        if (!memcmp(c.type, "NAME", 4)) {
            uint32_t n;
            if (c.len < 4 || le32(c.data) > c.len - 4) {
                why = "bad NAME chunk";
                break;
            }
            n = le32(c.data);
            if (n > MOO_NAME_MAX - 1)
                n = MOO_NAME_MAX - 1;
            for (uint32_t i = 0; i < n; i++) {
                char ch = (char)c.data[4 + i];
                t->name[i] = ch >= 0x20 && ch < 0x7F ? ch : '?';
            }
            t->name[n] = '\0';
        } else if (!memcmp(c.type, "BYTS", 4)) {
            if (parse_blob(&c, t->bytes, sizeof(t->bytes), &t->nbytes)) {
                why = "bad BYTS chunk";
                break;
            }
        } else if (!memcmp(c.type, "INIT", 4) || !memcmp(c.type, "FINA", 4)) {
            int init = c.type[0] == 'I';
            why = parse_state(&c, init ? &t->init : &t->fina);
            if (why)
                break;
            if (init)
                have_init = 1;
            else
                have_fina = 1;
        } else if (!memcmp(c.type, "EXCP", 4)) {
            if (c.len < 5) {
                why = "bad EXCP chunk";
                break;
            }
            t->has_excp = 1;
            t->excp_vector = c.data[0];
            t->excp_flags_addr = le32(c.data + 1);
        } else if (!memcmp(c.type, "HASH", 4)) {
            if (c.len < 20) {
                why = "bad HASH chunk";
                break;
            }
            t->has_hash = 1;
            memcpy(t->hash, c.data, 20);
        }
        /* GMET, CYCL, QUEU and unknown chunks are skipped. */
    }
    if (!why && r < 0)
        why = "sub-chunk runs past the end of its TEST chunk";
    if (!why && !have_init)
        why = "no INIT chunk";
    if (!why && !have_fina)
        why = "no FINA chunk";
    if (!why && t->init.regs.mask != MOO_ALL_REGS)
        why = "INIT REGS does not list every register";
    if (why) {
        set_err(err, errlen, "%s: test #%u (index %u): %s", f->path, t->ordinal, t->index, why);
        return -1;
    }
    return 0;
}

int moo_test_at(struct moo_file *f, size_t offset, uint32_t ordinal, struct moo_test *t, char *err, size_t errlen)
{
    struct chunk c;
    size_t pos = offset;
    memset(t, 0, sizeof(*t));
    t->offset = offset;
    t->ordinal = ordinal;
    if (offset > f->len || chunk_next(f->data, f->len, &pos, &c) <= 0 || memcmp(c.type, "TEST", 4) != 0) {
        set_err(err, errlen, "%s: no TEST chunk at offset %zu", f->path, offset);
        return -1;
    }
    return parse_test(f, &c, t, err, errlen);
}

int moo_next(struct moo_file *f, struct moo_test *t, char *err, size_t errlen)
{
    struct chunk c;
    char tb[5];
    for (;;) {
        size_t at = f->pos;
        int r = chunk_next(f->data, f->len, &f->pos, &c);
        if (r == 0)
            return 0;
        if (r < 0) {
            set_err(err, errlen, "%s: truncated chunk at offset %zu (after %u tests)", f->path, at, f->ordinal);
            return -1;
        }
        if (!memcmp(c.type, "TEST", 4)) {
            memset(t, 0, sizeof(*t));
            t->offset = at;
            t->ordinal = f->ordinal++;
            return parse_test(f, &c, t, err, errlen) ? -1 : 1;
        }
        if (!memcmp(c.type, "META", 4)) {
            if (c.len < 31) {
                set_err(err, errlen, "%s: META chunk too short", f->path);
                return -1;
            }
            f->has_meta = 1;
            f->meta_opcode = le32(c.data + 3);
            memcpy(f->meta_mnemonic, c.data + 7, 8);
            f->meta_mnemonic[8] = '\0';
            for (int i = 7; i >= 0 && f->meta_mnemonic[i] == ' '; i--)
                f->meta_mnemonic[i] = '\0';
            f->meta_cpu_mode = c.data[27];
        } else if (!memcmp(c.type, "RMSK", 4)) {
            if (parse_regs(&c, &f->rmsk)) {
                set_err(err, errlen, "%s: bad file-level RMSK chunk", f->path);
                return -1;
            }
        } else if (!memcmp(c.type, "MOO ", 4)) {
            set_err(err, errlen, "%s: second \"%s\" header at offset %zu", f->path, type_str(c.type, tb), at);
            return -1;
        }
    }
}
