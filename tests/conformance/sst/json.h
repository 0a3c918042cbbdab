/* A small JSON reader (RFC 8259 subset sufficient for test metadata).
 *
 * The whole document is parsed into a tree of nodes allocated from one
 * arena owned by struct json_doc. Strings are decoded (escapes resolved;
 * \uXXXX becomes UTF-8) and NUL-terminated. Numbers are kept as doubles.
 * Nesting is limited (JSON_MAX_DEPTH) so hostile input cannot exhaust the
 * host stack. Errors carry the line and column of the offending byte.
 */
#ifndef SHADOW86_SST_JSON_H
#define SHADOW86_SST_JSON_H

#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_node {
    enum json_type type;
    double number;
    char *string;              /* JSON_STRING: value; object member: its key */
    const char *key;           /* member name when the parent is an object */
    struct json_node *child;   /* first element/member (array, object) */
    struct json_node *next;    /* next sibling */
};

struct json_doc {
    struct json_node *root;
    void *arena;               /* private: list of allocation blocks */
};

/* Parse `len` bytes of `text`. Returns 0, or -1 with a one-line message
 * ("line L col C: problem") in `err`. On failure nothing needs freeing. */
int json_parse(struct json_doc *doc, const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json_doc *doc);

/* Member `key` of an object, or NULL (also when `obj` is not an object). */
const struct json_node *json_get(const struct json_node *obj, const char *key);
/* String value or NULL when `n` is not a string. */
const char *json_string(const struct json_node *n);
/* Number value; returns 0 and leaves *out alone when `n` is not a number. */
int json_number(const struct json_node *n, double *out);

#endif
