#include <stdio.h>

#include "devices/acpi_pm.h"
#include "devices/mc146818.h"
#include "machine/acpi_tables.h"
#include "machine/board_acpi.h"
#include "machine/machine.h"
#include "machine/mp_table.h"
#include "machine/board_apic.h"

/* i440FX PAM5 (290549 3.2.18): its low nibble covers 0xE0000-0xE3FFF. */
#define PAM5 (I440FX_PAM0 + 5)
#define PAM_RE 0x1u
#define PAM_WE 0x2u
/* PIIX3 reset control register value for a hard reset (290550 2.2.17):
 * SRST (bit 1) and RCPU (bit 2). */
#define RESET_VALUE 0x06u

static int build(const struct machine *m, struct acpi_tables *t, uint32_t base)
{
    const struct acpi_board b = {
        .pm_base = ACPI_PM_IO_BASE,
        .sci_irq = ACPI_PM_SCI_IRQ,
        .s5_slp_typ = ACPI_PM_SLP_TYP_S5,
        .reset_port = 0xCF9,
        .reset_value = RESET_VALUE,
        .century = RTC_CENTURY,
        .pci_mem_start = m->mem.ram_size,
        .apic = (uint8_t)(m->opts.apic != 0),
        .lapic_base = LAPIC_DEFAULT_BASE,
        .ioapic_base = IOAPIC_BASE,
        .ioapic_id = BOARD_IOAPIC_ID(m),
        .hpet_base = m->opts.apic ? HPET_BASE : 0,
        .hpet_block_id = HPET_CAP_LOW,
        .ncpus = (uint8_t)m->ncpus,
    };
    return acpi_tables_build(t, &b, base);
}

static int direct_boot(const struct machine *m)
{
    return m->opts.kernel_path != NULL && m->opts.kernel_boot == MACHINE_KERNEL_BOOT_DIRECT;
}

/* The MP floating pointer must be where the spec's search finds it
 * (4.1: the EBDA's first KiB, the last KiB of base memory, or
 * 0xF0000-0xFFFFF). Without firmware 0xF0000 is the empty ROM area: open
 * it as RAM (PAM0's high nibble, as a BIOS shadowing itself would) and
 * put the tables there; like 0xE0000 it is reserved in the Linux
 * loader's map and outside the multiboot map's RAM. */
#define PAM0_HI_RE 0x10u
#define PAM0_HI_WE 0x20u
static void install_mp_table(struct machine *m)
{
    uint8_t buf[MP_TABLE_MAX];
    uint32_t id[4];
    cpu_cpuid(m->cpu, 1, id);
    const struct mp_board b = {
        .lapic_base = LAPIC_DEFAULT_BASE, .lapic_version = (uint8_t)LAPIC_VERSION,
        .ioapic_id = BOARD_IOAPIC_ID(m), .ioapic_version = (uint8_t)IOAPIC_VERSION, .ioapic_base = IOAPIC_BASE,
        .cpu_signature = id[0], .cpu_features = id[3], .ncpus = (uint8_t)m->ncpus,
    };
    uint32_t len = mp_table_build(buf, &b, BOARD_MP_TABLE);
    uint32_t pam = pci_config_read(&m->pci, 0x00, I440FX_PAM0, 1);
    pci_config_write(&m->pci, 0x00, I440FX_PAM0, 1, pam | PAM0_HI_RE | PAM0_HI_WE);
    physmem_write_buf(&m->mem, BOARD_MP_TABLE, buf, len);
}

static void install_direct(struct machine *m)
{
    struct acpi_tables t;
    if (build(m, &t, BOARD_ACPI_TABLES) != 0)
        return;   /* cannot happen: board_acpi_wire built them once already */
    uint32_t pam = pci_config_read(&m->pci, 0x00, PAM5, 1);
    pci_config_write(&m->pci, 0x00, PAM5, 1, (pam & 0xF0u) | PAM_RE | PAM_WE);
    physmem_write_buf(&m->mem, BOARD_ACPI_RSDP, t.rsdp, ACPI_RSDP_SIZE);
    physmem_write_buf(&m->mem, BOARD_ACPI_TABLES, t.blob, t.len);
    acpi_pm_firmware_setup(&m->pm, ACPI_PM_IO_BASE);
    if (m->opts.apic)
        install_mp_table(m);
}

int board_acpi_wire(struct machine *m, char *err, size_t errsz)
{
    struct acpi_tables t;
    uint8_t script[ACPI_LOADER_MAX];
    if (build(m, &t, 0) != 0) {
        snprintf(err, errsz, "internal error: the ACPI tables do not fit their buffer");
        return -1;
    }
    size_t slen = acpi_tables_loader_script(&t, script);
    if (fw_cfg_add_file(&m->fw_cfg, ACPI_LOADER_FILE_RSDP, t.rsdp, ACPI_RSDP_SIZE) != 0 ||
        fw_cfg_add_file(&m->fw_cfg, ACPI_LOADER_FILE_TABLES, t.blob, t.len) != 0 ||
        fw_cfg_add_file(&m->fw_cfg, ACPI_LOADER_FILE_SCRIPT, script, (uint32_t)slen) != 0) {
        snprintf(err, errsz, "internal error: fw_cfg has no room for the ACPI tables");
        return -1;
    }
    if (direct_boot(m))
        install_direct(m);
    return 0;
}

void board_acpi_reset(struct machine *m)
{
    if (direct_boot(m))
        install_direct(m);
}

uint32_t board_acpi_rsdp_addr(const struct machine *m)
{
    return direct_boot(m) ? BOARD_ACPI_RSDP : 0;
}
