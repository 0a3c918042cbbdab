/* Port-I/O bus and the debug devices: routing, the floating value of
 * unowned ports and their counters, and what each debug port does. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/debugcon.h"
#include "devices/exitport.h"
#include "devices/iobus.h"
#include "devices/postcode.h"

static struct iobus *bus;

static void setup(void)
{
    bus = malloc(sizeof *bus);
    iobus_init(bus);
}

static void teardown(void)
{
    free(bus);
}

/* A device that records its last access. */
struct probe {
    uint16_t port;
    unsigned size;
    uint32_t val;
    int reads, writes;
};

static uint32_t probe_read(void *opaque, uint16_t port, unsigned size)
{
    struct probe *p = opaque;
    p->port = port;
    p->size = size;
    p->reads++;
    return 0x12345678u;
}

static void probe_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct probe *p = opaque;
    p->port = port;
    p->size = size;
    p->val = val;
    p->writes++;
}

START_TEST(unmapped_reads_float_high)
{
    ck_assert_uint_eq(iobus_read(bus, 0x1234, 1), 0xFFu);
    ck_assert_uint_eq(iobus_read(bus, 0x1234, 2), 0xFFFFu);
    ck_assert_uint_eq(iobus_read(bus, 0xFFFF, 4), 0xFFFFFFFFu);
    ck_assert_uint_eq(bus->unmapped_reads, 3);
    ck_assert_uint_eq(bus->unmapped_writes, 0);
    ck_assert_uint_eq(bus->unmapped_distinct, 2);
}
END_TEST

START_TEST(unmapped_writes_counted_per_port)
{
    iobus_write(bus, 0x61, 1, 0x12);
    iobus_write(bus, 0x61, 1, 0x13);
    iobus_write(bus, 0x3F8, 1, 'x');
    (void)iobus_read(bus, 0x61, 1);
    ck_assert_uint_eq(bus->unmapped_writes, 3);
    ck_assert_uint_eq(bus->unmapped_reads, 1);
    ck_assert_uint_eq(bus->unmapped_distinct, 2);
    ck_assert_uint_eq(bus->unmapped_list[0].port, 0x61);
    ck_assert_uint_eq(bus->unmapped_list[0].writes, 2);
    ck_assert_uint_eq(bus->unmapped_list[0].reads, 1);
    ck_assert_uint_eq(bus->unmapped_list[1].port, 0x3F8);
    ck_assert_uint_eq(bus->unmapped_list[1].writes, 1);
}
END_TEST

START_TEST(unmapped_list_is_bounded)
{
    for (unsigned p = 0; p < IOBUS_UNMAPPED_LIST + 10; p++)
        iobus_write(bus, (uint16_t)(0x1000 + p), 1, 0);
    ck_assert_uint_eq(bus->unmapped_distinct, IOBUS_UNMAPPED_LIST + 10);
    ck_assert_uint_eq(bus->unmapped_list[IOBUS_UNMAPPED_LIST - 1].port,
                      0x1000 + IOBUS_UNMAPPED_LIST - 1);
}
END_TEST

START_TEST(routing_by_first_port_with_size)
{
    struct probe p = { 0 };
    ck_assert_int_eq(iobus_register(bus, 0x3F8, 8, probe_read, probe_write, &p, "probe"), 0);
    ck_assert_uint_eq(iobus_read(bus, 0x3FA, 2), 0x5678u);  /* masked to the size */
    ck_assert_uint_eq(p.port, 0x3FA);
    ck_assert_uint_eq(p.size, 2);
    iobus_write(bus, 0x3FF, 1, 0xABCD);                      /* masked to a byte */
    ck_assert_uint_eq(p.val, 0xCD);
    ck_assert_uint_eq(p.port, 0x3FF);
    iobus_write(bus, 0x400, 1, 0);                           /* just past the range */
    ck_assert_int_eq(p.writes, 1);
    ck_assert_uint_eq(bus->unmapped_writes, 1);
    ck_assert_str_eq(iobus_owner_name(bus, 0x3F8), "probe");
    ck_assert_ptr_null(iobus_owner_name(bus, 0x3F7));
}
END_TEST

START_TEST(register_rejects_overlap_and_wrap)
{
    struct probe p = { 0 };
    ck_assert_int_eq(iobus_register(bus, 0x60, 1, probe_read, probe_write, &p, "a"), 0);
    ck_assert_int_eq(iobus_register(bus, 0x5F, 2, probe_read, probe_write, &p, "b"), -1);
    ck_assert_int_eq(iobus_register(bus, 0xFFFF, 2, probe_read, probe_write, &p, "c"), -1);
    ck_assert_int_eq(iobus_register(bus, 0x70, 0, probe_read, probe_write, &p, "d"), -1);
    ck_assert_int_eq(iobus_register(bus, 0xFFFF, 1, probe_read, probe_write, &p, "e"), 0);
    /* The failed registration of 0x5F-0x60 did not claim 0x5F. */
    ck_assert_ptr_null(iobus_owner_name(bus, 0x5F));
}
END_TEST

START_TEST(write_only_device_reads_float)
{
    struct probe p = { 0 };
    ck_assert_int_eq(iobus_register(bus, 0x80, 1, NULL, probe_write, &p, "wo"), 0);
    ck_assert_uint_eq(iobus_read(bus, 0x80, 1), 0xFFu);
    ck_assert_uint_eq(bus->unmapped_reads, 0);  /* owned, so not "unmapped" */
}
END_TEST

struct seen {
    int calls, firsts;
    struct iobus_access last;
};

static void observe(void *opaque, const struct iobus_access *a)
{
    struct seen *s = opaque;
    s->calls++;
    s->firsts += a->first_unmapped;
    s->last = *a;
}

START_TEST(observer_sees_each_access_and_first_unmapped)
{
    struct seen s = { 0 };
    struct probe p = { 0 };
    iobus_register(bus, 0x10, 1, probe_read, probe_write, &p, "probe");
    bus->observer.opaque = &s;
    bus->observer.access = observe;
    iobus_write(bus, 0x20, 1, 1);
    iobus_write(bus, 0x20, 1, 2);
    ck_assert_int_eq(s.firsts, 1);
    ck_assert_ptr_null(s.last.device);
    (void)iobus_read(bus, 0x10, 1);
    ck_assert_int_eq(s.calls, 3);
    ck_assert_str_eq(s.last.device, "probe");
    ck_assert_uint_eq(s.last.value, 0x78);
    ck_assert_int_eq(s.last.is_write, 0);
}
END_TEST

START_TEST(debugcon_writes_bytes_and_reads_e9)
{
    struct debugcon dc;
    char buf[16] = { 0 };
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(debugcon_init(&dc, bus, f), 0);
    iobus_write(bus, 0xE9, 1, 'h');
    iobus_write(bus, 0xE9, 1, 'i');
    iobus_write(bus, 0xE9, 2, 0x0A21);  /* only the low byte reaches 0xE9 */
    ck_assert_uint_eq(iobus_read(bus, 0xE9, 1), 0xE9u);
    ck_assert_uint_eq(iobus_read(bus, 0xE9, 2), 0xFFE9u);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), 3);
    ck_assert_str_eq(buf, "hi!");
    ck_assert_uint_eq(dc.bytes, 3);
    fclose(f);
}
END_TEST

START_TEST(postcode_remembers_last)
{
    struct postcode pc;
    ck_assert_int_eq(postcode_init(&pc, bus), 0);
    ck_assert_uint_eq(pc.writes, 0);
    iobus_write(bus, 0x80, 1, 0x11);
    iobus_write(bus, 0x80, 1, 0x42);
    ck_assert_uint_eq(pc.last, 0x42);
    ck_assert_uint_eq(pc.writes, 2);
    ck_assert_uint_eq(iobus_read(bus, 0x80, 1), 0x42);
}
END_TEST

static void exit_cb(void *opaque, uint32_t value)
{
    *(uint32_t *)opaque = value;
}

START_TEST(exitport_calls_back_with_value)
{
    struct exitport ep;
    uint32_t got = 0xDEAD;
    ck_assert_int_eq(exitport_init(&ep, bus, exit_cb, &got), 0);
    iobus_write(bus, 0xF4, 1, 0x21);
    ck_assert_uint_eq(got, 0x21);
    ck_assert_int_eq(exitport_status(0), 1);
    ck_assert_int_eq(exitport_status(0x21), 0x43);
    ck_assert_int_eq(exitport_status(0x80), 1);  /* only 8 bits survive exit() */
    ck_assert_int_eq(exitport_status(0x7F), 0xFF);
}
END_TEST

static Suite *iobus_suite(void)
{
    Suite *s = suite_create("iobus");
    TCase *tc = tcase_create("bus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unmapped_reads_float_high);
    tcase_add_test(tc, unmapped_writes_counted_per_port);
    tcase_add_test(tc, unmapped_list_is_bounded);
    tcase_add_test(tc, routing_by_first_port_with_size);
    tcase_add_test(tc, register_rejects_overlap_and_wrap);
    tcase_add_test(tc, write_only_device_reads_float);
    tcase_add_test(tc, observer_sees_each_access_and_first_unmapped);
    tcase_add_test(tc, debugcon_writes_bytes_and_reads_e9);
    tcase_add_test(tc, postcode_remembers_last);
    tcase_add_test(tc, exitport_calls_back_with_value);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iobus_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
