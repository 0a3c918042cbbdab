/* Motorola MC146818 real-time clock and CMOS RAM (ports 0x70/0x71), as on
 * the PC/AT: 128 bytes, the first 14 being the clock's registers.
 *
 * The time is derived from the machine clock (base/clock.h): the RTC
 * remembers which wall-clock second it showed at some clock instant, so it
 * needs no per-second tick. Periodic, alarm and update-ended flags are
 * computed for the interval since they were last looked at; a clock timer is
 * armed only while one of those interrupts is enabled in register B, so an
 * RTC with its interrupts off costs nothing and never keeps a halted CPU
 * "wakeable". IRQ 8 follows register C's IRQF bit.
 *
 * Port 0x70 bit 7 is the PC's NMI mask (the board has no NMI source; the
 * bit is kept so the guest reads back what it wrote into its state).
 */
#ifndef SHADOW86_DEVICES_MC146818_H
#define SHADOW86_DEVICES_MC146818_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/irq.h"
#include "base/clock.h"
#include "base/state.h"

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_REG_C 0x0C
#define RTC_REG_D 0x0D
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10

/* Update-in-progress lasts 244 us before each second's update (data
 * sheet, "Update Cycle"); reads during it may see a half-updated time. */
#define RTC_UIP_NS 244000u

struct mc146818 {
    uint8_t cmos[128];
    uint8_t index;
    uint8_t nmi_disabled;
    /* At clock time `ref_ns` the RTC showed second `ref_sec` (since 1970,
     * in the guest's time zone); seconds tick at ref_ns + k s. */
    int64_t ref_sec;
    uint64_t ref_ns;
    uint64_t checked_ns;   /* flags have been computed up to this time */
    struct clock *clock;
    int timer;
    struct irq_line irq;
    FILE *log;
    uint32_t logged;
};

int mc146818_init(struct mc146818 *r, struct iobus *bus, struct clock *clock, struct irq_line irq,
                  FILE *log);
/* The board's reset: registers B/C cleared of interrupt enables and flags
 * (data sheet, RESET pin); time and NVRAM kept. */
void mc146818_reset(struct mc146818 *r);

/* NVRAM access for the board (memory sizes, disk types, boot order). */
void mc146818_set_cmos(struct mc146818 *r, unsigned idx, uint8_t val);
/* Recompute the standard checksum of bytes 0x10-0x2D into 0x2E/0x2F. */
void mc146818_update_checksum(struct mc146818 *r);


/* Seconds since 1970 the RTC shows now. */
int64_t mc146818_time(struct mc146818 *r);

uint32_t mc146818_io_read(void *opaque, uint16_t port, unsigned size);
void mc146818_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

void mc146818_save(const struct mc146818 *r, struct state_writer *w);
int mc146818_load(struct mc146818 *r, struct state_reader *rd);

#endif
