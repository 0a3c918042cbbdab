/* A whole machine's state as one byte stream (base/state.h records):
 * the CPU, guest RAM (pages that are not all zero), the A20 gate and PAM
 * modes, the clock with its timer deadlines, and every board device of
 * the device table (machine/board_devices.h) through board_save()/
 * board_load(), the -snapshot disk overlays among them.
 *
 * machine_load() restores into a machine created with the same options
 * (RAM size, firmware, wiring); the stream says which parts it holds and
 * each part checks its own record. Taken between two run-loop slices, a
 * saved machine and its restored copy then run identically.
 *
 * tests/unit/test_snapshot.c checks it on a device-heavy test ROM and on
 * SeaBIOS mid-boot, with the interpreter and the translator.
 */
#ifndef SHADOW86_MACHINE_SNAPSHOT_H
#define SHADOW86_MACHINE_SNAPSHOT_H

#include <stddef.h>

#include "base/state.h"

struct machine;

/* Returns 0, or -1 if memory ran out (w is failed). */
int machine_save(const struct machine *m, struct state_writer *w);
/* Returns 0, or -1 with a one-line message (missing or damaged record,
 * a machine of another shape). The machine is unusable after a failure. */
int machine_load(struct machine *m, const uint8_t *buf, size_t len, char *err, size_t errsz);

#endif
