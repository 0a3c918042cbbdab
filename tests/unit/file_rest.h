/* Unit-test helper: what a stream holds from offset `from` to its end (a
 * machine's captured serial or debug-port output since a mark), as a
 * NUL-terminated string the caller frees. */
#ifndef SHADOW86_TESTS_FILE_REST_H
#define SHADOW86_TESTS_FILE_REST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline char *rest_of(FILE *f, long from)
{
    fflush(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    char *buf = calloc(1, (size_t)(n - from) + 1);
    fseek(f, from, SEEK_SET);
    ck_assert_uint_eq(fread(buf, 1, (size_t)(n - from), f), (size_t)(n - from));
    return buf;
}

#endif
