#include <stdio.h>
#include <string.h>

#include "machine/board.h"
#include "machine/board_balloon.h"
#include "machine/board_pci.h"
#include "machine/machine.h"

static void release(void *opaque, uint32_t gpa)
{
    struct machine *m = opaque;
    physmem_release_page(&m->mem, gpa);   /* a PFN past RAM was refused before */
}

static void reclaim(void *opaque, uint32_t gpa)
{
    struct machine *m = opaque;
    physmem_reclaim_page(&m->mem, gpa);
}

static uint32_t port_read(void *opaque, uint16_t port, unsigned size)
{
    struct board_balloon *b = opaque;
    return virtio_pci_read(&b->dev.vp, (unsigned)(port - b->dev.vp.fn.bar_mapped[0]), size);
}

static void port_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct board_balloon *b = opaque;
    virtio_pci_write(&b->dev.vp, (unsigned)(port - b->dev.vp.fn.bar_mapped[0]), size, val);
}

static void bar_map(struct pci_device *d, int bar, uint32_t old_addr, uint32_t new_addr)
{
    struct machine *m = d->opaque;
    if (bar != 0)
        return;
    if (old_addr)
        iobus_unregister(&m->bus, (uint16_t)old_addr);
    if (new_addr && iobus_register(&m->bus, (uint16_t)new_addr, VIRTIO_PCI_BAR_SIZE, port_read,
                                   port_write, &m->balloon, "virtio-balloon") != 0) {
        d->bar_mapped[bar] = 0;
        if (m->opts.log)
            fprintf(m->opts.log, "pci: virtio-balloon BAR0 at 0x%04X overlaps another device: not mapped\n",
                    new_addr);
    }
}

void board_balloon_set_target_mib(struct machine *m, uint32_t mib)
{
    if (!m->balloon.present)
        return;
    uint32_t ram = m->opts.ram_mib;
    uint32_t pages = mib >= ram ? 0 : (ram - mib) << 8;
    virtio_balloon_set_target(&m->balloon.dev, pages);
}

/* The script's steps that are due; then wait for the next. */
static void script_tick(void *opaque)
{
    struct machine *m = opaque;
    struct board_balloon *b = &m->balloon;
    uint64_t now = clock_now(&m->clock);
    while (b->script_next < m->opts.balloon_script_len &&
           m->opts.balloon_script[b->script_next].at_ns <= now)
        board_balloon_set_target_mib(m, m->opts.balloon_script[b->script_next++].target_mib);
    if (b->script_next < m->opts.balloon_script_len)
        clock_schedule(&m->clock, b->script_timer, m->opts.balloon_script[b->script_next].at_ns);
}

static void start(struct machine *m)
{
    struct board_balloon *b = &m->balloon;
    if (m->opts.balloon_target_mib)
        board_balloon_set_target_mib(m, m->opts.balloon_target_mib);
    b->script_next = 0;
    if (m->opts.balloon_script_len)
        clock_schedule(&m->clock, b->script_timer, m->opts.balloon_script[0].at_ns);
}

int board_balloon_wire(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err;
    (void)errsz;
    struct board_balloon *b = dev;
    memset(b, 0, sizeof *b);
    b->script_timer = -1;
    if (!m->opts.balloon)
        return 0;
    b->present = 1;
    struct virtq_mem mem = { m, m->opts.ram_mib << 20, board_pci_dma_read, board_pci_dma_write };
    struct virtio_balloon_host host = { m, release, reclaim };
    if (virtio_balloon_init(&b->dev, m->opts.ram_mib << 20, m->opts.balloon_deflate_on_oom, &mem,
                            irq_line_make(board_pci_inta, m, BOARD_BALLOON_DEVFN), &host, &m->clock,
                            m->opts.log) != 0)
        return -1;
    b->dev.vp.fn.opaque = m;
    b->dev.vp.fn.bar_map = bar_map;
    b->script_timer = clock_timer_add(&m->clock, "balloon-script", script_tick, m);
    if (b->script_timer < 0)
        return -1;
    start(m);
    return pci_bus_add(&m->pci, &b->dev.vp.fn, BOARD_BALLOON_DEVFN);
}

void board_balloon_reset(void *dev)
{
    struct board_balloon *b = dev;
    if (b->present)
        virtio_balloon_reset(&b->dev);
}

void board_balloon_save(const void *dev, struct state_writer *w, const char *tag)
{
    const struct board_balloon *b = dev;
    (void)tag;
    if (b->present)
        virtio_balloon_save(&b->dev, w);
}

int board_balloon_load(void *dev, struct state_reader *r, const char *tag)
{
    struct board_balloon *b = dev;
    (void)tag;
    if (!b->present)
        return 0;
    if (virtio_balloon_load(&b->dev, r) != 0)
        return -1;
    /* The script goes on from the restored point of machine time. */
    struct machine *m = b->dev.vp.fn.opaque;
    uint64_t now = clock_now(&m->clock);
    b->script_next = 0;
    while (b->script_next < m->opts.balloon_script_len &&
           m->opts.balloon_script[b->script_next].at_ns <= now)
        b->script_next++;
    if (b->script_next < m->opts.balloon_script_len)
        clock_schedule(&m->clock, b->script_timer, m->opts.balloon_script[b->script_next].at_ns);
    else
        clock_cancel(&m->clock, b->script_timer);
    return 0;
}

void board_balloon_firmware_setup(struct machine *m)
{
    if (!m->balloon.present)
        return;
    struct pci_device *d = &m->balloon.dev.vp.fn;
    if (!d->bar_mapped[0]) {
        pci_config_write(&m->pci, BOARD_BALLOON_DEVFN, 0x10, 4, BOARD_BALLOON_IO_BASE);
        pci_config_write(&m->pci, BOARD_BALLOON_DEVFN, 0x04, 2, PCI_CMD_IO | 0x0004);
    }
}
