/* base/clock: virtual time from the instruction count, budgets up to
 * the next deadline, kicks for earlier deadlines, firing order, HLT idle
 * skipping, save/restore. */
#include <check.h>
#include <stdlib.h>

#include "base/clock.h"
#include "check_run.h"

static uint64_t insns;
static int kicks;
static char order[16];
static int norder;

static uint64_t count(void *opaque)
{
    (void)opaque;
    return insns;
}

static void kick(void *opaque)
{
    (void)opaque;
    kicks++;
}

static void fire(void *opaque)
{
    if (norder < 15)
        order[norder++] = *(const char *)opaque;
}

static struct clock c;
static int ta, tb;

static void setup(void)
{
    insns = 1000;   /* the count need not start at 0 */
    kicks = 0;
    norder = 0;
    clock_init(&c, CLOCK_VIRTUAL, count, NULL);
    clock_set_kick(&c, kick, NULL);
    ta = clock_timer_add(&c, "a", fire, "a");
    tb = clock_timer_add(&c, "b", fire, "b");
}

START_TEST(virtual_time_and_budget)
{
    setup();
    ck_assert_uint_eq(clock_now(&c), 0);
    ck_assert_int_eq(c.epoch, CLOCK_DEFAULT_EPOCH);  /* deterministic wall clock */
    insns += 7;
    ck_assert_uint_eq(clock_now(&c), 7 * CLOCK_NS_PER_INSN);
    ck_assert_uint_eq(clock_budget(&c, 1u << 20), 1u << 20);   /* nothing armed */
    clock_run_due(&c);
    clock_schedule(&c, ta, 1000);
    ck_assert_uint_eq(clock_budget(&c, 1u << 20), (1000 - 70 + 9) / 10);
    clock_schedule(&c, tb, 200);    /* earlier than the slice end: kick */
    ck_assert_int_eq(kicks, 1);
    clock_schedule(&c, tb, 5000);   /* later: no kick */
    ck_assert_int_eq(kicks, 1);
    ck_assert_uint_eq(clock_budget(&c, 10), 10);
}
END_TEST

START_TEST(fires_in_deadline_order)
{
    setup();
    clock_schedule(&c, tb, 100);
    clock_schedule(&c, ta, 100);    /* tie: registration order */
    insns += 5;
    clock_run_due(&c);
    ck_assert_int_eq(norder, 0);
    insns += 5;
    clock_run_due(&c);
    ck_assert_int_eq(norder, 2);
    ck_assert_int_eq(order[0], 'a');
    ck_assert_int_eq(order[1], 'b');
    ck_assert_uint_eq(clock_next_deadline(&c), CLOCK_NEVER);
}
END_TEST

START_TEST(idle_skips_to_the_next_deadline)
{
    setup();
    ck_assert_int_eq(clock_idle(&c, 0), -1);   /* nothing armed */
    clock_schedule(&c, ta, 5000000000ull);     /* 5 s */
    ck_assert_int_eq(clock_idle(&c, 0), 0);
    ck_assert_uint_eq(clock_now(&c), 5000000000ull);
    ck_assert_uint_eq(c.halt_skipped_ns, 5000000000ull);
    clock_run_due(&c);
    ck_assert_int_eq(norder, 1);
    insns += 3;   /* instructions count on from the skipped-to time */
    ck_assert_uint_eq(clock_now(&c), 5000000030ull);
}
END_TEST

START_TEST(save_and_restore)
{
    setup();
    insns += 123;
    clock_schedule(&c, tb, 99999);
    struct state_writer w;
    state_writer_init(&w);
    clock_save(&c, &w);
    struct clock d;
    clock_init(&d, CLOCK_VIRTUAL, count, NULL);
    clock_timer_add(&d, "a", fire, "a");
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(clock_load(&d, &r), -1);  /* wired differently: one timer */
    clock_timer_add(&d, "b", fire, "b");
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(clock_load(&d, &r), 0);
    ck_assert_uint_eq(clock_now(&d), clock_now(&c));
    ck_assert_uint_eq(clock_next_deadline(&d), 99999);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("clock");
    tcase_add_test(tc, virtual_time_and_budget);
    tcase_add_test(tc, fires_in_deadline_order);
    tcase_add_test(tc, idle_skips_to_the_next_deadline);
    tcase_add_test(tc, save_and_restore);
    suite_add_tcase(s, tc);
    return check_run(s);
}
