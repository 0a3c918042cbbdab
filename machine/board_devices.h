/* The board's device table: every device of the PC board, once.
 *
 * Wiring, the reset line, snapshots and teardown all loop over this one
 * table (machine/board.c holds it), so adding a device is one entry: its
 * name, where its instance lives in struct machine, and its operations.
 * The order of the table is the order of wiring, reset and loading: a
 * device comes after the ones it is wired to (the PIC before everything
 * that raises an IRQ, the PCI bus before its functions), and loading in
 * that order lets a device drive its restored lines into a controller
 * that is already restored.
 */
#ifndef SHADOW86_MACHINE_BOARD_DEVICES_H
#define SHADOW86_MACHINE_BOARD_DEVICES_H

#include <stddef.h>

struct machine;
struct state_writer;
struct state_reader;

struct board_device {
    const char *name;     /* in messages: "PIT", "serial port COM1" */
    const char *tag;      /* its state record's tag where the table chooses it
                             (several instances of one kind), else NULL */
    size_t offset;        /* offsetof(struct machine, the instance) */
    /* Create and connect it (ports, IRQ lines, timers, PCI slot). Returns
     * 0, or -1 with a one-line message in err (or err left empty: the
     * board reports an internal wiring error naming the device). NULL:
     * nothing to wire (another entry's wiring creates it). */
    int (*wire)(struct machine *m, void *dev, char *err, size_t errsz);
    void (*reset)(void *dev);                 /* the board's reset line; NULL: none */
    void (*save)(const void *dev, struct state_writer *w, const char *tag);   /* NULL: stateless */
    int (*load)(void *dev, struct state_reader *r, const char *tag);
    void (*free)(void *dev);                  /* what wiring allocated or opened; NULL: none */
};

/* The table, and its length. */
const struct board_device *board_devices(size_t *count);

/* The instance an entry describes, in machine `m`. */
static inline void *board_device_at(struct machine *m, const struct board_device *d)
{
    return (char *)m + d->offset;
}

#endif
