/* The split virtqueue: taking chains from the available ring and giving
 * them back through the used ring, with every guest value checked
 * (virtqueue.h). */
#include <stddef.h>

#include "base/endian.h"
#include "devices/virtqueue.h"

#define DESC_SIZE 16u

static uint32_t desc_base(const struct virtq *q)
{
    return q->pfn << 12;
}

static uint32_t avail_base(const struct virtq *q)
{
    return desc_base(q) + DESC_SIZE * q->num;
}

static uint32_t used_base(const struct virtq *q)
{
    uint32_t end = avail_base(q) + 6u + 2u * q->num;
    return (end + VIRTQ_ALIGN - 1) & ~(VIRTQ_ALIGN - 1);
}

uint32_t virtq_area_size(uint16_t num)
{
    uint32_t avail_end = DESC_SIZE * num + 6u + 2u * num;
    uint32_t used = (avail_end + VIRTQ_ALIGN - 1) & ~(VIRTQ_ALIGN - 1);
    return used + 6u + 8u * num;
}

int virtq_check_area(const struct virtq *q, const struct virtq_mem *mem, const char **why)
{
    uint64_t base = (uint64_t)q->pfn << 12;
    if (base + virtq_area_size(q->num) > mem->ram_size) {
        *why = "queue rings lie outside guest RAM";
        return -1;
    }
    return 0;
}

static uint16_t rd16(const struct virtq_mem *mem, uint32_t gpa)
{
    uint8_t b[2];
    mem->read(mem->opaque, gpa, b, 2);
    return le16_load(b);
}

static void wr16(const struct virtq_mem *mem, uint32_t gpa, uint16_t v)
{
    uint8_t b[2];
    le16_store(b, v);
    mem->write(mem->opaque, gpa, b, 2);
}

int virtq_pop(struct virtq *q, const struct virtq_mem *mem, struct virtq_elem *e,
              const char **why)
{
    if (!q->pfn || !q->num)
        return 0;
    uint32_t avail = avail_base(q);
    uint16_t idx = rd16(mem, avail + 2);
    uint16_t pending = (uint16_t)(idx - q->last_avail);
    if (!pending)
        return 0;
    if (pending > q->num) {
        *why = "available index moved past the queue size";
        return -1;
    }
    uint16_t head = rd16(mem, avail + 4 + 2u * (q->last_avail % q->num));
    if (head >= q->num) {
        *why = "available ring names a descriptor past the queue";
        return -1;
    }
    e->head = head;
    e->n_out = e->n_in = 0;
    uint16_t i = head;
    for (unsigned steps = 0;; steps++) {
        if (steps >= q->num) {
            *why = "descriptor chain loops or is longer than the queue";
            return -1;
        }
        uint8_t d[DESC_SIZE];
        mem->read(mem->opaque, desc_base(q) + DESC_SIZE * i, d, DESC_SIZE);
        uint64_t addr = le64_load(d);
        uint32_t len = le32_load(d + 8);
        uint16_t flags = le16_load(d + 12);
        uint16_t next = le16_load(d + 14);
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            *why = "indirect descriptor (feature not offered)";
            return -1;
        }
        if (addr > mem->ram_size || len > mem->ram_size - addr) {
            *why = "descriptor buffer lies outside guest RAM";
            return -1;
        }
        struct virtq_seg s = { (uint32_t)addr, len };
        if (flags & VIRTQ_DESC_F_WRITE) {
            if (e->n_in >= VIRTQ_SEG_MAX) {
                *why = "descriptor chain has too many segments";
                return -1;
            }
            e->in[e->n_in++] = s;
        } else {
            if (e->n_in) {
                *why = "device-readable descriptor after a writable one";
                return -1;
            }
            if (e->n_out >= VIRTQ_SEG_MAX) {
                *why = "descriptor chain has too many segments";
                return -1;
            }
            e->out[e->n_out++] = s;
        }
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        if (next >= q->num) {
            *why = "descriptor's next is past the queue";
            return -1;
        }
        i = next;
    }
    q->last_avail++;
    return 1;
}

void virtq_push(struct virtq *q, const struct virtq_mem *mem, uint16_t head, uint32_t len)
{
    if (!q->pfn || !q->num)
        return;
    uint32_t used = used_base(q);
    uint8_t ent[8];
    le32_store(ent, head);
    le32_store(ent + 4, len);
    mem->write(mem->opaque, used + 4 + 8u * (q->used_idx % q->num), ent, 8);
    q->used_idx++;
    wr16(mem, used + 2, q->used_idx);
}

int virtq_wants_interrupt(const struct virtq *q, const struct virtq_mem *mem)
{
    if (!q->pfn || !q->num)
        return 0;
    return !(rd16(mem, avail_base(q)) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_seg_read(const struct virtq_mem *mem, const struct virtq_seg *s, uint32_t off,
                    void *buf, uint32_t len)
{
    if (off > s->len || len > s->len - off)
        return;
    mem->read(mem->opaque, s->addr + off, buf, len);
}
