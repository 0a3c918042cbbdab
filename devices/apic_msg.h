/* An interrupt message on the APIC bus: what an I/O APIC redirection
 * entry or a local APIC's ICR sends (SDM vol. 3 10.6.1, 82093AA 3.2.4).
 * The board routes messages between the APICs (machine/apic_bus.c); the
 * devices only build and accept them. */
#ifndef SHADOW86_DEVICES_APIC_MSG_H
#define SHADOW86_DEVICES_APIC_MSG_H

#include <stdint.h>

/* Delivery modes (ICR and redirection-entry bits 10:8). */
enum apic_delivery {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_SIPI = 6,
    APIC_DM_EXTINT = 7
};

/* Destination shorthands (ICR bits 19:18). */
enum apic_shorthand {
    APIC_SH_NONE = 0,
    APIC_SH_SELF = 1,
    APIC_SH_ALL = 2,
    APIC_SH_ALL_BUT_SELF = 3
};

struct apic_msg {
    uint8_t vector;
    uint8_t mode;         /* enum apic_delivery */
    uint8_t logical;      /* destination mode: 1 logical, 0 physical */
    uint8_t level_trig;   /* trigger mode: 1 level, 0 edge */
    uint8_t assert;       /* level: 1 assert (0 is the INIT level de-assert) */
    uint8_t shorthand;    /* enum apic_shorthand */
    uint8_t x2;           /* dest is a 32-bit x2APIC destination (an ICR in x2APIC mode) */
    uint32_t dest;        /* APIC ID or logical destination (8 bits unless x2) */
    int source;           /* index of the sending local APIC, -1 for the I/O APIC */
};

#endif
