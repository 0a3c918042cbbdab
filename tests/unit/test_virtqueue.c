/* The virtqueue and the legacy virtio-PCI transport against rings a
 * hostile guest writes: out-of-range addresses, loops, oversize chains,
 * indexes past the queue. None may make the device touch memory outside
 * guest RAM; each breaks the device (logged once) until a reset. And the
 * balloon's inflate/deflate/stats queues end to end through the
 * registers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "check_run.h"
#include "dev_harness.h"
#include "devices/virtio_balloon.h"
#include "devices/virtqueue.h"

#define RAM (1u << 20)
#define NUM 16
#define QPFN 0x10                 /* rings at 64 KiB */
#define DESC (QPFN << 12)
#define AVAIL (DESC + 16 * NUM)
#define USED (((AVAIL + 6 + 2 * NUM) + 4095) & ~4095u)

static uint8_t *ram;
static uint64_t outside;          /* accesses the device tried outside RAM */

static void rd(void *opaque, uint32_t gpa, void *buf, uint32_t len)
{
    (void)opaque;
    if ((uint64_t)gpa + len > RAM) {
        outside++;
        memset(buf, 0, len);
        return;
    }
    memcpy(buf, ram + gpa, len);
}

static void wr(void *opaque, uint32_t gpa, const void *buf, uint32_t len)
{
    (void)opaque;
    if ((uint64_t)gpa + len > RAM) {
        outside++;
        return;
    }
    memcpy(ram + gpa, buf, len);
}

static const struct virtq_mem mem = { NULL, RAM, rd, wr };
static struct virtq q;
static struct virtq_elem e;
static const char *why;

static void setup(void)
{
    ram = calloc(1, RAM);
    outside = 0;
    q = (struct virtq){ .pfn = QPFN, .num = NUM };
    why = NULL;
}

static void teardown(void)
{
    free(ram);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = ram + DESC + 16 * i;
    le64_store(d, addr);
    le32_store(d + 8, len);
    le16_store(d + 12, flags);
    le16_store(d + 14, next);
}

/* Make `head` available (the next ring slot) and move the index on. */
static void offer(uint16_t head)
{
    uint16_t idx = le16_load(ram + AVAIL + 2);
    le16_store(ram + AVAIL + 4 + 2 * (idx % NUM), head);
    le16_store(ram + AVAIL + 2, (uint16_t)(idx + 1));
}

static void expect_bad(const char *what)
{
    uint16_t before = q.last_avail;
    ck_assert_int_eq(virtq_pop(&q, &mem, &e, &why), -1);
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, what) != NULL, "expected '%s' in: %s", what, why);
    ck_assert_uint_eq(q.last_avail, before);   /* nothing taken */
    ck_assert_uint_eq(outside, 0);
}

START_TEST(chain_out_then_in)
{
    desc(3, 0x20000, 100, VIRTQ_DESC_F_NEXT, 7);
    desc(7, 0x21000, 50, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(1, 0x22000, 8, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_int_eq(virtq_pop(&q, &mem, &e, &why), 0);   /* empty */
    offer(3);
    ck_assert_int_eq(virtq_pop(&q, &mem, &e, &why), 1);
    ck_assert_uint_eq(e.head, 3);
    ck_assert_uint_eq(e.n_out, 1);
    ck_assert_uint_eq(e.n_in, 2);
    ck_assert_uint_eq(e.out[0].addr, 0x20000);
    ck_assert_uint_eq(e.out[0].len, 100);
    ck_assert_uint_eq(e.in[1].addr, 0x22000);
    ck_assert_int_eq(virtq_pop(&q, &mem, &e, &why), 0);
    virtq_push(&q, &mem, 3, 58);
    ck_assert_uint_eq(le16_load(ram + USED + 2), 1);
    ck_assert_uint_eq(le32_load(ram + USED + 4), 3);
    ck_assert_uint_eq(le32_load(ram + USED + 8), 58);
    ck_assert_uint_eq(outside, 0);
}
END_TEST

START_TEST(buffer_outside_ram)
{
    desc(0, RAM - 8, 16, 0, 0);   /* runs past the end */
    offer(0);
    expect_bad("outside guest RAM");
}
END_TEST

START_TEST(buffer_address_wraps)
{
    /* addr + len wraps a 64-bit sum to a small number. */
    desc(0, 0xFFFFFFFFFFFFFFF0ull, 0x20, 0, 0);
    offer(0);
    expect_bad("outside guest RAM");
}
END_TEST

START_TEST(buffer_above_4g)
{
    desc(0, 0x100000000ull, 4, 0, 0);
    offer(0);
    expect_bad("outside guest RAM");
}
END_TEST

START_TEST(chain_loops)
{
    desc(0, 0x20000, 4, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 0x20000, 4, VIRTQ_DESC_F_NEXT, 0);
    offer(0);
    expect_bad("loops");
}
END_TEST

START_TEST(chain_self_loop)
{
    desc(5, 0x20000, 4, VIRTQ_DESC_F_NEXT, 5);
    offer(5);
    expect_bad("loops");
}
END_TEST

START_TEST(next_past_queue)
{
    desc(0, 0x20000, 4, VIRTQ_DESC_F_NEXT, NUM);
    offer(0);
    expect_bad("next is past the queue");
}
END_TEST

START_TEST(head_past_queue)
{
    offer(NUM + 3);
    expect_bad("past the queue");
}
END_TEST

START_TEST(avail_index_runs_ahead)
{
    desc(0, 0x20000, 4, 0, 0);
    le16_store(ram + AVAIL + 2, NUM + 1);
    expect_bad("available index");
}
END_TEST

START_TEST(indirect_refused)
{
    desc(0, 0x20000, 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(0);
    expect_bad("indirect");
}
END_TEST

START_TEST(readable_after_writable)
{
    desc(0, 0x20000, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(1, 0x21000, 4, 0, 0);
    offer(0);
    expect_bad("after a writable");
}
END_TEST

START_TEST(oversize_chain)
{
    /* A queue larger than the segment limit, one chain through all of it. */
    enum { BIG = 128 };
    q.num = BIG;
    uint32_t avail = (QPFN << 12) + 16 * BIG;
    for (unsigned i = 0; i < BIG; i++) {
        uint8_t *d = ram + (QPFN << 12) + 16 * i;
        le64_store(d, 0x40000);
        le32_store(d + 8, 4);
        le16_store(d + 12, i + 1 < BIG ? VIRTQ_DESC_F_NEXT : 0);
        le16_store(d + 14, (uint16_t)(i + 1));
    }
    le16_store(ram + avail + 4, 0);
    le16_store(ram + avail + 2, 1);
    ck_assert_int_eq(virtq_pop(&q, &mem, &e, &why), -1);
    ck_assert_msg(strstr(why, "too many segments") != NULL, "%s", why);
}
END_TEST

START_TEST(area_outside_ram)
{
    q.pfn = (RAM >> 12) - 1;   /* the used ring would lie past RAM */
    ck_assert_int_eq(virtq_check_area(&q, &mem, &why), -1);
    q.pfn = QPFN;
    ck_assert_int_eq(virtq_check_area(&q, &mem, &why), 0);
}
END_TEST

/* ------------------------------------------------------------ through the device */

static struct harness h;
static struct virtio_balloon b;
static uint32_t released[64], reclaimed[64];
static unsigned nreleased, nreclaimed;
static FILE *log_file;

static void on_release(void *opaque, uint32_t gpa)
{
    (void)opaque;
    if (nreleased < 64)
        released[nreleased] = gpa;
    nreleased++;
}

static void on_reclaim(void *opaque, uint32_t gpa)
{
    (void)opaque;
    if (nreclaimed < 64)
        reclaimed[nreclaimed] = gpa;
    nreclaimed++;
}

#define BNUM VIRTIO_BALLOON_QUEUE_SIZE

static uint32_t qbase(unsigned qi)
{
    return (0x10u + 0x10u * qi) << 12;
}

static uint32_t qavail(unsigned qi)
{
    return qbase(qi) + 16 * BNUM;
}

static uint32_t qused(unsigned qi)
{
    return (qavail(qi) + 6 + 2 * BNUM + 4095) & ~4095u;
}

static void bdesc(unsigned qi, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                  uint16_t next)
{
    uint8_t *d = ram + qbase(qi) + 16 * i;
    le64_store(d, addr);
    le32_store(d + 8, len);
    le16_store(d + 12, flags);
    le16_store(d + 14, next);
}

static void boffer(unsigned qi, uint16_t head)
{
    uint16_t idx = le16_load(ram + qavail(qi) + 2);
    le16_store(ram + qavail(qi) + 4 + 2 * (idx % BNUM), head);
    le16_store(ram + qavail(qi) + 2, (uint16_t)(idx + 1));
}

static unsigned log_lines(void)
{
    fflush(log_file);
    rewind(log_file);
    unsigned n = 0;
    int c;
    while ((c = fgetc(log_file)) != EOF)
        n += c == '\n';
    fseek(log_file, 0, SEEK_END);
    return n;
}

static void dev_setup(void)
{
    setup();
    harness_init(&h);
    nreleased = nreclaimed = 0;
    log_file = tmpfile();
    struct virtio_balloon_host host = { NULL, on_release, on_reclaim };
    ck_assert_int_eq(virtio_balloon_init(&b, RAM, 0, &mem, harness_line(&h, 11), &host, &h.clock,
                                         log_file), 0);
    /* The driver's start: features, three queues, DRIVER_OK. */
    uint32_t feat = virtio_pci_read(&b.vp, VIRTIO_PCI_HOST_FEATURES, 4);
    ck_assert_uint_eq(feat, 1u << VIRTIO_BALLOON_F_STATS_VQ);
    virtio_pci_write(&b.vp, VIRTIO_PCI_GUEST_FEATURES, 4, feat);
    for (unsigned qi = 0; qi < 3; qi++) {
        virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_SEL, 2, qi);
        ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_QUEUE_NUM, 2), BNUM);
        virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4, qbase(qi) >> 12);
    }
    virtio_pci_write(&b.vp, VIRTIO_PCI_STATUS, 1, 7);
}

static void dev_teardown(void)
{
    fclose(log_file);
    teardown();
}

START_TEST(inflate_deflate_pfns)
{
    static const uint32_t pfns[4] = { 0x80, 0x81, 0xFF, 0x12345 };   /* the last past RAM */
    for (unsigned i = 0; i < 4; i++)
        le32_store(ram + 0x80000 + 4 * i, pfns[i]);
    bdesc(0, 0, 0x80000, 16, 0, 0);
    boffer(0, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    ck_assert_uint_eq(nreleased, 3);
    ck_assert_uint_eq(released[0], 0x80000);
    ck_assert_uint_eq(released[2], 0xFF000);
    ck_assert_uint_eq(b.bad_pfns, 1);
    ck_assert_uint_eq(le16_load(ram + qused(0) + 2), 1);   /* given back */
    ck_assert_int_eq(h.level[11], 1);                      /* INTA# */
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_ISR, 1), VIRTIO_ISR_QUEUE);
    ck_assert_int_eq(h.level[11], 0);                      /* read clears */
    bdesc(1, 0, 0x80000, 8, 0, 0);
    boffer(1, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 1);
    ck_assert_uint_eq(nreclaimed, 2);
    ck_assert_uint_eq(reclaimed[1], 0x81000);
    ck_assert_uint_eq(log_lines(), 1);   /* the bad PFN, once */
}
END_TEST

START_TEST(target_and_actual)
{
    virtio_balloon_set_target(&b, 100);
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_ISR, 1), VIRTIO_ISR_CONFIG);
    /* The legacy driver reads and writes the configuration bytewise. */
    uint32_t n = 0;
    for (unsigned i = 0; i < 4; i++)
        n |= virtio_pci_read(&b.vp, VIRTIO_PCI_CONFIG_OFF + i, 1) << (8 * i);
    ck_assert_uint_eq(n, 100);
    for (unsigned i = 0; i < 4; i++)
        virtio_pci_write(&b.vp, VIRTIO_PCI_CONFIG_OFF + 4 + i, 1, (60u >> (8 * i)) & 0xFF);
    ck_assert_uint_eq(b.actual, 60);
    virtio_pci_write(&b.vp, VIRTIO_PCI_CONFIG_OFF, 4, 5);   /* num_pages is the host's */
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_CONFIG_OFF, 4), 100);
}
END_TEST

START_TEST(stats_held_and_returned)
{
    uint8_t *s = ram + 0x81000;
    le16_store(s, VIRTIO_BALLOON_S_MEMFREE);
    le64_store(s + 2, 123456);
    le16_store(s + 10, VIRTIO_BALLOON_S_MEMTOT);
    le64_store(s + 12, 999999);
    bdesc(2, 0, 0x81000, 20, 0, 0);
    boffer(2, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 2);
    ck_assert_uint_eq(b.stats[VIRTIO_BALLOON_S_MEMFREE], 123456);
    ck_assert_uint_eq(b.stats[VIRTIO_BALLOON_S_MEMTOT], 999999);
    ck_assert_uint_eq(le16_load(ram + qused(2) + 2), 0);   /* kept */
    harness_advance(&h, VIRTIO_BALLOON_STATS_NS);
    ck_assert_uint_eq(le16_load(ram + qused(2) + 2), 1);   /* back: a request */
    ck_assert_int_eq(h.level[11], 1);
}
END_TEST

START_TEST(malformed_breaks_until_reset)
{
    bdesc(0, 0, 0x80000, 4, VIRTQ_DESC_F_NEXT, 0);   /* loops on itself */
    boffer(0, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    ck_assert_int_eq(b.vp.broken, 1);
    ck_assert_uint_eq(nreleased, 0);
    /* A good element now is not processed, and nothing more is logged. */
    le32_store(ram + 0x80000, 0x80);
    bdesc(0, 1, 0x80000, 4, 0, 0);
    boffer(0, 1);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    ck_assert_uint_eq(nreleased, 0);
    ck_assert_uint_eq(log_lines(), 1);
    ck_assert_uint_eq(outside, 0);
    /* The guest resets the device and sets it up again: it works. */
    virtio_pci_write(&b.vp, VIRTIO_PCI_STATUS, 1, 0);
    ck_assert_int_eq(b.vp.broken, 0);
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4), 0);
    memset(ram + qavail(0), 0, 4);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_SEL, 2, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4, qbase(0) >> 12);
    virtio_pci_write(&b.vp, VIRTIO_PCI_STATUS, 1, 7);
    boffer(0, 1);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    ck_assert_uint_eq(nreleased, 1);
}
END_TEST

START_TEST(queue_placed_outside_ram)
{
    virtio_pci_write(&b.vp, VIRTIO_PCI_STATUS, 1, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_SEL, 2, 1);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4, 0xFFFFF);
    ck_assert_int_eq(b.vp.broken, 1);
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4), 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 1);
    ck_assert_uint_eq(outside, 0);
    /* A queue that does not exist and an odd width: ignored, said once. */
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_SEL, 2, 9);
    ck_assert_uint_eq(virtio_pci_read(&b.vp, VIRTIO_PCI_QUEUE_NUM, 2), 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_PFN, 4, 0x10);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 2, 9);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 4, 0);
    virtio_pci_write(&b.vp, VIRTIO_PCI_QUEUE_NOTIFY, 4, 0);
    ck_assert_uint_eq(log_lines(), 3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("virtqueue");
    TCase *t = tcase_create("ring");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, chain_out_then_in);
    tcase_add_test(t, buffer_outside_ram);
    tcase_add_test(t, buffer_address_wraps);
    tcase_add_test(t, buffer_above_4g);
    tcase_add_test(t, chain_loops);
    tcase_add_test(t, chain_self_loop);
    tcase_add_test(t, next_past_queue);
    tcase_add_test(t, head_past_queue);
    tcase_add_test(t, avail_index_runs_ahead);
    tcase_add_test(t, indirect_refused);
    tcase_add_test(t, readable_after_writable);
    tcase_add_test(t, oversize_chain);
    tcase_add_test(t, area_outside_ram);
    suite_add_tcase(s, t);
    TCase *d = tcase_create("balloon");
    tcase_add_checked_fixture(d, dev_setup, dev_teardown);
    tcase_add_test(d, inflate_deflate_pfns);
    tcase_add_test(d, target_and_actual);
    tcase_add_test(d, stats_held_and_returned);
    tcase_add_test(d, malformed_breaks_until_reset);
    tcase_add_test(d, queue_placed_outside_ram);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    return check_run(suite());
}
