/* i8259A pair: initialisation, priorities, EOI kinds, rotation, special
 * mask, poll, ELCR level triggering, spurious IRQ 7/15, special fully
 * nested mode. */
#include <check.h>
#include <stdlib.h>

#include "devices/i8259.h"
#include "tests/unit/dev_harness.h"
#include "check_run.h"

static struct harness h;
static struct i8259 pic;

static void out(uint16_t port, uint8_t v)
{
    i8259_io_write(&pic, port, 1, v);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)i8259_io_read(&pic, port, 1);
}

/* The PC BIOS's programming: vectors 08h and 70h, cascade on IR2, 8086
 * mode, everything unmasked; `icw4` lets a test add AEOI or SFNM. */
static void setup(uint8_t icw4)
{
    harness_init(&h);
    i8259_init(&pic, NULL, harness_line(&h, 0), NULL);
    out(0x20, 0x11); out(0x21, 0x08); out(0x21, 0x04); out(0x21, icw4);
    out(0xA0, 0x11); out(0xA1, 0x70); out(0xA1, 0x02); out(0xA1, icw4 & ~0x10);
    out(0x21, 0x00);
    out(0xA1, 0x00);
}

START_TEST(priority_and_nonspecific_eoi)
{
    setup(0x01);
    ck_assert_int_eq(h.level[0], 0);
    i8259_set_irq(&pic, 3, 1);
    i8259_set_irq(&pic, 1, 1);
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x09);  /* IRQ 1 first */
    /* IRQ 3 is lower than IRQ 1 in service: INTR drops. */
    ck_assert_int_eq(h.level[0], 0);
    out(0x20, 0x0B);                                    /* OCW3: read ISR */
    ck_assert_uint_eq(in(0x20), 0x02);
    out(0x20, 0x0A);                                    /* OCW3: read IRR */
    ck_assert_uint_eq(in(0x20), 0x08);
    out(0x20, 0x20);                                    /* non-specific EOI */
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0B);
    out(0x20, 0x20);
    ck_assert_int_eq(h.level[0], 0);
    ck_assert_uint_eq(pic.chip[0].isr, 0);
}
END_TEST

START_TEST(higher_priority_interrupts_lower_in_service)
{
    setup(0x01);
    i8259_set_irq(&pic, 4, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0C);
    i8259_set_irq(&pic, 0, 1);                          /* nests */
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x08);
    ck_assert_uint_eq(pic.chip[0].isr, 0x11);
    out(0x20, 0x60);                                    /* specific EOI 0 */
    ck_assert_uint_eq(pic.chip[0].isr, 0x10);
}
END_TEST

START_TEST(slave_through_cascade)
{
    setup(0x01);
    i8259_set_irq(&pic, 14, 1);
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x76);
    ck_assert_uint_eq(pic.chip[0].isr, 0x04);
    ck_assert_uint_eq(pic.chip[1].isr, 0x40);
    /* A higher slave line does not get through IR2 in service (fully
     * nested mode)... */
    i8259_set_irq(&pic, 8, 1);
    ck_assert_int_eq(h.level[0], 0);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x70);
}
END_TEST

START_TEST(special_fully_nested_lets_slave_nest)
{
    setup(0x11);   /* SFNM on the master */
    i8259_set_irq(&pic, 14, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x76);
    i8259_set_irq(&pic, 8, 1);
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x70);
}
END_TEST

START_TEST(spurious_irq7_and_irq15)
{
    setup(0x01);
    i8259_set_irq(&pic, 5, 1);
    ck_assert_int_eq(h.level[0], 1);
    out(0x21, 0x20);                  /* masked before the INTA */
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0F);
    ck_assert_uint_eq(pic.chip[0].isr, 0);
    ck_assert_uint_eq(pic.spurious, 1);
    /* The slave's request vanishes between the master's decision and the
     * slave's vector: IRQ 15's vector, master IR2 taken into service. */
    out(0x21, 0x00);
    out(0x20, 0x20);
    pic.chip[0].irr = 0;
    i8259_set_irq(&pic, 9, 1);
    pic.chip[1].imr = 0x02;           /* behind the chip's back: no update */
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x77);
    ck_assert_uint_eq(pic.chip[1].isr, 0);
}
END_TEST

START_TEST(auto_eoi_and_rotation)
{
    setup(0x03);   /* AEOI */
    i8259_set_irq(&pic, 2 + 4, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0E);
    ck_assert_uint_eq(pic.chip[0].isr, 0);
    i8259_set_irq(&pic, 6, 0);

    setup(0x01);
    out(0x20, 0xC4);                  /* set priority: IRQ 4 lowest, 5 highest */
    i8259_set_irq(&pic, 1, 1);
    i8259_set_irq(&pic, 5, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0D);
    out(0x20, 0xA0);                  /* rotate on non-specific EOI: 5 lowest */
    ck_assert_uint_eq(pic.chip[0].priority_add, 6);
    i8259_set_irq(&pic, 5, 0);
    i8259_set_irq(&pic, 5, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x09);  /* 1 beats 5 now */
    out(0x20, 0xE1);                  /* rotate on specific EOI 1 */
    ck_assert_uint_eq(pic.chip[0].priority_add, 2);
    ck_assert_uint_eq(pic.chip[0].isr, 0);
}
END_TEST

START_TEST(special_mask_mode)
{
    setup(0x01);
    i8259_set_irq(&pic, 3, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0B);
    i8259_set_irq(&pic, 5, 1);
    ck_assert_int_eq(h.level[0], 0);  /* blocked by IRQ 3 in service */
    out(0x21, 0x08);                  /* mask IRQ 3 */
    out(0x20, 0x68);                  /* special mask mode on */
    ck_assert_int_eq(h.level[0], 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0D);
    out(0x20, 0x48);                  /* off */
    ck_assert_uint_eq(pic.chip[0].special_mask, 0);
}
END_TEST

START_TEST(poll_command)
{
    setup(0x01);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x00);  /* nothing pending */
    i8259_set_irq(&pic, 6, 1);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x86);
    ck_assert_uint_eq(pic.chip[0].isr, 0x40);
    ck_assert_uint_eq(in(0x21), 0x00);  /* next read is the IMR again */
}
END_TEST

START_TEST(elcr_level_triggering)
{
    setup(0x01);
    i8259_io_write(&pic, 0x4D1, 1, 0xFF);
    ck_assert_uint_eq(i8259_io_read(&pic, 0x4D1, 1) & 0xFF, 0xDE);  /* 8 and 13 stay edge */
    i8259_set_irq(&pic, 10, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x72);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    /* Still high: requested again. An edge line would not be. */
    ck_assert_int_eq(h.level[0], 1);
    i8259_set_irq(&pic, 10, 0);
    ck_assert_int_eq(h.level[0], 0);
    ck_assert_uint_eq(pic.chip[1].irr, 0);
    /* Edge line held high: one request only. */
    i8259_set_irq(&pic, 4, 1);
    ck_assert_uint_eq(i8259_acknowledge(&pic), 0x0C);
    out(0x20, 0x20);
    i8259_set_irq(&pic, 4, 1);
    ck_assert_int_eq(h.level[0], 0);
}
END_TEST

START_TEST(state_round_trip)
{
    setup(0x01);
    i8259_set_irq(&pic, 3, 1);
    i8259_acknowledge(&pic);
    out(0x21, 0x5A);
    struct state_writer w;
    state_writer_init(&w);
    i8259_save(&pic, &w);
    ck_assert(!state_writer_failed(&w));
    struct i8259 copy;
    i8259_init(&copy, NULL, harness_line(&h, 1), NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(i8259_load(&copy, &r), 0);
    ck_assert_mem_eq(&copy.chip, &pic.chip, sizeof pic.chip);
    /* A truncated state is refused. */
    state_reader_init(&r, w.buf, w.len - 1);
    ck_assert_int_eq(i8259_load(&copy, &r), -1);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8259");
    TCase *tc = tcase_create("pic");
    tcase_add_test(tc, priority_and_nonspecific_eoi);
    tcase_add_test(tc, higher_priority_interrupts_lower_in_service);
    tcase_add_test(tc, slave_through_cascade);
    tcase_add_test(tc, special_fully_nested_lets_slave_nest);
    tcase_add_test(tc, spurious_irq7_and_irq15);
    tcase_add_test(tc, auto_eoi_and_rotation);
    tcase_add_test(tc, special_mask_mode);
    tcase_add_test(tc, poll_command);
    tcase_add_test(tc, elcr_level_triggering);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
