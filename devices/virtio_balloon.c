/* virtio-balloon: the inflate, deflate and stats queues and the target in
 * the configuration (virtio_balloon.h). */
#include <stddef.h>
#include <string.h>

#include "base/endian.h"
#include "devices/devlog.h"
#include "devices/virtio_balloon.h"

enum { LOG_BAD_PFN = 8, LOG_STATS_SHORT };

#define CFG_NUM_PAGES 0
#define CFG_ACTUAL 4
#define CFG_LEN 8
#define PFN_CHUNK 64      /* PFNs read from guest memory at a time */
#define STAT_ENTRY 10     /* u16 tag, u64 value, packed */

static struct virtio_balloon *of(struct virtio_pci *vp)
{
    return vp->opaque;
}

static void render_config(struct virtio_balloon *b)
{
    le32_store(b->vp.config + CFG_NUM_PAGES, b->target);
    le32_store(b->vp.config + CFG_ACTUAL, b->actual);
}

/* Every PFN of every device-readable segment of `e`: released (inflate)
 * or reclaimed (deflate). */
static void pass_pages(struct virtio_balloon *b, const struct virtq_elem *e, int inflate)
{
    for (unsigned s = 0; s < e->n_out; s++) {
        uint32_t n = e->out[s].len / 4;
        for (uint32_t i = 0; i < n; i += PFN_CHUNK) {
            uint8_t buf[PFN_CHUNK * 4];
            uint32_t k = n - i < PFN_CHUNK ? n - i : PFN_CHUNK;
            virtq_seg_read(&b->vp.mem, &e->out[s], i * 4, buf, k * 4);
            for (uint32_t j = 0; j < k; j++) {
                uint32_t pfn = le32_load(buf + 4 * j);
                if (pfn >= b->ram_pages) {
                    b->bad_pfns++;
                    devlog_once(b->vp.log, &b->vp.logged, LOG_BAD_PFN,
                                "virtio-balloon: page frame 0x%X past the guest's RAM: ignored",
                                pfn);
                    continue;
                }
                if (inflate) {
                    b->inflated++;
                    if (b->host.release)
                        b->host.release(b->host.opaque, pfn << 12);
                } else {
                    b->deflated++;
                    if (b->host.reclaim)
                        b->host.reclaim(b->host.opaque, pfn << 12);
                }
            }
        }
    }
}

static void take_stats(struct virtio_balloon *b, const struct virtq_elem *e)
{
    for (unsigned s = 0; s < e->n_out; s++) {
        uint32_t n = e->out[s].len / STAT_ENTRY;
        for (uint32_t i = 0; i < n; i++) {
            uint8_t ent[STAT_ENTRY];
            virtq_seg_read(&b->vp.mem, &e->out[s], i * STAT_ENTRY, ent, STAT_ENTRY);
            uint16_t tag = le16_load(ent);
            if (tag < VIRTIO_BALLOON_S_NR)
                b->stats[tag] = le64_load(ent + 2);
        }
    }
    b->stats_valid = 1;
    b->stats_reports++;
}

static void queue_notify(struct virtio_pci *vp, unsigned q)
{
    struct virtio_balloon *b = of(vp);
    struct virtq_elem e;
    int used = 0;
    while (virtio_pci_pop(vp, q, &e)) {
        if (q == VIRTIO_BALLOON_Q_STATS) {
            /* The driver's buffer: read it now, keep it until the next
             * request (the timer), as the stats protocol has it. */
            take_stats(b, &e);
            if (b->stats_held) {
                virtio_pci_push(vp, q, b->stats_head, 0);   /* the older one back */
                used = 1;
            }
            b->stats_held = 1;
            b->stats_head = e.head;
            clock_schedule(b->clock, b->stats_timer,
                           clock_now(b->clock) + VIRTIO_BALLOON_STATS_NS);
            continue;
        }
        pass_pages(b, &e, q == VIRTIO_BALLOON_Q_INFLATE);
        virtio_pci_push(vp, q, e.head, 0);
        used = 1;
    }
    if (used)
        virtio_pci_notify_used(vp, q);
}

static void config_written(struct virtio_pci *vp, unsigned off, unsigned size)
{
    struct virtio_balloon *b = of(vp);
    if (off < CFG_ACTUAL + 4 && off + size > CFG_ACTUAL)
        b->actual = le32_load(vp->config + CFG_ACTUAL);
}

static void device_reset(struct virtio_pci *vp)
{
    struct virtio_balloon *b = of(vp);
    b->actual = 0;
    b->stats_held = 0;
    b->stats_head = 0;
    clock_cancel(b->clock, b->stats_timer);
    render_config(b);
}

static const struct virtio_pci_dev_ops balloon_ops = { queue_notify, config_written, device_reset };

/* The stats period: give the driver its buffer back to ask for fresh
 * figures. */
static void stats_tick(void *opaque)
{
    struct virtio_balloon *b = opaque;
    if (b->stats_held && virtio_pci_live(&b->vp)) {
        b->stats_held = 0;
        virtio_pci_push(&b->vp, VIRTIO_BALLOON_Q_STATS, b->stats_head, 0);
        virtio_pci_notify_used(&b->vp, VIRTIO_BALLOON_Q_STATS);
    }
}

int virtio_balloon_init(struct virtio_balloon *b, uint32_t ram_size, int deflate_on_oom,
                        const struct virtq_mem *mem, struct irq_line irq,
                        const struct virtio_balloon_host *host, struct clock *clock, FILE *log)
{
    memset(b, 0, sizeof *b);
    static const uint16_t sizes[3] = { VIRTIO_BALLOON_QUEUE_SIZE, VIRTIO_BALLOON_QUEUE_SIZE,
                                       VIRTIO_BALLOON_QUEUE_SIZE };
    /* Class 0xFF ("device does not fit any class"), as QEMU's balloon. */
    virtio_pci_init(&b->vp, "virtio-balloon", VIRTIO_BALLOON_PCI_DEVICE, VIRTIO_ID_BALLOON,
                    0xFF0000, 3, sizes, CFG_LEN, mem, irq, &balloon_ops, b, log);
    b->vp.host_features = 1u << VIRTIO_BALLOON_F_STATS_VQ;
    if (deflate_on_oom)
        b->vp.host_features |= 1u << VIRTIO_BALLOON_F_DEFLATE_ON_OOM;
    for (unsigned i = CFG_ACTUAL; i < CFG_ACTUAL + 4; i++)
        b->vp.config_wmask[i] = 0xFF;
    b->host = *host;
    b->clock = clock;
    b->ram_pages = ram_size >> 12;
    b->stats_timer = clock_timer_add(clock, "virtio-balloon-stats", stats_tick, b);
    if (b->stats_timer < 0)
        return -1;
    virtio_balloon_reset(b);
    return 0;
}

void virtio_balloon_reset(struct virtio_balloon *b)
{
    virtio_pci_reset(&b->vp);   /* calls device_reset */
}

void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages)
{
    if (pages > b->ram_pages)
        pages = b->ram_pages;
    if (pages == b->target)
        return;
    b->target = pages;
    render_config(b);
    virtio_pci_config_changed(&b->vp);
}

#define T struct virtio_balloon
static const struct state_field balloon_fields[] = {
    STATE_FIELD(T, target, STATE_ANY),
    STATE_FIELD(T, actual, STATE_ANY),
    STATE_FIELD(T, stats_held, 1),
    STATE_FIELD(T, stats_head, VIRTIO_BALLOON_QUEUE_SIZE - 1),
    STATE_ARRAY(T, stats, STATE_ANY),
    STATE_FIELD(T, stats_valid, 1),
    STATE_FIELD(T, inflated, STATE_ANY),
    STATE_FIELD(T, deflated, STATE_ANY),
    STATE_FIELD(T, bad_pfns, STATE_ANY),
    STATE_FIELD(T, stats_reports, STATE_ANY),
};
#undef T
static const struct state_layout balloon_layout = STATE_LAYOUT("VBLN", 1, balloon_fields);

void virtio_balloon_save(const struct virtio_balloon *b, struct state_writer *w)
{
    state_save_layout(w, &balloon_layout, NULL, b);
    state_save_layout(w, &virtio_pci_layout, NULL, &b->vp);
}

int virtio_balloon_load(struct virtio_balloon *b, struct state_reader *r)
{
    if (state_load_layout(r, &balloon_layout, NULL, b) != 0 ||
        state_load_layout(r, &virtio_pci_layout, NULL, &b->vp) != 0)
        return -1;
    virtio_pci_loaded(&b->vp);
    if (b->stats_held)
        clock_schedule(b->clock, b->stats_timer, clock_now(b->clock) + VIRTIO_BALLOON_STATS_NS);
    else
        clock_cancel(b->clock, b->stats_timer);
    return 0;
}
