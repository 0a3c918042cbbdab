/* The HPET: IA-PC High Precision Event Timers 1.0a, one block of three
 * 64-bit comparators on a 64-bit main counter at 100 MHz (10 ns, one
 * tick per instruction of the virtual clock), at 0xFED00000.
 *
 * Modelled: capabilities (revision 1, 3 timers, 64-bit counter, legacy
 * replacement capable, vendor 8086h, period 10^7 fs), the general
 * configuration (enable, legacy replacement route: timer 0 → IRQ 0, timer
 * 1 → IRQ 8, replacing the PIT's and the RTC's lines), the interrupt
 * status (level interrupts, write 1 to clear), the main counter (writable
 * while halted), and per timer: one-shot and periodic (with the
 * value-set bit), 32-bit mode (with the one-shot wrap after 2^32 ticks),
 * edge or level interrupts routed to an I/O APIC input (20-23) or, with
 * legacy replacement, to the ISA lines. Not modelled: FSB (MSI-like)
 * delivery, which the capabilities say is absent.
 *
 * Lazy, like the board's other timers: the counter is derived from the
 * machine clock; each timer arms a clock timer for its next match only.
 */
#ifndef SHADOW86_DEVICES_HPET_H
#define SHADOW86_DEVICES_HPET_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "mmu/physmem.h"

struct state_writer;
struct state_reader;

#define HPET_BASE 0xFED00000u
#define HPET_MMIO_SIZE 0x400u
#define HPET_TIMERS 3
#define HPET_NS_PER_TICK 10u
#define HPET_PERIOD_FS 10000000u
/* Low half of the capabilities: revision 1, NUM_TIM_CAP 2, 64-bit,
 * legacy route capable, vendor 8086h. */
#define HPET_CAP_LOW (0x8086u << 16 | 1u << 15 | 1u << 13 | (HPET_TIMERS - 1) << 8 | 1u)
#define HPET_ROUTE_CAP 0x00F00000u   /* I/O APIC inputs 20-23 */

/* Lines the HPET drives: an I/O APIC input (0-23), or the legacy ISA
 * IRQ n as HPET_LEGACY_LINE(n). */
#define HPET_LEGACY_LINE(n) (0x100 | (n))

/* Timer configuration bits (spec 2.3.8). */
#define HPET_TN_LEVEL (1u << 1)
#define HPET_TN_ENABLE (1u << 2)
#define HPET_TN_PERIODIC (1u << 3)
#define HPET_TN_PER_CAP (1u << 4)
#define HPET_TN_SIZE_CAP (1u << 5)
#define HPET_TN_VAL_SET (1u << 6)
#define HPET_TN_32BIT (1u << 8)
#define HPET_CFG_ENABLE 1u
#define HPET_CFG_LEGACY 2u

struct hpet_timer {
    uint64_t config, cmp, period;
    uint8_t level;            /* the line it drives is asserted */
};

struct hpet {
    struct physmem *mem;
    struct clock *clock;
    void (*irq)(void *opaque, int line, int level);
    void (*legacy)(void *opaque, int on);   /* legacy replacement turned on/off */
    void *opaque;
    FILE *log;
    uint32_t logged;
    int timer_id[HPET_TIMERS];

    uint64_t config;          /* general configuration */
    uint64_t isr;             /* general interrupt status */
    uint64_t counter;         /* while halted: the value; running: at start_ns */
    uint64_t start_ns;
    struct hpet_timer t[HPET_TIMERS];
};

int hpet_init(struct hpet *h, struct physmem *mem, struct clock *clock,
              void (*irq)(void *opaque, int line, int level),
              void (*legacy)(void *opaque, int on), void *opaque, FILE *log);
void hpet_free(struct hpet *h);
void hpet_reset(struct hpet *h);
int hpet_legacy_on(const struct hpet *h);

uint64_t hpet_read(struct hpet *h, uint32_t reg);
void hpet_write(struct hpet *h, uint32_t reg, uint64_t value, uint64_t mask);

void hpet_save(const struct hpet *h, struct state_writer *w);
int hpet_load(struct hpet *h, struct state_reader *r);

#endif
