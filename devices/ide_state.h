/* IDE state records for snapshots (base/state.h): record "IDE0" holds
 * both channels, their bus masters and every drive's task file and
 * transfer in progress. Which drives exist (and whether each is a disk or
 * a CD-ROM) is configuration, not state: a load into a machine with other
 * drives fails. The images' contents are the blockdev's (see
 * blockdev_save). */
#ifndef SHADOW86_DEVICES_IDE_STATE_H
#define SHADOW86_DEVICES_IDE_STATE_H

#include "devices/ide.h"
#include "base/state.h"

void ide_save(const struct ide *ide, struct state_writer *w);
int ide_load(struct ide *ide, struct state_reader *r);

#endif
