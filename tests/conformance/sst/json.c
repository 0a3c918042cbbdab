/* A small recursive-descent JSON reader; see json.h for the contract. */
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arena: a singly linked list of blocks; nodes and strings are bump
 * allocated and released all at once by json_free(). */
struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
};

struct parser {
    const char *p, *start, *end;
    struct arena_block *arena;
    char *err;
    size_t errlen;
    int failed;
};

static void *arena_alloc(struct parser *ps, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct arena_block *b = ps->arena;
    if (!b || b->size - b->used < n) {
        size_t size = n > 65536 ? n : 65536;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->next = ps->arena;
        b->used = 0;
        b->size = size;
        ps->arena = b;
    }
    void *r = (char *)b->data + b->used;
    b->used += n;
    return r;
}

static void arena_release(struct arena_block *b)
{
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
}

static void fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = 1;
    unsigned line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "line %u col %u: %s", line, col, msg);
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(struct parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4) {
        fail(ps, "truncated \\u escape");
        return -1;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(ps->p[i]);
        if (d < 0) {
            fail(ps, "bad hex digit in \\u escape");
            return -1;
        }
        v = v << 4 | (unsigned)d;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string starting at the opening quote. The decoded form is never
 * longer than the source, so the source span bounds the allocation. */
static char *parse_string(struct parser *ps)
{
    ps->p++; /* opening quote */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') {
        if (*q == '\\')
            q++;
        q++;
    }
    if (q >= ps->end) {
        fail(ps, "unterminated string");
        return NULL;
    }
    char *out = arena_alloc(ps, (size_t)(q - ps->p) + 1);
    if (!out) {
        fail(ps, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            ps->p--;
            fail(ps, "control character in string");
            return NULL;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        char e = *ps->p++;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (read_hex4(ps, &cp))
                return NULL;
            /* A lone surrogate is kept as its own code point; a pair is
             * combined. Either way the output fits in the 6 source bytes. */
            if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                const char *save = ps->p;
                unsigned lo;
                ps->p += 2;
                if (read_hex4(ps, &lo))
                    return NULL;
                if (lo >= 0xDC00 && lo < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else
                    ps->p = save;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            ps->p--;
            fail(ps, "bad escape '\\%c'", e);
            return NULL;
        }
    }
    ps->p++; /* closing quote */
    out[n] = '\0';
    return out;
}

static int parse_number(struct parser *ps, double *out)
{
    const char *q = ps->p;
    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || *q < '0' || *q > '9') {
        fail(ps, "bad number");
        return -1;
    }
    while (q < ps->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-'))
        q++;
    char buf[64];
    size_t len = (size_t)(q - ps->p);
    if (len >= sizeof(buf)) {
        fail(ps, "number too long");
        return -1;
    }
    memcpy(buf, ps->p, len);
    buf[len] = '\0';
    char *endp;
    *out = strtod(buf, &endp);
    if (endp != buf + len) {
        fail(ps, "bad number");
        return -1;
    }
    ps->p = q;
    return 0;
}

static int match_word(struct parser *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, w, n) == 0) {
        ps->p += n;
        return 1;
    }
    return 0;
}

static struct json_node *parse_value(struct parser *ps, int depth);

/* Parses the members of an array or object after its opening bracket. */
static int parse_members(struct parser *ps, struct json_node *n, int depth, char close)
{
    struct json_node **tail = &n->child;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        skip_space(ps);
        const char *key = NULL;
        if (close == '}') {
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected member name");
                return -1;
            }
            key = parse_string(ps);
            if (!key)
                return -1;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, "expected ':'");
                return -1;
            }
            ps->p++;
        }
        struct json_node *v = parse_value(ps, depth + 1);
        if (!v)
            return -1;
        v->key = key;
        *tail = v;
        tail = &v->next;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        fail(ps, "expected ',' or '%c'", close);
        return -1;
    }
}

static struct json_node *parse_value(struct parser *ps, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
        return NULL;
    }
    skip_space(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of input");
        return NULL;
    }
    struct json_node *n = arena_alloc(ps, sizeof(*n));
    if (!n) {
        fail(ps, "out of memory");
        return NULL;
    }
    memset(n, 0, sizeof(*n));
    char c = *ps->p;
    if (c == '{' || c == '[') {
        ps->p++;
        n->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
        if (parse_members(ps, n, depth, c == '{' ? '}' : ']'))
            return NULL;
    } else if (c == '"') {
        n->type = JSON_STRING;
        n->string = parse_string(ps);
        if (!n->string)
            return NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        n->type = JSON_NUMBER;
        if (parse_number(ps, &n->number))
            return NULL;
    } else if (match_word(ps, "true")) {
        n->type = JSON_TRUE;
    } else if (match_word(ps, "false")) {
        n->type = JSON_FALSE;
    } else if (match_word(ps, "null")) {
        n->type = JSON_NULL;
    } else {
        fail(ps, "unexpected character '%c'", c);
        return NULL;
    }
    return n;
}

int json_parse(struct json_doc *doc, const char *text, size_t len, char *err, size_t errlen)
{
    struct parser ps = { .p = text, .start = text, .end = text + len, .err = err, .errlen = errlen };
    doc->root = NULL;
    doc->arena = NULL;
    struct json_node *root = parse_value(&ps, 0);
    if (root) {
        skip_space(&ps);
        if (ps.p != ps.end) {
            fail(&ps, "trailing data after the document");
            root = NULL;
        }
    }
    if (!root) {
        arena_release(ps.arena);
        return -1;
    }
    doc->root = root;
    doc->arena = ps.arena;
    return 0;
}

void json_free(struct json_doc *doc)
{
    arena_release(doc->arena);
    doc->arena = NULL;
    doc->root = NULL;
}

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (const struct json_node *m = obj->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

const char *json_string(const struct json_node *n)
{
    return n && n->type == JSON_STRING ? n->string : NULL;
}

int json_number(const struct json_node *n, double *out)
{
    if (!n || n->type != JSON_NUMBER)
        return 0;
    *out = n->number;
    return 1;
}
