/* i8237 DMA: the 16-bit channels' word addressing (page bit 0 unused,
 * A1-A16 from the address register, counts in words), their 128 KiB wrap,
 * decrement on a 16-bit channel, the odd-length rule, and the state
 * record. The 8-bit channels are exercised by the dma guest through the
 * floppy controller, and channel 5 by the sb16 guest through the Sound
 * Blaster 16; the corner cases here are driven directly. */
#include <check.h>
#include <string.h>

#include "devices/i8237.h"
#include "check_run.h"

static uint8_t ram[1u << 20];
static struct i8237 dma;
static struct iobus bus;

static void mem_read(void *o, uint32_t a, void *buf, uint32_t len)
{
    (void)o;
    ck_assert_uint_le((uint64_t)a + len, sizeof ram);
    memcpy(buf, ram + a, len);
}

static void mem_write(void *o, uint32_t a, void *buf, uint32_t len)
{
    (void)o;
    ck_assert_uint_le((uint64_t)a + len, sizeof ram);
    memcpy(ram + a, buf, len);
}

static void out(uint16_t port, uint8_t v)
{
    iobus_write(&bus, port, 1, v);
}

static uint16_t in16(uint16_t port)
{
    uint16_t lo = (uint16_t)iobus_read(&bus, port, 1);
    return (uint16_t)(lo | iobus_read(&bus, port, 1) << 8);
}

static void setup(void)
{
    memset(ram, 0, sizeof ram);
    iobus_init(&bus);
    ck_assert_int_eq(i8237_init(&dma, &bus, mem_read, mem_write, NULL, NULL), 0);
}

/* Channel 5 (controller 2 register pair 1, page port 0x8B). */
static void program5(uint8_t mode, uint16_t addr, uint16_t count, uint8_t page)
{
    out(0xD4, 0x05);            /* mask 5 */
    out(0xD6, (uint8_t)(mode | 1));
    out(0xD8, 0);
    out(0xC4, (uint8_t)addr);
    out(0xC4, (uint8_t)(addr >> 8));
    out(0xC6, (uint8_t)count);
    out(0xC6, (uint8_t)(count >> 8));
    out(0x8B, page);
    out(0xD4, 0x01);            /* unmask 5 */
}

START_TEST(word_addressing)
{
    uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    /* Page 0x05: bit 0 ignored, so A17-A23 = 0x04 -> 0x40000; address
     * register 0x1000 words -> byte 0x2000. Count 3: four words. */
    program5(0x44, 0x1000, 3, 0x05);
    int tc = 0;
    ck_assert_uint_eq(i8237_write_memory(&dma, 5, data, 8, &tc), 8);
    ck_assert_int_eq(tc, 1);
    ck_assert_mem_eq(ram + 0x42000, data, 8);
    out(0xD8, 0);
    ck_assert_uint_eq(in16(0xC4), 0x1004);   /* advanced by words */
    ck_assert_uint_eq(in16(0xC6), 0xFFFF);
    ck_assert_uint_eq(iobus_read(&bus, 0xD0, 1) & 0x0F, 0x02);   /* TC on channel 5 */
    ck_assert_uint_eq(iobus_read(&bus, 0xDE, 1) & 0x02, 0x02);   /* masked itself */
}
END_TEST

START_TEST(word_wrap_and_decrement)
{
    uint8_t data[4] = { 0xA1, 0xA2, 0xB1, 0xB2 };
    int tc = 0;
    /* Address 0xFFFF words: the second word wraps to word 0 of the same
     * 128 KiB block (page 0x02 -> 0x20000), not into the next one. */
    program5(0x44, 0xFFFF, 1, 0x02);
    ck_assert_uint_eq(i8237_write_memory(&dma, 5, data, 4, &tc), 4);
    ck_assert_uint_eq(ram[0x3FFFE], 0xA1);
    ck_assert_uint_eq(ram[0x3FFFF], 0xA2);
    ck_assert_uint_eq(ram[0x20000], 0xB1);
    ck_assert_uint_eq(ram[0x20001], 0xB2);
    ck_assert_uint_eq(ram[0x40000], 0);
    /* Decrement: word n at address - n, bytes of a word in order. */
    program5(0x64, 0x0010, 1, 0x00);
    ck_assert_uint_eq(i8237_write_memory(&dma, 5, data, 4, &tc), 4);
    ck_assert_uint_eq(ram[0x20], 0xA1);
    ck_assert_uint_eq(ram[0x21], 0xA2);
    ck_assert_uint_eq(ram[0x1E], 0xB1);
    ck_assert_uint_eq(ram[0x1F], 0xB2);
}
END_TEST

START_TEST(read_transfer_stops_at_tc)
{
    for (int i = 0; i < 16; i++)
        ram[0x60000 + i] = (uint8_t)(0x30 + i);
    uint8_t got[16];
    memset(got, 0, sizeof got);
    int tc = 0;
    program5(0x58, 0x0000, 2, 0x06);   /* read, auto-init, three words */
    ck_assert_uint_eq(i8237_read_memory(&dma, 5, got, 16, &tc), 6);
    ck_assert_int_eq(tc, 1);
    ck_assert_uint_eq(got[5], 0x35);
    ck_assert_uint_eq(got[6], 0);
    out(0xD8, 0);
    ck_assert_uint_eq(in16(0xC4), 0x0000);   /* auto-init reloaded */
    ck_assert_uint_eq(in16(0xC6), 2);
    /* The wrong direction is counted, not moved. */
    ck_assert_uint_eq(i8237_write_memory(&dma, 5, got, 6, &tc), 6);
    ck_assert_uint_eq(ram[0x60000], 0x30);
}
END_TEST

START_TEST(state_round_trip)
{
    program5(0x44, 0x1234, 0x0FFF, 0x07);
    out(0x87, 0x42);
    struct state_writer w;
    state_writer_init(&w);
    i8237_save(&dma, &w);
    ck_assert(!state_writer_failed(&w));
    struct i8237 copy;
    struct iobus bus2;
    iobus_init(&bus2);
    i8237_init(&copy, &bus2, mem_read, mem_write, NULL, NULL);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(i8237_load(&copy, &r), 0);
    ck_assert_uint_eq(copy.ch[5].cur_addr, 0x1234);
    ck_assert_uint_eq(copy.ch[5].base_count, 0x0FFF);
    ck_assert_uint_eq(copy.page[0xB], 0x07);
    ck_assert_uint_eq(copy.page[0x7], 0x42);
    ck_assert_uint_eq(copy.mask[1], dma.mask[1]);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8237");
    TCase *tc = tcase_create("dma");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, word_addressing);
    tcase_add_test(tc, word_wrap_and_decrement);
    tcase_add_test(tc, read_transfer_stops_at_tc);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
