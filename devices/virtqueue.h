/* A split virtqueue as the legacy virtio-PCI interface lays it out
 * (Virtio 1.0 section 2.4 "Virtqueues", 2.4.2 "Legacy Interfaces: A Note
 * on Virtqueue Layout"): the guest gives the page frame number of one
 * contiguous area holding the descriptor table (16 bytes a descriptor),
 * the available ring (flags, idx, ring[num], used_event) and, at the next
 * 4 KiB boundary, the used ring (flags, idx, ring[num] of {id, len},
 * avail_event).
 *
 * Everything here is read from guest memory the guest may have written
 * anything into, so every index, address, length and chain is checked: a
 * descriptor outside guest RAM, a chain that loops or is longer than the
 * queue, an index out of range, or a feature the device did not offer
 * (indirect descriptors) makes virtq_pop() return -1 with the reason, and
 * the transport marks the device broken (it stops processing until the
 * guest resets it), as QEMU's virtio_error() does. Nothing a guest writes
 * can make the host read or write outside guest RAM.
 */
#ifndef SHADOW86_DEVICES_VIRTQUEUE_H
#define SHADOW86_DEVICES_VIRTQUEUE_H

#include <stdint.h>

#define VIRTQ_ALIGN 4096u          /* legacy ring alignment (VIRTIO_PCI_VRING_ALIGN) */
#define VIRTQ_SEG_MAX 64u          /* segments one element may have */

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Guest memory as the device reaches it (bus-master DMA). [0, ram_size)
 * is where rings and buffers may lie. */
struct virtq_mem {
    void *opaque;
    uint32_t ram_size;
    void (*read)(void *opaque, uint32_t gpa, void *buf, uint32_t len);
    void (*write)(void *opaque, uint32_t gpa, const void *buf, uint32_t len);
};

/* One queue: what the guest set up and where the device is in it. */
struct virtq {
    uint32_t pfn;           /* ring area >> 12; 0: not set up */
    uint16_t num;           /* entries (the device's size, a power of two) */
    uint16_t last_avail;    /* next available-ring entry the device takes */
    uint16_t used_idx;      /* the used ring's idx as the device wrote it */
};

/* A buffer segment in guest memory. */
struct virtq_seg {
    uint32_t addr, len;
};

/* One element taken from the available ring: its head descriptor, the
 * device-readable segments (out) and then the device-writable ones (in). */
struct virtq_elem {
    uint16_t head;
    unsigned n_out, n_in;
    struct virtq_seg out[VIRTQ_SEG_MAX], in[VIRTQ_SEG_MAX];
};

/* Bytes the ring area of a queue of `num` entries covers. */
uint32_t virtq_area_size(uint16_t num);

/* Check a queue the guest just placed: 0 if its whole area lies in RAM,
 * else -1 with the reason in *why. */
int virtq_check_area(const struct virtq *q, const struct virtq_mem *mem, const char **why);

/* Take the next element: 1 (in *e), 0 when the ring holds none, -1 when
 * the guest's ring or chain is malformed (*why says how; nothing taken). */
int virtq_pop(struct virtq *q, const struct virtq_mem *mem, struct virtq_elem *e,
              const char **why);

/* Give element `head` back through the used ring with `len` bytes written. */
void virtq_push(struct virtq *q, const struct virtq_mem *mem, uint16_t head, uint32_t len);

/* Whether the guest wants an interrupt for used buffers now (its avail
 * flags do not say NO_INTERRUPT). */
int virtq_wants_interrupt(const struct virtq *q, const struct virtq_mem *mem);

/* Read / write `len` bytes of a segment's data at `off` (the caller keeps
 * within seg->len). */
void virtq_seg_read(const struct virtq_mem *mem, const struct virtq_seg *s, uint32_t off,
                    void *buf, uint32_t len);

#endif
