/* The memory balloon on the board (-device virtio-balloon): the
 * virtio-balloon function (devices/virtio_balloon.h) at PCI 04.0, its I/O
 * BAR on the port bus, bus-master access to guest RAM, INTA# through the
 * PIIX3's PIRQ routing (PIRQD), and the host's side: inflated pages go
 * back to the host (physmem_release_page), the target comes from
 * -balloon-target and the timed -balloon-script (on the virtual clock),
 * or from the process's policy (machine_balloon_set_target).
 */
#ifndef SHADOW86_MACHINE_BOARD_BALLOON_H
#define SHADOW86_MACHINE_BOARD_BALLOON_H

#include <stddef.h>
#include <stdint.h>

#include "devices/virtio_balloon.h"

struct machine;
struct state_writer;
struct state_reader;

#define BOARD_BALLOON_DEVFN (4 << 3)
#define BOARD_BALLOON_IO_BASE 0xC200u   /* a direct kernel boot's BAR0 */
#define BOARD_BALLOON_SCRIPT_MAX 256

/* One step of a -balloon-script: at `at_ns` of machine time, the guest's
 * memory target becomes `target_mib`. */
struct balloon_step {
    uint64_t at_ns;
    uint32_t target_mib;
};

struct board_balloon {
    int present;
    struct virtio_balloon dev;
    int script_timer;
    unsigned script_next;        /* the next step of opts.balloon_script */
};

/* Board table operations (machine/board_devices.h). */
int board_balloon_wire(struct machine *m, void *b, char *err, size_t errsz);
void board_balloon_reset(void *b);
void board_balloon_save(const void *b, struct state_writer *w, const char *tag);
int board_balloon_load(void *b, struct state_reader *r, const char *tag);

/* A direct kernel boot: place and enable BAR0 as firmware would. */
void board_balloon_firmware_setup(struct machine *m);

/* The guest's memory target in MiB (its RAM minus the balloon). */
void board_balloon_set_target_mib(struct machine *m, uint32_t mib);

#endif
