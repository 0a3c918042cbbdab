/* Terminal bytes to PS/2 set-2 keys (frontends/cli/keymap.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/cli/keymap.h"
#include "check_run.h"

static int decode(const char *s, int more, struct keymap_key *k)
{
    return keymap_decode((const uint8_t *)s, strlen(s), more, k);
}

START_TEST(printable_and_shifted)
{
    struct keymap_key k;
    ck_assert_int_eq(decode("a", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x1C);
    ck_assert(!k.shift && !k.ctrl);
    ck_assert_int_eq(decode("A", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x1C);
    ck_assert(k.shift);
    ck_assert_int_eq(decode("!", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x16);
    ck_assert(k.shift);
    ck_assert_int_eq(decode("/", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x4A);
    ck_assert(!k.shift);
    ck_assert_int_eq(decode(" ", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x29);
    ck_assert_int_eq(decode("~", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x0E);
    ck_assert(k.shift);
}
END_TEST

START_TEST(control_keys)
{
    struct keymap_key k;
    ck_assert_int_eq(decode("\r", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x5A);
    ck_assert_int_eq(decode("\x7f", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x66);
    ck_assert_int_eq(decode("\t", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x0D);
    ck_assert_int_eq(decode("\x03", 0, &k), 1);    /* Ctrl-C */
    ck_assert_uint_eq(k.code, 0x21);
    ck_assert(k.ctrl);
    ck_assert_int_eq(decode("\x1a", 0, &k), 1);    /* Ctrl-Z */
    ck_assert_uint_eq(k.code, 0x1A);
    ck_assert(k.ctrl);
}
END_TEST

START_TEST(escape_sequences)
{
    struct keymap_key k;
    ck_assert_int_eq(decode("\x1b[Ax", 1, &k), 3);
    ck_assert_uint_eq(k.code, KEYMAP_E0 | 0x75);
    ck_assert_int_eq(decode("\x1b[3~", 1, &k), 4);
    ck_assert_uint_eq(k.code, KEYMAP_E0 | 0x71);
    ck_assert_int_eq(decode("\x1bOP", 1, &k), 3);
    ck_assert_uint_eq(k.code, 0x05);
    ck_assert_int_eq(decode("\x1b[24~", 1, &k), 5);
    ck_assert_uint_eq(k.code, 0x07);
    /* Incomplete: wait while more may come, else a lone Esc. */
    ck_assert_int_eq(decode("\x1b[2", 1, &k), -1);
    ck_assert_int_eq(decode("\x1b", 1, &k), -1);
    ck_assert_int_eq(decode("\x1b", 0, &k), 1);
    ck_assert_uint_eq(k.code, 0x76);
    /* Esc then a letter: Esc, and the letter stays for the next call. */
    ck_assert_int_eq(decode("\x1bq", 1, &k), 1);
    ck_assert_uint_eq(k.code, 0x76);
    /* Bytes with no key are reported as such. */
    ck_assert_int_eq(decode("\x80", 0, &k), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, printable_and_shifted);
    tcase_add_test(tc, control_keys);
    tcase_add_test(tc, escape_sequences);
    suite_add_tcase(s, tc);
    return check_run(s);
}
