/* The board's ACPI tables, written by shadow86 (ACPI 6.4 chapter 5):
 *
 *   RSDP (revision 0, 20 bytes) -> RSDT -> FADT (revision 3) -> FACS, DSDT
 *
 * The FADT describes the PIIX4 PM block (devices/acpi_pm.h): PM1a event
 * and control blocks, the 24-bit PM timer, SCI on IRQ 9, no SMI_CMD (the
 * board is always in ACPI mode), the RTC century byte, IAPC_BOOT_ARCH with
 * legacy devices and an 8042, and RESET_REG = byte 0x06 to port 0xCF9. The
 * DSDT, built with machine/acpi_aml.h, holds \_S5 (SLP_TYP 0: PIIX4 soft
 * off) and the PCI root with the ISA devices firmware and Linux look for
 * (keyboard PNP0303 — SeaBIOS skips its PS/2 set-up without it — mouse,
 * RTC, COM1/COM2).
 *
 * With the APIC board the RSDT also points to a MADT (5.2.12: the local
 * APIC, the I/O APIC with GSI base 0, overrides IRQ 0 → GSI 2 and SCI
 * IRQ 9 level/active-high, LINT1 as NMI) and an HPET table (IA-PC HPET
 * 1.0a, 3.2.4).
 *
 * Everything but the RSDP is one blob ("etc/acpi/tables" for SeaBIOS):
 * FACS first (it must be 64-byte aligned), then DSDT, FADT and RSDT. The
 * pointers between tables are addresses `base` + offset: with base 0 they
 * are the offsets a firmware linker expects, with the blob's physical
 * address they are final. Checksums are right for the given base.
 */
#ifndef SHADOW86_MACHINE_ACPI_TABLES_H
#define SHADOW86_MACHINE_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_SIZE 20
#define ACPI_TABLES_MAX 4096
#define ACPI_HEADER_SIZE 36
#define ACPI_FADT_SIZE 244          /* revision 3 (ACPI 2.0/3.0 layout) */
#define ACPI_FACS_SIZE 64
#define ACPI_RSDT_SIZE (ACPI_HEADER_SIZE + 4)   /* with one entry (no APIC) */
#define ACPI_RSDT_MAX_ENTRIES 3                   /* FADT, MADT, HPET */
#define ACPI_HPET_SIZE 56

/* FADT field offsets (ACPI 6.4 table 5.9) the loaders and tests use. */
#define ACPI_FADT_FIRMWARE_CTRL 36
#define ACPI_FADT_DSDT 40
#define ACPI_FADT_SCI_INT 46
#define ACPI_FADT_SMI_CMD 48
#define ACPI_FADT_PM1A_EVT_BLK 56
#define ACPI_FADT_PM1A_CNT_BLK 64
#define ACPI_FADT_PM_TMR_BLK 76
#define ACPI_FADT_PM1_EVT_LEN 88
#define ACPI_FADT_PM1_CNT_LEN 89
#define ACPI_FADT_PM_TMR_LEN 91
#define ACPI_FADT_CENTURY 108
#define ACPI_FADT_IAPC_BOOT_ARCH 109
#define ACPI_FADT_FLAGS 112
#define ACPI_FADT_RESET_REG 116
#define ACPI_FADT_RESET_VALUE 128

/* What the tables describe. */
struct acpi_board {
    uint16_t pm_base;      /* PM1a_EVT_BLK; CNT at +4, TMR at +8 */
    uint8_t sci_irq;
    uint8_t s5_slp_typ;
    uint16_t reset_port;
    uint8_t reset_value;
    uint8_t century;       /* CMOS index of the century byte */
    uint32_t pci_mem_start;  /* the PCI memory window: from here (the end of
                                RAM) to 0xFEBFFFFF */
    /* The APIC board (0: PIC only, no MADT): local APIC base, I/O APIC
     * ID and base; an HPET at hpet_base when nonzero. */
    uint8_t apic;
    uint32_t lapic_base, ioapic_base, hpet_base;
    uint8_t ioapic_id;
    uint32_t hpet_block_id;  /* the HPET's capabilities, low 32 bits */
    uint8_t ncpus;           /* processors in the MADT, APIC IDs 0..ncpus-1 */
};

struct acpi_tables {
    uint8_t rsdp[ACPI_RSDP_SIZE];
    uint8_t blob[ACPI_TABLES_MAX];
    uint32_t len;                               /* bytes of blob used */
    uint32_t facs, dsdt, fadt, rsdt;            /* offsets in blob */
    uint32_t madt, hpet;                        /* offsets, 0 when absent */
    uint32_t dsdt_len, madt_len, rsdt_len;
};

/* Build the tables with the blob at physical address `base` (0 for the
 * firmware linker). Returns 0, or -1 if they did not fit (a bug). */
int acpi_tables_build(struct acpi_tables *t, const struct acpi_board *b, uint32_t base);

/* The 8-bit sum of n bytes (0 for a table with a right checksum). */
uint8_t acpi_checksum(const uint8_t *p, size_t n);

/* QEMU's BIOS linker/loader script ("etc/table-loader"), which SeaBIOS
 * runs (romfile_loader_execute): allocate "etc/acpi/rsdp" in the F segment
 * and "etc/acpi/tables" in high memory, patch the pointers (RSDP->RSDT,
 * RSDT->FADT, FADT->FACS, FADT->DSDT) and fix the checksums. 128-byte
 * entries; returns the script's length in `out` (at most
 * ACPI_LOADER_MAX bytes). The tables must have been built with base 0. */
#define ACPI_LOADER_ENTRY 128
#define ACPI_LOADER_MAX (14 * ACPI_LOADER_ENTRY)
#define ACPI_LOADER_FILE_RSDP "etc/acpi/rsdp"
#define ACPI_LOADER_FILE_TABLES "etc/acpi/tables"
#define ACPI_LOADER_FILE_SCRIPT "etc/table-loader"
size_t acpi_tables_loader_script(const struct acpi_tables *t, uint8_t *out);

#endif
