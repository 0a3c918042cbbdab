/* i8254 PIT: the six modes' OUT waveforms and counts, latch and read-back,
 * BCD, channel 2's gate and OUT through port 0x61, IRQ 0 timing. */
#include <check.h>
#include <stdlib.h>

#include "devices/i8254.h"
#include "devices/port61.h"
#include "tests/unit/dev_harness.h"
#include "check_run.h"

static struct harness h;
static struct i8254 pit;
static struct port61 p61;
static struct iobus bus;

/* ns for `ticks` PIT input clocks, rounded up to whole instructions so
 * the harness lands on or just after the tick. */
static uint64_t ticks_ns(uint64_t ticks)
{
    return (ticks * CLOCK_NS_PER_SEC + I8254_HZ - 1) / I8254_HZ;
}

static void setup(void)
{
    harness_init(&h);
    iobus_init(&bus);
    ck_assert_int_eq(i8254_init(&pit, &bus, &h.clock, harness_line(&h, 0), NULL), 0);
    ck_assert_int_eq(port61_init(&p61, &bus, &pit, &h.clock), 0);
}

static void out(uint16_t port, uint8_t v)
{
    iobus_write(&bus, port, 1, v);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)iobus_read(&bus, port, 1);
}

static unsigned read_latched(int ch)
{
    out(0x43, (uint8_t)(ch << 6));   /* counter latch */
    unsigned lo = in((uint16_t)(0x40 + ch));
    return lo | (unsigned)in((uint16_t)(0x40 + ch)) << 8;
}

START_TEST(unprogrammed_pit_is_silent)
{
    setup();
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);
    harness_advance(&h, 100000000);
    ck_assert_int_eq(h.rises[0], 0);
}
END_TEST

START_TEST(mode2_rate_generator_irq0)
{
    setup();
    out(0x43, 0x34);                 /* ch0, LSB+MSB, mode 2 */
    out(0x40, 1193 & 0xFF);
    out(0x40, 1193 >> 8);
    ck_assert_int_eq(h.rises[0], 1); /* OUT goes high at the control word */
    harness_advance(&h, 100000000);  /* 100 ms = 119318 ticks = 100.01 periods */
    ck_assert_int_eq(h.rises[0], 1 + 100);
    /* Counting down: after 500 ticks into a period the counter is 693. */
    setup();
    out(0x43, 0x34);
    out(0x40, 1193 & 0xFF);
    out(0x40, 1193 >> 8);
    harness_advance(&h, ticks_ns(500));
    ck_assert_uint_eq(read_latched(0), 693);
}
END_TEST

START_TEST(mode3_square_wave)
{
    setup();
    out(0x43, 0x36);                 /* ch0, mode 3 */
    out(0x40, 100);
    out(0x40, 0);
    ck_assert_int_eq(i8254_get_out(&pit, 0), 1);
    harness_advance(&h, ticks_ns(49));
    ck_assert_int_eq(i8254_get_out(&pit, 0), 1);
    ck_assert_uint_eq(read_latched(0), 100 - 2 * 49);   /* decrements by two */
    harness_advance(&h, ticks_ns(50) - ticks_ns(49));
    ck_assert_int_eq(i8254_get_out(&pit, 0), 0);
    harness_advance(&h, ticks_ns(100) - ticks_ns(50));
    ck_assert_int_eq(i8254_get_out(&pit, 0), 1);
    harness_advance(&h, ticks_ns(100000) - ticks_ns(100));
    ck_assert_int_eq(h.rises[0], 1 + 1000);  /* the control word's rise + one per period */
}
END_TEST

START_TEST(mode0_interrupt_on_terminal_count)
{
    setup();
    out(0x43, 0x30);                 /* ch0, mode 0 */
    ck_assert_int_eq(i8254_get_out(&pit, 0), 0);
    out(0x40, 0xE8);
    out(0x40, 0x03);                 /* 1000 */
    harness_advance(&h, ticks_ns(999));
    ck_assert_int_eq(h.level[0], 0);
    ck_assert_uint_eq(read_latched(0), 1);
    harness_advance(&h, ticks_ns(1000) - ticks_ns(999));
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_int_eq(h.rises[0], 1);
    /* Counts on through zero and wraps; OUT stays high, no timer. */
    harness_advance(&h, ticks_ns(1010) - ticks_ns(1000));
    ck_assert_uint_eq(read_latched(0), 0x10000 - 10);
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);
}
END_TEST

START_TEST(mode4_software_strobe)
{
    setup();
    out(0x43, 0x38);                 /* ch0, mode 4 */
    out(0x40, 10);
    out(0x40, 0);
    ck_assert_int_eq(h.level[0], 1);
    harness_advance(&h, ticks_ns(10));
    ck_assert_int_eq(h.level[0], 0);  /* one tick low */
    harness_advance(&h, ticks_ns(11) - ticks_ns(10));
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_int_eq(h.rises[0], 2);
}
END_TEST

START_TEST(channel2_gate_and_out_via_port61)
{
    setup();
    /* Mode 1 (hardware one-shot) waits for the gate. */
    out(0x43, 0xB2);                 /* ch2, LSB+MSB, mode 1 */
    out(0x42, 50);
    out(0x42, 0);
    ck_assert_uint_eq(in(0x61) & 0x20, 0x20);
    harness_advance(&h, ticks_ns(100));
    ck_assert_uint_eq(in(0x61) & 0x20, 0x20);  /* not triggered */
    out(0x61, 0x01);                             /* gate rises: trigger */
    ck_assert_uint_eq(in(0x61) & 0x21, 0x01);    /* OUT low while counting */
    harness_advance(&h, ticks_ns(50));
    ck_assert_uint_eq(in(0x61) & 0x20, 0x20);
    /* Mode 0 with the gate low holds the count. */
    out(0x61, 0x00);
    out(0x43, 0xB0);
    out(0x42, 0x00);
    out(0x42, 0x10);                 /* 4096 */
    harness_advance(&h, ticks_ns(300));
    ck_assert_uint_eq(read_latched(2), 4096);
    out(0x61, 0x01);
    harness_advance(&h, ticks_ns(96));
    ck_assert_uint_eq(read_latched(2), 4000);
    /* Refresh toggle flips every 15.085 us. */
    uint8_t a = in(0x61) & 0x10;
    harness_advance(&h, PORT61_REFRESH_NS);
    ck_assert_uint_ne(in(0x61) & 0x10, a);
}
END_TEST

START_TEST(mode5_hardware_strobe)
{
    setup();
    out(0x43, 0xBA);                 /* ch2, mode 5 */
    out(0x42, 5);
    out(0x42, 0);
    out(0x61, 0x01);
    harness_advance(&h, ticks_ns(5));
    ck_assert_int_eq(i8254_get_out(&pit, 2), 0);
    harness_advance(&h, ticks_ns(6) - ticks_ns(5));
    ck_assert_int_eq(i8254_get_out(&pit, 2), 1);
}
END_TEST

START_TEST(latch_readback_and_bcd)
{
    setup();
    out(0x43, 0x35);                 /* ch0, LSB+MSB, mode 2, BCD */
    out(0x40, 0x00);
    out(0x40, 0x10);                 /* 1000 in BCD */
    harness_advance(&h, ticks_ns(1));
    ck_assert_uint_eq(read_latched(0), 0x0999);
    /* Read-back: status and count of channel 0 latched together; status
     * comes out first. OUT high, count loaded, rw 3, mode 2, BCD. */
    out(0x43, 0xC2);
    ck_assert_uint_eq(in(0x40), 0x80 | 0x30 | 0x04 | 0x01);
    unsigned lo = in(0x40);
    ck_assert_uint_eq(lo | (unsigned)in(0x40) << 8, 0x0999);
    /* A second latch before reading keeps the first value. */
    out(0x43, 0x00);
    harness_advance(&h, ticks_ns(10));
    out(0x43, 0x00);
    lo = in(0x40);
    ck_assert_uint_eq(lo | (unsigned)in(0x40) << 8, 0x0999);
    /* Null count after a control word until the count is written. */
    out(0x43, 0x14);                 /* ch0, LSB only, mode 2 */
    out(0x43, 0xE2);                 /* read-back status only */
    ck_assert_uint_eq(in(0x40) & 0x40, 0x40);
    out(0x40, 0x80);
    out(0x43, 0xE2);
    ck_assert_uint_eq(in(0x40), 0x80 | 0x14);
    /* LSB-only read mode. */
    harness_advance(&h, ticks_ns(16));
    ck_assert_uint_eq(in(0x40), 0x80 - 16);
}
END_TEST

START_TEST(state_round_trip)
{
    setup();
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x20);
    harness_advance(&h, ticks_ns(77));
    struct state_writer w;
    state_writer_init(&w);
    i8254_save(&pit, &w);
    clock_save(&h.clock, &w);
    unsigned before = read_latched(0);
    struct harness h2;
    harness_init(&h2);
    h2.insns = h.insns;   /* the CPU's count is restored with the CPU */
    struct i8254 copy;
    i8254_init(&copy, NULL, &h2.clock, harness_line(&h2, 0), NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(i8254_load(&copy, &r), 0);
    ck_assert_int_eq(clock_load(&h2.clock, &r), 0);
    ck_assert_uint_eq(clock_now(&h2.clock), clock_now(&h.clock));
    pit = copy;
    ck_assert_uint_eq(read_latched(0), before);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8254");
    TCase *tc = tcase_create("pit");
    tcase_add_test(tc, unprogrammed_pit_is_silent);
    tcase_add_test(tc, mode2_rate_generator_irq0);
    tcase_add_test(tc, mode3_square_wave);
    tcase_add_test(tc, mode0_interrupt_on_terminal_count);
    tcase_add_test(tc, mode4_software_strobe);
    tcase_add_test(tc, channel2_gate_and_out_via_port61);
    tcase_add_test(tc, mode5_hardware_strobe);
    tcase_add_test(tc, latch_readback_and_bcd);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
