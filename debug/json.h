/* A small streaming JSON writer (RFC 8259) for --stats-format=json and
 * tools. Strings are escaped in full: quote, backslash, control characters
 * as \uXXXX, and bytes that are not valid UTF-8 replaced by U+FFFD, so the
 * output always parses whatever a guest or a symbol file put in a name.
 *
 * Usage: values are written inside containers; in an object every value
 * takes a key, in an array none (key = NULL). The writer tracks commas and
 * indentation; json_finish() reports misuse (unbalanced containers).
 */
#ifndef SHADOW86_DEBUG_JSON_H
#define SHADOW86_DEBUG_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
    FILE *out;
    int depth;
    int count[JSON_MAX_DEPTH];   /* values written so far at each depth */
    int error;                   /* set on misuse (too deep, unbalanced) */
};

void json_init(struct json_writer *w, FILE *out);
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);
void json_u64(struct json_writer *w, const char *key, uint64_t v);
void json_i64(struct json_writer *w, const char *key, int64_t v);
/* Non-finite numbers have no JSON form: they are written as null. */
void json_double(struct json_writer *w, const char *key, double v);
void json_string(struct json_writer *w, const char *key, const char *s);
void json_bool(struct json_writer *w, const char *key, int v);
/* Ends the document with a newline; returns 0, or -1 if it was misused. */
int json_finish(struct json_writer *w);

/* Write `s` as a JSON string literal (with quotes). */
void json_write_escaped(FILE *out, const char *s);

#endif
