/* The host's monotonic clock, for figures about the emulator itself (MIPS
 * in --stats). This is the one place debug/ reads host time; it never
 * feeds guest-visible state. When machine/clock ([platform]) lands, this
 * read belongs there and this file folds into it.
 */
#ifndef SHADOW86_MACHINE_HOST_TIME_H
#define SHADOW86_MACHINE_HOST_TIME_H

#include <stdint.h>

/* Nanoseconds from an arbitrary fixed origin; 0 if the host has no
 * monotonic clock. */
uint64_t machine_host_monotonic_ns(void);

#endif
