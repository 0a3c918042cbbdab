/* MP tables (MP spec 1.4 chapter 4); see mp_table.h. */
#include <string.h>

#include "base/endian.h"
#include "machine/acpi_tables.h"
#include "machine/mp_table.h"

#define MP_FLOAT_SIZE 16
#define MP_HEADER_SIZE 44
enum { MP_PROC = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINT = 3, MP_LINT = 4 };
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };
#define MP_BUS_ISA 0
#define MP_BUS_PCI 1
/* Interrupt entry flags (table 4-10): polarity bits 1:0, trigger 3:2. */
#define MP_FLAGS_LEVEL_HIGH 0x0Du

static uint8_t *interrupt(uint8_t *p, uint8_t type, uint8_t kind, uint16_t flags, uint8_t bus,
                          uint8_t src, uint8_t dest_id, uint8_t dest_pin)
{
    p[0] = type;
    p[1] = kind;
    le16_store(p + 2, flags);
    p[4] = bus;
    p[5] = src;
    p[6] = dest_id;
    p[7] = dest_pin;
    return p + 8;
}

uint32_t mp_table_build(uint8_t *out, const struct mp_board *b, uint32_t addr)
{
    memset(out, 0, MP_TABLE_MAX);
    uint8_t *cfg = out + MP_FLOAT_SIZE, *p = cfg + MP_HEADER_SIZE;
    uint16_t entries = 0;

    /* The processors: enabled, APIC ID = index, 0 the bootstrap one. */
    for (unsigned k = 0; k < (b->ncpus ? b->ncpus : 1u); k++) {
        p[0] = MP_PROC;
        p[1] = (uint8_t)k;
        p[2] = b->lapic_version;
        p[3] = k == 0 ? 0x03 : 0x01;
        le32_store(p + 4, b->cpu_signature);
        le32_store(p + 8, b->cpu_features);
        p += 20, entries++;
    }
    /* Buses: ISA 0 and PCI 1 (the IDs are the table's own; the
     * interrupt entries refer to them). */
    static const char *const bus_names[2] = { "ISA   ", "PCI   " };
    for (int i = 0; i < 2; i++) {
        p[0] = MP_BUS;
        p[1] = (uint8_t)i;
        memcpy(p + 2, bus_names[i], 6);
        p += 8, entries++;
    }
    p[0] = MP_IOAPIC;
    p[1] = b->ioapic_id;
    p[2] = b->ioapic_version;
    p[3] = 1;   /* usable */
    le32_store(p + 4, b->ioapic_base);
    p += 8, entries++;
    /* ISA IRQs to I/O APIC inputs: IRQ 0 on input 2, the rest on their
     * own number; IRQ 2 (the cascade) has no entry; the SCI and the
     * lines PCI INTx can be routed to (5, 10, 11) are levels. */
    for (int irq = 0; irq < 16; irq++) {
        if (irq == 2)
            continue;
        p = interrupt(p, MP_IOINT, MP_INT, (irq == 5 || irq == 9 || irq == 10 || irq == 11) ? MP_FLAGS_LEVEL_HIGH : 0, MP_BUS_ISA,
                      (uint8_t)irq, b->ioapic_id, (uint8_t)(irq == 0 ? 2 : irq));
        entries++;
    }
    /* Every local APIC: the 8259 as ExtINT on LINT0, NMI on LINT1. */
    p = interrupt(p, MP_LINT, MP_EXTINT, 0, MP_BUS_ISA, 0, 0xFF, 0);
    p = interrupt(p, MP_LINT, MP_NMI, 0, MP_BUS_ISA, 0, 0xFF, 1);
    entries += 2;

    uint16_t len = (uint16_t)(p - cfg);
    memcpy(cfg, "PCMP", 4);
    le16_store(cfg + 4, len);
    cfg[6] = 4;                          /* spec 1.4 */
    memcpy(cfg + 8, "SHDW86  ", 8);
    memcpy(cfg + 16, "SHADOW86 PC ", 12);
    le16_store(cfg + 34, entries);
    le32_store(cfg + 36, b->lapic_base);
    cfg[7] = (uint8_t)(0u - acpi_checksum(cfg, len));

    /* The floating pointer: config table address, length 1 (16-byte
     * units), spec 1.4, no default configuration, IMCR absent (virtual
     * wire mode). */
    memcpy(out, "_MP_", 4);
    le32_store(out + 4, addr + MP_FLOAT_SIZE);
    out[8] = 1;
    out[9] = 4;
    out[10] = (uint8_t)(0u - acpi_checksum(out, MP_FLOAT_SIZE));
    return MP_FLOAT_SIZE + len;
}
