/* PCI bus 0 with configuration mechanism #1 (PCI Local Bus Specification
 * 3.0, 3.2.2.3.2): a dword address register at 0xCF8 (bit 31 enable,
 * bus 23:16, device 15:11, function 10:8, register 7:2) and a data window
 * at 0xCFC-0xCFF.
 *
 * Each function is a `struct pci_device` with its 256-byte header and a
 * mask of the bits software may write. BARs are decoded here: when a BAR's
 * address or the command register's enables change, the device's bar_map
 * callback hears the old and new address of that BAR (0 = not decoded),
 * so devices never parse BAR writes themselves. The size probe (write all
 * ones, read back the mask) works from the write mask alone.
 */
#ifndef SHADOW86_DEVICES_PCI_H
#define SHADOW86_DEVICES_PCI_H

#include <stdint.h>
#include <stdio.h>

#include "base/endian.h"
#include "devices/iobus.h"
#include "base/state.h"

#define PCI_SLOTS 256          /* devfn on bus 0 */
#define PCI_BARS 7             /* six BARs and the expansion ROM */
#define PCI_ROM_BAR 6

#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEM 0x0002

struct pci_device;

/* BAR `bar` moved from old_addr to new_addr (0: not decoded). */
typedef void (*pci_bar_map_fn)(struct pci_device *d, int bar, uint32_t old_addr,
                               uint32_t new_addr);
/* After a configuration write, for device-specific registers. */
typedef void (*pci_config_written_fn)(struct pci_device *d, unsigned off, unsigned size);

struct pci_device {
    uint8_t config[256];
    uint8_t wmask[256];        /* 1 = writable bit */
    uint32_t bar_size[PCI_BARS];   /* 0: BAR not implemented */
    uint8_t bar_io[PCI_BARS];
    uint32_t bar_mapped[PCI_BARS]; /* address decoded now, 0 if none */
    pci_bar_map_fn bar_map;
    pci_config_written_fn written;
    void *opaque;
    const char *name;
    int devfn;
    int unmodelled_logged;     /* a write to an unmodelled register was reported */
};

struct pci_bus {
    uint32_t address;          /* 0xCF8 */
    struct pci_device *dev[PCI_SLOTS];
    FILE *log;
    uint64_t config_reads, config_writes;
};

void pci_bus_init(struct pci_bus *bus, FILE *log);
int pci_bus_register_ports(struct pci_bus *bus, struct iobus *io);

/* Set up a function's identity; the caller then adds BARs and registers. */
void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
                     uint8_t revision, uint32_t class_code, uint8_t header_type);
/* Declare BAR `bar` (0-5, or PCI_ROM_BAR) of `size` bytes (a power of two). */
void pci_device_add_bar(struct pci_device *d, int bar, uint32_t size, int io, int prefetch);
/* Plug the function in at devfn. Returns 0 or -1 (slot taken). */
int pci_bus_add(struct pci_bus *bus, struct pci_device *d, int devfn);

/* Configuration access as mechanism #1 performs it (also used by tests
 * and by the firmware-independent unit tests). */
uint32_t pci_config_read(struct pci_bus *bus, int devfn, unsigned off, unsigned size);
void pci_config_write(struct pci_bus *bus, int devfn, unsigned off, unsigned size, uint32_t val);

/* Snapshot record "PCI0": the address register and every function's
 * configuration space; loading re-derives the BAR mappings and calls each
 * function's `written` hook over its whole space (PAM and the like). */
void pci_save(const struct pci_bus *bus, struct state_writer *w);
int pci_load(struct pci_bus *bus, struct state_reader *r);

static inline void pci_set16(struct pci_device *d, unsigned off, uint16_t v)
{
    d->config[off] = (uint8_t)v;
    d->config[off + 1] = (uint8_t)(v >> 8);
}

static inline uint16_t pci_get16(const struct pci_device *d, unsigned off)
{
    return le16_load(&d->config[off]);
}

static inline uint32_t pci_get32(const struct pci_device *d, unsigned off)
{
    return le32_load(&d->config[off]);
}

#endif
