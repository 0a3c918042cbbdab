/* i8042 + PS/2 devices: controller commands, set 2 -> set 1 translation
 * of make and break codes, typematic repeat timing, IRQ 1 / IRQ 12
 * routing, mouse packets, the wheel ID sequence, A20 and reset lines. */
#include <check.h>
#include <stdlib.h>

#include "devices/i8042.h"
#include "tests/unit/dev_harness.h"
#include "check_run.h"

static struct harness h;
static struct i8042 kbc;
static int a20, resets;

static void set_a20(void *opaque, int on)
{
    (void)opaque;
    a20 = on;
}

static void do_reset(void *opaque)
{
    (void)opaque;
    resets++;
}

static void setup(void)
{
    harness_init(&h);
    a20 = -1;
    resets = 0;
    ck_assert_int_eq(i8042_init(&kbc, NULL, &h.clock, harness_line(&h, 1), harness_line(&h, 12),
                                set_a20, do_reset, NULL, NULL), 0);
}

static void cmd(uint8_t v)
{
    i8042_io_write(&kbc, 0x64, 1, v);
}

static void data(uint8_t v)
{
    i8042_io_write(&kbc, 0x60, 1, v);
}

static uint8_t status(void)
{
    return (uint8_t)i8042_io_read(&kbc, 0x64, 1);
}

static uint8_t rd(void)
{
    ck_assert_uint_eq(status() & 1, 1);
    return (uint8_t)i8042_io_read(&kbc, 0x60, 1);
}

START_TEST(controller_commands)
{
    setup();
    ck_assert_int_eq(a20, 1);
    cmd(0x20);
    ck_assert_uint_eq(rd(), 0x61);           /* IRQ 1, translate, aux off */
    ck_assert_uint_eq(status() & 1, 0);
    cmd(0xAA);
    ck_assert_uint_eq(rd(), 0x55);
    ck_assert_uint_eq(status() & 0x04, 0x04);  /* system flag after self test */
    cmd(0xD0);
    ck_assert_uint_eq(rd(), 0x03);
    cmd(0xD1);
    data(0x01);                              /* A20 off, reset line high */
    ck_assert_int_eq(a20, 0);
    ck_assert_int_eq(resets, 0);
    cmd(0xFE);                               /* pulse reset */
    ck_assert_int_eq(resets, 1);
    cmd(0xD2);
    data(0x99);                              /* echo through the keyboard buffer */
    ck_assert_int_eq(h.level[1], 1);
    ck_assert_uint_eq(rd(), 0x99);
    ck_assert_int_eq(h.level[1], 0);
    cmd(0xD3);
    data(0x77);                              /* ...through the mouse buffer */
    ck_assert_uint_eq(status() & 0x21, 0x21);
    ck_assert_int_eq(h.level[12], 0);        /* IRQ 12 disabled in the command byte */
    ck_assert_uint_eq(rd(), 0x77);
}
END_TEST

START_TEST(translated_keys_and_typematic)
{
    setup();
    ps2kbd_key(&kbc.kbd, 0x1C, 1);           /* 'A' down: set 2 1C -> set 1 1E */
    ck_assert_int_eq(h.level[1], 1);
    ck_assert_uint_eq(rd(), 0x1E);
    ps2kbd_key(&kbc.kbd, 0x1C, 0);           /* up: F0 1C -> 9E */
    ck_assert_uint_eq(rd(), 0x9E);
    ck_assert_uint_eq(status() & 1, 0);
    ps2kbd_key(&kbc.kbd, PS2_KEY_E0 | 0x75, 1);  /* cursor up: E0 48 */
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0x48);
    /* Held: repeats after 500 ms, then every 1/10.9 s (92 ms). */
    harness_advance(&h, 499000000);
    ck_assert_uint_eq(status() & 1, 0);
    harness_advance(&h, 1000000);
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0x48);
    harness_advance(&h, 91740000 - 1000);
    ck_assert_uint_eq(status() & 1, 0);
    harness_advance(&h, 1000);
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0x48);
    ps2kbd_key(&kbc.kbd, PS2_KEY_E0 | 0x75, 0);
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0xC8);
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);
    /* Untranslated (command byte bit 6 off): raw set 2. */
    cmd(0x60);
    data(0x01);
    ps2kbd_key(&kbc.kbd, 0x1C, 0);
    ck_assert_uint_eq(rd(), 0xF0);
    ck_assert_uint_eq(rd(), 0x1C);
}
END_TEST

START_TEST(keyboard_commands)
{
    setup();
    data(0xFF);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0xAA);
    data(0xED);
    ck_assert_uint_eq(rd(), 0xFA);
    data(0x07);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(kbc.kbd.leds, 7);
    data(0xF0);
    ck_assert_uint_eq(rd(), 0xFA);
    data(0x00);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), i8042_translate(0x02));  /* set 2, as translated */
    data(0xF5);                              /* scanning off: keys are dropped */
    ck_assert_uint_eq(rd(), 0xFA);
    ps2kbd_key(&kbc.kbd, 0x1C, 1);
    ck_assert_uint_eq(status() & 1, 0);
    data(0x12);                              /* unknown command */
    ck_assert_uint_eq(rd(), 0xFE);
}
END_TEST

START_TEST(mouse_packets_and_wheel)
{
    setup();
    cmd(0x60);
    data(0x43);                              /* IRQ 1 + IRQ 12, translate, aux on */
    cmd(0xD4);
    data(0xF4);                              /* enable reporting */
    ck_assert_int_eq(h.level[12], 1);
    ck_assert_uint_eq(rd(), 0xFA);
    ps2mouse_event(&kbc.mouse, 5, -3, 0, 1);
    ck_assert_uint_eq(rd(), 0x08 | 0x01 | 0x20);
    ck_assert_uint_eq(rd(), 5);
    ck_assert_uint_eq(rd(), 0xFD);
    ck_assert_int_eq(h.level[12], 0);
    /* Rates 200, 100, 80: IntelliMouse ID 3 and four-byte packets. */
    const uint8_t seq[] = { 0xF3, 200, 0xF3, 100, 0xF3, 80 };
    for (size_t i = 0; i < sizeof seq; i++) {
        cmd(0xD4);
        data(seq[i]);
        ck_assert_uint_eq(rd(), 0xFA);
    }
    cmd(0xD4);
    data(0xF2);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0x03);
    ps2mouse_event(&kbc.mouse, -300, 0, -1, 0);
    ck_assert_uint_eq(rd(), 0x08 | 0x10 | 0x40);  /* X negative and overflow */
    ck_assert_uint_eq(rd(), 0x00);               /* clamped to -256 */
    ck_assert_uint_eq(rd(), 0x00);
    ck_assert_uint_eq(rd(), 0x0F);               /* wheel -1 */
    cmd(0xD4);
    data(0xE9);                                  /* status request */
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0x20);
    ck_assert_uint_eq(rd(), 0x02);
    ck_assert_uint_eq(rd(), 80);
}
END_TEST

START_TEST(state_round_trip)
{
    setup();
    ps2kbd_key(&kbc.kbd, 0x1C, 1);
    ps2kbd_key(&kbc.kbd, 0x1B, 1);
    struct state_writer w;
    state_writer_init(&w);
    i8042_save(&kbc, &w);
    struct harness h2;
    harness_init(&h2);
    struct i8042 copy;
    i8042_init(&copy, NULL, &h2.clock, harness_line(&h2, 1), harness_line(&h2, 12), set_a20,
               do_reset, NULL, NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(i8042_load(&copy, &r), 0);
    kbc = copy;
    kbc.kbd.notify_opaque = &kbc;
    kbc.mouse.notify_opaque = &kbc;
    ck_assert_uint_eq(rd(), 0x1E);
    ck_assert_uint_eq(rd(), 0x1F);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8042");
    TCase *tc = tcase_create("kbc");
    tcase_add_test(tc, controller_commands);
    tcase_add_test(tc, translated_keys_and_typematic);
    tcase_add_test(tc, keyboard_commands);
    tcase_add_test(tc, mouse_packets_and_wheel);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
