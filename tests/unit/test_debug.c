/* debug/ parts that need no machine: the JSON writer's escaping and
 * structure, symbol tables from text maps (lookups, extents, errors), and
 * the mmu/block trace printers fed synthetic events. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "debug/json.h"
#include "debug/symbols.h"
#include "debug/trace.h"
#include "mmu/event.h"

static char *slurp(FILE *f)
{
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    return buf;
}

START_TEST(json_escapes_everything)
{
    FILE *f = tmpfile();
    /* quote, backslash, newline, tab, a control byte, valid UTF-8 (é),
     * an invalid byte (0xFF) and a truncated sequence (0xC3 at the end) */
    json_write_escaped(f, "a\"b\\c\nd\te\x01" "f\xc3\xa9g\xffh\xc3");
    char *s = slurp(f);
    ck_assert_str_eq(s, "\"a\\\"b\\\\c\\nd\\te\\u0001f\xc3\xa9g\\ufffdh\\ufffd\"");
    free(s);
    fclose(f);
}
END_TEST

START_TEST(json_structure)
{
    FILE *f = tmpfile();
    struct json_writer w;
    json_init(&w, f);
    json_begin_object(&w, NULL);
    json_u64(&w, "n", 18446744073709551615ull);
    json_begin_array(&w, "list");
    json_i64(&w, NULL, -3);
    json_double(&w, NULL, 1.0 / 0.0);   /* not representable: null */
    json_bool(&w, NULL, 1);
    json_end_array(&w);
    json_begin_object(&w, "empty");
    json_end_object(&w);
    json_string(&w, "k\"ey", "v");
    json_end_object(&w);
    ck_assert_int_eq(json_finish(&w), 0);
    char *s = slurp(f);
    ck_assert_str_eq(s, "{\n  \"n\": 18446744073709551615,\n  \"list\": [\n    -3,\n    null,\n"
                        "    true\n  ],\n  \"empty\": {},\n  \"k\\\"ey\": \"v\"\n}\n");
    free(s);
    fclose(f);

    f = tmpfile();
    json_init(&w, f);
    json_begin_object(&w, NULL);
    ck_assert_int_eq(json_finish(&w), -1);   /* unbalanced */
    fclose(f);
}
END_TEST

static const char map[] =
    "c0100000 T startup_32\n"
    "c0100000 t _text\n"
    "c0100040 T schedule\r\n"
    "00000010 A an_absolute\n"
    "c0100100 t helper\t[mymod]\n"
    "\n";

START_TEST(symbols_from_a_map)
{
    struct symbols s;
    char err[256], buf[64];
    uint32_t a, lo, hi;
    symbols_init(&s);
    ck_assert_int_eq(symbols_load_map_text(&s, map, strlen(map), "System.map", err, sizeof err),
                     4);
    symbols_finish(&s);
    /* At one address the global-looking name wins over "_text". */
    ck_assert_int_eq(symbols_format(&s, 0xc0100000, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "startup_32");
    ck_assert_int_eq(symbols_format(&s, 0xc010007c, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "schedule+0x3c");
    ck_assert_int_eq(symbols_format(&s, 0xc0100104, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "helper+0x4");
    ck_assert_int_eq(symbols_format(&s, 0xbfffffff, buf, sizeof buf), -1);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(symbols_find(&s, "schedule", &a), 0);
    ck_assert_uint_eq(a, 0xc0100040);
    ck_assert_int_eq(symbols_find(&s, "an_absolute", &a), -1);   /* 'A': not a place */
    ck_assert_int_eq(symbols_extent(&s, "schedule", &lo, &hi), 0);
    ck_assert_uint_eq(lo, 0xc0100040);
    ck_assert_uint_eq(hi, 0xc01000ff);   /* up to the next symbol */
    symbols_free(&s);
}
END_TEST

START_TEST(symbols_sized_and_errors)
{
    struct symbols s;
    char err[256], buf[64];
    uint32_t lo, hi;
    symbols_init(&s);
    ck_assert_int_eq(symbols_add(&s, 0x1000, 0x10, "f"), 0);
    ck_assert_int_eq(symbols_format(&s, 0x100f, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "f+0xf");
    ck_assert_int_eq(symbols_format(&s, 0x1010, buf, sizeof buf), -1);   /* past its size */
    ck_assert_int_eq(symbols_extent(&s, "f", &lo, &hi), 0);
    ck_assert_uint_eq(hi, 0x100f);

    const char *bad = "c0100000 T ok\nnot a symbol line\n";
    ck_assert_int_eq(symbols_load_map_text(&s, bad, strlen(bad), "m.map", err, sizeof err), -1);
    ck_assert_str_eq(err, "m.map:2: not a System.map/kallsyms line ('ADDR TYPE NAME')");
    const char *wide = "1c0100000 T too_wide\n";
    ck_assert_int_eq(symbols_load_map_text(&s, wide, strlen(wide), "w.map", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "beyond 32 bits") != NULL, "%s", err);
    ck_assert_int_eq(symbols_load_map_text(&s, "\n\n", 2, "e.map", err, sizeof err), -1);
    ck_assert_str_eq(err, "e.map: no symbols in the map");
    ck_assert_int_eq(symbols_load_elf_mem(&s, "\177ELFxx", 6, "x.elf", err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "x.elf: ", 7) == 0, "%s", err);
    ck_assert_int_eq(symbols_load_file(&s, "/nonexistent/System.map", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "/nonexistent/System.map") == err, "%s", err);
    symbols_free(&s);
}
END_TEST

/* The mmu and block printers, fed synthetic events of each kind. */
START_TEST(mmu_and_block_lines)
{
    static struct cpu cpu;   /* zeroed: icount 0, CPL 0 */
    struct trace t;
    char err[128];
    FILE *f = tmpfile();
    memset(&cpu, 0, sizeof cpu);
    cpu.icount = 42;
    ck_assert_int_eq(trace_open(&t, TRACE_MMU | TRACE_BLOCK, f, err, sizeof err), 0);
    struct mmu_event miss = { .kind = MMU_EV_TLB_MISS, .lin = 0xc0001234, .access = 1 };
    struct mmu_event ref1 = { .kind = MMU_EV_WALK_REF, .stage = 1, .level = 1,
                                  .addr = 0x1000c00, .entry = 0x2003 };
    struct mmu_event ref2a = { .kind = MMU_EV_WALK_REF, .stage = 2, .level = 1,
                                   .lin = 0x1000c00, .addr = 0x004, .entry = MMU_S2_LEAF };
    struct mmu_event ref2b = { .kind = MMU_EV_WALK_REF, .stage = 2, .level = 2,
                                   .lin = 0x1000c00, .addr = 0x000,
                                   .entry = P2M_RAM | (3u << 8) | (PHYSMEM_WATCH_PT << 16) };
    struct mmu_event ref2c = { .kind = MMU_EV_WALK_REF, .stage = 2, .level = 2,
                                   .lin = 0x5234, .addr = 0x005,
                                   .entry = P2M_RAM | (3u << 8) | MMU_S2_RAM_ALLOCATED |
                                            ((PHYSMEM_WATCH_PT | PHYSMEM_WATCH_CODE) << 16) };
    struct mmu_event ad = { .kind = MMU_EV_AD_UPDATE, .stage = 1, .level = 2,
                                .addr = 0x2004, .entry = 0x5067 };
    struct mmu_event done = { .kind = MMU_EV_WALK_DONE, .lin = 0xc0001234, .access = 1,
                                  .level = 2, .addr = 0x5234, .entry = 0x5007 };
    struct mmu_event pf = { .kind = MMU_EV_WALK_FAULT, .lin = 0x10, .level = 1,
                                .entry = 0x6 };
    struct mmu_event hit = { .kind = MMU_EV_SHADOW_HIT, .lin = 0x40001000, .addr = 0x601000 };
    struct mmu_event build = { .kind = MMU_EV_SHADOW_BUILD, .addr = 0x116000 };
    struct mmu_event reuse = { .kind = MMU_EV_SHADOW_REUSE, .addr = 0x117000 };
    struct mmu_event fill = { .kind = MMU_EV_SHADOW_FILL, .lin = 0x40001000,
                                  .addr = 0x601000 };
    struct mmu_event trap = { .kind = MMU_EV_SHADOW_WRTRAP, .addr = 0x113004, .entry = 4 };
    struct mmu_event rs_w = { .kind = MMU_EV_SHADOW_RESYNC, .level = 2, .lin = 0x40001000,
                                  .addr = 0x113000, .entry = MMU_RESYNC_WRITE };
    struct mmu_event rs_i = { .kind = MMU_EV_SHADOW_RESYNC, .level = 2, .lin = 0x40002000,
                                  .addr = 0x116000, .entry = MMU_RESYNC_INVLPG };
    struct mmu_event rs_c = { .kind = MMU_EV_SHADOW_RESYNC, .addr = 0x118000,
                                  .entry = MMU_RESYNC_CR3 };
    struct mmu_event untrack = { .kind = MMU_EV_SHADOW_UNTRACK, .addr = 0x113000 };
    const struct mmu_event *evs[] = { &miss, &ref1, &ref2a, &ref2b, &ref2c, &ad, &done, &pf,
                                          &hit, &build, &reuse, &fill, &trap, &rs_w, &rs_i,
                                          &rs_c, &untrack };
    for (unsigned i = 0; i < sizeof evs / sizeof evs[0]; i++)
        trace_on_mmu(&t, &cpu, evs[i]);
    struct dbt_block_event tr = { .kind = DBT_BLOCK_TRANSLATE, .pa = 0x100000, .lin = 0x100000,
                                  .len = 12, .ninsn = 4 };
    struct dbt_block_event ch = { .kind = DBT_BLOCK_CHAIN, .pa = 0x100000, .to_pa = 0x10000c };
    struct dbt_block_event inv = { .kind = DBT_BLOCK_INVALIDATE, .pa = 0x100000,
                                   .cause = DBT_BLOCK_CAUSE_CODE_WRITE };
    trace_on_block(&t, &cpu, &tr);
    trace_on_block(&t, &cpu, &ch);
    trace_on_block(&t, &cpu, &inv);
    /* Filtered out: the instruction count is past the range. */
    t.filter.insn_to = 41;
    trace_on_block(&t, &cpu, &inv);
    trace_close(&t);
    char *text = slurp(f);
    ck_assert_str_eq(text,
        "42 mmu tlb-miss lin=c0001234 write\n"
        "42 mmu ref stage1 level1 gpa=001000c00 entry=0000000000002003\n"
        "42 mmu   ref stage2 level1 gpa=01000c00 p2m.top[004] leaf\n"
        "42 mmu   ref stage2 level2 gpa=01000c00 p2m.leaf[000] ram rw zero-page watch=pt\n"
        "42 mmu   ref stage2 level2 gpa=00005234 p2m.leaf[005] ram rw watch=code,pt\n"
        "42 mmu ad-update stage1 level2 gpa=000002004 entry=0000000000005067\n"
        "42 mmu walk-done lin=c0001234 write gpa=000005234 level2 entry=0000000000005007\n"
        "42 mmu walk-fault lin=00000010 read level1 #PF error=0006\n"
        "42 mmu shadow-hit lin=40001000 read gpa=000601000\n"
        "42 mmu shadow-build cr3=00116000\n"
        "42 mmu shadow-reuse cr3=00117000\n"
        "42 mmu shadow-fill lin=40001000 gpa=000601000\n"
        "42 mmu shadow-wrtrap gpa=000113004 size=4\n"
        "42 mmu shadow-resync cause=write level2 lin=40001000 table=000113000\n"
        "42 mmu shadow-resync cause=invlpg lin=40002000 cr3=00116000\n"
        "42 mmu shadow-resync cause=cr3 cr3=00118000\n"
        "42 mmu shadow-untrack table=000113000\n"
        "42 block translate pa=00100000 lin=00100000 bytes=12 insns=4\n"
        "42 block chain pa=00100000 -> pa=0010000c\n"
        "42 block invalidate pa=00100000 cause=code-write\n");
    free(text);
    fclose(f);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("debug");
    TCase *tc = tcase_create("parts");
    tcase_add_test(tc, json_escapes_everything);
    tcase_add_test(tc, json_structure);
    tcase_add_test(tc, symbols_from_a_map);
    tcase_add_test(tc, symbols_sized_and_errors);
    tcase_add_test(tc, mmu_and_block_lines);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
