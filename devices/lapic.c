/* The local APIC (SDM vol. 3 chapter 10, x2APIC 10.12); see lapic.h for
 * what is modelled.
 *
 * The timer is lazy, as every timer of the board: the current count is
 * derived from the machine clock and the instant the count was loaded;
 * a clock timer is armed only for the next time the count reaches zero. */
#include <string.h>

#include "base/state.h"
#include "devices/devlog.h"
#include "devices/lapic.h"

enum {
    LOG_NARROW_WRITE, LOG_SMI, LOG_EXTINT_IPI, LOG_SELF_MODE, LOG_THERMAL,
    LOG_TIMER_MODE, LOG_REMOTE_READ
};

/* Writable bits of each LVT entry (delivery status and remote IRR read
 * only; SDM figure 10-8). */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    [LAPIC_LVT_T] = 0x000700FFu & ~0x40000u,   /* vector, mask, timer mode (periodic) */
    [LAPIC_LVT_P] = 0x000107FFu,               /* vector, delivery mode, mask */
    [LAPIC_LVT_L0] = 0x0001A7FFu,              /* + polarity, trigger */
    [LAPIC_LVT_L1] = 0x0001A7FFu,
    [LAPIC_LVT_E] = 0x000100FFu,
};

/* ------------------------------------------------------------ vectors */

static int highest(const uint32_t reg[8])
{
    for (int w = 7; w >= 0; w--)
        if (reg[w])
            return w * 32 + 31 - __builtin_clz(reg[w]);
    return -1;
}

static void bit_set(uint32_t reg[8], unsigned v) { reg[v >> 5] |= 1u << (v & 31); }
static void bit_clear(uint32_t reg[8], unsigned v) { reg[v >> 5] &= ~(1u << (v & 31)); }
static int bit_test(const uint32_t reg[8], unsigned v) { return (reg[v >> 5] >> (v & 31)) & 1; }

static int sw_enabled(const struct lapic *l)
{
    return (l->svr & LAPIC_SVR_ENABLE) != 0;
}

int lapic_hw_enabled(const struct lapic *l)
{
    return (l->base_msr & LAPIC_BASE_ENABLE) != 0;
}

/* PPR (SDM 10.8.3.1): the TPR, or the in-service class if that is higher. */
static uint32_t ppr(const struct lapic *l)
{
    int isrv = highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;
    return (l->tpr & 0xF0) >= isr_class ? l->tpr & 0xFF : isr_class;
}

/* APR (SDM 10.6.2.4, P6 rule). */
uint32_t lapic_arb_priority(const struct lapic *l)
{
    int isrv = highest(l->isr), irrv = highest(l->irr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;
    uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xF0;
    if ((l->tpr & 0xF0) >= irr_class && (l->tpr & 0xF0) > isr_class)
        return l->tpr & 0xFF;
    uint32_t a = l->tpr & 0xF0;
    if (isr_class > a)
        a = isr_class;
    if (irr_class > a)
        a = irr_class;
    return a;
}

/* A fixed request beats the processor priority: INTR goes up. */
static int deliverable(const struct lapic *l)
{
    int irrv = highest(l->irr);
    return sw_enabled(l) && irrv >= 0 && ((uint32_t)irrv & 0xF0) > (ppr(l) & 0xF0);
}

/* Something that decides INTR changed (a request arrived, EOI, TPR, SVR,
 * the base): raise INTR if a request is deliverable now. It is lowered
 * only by the INTA cycle (or a disable): masking the request afterwards
 * leaves it raised, and the acknowledge gives the spurious vector. */
static void kick(struct lapic *l)
{
    if (deliverable(l))
        l->intr_raised = 1;
    else if (!sw_enabled(l) || !lapic_hw_enabled(l))
        l->intr_raised = 0;   /* requests are held while disabled */
    if (l->host.kick)
        l->host.kick(l->host.opaque);
}

static void signal_error(struct lapic *l, uint32_t bit);

/* A fixed interrupt arrives (from a message, an LVT entry or the timer). */
static void accept_vector(struct lapic *l, unsigned vector, int level)
{
    if (vector < 16) {
        signal_error(l, LAPIC_ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(l->irr, vector);
    if (level)
        bit_set(l->tmr, vector);
    else
        bit_clear(l->tmr, vector);
    kick(l);
}

/* An error was detected: latch it for the next ESR write and raise the
 * error LVT's interrupt (SDM 10.5.3). */
static void signal_error(struct lapic *l, uint32_t bit)
{
    int first = (l->esr_pending & bit) == 0;
    l->esr_pending |= bit;
    uint32_t lvt = l->lvt[LAPIC_LVT_E];
    if (first && !(lvt & LAPIC_LVT_MASKED) && (lvt & 0xFF) >= 16)
        accept_vector(l, lvt & 0xFF, 0);
    else if (first && !(lvt & LAPIC_LVT_MASKED))
        l->esr_pending |= LAPIC_ESR_RECV_ILLEGAL;   /* an illegal error vector is one more error */
}

/* ------------------------------------------------------------ timer */

static uint64_t timer_tick_ns(const struct lapic *l)
{
    uint32_t d = l->timer_div;
    unsigned shift = (d & 3) | ((d >> 1) & 4);
    uint64_t divisor = shift == 7 ? 1 : 2u << shift;
    return divisor * LAPIC_TIMER_NS_PER_TICK;
}

static int timer_periodic(const struct lapic *l)
{
    return (l->lvt[LAPIC_LVT_T] & LAPIC_LVT_PERIODIC) != 0;
}

static uint32_t timer_current(const struct lapic *l, uint64_t now)
{
    if (l->timer_start_count == 0)
        return 0;
    uint64_t t = (now - l->timer_start_ns) / timer_tick_ns(l);
    if (t < l->timer_start_count)
        return l->timer_start_count - (uint32_t)t;
    if (!timer_periodic(l) || l->timer_initial == 0)
        return 0;
    return l->timer_initial - (uint32_t)((t - l->timer_start_count) % l->timer_initial);
}

/* Arm the clock timer for the next time the count reaches zero, moving
 * a periodic count's reference forward past the periods already over. */
static void timer_arm(struct lapic *l)
{
    if (l->timer_start_count == 0) {
        clock_cancel(l->clock, l->timer_id);
        return;
    }
    uint64_t tick = timer_tick_ns(l), now = clock_now(l->clock);
    uint64_t expiry = l->timer_start_ns + (uint64_t)l->timer_start_count * tick;
    if (expiry > now) {
        clock_schedule(l->clock, l->timer_id, expiry);
        return;
    }
    if (!timer_periodic(l) || l->timer_initial == 0) {
        clock_cancel(l->clock, l->timer_id);
        return;
    }
    uint64_t period = (uint64_t)l->timer_initial * tick;
    uint64_t k = (now - expiry) / period;
    l->timer_start_ns = expiry + k * period;
    l->timer_start_count = l->timer_initial;
    clock_schedule(l->clock, l->timer_id, l->timer_start_ns + period);
}

/* The count reached zero. */
static void timer_fire(void *opaque)
{
    struct lapic *l = opaque;
    if (l->timer_start_count == 0)
        return;
    uint64_t tick = timer_tick_ns(l);
    uint64_t expiry = l->timer_start_ns + (uint64_t)l->timer_start_count * tick;
    uint32_t lvt = l->lvt[LAPIC_LVT_T];
    if (!(lvt & LAPIC_LVT_MASKED))
        accept_vector(l, lvt & 0xFF, 0);
    if (timer_periodic(l) && l->timer_initial) {
        l->timer_start_ns = expiry;
        l->timer_start_count = l->timer_initial;
    }
    timer_arm(l);
}

/* Reload the count from now with `count` left (a write of the initial
 * count, or a new divide setting keeping the count it had). */
static void timer_load(struct lapic *l, uint32_t count)
{
    l->timer_start_ns = clock_now(l->clock);
    l->timer_start_count = count;
    timer_arm(l);
}

/* ------------------------------------------------------------ LINT pins */

void lapic_set_lint(struct lapic *l, int pin, int level)
{
    pin &= 1;
    int rising = level && !l->lint_level[pin];
    l->lint_level[pin] = (uint8_t)(level ? 1 : 0);
    if (!lapic_hw_enabled(l)) {
        /* A hardware-disabled APIC passes INTR and NMI straight through
         * (SDM 10.4.3): LINT0 is offered as ExtINT, LINT1 is the NMI pin. */
        if (pin == 0 && level)
            kick(l);
        else if (pin == 1 && rising && l->host.nmi)
            l->host.nmi(l->host.opaque);
        return;
    }
    uint32_t *lvt = &l->lvt[pin ? LAPIC_LVT_L1 : LAPIC_LVT_L0];
    if (*lvt & LAPIC_LVT_MASKED)
        return;
    switch ((*lvt >> 8) & 7) {
    case APIC_DM_EXTINT:
        if (level)
            kick(l);
        break;
    case APIC_DM_NMI:
        if (rising && l->host.nmi)
            l->host.nmi(l->host.opaque);
        break;
    case APIC_DM_FIXED:
        if (*lvt & LAPIC_LVT_LEVEL) {
            /* Level: one interrupt until its EOI clears remote IRR. */
            if (level && !(*lvt & LAPIC_LVT_REMOTE_IRR)) {
                *lvt |= LAPIC_LVT_REMOTE_IRR;
                accept_vector(l, *lvt & 0xFF, 1);
            }
        } else if (rising) {
            accept_vector(l, *lvt & 0xFF, 0);
        }
        break;
    default:
        break;   /* SMI, INIT: reserved for LINT on this board */
    }
}

/* ------------------------------------------------------------ delivery */

int lapic_intr_pending(const struct lapic *l)
{
    if (!lapic_hw_enabled(l))
        return l->lint_level[0] ? LAPIC_INTR_EXTINT : LAPIC_INTR_NONE;
    uint32_t lvt0 = l->lvt[LAPIC_LVT_L0];
    if (l->lint_level[0] && !(lvt0 & LAPIC_LVT_MASKED) && ((lvt0 >> 8) & 7) == APIC_DM_EXTINT)
        return LAPIC_INTR_EXTINT;
    if (!sw_enabled(l))
        return LAPIC_INTR_NONE;   /* requests are held (SDM 10.4.7.2) */
    return deliverable(l) || l->intr_raised ? LAPIC_INTR_APIC : LAPIC_INTR_NONE;
}

uint8_t lapic_acknowledge(struct lapic *l)
{
    int irrv = highest(l->irr);
    l->intr_raised = 0;
    if (!deliverable(l))
        return (uint8_t)(l->svr | 0x0F);   /* spurious: nothing goes in service */
    bit_clear(l->irr, (unsigned)irrv);
    bit_set(l->isr, (unsigned)irrv);
    return (uint8_t)irrv;
}

int lapic_extint_open(const struct lapic *l)
{
    uint32_t lvt0 = l->lvt[LAPIC_LVT_L0];
    return !lapic_hw_enabled(l) ||
           (!(lvt0 & LAPIC_LVT_MASKED) && ((lvt0 >> 8) & 7) == APIC_DM_EXTINT);
}

int lapic_can_wake(const struct lapic *l)
{
    if (!lapic_hw_enabled(l) || !sw_enabled(l))
        return 0;
    if (highest(l->irr) >= 0)
        return 1;
    return l->timer_start_count && !(l->lvt[LAPIC_LVT_T] & LAPIC_LVT_MASKED) &&
           clock_deadline(l->clock, l->timer_id) != CLOCK_NEVER;
}

static void eoi(struct lapic *l)
{
    int isrv = highest(l->isr);
    if (isrv < 0)
        return;
    bit_clear(l->isr, (unsigned)isrv);
    for (int pin = 0; pin < 2; pin++) {
        uint32_t *lvt = &l->lvt[pin ? LAPIC_LVT_L1 : LAPIC_LVT_L0];
        if ((*lvt & LAPIC_LVT_REMOTE_IRR) && (*lvt & 0xFF) == (uint32_t)isrv) {
            *lvt &= ~LAPIC_LVT_REMOTE_IRR;
            if (l->lint_level[pin])
                lapic_set_lint(l, pin, 1);   /* still asserted: once more */
        }
    }
    if (bit_test(l->tmr, (unsigned)isrv) && l->host.eoi_broadcast)
        l->host.eoi_broadcast(l->host.opaque, (uint8_t)isrv);
    kick(l);   /* a request the in-service one held back may go now */
}

/* x2APIC mode: the ID is the CPU's initial APIC ID, the LDR derived
 * from it (SDM 10.12.10.2). */
static uint32_t x2_id(const struct lapic *l)
{
    return (uint32_t)l->index;
}

static uint32_t x2_ldr(const struct lapic *l)
{
    uint32_t id = x2_id(l);
    return (id >> 4) << 16 | 1u << (id & 15);
}

int lapic_match_dest(const struct lapic *l, const struct apic_msg *m)
{
    int logical = m->logical;
    if (l->x2apic) {
        uint32_t d = m->dest;
        if (!m->x2 && d == 0xFF)
            d = 0xFFFFFFFFu;   /* the 8-bit broadcast */
        if (d == 0xFFFFFFFFu)
            return 1;
        if (!logical)
            return d == x2_id(l);
        uint32_t ldr = x2_ldr(l);
        return (d >> 16) == (ldr >> 16) && (d & ldr & 0xFFFFu) != 0;   /* cluster */
    }
    uint8_t dest = m->x2 && m->dest == 0xFFFFFFFFu ? 0xFF : (uint8_t)m->dest;
    if (!logical)
        return dest == 0xFF || dest == (uint8_t)(l->id >> 24);
    if (dest == 0xFF)
        return 1;
    uint8_t ldr = (uint8_t)(l->ldr >> 24);
    if ((l->dfr >> 28) == 0xF)
        return (ldr & dest) != 0;                               /* flat */
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0x0F) != 0;   /* cluster */
}

void lapic_accept(struct lapic *l, const struct apic_msg *msg)
{
    if (!lapic_hw_enabled(l))
        return;
    switch (msg->mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        accept_vector(l, msg->vector, msg->level_trig);
        break;
    case APIC_DM_NMI:
        if (l->host.nmi)
            l->host.nmi(l->host.opaque);
        break;
    case APIC_DM_INIT:
        /* INIT level de-assert only synchronises arbitration IDs. */
        if (!(msg->level_trig && !msg->assert) && l->host.init)
            l->host.init(l->host.opaque);
        break;
    case APIC_DM_SIPI:
        if (l->host.sipi)
            l->host.sipi(l->host.opaque, msg->vector);
        break;
    case APIC_DM_SMI:
        devlog_once(l->log, &l->logged, LOG_SMI, "local APIC: SMI received; the board has no SMM (ignored)");
        break;
    default:
        devlog_once(l->log, &l->logged, LOG_EXTINT_IPI,
                    "local APIC: ExtINT or reserved delivery mode %u in a message (ignored)", msg->mode);
        break;
    }
}

/* A write to ICR low sends the IPI (SDM 10.6.1). */
static void send_ipi(struct lapic *l)
{
    struct apic_msg msg = {
        .vector = (uint8_t)l->icr_lo,
        .mode = (uint8_t)((l->icr_lo >> 8) & 7),
        .logical = (uint8_t)((l->icr_lo >> 11) & 1),
        .assert = (uint8_t)((l->icr_lo >> 14) & 1),
        .level_trig = (uint8_t)((l->icr_lo >> 15) & 1),
        .shorthand = (uint8_t)((l->icr_lo >> 18) & 3),
        .x2 = l->x2apic,
        .dest = l->x2apic ? l->icr_hi : l->icr_hi >> 24,
        .source = l->index,
    };
    if ((msg.mode == APIC_DM_FIXED || msg.mode == APIC_DM_LOWEST) && msg.vector < 16) {
        signal_error(l, LAPIC_ESR_SEND_ILLEGAL);
        return;
    }
    if (msg.mode == APIC_DM_FIXED || msg.mode == APIC_DM_LOWEST)
        msg.level_trig = 0;   /* IPIs are edge-triggered to the receiver (the TMR stays clear) */
    if (msg.shorthand == APIC_SH_SELF && msg.mode != APIC_DM_FIXED) {
        devlog_once(l->log, &l->logged, LOG_SELF_MODE,
                    "local APIC: the self shorthand with delivery mode %u (only fixed is valid; ignored)",
                    msg.mode);
        return;
    }
    if (msg.mode == APIC_DM_SMI) {
        devlog_once(l->log, &l->logged, LOG_SMI, "local APIC: SMI IPI sent; the board has no SMM (ignored)");
        return;
    }
    if (msg.shorthand == APIC_SH_SELF) {
        lapic_accept(l, &msg);
        return;
    }
    if (l->host.send)
        l->host.send(l->host.opaque, &msg);
}

/* ------------------------------------------------------------ registers */

uint32_t lapic_read(struct lapic *l, uint32_t offset)
{
    offset &= 0xFF0;
    if (offset >= LAPIC_ISR && offset < LAPIC_ISR + 0x80)
        return l->isr[(offset - LAPIC_ISR) >> 4];
    if (offset >= LAPIC_TMR && offset < LAPIC_TMR + 0x80)
        return l->tmr[(offset - LAPIC_TMR) >> 4];
    if (offset >= LAPIC_IRR && offset < LAPIC_IRR + 0x80)
        return l->irr[(offset - LAPIC_IRR) >> 4];
    switch (offset) {
    case LAPIC_ID: return l->id;
    case LAPIC_VER: return LAPIC_VERSION;
    case LAPIC_TPR: return l->tpr;
    case LAPIC_APR: return lapic_arb_priority(l);
    case LAPIC_PPR: return ppr(l);
    case LAPIC_EOI: return 0;
    case LAPIC_RRD:
        devlog_once(l->log, &l->logged, LOG_REMOTE_READ, "local APIC: remote read register (reads 0)");
        return 0;
    case LAPIC_LDR: return l->ldr;
    case LAPIC_DFR: return l->dfr;
    case LAPIC_SVR: return l->svr | 0x0F;
    case LAPIC_ESR: return l->esr;
    case LAPIC_ICR_LO: return l->icr_lo;   /* delivery status 0: sent at once */
    case LAPIC_ICR_HI: return l->icr_hi;
    case LAPIC_LVT_TIMER: return l->lvt[LAPIC_LVT_T];
    case LAPIC_LVT_PERF: return l->lvt[LAPIC_LVT_P];
    case LAPIC_LVT_LINT0: return l->lvt[LAPIC_LVT_L0];
    case LAPIC_LVT_LINT1: return l->lvt[LAPIC_LVT_L1];
    case LAPIC_LVT_ERROR: return l->lvt[LAPIC_LVT_E];
    case LAPIC_TIMER_INIT: return l->timer_initial;
    case LAPIC_TIMER_CUR: return timer_current(l, clock_now(l->clock));
    case LAPIC_TIMER_DIV: return l->timer_div;
    default:
        signal_error(l, LAPIC_ESR_ILLEGAL_REG);
        return 0;
    }
}

static void write_lvt(struct lapic *l, int i, uint32_t v)
{
    uint32_t keep = l->lvt[i] & (LAPIC_LVT_REMOTE_IRR);
    if (!sw_enabled(l))
        v |= LAPIC_LVT_MASKED;   /* masks cannot be cleared while disabled (SDM 10.4.7.2) */
    l->lvt[i] = (v & lvt_writable[i]) | keep;
    if (i == LAPIC_LVT_T) {
        if ((v >> 17) & 2)
            devlog_once(l->log, &l->logged, LOG_TIMER_MODE,
                        "local APIC: timer mode %u (TSC-deadline is not offered; kept one-shot/periodic bit only)",
                        (v >> 17) & 3);
        timer_arm(l);
    } else if (i == LAPIC_LVT_L0 || i == LAPIC_LVT_L1) {
        if (!(l->lvt[i] & LAPIC_LVT_LEVEL))
            l->lvt[i] &= ~LAPIC_LVT_REMOTE_IRR;
        if (l->lint_level[i - LAPIC_LVT_L0])
            lapic_set_lint(l, i - LAPIC_LVT_L0, 1);   /* an unmasked level line is seen now */
    }
    kick(l);
}

void lapic_write(struct lapic *l, uint32_t offset, uint32_t v)
{
    offset &= 0xFF0;
    switch (offset) {
    case LAPIC_ID: l->id = v & 0x0F000000u; break;   /* a 4-bit ID on the P6 */
    case LAPIC_TPR: l->tpr = v & 0xFF; kick(l); break;
    case LAPIC_EOI: eoi(l); break;
    case LAPIC_LDR: l->ldr = v & 0xFF000000u; break;
    case LAPIC_DFR: l->dfr = v | 0x0FFFFFFFu; break;
    case LAPIC_SVR:
        l->svr = v & 0x3FFu;   /* vector, enable, focus checking */
        if (!sw_enabled(l))
            for (int i = 0; i < LAPIC_LVT_COUNT; i++)
                l->lvt[i] |= LAPIC_LVT_MASKED;
        kick(l);
        break;
    case LAPIC_ESR:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case LAPIC_ICR_LO: l->icr_lo = v & 0x000CCFFFu; send_ipi(l); break;
    case LAPIC_ICR_HI: l->icr_hi = v & 0xFF000000u; break;
    case LAPIC_LVT_TIMER: write_lvt(l, LAPIC_LVT_T, v); break;
    case LAPIC_LVT_PERF: write_lvt(l, LAPIC_LVT_P, v); break;
    case LAPIC_LVT_LINT0: write_lvt(l, LAPIC_LVT_L0, v); break;
    case LAPIC_LVT_LINT1: write_lvt(l, LAPIC_LVT_L1, v); break;
    case LAPIC_LVT_ERROR: write_lvt(l, LAPIC_LVT_E, v); break;
    case LAPIC_TIMER_INIT:
        l->timer_initial = v;
        timer_load(l, v);
        break;
    case LAPIC_TIMER_DIV: {
        uint32_t cur = timer_current(l, clock_now(l->clock));
        l->timer_div = v & 0xB;
        if (l->timer_start_count)
            timer_load(l, cur);
        break;
    }
    case LAPIC_VER: case LAPIC_APR: case LAPIC_PPR: case LAPIC_RRD:
    case LAPIC_TIMER_CUR:
        break;   /* read-only: writes are ignored */
    default:
        if ((offset >= LAPIC_ISR && offset < LAPIC_IRR + 0x80))
            break;   /* ISR, TMR, IRR: read-only */
        if (offset == LAPIC_LVT_THERMAL)
            devlog_once(l->log, &l->logged, LOG_THERMAL,
                        "local APIC: thermal LVT written (not present on this P6 APIC)");
        signal_error(l, LAPIC_ESR_ILLEGAL_REG);
        break;
    }
}

/* ------------------------------------------------------------ x2APIC MSRs */

int lapic_msr_read(struct lapic *l, uint32_t index, uint64_t *value)
{
    if (!l->x2apic || index < LAPIC_X2_MSR_FIRST || index > LAPIC_X2_MSR_LAST)
        return -1;
    uint32_t off = (index - LAPIC_X2_MSR_FIRST) << 4;
    switch (off) {
    case LAPIC_ID: *value = x2_id(l); return 0;
    case LAPIC_LDR: *value = x2_ldr(l); return 0;
    case LAPIC_ICR_LO: *value = (uint64_t)l->icr_hi << 32 | l->icr_lo; return 0;
    case LAPIC_VER: case LAPIC_TPR: case LAPIC_PPR: case LAPIC_SVR: case LAPIC_ESR:
    case LAPIC_LVT_TIMER: case LAPIC_LVT_PERF: case LAPIC_LVT_LINT0: case LAPIC_LVT_LINT1:
    case LAPIC_LVT_ERROR: case LAPIC_TIMER_INIT: case LAPIC_TIMER_CUR: case LAPIC_TIMER_DIV:
        *value = lapic_read(l, off);
        return 0;
    default:
        if (off >= LAPIC_ISR && off < LAPIC_IRR + 0x80) {
            *value = lapic_read(l, off);
            return 0;
        }
        /* EOI and SELF IPI are write-only; APR, remote read, DFR, ICR
         * high, the thermal LVT (absent here) and the rest reserved. */
        return -1;
    }
}

int lapic_msr_write(struct lapic *l, uint32_t index, uint64_t v)
{
    if (!l->x2apic || index < LAPIC_X2_MSR_FIRST || index > LAPIC_X2_MSR_LAST)
        return -1;
    uint32_t off = (index - LAPIC_X2_MSR_FIRST) << 4;
    if (off == LAPIC_ICR_LO) {
        l->icr_hi = (uint32_t)(v >> 32);
        l->icr_lo = (uint32_t)v & 0x000CCFFFu;
        send_ipi(l);
        return 0;
    }
    if (v >> 32)
        return -1;   /* the other registers are 32 bits: 63:32 reserved */
    switch (off) {
    case LAPIC_EOI:
    case LAPIC_ESR:
        if (v)
            return -1;   /* only 0 may be written (SDM 10.12.1.2) */
        lapic_write(l, off, 0);
        return 0;
    case 0x3F0: {   /* SELF IPI: a fixed, edge-triggered IPI to this APIC */
        if (v & ~0xFFull)
            return -1;
        struct apic_msg msg = {
            .vector = (uint8_t)v, .mode = APIC_DM_FIXED, .shorthand = APIC_SH_SELF,
            .assert = 1, .source = l->index,
        };
        if (msg.vector < 16)
            signal_error(l, LAPIC_ESR_SEND_ILLEGAL);
        else
            lapic_accept(l, &msg);
        return 0;
    }
    case LAPIC_TPR: case LAPIC_SVR: case LAPIC_LVT_TIMER: case LAPIC_LVT_PERF:
    case LAPIC_LVT_LINT0: case LAPIC_LVT_LINT1: case LAPIC_LVT_ERROR:
    case LAPIC_TIMER_INIT: case LAPIC_TIMER_DIV:
        lapic_write(l, off, (uint32_t)v);
        return 0;
    default:
        return -1;   /* read-only (ID, version, LDR, PPR, ISR/TMR/IRR, current count) or reserved */
    }
}

/* ------------------------------------------------------------ MMIO window */

static struct lapic *window_target(struct lapic *l)
{
    return l->host.window_apic ? l->host.window_apic(l->host.opaque) : l;
}

static uint32_t mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct lapic *l = window_target(opaque);
    if (l->x2apic)
        return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;   /* the window is off: open bus */
    uint32_t v = lapic_read(l, offset & ~3u);
    if ((offset & 0xF) >= 4)
        return 0;   /* the rest of each 16-byte slot */
    v >>= 8 * (offset & 3);
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    struct lapic *l = window_target(opaque);
    if (l->x2apic)
        return;   /* the window is off in x2APIC mode (SDM 10.12.1.2) */
    if (size != 4 || (offset & 0xF)) {
        devlog_once(l->log, &l->logged, LOG_NARROW_WRITE,
                    "local APIC: %u-byte write at offset 0x%03X (registers take aligned 32-bit writes; ignored)",
                    size, offset);
        return;
    }
    lapic_write(l, offset, value);
}

static const struct mmio_ops lapic_mmio = { mmio_read, mmio_write };

static void unmap(struct lapic *l)
{
    if (l->mapped)
        physmem_unmap_mmio(l->mem, l->mapped_base);
    l->mapped = 0;
}

static void map_at_base(struct lapic *l)
{
    unmap(l);
    if (!lapic_hw_enabled(l))
        return;   /* a disabled APIC answers no addresses (SDM 10.4.3) */
    if (l->host.window_apic && l->index != 0)
        return;   /* APIC 0's window serves every CPU (window_apic) */
    uint32_t base = (uint32_t)l->base_msr & 0xFFFFF000u;
    if (physmem_map_mmio(l->mem, base, LAPIC_MMIO_SIZE, &lapic_mmio, l, "local APIC") == 0) {
        l->mapped = 1;
        l->mapped_base = base;
    }
}

/* The registers' power-on values (SDM 10.4.7.1), the ID kept. */
static void registers_reset(struct lapic *l)
{
    l->tpr = l->esr = l->esr_pending = l->icr_lo = l->icr_hi = l->ldr = 0;
    l->dfr = 0xFFFFFFFFu;
    l->svr = 0xFF;
    memset(l->isr, 0, sizeof l->isr);
    memset(l->tmr, 0, sizeof l->tmr);
    memset(l->irr, 0, sizeof l->irr);
    l->intr_raised = 0;
    for (int i = 0; i < LAPIC_LVT_COUNT; i++)
        l->lvt[i] = LAPIC_LVT_MASKED;
    /* The bootstrap CPU's LINT0 comes up as ExtINT, unmasked: the board
     * is in virtual-wire mode from reset, so the 8259's INTR reaches the
     * CPU before (and without) any APIC set-up, as firmware would leave
     * it (MP spec 3.6.2.2). */
    if (l->index == 0)
        l->lvt[LAPIC_LVT_L0] = APIC_DM_EXTINT << 8;
    l->timer_initial = l->timer_div = 0;
    l->timer_start_count = 0;
    l->timer_start_ns = 0;
    clock_cancel(l->clock, l->timer_id);
}

void lapic_reset(struct lapic *l)
{
    if (!l->clock)
        return;   /* not wired (a machine without an APIC) */
    l->id = (uint32_t)l->index << 24;
    l->base_msr = LAPIC_DEFAULT_BASE | LAPIC_BASE_ENABLE | (l->index == 0 ? LAPIC_BASE_BSP : 0);
    l->x2apic = 0;
    registers_reset(l);
    map_at_base(l);
}

void lapic_init_received(struct lapic *l)
{
    registers_reset(l);
}

void lapic_set_base(struct lapic *l, uint64_t msr)
{
    int was = lapic_hw_enabled(l);
    l->x2apic = (msr & LAPIC_BASE_EXTD) != 0;
    l->base_msr = msr & ~(uint64_t)LAPIC_BASE_EXTD;
    /* Disabling resets the registers: a later enable (allowed from the
     * Pentium 4 on; the P6 would need a reset) finds the power-on state. */
    if (was && !lapic_hw_enabled(l))
        registers_reset(l);
    map_at_base(l);
    kick(l);
}

int lapic_init(struct lapic *l, int index, struct physmem *mem, struct clock *clock,
               const struct lapic_host *host, FILE *log)
{
    memset(l, 0, sizeof *l);
    l->index = index;
    l->mem = mem;
    l->clock = clock;
    l->host = *host;
    l->log = log;
    l->timer_id = clock_timer_add(clock, "local APIC timer", timer_fire, l);
    if (l->timer_id < 0)
        return -1;
    lapic_reset(l);
    if (l->host.window_apic && index != 0)
        return 0;   /* served through APIC 0's window */
    return l->mapped ? 0 : -1;
}

void lapic_free(struct lapic *l)
{
    unmap(l);
}

/* ------------------------------------------------------------ state */

static const struct state_field lapic_fields[] = {
    STATE_FIELD(struct lapic, base_msr, 0xFFFFFF900ull),
    STATE_FIELD(struct lapic, id, 0x0F000000u),
    STATE_FIELD(struct lapic, tpr, 0xFF),
    STATE_FIELD(struct lapic, ldr, STATE_ANY),
    STATE_FIELD(struct lapic, dfr, STATE_ANY),
    STATE_FIELD(struct lapic, svr, 0x3FF),
    STATE_FIELD(struct lapic, esr, 0xFF),
    STATE_FIELD(struct lapic, esr_pending, 0xFF),
    STATE_FIELD(struct lapic, icr_lo, STATE_ANY),
    STATE_FIELD(struct lapic, icr_hi, STATE_ANY),
    STATE_ARRAY(struct lapic, isr, STATE_ANY),
    STATE_ARRAY(struct lapic, tmr, STATE_ANY),
    STATE_ARRAY(struct lapic, irr, STATE_ANY),
    STATE_ARRAY(struct lapic, lvt, 0x3FFFFu),
    STATE_FIELD(struct lapic, timer_initial, STATE_ANY),
    STATE_FIELD(struct lapic, timer_div, 0xB),
    STATE_FIELD(struct lapic, timer_start_ns, STATE_ANY),
    STATE_FIELD(struct lapic, timer_start_count, STATE_ANY),
    STATE_ARRAY(struct lapic, lint_level, 1),
    STATE_FIELD_SINCE(2, struct lapic, intr_raised, 1),
    STATE_FIELD_SINCE(3, struct lapic, x2apic, 1),
};
static const struct state_layout lapic_layout = STATE_LAYOUT("LAPC", 3, lapic_fields);

/* APIC 0's record is "LAPC"; APIC k's (-smp) "LAPk". */
static void record_tag(const struct lapic *l, char tag[5])
{
    memcpy(tag, "LAPC", 5);
    if (l->index > 0)
        tag[3] = (char)('0' + l->index % 10);
}

void lapic_save(const struct lapic *l, struct state_writer *w)
{
    if (!l->clock)
        return;   /* not wired: no record */
    char tag[5];
    record_tag(l, tag);
    state_save_layout(w, &lapic_layout, tag, l);
}

int lapic_load(struct lapic *l, struct state_reader *r)
{
    if (!l->clock)
        return 0;
    l->intr_raised = 0;   /* a version-1 record has none */
    l->x2apic = 0;        /* nor has a version-2 record: xAPIC mode */
    char tag[5];
    record_tag(l, tag);
    if (state_load_layout(r, &lapic_layout, tag, l) != 0)
        return -1;
    map_at_base(l);   /* the clock restores the timer's deadline by index */
    return 0;
}
