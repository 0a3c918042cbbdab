/* One-line notices from devices about guest behaviour they do not model
 * (an unimplemented register, a mode the PC never uses). Each notice is
 * printed once per device instance (`seen` is a bitmask the device keeps),
 * so a guest that pokes a register in a loop does not flood the log, yet
 * nothing unmodelled passes silently.
 */
#ifndef SHADOW86_DEVICES_DEVLOG_H
#define SHADOW86_DEVICES_DEVLOG_H

#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void devlog_once(FILE *log, uint32_t *seen, unsigned bit, const char *fmt, ...);

#endif
