/* ACPI: the PIIX4 PM function (PM timer rate and wrap against the virtual
 * clock, TMR_STS and the SCI, the power button, sleep requests, the PCI
 * decode of the block), the AML builder, the tables and their checksums,
 * the firmware linker script (run here as SeaBIOS runs it), and whole
 * machines: SeaBIOS installing the tables, and a direct-boot guest that
 * powers the machine off. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "machine/acpi_aml.h"
#include "machine/acpi_tables.h"
#include "machine/board_acpi.h"
#include "machine/machine.h"
#include "tests/unit/dev_harness.h"

static struct harness h;
static struct iobus bus;
static struct pci_bus pci;
static struct acpi_pm pm;
static int poweroffs;
static char err[MACHINE_ERR_MAX];

static void count_poweroff(void *opaque)
{
    (void)opaque;
    poweroffs++;
}

static void setup(void)
{
    harness_init(&h);
    iobus_init(&bus);
    pci_bus_init(&pci, NULL);
    poweroffs = 0;
    ck_assert_int_eq(acpi_pm_init(&pm, &bus, &h.clock, harness_line(&h, ACPI_PM_SCI_IRQ),
                                  count_poweroff, NULL, NULL),
                     0);
    ck_assert_int_eq(pci_bus_add(&pci, &pm.fn, ACPI_PM_DEVFN), 0);
    acpi_pm_firmware_setup(&pm, ACPI_PM_IO_BASE);
}

static uint32_t pm_in(unsigned off, unsigned size)
{
    return iobus_read(&bus, (uint16_t)(ACPI_PM_IO_BASE + off), size);
}

static void pm_out(unsigned off, unsigned size, uint32_t v)
{
    iobus_write(&bus, (uint16_t)(ACPI_PM_IO_BASE + off), size, v);
}

/* The first ns at which the 3.579545 MHz count reaches `ticks`. */
static uint64_t ticks_ns(uint64_t ticks)
{
    return (ticks * CLOCK_NS_PER_SEC + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

static void advance_to(uint64_t ns)
{
    uint64_t now = clock_now(&h.clock);
    if (ns > now)
        harness_advance(&h, ns - now);
}

START_TEST(pm_timer_counts_at_3579545_hz_of_virtual_time)
{
    setup();
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), 0);
    advance_to(CLOCK_NS_PER_SEC);                       /* 1 s */
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), ACPI_PM_TIMER_HZ);
    advance_to(CLOCK_NS_PER_SEC + 1000);                /* + 1 us: 3.58 ticks */
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), ACPI_PM_TIMER_HZ + 3);
    /* Byte reads of the same register agree with the dword. */
    uint32_t v = pm_in(ACPI_PM_TMR, 4);
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 1) | pm_in(ACPI_PM_TMR + 1, 1) << 8 |
                          pm_in(ACPI_PM_TMR + 2, 1) << 16 | pm_in(ACPI_PM_TMR + 3, 1) << 24,
                      v);
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR + 3, 1), 0);   /* 24-bit counter */
}
END_TEST

START_TEST(pm_timer_wraps_at_24_bits)
{
    setup();
    advance_to(ticks_ns(0xFFFFFFu));
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), 0xFFFFFFu);
    advance_to(ticks_ns(0x1000000u + 5));
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), 5);
    /* Far out (an hour of virtual time): still exact, no overflow. */
    uint64_t hour = 3600ull * CLOCK_NS_PER_SEC;
    advance_to(hour);
    ck_assert_uint_eq(pm_in(ACPI_PM_TMR, 4), (3600ull * ACPI_PM_TIMER_HZ) & 0xFFFFFFu);
}
END_TEST

START_TEST(tmr_sts_follows_bit_23_and_raises_sci_when_enabled)
{
    setup();
    /* No TMR_EN: nothing is armed, even though TMR_STS will latch. */
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);
    advance_to(ticks_ns(1u << 23) - 20);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, 0);
    advance_to(ticks_ns(1u << 23) + 20);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, ACPI_PM1_TMR);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
    /* Enabling with the status set raises the SCI at once. */
    pm_out(ACPI_PM1_EN, 2, ACPI_PM1_TMR);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    /* Write 1 to clear: the line drops and a timer waits for the next change. */
    pm_out(ACPI_PM1_STS, 2, ACPI_PM1_TMR);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, 0);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
    uint64_t due = clock_next_deadline(&h.clock);
    ck_assert_uint_eq(due, ticks_ns(2u << 23));
    advance_to(due - 10);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
    advance_to(due + 10);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    ck_assert_int_eq(h.rises[ACPI_PM_SCI_IRQ], 2);
    /* The wrap of the 24-bit counter is a change of bit 23 too. */
    pm_out(ACPI_PM1_STS, 2, ACPI_PM1_TMR);
    ck_assert_uint_eq(clock_next_deadline(&h.clock), ticks_ns(3u << 23));
    advance_to(ticks_ns(3u << 23) + 10);
    pm_out(ACPI_PM1_STS, 2, ACPI_PM1_TMR);
    advance_to(ticks_ns(4u << 23) + 10);
    ck_assert_uint_lt(pm_in(ACPI_PM_TMR, 4), 4);   /* 4 << 23 = 2^25: wrapped */
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    /* Disabling cancels the timer and drops the line. */
    pm_out(ACPI_PM1_EN, 2, 0);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
    ck_assert_uint_eq(clock_next_deadline(&h.clock), CLOCK_NEVER);
}
END_TEST

START_TEST(power_button_status_and_sci)
{
    setup();
    acpi_pm_press_power_button(&pm);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2) & ACPI_PM1_PWRBTN, ACPI_PM1_PWRBTN);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
    /* Enable through the high byte alone. */
    pm_out(ACPI_PM1_EN + 1, 1, ACPI_PM1_PWRBTN >> 8);
    ck_assert_uint_eq(pm_in(ACPI_PM1_EN, 2), ACPI_PM1_PWRBTN);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    /* Only PIIX4's enables stick: TMR, GBL, PWRBTN, RTC (an OS checks
     * that the ones it needs do). */
    pm_out(ACPI_PM1_EN, 2, 0xFFFF);
    ck_assert_uint_eq(pm_in(ACPI_PM1_EN, 2), 0x0521);
    pm_out(ACPI_PM1_EN, 2, ACPI_PM1_PWRBTN);
    /* Writing 0s clears nothing; a byte write of 1 to the high half does. */
    pm_out(ACPI_PM1_STS, 2, 0);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    pm_out(ACPI_PM1_STS + 1, 1, ACPI_PM1_PWRBTN >> 8);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2) & ACPI_PM1_PWRBTN, 0);
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 0);
}
END_TEST

START_TEST(sleep_type_0_powers_off_others_are_ignored)
{
    setup();
    /* SCI_EN reads 1 whatever is written (no SMI_CMD: always ACPI mode). */
    pm_out(ACPI_PM1_CNT, 2, 0);
    ck_assert_uint_eq(pm_in(ACPI_PM1_CNT, 2), ACPI_PM1_SCI_EN);
    /* SLP_TYP alone is kept; SLP_EN reads 0. */
    pm_out(ACPI_PM1_CNT, 2, 5u << ACPI_PM1_SLP_TYP_SHIFT);
    ck_assert_uint_eq(pm_in(ACPI_PM1_CNT, 2), (5u << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SCI_EN);
    ck_assert_int_eq(poweroffs, 0);
    pm_out(ACPI_PM1_CNT, 2, (1u << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);   /* S1-ish */
    ck_assert_int_eq(poweroffs, 0);
    ck_assert_uint_eq(pm_in(ACPI_PM1_CNT, 2) & ACPI_PM1_SLP_EN, 0);
    pm_out(ACPI_PM1_CNT, 2, (ACPI_PM_SLP_TYP_S5 << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
    ck_assert_int_eq(poweroffs, 1);
}
END_TEST

START_TEST(block_follows_pmba_and_pmiose)
{
    harness_init(&h);
    iobus_init(&bus);
    pci_bus_init(&pci, NULL);
    ck_assert_int_eq(acpi_pm_init(&pm, &bus, &h.clock, harness_line(&h, ACPI_PM_SCI_IRQ),
                                  count_poweroff, NULL, NULL),
                     0);
    ck_assert_int_eq(pci_bus_add(&pci, &pm.fn, ACPI_PM_DEVFN), 0);
    /* Power-on: 8086:7113, PMBA 1 (I/O indicator), not decoded, and
     * DEVACTB.APMC_EN set so firmware skips SMM set-up. */
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, 0, 4), 0x71138086u);
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, 0x08, 4) >> 8, 0x068000u);
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMBA, 4), 1);
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_DEVACTB, 4) &
                          ACPI_PM_DEVACTB_APMC_EN,
                      ACPI_PM_DEVACTB_APMC_EN);
    ck_assert_uint_eq(iobus_read(&bus, 0x608, 2), 0xFFFF);
    /* What SeaBIOS does: PMBA = 0xB000, then PMIOSE. */
    pci_config_write(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMBA, 4, 0xB001);
    ck_assert_uint_eq(iobus_read(&bus, 0xB004, 2), 0xFFFF);
    pci_config_write(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMREGMISC, 1, 1);
    ck_assert_uint_eq(iobus_read(&bus, 0xB004, 2), ACPI_PM1_SCI_EN);
    /* The low bits of PMBA are not writable (64-byte block). */
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMBA, 4), 0xB001);
    pci_config_write(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMBA, 4, 0xC03F);
    ck_assert_uint_eq(pci_config_read(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMBA, 4), 0xC001);
    ck_assert_uint_eq(iobus_read(&bus, 0xB004, 2), 0xFFFF);
    ck_assert_uint_eq(iobus_read(&bus, 0xC004, 2), ACPI_PM1_SCI_EN);
    pci_config_write(&pci, ACPI_PM_DEVFN, ACPI_PM_CFG_PMREGMISC, 1, 0);
    ck_assert_uint_eq(iobus_read(&bus, 0xC004, 2), 0xFFFF);
    /* Reset forgets the set-up. */
    acpi_pm_firmware_setup(&pm, 0x600);
    ck_assert_uint_eq(iobus_read(&bus, 0x604, 2), ACPI_PM1_SCI_EN);
    acpi_pm_reset(&pm);
    ck_assert_uint_eq(iobus_read(&bus, 0x604, 2), 0xFFFF);
}
END_TEST

START_TEST(state_round_trip)
{
    setup();
    acpi_pm_press_power_button(&pm);
    pm_out(ACPI_PM1_EN, 2, ACPI_PM1_TMR | ACPI_PM1_RTC);
    pm_out(ACPI_PM1_CNT, 2, 3u << ACPI_PM1_SLP_TYP_SHIFT);
    advance_to(ticks_ns(1u << 23) + 50);          /* TMR_STS latched, SCI up */
    ck_assert_int_eq(h.level[ACPI_PM_SCI_IRQ], 1);
    struct state_writer w;
    state_writer_init(&w);
    acpi_pm_save(&pm, &w);
    ck_assert(!state_writer_failed(&w));
    uint16_t sts = (uint16_t)pm_in(ACPI_PM1_STS, 2), en = (uint16_t)pm_in(ACPI_PM1_EN, 2),
             cnt = (uint16_t)pm_in(ACPI_PM1_CNT, 2);
    /* Change everything, then load the record back. */
    pm_out(ACPI_PM1_STS, 2, 0xFFFF);
    pm_out(ACPI_PM1_EN, 2, 0);
    pm_out(ACPI_PM1_CNT, 2, 0);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(acpi_pm_load(&pm, &r), 0);
    ck_assert_uint_eq(pm_in(ACPI_PM1_STS, 2), sts);
    ck_assert_uint_eq(sts, ACPI_PM1_PWRBTN | ACPI_PM1_TMR);
    ck_assert_uint_eq(pm_in(ACPI_PM1_EN, 2), en);
    ck_assert_uint_eq(pm_in(ACPI_PM1_CNT, 2), cnt);
    /* A truncated record is refused. */
    state_reader_init(&r, w.buf, w.len - 3);
    ck_assert_int_ne(acpi_pm_load(&pm, &r), 0);
    state_writer_free(&w);
}
END_TEST

/* ------------------------------------------------------------ AML, tables */

START_TEST(aml_encodings)
{
    struct aml a;
    aml_init(&a);
    /* Name(\_S5, Package(4){0,0,0,0}) as iasl writes it. */
    aml_name(&a, "\\_S5");
    aml_package(&a, 4);
    for (int i = 0; i < 4; i++)
        aml_integer(&a, 0);
    aml_close(&a);
    static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    ck_assert_uint_eq(a.len, sizeof s5);
    ck_assert_int_eq(memcmp(a.b, s5, sizeof s5), 0);

    aml_init(&a);
    aml_eisaid(&a, "PNP0303");
    aml_integer(&a, 0x2A);
    aml_integer(&a, 0x1234);
    aml_integer(&a, 0x00010000);
    aml_namestring(&a, "PCI0.ISA");
    static const uint8_t ints[] = { 0x0C, 0x41, 0xD0, 0x03, 0x03, 0x0A, 0x2A, 0x0B, 0x34, 0x12,
                                    0x0C, 0x00, 0x00, 0x01, 0x00, 0x2E, 'P', 'C', 'I', '0',
                                    'I', 'S', 'A', '_' };
    ck_assert_uint_eq(a.len, sizeof ints);
    ck_assert_int_eq(memcmp(a.b, ints, sizeof ints), 0);

    /* A body of 100 bytes ("\\_SB_" and 95 NoopOps) needs a two-byte
     * PkgLength: 102 = 0x66. */
    aml_init(&a);
    aml_scope(&a, "\\_SB");
    for (int i = 0; i < 95; i++)
        aml_byte(&a, 0xA3);   /* NoopOp */
    aml_close(&a);
    ck_assert_uint_eq(a.len, 1 + 2 + 100);
    ck_assert_uint_eq(a.b[1], 0x46);
    ck_assert_uint_eq(a.b[2], 0x06);
    ck_assert_uint_eq(a.b[3], '\\');
    ck_assert_int_eq(a.overflow, 0);

    /* Resource descriptors stop at their buffer's end, and say so. */
    struct aml_res r;
    aml_res_init(&r);
    aml_res_word(&r, AML_RES_IO, 0x0D00, 0xFFFF);
    static const uint8_t wordio[] = { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00,
                                      0x00, 0x0D, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xF3 };
    ck_assert_uint_eq(r.len, sizeof wordio);
    ck_assert_int_eq(memcmp(r.b, wordio, sizeof wordio), 0);
    for (int i = 0; i < 10; i++)
        aml_res_dword_memory(&r, 0x1000, 0x1FFF);
    ck_assert_uint_eq(r.len, AML_RES_MAX);
    ck_assert_int_eq(r.overflow, 1);
    aml_init(&a);
    aml_resources(&a, &r);
    ck_assert_int_eq(a.overflow, 1);
}
END_TEST

static const struct acpi_board board = {
    .pm_base = 0x600, .sci_irq = 9, .s5_slp_typ = 0,
    .reset_port = 0xCF9, .reset_value = 6, .century = 0x32, .pci_mem_start = 0x08000000,
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

START_TEST(tables_are_consistent_with_right_checksums)
{
    static struct acpi_tables t;
    const uint32_t base = 0x7FE0040;
    ck_assert_int_eq(acpi_tables_build(&t, &board, base), 0);
    ck_assert_int_eq(memcmp(t.rsdp, "RSD PTR ", 8), 0);
    ck_assert_uint_eq(acpi_checksum(t.rsdp, ACPI_RSDP_SIZE), 0);
    ck_assert_uint_eq(t.rsdp[15], 0);                       /* revision 0 */
    ck_assert_uint_eq(rd32(t.rsdp + 16), base + t.rsdt);

    const uint8_t *rsdt = t.blob + t.rsdt;
    ck_assert_int_eq(memcmp(rsdt, "RSDT", 4), 0);
    ck_assert_uint_eq(rd32(rsdt + 4), ACPI_RSDT_SIZE);
    ck_assert_uint_eq(acpi_checksum(rsdt, ACPI_RSDT_SIZE), 0);
    ck_assert_uint_eq(rd32(rsdt + 36), base + t.fadt);

    const uint8_t *f = t.blob + t.fadt;
    ck_assert_int_eq(memcmp(f, "FACP", 4), 0);
    ck_assert_uint_eq(rd32(f + 4), ACPI_FADT_SIZE);
    ck_assert_uint_eq(f[8], 3);
    ck_assert_uint_eq(acpi_checksum(f, ACPI_FADT_SIZE), 0);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_FIRMWARE_CTRL), base + t.facs);
    ck_assert_uint_eq((base + t.facs) % 64, 0);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_DSDT), base + t.dsdt);
    ck_assert_uint_eq(f[ACPI_FADT_SCI_INT], 9);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_SMI_CMD), 0);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_PM1A_EVT_BLK), 0x600);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_PM1A_CNT_BLK), 0x604);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_PM_TMR_BLK), 0x608);
    ck_assert_uint_eq(f[ACPI_FADT_PM1_EVT_LEN], 4);
    ck_assert_uint_eq(f[ACPI_FADT_PM1_CNT_LEN], 2);
    ck_assert_uint_eq(f[ACPI_FADT_PM_TMR_LEN], 4);
    ck_assert_uint_eq(f[ACPI_FADT_CENTURY], 0x32);
    ck_assert_uint_eq(f[ACPI_FADT_IAPC_BOOT_ARCH] & 2, 2);  /* 8042 */
    uint32_t flags = rd32(f + ACPI_FADT_FLAGS);
    ck_assert_uint_eq(flags & (1u << 10), 1u << 10);        /* RESET_REG_SUP */
    ck_assert_uint_eq(flags & (1u << 8), 0);                /* TMR_VAL_EXT: 24 bits */
    ck_assert_uint_eq(flags & (1u << 4), 0);                /* fixed power button */
    ck_assert_uint_eq(f[ACPI_FADT_RESET_REG], 1);           /* system I/O */
    ck_assert_uint_eq(f[ACPI_FADT_RESET_REG + 1], 8);
    ck_assert_uint_eq(rd32(f + ACPI_FADT_RESET_REG + 4), 0xCF9);
    ck_assert_uint_eq(f[ACPI_FADT_RESET_VALUE], 6);
    /* X_PM1a_CNT_BLK repeats the 32-bit block. */
    ck_assert_uint_eq(f[172], 1);
    ck_assert_uint_eq(f[173], 16);
    ck_assert_uint_eq(rd32(f + 176), 0x604);

    const uint8_t *facs = t.blob + t.facs;
    ck_assert_int_eq(memcmp(facs, "FACS", 4), 0);
    ck_assert_uint_eq(rd32(facs + 4), 64);

    const uint8_t *d = t.blob + t.dsdt;
    ck_assert_int_eq(memcmp(d, "DSDT", 4), 0);
    ck_assert_uint_eq(rd32(d + 4), t.dsdt_len);
    ck_assert_uint_eq(acpi_checksum(d, t.dsdt_len), 0);
    /* The DSDT opens with \_S5 = {0, 0, 0, 0} and names the keyboard. */
    static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    ck_assert_int_eq(memcmp(d + 36, s5, sizeof s5), 0);
    static const uint8_t kbd[] = { 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x03, 0x03 };
    ck_assert(contains(d, t.dsdt_len, kbd, sizeof kbd));
    /* The root bridge's windows: buses 0-255 and memory from the end of
     * RAM to 0xFEBFFFFF (length 0xF6C00000). */
    static const uint8_t busnum[] = { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x01 };
    ck_assert(contains(d, t.dsdt_len, busnum, sizeof busnum));
    static const uint8_t mem[] = { 0x00, 0x00, 0x00, 0x08, 0xFF, 0xFF, 0xBF, 0xFE,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0xF6 };
    ck_assert(contains(d, t.dsdt_len, mem, sizeof mem));
}
END_TEST

/* Run the linker script as SeaBIOS's romfile_loader does, with the two
 * files placed at `rsdp_at` and `tables_at`. */
static void run_loader(const uint8_t *script, size_t len, uint8_t *rsdp, uint32_t rsdp_at,
                       uint8_t *tables, uint32_t tables_at)
{
    for (size_t off = 0; off < len; off += ACPI_LOADER_ENTRY) {
        const uint8_t *e = script + off;
        uint32_t cmd = rd32(e);
        const char *f1 = (const char *)e + 4;
        uint8_t *file = strcmp(f1, ACPI_LOADER_FILE_RSDP) == 0 ? rsdp : tables;
        ck_assert(strcmp(f1, ACPI_LOADER_FILE_RSDP) == 0 ||
                  strcmp(f1, ACPI_LOADER_FILE_TABLES) == 0);
        if (cmd == 1) {
            uint32_t align = rd32(e + 60);
            ck_assert_uint_eq((file == rsdp ? rsdp_at : tables_at) % align, 0);
            ck_assert_uint_eq(e[64], file == rsdp ? 2 : 1);   /* FSEG, HIGH */
        } else if (cmd == 2) {
            const char *src = (const char *)e + 60;
            uint32_t at = rd32(e + 116), add = strcmp(src, ACPI_LOADER_FILE_RSDP) == 0
                                                   ? rsdp_at
                                                   : tables_at;
            ck_assert_uint_eq(e[120], 4);
            uint32_t v = rd32(file + at) + add;
            for (int i = 0; i < 4; i++)
                file[at + i] = (uint8_t)(v >> (8 * i));
        } else {
            ck_assert_uint_eq(cmd, 3);
            uint32_t at = rd32(e + 60), start = rd32(e + 64), n = rd32(e + 68);
            file[at] = (uint8_t)(file[at] - acpi_checksum(file + start, n));
        }
    }
}

START_TEST(loader_script_links_to_the_same_tables)
{
    static struct acpi_tables t0, tfinal;
    uint8_t script[ACPI_LOADER_MAX];
    const uint32_t tables_at = 0x07FE0000, rsdp_at = 0x000F6A10;
    ck_assert_int_eq(acpi_tables_build(&t0, &board, 0), 0);
    ck_assert_int_eq(acpi_tables_build(&tfinal, &board, tables_at), 0);
    size_t len = acpi_tables_loader_script(&t0, script);
    ck_assert_uint_eq(len % ACPI_LOADER_ENTRY, 0);
    ck_assert_uint_eq(len, 9 * ACPI_LOADER_ENTRY);
    run_loader(script, len, t0.rsdp, rsdp_at, t0.blob, tables_at);
    /* Linking at an address gives exactly the tables built for it. */
    ck_assert_int_eq(memcmp(t0.blob, tfinal.blob, t0.len), 0);
    ck_assert_int_eq(memcmp(t0.rsdp, tfinal.rsdp, ACPI_RSDP_SIZE), 0);
}
END_TEST

/* ------------------------------------------------------------ machines */

/* Find the RSDP as an OS does (ACPI 6.4 5.2.5.1: 16-byte boundaries of
 * 0xE0000-0xFFFFF) and check the chain to the FADT. Returns the FADT. */
static uint32_t find_fadt(struct machine *m)
{
    uint8_t r[ACPI_RSDP_SIZE];
    for (uint32_t a = 0xE0000; a < 0x100000; a += 16) {
        physmem_read_buf(&m->mem, a, r, sizeof r);
        if (memcmp(r, "RSD PTR ", 8) != 0 || acpi_checksum(r, sizeof r) != 0)
            continue;
        uint8_t hdr[ACPI_RSDT_SIZE];
        physmem_read_buf(&m->mem, rd32(r + 16), hdr, sizeof hdr);
        ck_assert_int_eq(memcmp(hdr, "RSDT", 4), 0);
        ck_assert_uint_eq(acpi_checksum(hdr, sizeof hdr), 0);
        uint32_t fadt = rd32(hdr + 36);
        uint8_t f[ACPI_FADT_SIZE];
        physmem_read_buf(&m->mem, fadt, f, sizeof f);
        ck_assert_int_eq(memcmp(f, "FACP", 4), 0);
        ck_assert_uint_eq(acpi_checksum(f, sizeof f), 0);
        ck_assert_int_eq(memcmp(f + 10, "SHDW86", 6), 0);
        uint8_t dh[8];
        uint32_t dsdt = rd32(f + ACPI_FADT_DSDT);
        physmem_read_buf(&m->mem, dsdt, dh, sizeof dh);
        ck_assert_int_eq(memcmp(dh, "DSDT", 4), 0);
        uint32_t dlen = rd32(dh + 4);
        ck_assert_uint_lt(dlen, 4096);
        uint8_t *dbuf = malloc(dlen);
        ck_assert_ptr_nonnull(dbuf);
        physmem_read_buf(&m->mem, dsdt, dbuf, dlen);
        ck_assert_uint_eq(acpi_checksum(dbuf, dlen), 0);
        free(dbuf);
        return fadt;
    }
    ck_abort_msg("no RSDP with a valid checksum in 0xE0000-0xFFFFF");
    return 0;
}

#define SEABIOS "/usr/share/seabios/bios.bin"

START_TEST(seabios_installs_the_tables_and_the_pm_block)
{
    FILE *f = fopen(SEABIOS, "rb");
    ck_assert_msg(f != NULL, "%s is missing: install the Debian package seabios "
                             "(scripts/setup.sh)", SEABIOS);
    fclose(f);
    struct machine_options o = {
        .ram_mib = 64, .bios_path = SEABIOS, .no_reboot = 1, .max_insns = 6000000,
    };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    enum machine_stop why = machine_run(m);
    ck_assert_int_eq(why, MACHINE_STOP_INSN_LIMIT);
    uint32_t fadt = find_fadt(m);
    /* SeaBIOS put the tables in high RAM, and programmed the PM block
     * where the FADT says it is. */
    ck_assert_uint_gt(fadt, 0x100000);
    ck_assert_uint_eq(physmem_read(&m->mem, fadt + ACPI_FADT_PM1A_CNT_BLK, 4), 0x604);
    ck_assert_uint_eq(iobus_read(&m->bus, 0x604, 2) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN);
    uint32_t t0 = iobus_read(&m->bus, 0x608, 4);
    o.max_insns += 100000;
    m->opts.max_insns = o.max_insns;
    machine_run(m);
    uint32_t t1 = iobus_read(&m->bus, 0x608, 4);
    ck_assert_uint_ne(t0, t1);
    machine_destroy(m);
    free(m);
}
END_TEST

START_TEST(direct_boot_tables_survive_reset_and_guest_powers_off)
{
    FILE *f = fopen(ACPI_OFF_ELF, "rb");
    ck_assert_msg(f != NULL, "%s is missing: build the guest programs first", ACPI_OFF_ELF);
    fclose(f);
    struct machine_options o = {
        .ram_mib = 16, .kernel_path = ACPI_OFF_ELF, .no_reboot = 1, .no_dbt = _i,
    };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(board_acpi_rsdp_addr(m), BOARD_ACPI_RSDP);
    uint32_t fadt = find_fadt(m);
    ck_assert_uint_ge(fadt, BOARD_ACPI_TABLES);
    ck_assert_uint_lt(fadt, 0xE4000);
    /* Scribble over the tables, reset: they are back. */
    physmem_write8(&m->mem, BOARD_ACPI_RSDP, 0);
    machine_reset(m);
    ck_assert_uint_eq(find_fadt(m), fadt);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_POWEROFF);
    machine_destroy(m);
    free(m);
}
END_TEST

static Suite *acpi_suite(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("pm");
    tcase_add_test(tc, pm_timer_counts_at_3579545_hz_of_virtual_time);
    tcase_add_test(tc, pm_timer_wraps_at_24_bits);
    tcase_add_test(tc, tmr_sts_follows_bit_23_and_raises_sci_when_enabled);
    tcase_add_test(tc, power_button_status_and_sci);
    tcase_add_test(tc, sleep_type_0_powers_off_others_are_ignored);
    tcase_add_test(tc, block_follows_pmba_and_pmiose);
    tcase_add_test(tc, state_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("tables");
    tcase_add_test(tc, aml_encodings);
    tcase_add_test(tc, tables_are_consistent_with_right_checksums);
    tcase_add_test(tc, loader_script_links_to_the_same_tables);
    suite_add_tcase(s, tc);
    tc = tcase_create("machine");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, seabios_installs_the_tables_and_the_pm_block);
    tcase_add_loop_test(tc, direct_boot_tables_survive_reset_and_guest_powers_off, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(acpi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
