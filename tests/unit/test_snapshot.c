/* Snapshots: a machine running the pc_platform guest (PIT and RTC
 * interrupts, HLT idling, UART, keyboard controller) is saved at several
 * points, restored into a fresh machine, and both are run to the end: the
 * output after the snapshot, the exit, the instruction count, the CPU
 * registers and the clock must be the same. Also: damaged states are
 * refused with a message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/unit/file_rest.h"
#include "machine/snapshot.h"
#include "check_run.h"

#ifndef PC_PLATFORM_ROM
#error "PC_PLATFORM_ROM must name the assembled tests/guests/pc_platform ROM"
#endif

static char err[MACHINE_ERR_MAX];

static struct machine *create(FILE *out, int dbt)
{
    struct machine_options o = {
        .ram_mib = 128,   /* the guest checks the CMOS sizes of 128 MiB */
        .bios_path = PC_PLATFORM_ROM,
        .debugcon_out = out,
        .no_reboot = 1,
        .rtc_base_set = 1,
        .rtc_base = 981173106,   /* 2001-02-03T04:05:06 */
        .no_dbt = !dbt,
    };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    return m;
}

static void save_restore_continue(uint64_t at, int dbt)
{
    FILE *fa = tmpfile(), *fb = tmpfile();
    struct machine *a = create(fa, dbt);
    a->opts.max_insns = at;
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_INSN_LIMIT);
    fflush(fa);
    long mark = ftell(fa);

    struct state_writer w;
    state_writer_init(&w);
    ck_assert_int_eq(machine_save(a, &w), 0);

    struct machine *b = create(fb, dbt);
    ck_assert_msg(machine_load(b, w.buf, w.len, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(machine_insn_total(b), machine_insn_total(a));
    ck_assert_uint_eq(clock_now(&b->clock), clock_now(&a->clock));

    /* Saving the restored machine gives the same bytes. */
    struct state_writer w2;
    state_writer_init(&w2);
    ck_assert_int_eq(machine_save(b, &w2), 0);
    ck_assert_uint_eq(w2.len, w.len);
    ck_assert_int_eq(memcmp(w2.buf, w.buf, w.len), 0);

    a->opts.max_insns = 0;
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_EXIT_PORT);
    ck_assert_int_eq(machine_run(b), MACHINE_STOP_EXIT_PORT);
    ck_assert_uint_eq(a->exit_value, 0);
    ck_assert_uint_eq(b->exit_value, 0);
    ck_assert_uint_eq(machine_insn_total(b), machine_insn_total(a));
    ck_assert_uint_eq(clock_now(&b->clock), clock_now(&a->clock));
    ck_assert_mem_eq(b->cpu->regs, a->cpu->regs, sizeof a->cpu->regs);
    ck_assert_uint_eq(b->cpu->eip, a->cpu->eip);
    ck_assert_uint_eq(cpu_get_eflags(b->cpu), cpu_get_eflags(a->cpu));

    char *ta = rest_of(fa, mark), *tb = rest_of(fb, 0);
    ck_assert_str_eq(tb, ta);
    ck_assert_ptr_nonnull(strstr(ta, "DONE pc_platform"));
    free(ta);
    free(tb);
    state_writer_free(&w);
    state_writer_free(&w2);
    machine_destroy(a);
    machine_destroy(b);
    free(a);
    free(b);
    fclose(fa);
    fclose(fb);
}

/* Points in the PIT idle loop, in the wait for the RTC update, and in
 * the device checks after it (the guest runs about 24,000 instructions). */
static const uint64_t points[] = { 300, 1500, 6000, 12000, 20000, 23000 };

START_TEST(restored_machine_continues_identically)
{
    save_restore_continue(points[_i], 0);
}
END_TEST

START_TEST(restored_machine_continues_identically_dbt)
{
    save_restore_continue(points[_i], 1);
}
END_TEST

/* SeaBIOS mid-boot (no media): saved during POST (before and after PCI
 * set-up, shadowing, VGA BIOS, keyboard init) and in the boot attempts;
 * the copy must write the same log and reach the same reset. */
static struct machine *create_seabios(FILE *log, int dbt)
{
    struct machine_options o = {
        .ram_mib = 64,
        .bios_path = "/usr/share/seabios/bios.bin",
        .seabios_log_out = log,
        .no_reboot = 1,
        .no_dbt = !dbt,
    };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    return m;
}

static const uint64_t seabios_points[] = { 20000, 1500000, 3000000, 5500000 };
/* Both copies run this far past the snapshot (the last point reaches the
 * boot attempts and the reset at about 6.9 M instructions). */
#define SEABIOS_RUN_ON 1500000

START_TEST(seabios_mid_boot)
{
    int dbt = _i & 1;
    uint64_t at = seabios_points[_i / 2];
    FILE *fa = tmpfile(), *fb = tmpfile();
    struct machine *a = create_seabios(fa, dbt);
    a->opts.max_insns = at;
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_INSN_LIMIT);
    fflush(fa);
    long mark = ftell(fa);
    struct state_writer w;
    state_writer_init(&w);
    ck_assert_int_eq(machine_save(a, &w), 0);
    struct machine *b = create_seabios(fb, dbt);
    ck_assert_msg(machine_load(b, w.buf, w.len, err, sizeof err) == 0, "%s", err);
    a->opts.max_insns = at + SEABIOS_RUN_ON;
    b->opts.max_insns = at + SEABIOS_RUN_ON;
    enum machine_stop why = machine_run(a);
    ck_assert_int_eq(machine_run(b), why);
    ck_assert_int_eq(why, _i / 2 == 3 ? MACHINE_STOP_RESET : MACHINE_STOP_INSN_LIMIT);
    ck_assert_uint_eq(machine_insn_total(b), machine_insn_total(a));
    ck_assert_uint_eq(clock_now(&b->clock), clock_now(&a->clock));
    ck_assert_mem_eq(b->cpu->regs, a->cpu->regs, sizeof a->cpu->regs);
    char *ta = rest_of(fa, mark), *tb = rest_of(fb, 0);
    ck_assert_str_eq(tb, ta);
    if (_i / 2 == 3)
        ck_assert_ptr_nonnull(strstr(ta, "No bootable device"));
    free(ta);
    free(tb);
    state_writer_free(&w);
    machine_destroy(a);
    machine_destroy(b);
    free(a);
    free(b);
    fclose(fa);
    fclose(fb);
}
END_TEST

START_TEST(damaged_states_are_refused)
{
    struct machine *a = create(NULL, 0);
    a->opts.max_insns = 5000;
    machine_run(a);
    struct state_writer w;
    state_writer_init(&w);
    ck_assert_int_eq(machine_save(a, &w), 0);
    struct machine *b = create(NULL, 0);
    ck_assert_int_eq(machine_load(b, w.buf, w.len / 2, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "saved state: the ") == err, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    /* An unknown lazy-flags operation is rejected, not used. */
    w.buf[10 + 4 * 10] = 0xEE;   /* the CPU record: a 10-byte header (tag, version, length), then ten u32s */
    machine_destroy(b);
    free(b);
    b = create(NULL, 0);
    ck_assert_int_eq(machine_load(b, w.buf, w.len, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "CPU") != NULL, "%s", err);
    state_writer_free(&w);
    machine_destroy(a);
    machine_destroy(b);
    free(a);
    free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("snapshot");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, restored_machine_continues_identically, 0,
                        (int)(sizeof points / sizeof points[0]));
    tcase_add_loop_test(tc, restored_machine_continues_identically_dbt, 0,
                        (int)(sizeof points / sizeof points[0]));
    tcase_add_test(tc, damaged_states_are_refused);
    tcase_add_loop_test(tc, seabios_mid_boot, 0,
                        2 * (int)(sizeof seabios_points / sizeof seabios_points[0]));
    suite_add_tcase(s, tc);
    return check_run(s);
}
