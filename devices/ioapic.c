/* The 82093AA I/O APIC; see ioapic.h. */
#include <string.h>

#include "base/state.h"
#include "devices/devlog.h"
#include "devices/ioapic.h"

enum { LOG_BAD_REG, LOG_NARROW, LOG_DELIVERY_MODE };

/* Writable bits of an entry: vector, delivery mode, destination mode,
 * polarity, trigger, mask (low); destination (high). */
#define RTE_WRITABLE 0xFF0000000001AFFFull

static void deliver(struct ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    struct apic_msg msg = {
        .vector = (uint8_t)e,
        .mode = (uint8_t)((e >> 8) & 7),
        .logical = (uint8_t)((e >> 11) & 1),
        .level_trig = (uint8_t)((e >> 15) & 1),
        .assert = 1,
        .shorthand = APIC_SH_NONE,
        .dest = (uint8_t)(e >> 56),
        .source = -1,
    };
    if (msg.mode == APIC_DM_SMI || msg.mode == APIC_DM_SIPI || msg.mode == 3) {
        devlog_once(io->log, &io->logged, LOG_DELIVERY_MODE,
                    "I/O APIC: pin %d uses delivery mode %u (SMI or reserved; not sent)", pin, msg.mode);
        return;
    }
    if (msg.level_trig)
        io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
    if (io->send)
        io->send(io->opaque, &msg);
}

/* A level input that is asserted, unmasked and not in service sends. */
static void check_level(struct ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    if ((e & IOAPIC_RTE_LEVEL) && !(e & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) &&
        (io->level >> pin & 1))
        deliver(io, pin);
}

void ioapic_set_irq(struct ioapic *io, int pin, int level)
{
    if (pin < 0 || pin >= IOAPIC_PINS)
        return;
    uint32_t bit = 1u << pin;
    int rising = level && !(io->level & bit);
    io->level = level ? io->level | bit : io->level & ~bit;
    uint64_t e = io->rte[pin];
    if (e & IOAPIC_RTE_LEVEL)
        check_level(io, pin);
    else if (rising && !(e & IOAPIC_RTE_MASKED))
        deliver(io, pin);
}

static void irq_input(void *opaque, int line, int level)
{
    ioapic_set_irq(opaque, line, level);
}

struct irq_line ioapic_irq_line(struct ioapic *io, int pin)
{
    return irq_line_make(irq_input, io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = io->rte[pin];
        if ((e & IOAPIC_RTE_REMOTE_IRR) && (uint8_t)e == vector) {
            io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
            check_level(io, pin);
        }
    }
}

int ioapic_any_unmasked(const struct ioapic *io)
{
    for (int pin = 0; pin < IOAPIC_PINS; pin++)
        if (!(io->rte[pin] & IOAPIC_RTE_MASKED))
            return 1;
    return 0;
}

uint32_t ioapic_read_reg(struct ioapic *io, uint32_t index)
{
    index &= 0xFF;
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS) {
        uint64_t e = io->rte[(index - 0x10) >> 1];
        return (index & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    switch (index) {
    case 0: return io->id;
    case 1: return IOAPIC_VERSION;
    case 2: return io->id;   /* arbitration ID: loaded from the ID */
    default:
        devlog_once(io->log, &io->logged, LOG_BAD_REG,
                    "I/O APIC: register 0x%02X does not exist (reads 0)", index);
        return 0;
    }
}

void ioapic_write_reg(struct ioapic *io, uint32_t index, uint32_t value)
{
    index &= 0xFF;
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS) {
        int pin = (int)(index - 0x10) >> 1;
        uint64_t e = io->rte[pin];
        uint64_t v = (index & 1) ? ((uint64_t)value << 32) | (e & 0xFFFFFFFFu)
                                 : (e & 0xFFFFFFFF00000000ull) | value;
        io->rte[pin] = (v & RTE_WRITABLE) | (e & IOAPIC_RTE_REMOTE_IRR);
        if (!(io->rte[pin] & IOAPIC_RTE_LEVEL))
            io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;   /* meaningless for edge entries */
        check_level(io, pin);   /* an unmasked, asserted level input sends now */
        return;
    }
    switch (index) {
    case 0: io->id = value & 0x0F000000u; break;
    case 1: case 2: break;   /* read-only */
    default:
        devlog_once(io->log, &io->logged, LOG_BAD_REG,
                    "I/O APIC: register 0x%02X does not exist (write ignored)", index);
        break;
    }
}

static uint32_t mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct ioapic *io = opaque;
    uint32_t v;
    if ((offset & ~3u) == 0x00)
        v = io->regsel;
    else if ((offset & ~3u) == 0x10)
        v = ioapic_read_reg(io, io->regsel);
    else
        return 0;
    v >>= 8 * (offset & 3);
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    struct ioapic *io = opaque;
    if (offset == 0x00) {
        io->regsel = value & 0xFF;   /* IOREGSEL is 8 bits wide; any size writes it */
        return;
    }
    if (offset == 0x10 && size == 4) {
        ioapic_write_reg(io, io->regsel, value);
        return;
    }
    devlog_once(io->log, &io->logged, LOG_NARROW,
                "I/O APIC: %u-byte write at offset 0x%02X (ignored)", size, offset);
}

static const struct mmio_ops ioapic_mmio = { mmio_read, mmio_write };

void ioapic_reset(struct ioapic *io)
{
    if (!io->mem)
        return;   /* not wired */
    io->id = io->reset_id;
    io->regsel = 0;
    /* Every entry masked (datasheet 3.2.4); input levels are the devices'. */
    for (int pin = 0; pin < IOAPIC_PINS; pin++)
        io->rte[pin] = IOAPIC_RTE_MASKED;
}

int ioapic_init(struct ioapic *io, uint8_t id, struct physmem *mem,
                void (*send)(void *opaque, const struct apic_msg *msg), void *opaque, FILE *log)
{
    memset(io, 0, sizeof *io);
    io->mem = mem;
    io->send = send;
    io->opaque = opaque;
    io->log = log;
    io->mem = mem;
    io->reset_id = (uint32_t)(id & 0x0F) << 24;
    ioapic_reset(io);
    return physmem_map_mmio(mem, IOAPIC_BASE, IOAPIC_MMIO_SIZE, &ioapic_mmio, io, "I/O APIC");
}

void ioapic_free(struct ioapic *io)
{
    if (io->mem)
        physmem_unmap_mmio(io->mem, IOAPIC_BASE);
    io->mem = NULL;
}

static const struct state_field ioapic_fields[] = {
    STATE_FIELD(struct ioapic, id, 0x0F000000u),
    STATE_FIELD(struct ioapic, regsel, 0xFF),
    STATE_FIELD(struct ioapic, level, 0xFFFFFFu),
    STATE_ARRAY(struct ioapic, rte, RTE_WRITABLE | IOAPIC_RTE_REMOTE_IRR),
};
static const struct state_layout ioapic_layout = STATE_LAYOUT("IOAP", 1, ioapic_fields);

void ioapic_save(const struct ioapic *io, struct state_writer *w)
{
    if (!io->mem)
        return;
    state_save_layout(w, &ioapic_layout, NULL, io);
}

int ioapic_load(struct ioapic *io, struct state_reader *r)
{
    if (!io->mem)
        return 0;
    return state_load_layout(r, &ioapic_layout, NULL, io);
}
