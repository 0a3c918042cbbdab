/* The frontend's display timer: a machine-clock timer that calls the
 * frontend's refresh (and input poll) every period of virtual time, so a
 * screen is drawn at points of the guest's time, never midway through an
 * instruction. */
#ifndef SHADOW86_MACHINE_BOARD_DISPLAY_H
#define SHADOW86_MACHINE_BOARD_DISPLAY_H

#include <stdint.h>

struct machine;

typedef void (*board_display_fn)(void *opaque);

struct board_display {
    int timer;                 /* clock timer id, -1 until first set */
    uint64_t period_ns;
    board_display_fn fn;
    void *opaque;
};

void board_display_init(struct board_display *d);
/* Have `fn` called every `period_ns` of machine time (fn NULL or period 0
 * stops it). Returns 0, or -1 with no clock timer left. */
int board_display_set(struct machine *m, board_display_fn fn, void *opaque, uint64_t period_ns);

#endif
