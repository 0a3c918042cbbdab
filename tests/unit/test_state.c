/* base/state: records with versions, and parts described field by field
 * (one description saves and loads; ranges refused; older records load). */
#include <check.h>
#include <stdlib.h>

#include "base/state.h"
#include "check_run.h"

struct part {
    uint8_t mode;
    uint16_t arr[3];
    struct { uint32_t a; uint64_t b; } ch[2];
    int32_t added;       /* arrived in version 2 */
};

static const struct state_field v1_fields[] = {
    STATE_FIELD(struct part, mode, 5),
    STATE_ARRAY(struct part, arr, 0xFFFF),
    STATE_EACH(struct part, ch, a, 1000),
    STATE_EACH(struct part, ch, b, STATE_ANY),
};
static const struct state_field v2_fields[] = {
    STATE_FIELD(struct part, mode, 5),
    STATE_ARRAY(struct part, arr, 0xFFFF),
    STATE_EACH(struct part, ch, a, 1000),
    STATE_EACH(struct part, ch, b, STATE_ANY),
    STATE_FIELD_SINCE(2, struct part, added, STATE_ANY),
};
static const struct state_layout v1 = STATE_LAYOUT("PRT0", 1, v1_fields);
static const struct state_layout v2 = STATE_LAYOUT("PRT0", 2, v2_fields);

static const struct part sample = { 3, { 1, 0xBEEF, 7 }, { { 999, 1ull << 40 }, { 5, 6 } }, -2 };

START_TEST(round_trip_field_by_field)
{
    struct state_writer w;
    state_writer_init(&w);
    state_save_layout(&w, &v2, NULL, &sample);
    ck_assert(!state_writer_failed(&w));
    /* header 10 + 1 + 3*2 + 2*4 + 2*8 + 4 */
    ck_assert_uint_eq(w.len, 10 + 1 + 6 + 8 + 16 + 4);
    struct part p = { 0 };
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(state_load_layout(&r, &v2, NULL, &p), 0);
    ck_assert_mem_eq(&p, &sample, sizeof p);
    state_writer_free(&w);
}
END_TEST

START_TEST(older_record_keeps_new_fields)
{
    struct state_writer w;
    state_writer_init(&w);
    state_save_layout(&w, &v1, NULL, &sample);
    struct part p = { 0 };
    p.added = 42;   /* its reset value */
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(state_load_layout(&r, &v2, NULL, &p), 0);
    ck_assert_int_eq(r.version, 1);
    ck_assert_int_eq(p.added, 42);
    ck_assert_uint_eq(p.ch[1].b, 6);
    state_writer_free(&w);
}
END_TEST

START_TEST(newer_record_and_bad_values_refused)
{
    struct state_writer w;
    state_writer_init(&w);
    state_save_layout(&w, &v2, NULL, &sample);
    struct part p = { 0 };
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(state_load_layout(&r, &v1, NULL, &p), -1);   /* v2 unknown to a v1 build */
    state_writer_free(&w);

    struct part bad = sample;
    bad.ch[1].a = 1001;   /* above the field's range */
    state_writer_init(&w);
    state_save_layout(&w, &v2, NULL, &bad);
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(state_load_layout(&r, &v2, NULL, &p), -1);
    /* A truncated record. */
    state_reader_init(&r, w.buf, w.len - 1);
    ck_assert_int_eq(state_load_layout(&r, &v2, NULL, &p), -1);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("state");
    tcase_add_test(tc, round_trip_field_by_field);
    tcase_add_test(tc, older_record_keeps_new_fields);
    tcase_add_test(tc, newer_record_and_bad_values_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
