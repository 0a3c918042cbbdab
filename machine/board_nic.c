#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/board.h"
#include "machine/board_nic.h"
#include "machine/board_pci.h"
#include "machine/image_file.h"
#include "machine/machine.h"

int board_nic_parse_model(const char *name, enum board_nic_model *model)
{
    if (!strcmp(name, "rtl8139")) {
        *model = BOARD_NIC_RTL8139;
        return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ the card's wires */

static void frame_out(void *opaque, const uint8_t *frame, uint32_t len)
{
    struct machine *m = opaque;
    struct board_nic *nic = &m->nic;
    nic->frames_out++;
    if (nic->backend.send)
        nic->backend.send(nic->backend.opaque, frame, len);
    /* The host end often answers at once (an ACK, an ARP reply): look at
     * the next instruction boundary rather than a poll period later. At
     * a point of the guest's own, so a replay polls there too. */
    if (nic->backend.poll && !getenv("NOTXPOLL"))
        clock_schedule(&m->clock, nic->timer, clock_now(&m->clock));
}

/* ------------------------------------------------------------ BARs */

static uint32_t port_read(void *opaque, uint16_t port, unsigned size)
{
    struct board_nic *nic = opaque;
    return rtl8139_read(&nic->card, (unsigned)(port - nic->card.fn.bar_mapped[0]), size);
}

static void port_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct board_nic *nic = opaque;
    rtl8139_write(&nic->card, (unsigned)(port - nic->card.fn.bar_mapped[0]), size, val);
}

static uint32_t mmio_read(void *opaque, uint32_t off, unsigned size)
{
    struct board_nic *nic = opaque;
    return rtl8139_read(&nic->card, off, size);
}

static void mmio_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct board_nic *nic = opaque;
    rtl8139_write(&nic->card, off, size, val);
}

static uint32_t rom_read(void *opaque, uint32_t off, unsigned size)
{
    struct board_nic *nic = opaque;
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= (uint32_t)(off + i < nic->rom_size ? nic->rom[off + i] : 0xFF) << (8 * i);
    return r;
}

static void rom_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    (void)opaque, (void)off, (void)size, (void)val;   /* ROM */
}

static const struct mmio_ops reg_ops = { mmio_read, mmio_write };
static const struct mmio_ops rom_ops = { rom_read, rom_write };

/* The firmware or the OS moved a BAR: follow it. A BAR placed over
 * another device is left unmapped and said once, as for the VGA. */
static void nic_bar_map(struct pci_device *d, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct machine *m = d->opaque;
    struct board_nic *nic = &m->nic;
    int ok = 0;
    if (bar == 0) {
        if (old_addr)
            iobus_unregister(&m->bus, (uint16_t)old_addr);
        ok = !new_addr || iobus_register(&m->bus, (uint16_t)new_addr, RTL8139_REGS, port_read,
                                         port_write, nic, "rtl8139") == 0;
    } else if (bar == 1 || bar == PCI_ROM_BAR) {
        if (old_addr)
            physmem_unmap_mmio(&m->mem, old_addr);
        ok = !new_addr ||
             physmem_map_mmio(&m->mem, new_addr, d->bar_size[bar],
                              bar == 1 ? &reg_ops : &rom_ops, nic,
                              bar == 1 ? "rtl8139-regs" : "rtl8139-rom") == 0;
    } else {
        return;
    }
    if (!ok) {
        d->bar_mapped[bar] = 0;
        if (m->opts.log)
            fprintf(m->opts.log, "pci: rtl8139 BAR%d at 0x%08X overlaps another device: not mapped\n",
                    bar, new_addr);
    }
}

/* ------------------------------------------------------------ the door from the network */

static void poll_backend(void *opaque)
{
    struct machine *m = opaque;
    struct board_nic *nic = &m->nic;
    uint8_t frame[RTL8139_MAX_FRAME];
    for (int i = 0; i < BOARD_NET_BURST; i++) {
        /* Take a frame only when any frame fits: the rest wait in the backend. */
        if (!rtl8139_can_receive(&nic->card, RTL8139_MAX_FRAME - 4))
            break;
        size_t len = nic->backend.poll(nic->backend.opaque, frame, sizeof frame);
        if (!len)
            break;
        nic->frames_in++;
        rtl8139_receive(&nic->card, frame, len);
        if (nic->backend.received)
            nic->backend.received(nic->backend.opaque, frame, len);
    }
    clock_schedule(&m->clock, nic->timer, clock_now(&m->clock) + BOARD_NET_POLL_NS);
}

void board_nic_attach(struct machine *m, const struct net_backend *b)
{
    struct board_nic *nic = &m->nic;
    if (!nic->present)
        return;
    nic->backend = *b;
    m->clock.idle_wait = b->wait;
    m->clock.idle_wait_opaque = b->opaque;
    if (b->poll)
        clock_schedule(&m->clock, nic->timer, clock_now(&m->clock) + BOARD_NET_POLL_NS);
    else
        clock_cancel(&m->clock, nic->timer);
}

/* ------------------------------------------------------------ board table */

static int load_rom(struct board_nic *nic, const char *path, char *err, size_t errsz)
{
    uint8_t *data;
    size_t size;
    char why[IMAGE_ERR_MAX];
    if (image_file_read(path, BOARD_NIC_ROM_MAX, &data, &size, why, sizeof why) != 0) {
        snprintf(err, errsz, "-nic romfile=: %s", why);
        return -1;
    }
    if (size < 512 || data[0] != 0x55 || data[1] != 0xAA) {
        snprintf(err, errsz, "-nic romfile=%s: not an option ROM (no 55 AA signature)", path);
        free(data);
        return -1;
    }
    nic->rom = data;
    nic->rom_size = (uint32_t)size;
    return 0;
}

int board_nic_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    struct board_nic *nic = dev;
    memset(nic, 0, sizeof *nic);
    nic->timer = -1;
    if (m->opts.nic_model == BOARD_NIC_NONE)
        return 0;
    nic->present = 1;
    if (m->opts.nic_rom_path && load_rom(nic, m->opts.nic_rom_path, err, errsz) != 0)
        return -1;
    struct rtl8139_host host = { m, board_pci_dma_read, board_pci_dma_write, frame_out };
    if (rtl8139_init(&nic->card, m->opts.nic_mac, &m->clock,
                     irq_line_make(board_pci_inta, m, BOARD_NIC_DEVFN), &host, m->opts.log) != 0)
        return -1;
    nic->card.fn.opaque = m;
    nic->card.fn.bar_map = nic_bar_map;
    if (nic->rom) {
        uint32_t size = 0x800;
        while (size < nic->rom_size)
            size <<= 1;
        pci_device_add_bar(&nic->card.fn, PCI_ROM_BAR, size, 0, 0);
    }
    nic->timer = clock_timer_add(&m->clock, "net-poll", poll_backend, m);
    if (nic->timer < 0)
        return -1;
    return pci_bus_add(&m->pci, &nic->card.fn, BOARD_NIC_DEVFN);
}

void board_nic_reset(void *dev)
{
    struct board_nic *nic = dev;
    if (nic->present)
        rtl8139_reset(&nic->card);
}

void board_nic_save(const void *dev, struct state_writer *w, const char *tag)
{
    const struct board_nic *nic = dev;
    (void)tag;
    if (nic->present)
        rtl8139_save(&nic->card, w);
}

int board_nic_load(void *dev, struct state_reader *r, const char *tag)
{
    struct board_nic *nic = dev;
    (void)tag;
    return nic->present ? rtl8139_load(&nic->card, r) : 0;
}

void board_nic_free(void *dev)
{
    struct board_nic *nic = dev;
    free(nic->rom);
    nic->rom = NULL;
}

/* ------------------------------------------------------------ direct kernel boot */

void board_nic_firmware_setup(struct machine *m)
{
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    struct pci_device *isa = &m->chipset.isa;
    for (int p = 0; p < 4; p++)
        isa->config[PIIX3_PIRQ_ROUTE + p] = pirq_irq[p];
    /* IRQs 10 and 11 level-triggered, as PCI's shared lines need. */
    m->pic.chip[1].elcr |= (uint8_t)(((1u << 2) | (1u << 3)) & m->pic.chip[1].elcr_mask);
    for (int devfn = 0; devfn < PCI_SLOTS; devfn++) {
        struct pci_device *d = m->pci.dev[devfn];
        int pin = d ? d->config[0x3D] : 0;
        if (pin >= 1 && pin <= 4)
            d->config[0x3C] = pirq_irq[board_pci_pirq(devfn, pin)];
    }
    if (!m->nic.present)
        return;
    struct pci_bus *bus = &m->pci;
    struct pci_device *d = &m->nic.card.fn;
    if (d->config[0x10] == 0x01 && !pci_get32(d, 0x14)) {
        pci_config_write(bus, BOARD_NIC_DEVFN, 0x10, 4, BOARD_NIC_IO_BASE);
        pci_config_write(bus, BOARD_NIC_DEVFN, 0x14, 4, BOARD_NIC_MMIO_BASE);
        pci_config_write(bus, BOARD_NIC_DEVFN, 0x04, 2, PCI_CMD_IO | PCI_CMD_MEM | 0x0004);
    }
}
