/* fw_cfg's DMA interface (QEMU's docs/specs/fw_cfg.rst): the ID bit, the
 * "QEMU CFG" signature at 0x514, descriptors in guest memory (big-endian)
 * started by the low half of the address register, select/read/skip, the
 * shared offset with the port interface, zeros past an item's end, and
 * the error bit for writes. The -kernel option ROM and SeaBIOS both use
 * it (roms/linuxboot.asm; the firmware boot tests run them). */
#include <check.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "check_run.h"

static uint8_t ram[1u << 16];
static struct fw_cfg cfg;
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

static uint32_t be32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

static void put_be32(uint32_t addr, uint32_t v)
{
    ram[addr] = (uint8_t)(v >> 24);
    ram[addr + 1] = (uint8_t)(v >> 16);
    ram[addr + 2] = (uint8_t)(v >> 8);
    ram[addr + 3] = (uint8_t)v;
}

static uint32_t get_be32(uint32_t addr)
{
    return (uint32_t)ram[addr] << 24 | (uint32_t)ram[addr + 1] << 16 |
           (uint32_t)ram[addr + 2] << 8 | ram[addr + 3];
}

#define DESC 0x1000u
#define BUF 0x2000u
#define ITEM 0x0011     /* FW_CFG_KERNEL_DATA: any numbered key */

/* Write a descriptor at DESC and start it as a guest does: high half 0,
 * then the low half (both as OUTs of the big-endian value). Returns the
 * control word the device left. */
static uint32_t dma(uint32_t control, uint32_t length, uint32_t address)
{
    put_be32(DESC, control);
    put_be32(DESC + 4, length);
    put_be32(DESC + 8, 0);
    put_be32(DESC + 12, address);
    iobus_write(&bus, 0x514, 4, 0);
    iobus_write(&bus, 0x518, 4, be32(DESC));
    return get_be32(DESC);
}

static void setup(void)
{
    memset(ram, 0xAA, sizeof ram);
    iobus_init(&bus);
    ck_assert_int_eq(fw_cfg_init(&cfg, &bus, NULL), 0);
    ck_assert_int_eq(fw_cfg_add_bytes(&cfg, ITEM, "hello world", 11), 0);
}

static void teardown(void)
{
    fw_cfg_free(&cfg);
}

static uint32_t port_read32(uint16_t key)
{
    iobus_write(&bus, 0x510, 2, key);
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= iobus_read(&bus, 0x511, 1) << (8 * i);
    return v;
}

START_TEST(id_says_dma_once_given_memory)
{
    ck_assert_uint_eq(port_read32(FW_CFG_ID), FW_CFG_ID_TRADITIONAL);
    /* Without memory the DMA registers do nothing: no signature, and a
     * descriptor is not touched. */
    ck_assert_uint_eq(iobus_read(&bus, 0x514, 1), 0xFF);
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16, 5, BUF),
                      FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16);
    ck_assert_uint_eq(ram[BUF], 0xAA);

    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    ck_assert_uint_eq(port_read32(FW_CFG_ID), FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
}
END_TEST

START_TEST(signature_reads_as_a_string)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    char sig[9] = { 0 };
    for (int i = 0; i < 8; i++)
        sig[i] = (char)iobus_read(&bus, (uint16_t)(0x514 + i), 1);
    ck_assert_str_eq(sig, "QEMU CFG");
    /* A 32-bit read gives the bytes in address order. */
    ck_assert_uint_eq(iobus_read(&bus, 0x518, 4), 0x47464320u);   /* " CFG" */
}
END_TEST

START_TEST(select_read_and_continue)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16, 5, BUF), 0);
    ck_assert_int_eq(memcmp(ram + BUF, "hello", 5), 0);
    ck_assert_uint_eq(ram[BUF + 5], 0xAA);
    /* No SELECT: the same item, from where the last transfer stopped. */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 3, BUF + 0x100), 0);
    ck_assert_int_eq(memcmp(ram + BUF + 0x100, " wo", 3), 0);
    /* The port interface shares the offset. */
    ck_assert_uint_eq(iobus_read(&bus, 0x511, 1), 'r');
    ck_assert_uint_eq(cfg.dma_bytes, 8);
    ck_assert_uint_eq(cfg.dma_transfers, 2);
}
END_TEST

START_TEST(skip_then_read)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP | ITEM << 16, 6, BUF), 0);
    ck_assert_uint_eq(ram[BUF], 0xAA);   /* a skip writes nothing */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 5, BUF), 0);
    ck_assert_int_eq(memcmp(ram + BUF, "world", 5), 0);
}
END_TEST

START_TEST(past_the_end_reads_zeros)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    /* 11 bytes of item, then 300 zeros (more than the device's zero
     * chunk), and nothing after the transfer's end. */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16, 311, BUF), 0);
    ck_assert_int_eq(memcmp(ram + BUF, "hello world", 11), 0);
    for (unsigned i = 11; i < 311; i++)
        ck_assert_uint_eq(ram[BUF + i], 0);
    ck_assert_uint_eq(ram[BUF + 311], 0xAA);
    /* An item that does not exist reads as zeros too. */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | 0x7777u << 16, 4, BUF + 0x400), 0);
    ck_assert_uint_eq(ram[BUF + 0x400], 0);
    ck_assert_uint_eq(ram[BUF + 0x403], 0);
}
END_TEST

START_TEST(select_only_and_write_error)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    /* SELECT alone: the selector moves, the length is ignored. */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | ITEM << 16, 100, BUF), 0);
    ck_assert_uint_eq(cfg.selector, ITEM);
    ck_assert_uint_eq(ram[BUF], 0xAA);
    ck_assert_uint_eq(iobus_read(&bus, 0x511, 1), 'h');
    /* Items are read-only: a write sets the error bit and changes nothing. */
    ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE | ITEM << 16, 2, BUF),
                      FW_CFG_DMA_CTL_ERROR);
    ck_assert_int_eq(memcmp(cfg.items[0].data, "QEMU", 4), 0);
    ck_assert_uint_eq(port_read32(ITEM), 0x6c6c6568u);   /* "hell" */
}
END_TEST

START_TEST(high_address_register)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    /* A descriptor above 4 GiB cannot be in this machine's memory: the
     * transfer is not started. */
    put_be32(DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16);
    put_be32(DESC + 4, 5);
    put_be32(DESC + 8, 0);
    put_be32(DESC + 12, BUF);
    iobus_write(&bus, 0x514, 4, be32(1));
    iobus_write(&bus, 0x518, 4, be32(DESC));
    ck_assert_uint_eq(ram[BUF], 0xAA);
    ck_assert_uint_ne(get_be32(DESC), 0);
    /* A destination past 4 GiB is an error the descriptor reports. */
    iobus_write(&bus, 0x514, 4, 0);
    put_be32(DESC + 8, 1);
    iobus_write(&bus, 0x518, 4, be32(DESC));
    ck_assert_uint_eq(get_be32(DESC), FW_CFG_DMA_CTL_ERROR);
    /* Only 32-bit writes count: a byte write to the low half starts nothing. */
    put_be32(DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | ITEM << 16);
    put_be32(DESC + 8, 0);
    iobus_write(&bus, 0x518, 1, 0);
    ck_assert_uint_ne(get_be32(DESC), 0);
    ck_assert_uint_eq(ram[BUF], 0xAA);
    /* A reset clears the high half. */
    iobus_write(&bus, 0x514, 4, be32(1));
    fw_cfg_reset(&cfg);
    iobus_write(&bus, 0x518, 4, be32(DESC));
    ck_assert_uint_eq(get_be32(DESC), 0);
    ck_assert_int_eq(memcmp(ram + BUF, "hello", 5), 0);
}
END_TEST

START_TEST(state_keeps_the_high_half)
{
    fw_cfg_set_dma_mem(&cfg, mem_read, mem_write, NULL);
    iobus_write(&bus, 0x514, 4, be32(0x12345678));
    struct state_writer w;
    state_writer_init(&w);
    fw_cfg_save(&cfg, &w);
    ck_assert_int_eq(w.failed, 0);
    fw_cfg_reset(&cfg);
    ck_assert_uint_eq(cfg.dma_addr_high, 0);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(fw_cfg_load(&cfg, &r), 0);
    ck_assert_uint_eq(cfg.dma_addr_high, 0x12345678);
    state_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fw_cfg");
    TCase *tc = tcase_create("dma");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, id_says_dma_once_given_memory);
    tcase_add_test(tc, signature_reads_as_a_string);
    tcase_add_test(tc, select_read_and_continue);
    tcase_add_test(tc, skip_then_read);
    tcase_add_test(tc, past_the_end_reads_zeros);
    tcase_add_test(tc, select_only_and_write_error);
    tcase_add_test(tc, high_address_register);
    tcase_add_test(tc, state_keeps_the_high_half);
    suite_add_tcase(s, tc);
    return check_run(s);
}
