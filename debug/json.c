#include <math.h>
#include <string.h>

#include "debug/json.h"

void json_init(struct json_writer *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static int utf8_length(const unsigned char *s)
{
    unsigned c = s[0];
    int n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; c &= 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; c &= 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}

void json_write_escaped(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    while (*s) {
        unsigned c = *s;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc((int)c, out);
            s++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            case '\b': fputs("\\b", out); break;
            case '\f': fputs("\\f", out); break;
            default: fprintf(out, "\\u%04x", c); break;
            }
            s++;
        } else if (c < 0x80) {
            fputc((int)c, out);
            s++;
        } else {
            int n = utf8_length(s);
            if (n) {
                fwrite(s, 1, (size_t)n, out);
                s += n;
            } else {
                fputs("\\ufffd", out);
                s++;
            }
        }
    }
    fputc('"', out);
}

static void indent(struct json_writer *w)
{
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
}

/* Comma, newline and key before a value. Keys are required inside
 * objects and forbidden in arrays; the container kind is implied by the
 * caller's use, so misuse shows as invalid output — json_finish() cannot
 * see it, the tests parse the output back. */
static void before_value(struct json_writer *w, const char *key)
{
    if (w->depth > 0) {
        if (w->count[w->depth]++)
            fputc(',', w->out);
        indent(w);
    } else if (w->count[0]++) {
        w->error = 1;   /* a second top-level value */
    }
    if (key) {
        json_write_escaped(w->out, key);
        fputs(": ", w->out);
    }
}

static void begin(struct json_writer *w, const char *key, char open)
{
    before_value(w, key);
    fputc(open, w->out);
    if (w->depth + 1 >= JSON_MAX_DEPTH) {
        w->error = 1;
        return;
    }
    w->depth++;
    w->count[w->depth] = 0;
}

static void end(struct json_writer *w, char close)
{
    if (w->depth == 0) {
        w->error = 1;
        return;
    }
    int had = w->count[w->depth];
    w->depth--;
    if (had)
        indent(w);
    fputc(close, w->out);
}

void json_begin_object(struct json_writer *w, const char *key) { begin(w, key, '{'); }
void json_end_object(struct json_writer *w) { end(w, '}'); }
void json_begin_array(struct json_writer *w, const char *key) { begin(w, key, '['); }
void json_end_array(struct json_writer *w) { end(w, ']'); }

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
    before_value(w, key);
    fprintf(w->out, "%llu", (unsigned long long)v);
}

void json_i64(struct json_writer *w, const char *key, int64_t v)
{
    before_value(w, key);
    fprintf(w->out, "%lld", (long long)v);
}

void json_double(struct json_writer *w, const char *key, double v)
{
    before_value(w, key);
    if (isfinite(v))
        fprintf(w->out, "%.6g", v);
    else
        fputs("null", w->out);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
    before_value(w, key);
    json_write_escaped(w->out, s ? s : "");
}

void json_bool(struct json_writer *w, const char *key, int v)
{
    before_value(w, key);
    fputs(v ? "true" : "false", w->out);
}

int json_finish(struct json_writer *w)
{
    fputc('\n', w->out);
    fflush(w->out);
    return (w->error || w->depth != 0) ? -1 : 0;
}
