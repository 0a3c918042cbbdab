/* VGA state records for snapshots (base/state.h). */
#ifndef SHADOW86_DEVICES_VGA_STATE_H
#define SHADOW86_DEVICES_VGA_STATE_H

#include "devices/vga.h"
#include "base/state.h"

void vga_save(const struct vga *v, struct state_writer *w);
/* Returns 0, or -1 (missing or corrupt record). */
int vga_load(struct vga *v, struct state_reader *r);

#endif
