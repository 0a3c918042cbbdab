/* The legacy virtio-PCI transport: registers, queues, ISR and INTx
 * (virtio_pci.h). */
#include <stddef.h>
#include <string.h>

#include "base/endian.h"
#include "devices/devlog.h"
#include "devices/virtio_pci.h"

enum {
    LOG_WIDTH = 0,      /* an access of a width the register does not have */
    LOG_BROKEN,
    LOG_QUEUE_SEL,
};

static void update_irq(struct virtio_pci *vp)
{
    int level = vp->isr != 0;
    if (level != vp->irq_level) {
        vp->irq_level = level;
        irq_set(&vp->irq, level);
    }
}

void virtio_pci_init(struct virtio_pci *vp, const char *name, uint16_t device, uint16_t type,
                     uint32_t class_code, unsigned nqueues, const uint16_t *queue_sizes,
                     unsigned config_len, const struct virtq_mem *mem, struct irq_line irq,
                     const struct virtio_pci_dev_ops *ops, void *opaque, FILE *log)
{
    memset(vp, 0, sizeof *vp);
    vp->nqueues = nqueues > VIRTIO_PCI_QUEUES_MAX ? VIRTIO_PCI_QUEUES_MAX : nqueues;
    for (unsigned i = 0; i < vp->nqueues; i++)
        vp->queue_size[i] = queue_sizes[i];
    vp->config_len = config_len > VIRTIO_PCI_CONFIG_MAX ? VIRTIO_PCI_CONFIG_MAX : config_len;
    vp->mem = *mem;
    vp->irq = irq;
    vp->ops = ops;
    vp->opaque = opaque;
    vp->log = log;
    vp->irq_level = 0;
    /* Revision 0: the legacy ABI Linux's virtio_pci_legacy_dev checks. */
    pci_device_init(&vp->fn, name, VIRTIO_PCI_VENDOR, device, 0, class_code, 0x00);
    pci_set16(&vp->fn, 0x2C, VIRTIO_PCI_VENDOR);
    pci_set16(&vp->fn, 0x2E, type);
    vp->fn.config[0x3D] = 1;   /* INTA# */
    pci_device_add_bar(&vp->fn, 0, VIRTIO_PCI_BAR_SIZE, 1, 0);
}

void virtio_pci_reset(struct virtio_pci *vp)
{
    vp->guest_features = 0;
    vp->queue_sel = 0;
    vp->status = 0;
    vp->isr = 0;
    vp->broken = 0;
    for (unsigned i = 0; i < VIRTIO_PCI_QUEUES_MAX; i++) {
        memset(&vp->q[i], 0, sizeof vp->q[i]);
        vp->q[i].num = vp->queue_size[i];
    }
    if (vp->ops && vp->ops->reset)
        vp->ops->reset(vp);
    update_irq(vp);
}

void virtio_pci_set_broken(struct virtio_pci *vp, const char *why)
{
    if (!vp->broken)
        devlog_once(vp->log, &vp->logged, LOG_BROKEN,
                    "%s: malformed virtqueue from the guest: %s; device stopped until reset",
                    vp->fn.name, why);
    vp->broken = 1;
}

int virtio_pci_live(const struct virtio_pci *vp)
{
    return !vp->broken && (vp->status & VIRTIO_STATUS_DRIVER_OK);
}

int virtio_pci_pop(struct virtio_pci *vp, unsigned q, struct virtq_elem *e)
{
    if (vp->broken || q >= vp->nqueues)
        return 0;
    const char *why = "";
    int r = virtq_pop(&vp->q[q], &vp->mem, e, &why);
    if (r < 0) {
        virtio_pci_set_broken(vp, why);
        return 0;
    }
    return r;
}

void virtio_pci_push(struct virtio_pci *vp, unsigned q, uint16_t head, uint32_t len)
{
    if (vp->broken || q >= vp->nqueues)
        return;
    virtq_push(&vp->q[q], &vp->mem, head, len);
}

void virtio_pci_notify_used(struct virtio_pci *vp, unsigned q)
{
    if (vp->broken || q >= vp->nqueues || !virtq_wants_interrupt(&vp->q[q], &vp->mem))
        return;
    vp->isr |= VIRTIO_ISR_QUEUE;
    vp->interrupts++;
    update_irq(vp);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
    if (!(vp->status & VIRTIO_STATUS_DRIVER_OK))
        return;   /* the driver reads the configuration when it starts */
    vp->isr |= VIRTIO_ISR_CONFIG;
    vp->interrupts++;
    update_irq(vp);
}

/* Byte `off` of the register file as a read sees it (the ISR's clearing
 * is done by the caller). */
static uint8_t reg_byte(const struct virtio_pci *vp, unsigned off)
{
    const struct virtq *q = vp->queue_sel < vp->nqueues ? &vp->q[vp->queue_sel] : NULL;
    uint8_t b[VIRTIO_PCI_CONFIG_OFF];
    le32_store(b + VIRTIO_PCI_HOST_FEATURES, vp->host_features);
    le32_store(b + VIRTIO_PCI_GUEST_FEATURES, vp->guest_features);
    le32_store(b + VIRTIO_PCI_QUEUE_PFN, q ? q->pfn : 0);
    le16_store(b + VIRTIO_PCI_QUEUE_NUM, q ? vp->queue_size[vp->queue_sel] : 0);
    le16_store(b + VIRTIO_PCI_QUEUE_SEL, vp->queue_sel);
    le16_store(b + VIRTIO_PCI_QUEUE_NOTIFY, 0);
    b[VIRTIO_PCI_STATUS] = vp->status;
    b[VIRTIO_PCI_ISR] = vp->isr;
    if (off < VIRTIO_PCI_CONFIG_OFF)
        return b[off];
    off -= VIRTIO_PCI_CONFIG_OFF;
    return off < vp->config_len ? vp->config[off] : 0xFF;
}

uint32_t virtio_pci_read(struct virtio_pci *vp, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)reg_byte(vp, off + i) << (8 * i);
    if (off <= VIRTIO_PCI_ISR && off + size > VIRTIO_PCI_ISR) {
        vp->isr = 0;   /* reading ISR acknowledges the interrupt */
        update_irq(vp);
    }
    return v;
}

static void set_pfn(struct virtio_pci *vp, uint32_t pfn)
{
    if (vp->queue_sel >= vp->nqueues) {
        devlog_once(vp->log, &vp->logged, LOG_QUEUE_SEL,
                    "%s: queue address for queue %u, which does not exist: ignored",
                    vp->fn.name, vp->queue_sel);
        return;
    }
    struct virtq *q = &vp->q[vp->queue_sel];
    memset(q, 0, sizeof *q);
    q->num = vp->queue_size[vp->queue_sel];
    q->pfn = pfn;
    const char *why;
    if (pfn && virtq_check_area(q, &vp->mem, &why) != 0) {
        q->pfn = 0;
        virtio_pci_set_broken(vp, why);
    }
}

static void set_status(struct virtio_pci *vp, uint8_t status)
{
    if (!status) {
        virtio_pci_reset(vp);
        return;
    }
    vp->status = status;
}

void virtio_pci_write(struct virtio_pci *vp, unsigned off, unsigned size, uint32_t val)
{
    if (off >= VIRTIO_PCI_CONFIG_OFF) {
        for (unsigned i = 0; i < size; i++) {
            unsigned c = off - VIRTIO_PCI_CONFIG_OFF + i;
            if (c < vp->config_len)
                vp->config[c] = (uint8_t)((vp->config[c] & ~vp->config_wmask[c]) |
                                          ((val >> (8 * i)) & vp->config_wmask[c]));
        }
        if (vp->ops && vp->ops->config_written && off - VIRTIO_PCI_CONFIG_OFF < vp->config_len)
            vp->ops->config_written(vp, off - VIRTIO_PCI_CONFIG_OFF, size);
        return;
    }
    switch (off | size << 8) {
    case VIRTIO_PCI_GUEST_FEATURES | 4 << 8:
        vp->guest_features = val & vp->host_features;
        return;
    case VIRTIO_PCI_QUEUE_PFN | 4 << 8:
        set_pfn(vp, val);
        return;
    case VIRTIO_PCI_QUEUE_SEL | 2 << 8:
        vp->queue_sel = (uint16_t)val;
        return;
    case VIRTIO_PCI_QUEUE_NOTIFY | 2 << 8:
        vp->notifies++;
        if (val < vp->nqueues && !vp->broken && vp->ops && vp->ops->notify)
            vp->ops->notify(vp, val);
        return;
    case VIRTIO_PCI_STATUS | 1 << 8:
        set_status(vp, (uint8_t)val);
        return;
    case VIRTIO_PCI_HOST_FEATURES | 4 << 8:
    case VIRTIO_PCI_QUEUE_NUM | 2 << 8:
    case VIRTIO_PCI_ISR | 1 << 8:
        return;   /* read-only */
    default:
        devlog_once(vp->log, &vp->logged, LOG_WIDTH,
                    "%s: %u-byte write to register 0x%02X not modelled: ignored",
                    vp->fn.name, size, off);
        return;
    }
}

#define T struct virtio_pci
static const struct state_field virtio_pci_fields[] = {
    STATE_FIELD(T, guest_features, STATE_ANY),
    STATE_FIELD(T, queue_sel, STATE_ANY),
    STATE_FIELD(T, status, STATE_ANY),
    STATE_FIELD(T, isr, 3),
    STATE_FIELD(T, broken, 1),
    STATE_ARRAY(T, config, STATE_ANY),
    STATE_EACH(T, q, pfn, 0xFFFFF),
    STATE_EACH(T, q, last_avail, STATE_ANY),
    STATE_EACH(T, q, used_idx, STATE_ANY),
};
#undef T
const struct state_layout virtio_pci_layout = STATE_LAYOUT("VPCI", 1, virtio_pci_fields);

void virtio_pci_loaded(struct virtio_pci *vp)
{
    for (unsigned i = 0; i < VIRTIO_PCI_QUEUES_MAX; i++) {
        const char *why;
        vp->q[i].num = vp->queue_size[i];
        if (vp->q[i].pfn && virtq_check_area(&vp->q[i], &vp->mem, &why) != 0) {
            vp->q[i].pfn = 0;
            virtio_pci_set_broken(vp, why);
        }
    }
    vp->irq_level = -1;   /* drive the restored line */
    update_irq(vp);
}
