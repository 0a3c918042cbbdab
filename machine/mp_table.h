/* The Intel MultiProcessor Specification 1.4 tables (chapter 4) for a
 * direct kernel boot, where no firmware builds them: the floating pointer
 * (16 bytes) and the configuration table right after it. Older kernels
 * and test suites find the APICs here rather than in the MADT. */
#ifndef SHADOW86_MACHINE_MP_TABLE_H
#define SHADOW86_MACHINE_MP_TABLE_H

#include <stdint.h>

#define MP_TABLE_MAX 512

struct mp_board {
    uint32_t lapic_base;
    uint8_t lapic_version;
    uint8_t ioapic_id, ioapic_version;
    uint32_t ioapic_base;
    uint32_t cpu_signature, cpu_features;   /* CPUID.1 EAX, EDX */
    uint8_t ncpus;                          /* processors, APIC IDs 0..ncpus-1 */
};

/* Write the floating pointer and the table for physical address `addr`
 * into out (at most MP_TABLE_MAX bytes); returns the length. */
uint32_t mp_table_build(uint8_t *out, const struct mp_board *b, uint32_t addr);

#endif
