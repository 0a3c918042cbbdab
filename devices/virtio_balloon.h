/* virtio-balloon (Virtio 1.0 section 5.5, "Traditional Memory Balloon
 * Device") on the legacy virtio-PCI transport (virtio_pci.h): the host
 * sets a target (num_pages, in 4 KiB pages the guest should give up) in
 * the device configuration and raises a configuration interrupt; the
 * guest's own driver chooses which of its pages to give, and passes their
 * page frame numbers (32-bit, 4 KiB units) on the inflate queue, or takes
 * pages back on the deflate queue, then writes how many it holds in
 * `actual`. The device hands every inflated page back to the host
 * (`release`: the page's host memory is freed) and lets deflated ones be
 * allocated again on their next write (`reclaim`).
 *
 * Features offered: STATS_VQ (the guest's memory statistics on a third
 * queue: the device keeps the driver's buffer and returns it each
 * stats period to ask for fresh figures) and, when asked for,
 * DEFLATE_ON_OOM (the guest may deflate by itself under memory pressure;
 * Linux then also keeps ballooned pages in MemTotal). MUST_TELL_HOST is
 * not offered: the guest never touches a page before it told the device.
 */
#ifndef SHADOW86_DEVICES_VIRTIO_BALLOON_H
#define SHADOW86_DEVICES_VIRTIO_BALLOON_H

#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/state.h"
#include "devices/virtio_pci.h"

#define VIRTIO_BALLOON_PCI_DEVICE 0x1002   /* transitional ID: 0x1000 + type - 1 */
#define VIRTIO_ID_BALLOON 5
#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_QUEUE_SIZE 128
#define VIRTIO_BALLOON_STATS_NS 1000000000ull   /* fresh guest statistics every second */

enum { VIRTIO_BALLOON_Q_INFLATE, VIRTIO_BALLOON_Q_DEFLATE, VIRTIO_BALLOON_Q_STATS };

/* The guest's statistics (tags of the stats queue, Virtio 1.0 5.5.6.3,
 * and the ones Linux adds after them). */
enum {
    VIRTIO_BALLOON_S_SWAP_IN, VIRTIO_BALLOON_S_SWAP_OUT, VIRTIO_BALLOON_S_MAJFLT,
    VIRTIO_BALLOON_S_MINFLT, VIRTIO_BALLOON_S_MEMFREE, VIRTIO_BALLOON_S_MEMTOT,
    VIRTIO_BALLOON_S_AVAIL, VIRTIO_BALLOON_S_CACHES, VIRTIO_BALLOON_S_HTLB_PGALLOC,
    VIRTIO_BALLOON_S_HTLB_PGFAIL, VIRTIO_BALLOON_S_NR
};

/* What the balloon does with the pages (the board's physmem). */
struct virtio_balloon_host {
    void *opaque;
    void (*release)(void *opaque, uint32_t gpa);   /* inflated: give the host page back */
    void (*reclaim)(void *opaque, uint32_t gpa);   /* deflated: the guest uses it again; NULL: nothing to do */
};

struct virtio_balloon {
    struct virtio_pci vp;
    struct virtio_balloon_host host;
    struct clock *clock;
    int stats_timer;
    uint32_t ram_pages;          /* the guest's RAM in pages (PFNs at or past it are refused) */
    /* Guest-visible and kept across snapshots: */
    uint32_t target;             /* num_pages: pages the host wants in the balloon */
    uint32_t actual;             /* pages the guest says it holds */
    uint8_t stats_held;          /* the guest's stats buffer is with the device */
    uint16_t stats_head;         /* ... its head descriptor */
    uint64_t stats[VIRTIO_BALLOON_S_NR];   /* last figures (bytes, counts) */
    uint8_t stats_valid;         /* at least one report came */
    /* Counters for --stats. */
    uint64_t inflated, deflated;  /* pages passed on each queue */
    uint64_t bad_pfns;            /* PFNs past RAM (ignored, logged once) */
    uint64_t stats_reports;
};

int virtio_balloon_init(struct virtio_balloon *b, uint32_t ram_size, int deflate_on_oom,
                        const struct virtq_mem *mem, struct irq_line irq,
                        const struct virtio_balloon_host *host, struct clock *clock, FILE *log);
void virtio_balloon_reset(struct virtio_balloon *b);

/* The host's target: the guest should hold `pages` pages in the balloon
 * (clamped to its RAM). Raises the configuration interrupt on a change. */
void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages);

/* Snapshot record "VBLN". */
void virtio_balloon_save(const struct virtio_balloon *b, struct state_writer *w);
int virtio_balloon_load(struct virtio_balloon *b, struct state_reader *r);

#endif
