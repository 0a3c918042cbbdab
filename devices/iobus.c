#include <string.h>

#include "devices/iobus.h"

void iobus_init(struct iobus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

int iobus_register(struct iobus *bus, uint16_t first, uint32_t count,
                   iobus_read_fn read, iobus_write_fn write, void *opaque,
                   const char *name)
{
    if (count == 0 || (uint32_t)first + count > IOBUS_PORTS)
        return -1;
    for (uint32_t p = first; p < (uint32_t)first + count; p++)
        if (bus->owner[p])
            return -1;

    /* Reuse a slot freed by iobus_unregister(), else append. */
    unsigned slot = bus->nranges;
    for (unsigned i = 0; i < bus->nranges; i++)
        if (bus->ranges[i].first > bus->ranges[i].last) {
            slot = i;
            break;
        }
    if (slot >= IOBUS_MAX_RANGES)
        return -1;
    if (slot == bus->nranges)
        bus->nranges++;
    struct iobus_range *r = &bus->ranges[slot];
    r->first = first;
    r->last = (uint16_t)(first + count - 1);
    r->read = read;
    r->write = write;
    r->opaque = opaque;
    r->name = name;
    for (uint32_t p = first; p < (uint32_t)first + count; p++)
        bus->owner[p] = (uint8_t)(slot + 1);
    return 0;
}

int iobus_unregister(struct iobus *bus, uint16_t first)
{
    unsigned o = bus->owner[first];
    if (!o || bus->ranges[o - 1].first != first)
        return -1;
    struct iobus_range *r = &bus->ranges[o - 1];
    for (uint32_t p = r->first; p <= r->last; p++)
        bus->owner[p] = 0;
    memset(r, 0, sizeof *r);
    r->first = 1;   /* first > last marks a free slot */
    return 0;
}

const char *iobus_owner_name(const struct iobus *bus, uint16_t port)
{
    unsigned o = bus->owner[port];
    return o ? bus->ranges[o - 1].name : NULL;
}

/* Count an access to an unowned port; returns 1 if it is the first one. */
static int note_unmapped(struct iobus *bus, uint16_t port, int is_write)
{
    int first = !(bus->unmapped_seen[port >> 3] & (1u << (port & 7)));
    if (first) {
        bus->unmapped_seen[port >> 3] |= (uint8_t)(1u << (port & 7));
        if (bus->unmapped_distinct < IOBUS_UNMAPPED_LIST)
            bus->unmapped_list[bus->unmapped_distinct].port = port;
        bus->unmapped_distinct++;
    }
    if (is_write)
        bus->unmapped_writes++;
    else
        bus->unmapped_reads++;

    unsigned n = bus->unmapped_distinct < IOBUS_UNMAPPED_LIST ? bus->unmapped_distinct
                                                               : IOBUS_UNMAPPED_LIST;
    for (unsigned i = 0; i < n; i++) {
        if (bus->unmapped_list[i].port == port) {
            if (is_write)
                bus->unmapped_list[i].writes++;
            else
                bus->unmapped_list[i].reads++;
            break;
        }
    }
    return first;
}

static void observe(struct iobus *bus, uint16_t port, unsigned size, int is_write,
                    uint32_t value, const char *device, int first_unmapped)
{
    struct iobus_access a = {
        .port = port, .size = (uint8_t)size, .is_write = (uint8_t)is_write,
        .value = value, .device = device, .first_unmapped = (uint8_t)first_unmapped,
    };
    bus->observer.access(bus->observer.opaque, &a);
}

uint32_t iobus_read(struct iobus *bus, uint16_t port, unsigned size)
{
    unsigned o = bus->owner[port];
    uint32_t mask = iobus_float_value(size);
    uint32_t val;
    int first = 0;

    if (o && bus->ranges[o - 1].read) {
        const struct iobus_range *r = &bus->ranges[o - 1];
        val = r->read(r->opaque, port, size) & mask;
    } else if (o) {
        val = mask;  /* a write-only device does not drive the bus on reads */
    } else {
        first = note_unmapped(bus, port, 0);
        val = mask;
    }
    if (bus->observer.access)
        observe(bus, port, size, 0, val, o ? bus->ranges[o - 1].name : NULL, first);
    return val;
}

void iobus_write(struct iobus *bus, uint16_t port, unsigned size, uint32_t val)
{
    unsigned o = bus->owner[port];
    int first = 0;

    val &= iobus_float_value(size);
    if (o) {
        const struct iobus_range *r = &bus->ranges[o - 1];
        if (r->write)
            r->write(r->opaque, port, size, val);
    } else {
        first = note_unmapped(bus, port, 1);
    }
    if (bus->observer.access)
        observe(bus, port, size, 1, val, o ? bus->ranges[o - 1].name : NULL, first);
}
