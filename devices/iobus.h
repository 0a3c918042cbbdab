/* The port-I/O bus: 64 Ki ports, each owned by at most one device.
 *
 * Devices register a port range with read/write callbacks. An access is
 * routed by its first port: the device that owns that port gets the whole
 * access with its size (1, 2 or 4) and decides what the other bytes mean.
 * Ports nobody owns behave like an ISA bus with nothing on it: reads float
 * to all ones, writes vanish. Both are counted, because a guest poking at
 * a device we lack is the first thing to look for when it misbehaves.
 *
 * The bus never prints; an optional observer (debug/) sees every access.
 */
#ifndef SHADOW86_DEVICES_IOBUS_H
#define SHADOW86_DEVICES_IOBUS_H

#include <stdint.h>

#define IOBUS_PORTS 65536u
#define IOBUS_MAX_RANGES 64u
/* How many distinct unmapped ports are remembered for --stats. */
#define IOBUS_UNMAPPED_LIST 32u

typedef uint32_t (*iobus_read_fn)(void *opaque, uint16_t port, unsigned size);
typedef void (*iobus_write_fn)(void *opaque, uint16_t port, unsigned size, uint32_t val);

struct iobus_range {
    uint16_t first, last;       /* inclusive */
    iobus_read_fn read;         /* NULL: reads as unmapped (all ones) */
    iobus_write_fn write;       /* NULL: writes ignored */
    void *opaque;
    const char *name;           /* static string, for traces and --stats */
};

/* One access as the observer sees it. */
struct iobus_access {
    uint16_t port;
    uint8_t size;
    uint8_t is_write;
    uint32_t value;             /* written value, or the value read */
    const char *device;         /* owner's name, NULL when unmapped */
    uint8_t first_unmapped;     /* first access ever to this unmapped port */
};

struct iobus_observer {
    void *opaque;
    void (*access)(void *opaque, const struct iobus_access *a);  /* NULL: off */
};

struct iobus_unmapped_port {
    uint16_t port;
    uint64_t reads, writes;
};

struct iobus {
    struct iobus_range ranges[IOBUS_MAX_RANGES];
    unsigned nranges;
    /* owner[port] = index into ranges + 1, or 0 when unmapped: O(1) routing
     * for a 64 KiB table per machine. */
    uint8_t owner[IOBUS_PORTS];
    /* One bit per port: has an unmapped access to it been seen? */
    uint8_t unmapped_seen[IOBUS_PORTS / 8];

    uint64_t unmapped_reads;
    uint64_t unmapped_writes;
    unsigned unmapped_distinct;
    /* The first IOBUS_UNMAPPED_LIST distinct unmapped ports, in the order
     * first seen, with their counts. */
    struct iobus_unmapped_port unmapped_list[IOBUS_UNMAPPED_LIST];

    struct iobus_observer observer;
};

void iobus_init(struct iobus *bus);

/* Register ports [first, first + count). Returns 0, or -1 when the range is
 * empty, wraps past 0xFFFF, overlaps another device or the table is full. */
int iobus_register(struct iobus *bus, uint16_t first, uint32_t count,
                   iobus_read_fn read, iobus_write_fn write, void *opaque,
                   const char *name);

/* Remove the range that starts at `first` (a PCI BAR moving or being
 * disabled). Returns 0, or -1 if no range starts there. */
int iobus_unregister(struct iobus *bus, uint16_t first);

/* Access from the CPU side. `size` is 1, 2 or 4. */
uint32_t iobus_read(struct iobus *bus, uint16_t port, unsigned size);
void iobus_write(struct iobus *bus, uint16_t port, unsigned size, uint32_t val);

/* Name of the device owning `port`, or NULL. */
const char *iobus_owner_name(const struct iobus *bus, uint16_t port);

/* All ones at `size` bytes: what an undriven bus reads as. */
static inline uint32_t iobus_float_value(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1u;
}

#endif
