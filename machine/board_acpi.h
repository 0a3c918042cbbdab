/* ACPI on the board: the tables of machine/acpi_tables.h describing the
 * PIIX4 PM function (devices/acpi_pm.h), handed to the guest on both boot
 * paths.
 *
 * - Firmware (SeaBIOS): as fw_cfg files "etc/acpi/rsdp", "etc/acpi/tables"
 *   and the linker script "etc/table-loader"; SeaBIOS allocates them, patches
 *   the pointers and checksums, and programs the PM block itself
 *   (piix4_pm_setup: PMBA 0x600).
 * - Direct kernel boot (-kernel, no firmware): the board acts as the
 *   firmware would. It opens the 16 KiB PAM chunk 0xE0000-0xE3FFF as
 *   read/write RAM (i440FX PAM5, as a BIOS shadowing itself would), puts
 *   the RSDP at 0xE0000 (16-byte aligned inside the 0xE0000-0xFFFFF area an
 *   OS scans, ACPI 6.4 5.2.5.1) and the rest from 0xE0040, and enables the
 *   PM block at 0x600 with the SCI line register set. That range is outside
 *   the multiboot memory map's RAM and inside the Linux loader's reserved
 *   0x9FC00-0xFFFFF. It is redone after every reset, since a reset restores
 *   the chipset's PAM and PM registers.
 */
#ifndef SHADOW86_MACHINE_BOARD_ACPI_H
#define SHADOW86_MACHINE_BOARD_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct machine;

#define BOARD_ACPI_RSDP 0xE0000u
#define BOARD_ACPI_TABLES 0xE0040u
#define BOARD_MP_TABLE 0xF0000u   /* MP floating pointer and table (APIC board) */

/* After the PCI side is wired: add the fw_cfg files and, for a direct
 * kernel boot, install the tables. Returns 0, or -1 with a message. */
int board_acpi_wire(struct machine *m, char *err, size_t errsz);
/* After the board's reset: install the tables again for a direct boot. */
void board_acpi_reset(struct machine *m);
/* Where a direct-boot guest finds the RSDP (for boot_params.acpi_rsdp_addr,
 * Linux boot protocol 2.14+), or 0 when the firmware places it. */
uint32_t board_acpi_rsdp_addr(const struct machine *m);

#endif
