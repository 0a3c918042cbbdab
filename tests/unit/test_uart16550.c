/* 16550A UART: divisor latch, FIFO trigger levels and overrun, interrupt
 * identification and priority, THRE interrupt rules, character timeout,
 * modem status deltas, loopback, OUT2 gating of the IRQ line. */
#include <check.h>
#include <stdlib.h>

#include "devices/uart16550.h"
#include "tests/unit/dev_harness.h"
#include "check_run.h"

static struct harness h;
static struct uart16550 u;
static uint8_t sent[64];
static int nsent;

static void capture(void *opaque, uint8_t b)
{
    (void)opaque;
    if (nsent < (int)sizeof sent)
        sent[nsent++] = b;
}

static void out(unsigned reg, uint8_t v)
{
    uart16550_io_write(&u, (uint16_t)(0x3F8 + reg), 1, v);
}

static uint8_t in(unsigned reg)
{
    return (uint8_t)uart16550_io_read(&u, (uint16_t)(0x3F8 + reg), 1);
}

static void setup(void)
{
    harness_init(&h);
    ck_assert_int_eq(uart16550_init(&u, NULL, 0x3F8, "com1", &h.clock, harness_line(&h, 4), NULL), 0);
    struct uart_backend b = { .write = capture };
    uart16550_set_backend(&u, &b);
    nsent = 0;
    out(3, 0x80);          /* DLAB */
    out(0, 0x01);          /* 115200 baud */
    out(1, 0x00);
    out(3, 0x03);          /* 8N1 */
    out(4, 0x08);          /* OUT2: IRQ to the PIC */
}

START_TEST(divisor_latch_and_transmit)
{
    setup();
    out(3, 0x83);
    ck_assert_uint_eq(in(0), 0x01);
    ck_assert_uint_eq(in(1), 0x00);
    out(3, 0x03);
    out(0, 'h');
    out(0, 'i');
    ck_assert_int_eq(nsent, 2);
    ck_assert_uint_eq(sent[0], 'h');
    ck_assert_uint_eq(in(5), 0x60);   /* THRE and TEMT */
    out(7, 0x5A);
    ck_assert_uint_eq(in(7), 0x5A);
}
END_TEST

START_TEST(fifo_trigger_and_overrun)
{
    setup();
    out(2, 0x81);          /* FIFO on, trigger 8 */
    out(1, 0x01);          /* received-data interrupt */
    ck_assert_uint_eq(in(2), 0xC1);
    for (int i = 0; i < 7; i++)
        uart16550_receive(&u, (uint8_t)('a' + i));
    ck_assert_int_eq(h.level[4], 0);
    ck_assert_uint_eq(in(5) & 1, 1);
    uart16550_receive(&u, 'h');
    ck_assert_int_eq(h.level[4], 1);
    ck_assert_uint_eq(in(2), 0xC4);
    for (int i = 8; i < 20; i++)
        uart16550_receive(&u, 'x');
    ck_assert_uint_eq(u.rx.count, 16);
    /* Overrun: LSR bit 1 and the FIFO error bit, cleared by reading. */
    ck_assert_uint_eq(in(5), 0x80 | 0x60 | 0x02 | 0x01);
    ck_assert_uint_eq(in(5) & 0x82, 0);
    ck_assert_uint_eq(in(0), 'a');
    ck_assert_uint_eq(in(0), 'b');
    for (int i = 0; i < 14; i++)
        in(0);
    ck_assert_uint_eq(in(5) & 1, 0);
    ck_assert_int_eq(h.level[4], 0);
}
END_TEST

START_TEST(character_timeout)
{
    setup();
    out(2, 0xC1);          /* trigger 14 */
    out(1, 0x01);
    uart16550_receive(&u, 'z');
    ck_assert_int_eq(h.level[4], 0);
    /* Four characters of 10 bits at 115200 baud: 347 us. */
    harness_advance(&h, 340000);
    ck_assert_int_eq(h.level[4], 0);
    harness_advance(&h, 10000);
    ck_assert_int_eq(h.level[4], 1);
    ck_assert_uint_eq(in(2), 0xCC);
    ck_assert_uint_eq(in(0), 'z');
    ck_assert_int_eq(h.level[4], 0);
}
END_TEST

START_TEST(thre_interrupt_rules)
{
    setup();
    out(1, 0x02);          /* enabling with THR empty interrupts at once */
    ck_assert_int_eq(h.level[4], 1);
    ck_assert_uint_eq(in(2), 0x02);   /* reading IIR clears it */
    ck_assert_int_eq(h.level[4], 0);
    ck_assert_uint_eq(in(2), 0x01);
    out(0, 'q');                      /* sent: empty again */
    ck_assert_int_eq(h.level[4], 1);
    /* Priority: received data beats THRE; line status beats both. */
    out(1, 0x07);
    uart16550_receive(&u, '1');
    ck_assert_uint_eq(in(2), 0x04);
    uart16550_receive(&u, '2');       /* overrun without FIFO */
    ck_assert_uint_eq(in(2), 0x06);
    in(5);
    ck_assert_uint_eq(in(2), 0x04);
    in(0);
    ck_assert_uint_eq(in(2), 0x02);
    /* OUT2 low: the chip still identifies it, the PC's line stays low. */
    out(0, 'r');
    out(4, 0x00);
    ck_assert_int_eq(h.level[4], 0);
    ck_assert_uint_eq(in(2), 0x02);
}
END_TEST

START_TEST(loopback_and_modem_status)
{
    setup();
    ck_assert_uint_eq(in(6), 0xB0);   /* CTS, DSR, DCD: a connected line */
    out(4, 0x10);                     /* loopback, all outputs off */
    ck_assert_uint_eq(in(6), 0x0B);   /* CTS, DSR, DCD fell: deltas */
    ck_assert_uint_eq(in(6), 0x00);   /* deltas clear on read */
    out(4, 0x10 | 0x0F);              /* DTR RTS OUT1 OUT2 */
    ck_assert_uint_eq(in(6), 0xF0 | 0x0B);
    out(4, 0x10 | 0x0B);              /* OUT1 off: RI trailing edge */
    ck_assert_uint_eq(in(6), 0xB4);
    out(1, 0x08);
    out(4, 0x10 | 0x0A);              /* DTR off */
    ck_assert_uint_eq(in(2), 0x00);   /* modem status interrupt... */
    ck_assert_int_eq(h.level[4], 0);  /* ...but no IRQ in loopback */
    in(6);
    out(0, 'L');
    ck_assert_int_eq(nsent, 0);       /* not sent out */
    ck_assert_uint_eq(in(5) & 1, 1);
    ck_assert_uint_eq(in(0), 'L');
}
END_TEST

START_TEST(state_round_trip)
{
    setup();
    out(2, 0x41);
    uart16550_receive(&u, 'A');
    uart16550_receive(&u, 'B');
    struct state_writer w;
    state_writer_init(&w);
    uart16550_save(&u, &w, "COM1");
    struct uart16550 copy;
    struct harness h2;
    harness_init(&h2);
    uart16550_init(&copy, NULL, 0x3F8, "com1", &h2.clock, harness_line(&h2, 4), NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(uart16550_load(&copy, &r, "COM1"), 0);
    u = copy;
    ck_assert_uint_eq(in(0), 'A');
    ck_assert_uint_eq(in(0), 'B');
    ck_assert_uint_eq(in(2), 0xC1);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("uart");
    tcase_add_test(tc, divisor_latch_and_transmit);
    tcase_add_test(tc, fifo_trigger_and_overrun);
    tcase_add_test(tc, character_timeout);
    tcase_add_test(tc, thre_interrupt_rules);
    tcase_add_test(tc, loopback_and_modem_status);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
