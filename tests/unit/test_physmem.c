/* Guest physical memory: lazy RAM and the zero page, the ROM area and its
 * PAM modes, option ROMs, MMIO dispatch and splitting, open bus, watch
 * hooks, listeners, the A20 gate and the dirty-page bitmap. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/physmem.h"
#include "check_run.h"

static struct physmem pm;

static void setup(void) { ck_assert_int_eq(physmem_init(&pm, 8u << 20), 0); }
static void teardown(void) { physmem_free(&pm); }

START_TEST(ram_is_lazy_and_zero)
{
    ck_assert_uint_eq(physmem_read(&pm, 0x123456, 4), 0);
    ck_assert_ptr_eq(physmem_read_page(&pm, 0x5000), pm.zero_page);
    ck_assert_uint_eq(physmem_pages_allocated(&pm), 0);
    /* Zeros into a never-written page allocate nothing. */
    physmem_write(&pm, 0x5000, 4, 0);
    ck_assert_uint_eq(physmem_pages_allocated(&pm), 0);
    physmem_write(&pm, 0x5FFE, 4, 0xDDCCBBAAu);   /* crosses into 0x6000 */
    ck_assert_uint_eq(physmem_pages_allocated(&pm), 2);
    ck_assert_uint_eq(physmem_read(&pm, 0x5FFE, 4), 0xDDCCBBAAu);
    ck_assert_uint_eq(physmem_read8(&pm, 0x6000), 0xCC);
    ck_assert_ptr_ne(physmem_read_page(&pm, 0x5000), pm.zero_page);
    /* The zero page itself was never written. */
    for (unsigned i = 0; i < PHYSMEM_PAGE_SIZE; i++)
        ck_assert_uint_eq(pm.zero_page[i], 0);
}
END_TEST

START_TEST(open_bus_beyond_ram)
{
    ck_assert_uint_eq(physmem_read(&pm, 8u << 20, 4), 0xFFFFFFFFu);
    physmem_write(&pm, 9u << 20, 4, 0x12345678u);
    ck_assert_uint_eq(physmem_read(&pm, 9u << 20, 4), 0xFFFFFFFFu);
    /* Straddling the end of RAM: low bytes RAM, high bytes open bus. */
    physmem_write(&pm, (8u << 20) - 2, 4, 0x11223344u);
    ck_assert_uint_eq(physmem_read(&pm, (8u << 20) - 2, 4), 0xFFFF3344u);
    ck_assert_uint_eq(physmem_read(&pm, 0xFFFFFFFEu, 4), 0x0000FFFFu);   /* wraps to RAM at 0 */
    ck_assert_int_eq(physmem_load(&pm, (8u << 20) - 1, "ab", 2), -1);
}
END_TEST

START_TEST(bios_high_and_low_alias)
{
    static uint8_t img[256u << 10];
    for (unsigned i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + (i >> 12));
    ck_assert_int_eq(physmem_set_rom(&pm, img, sizeof img), 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFC0000u), img[0]);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFFFFF0u), img[sizeof img - 16]);
    /* The last 128 KiB end at 1 MiB. */
    ck_assert_uint_eq(physmem_read8(&pm, 0xE0000), img[128u << 10]);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFF0), img[sizeof img - 16]);
    /* ROM ignores writes, in both places. */
    physmem_write8(&pm, 0xFFFF0, (uint8_t)~img[sizeof img - 16]);
    physmem_write8(&pm, 0xFFFFFFF0u, (uint8_t)~img[sizeof img - 16]);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFF0), img[sizeof img - 16]);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFFFFF0u), img[sizeof img - 16]);
    /* Below the alias, the ROM area is still RAM. */
    physmem_write8(&pm, 0xDFFFF, 0x42);
    ck_assert_uint_eq(physmem_read8(&pm, 0xDFFFF), 0x42);
    ck_assert_int_eq(physmem_set_rom(&pm, img, 4097), -1);
}
END_TEST

START_TEST(pam_modes_switch_per_chunk)
{
    static uint8_t vgabios[32u << 10];
    memset(vgabios, 0x55, sizeof vgabios);
    ck_assert_int_eq(physmem_load_option_rom(&pm, 0xC0000, vgabios, sizeof vgabios), 0);
    ck_assert_uint_eq(physmem_get_pam(&pm, 0), 0);
    ck_assert_uint_eq(physmem_get_pam(&pm, 1), 0);
    ck_assert_uint_eq(physmem_get_pam(&pm, 2), PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM);
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0000), 0x55);
    physmem_write8(&pm, 0xC0000, 0x01);             /* ignored */
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0000), 0x55);

    /* Shadowing as a BIOS does it: write to RAM while reading ROM, copy,
     * then read RAM and write-protect. */
    physmem_set_pam(&pm, 0, PHYSMEM_PAM_WRITE_RAM);
    physmem_write8(&pm, 0xC0001, (uint8_t)(physmem_read8(&pm, 0xC0001) + 1));
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0001), 0x55);   /* still reads ROM */
    physmem_set_pam(&pm, 0, PHYSMEM_PAM_READ_RAM);
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0001), 0x56);   /* the RAM copy */
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0000), 0x00);
    physmem_write8(&pm, 0xC0001, 0x99);                     /* write-protected */
    ck_assert_uint_eq(physmem_read8(&pm, 0xC0001), 0x56);
    /* Chunk 1 was untouched by those switches. */
    ck_assert_uint_eq(physmem_read8(&pm, 0xC4000), 0x55);
    /* An empty ROM-area chunk reading ROM is open bus. */
    physmem_set_pam(&pm, 5, 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0xD4000), 0xFF);
    ck_assert_int_eq(physmem_load_option_rom(&pm, 0xBF000, vgabios, 0x2000), -1);
    ck_assert_int_eq(physmem_load_option_rom(&pm, 0xFF000, vgabios, 0x2000), -1);
}
END_TEST

struct fake_dev {
    uint8_t regs[16];
    unsigned reads, writes;
    uint32_t last_off;
    unsigned last_size;
};

static uint32_t dev_read(void *opaque, uint32_t off, unsigned size)
{
    struct fake_dev *d = opaque;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)d->regs[off + i] << (8 * i);
    return v;
}

static void dev_write(void *opaque, uint32_t off, unsigned size, uint32_t val)
{
    struct fake_dev *d = opaque;
    d->writes++;
    d->last_off = off;
    d->last_size = size;
    for (unsigned i = 0; i < size; i++)
        d->regs[off + i] = (uint8_t)(val >> (8 * i));
}

static const struct mmio_ops dev_ops = { dev_read, dev_write };

START_TEST(mmio_dispatch_and_split)
{
    struct fake_dev d = { 0 };
    ck_assert_int_eq(physmem_map_mmio(&pm, 0x1000, 16, &dev_ops, &d, "dev"), 0);
    physmem_write(&pm, 0x1004, 4, 0xA1B2C3D4u);
    ck_assert_uint_eq(d.writes, 1);
    ck_assert_uint_eq(d.last_off, 4);
    ck_assert_uint_eq(d.last_size, 4);
    ck_assert_uint_eq(physmem_read(&pm, 0x1004, 2), 0xC3D4);
    ck_assert_uint_eq(d.last_size, 2);
    /* Crossing the region's end: the device sees bytes, the rest is open
     * bus on an MMIO page no region claims. */
    d.reads = 0;
    ck_assert_uint_eq(physmem_read(&pm, 0x100E, 4), 0xFFFF0000u);
    ck_assert_uint_eq(d.reads, 2);
    /* MMIO wins over RAM, and RAM returns when it goes. */
    physmem_write(&pm, 0x1000, 1, 0x77);
    ck_assert_uint_eq(d.regs[0], 0x77);
    ck_assert_uint_eq(physmem_pages_allocated(&pm), 0);
    ck_assert_int_eq(physmem_map_mmio(&pm, 0x1008, 4, &dev_ops, &d, "overlap"), -1);
    ck_assert_int_eq(physmem_map_mmio(&pm, 0xFFFFFFF0u, 32, &dev_ops, &d, "wrap"), -1);
    ck_assert_int_eq(physmem_unmap_mmio(&pm, 0x1000), 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x1000), 0);
    ck_assert_int_eq(physmem_unmap_mmio(&pm, 0x1000), -1);
    /* High MMIO above RAM (an APIC). */
    ck_assert_int_eq(physmem_map_mmio(&pm, 0xFEE00000u, 16, &dev_ops, &d, "apic"), 0);
    physmem_write(&pm, 0xFEE00008u, 4, 0x01020304u);
    ck_assert_uint_eq(physmem_read(&pm, 0xFEE00008u, 4), 0x01020304u);
    ck_assert_ptr_null(physmem_read_page(&pm, 0xFEE00000u));
    ck_assert_ptr_null(physmem_write_page(&pm, 0xFEE00000u));
}
END_TEST

struct hook_log {
    unsigned calls;
    uint32_t gpa;
    unsigned size;
    uint8_t seen_before;   /* memory at gpa when the hook ran */
};

static void code_hook(void *opaque, uint32_t gpa, unsigned size)
{
    struct hook_log *l = opaque;
    l->calls++;
    l->gpa = gpa;
    l->size = size;
    l->seen_before = physmem_read8(&pm, gpa);
}

START_TEST(watch_hooks_run_before_the_store)
{
    struct hook_log l = { 0 };
    physmem_set_code_hook(&pm, code_hook, &l);
    physmem_write8(&pm, 0x3010, 0x11);
    ck_assert_ptr_nonnull(physmem_write_page(&pm, 0x3000));
    physmem_watch(&pm, 0x3000, PHYSMEM_WATCH_CODE);
    ck_assert_uint_eq(physmem_watched(&pm, 0x3FFF), PHYSMEM_WATCH_CODE);
    ck_assert_ptr_null(physmem_write_page(&pm, 0x3000));   /* slow path now */
    physmem_write(&pm, 0x3010, 2, 0x2222);
    ck_assert_uint_eq(l.calls, 1);
    ck_assert_uint_eq(l.gpa, 0x3010);
    ck_assert_uint_eq(l.size, 2);
    ck_assert_uint_eq(l.seen_before, 0x11);
    ck_assert_uint_eq(physmem_read(&pm, 0x3010, 2), 0x2222);
    /* DMA-style buffer writes and loader writes run the hook too. */
    physmem_write_buf(&pm, 0x3020, "xy", 2);
    ck_assert_uint_eq(l.calls, 3);
    ck_assert_int_eq(physmem_load(&pm, 0x3FF0, "abcdefghijklmnopqrstu", 20), 0);
    ck_assert_uint_eq(l.calls, 4);
    ck_assert_uint_eq(l.size, 16);   /* this page's part of the load */
    /* Unwatched pages do not call it. */
    physmem_write8(&pm, 0x4000, 1);
    ck_assert_uint_eq(l.calls, 4);
    physmem_unwatch(&pm, 0x3000, PHYSMEM_WATCH_CODE);
    physmem_write8(&pm, 0x3000, 1);
    ck_assert_uint_eq(l.calls, 4);
    ck_assert_ptr_nonnull(physmem_write_page(&pm, 0x3000));
}
END_TEST

struct change_log {
    unsigned calls;
    uint32_t gpa, len;
};

static void on_change(void *opaque, uint32_t gpa, uint32_t len)
{
    struct change_log *c = opaque;
    c->calls++;
    c->gpa = gpa;
    c->len = len;
}

START_TEST(listeners_hear_mapping_changes)
{
    struct change_log c = { 0 };
    ck_assert_int_eq(physmem_add_listener(&pm, on_change, &c), 0);
    physmem_write8(&pm, 0x7123, 5);           /* allocation: zero page replaced */
    ck_assert_uint_eq(c.calls, 1);
    ck_assert_uint_eq(c.gpa, 0x7000);
    ck_assert_uint_eq(c.len, PHYSMEM_PAGE_SIZE);
    physmem_write8(&pm, 0x7124, 5);           /* no change */
    ck_assert_uint_eq(c.calls, 1);
    physmem_watch(&pm, 0x9000, PHYSMEM_WATCH_PT);
    ck_assert_uint_eq(c.calls, 2);
    physmem_set_pam(&pm, 3, PHYSMEM_PAM_READ_RAM);
    ck_assert_uint_eq(c.calls, 3);
    ck_assert_uint_eq(c.gpa, 0xCC000);
    physmem_set_a20(&pm, 0);
    ck_assert_uint_eq(c.calls, 4);
    physmem_set_a20(&pm, 0);                  /* unchanged: no call */
    ck_assert_uint_eq(c.calls, 4);
}
END_TEST

START_TEST(a20_gate_wraps_at_1mib)
{
    physmem_write8(&pm, 0x100010, 0xAB);
    physmem_write8(&pm, 0x000010, 0xCD);
    physmem_set_a20(&pm, 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x100010), 0xCD);
    physmem_set_a20(&pm, 1);
    ck_assert_uint_eq(physmem_read8(&pm, 0x100010), 0xAB);
}
END_TEST

START_TEST(large_ram_costs_nothing_untouched)
{
    struct physmem big;
    ck_assert_int_eq(physmem_init(&big, 3584u << 20), 0);
    for (uint32_t a = 0; a < (3584u << 20); a += 1u << 20)
        ck_assert_uint_eq(physmem_read(&big, a, 4), 0);
    ck_assert_uint_eq(big.stats.pages_allocated, 0);
    ck_assert_uint_eq(big.stats.leaves_allocated, 0);
    physmem_write8(&big, 0xDFFFFFFFu, 1);
    ck_assert_uint_eq(big.stats.pages_allocated, 1);
    ck_assert_uint_eq(big.stats.leaves_allocated, 1);
    physmem_free(&big);
}
END_TEST

START_TEST(dirty_bitmap_marks_every_way_in)
{
    struct change_log c = { 0 };
    ck_assert_int_eq(physmem_add_listener(&pm, on_change, &c), 0);
    /* All marked at the start; a restart clears them and tells the
     * listeners the whole space changed (cached write pointers go). */
    ck_assert(physmem_page_dirty(&pm, 0x3000));
    physmem_dirty_restart(&pm);
    ck_assert_uint_eq(c.calls, 1);
    ck_assert_uint_eq(c.gpa, 0);
    ck_assert_uint_eq(c.len, 0xFFFFFFFFu);
    for (uint32_t a = 0; a < (8u << 20); a += PHYSMEM_PAGE_SIZE)
        ck_assert(!physmem_page_dirty(&pm, a));
    /* A slow-path store, a store crossing a page, a loader, a host page
     * handed out for writing: each marks its pages and only those. */
    physmem_write(&pm, 0x3004, 4, 1);
    physmem_write(&pm, 0x7FFE, 4, 0x01020304u);
    uint8_t data[16] = { 1 };
    ck_assert_int_eq(physmem_load(&pm, 0x20000, data, sizeof data), 0);
    ck_assert_ptr_nonnull(physmem_write_page(&pm, 0x41000));
    /* Peeking a write pointer or reading marks nothing. */
    ck_assert_ptr_nonnull(physmem_peek_write_page(&pm, 0x3000));
    ck_assert_uint_eq(physmem_read(&pm, 0x50000, 4), 0);
    const uint32_t marked[] = { 0x3000, 0x7000, 0x8000, 0x20000, 0x41000 };
    unsigned n = 0;
    for (uint32_t a = 0; a < (8u << 20); a += PHYSMEM_PAGE_SIZE)
        if (physmem_page_dirty(&pm, a)) {
            ck_assert_uint_lt(n, 5);
            ck_assert_uint_eq(a, marked[n]);
            n++;
        }
    ck_assert_uint_eq(n, 5);
    /* Beyond RAM: never dirty. */
    ck_assert(!physmem_page_dirty(&pm, 8u << 20));
    physmem_mark_all_dirty(&pm);
    ck_assert(physmem_page_dirty(&pm, (8u << 20) - 1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("physmem");
    TCase *tc = tcase_create("physmem");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ram_is_lazy_and_zero);
    tcase_add_test(tc, open_bus_beyond_ram);
    tcase_add_test(tc, bios_high_and_low_alias);
    tcase_add_test(tc, pam_modes_switch_per_chunk);
    tcase_add_test(tc, mmio_dispatch_and_split);
    tcase_add_test(tc, watch_hooks_run_before_the_store);
    tcase_add_test(tc, listeners_hear_mapping_changes);
    tcase_add_test(tc, a20_gate_wraps_at_1mib);
    tcase_add_test(tc, large_ram_costs_nothing_untouched);
    tcase_add_test(tc, dirty_bitmap_marks_every_way_in);
    suite_add_tcase(s, tc);
    return check_run(s);
}
