/* The balloon policy of several guests (machine/balloon_policy.c) on
 * hand-made machine states: who inflates, by how much, when it waits, and
 * deflating below the low watermark. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "machine/balloon_policy.h"
#include "machine/machine.h"

#define N 3
static struct machine *vm[N];
static int running[N] = { 1, 1, 1 };
static struct balloon_policy p;

/* Guest i: `resident` host pages, `free_mib` free by its stats, a live
 * driver that has caught up. */
static void guest(unsigned i, uint64_t resident, uint64_t free_mib)
{
    struct machine *m = vm[i];
    m->mem.stats.private_pages = resident;
    m->balloon.present = 1;
    m->balloon.dev.ram_pages = 65536;
    m->balloon.dev.vp.status = VIRTIO_STATUS_DRIVER_OK;
    m->balloon.dev.stats_valid = 1;
    m->balloon.dev.stats_reports = 1;
    m->balloon.dev.stats[VIRTIO_BALLOON_S_MEMFREE] = free_mib << 20;
}

static void setup(void)
{
    for (unsigned i = 0; i < N; i++)
        vm[i] = calloc(1, sizeof *vm[i]);
    balloon_policy_init(&p, 256);   /* 65536 pages high, 57344 low */
}

static void teardown(void)
{
    for (unsigned i = 0; i < N; i++)
        free(vm[i]);
}

START_TEST(inflates_the_guest_with_most_free)
{
    guest(0, 30000, 100);
    guest(1, 30000, 180);
    guest(2, 10000, 50);
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.peak_pages, 70000);
    ck_assert_uint_eq(p.inflations, 1);
    ck_assert_uint_eq(vm[1]->balloon.dev.target, BALLOON_POLICY_STEP_PAGES);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, 0);
    /* Guest 1 has not caught up yet: the next step goes to guest 0, half
     * of what it has free above the reserve (100 MiB - 48 MiB). */
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, (25600 - BALLOON_POLICY_RESERVE_PAGES) / 2);
    ck_assert_uint_eq(vm[1]->balloon.dev.target, BALLOON_POLICY_STEP_PAGES);
    /* Guest 2 has 50 MiB free: (12800 - 12288) / 2 pages. */
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(vm[2]->balloon.dev.target, 256);
    /* Everyone is waiting: nothing more. */
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 3);
    /* Guest 1 caught up, but its figures are the ones of before its
     * step: it waits for a fresh report. */
    vm[1]->balloon.dev.actual = vm[1]->balloon.dev.target;
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 3);
    vm[1]->balloon.dev.stats_reports++;
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 4);
    ck_assert_uint_eq(vm[1]->balloon.dev.target, 2 * BALLOON_POLICY_STEP_PAGES);
}
END_TEST

START_TEST(keeps_a_reserve_and_gives_up_on_a_stuck_driver)
{
    guest(0, 70000, 40);   /* 40 MiB free: below the 48 MiB reserve */
    balloon_policy_tick(&p, vm, running, 1);
    ck_assert_uint_eq(p.inflations, 0);
    /* A driver that cannot reach its target (no pages to give). */
    vm[0]->balloon.dev.target = 8192;
    vm[0]->balloon.dev.actual = 4000;
    for (unsigned r = 0; r < BALLOON_POLICY_PATIENCE; r++)
        balloon_policy_tick(&p, vm, running, 1);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, 8192);
    balloon_policy_tick(&p, vm, running, 1);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, 4000);
    ck_assert_uint_eq(p.give_ups, 1);
}
END_TEST

START_TEST(leaves_out_what_it_cannot_steer)
{
    guest(0, 40000, 200);
    guest(1, 40000, 150);
    guest(2, 40000, 100);
    vm[0]->balloon.dev.vp.broken = 1;           /* broken device */
    running[1] = 0;                             /* stopped guest */
    vm[2]->balloon.dev.stats_valid = 0;         /* no figures yet */
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 0);
    running[1] = 1;
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 1);
    ck_assert_uint_eq(vm[1]->balloon.dev.target, BALLOON_POLICY_STEP_PAGES);
}
END_TEST

START_TEST(deflates_below_the_low_watermark)
{
    guest(0, 20000, 10);
    guest(1, 20000, 10);
    guest(2, 10000, 10);
    vm[0]->balloon.dev.target = vm[0]->balloon.dev.actual = 3000;
    vm[1]->balloon.dev.target = vm[1]->balloon.dev.actual = 9000;
    balloon_policy_tick(&p, vm, running, N);   /* 50000 < 57344 */
    ck_assert_uint_eq(p.deflations, 1);
    ck_assert_uint_eq(vm[1]->balloon.dev.target, 9000 - BALLOON_POLICY_STEP_PAGES);
    vm[1]->balloon.dev.actual = vm[1]->balloon.dev.target;
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, 0);   /* 3000 < a step: all of it */
    /* Between the watermarks: nothing. */
    guest(2, 20000, 10);
    vm[0]->balloon.dev.actual = 0;
    balloon_policy_tick(&p, vm, running, N);            /* 60000 */
    ck_assert_uint_eq(p.deflations, 2);
    ck_assert_uint_eq(p.inflations, 0);
}
END_TEST

START_TEST(off_without_a_watermark)
{
    balloon_policy_init(&p, 0);
    guest(0, 900000, 200);
    balloon_policy_tick(&p, vm, running, N);
    ck_assert_uint_eq(p.inflations, 0);
    ck_assert_uint_eq(vm[0]->balloon.dev.target, 0);
    ck_assert_uint_eq(p.peak_pages, 900000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("balloon_policy");
    TCase *t = tcase_create("policy");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, inflates_the_guest_with_most_free);
    tcase_add_test(t, keeps_a_reserve_and_gives_up_on_a_stuck_driver);
    tcase_add_test(t, leaves_out_what_it_cannot_steer);
    tcase_add_test(t, deflates_below_the_low_watermark);
    tcase_add_test(t, off_without_a_watermark);
    suite_add_tcase(s, t);
    return check_run(s);
}
