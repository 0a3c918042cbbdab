/* The board's ACPI power-management function: PIIX4's function 3
 * (8086:7113, Intel 290562 "82371AB PCI-TO-ISA / IDE XCELERATOR (PIIX4)",
 * chapter 11 and the ACPI fixed-hardware registers of ACPI 6.4 section 4.8),
 * at PCI 00:01.3 beside the PIIX3 ISA bridge and IDE, as on QEMU's "pc"
 * board. docs/platform.md says why it is a PCI function.
 *
 * Configuration space: PMBA (0x40, the 64-byte I/O block, bits 15:6),
 * PMREGMISC (0x80, bit 0 PMIOSE: the block decodes only when set), DEVACTB
 * (0x58) and the SMBus base/enable (0x90, 0xD2) kept as storage. DEVACTB's
 * APMC_EN bit reads as set from reset: the board has no SMM, and a set bit
 * is how firmware (SeaBIOS's smm_setup) learns that SMM needs no setting up
 * — QEMU does the same when its SMM is off. Without it SeaBIOS would raise
 * an SMI through port 0xB2 and wait forever for the handler to answer.
 *
 * The I/O block (offsets from PMBA):
 *   0x00 PM1_STS  (PIIX4 PMSTS)  TMR_STS 0, PWRBTN_STS 8, WAK_STS 15: write 1 to clear
 *   0x02 PM1_EN   (PMEN)         TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, RTC_EN 10
 *   0x04 PM1_CNT  (PMCNTRL)      SCI_EN 0 (reads 1: the FADT has no SMI_CMD, so
 *                                the board is always in ACPI mode), SLP_TYP 12:10,
 *                                SLP_EN 13 (write-only)
 *   0x08 PM_TMR   (PMTMR)        24-bit counter at 3.579545 MHz, read-only
 * Other registers of the block (GPE, processor control, global and device
 * control) read as zero; a write to one is logged once.
 *
 * SLP_EN with SLP_TYP 0 (PIIX4 "soft off", what the DSDT's _S5 says) calls
 * the power-off callback; the other types are suspend states the board
 * does not have, logged once and ignored.
 *
 * SCI: IRQ 9 (hard-wired, as QEMU wires it), a level: high while SCI_EN
 * and (PM1_STS & PM1_EN) has a TMR or PWRBTN bit. The timer is derived from
 * the machine clock (ticks = ns × 3579545 / 10^9), never from host time;
 * TMR_STS is set whenever bit 23 of the counter changes, and a clock timer
 * is armed for the next change only while TMR_EN could turn it into an SCI.
 */
#ifndef SHADOW86_DEVICES_ACPI_PM_H
#define SHADOW86_DEVICES_ACPI_PM_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "devices/pci.h"
#include "base/clock.h"
#include "base/state.h"

#define ACPI_PM_TIMER_HZ 3579545u
#define ACPI_PM_TIMER_MASK 0xFFFFFFu     /* 24 bits: FADT flag TMR_VAL_EXT clear */
#define ACPI_PM_IO_SIZE 64u
/* Where firmware puts the block (SeaBIOS's PORT_ACPI_PM_BASE; the board's
 * direct-boot set-up uses the same), and the SCI's ISA line. */
#define ACPI_PM_IO_BASE 0x600u
#define ACPI_PM_SCI_IRQ 9
#define ACPI_PM_DEVFN 0x0B               /* 00:01.3 */

/* Register offsets in the I/O block. */
#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN 0x02
#define ACPI_PM1_CNT 0x04
#define ACPI_PM_TMR 0x08

/* PM1_STS / PM1_EN bits (ACPI 6.4 tables 4.16, 4.17). */
#define ACPI_PM1_TMR 0x0001u
#define ACPI_PM1_PWRBTN 0x0100u
#define ACPI_PM1_GBL 0x0020u
#define ACPI_PM1_RTC 0x0400u
#define ACPI_PM1_WAK_STS 0x8000u
/* The enables PIIX4's PMEN has (290562 11.2.2): TMR, GBL, PWRBTN, RTC. GBL
 * and RTC are kept, and an OS sees them stick, but their status bits are
 * never set: no SMM firmware releases the global lock, and the RTC's alarm
 * is not wired to the PM block (the FADT says FIX_RTC). */
#define ACPI_PM1_EN_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)
/* PM1_CNT bits (ACPI 6.4 table 4.18). */
#define ACPI_PM1_SCI_EN 0x0001u
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK 0x1C00u
#define ACPI_PM1_SLP_EN 0x2000u
/* The SLP_TYP value that powers the board off (PIIX4 SUS_TYP 000). */
#define ACPI_PM_SLP_TYP_S5 0u

/* PCI configuration registers of the function. */
#define ACPI_PM_CFG_PMBA 0x40
#define ACPI_PM_CFG_DEVACTB 0x58
#define ACPI_PM_CFG_PMREGMISC 0x80
#define ACPI_PM_CFG_SMBBA 0x90
#define ACPI_PM_CFG_SMBHSTCFG 0xD2
#define ACPI_PM_DEVACTB_APMC_EN (1u << 25)

struct acpi_pm {
    struct pci_device fn;
    struct iobus *io;
    struct clock *clock;
    int timer;                   /* clock timer: next bit-23 change while TMR_EN */
    struct irq_line sci;
    void (*poweroff)(void *opaque);
    void *poweroff_opaque;
    FILE *log;
    uint32_t logged;

    uint16_t io_base;            /* block decoded at this port, 0 = not decoded */
    uint16_t sts;                /* PM1_STS sticky bits other than TMR_STS */
    uint16_t en;                 /* PM1_EN */
    uint16_t cnt;                /* PM1_CNT: SLP_TYP and the plain bits kept */
    int tmr_sts;                 /* TMR_STS latched */
    uint64_t tmr_period;         /* bit-23 period index when TMR_STS was last derived */
    int sci_level;
};

/* Set up the function (not yet on a bus) with its SCI line, timer and
 * power-off callback. Returns 0, or -1 when the clock's timer table is full. */
int acpi_pm_init(struct acpi_pm *pm, struct iobus *io, struct clock *clock, struct irq_line sci,
                 void (*poweroff)(void *), void *opaque, FILE *log);
/* Power-on state: block not decoded, registers cleared. */
void acpi_pm_reset(struct acpi_pm *pm);
/* What firmware does before it hands over (SeaBIOS's piix4_pm_setup):
 * the block at `base`, decoding, the interrupt line register = SCI. The
 * board calls it for direct kernel boots, which have no firmware. */
void acpi_pm_firmware_setup(struct acpi_pm *pm, uint16_t base);
/* The power button was pressed (a frontend's request for an orderly
 * shutdown): PWRBTN_STS, and an SCI if PWRBTN_EN. */
void acpi_pm_press_power_button(struct acpi_pm *pm);

/* The PM timer's value now (24 bits). */
uint32_t acpi_pm_timer(const struct acpi_pm *pm);

/* Port access to the block (also used directly by the unit tests). */
uint32_t acpi_pm_io_read(void *opaque, uint16_t port, unsigned size);
void acpi_pm_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

/* Snapshot record "APM0" (the configuration space is the PCI bus's). */
void acpi_pm_save(const struct acpi_pm *pm, struct state_writer *w);
int acpi_pm_load(struct acpi_pm *pm, struct state_reader *r);

#endif
