/* Command-line parsing: accepted spellings, defaults, and one-line errors
 * for everything malformed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "debug/trace.h"
#include "frontends/cli/options.h"

static struct cli_options o;
static char err[512];

#define ARGV(...) ((char *[]){ "shadow86", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "shadow86", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &o, err, sizeof err)

static void assert_error(int rc, const char *what)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, what) != NULL, "expected '%s' in: %s", what, err);
    ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(defaults)
{
    ck_assert_int_eq(PARSE("-bios", "b.bin"), 0);
    ck_assert_str_eq(o.bios, "b.bin");
    ck_assert_ptr_null(o.kernel);
    ck_assert_uint_eq(o.ram_mib, 128);
    ck_assert_int_eq(o.no_reboot, 0);
    ck_assert_uint_eq(o.trace, 0);
    ck_assert_int_eq(o.stats, 0);
    ck_assert_uint_eq(o.max_insns, 0);
}
END_TEST

START_TEST(all_flags_both_spellings)
{
    ck_assert_int_eq(PARSE("--kernel=k.elf", "-initrd", "rd.gz", "-append", "a b", "--m", "64",
                           "-debugcon=out.txt",
                           "--no-reboot", "-trace", "insn,io", "--trace-file=t.log", "-stats",
                           "--max-insns=1000"),
                     0);
    ck_assert_str_eq(o.kernel, "k.elf");
    ck_assert_str_eq(o.append, "a b");
    ck_assert_str_eq(o.initrd, "rd.gz");
    ck_assert_uint_eq(o.ram_mib, 64);
    ck_assert_str_eq(o.debugcon, "out.txt");
    ck_assert_int_eq(o.no_reboot, 1);
    ck_assert_uint_eq(o.trace, TRACE_INSN | TRACE_IO);
    ck_assert_str_eq(o.trace_file, "t.log");
    ck_assert_int_eq(o.stats, 1);
    ck_assert_uint_eq(o.max_insns, 1000);
}
END_TEST

START_TEST(ram_sizes)
{
    uint32_t mib;
    ck_assert_int_eq(cli_parse_ram_size("1", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 1);
    ck_assert_int_eq(cli_parse_ram_size("256M", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 256);
    ck_assert_int_eq(cli_parse_ram_size("2G", &mib, err, sizeof err), 0);
    ck_assert_uint_eq(mib, 2048);
    ck_assert_int_eq(cli_parse_ram_size("3584", &mib, err, sizeof err), 0);
    assert_error(cli_parse_ram_size("3585", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("4G", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("0", &mib, err, sizeof err), "out of range");
    assert_error(cli_parse_ram_size("99999999999999999999999", &mib, err, sizeof err),
                 "out of range");
    assert_error(cli_parse_ram_size("", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("-5", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("12x", &mib, err, sizeof err), "not a size");
    assert_error(cli_parse_ram_size("lots", &mib, err, sizeof err), "not a size");
    assert_error(PARSE("-bios", "b", "-m", "abc"), "-m: 'abc' is not a size");
}
END_TEST

START_TEST(unknown_option)
{
    assert_error(PARSE("-bios", "b", "-frobnicate"), "unknown option '-frobnicate'");
    ck_assert_msg(strstr(err, "--help") != NULL, "no hint: %s", err);
    assert_error(PARSE("--bogus=3", "-bios", "b"), "unknown option '--bogus'");
}
END_TEST

START_TEST(missing_value)
{
    assert_error(PARSE("-bios"), "option '-bios' needs a value");
    assert_error(PARSE("-kernel", "k", "-m"), "needs a value");
}
END_TEST

START_TEST(value_on_flag)
{
    assert_error(PARSE("-bios", "b", "--stats=yes"), "takes no value");
}
END_TEST

START_TEST(stray_argument)
{
    assert_error(PARSE("-bios", "b", "extra"), "unexpected argument 'extra'");
}
END_TEST

START_TEST(trace_categories)
{
    ck_assert_int_eq(PARSE("-bios", "b", "--trace=unmapped"), 0);
    ck_assert_uint_eq(o.trace, TRACE_UNMAPPED);
    assert_error(PARSE("-bios", "b", "--trace=insn,bogus"), "unknown category 'bogus'");
    assert_error(PARSE("-bios", "b", "--trace="), "empty");
    assert_error(PARSE("-bios", "b", "--trace=insn,"), "unknown category ''");
    assert_error(PARSE("-bios", "b", "--trace-file", "t.log"), "--trace-file needs --trace");
}
END_TEST

START_TEST(needs_bios_or_kernel)
{
    /* Without either, the distribution's SeaBIOS is the firmware. */
    ck_assert_int_eq(PARSE("-m", "64"), 0);
    ck_assert_str_eq(o.bios, CLI_DEFAULT_BIOS);
    ck_assert_int_eq(PARSE("-kernel", "k.elf"), 0);
    ck_assert_ptr_null(o.bios);
}
END_TEST

START_TEST(serial_settings)
{
    ck_assert_int_eq(PARSE("-serial", "file:out.txt", "-serial", "none"), 0);
    ck_assert_int_eq(o.nserial, 2);
    ck_assert_str_eq(o.serial[0], "file:out.txt");
    ck_assert_str_eq(o.serial[1], "none");
    ck_assert_int_eq(PARSE("-nographic"), 0);
    ck_assert_int_eq(o.nserial, 1);
    ck_assert_str_eq(o.serial[0], "stdio");
    ck_assert_int_eq(PARSE("-nographic", "-serial", "file:x"), 0);
    ck_assert_str_eq(o.serial[0], "file:x");   /* an explicit -serial wins */
    assert_error(PARSE("-serial", "tcp:1234"), "-serial: 'tcp:1234' is not stdio, none or file:NAME");
    assert_error(PARSE("-serial", "file:"), "-serial: 'file:'");
    assert_error(PARSE("-serial", "none", "-serial", "none", "-serial", "none"), "at most two");
}
END_TEST

START_TEST(rtc_settings)
{
    ck_assert_int_eq(PARSE("-rtc", "clock=host,base=2000-01-02T03:04:05"), 0);
    ck_assert_int_eq(o.rtc_clock_host, 1);
    ck_assert_int_eq(o.rtc_base_set, 1);
    ck_assert_int_eq(o.rtc_base, 946782245);
    ck_assert_int_eq(PARSE("-rtc", "base=1970-01-01"), 0);
    ck_assert_int_eq(o.rtc_base, 0);
    ck_assert_int_eq(o.rtc_clock_host, 0);
    ck_assert_int_eq(PARSE("-rtc", "base=utc"), 0);
    ck_assert_int_eq(o.rtc_base_utc, 1);
    assert_error(PARSE("-rtc", "base=2000-13-01"), "-rtc: 'base=2000-13-01' is not one of");
    assert_error(PARSE("-rtc", "clock=wall"), "-rtc: 'clock=wall'");
    assert_error(PARSE("-rtc", "base=2000-01-01T25:00:00"), "-rtc:");
}
END_TEST

START_TEST(help_needs_nothing_else)
{
    ck_assert_int_eq(PARSE("--help"), 0);
    ck_assert_int_eq(o.help, 1);
    ck_assert_int_eq(PARSE("-h"), 0);
    ck_assert_int_eq(o.help, 1);
}
END_TEST

START_TEST(max_insns_must_be_positive)
{
    assert_error(PARSE("-bios", "b", "--max-insns", "0"), "not a positive number");
    assert_error(PARSE("-bios", "b", "--max-insns", "ten"), "not a number");
}
END_TEST

static Suite *options_suite(void)
{
    Suite *s = suite_create("cli_options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, all_flags_both_spellings);
    tcase_add_test(tc, ram_sizes);
    tcase_add_test(tc, unknown_option);
    tcase_add_test(tc, missing_value);
    tcase_add_test(tc, value_on_flag);
    tcase_add_test(tc, stray_argument);
    tcase_add_test(tc, trace_categories);
    tcase_add_test(tc, needs_bios_or_kernel);
    tcase_add_test(tc, rtc_settings);
    tcase_add_test(tc, serial_settings);
    tcase_add_test(tc, help_needs_nothing_else);
    tcase_add_test(tc, max_insns_must_be_positive);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(options_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
