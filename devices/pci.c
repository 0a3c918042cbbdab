#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"

void pci_bus_init(struct pci_bus *bus, FILE *log)
{
    memset(bus, 0, sizeof *bus);
    bus->log = log;
}

void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
                     uint8_t revision, uint32_t class_code, uint8_t header_type)
{
    memset(d, 0, sizeof *d);
    d->name = name;
    pci_set16(d, 0x00, vendor);
    pci_set16(d, 0x02, device);
    d->config[0x08] = revision;
    d->config[0x09] = (uint8_t)class_code;          /* programming interface */
    d->config[0x0A] = (uint8_t)(class_code >> 8);   /* subclass */
    d->config[0x0B] = (uint8_t)(class_code >> 16);  /* base class */
    d->config[0x0E] = header_type;
    /* Command: I/O, memory, bus master, and the INTx disable bit; status
     * bits are read-only here (no errors to clear). */
    d->wmask[0x04] = 0x07;
    d->wmask[0x05] = 0x04;
    d->wmask[0x0C] = 0xFF;        /* cache line size */
    d->wmask[0x0D] = 0xFF;        /* latency timer */
    d->wmask[0x3C] = 0xFF;        /* interrupt line: scratch for software */
}

static unsigned bar_offset(int bar)
{
    return bar == PCI_ROM_BAR ? 0x30u : 0x10u + 4u * (unsigned)bar;
}

void pci_device_add_bar(struct pci_device *d, int bar, uint32_t size, int io, int prefetch)
{
    unsigned off = bar_offset(bar);
    uint32_t mask = ~(size - 1);
    d->bar_size[bar] = size;
    d->bar_io[bar] = (uint8_t)io;
    if (bar == PCI_ROM_BAR)
        mask |= 1;                 /* the enable bit */
    else if (io)
        d->config[off] = 0x01;     /* I/O space indicator */
    else if (prefetch)
        d->config[off] = 0x08;
    for (unsigned i = 0; i < 4; i++)
        d->wmask[off + i] = (uint8_t)(mask >> (8 * i));
    if (bar != PCI_ROM_BAR)
        d->wmask[off] &= io ? 0xFC : 0xF0;   /* the low type bits are read-only */
}

int pci_bus_add(struct pci_bus *bus, struct pci_device *d, int devfn)
{
    if (devfn < 0 || devfn >= PCI_SLOTS || bus->dev[devfn])
        return -1;
    d->devfn = devfn;
    bus->dev[devfn] = d;
    return 0;
}

/* Where BAR `bar` decodes now: its address if the command register
 * enables its space (and, for the ROM, its enable bit is set), else 0.
 * An all-ones probe value is never decoded: software writes it only to
 * size the BAR, with decoding turned off or about to be restored. */
static uint32_t bar_decoded(const struct pci_device *d, int bar)
{
    uint32_t v = pci_get32(d, bar_offset(bar));
    uint16_t cmd = pci_get16(d, 0x04);
    uint32_t addr;
    if (!d->bar_size[bar])
        return 0;
    if (bar == PCI_ROM_BAR) {
        if (!(v & 1) || !(cmd & PCI_CMD_MEM))
            return 0;
        addr = v & ~(d->bar_size[bar] - 1);
    } else if (d->bar_io[bar]) {
        if (!(cmd & PCI_CMD_IO))
            return 0;
        addr = v & ~3u & 0xFFFF;
    } else {
        if (!(cmd & PCI_CMD_MEM))
            return 0;
        addr = v & ~0xFu;
    }
    if (addr == (~(d->bar_size[bar] - 1) & (d->bar_io[bar] ? 0xFFFCu : 0xFFFFFFF0u)))
        return 0;
    return addr;
}

static void update_bars(struct pci_device *d)
{
    for (int b = 0; b < PCI_BARS; b++) {
        uint32_t now = bar_decoded(d, b);
        if (now != d->bar_mapped[b]) {
            uint32_t old = d->bar_mapped[b];
            d->bar_mapped[b] = now;
            if (d->bar_map)
                d->bar_map(d, b, old, now);
        }
    }
}

uint32_t pci_config_read(struct pci_bus *bus, int devfn, unsigned off, unsigned size)
{
    struct pci_device *d = devfn >= 0 && devfn < PCI_SLOTS ? bus->dev[devfn] : NULL;
    uint32_t v = 0;
    bus->config_reads++;
    if (!d)
        return 0xFFFFFFFFu >> (32 - 8 * size);   /* no device: master abort */
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)d->config[(off + i) & 0xFF] << (8 * i);
    return v;
}

void pci_config_write(struct pci_bus *bus, int devfn, unsigned off, unsigned size, uint32_t val)
{
    struct pci_device *d = devfn >= 0 && devfn < PCI_SLOTS ? bus->dev[devfn] : NULL;
    bus->config_writes++;
    if (!d)
        return;
    for (unsigned i = 0; i < size; i++) {
        unsigned o = (off + i) & 0xFF;
        uint8_t b = (uint8_t)(val >> (8 * i));
        /* Device-specific registers we do not model are read-only zeros;
         * say so once per function rather than drop the write silently. */
        if (o >= 0x40 && !d->wmask[o] && b != d->config[o] && !d->unmodelled_logged) {
            d->unmodelled_logged = 1;
            if (bus->log)
                fprintf(bus->log, "pci: %s: write 0x%02X to unmodelled config register 0x%02X "
                                  "ignored (further ones not reported)\n", d->name, b, o);
        }
        d->config[o] = (uint8_t)((d->config[o] & ~d->wmask[o]) | (b & d->wmask[o]));
    }
    update_bars(d);
    if (d->written)
        d->written(d, off & 0xFF, size);
}

/* Mechanism #1: 0xCF8 holds the address; only dword writes reach it
 * (byte writes to 0xCF8-0xCFB go elsewhere on a PC: 0xCF9 is the reset
 * control register, which the platform owns). */
static uint32_t pci_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (port == 0xCF8)
        return size == 4 ? bus->address : iobus_float_value(size);
    if (port < 0xCFC || !(bus->address & 0x80000000u))
        return iobus_float_value(size);
    unsigned busno = (bus->address >> 16) & 0xFF;
    if (busno != 0)
        return iobus_float_value(size);
    int devfn = (int)((bus->address >> 8) & 0xFF);
    unsigned off = (bus->address & 0xFC) + (port - 0xCFCu);
    return pci_config_read(bus, devfn, off, size);
}

static void pci_port_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct pci_bus *bus = opaque;
    if (port == 0xCF8) {
        if (size == 4)
            bus->address = val & 0x80FFFFFCu;
        return;
    }
    if (port < 0xCFC || !(bus->address & 0x80000000u) || ((bus->address >> 16) & 0xFF))
        return;
    int devfn = (int)((bus->address >> 8) & 0xFF);
    unsigned off = (bus->address & 0xFC) + (port - 0xCFCu);
    pci_config_write(bus, devfn, off, size, val);
}

int pci_bus_register_ports(struct pci_bus *bus, struct iobus *io)
{
    if (iobus_register(io, 0xCF8, 1, pci_port_read, pci_port_write, bus, "pci-address") != 0)
        return -1;
    return iobus_register(io, 0xCFC, 4, pci_port_read, pci_port_write, bus, "pci-data");
}

void pci_save(const struct pci_bus *bus, struct state_writer *w)
{
    unsigned n = 0;
    for (int i = 0; i < PCI_SLOTS; i++)
        n += bus->dev[i] != NULL;
    state_begin(w, "PCI0", 1);
    state_put_u32(w, bus->address);
    state_put_u16(w, (uint16_t)n);
    for (int i = 0; i < PCI_SLOTS; i++) {
        if (!bus->dev[i])
            continue;
        state_put_u8(w, (uint8_t)i);
        state_put_bytes(w, bus->dev[i]->config, 256);
    }
    state_end(w);
}

int pci_load(struct pci_bus *bus, struct state_reader *r)
{
    uint8_t (*config)[256] = malloc(sizeof(uint8_t[PCI_SLOTS][256]));
    int seen[PCI_SLOTS] = { 0 };
    if (!config)
        return -1;
    if (state_open(r, "PCI0", 1) != 0)
        return -1;
    uint32_t address = state_get_u32(r);
    unsigned n = state_get_u16(r);
    for (unsigned k = 0; k < n && k < PCI_SLOTS; k++) {
        unsigned devfn = state_get_u8(r);
        state_get_bytes(r, config[devfn], 256);
        if (!bus->dev[devfn] || seen[devfn])
            state_fail(r);             /* a function this machine lacks */
        seen[devfn] = 1;
    }
    for (int i = 0; i < PCI_SLOTS; i++)
        if (bus->dev[i] && !seen[i])
            state_fail(r);
    if (state_close(r) != 0) {
        free(config);
        return -1;
    }
    bus->address = address & 0x80FFFFFCu;
    for (int i = 0; i < PCI_SLOTS; i++) {
        struct pci_device *d = bus->dev[i];
        if (!d)
            continue;
        memcpy(d->config, config[i], 256);
        update_bars(d);
        if (d->written)
            d->written(d, 0, 256);
    }
    free(config);
    return 0;
}
