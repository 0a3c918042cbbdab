/* The local APIC of a P6-family processor, in xAPIC (MMIO) mode, and
 * optionally x2APIC mode (Intel SDM vol. 3 chapter 10, 10.12). One per CPU; the machine owns it beside its CPU.
 *
 * The CPU never calls this file: the machine asks it, at instruction
 * boundaries, whether an interrupt is pending (lapic_intr_pending) and
 * runs the acknowledge cycle (lapic_acknowledge); the MSR callback of the
 * CPU tells it about IA32_APIC_BASE (lapic_set_base), and the guest reaches
 * its registers through the MMIO window the APIC maps at that base. What
 * leaves the APIC goes through `struct lapic_host`: an IPI to route, an
 * EOI for a level-triggered vector to broadcast to the I/O APICs, an NMI
 * or INIT for its CPU, and a kick when the INTR output may have risen.
 *
 * Modelled: ID, version 0x11 with five LVT entries (timer, performance
 * counter, LINT0, LINT1, error), TPR, APR, PPR, EOI, LDR, DFR (flat and
 * cluster), SVR (software enable, focus bit kept, vector bits 3:0 read as
 * ones as on the P6), ISR/TMR/IRR, ESR (send/receive illegal vector,
 * illegal register address; latched on write), ICR (fixed, lowest
 * priority, NMI, INIT, INIT de-assert, SIPI, ExtINT refused; physical and
 * logical destinations; the four shorthands), the timer (one-shot and
 * periodic, divide 1-128, counted on the machine clock at 100 MHz: one
 * tick per 10 ns), LINT0/LINT1 (ExtINT, NMI, fixed edge and level with
 * remote IRR), the error interrupt, and the hardware-disabled state
 * (IA32_APIC_BASE bit 11 clear: INTR and NMI pins pass straight through).
 *
 * x2APIC mode (SDM 10.12; offered with -machine x2apic=on, the CPU's
 * CPUID.1:ECX bit 21 and IA32_APIC_BASE bit 10; cpu/msr.c checks the
 * mode transitions): the MMIO window stops answering and the registers
 * are MSRs 0x800 + offset/16 (lapic_msr_read/write): a 32-bit read-only
 * ID (the CPU index), a read-only LDR derived from it (cluster ID >> 4 in
 * bits 31:16, bit ID & 15 below), no DFR, APR or remote read, ICR as one
 * 64-bit MSR with a 32-bit destination, the SELF IPI MSR 0x83F; reads of
 * write-only or reserved registers, writes of read-only ones and nonzero
 * writes of EOI and ESR are refused (#GP). Destinations are 32 bits:
 * physical 0xFFFFFFFF broadcasts, logical is cluster mode on the derived
 * LDR; an 8-bit destination (the I/O APIC's) is read zero-extended, its
 * 0xFF as broadcast.
 */
#ifndef SHADOW86_DEVICES_LAPIC_H
#define SHADOW86_DEVICES_LAPIC_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "devices/apic_msg.h"
#include "mmu/physmem.h"

struct state_writer;
struct state_reader;

#define LAPIC_DEFAULT_BASE 0xFEE00000u
#define LAPIC_MMIO_SIZE 0x1000u
#define LAPIC_BASE_ENABLE (1u << 11)   /* IA32_APIC_BASE: global enable */
#define LAPIC_BASE_BSP (1u << 8)
#define LAPIC_BASE_EXTD (1u << 10)     /* IA32_APIC_BASE: x2APIC mode */
#define LAPIC_X2_MSR_FIRST 0x800u      /* x2APIC registers: MSR 0x800 + offset/16 */
#define LAPIC_X2_MSR_LAST 0x8FFu       /* the range SDM 10.12.1.2 reserves */
#define LAPIC_VERSION 0x00040011u      /* max LVT entry 4, version 0x11 (P6) */
#define LAPIC_TIMER_NS_PER_TICK 10u    /* the APIC bus clock: 100 MHz */

/* Register offsets in the MMIO window. */
enum {
    LAPIC_ID = 0x020, LAPIC_VER = 0x030, LAPIC_TPR = 0x080, LAPIC_APR = 0x090,
    LAPIC_PPR = 0x0A0, LAPIC_EOI = 0x0B0, LAPIC_RRD = 0x0C0, LAPIC_LDR = 0x0D0,
    LAPIC_DFR = 0x0E0, LAPIC_SVR = 0x0F0, LAPIC_ISR = 0x100, LAPIC_TMR = 0x180,
    LAPIC_IRR = 0x200, LAPIC_ESR = 0x280, LAPIC_ICR_LO = 0x300, LAPIC_ICR_HI = 0x310,
    LAPIC_LVT_TIMER = 0x320, LAPIC_LVT_THERMAL = 0x330, LAPIC_LVT_PERF = 0x340,
    LAPIC_LVT_LINT0 = 0x350, LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370,
    LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CUR = 0x390, LAPIC_TIMER_DIV = 0x3E0
};

/* LVT indexes. */
enum { LAPIC_LVT_T = 0, LAPIC_LVT_P, LAPIC_LVT_L0, LAPIC_LVT_L1, LAPIC_LVT_E, LAPIC_LVT_COUNT };

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_LVT_REMOTE_IRR (1u << 14)
#define LAPIC_LVT_LEVEL (1u << 15)
#define LAPIC_LVT_PERIODIC (1u << 17)
#define LAPIC_SVR_ENABLE (1u << 8)

/* ESR bits (SDM 10.5.3). */
#define LAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG (1u << 7)

struct lapic_host {
    void *opaque;
    /* The INTR output may have risen: end the CPU's slice. */
    void (*kick)(void *opaque);
    /* An IPI from the ICR to route (shorthands included). */
    void (*send)(void *opaque, const struct apic_msg *msg);
    /* EOI of a level-triggered vector: the I/O APICs clear remote IRR. */
    void (*eoi_broadcast)(void *opaque, uint8_t vector);
    /* NMI and INIT for this APIC's CPU; SIPI with its vector. */
    void (*nmi)(void *opaque);
    void (*init)(void *opaque);
    void (*sipi)(void *opaque, uint8_t vector);
    /* Several CPUs: each sees its own APIC in the one window at the
     * common base, so the window (mapped by APIC 0 only) serves the APIC
     * this returns, the running CPU's. NULL: one CPU, its own window. */
    struct lapic *(*window_apic)(void *opaque);
};

struct lapic {
    /* Wiring (not state). */
    struct physmem *mem;
    struct clock *clock;
    struct lapic_host host;
    int timer_id;
    int index;                /* which CPU's APIC (the message source) */
    FILE *log;
    uint32_t logged;
    int mapped;               /* the MMIO window is mapped at `mapped_base` */
    uint32_t mapped_base;

    /* State. */
    uint64_t base_msr;        /* IA32_APIC_BASE as the CPU holds it, EXTD aside */
    uint8_t x2apic;           /* x2APIC mode (IA32_APIC_BASE bit 10) */
    uint32_t id;              /* bits 31:24 as read */
    uint32_t tpr, ldr, dfr, svr, esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t lvt[LAPIC_LVT_COUNT];
    uint32_t timer_initial, timer_div;   /* divide configuration register */
    uint64_t timer_start_ns;             /* when the count was last (re)loaded */
    uint32_t timer_start_count;          /* the count loaded then (0: stopped) */
    uint8_t lint_level[2];               /* LINT0 (the PIC's INTR) and LINT1 pins */
    /* INTR is raised to the core for an APIC vector and not yet
     * acknowledged (SDM 10.9): it stays raised if the guest then masks
     * the request (raising TPR), and the INTA cycle gets the spurious
     * vector. */
    uint8_t intr_raised;
};

/* Create the APIC of CPU `index` (its APIC ID), register its timer, map
 * the window at the default base. Returns 0 or -1 (no timer/MMIO slot). */
int lapic_init(struct lapic *l, int index, struct physmem *mem, struct clock *clock,
               const struct lapic_host *host, FILE *log);
void lapic_free(struct lapic *l);
/* Power-on/RESET state (SDM 10.4.7.1), base MSR at its reset value. */
void lapic_reset(struct lapic *l);

/* INIT received and taken by the CPU (an application processor): the
 * registers go back to their power-on values, the ID and base kept
 * (SDM 10.4.7.3). */
void lapic_init_received(struct lapic *l);

/* IA32_APIC_BASE changed (the CPU's WRMSR): relocate, enable, disable. */
void lapic_set_base(struct lapic *l, uint64_t msr);
int lapic_hw_enabled(const struct lapic *l);

/* A LINT pin's level (0: LINT0, the PIC's INTR; 1: LINT1). */
void lapic_set_lint(struct lapic *l, int pin, int level);

/* An interrupt message that selected this APIC. */
void lapic_accept(struct lapic *l, const struct apic_msg *msg);
/* Does the message's destination select this APIC (shorthand aside)? */
int lapic_match_dest(const struct lapic *l, const struct apic_msg *msg);
/* Its arbitration priority (lowest-priority delivery picks the smallest). */
uint32_t lapic_arb_priority(const struct lapic *l);

/* What the INTR logic offers the CPU: 0 nothing, 1 a vector from the
 * APIC, 2 an external interrupt (ExtINT: the PIC's INTA cycle gives the
 * vector; also the straight-through INTR pin of a disabled APIC). */
enum { LAPIC_INTR_NONE = 0, LAPIC_INTR_APIC = 1, LAPIC_INTR_EXTINT = 2 };
int lapic_intr_pending(const struct lapic *l);
/* The INTA cycle for LAPIC_INTR_APIC: the vector (IRR to ISR), or the
 * spurious vector if the request INTR was raised for has been masked
 * since (TPR raised: SDM 10.9); nothing goes in service then, so the
 * spurious vector's handler writes no EOI. */
uint8_t lapic_acknowledge(struct lapic *l);
/* Does LINT0 pass the 8259's INTR (hardware-disabled, or ExtINT unmasked)? */
int lapic_extint_open(const struct lapic *l);
/* Could an interrupt from this APIC ever wake a halted CPU (the timer
 * counts unmasked, an IRR bit waits)? For the run loop's "halted for
 * good" test. */
int lapic_can_wake(const struct lapic *l);

/* Register access by offset (the MMIO window's callbacks use these). */
uint32_t lapic_read(struct lapic *l, uint32_t offset);
void lapic_write(struct lapic *l, uint32_t offset, uint32_t value);

/* RDMSR/WRMSR of MSR `index` in 0x800-0x8FF (x2APIC registers): 0, or
 * -1 for #GP (not in x2APIC mode, a reserved or write-only register
 * read, a read-only one written, reserved bits set). */
int lapic_msr_read(struct lapic *l, uint32_t index, uint64_t *value);
int lapic_msr_write(struct lapic *l, uint32_t index, uint64_t value);

void lapic_save(const struct lapic *l, struct state_writer *w);
int lapic_load(struct lapic *l, struct state_reader *r);

#endif
