/* The legacy (transitional) virtio-PCI transport (Virtio 1.0 section
 * 4.1.4.8 "Legacy Interfaces: A Note on PCI Device Layout"): a PCI
 * function of vendor 0x1AF4, device 0x1000 + n, revision 0, whose
 * subsystem ID names the virtio device type, with one I/O BAR laid out as
 *
 *   0x00 host features (32, RO)     0x04 guest features (32)
 *   0x08 queue address, a PFN (32)  0x0C queue size (16, RO)
 *   0x0E queue select (16)          0x10 queue notify (16)
 *   0x12 device status (8)          0x13 ISR status (8, read clears)
 *   0x14 the device's configuration (no MSI-X: it starts here)
 *
 * and INTA#, raised while ISR is nonzero. Linux's virtio_pci binds it
 * through its legacy path (the function has no virtio capabilities).
 * The device type (virtio_balloon.c) gives the queue sizes, features,
 * its configuration bytes and what a notify does; this file keeps the
 * registers, the queues and the interrupt, and the "broken" state a
 * malformed ring puts the device in: logged once, no more processing,
 * until the guest resets the device (status 0).
 */
#ifndef SHADOW86_DEVICES_VIRTIO_PCI_H
#define SHADOW86_DEVICES_VIRTIO_PCI_H

#include <stdint.h>
#include <stdio.h>

#include "base/irq.h"
#include "base/state.h"
#include "devices/pci.h"
#include "devices/virtqueue.h"

#define VIRTIO_PCI_VENDOR 0x1AF4
#define VIRTIO_PCI_QUEUES_MAX 4
#define VIRTIO_PCI_CONFIG_MAX 32
#define VIRTIO_PCI_CONFIG_OFF 0x14u
#define VIRTIO_PCI_BAR_SIZE 64u

/* Registers of the legacy layout. */
#define VIRTIO_PCI_HOST_FEATURES 0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN 0x08
#define VIRTIO_PCI_QUEUE_NUM 0x0C
#define VIRTIO_PCI_QUEUE_SEL 0x0E
#define VIRTIO_PCI_QUEUE_NOTIFY 0x10
#define VIRTIO_PCI_STATUS 0x12
#define VIRTIO_PCI_ISR 0x13

#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_ISR_QUEUE 1u
#define VIRTIO_ISR_CONFIG 2u

struct virtio_pci;

/* The device type's side. */
struct virtio_pci_dev_ops {
    /* The guest kicked queue `q` (processing its available ring). */
    void (*notify)(struct virtio_pci *vp, unsigned q);
    /* The guest wrote config bytes [off, off+size) (already stored). */
    void (*config_written)(struct virtio_pci *vp, unsigned off, unsigned size);
    /* The device was reset (status 0 or the board's reset line). */
    void (*reset)(struct virtio_pci *vp);
};

struct virtio_pci {
    struct pci_device fn;
    uint32_t host_features, guest_features;
    uint16_t queue_sel;
    uint8_t status, isr;
    uint8_t broken;                   /* a malformed ring was seen: stopped */
    int irq_level;
    unsigned nqueues;
    uint16_t queue_size[VIRTIO_PCI_QUEUES_MAX];
    struct virtq q[VIRTIO_PCI_QUEUES_MAX];
    uint8_t config[VIRTIO_PCI_CONFIG_MAX];
    uint8_t config_wmask[VIRTIO_PCI_CONFIG_MAX];   /* guest-writable config bytes */
    unsigned config_len;
    struct virtq_mem mem;
    struct irq_line irq;
    const struct virtio_pci_dev_ops *ops;
    void *opaque;                     /* the device type's */
    FILE *log;
    uint32_t logged;                  /* devlog_once bits */
    uint64_t notifies, interrupts;
};

/* Set up the function for virtio device type `type` (subsystem ID) with
 * PCI device ID `device` and class `class_code`; queues of the given sizes
 * (powers of two); `config_len` bytes of configuration. */
void virtio_pci_init(struct virtio_pci *vp, const char *name, uint16_t device, uint16_t type,
                     uint32_t class_code, unsigned nqueues, const uint16_t *queue_sizes,
                     unsigned config_len, const struct virtq_mem *mem, struct irq_line irq,
                     const struct virtio_pci_dev_ops *ops, void *opaque, FILE *log);
void virtio_pci_reset(struct virtio_pci *vp);

/* The I/O BAR's registers (offset from the BAR). */
uint32_t virtio_pci_read(struct virtio_pci *vp, unsigned off, unsigned size);
void virtio_pci_write(struct virtio_pci *vp, unsigned off, unsigned size, uint32_t val);

/* For the device type: take the next element of queue q (1, 0 when none;
 * a malformed ring breaks the device and gives 0); give one back; tell
 * the guest about used buffers (ISR bit 0, if it wants an interrupt) or a
 * configuration change (ISR bit 1). */
int virtio_pci_pop(struct virtio_pci *vp, unsigned q, struct virtq_elem *e);
void virtio_pci_push(struct virtio_pci *vp, unsigned q, uint16_t head, uint32_t len);
void virtio_pci_notify_used(struct virtio_pci *vp, unsigned q);
void virtio_pci_config_changed(struct virtio_pci *vp);
/* Whether the guest has set DRIVER_OK and the device is not broken. */
int virtio_pci_live(const struct virtio_pci *vp);
/* Mark the device broken, logging why once. */
void virtio_pci_set_broken(struct virtio_pci *vp, const char *why);

/* Snapshot: the transport's registers and queues inside the device
 * type's record (state_put_fields style), and reloading them. */
extern const struct state_layout virtio_pci_layout;
void virtio_pci_loaded(struct virtio_pci *vp);

#endif
