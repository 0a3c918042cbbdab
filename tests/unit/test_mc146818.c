/* MC146818 RTC/CMOS: time and date from the virtual clock in BCD and
 * binary, 12/24 h, the SET bit, update-in-progress, update-ended, alarm
 * and periodic interrupts on IRQ 8, register C semantics, NVRAM checksum. */
#include <check.h>
#include <stdlib.h>

#include "devices/mc146818.h"
#include "tests/unit/dev_harness.h"
#include "check_run.h"

static struct harness h;
static struct mc146818 rtc;

#define SEC 1000000000ull

static void setup(void)
{
    harness_init(&h);
    ck_assert_int_eq(mc146818_init(&rtc, NULL, &h.clock, harness_line(&h, 8), NULL), 0);
}

/* Tests of the other flags turn the periodic rate off (register A rate 0). */
static void no_periodic(void);

static uint8_t rd(uint8_t idx)
{
    mc146818_io_write(&rtc, 0x70, 1, idx);
    return (uint8_t)mc146818_io_read(&rtc, 0x71, 1);
}

static void wr(uint8_t idx, uint8_t v)
{
    mc146818_io_write(&rtc, 0x70, 1, idx);
    mc146818_io_write(&rtc, 0x71, 1, v);
}

START_TEST(default_date_in_bcd)
{
    setup();
    /* CLOCK_DEFAULT_EPOCH: Monday 2024-01-01 00:00:00. */
    ck_assert_uint_eq(rd(RTC_SECONDS), 0);
    ck_assert_uint_eq(rd(RTC_DAY_OF_WEEK), 2);
    ck_assert_uint_eq(rd(RTC_DAY_OF_MONTH), 1);
    ck_assert_uint_eq(rd(RTC_MONTH), 1);
    ck_assert_uint_eq(rd(RTC_YEAR), 0x24);
    ck_assert_uint_eq(rd(RTC_CENTURY), 0x20);
    ck_assert_uint_eq(rd(RTC_REG_D), 0x80);
    harness_advance(&h, 59 * 86400ull * SEC + 13 * 3600 * SEC + 59 * 60 * SEC + 58 * SEC);
    /* 2024 is a leap year: day 59 after Jan 1 is Feb 29, a Thursday. */
    ck_assert_uint_eq(rd(RTC_MONTH), 0x02);
    ck_assert_uint_eq(rd(RTC_DAY_OF_MONTH), 0x29);
    ck_assert_uint_eq(rd(RTC_DAY_OF_WEEK), 5);
    ck_assert_uint_eq(rd(RTC_HOURS), 0x13);
    ck_assert_uint_eq(rd(RTC_MINUTES), 0x59);
    ck_assert_uint_eq(rd(RTC_SECONDS), 0x58);
    /* Binary, then 12-hour mode. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
    ck_assert_uint_eq(rd(RTC_HOURS), 13);
    ck_assert_uint_eq(rd(RTC_SECONDS), 58);
    wr(RTC_REG_B, 0);
    ck_assert_uint_eq(rd(RTC_HOURS), 0x81);   /* 1 PM */
}
END_TEST

START_TEST(set_bit_freezes_and_loads_time)
{
    setup();
    wr(RTC_REG_B, RTC_B_SET | RTC_B_24H);
    wr(RTC_HOURS, 0x12);
    wr(RTC_MINUTES, 0x34);
    wr(RTC_SECONDS, 0x56);
    wr(RTC_YEAR, 0x99);
    wr(RTC_CENTURY, 0x19);
    harness_advance(&h, 5 * SEC);
    ck_assert_uint_eq(rd(RTC_SECONDS), 0x56);      /* frozen */
    wr(RTC_REG_B, RTC_B_24H);
    harness_advance(&h, 5 * SEC);
    ck_assert_uint_eq(rd(RTC_SECONDS), 0x01);
    ck_assert_uint_eq(rd(RTC_MINUTES), 0x35);
    ck_assert_uint_eq(rd(RTC_YEAR), 0x99);
    ck_assert_uint_eq(rd(RTC_CENTURY), 0x19);
    /* Writing one field of a running clock keeps the others. */
    wr(RTC_HOURS, 0x07);
    ck_assert_uint_eq(rd(RTC_HOURS), 0x07);
    ck_assert_uint_eq(rd(RTC_MINUTES), 0x35);
}
END_TEST

START_TEST(update_in_progress_window)
{
    setup();
    harness_advance(&h, SEC / 2);
    ck_assert_uint_eq(rd(RTC_REG_A) & RTC_A_UIP, 0);
    harness_advance(&h, SEC / 2 - RTC_UIP_NS + 1000);
    ck_assert_uint_eq(rd(RTC_REG_A), RTC_A_UIP | 0x26);
    harness_advance(&h, RTC_UIP_NS);
    ck_assert_uint_eq(rd(RTC_REG_A), 0x26);
    ck_assert_uint_eq(rd(RTC_SECONDS), 1);
}
END_TEST

static void no_periodic(void)
{
    mc146818_io_write(&rtc, 0x70, 1, RTC_REG_A);
    mc146818_io_write(&rtc, 0x71, 1, 0x20);
}

START_TEST(update_ended_interrupt)
{
    setup();
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);  /* no IRQ enabled */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    harness_advance(&h, SEC - 1000);
    ck_assert_int_eq(h.level[8], 0);
    harness_advance(&h, 1000);
    ck_assert_int_eq(h.level[8], 1);
    /* PF is set too: register A's 1024 Hz rate runs whether or not PIE
     * is enabled (data sheet, "Periodic Interrupt"). */
    ck_assert_uint_eq(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_UF | RTC_C_PF);
    ck_assert_int_eq(h.level[8], 0);
    ck_assert_uint_eq(rd(RTC_REG_C), 0);            /* read clears */
    harness_advance(&h, 10 * SEC);
    ck_assert_int_eq(h.rises[8], 2);                 /* IRQF held until C is read */
    /* Flags are set even with the interrupt disabled; IRQF is not. */
    no_periodic();
    rd(RTC_REG_C);
    wr(RTC_REG_B, RTC_B_24H);
    harness_advance(&h, SEC);
    ck_assert_uint_eq(rd(RTC_REG_C), RTC_C_UF);
}
END_TEST

START_TEST(alarm_interrupt)
{
    setup();
    no_periodic();
    wr(RTC_HOURS_ALARM, 0x00);
    wr(RTC_MINUTES_ALARM, 0x01);
    wr(RTC_SECONDS_ALARM, 0xC0);                     /* any second */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    harness_advance(&h, 59 * SEC);
    ck_assert_int_eq(h.level[8], 0);
    harness_advance(&h, SEC);                        /* 00:01:00 */
    ck_assert_int_eq(h.level[8], 1);
    ck_assert_uint_eq(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
    harness_advance(&h, SEC);                        /* 00:01:01 matches too */
    ck_assert_uint_eq(rd(RTC_REG_C) & RTC_C_AF, RTC_C_AF);
    harness_advance(&h, 60 * SEC);                   /* 00:02:01: no match since */
    ck_assert_uint_eq(rd(RTC_REG_C) & RTC_C_AF, RTC_C_AF);  /* 00:01:02..59 matched */
    harness_advance(&h, 2 * SEC);
    ck_assert_uint_eq(rd(RTC_REG_C), RTC_C_UF);
}
END_TEST

START_TEST(periodic_interrupt)
{
    setup();
    wr(RTC_REG_A, 0x26);                             /* 1024 Hz */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    for (int i = 0; i < 100; i++) {
        harness_advance(&h, 976563);
        ck_assert_int_eq(h.level[8], 1);
        ck_assert_uint_eq(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
    }
    ck_assert_int_eq(h.rises[8], 100);
    wr(RTC_REG_A, 0x2F);                             /* 2 Hz */
    rd(RTC_REG_C);
    int before = h.rises[8];
    harness_advance(&h, 10 * SEC);
    ck_assert_int_eq(h.rises[8], before + 1);        /* one until C is read */
}
END_TEST

START_TEST(nvram_and_checksum)
{
    setup();
    wr(0x40, 0xAB);
    ck_assert_uint_eq(rd(0x40), 0xAB);
    mc146818_set_cmos(&rtc, 0x10, 0x40);
    mc146818_set_cmos(&rtc, 0x2D, 0xF0);
    mc146818_update_checksum(&rtc);
    ck_assert_uint_eq(rd(0x2E), 0x01);
    ck_assert_uint_eq(rd(0x2F), 0x30);
    /* Bit 7 of the index is the NMI mask, not part of the index. */
    mc146818_io_write(&rtc, 0x70, 1, 0x80 | 0x40);
    ck_assert_uint_eq(mc146818_io_read(&rtc, 0x71, 1) & 0xFF, 0xAB);
    ck_assert_uint_eq(rtc.nmi_disabled, 1);
}
END_TEST

START_TEST(state_round_trip)
{
    setup();
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    harness_advance(&h, 3 * SEC + 123);
    struct state_writer w;
    state_writer_init(&w);
    mc146818_save(&rtc, &w);
    clock_save(&h.clock, &w);
    ck_assert(!state_writer_failed(&w));
    struct harness h2;
    harness_init(&h2);
    h2.insns = h.insns;   /* the CPU's count is restored with the CPU */
    struct mc146818 copy;
    mc146818_init(&copy, NULL, &h2.clock, harness_line(&h2, 8), NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(mc146818_load(&copy, &r), 0);
    ck_assert_int_eq(clock_load(&h2.clock, &r), 0);
    harness_advance(&h, 2 * SEC);
    harness_advance(&h2, 2 * SEC);
    /* IRQF (set at 1 s, never read) is driven again on the restored line;
     * neither copy raises a new edge before C is read. */
    ck_assert_int_eq(h.rises[8], 1);
    ck_assert_int_eq(h2.rises[8], 1);
    ck_assert_uint_eq(rd(RTC_REG_C) & 0x90, 0x90);
    ck_assert_uint_eq(clock_next_deadline(&h2.clock), clock_next_deadline(&h.clock));
    ck_assert_int_eq(mc146818_time(&copy), mc146818_time(&rtc));
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mc146818");
    TCase *tc = tcase_create("rtc");
    tcase_add_test(tc, default_date_in_bcd);
    tcase_add_test(tc, set_bit_freezes_and_loads_time);
    tcase_add_test(tc, update_in_progress_window);
    tcase_add_test(tc, update_ended_interrupt);
    tcase_add_test(tc, alarm_interrupt);
    tcase_add_test(tc, periodic_interrupt);
    tcase_add_test(tc, nvram_and_checksum);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
