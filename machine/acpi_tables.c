#include <string.h>

#include "base/endian.h"
#include "machine/acpi_aml.h"
#include "machine/acpi_tables.h"

#define OEM_ID "SHDW86"          /* 6 characters */
#define OEM_TABLE_ID "SHADOW86"  /* 8 */
#define CREATOR_ID "S86 "        /* 4 */

/* FADT Flags (ACPI 6.4 table 5.10). */
#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_SLP_BUTTON (1u << 5)      /* no fixed-feature sleep button */
#define FADT_FIX_RTC (1u << 6)         /* no RTC wake status in the fixed block */
#define FADT_RESET_REG_SUP (1u << 10)
/* TMR_VAL_EXT (bit 8) stays clear: the PM timer is 24 bits. */

/* IAPC_BOOT_ARCH (table 5.11): LEGACY_DEVICES, 8042. */
#define BOOT_ARCH_LEGACY_DEVICES (1u << 0)
#define BOOT_ARCH_8042 (1u << 1)

/* Generic Address Structure address space (table 5.1). */
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1


uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static void set_checksum(uint8_t *table, size_t len, size_t at)
{
    table[at] = 0;
    table[at] = (uint8_t)(0u - acpi_checksum(table, len));
}

/* The common header (5.2.6); the checksum is set once the body is in. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    le32_store(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    le32_store(t + 24, 1);                 /* OEM revision */
    memcpy(t + 28, CREATOR_ID, 4);
    le32_store(t + 32, 1);                 /* creator revision */
}

/* A Generic Address Structure for an I/O register block (5.2.3.2). */
static void gas_io(uint8_t *p, uint16_t port, unsigned bytes)
{
    p[0] = GAS_SYSTEM_IO;
    p[1] = (uint8_t)(8 * bytes);      /* register bit width */
    p[2] = 0;                         /* bit offset */
    p[3] = bytes == 1 ? GAS_ACCESS_BYTE : 0;   /* 0: access size per the register */
    le32_store(p + 4, port);
    le32_store(p + 8, 0);
}

/* An ISA device under \_SB.PCI0.ISA: _HID and a fixed _CRS of up to two
 * I/O ranges and one IRQ. */
static void isa_device(struct aml *a, const char *name, const char *hid, int uid,
                       uint16_t io0, uint8_t n0, uint16_t io1, uint8_t n1, int irq)
{
    struct aml_res crs;
    aml_res_init(&crs);
    aml_device(a, name);
    aml_name(a, "_HID");
    aml_eisaid(a, hid);
    if (uid >= 0) {
        aml_name(a, "_UID");
        aml_integer(a, (uint32_t)uid);
    }
    if (n0)
        aml_res_io(&crs, io0, n0);
    if (n1)
        aml_res_io(&crs, io1, n1);
    if (irq >= 0)
        aml_res_irq(&crs, (unsigned)irq);
    aml_res_end(&crs);
    aml_name(a, "_CRS");
    aml_resources(a, &crs);
    aml_close(a);
}

/* The DSDT's definition block (ACPI 6.4 5.2.11.1 and chapter 7 for \_S5). */
static int build_dsdt_aml(struct aml *a, const struct acpi_board *b)
{
    aml_init(a);

    /* \_S5: {SLP_TYPa, SLP_TYPb, reserved, reserved} (7.4.2). SLP_TYPb is
     * unused: there is no PM1b block. */
    aml_name(a, "\\_S5");
    aml_package(a, 4);
    aml_integer(a, b->s5_slp_typ);
    aml_integer(a, b->s5_slp_typ);
    aml_integer(a, 0);
    aml_integer(a, 0);
    aml_close(a);

    aml_scope(a, "\\_SB");
    /* The PCI root bridge (PNP0A03, segment 0, bus 0) at address 0. */
    aml_device(a, "PCI0");
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0A03");
    aml_name(a, "_ADR");
    aml_integer(a, 0);
    aml_name(a, "_UID");
    aml_integer(a, 0);
    /* What the root bridge decodes (an OS checks BARs against it): buses
     * 0-255, the I/O space but for the PCI configuration ports, which the
     * bridge itself uses, the VGA window, and the memory hole above RAM
     * up to where the firmware and the (absent) I/O APIC live. */
    struct aml_res crs;
    aml_res_init(&crs);
    aml_res_word(&crs, AML_RES_BUS, 0x00, 0xFF);
    aml_res_io(&crs, 0xCF8, 8);
    aml_res_word(&crs, AML_RES_IO, 0x0000, 0x0CF7);
    aml_res_word(&crs, AML_RES_IO, 0x0D00, 0xFFFF);
    aml_res_dword_memory(&crs, 0x000A0000, 0x000BFFFF);
    aml_res_dword_memory(&crs, b->pci_mem_start, 0xFEBFFFFF);
    aml_res_end(&crs);
    aml_name(a, "_CRS");
    aml_resources(a, &crs);
    /* The PIIX3 ISA bridge, device 1 function 0 (_ADR: device << 16 | fn). */
    aml_device(a, "ISA");
    aml_name(a, "_ADR");
    aml_integer(a, 0x00010000);
    isa_device(a, "KBD", "PNP0303", -1, 0x60, 1, 0x64, 1, 1);
    isa_device(a, "MOU", "PNP0F13", -1, 0, 0, 0, 0, 12);
    isa_device(a, "RTC", "PNP0B00", -1, 0x70, 2, 0, 0, 8);
    isa_device(a, "COM1", "PNP0501", 1, 0x3F8, 8, 0, 0, 4);
    isa_device(a, "COM2", "PNP0501", 2, 0x2F8, 8, 0, 0, 3);
    aml_close(a);   /* ISA */
    aml_close(a);   /* PCI0 */
    aml_close(a);   /* \_SB */
    return a->overflow || a->depth ? -1 : 0;
}

static void build_fadt(uint8_t *f, const struct acpi_board *b, uint32_t facs, uint32_t dsdt)
{
    memset(f, 0, ACPI_FADT_SIZE);
    header(f, "FACP", ACPI_FADT_SIZE, 3);
    le32_store(f + ACPI_FADT_FIRMWARE_CTRL, facs);
    le32_store(f + ACPI_FADT_DSDT, dsdt);
    f[45] = 0;                                  /* preferred PM profile: unspecified */
    le16_store(f + ACPI_FADT_SCI_INT, b->sci_irq);
    le32_store(f + ACPI_FADT_SMI_CMD, 0);            /* no SMI_CMD: always in ACPI mode */
    le32_store(f + ACPI_FADT_PM1A_EVT_BLK, b->pm_base);
    le32_store(f + ACPI_FADT_PM1A_CNT_BLK, b->pm_base + 4u);
    le32_store(f + ACPI_FADT_PM_TMR_BLK, b->pm_base + 8u);
    f[ACPI_FADT_PM1_EVT_LEN] = 4;
    f[ACPI_FADT_PM1_CNT_LEN] = 2;
    f[ACPI_FADT_PM_TMR_LEN] = 4;
    /* No GPE blocks (GPE0_BLK/GPE1_BLK and lengths stay 0). */
    le16_store(f + 96, 0x0065);                      /* P_LVL2_LAT > 100: no C2 */
    le16_store(f + 98, 0x03E9);                      /* P_LVL3_LAT > 1000: no C3 */
    f[ACPI_FADT_CENTURY] = b->century;
    le16_store(f + ACPI_FADT_IAPC_BOOT_ARCH, BOOT_ARCH_LEGACY_DEVICES | BOOT_ARCH_8042);
    le32_store(f + ACPI_FADT_FLAGS,
          FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_FIX_RTC | FADT_RESET_REG_SUP);
    gas_io(f + ACPI_FADT_RESET_REG, b->reset_port, 1);
    f[ACPI_FADT_RESET_VALUE] = b->reset_value;
    /* The 64-bit fields of revision 3 repeat the 32-bit blocks, so that an
     * OS reading either sees the same registers. X_FIRMWARE_CTRL and
     * X_DSDT stay 0: the 32-bit pointers are used (5.2.9). */
    gas_io(f + 148, b->pm_base, 4);             /* X_PM1a_EVT_BLK */
    gas_io(f + 172, b->pm_base + 4u, 2);        /* X_PM1a_CNT_BLK */
    gas_io(f + 208, b->pm_base + 8u, 4);        /* X_PM_TMR_BLK */
    set_checksum(f, ACPI_FADT_SIZE, 9);
}

/* MADT (ACPI 6.4 5.2.12): header, local APIC address, flags, then the
 * interrupt controller structures. Returns its length. */
#define MADT_PCAT_COMPAT 1u
#define MADT_ISO_LEVEL_HIGH 0x000Du   /* polarity active high (01), trigger level (11) */
static uint32_t build_madt(uint8_t *t, const struct acpi_board *b)
{
    uint32_t n = ACPI_HEADER_SIZE;
    le32_store(t + n, b->lapic_base);
    le32_store(t + n + 4, MADT_PCAT_COMPAT);   /* 8259s present: mask them to use the APIC */
    n += 8;
    /* Processor local APICs (type 0): UID = APIC ID = index, enabled. */
    for (unsigned k = 0; k < (b->ncpus ? b->ncpus : 1u); k++) {
        t[n] = 0; t[n + 1] = 8; t[n + 2] = (uint8_t)k; t[n + 3] = (uint8_t)k;
        le32_store(t + n + 4, 1);
        n += 8;
    }
    /* I/O APIC (type 1): its ID, address, GSI base 0. */
    t[n] = 1; t[n + 1] = 12; t[n + 2] = b->ioapic_id; t[n + 3] = 0;
    le32_store(t + n + 4, b->ioapic_base);
    le32_store(t + n + 8, 0);
    n += 12;
    /* Interrupt source overrides (type 2): ISA bus 0. */
    static const struct { uint8_t irq; uint8_t gsi; uint16_t flags; } iso[] = {
        { 0, 2, 0 },                         /* the PIT on input 2 */
        /* The lines the PIIX3 can route PCI INTx to (firmware picks among
         * them) and the SCI: levels, active high as the board's lines
         * carry them. Without these an OS takes ISA defaults (edge) and a
         * PCI card's held line interrupts once. */
        { 5, 5, MADT_ISO_LEVEL_HIGH },
        { 9, 9, MADT_ISO_LEVEL_HIGH },       /* the SCI (PIIX4 PM) */
        { 10, 10, MADT_ISO_LEVEL_HIGH },
        { 11, 11, MADT_ISO_LEVEL_HIGH },
    };
    for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++) {
        t[n] = 2; t[n + 1] = 10; t[n + 2] = 0; t[n + 3] = iso[i].irq;
        le32_store(t + n + 4, iso[i].gsi);
        le16_store(t + n + 8, iso[i].flags);
        n += 10;
    }
    /* Local APIC NMI (type 4): every processor (UID 0xFF), LINT1. */
    t[n] = 4; t[n + 1] = 6; t[n + 2] = 0xFF;
    le16_store(t + n + 3, 0);
    t[n + 5] = 1;
    n += 6;
    header(t, "APIC", n, 3);
    set_checksum(t, n, 9);
    return n;
}

/* HPET description table (IA-PC HPET 1.0a, 3.2.4): the event timer block
 * ID as the capabilities register's low half has it, the base as a GAS
 * in system memory, HPET number 0, minimum periodic tick. */
static void build_hpet(uint8_t *t, const struct acpi_board *b, uint32_t block_id)
{
    memset(t, 0, ACPI_HPET_SIZE);
    le32_store(t + 36, block_id);
    t[40] = 0;        /* system memory */
    t[41] = 64;       /* register width */
    le32_store(t + 44, b->hpet_base);
    t[52] = 0;        /* HPET number */
    le16_store(t + 53, 0x80);   /* minimum clock tick in periodic mode */
    t[55] = 0;        /* no page protection information */
    header(t, "HPET", ACPI_HPET_SIZE, 1);
    set_checksum(t, ACPI_HPET_SIZE, 9);
}

int acpi_tables_build(struct acpi_tables *t, const struct acpi_board *b, uint32_t base)
{
    struct aml aml;
    struct aml *a = &aml;
    memset(t, 0, sizeof *t);
    if (build_dsdt_aml(a, b) != 0)
        return -1;

    uint32_t off = 0;
    /* FACS (5.2.10): 64-byte aligned, no checksum, version 1. */
    t->facs = off;
    uint8_t *facs = t->blob + off;
    memcpy(facs, "FACS", 4);
    le32_store(facs + 4, ACPI_FACS_SIZE);
    facs[32] = 1;
    off += ACPI_FACS_SIZE;

    t->dsdt = off;
    t->dsdt_len = (uint32_t)(ACPI_HEADER_SIZE + a->len);
    if (off + t->dsdt_len + ACPI_FADT_SIZE + ACPI_RSDT_SIZE + 8 + 4 * ACPI_RSDT_MAX_ENTRIES +
        256 + ACPI_HPET_SIZE > ACPI_TABLES_MAX)
        return -1;
    uint8_t *dsdt = t->blob + off;
    header(dsdt, "DSDT", t->dsdt_len, 2);      /* revision 2: 64-bit integers */
    memcpy(dsdt + ACPI_HEADER_SIZE, a->b, a->len);
    set_checksum(dsdt, t->dsdt_len, 9);
    off = (off + t->dsdt_len + 3) & ~3u;

    t->fadt = off;
    build_fadt(t->blob + off, b, base + t->facs, base + t->dsdt);
    off += ACPI_FADT_SIZE;

    uint32_t entries[ACPI_RSDT_MAX_ENTRIES];
    unsigned nent = 0;
    entries[nent++] = t->fadt;
    if (b->apic) {
        t->madt = off;
        t->madt_len = build_madt(t->blob + off, b);
        off = (off + t->madt_len + 3) & ~3u;
        entries[nent++] = t->madt;
        if (b->hpet_base) {
            t->hpet = off;
            build_hpet(t->blob + off, b, b->hpet_block_id);
            off += ACPI_HPET_SIZE;
            entries[nent++] = t->hpet;
        }
    }

    t->rsdt = off;
    t->rsdt_len = ACPI_HEADER_SIZE + 4 * nent;
    uint8_t *rsdt = t->blob + off;
    header(rsdt, "RSDT", t->rsdt_len, 1);
    for (unsigned i = 0; i < nent; i++)
        le32_store(rsdt + ACPI_HEADER_SIZE + 4 * i, base + entries[i]);
    set_checksum(rsdt, t->rsdt_len, 9);
    off += t->rsdt_len;
    t->len = off;

    /* RSDP (5.2.5.3), ACPI 1.0 form: signature, checksum over the 20
     * bytes, OEM ID, revision 0, RSDT address. */
    memcpy(t->rsdp, "RSD PTR ", 8);
    memcpy(t->rsdp + 9, OEM_ID, 6);
    t->rsdp[15] = 0;
    le32_store(t->rsdp + 16, base + t->rsdt);
    set_checksum(t->rsdp, ACPI_RSDP_SIZE, 8);
    return 0;
}

/* BIOS linker/loader commands (QEMU hw/acpi/bios-linker-loader.c, read by
 * SeaBIOS src/fw/romfile_loader.c): a 32-bit command, then its fields;
 * file names are 56-byte NUL-padded strings. */
enum { LOADER_ALLOCATE = 1, LOADER_ADD_POINTER = 2, LOADER_ADD_CHECKSUM = 3 };
enum { LOADER_ZONE_HIGH = 1, LOADER_ZONE_FSEG = 2 };
#define LOADER_NAME 56

static uint8_t *loader_entry(uint8_t *out, size_t *len, uint32_t cmd)
{
    uint8_t *e = out + *len;
    memset(e, 0, ACPI_LOADER_ENTRY);
    le32_store(e, cmd);
    *len += ACPI_LOADER_ENTRY;
    return e;
}

static void loader_allocate(uint8_t *out, size_t *len, const char *file, uint32_t align,
                            uint8_t zone)
{
    uint8_t *e = loader_entry(out, len, LOADER_ALLOCATE);
    strncpy((char *)e + 4, file, LOADER_NAME - 1);
    le32_store(e + 60, align);
    e[64] = zone;
}

/* Add the address `src` was allocated at to the `size`-byte value at
 * `offset` in `dest`. */
static void loader_pointer(uint8_t *out, size_t *len, const char *dest, const char *src,
                           uint32_t offset, uint8_t size)
{
    uint8_t *e = loader_entry(out, len, LOADER_ADD_POINTER);
    strncpy((char *)e + 4, dest, LOADER_NAME - 1);
    strncpy((char *)e + 60, src, LOADER_NAME - 1);
    le32_store(e + 116, offset);
    e[120] = size;
}

/* Adjust the byte at `offset` so that [start, start+length) sums to 0. */
static void loader_checksum(uint8_t *out, size_t *len, const char *file, uint32_t offset,
                            uint32_t start, uint32_t length)
{
    uint8_t *e = loader_entry(out, len, LOADER_ADD_CHECKSUM);
    strncpy((char *)e + 4, file, LOADER_NAME - 1);
    le32_store(e + 60, offset);
    le32_store(e + 64, start);
    le32_store(e + 68, length);
}

size_t acpi_tables_loader_script(const struct acpi_tables *t, uint8_t *out)
{
    const char *tab = ACPI_LOADER_FILE_TABLES, *rsdp = ACPI_LOADER_FILE_RSDP;
    size_t len = 0;
    loader_allocate(out, &len, rsdp, 16, LOADER_ZONE_FSEG);
    loader_allocate(out, &len, tab, 64, LOADER_ZONE_HIGH);
    loader_pointer(out, &len, tab, tab, t->fadt + ACPI_FADT_FIRMWARE_CTRL, 4);
    loader_pointer(out, &len, tab, tab, t->fadt + ACPI_FADT_DSDT, 4);
    loader_checksum(out, &len, tab, t->fadt + 9, t->fadt, ACPI_FADT_SIZE);
    for (uint32_t e = ACPI_HEADER_SIZE; e < t->rsdt_len; e += 4)
        loader_pointer(out, &len, tab, tab, t->rsdt + e, 4);
    loader_checksum(out, &len, tab, t->rsdt + 9, t->rsdt, t->rsdt_len);
    loader_pointer(out, &len, rsdp, tab, 16, 4);
    loader_checksum(out, &len, rsdp, 8, 0, ACPI_RSDP_SIZE);
    return len;
}
