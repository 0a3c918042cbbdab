/* The machine end to end, with tiny hand-assembled guests: how each kind
 * of run ends (exit port, HLT, triple fault, instruction limit), the debug
 * devices' effects, direct multiboot entry state, and two machines living
 * side by side in one process. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug/trace.h"
#include "machine/machine.h"

static char tmpdir[64];
static char err[MACHINE_ERR_MAX];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/shadow86-mtest-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* A 4 KiB ROM: `code` at its start (F000:F000) and, at the reset vector
 * F000:FFF0, "jmp near F000h" (E9 rel16; rel = F000h - FFF3h). */
static const char *write_rom(const char *name, const uint8_t *code, size_t len)
{
    static char path[128];
    uint8_t rom[4096] = { 0 };
    memcpy(rom, code, len);
    rom[0xFF0] = 0xE9;
    rom[0xFF1] = 0x0D;
    rom[0xFF2] = 0xF0;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(rom, 1, sizeof rom, f), sizeof rom);
    fclose(f);
    return path;
}

static const uint8_t rom_hi_exit[] = {
    0xB0, 0x11, 0xE6, 0x80,  /* mov al,11h; out 80h,al */
    0xB0, 'h', 0xE6, 0xE9,   /* mov al,'h'; out 0E9h,al */
    0xB0, 'i', 0xE6, 0xE9,   /* mov al,'i'; out 0E9h,al */
    0xE4, 0x62,              /* in al,62h (nobody there) */
    0xB0, 0x2A, 0xE6, 0xF4,  /* mov al,2Ah; out 0F4h,al */
    0xF4,                    /* hlt (not reached) */
};
static const uint8_t rom_cli_hlt[] = { 0xB0, 0x33, 0xE6, 0x80, 0xFA, 0xF4 };
static const uint8_t rom_sti_hlt[] = { 0xFB, 0xF4 };
static const uint8_t rom_spin[] = { 0xEB, 0xFE };   /* jmp $ */
/* lidt [cs:idt0] with a zero limit, then int3: #GP, #DF, shutdown. */
static const uint8_t rom_triple_fault[] = {
    0x2E, 0x0F, 0x01, 0x1E, 0x08, 0xF0,  /* lidt cs:[0F008h] */
    0xCC, 0x90,                          /* int3; nop */
    0, 0, 0, 0, 0, 0,                    /* idt0 at F008h: limit 0, base 0 */
};

static void options_for_rom(struct machine_options *o, const char *rom, FILE *out)
{
    memset(o, 0, sizeof *o);
    o->ram_mib = 4;
    o->bios_path = rom;
    o->debugcon_out = out;
}

static struct machine *create(const struct machine_options *o)
{
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, o, err, sizeof err) == 0, "%s", err);
    return m;
}

static void destroy(struct machine *m)
{
    machine_destroy(m);
    free(m);
}

static void assert_output(FILE *f, const char *expect)
{
    char buf[64] = { 0 };
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    ck_assert_uint_eq(n, strlen(expect));
    ck_assert_str_eq(buf, expect);
}

/* Read the whole stream back as a string (caller frees). */
static char *slurp(FILE *f)
{
    long n;
    fflush(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    return buf;
}

START_TEST(exit_port_ends_run)
{
    struct machine_options o;
    FILE *out = tmpfile();
    options_for_rom(&o, write_rom("hi.bin", rom_hi_exit, sizeof rom_hi_exit), out);
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    ck_assert_uint_eq(m->exit_value, 0x2A);
    ck_assert_int_eq(exitport_status(m->exit_value), 0x55);
    assert_output(out, "hi");
    ck_assert_uint_eq(m->postcode.last, 0x11);
    ck_assert_uint_eq(m->bus.unmapped_reads, 1);
    ck_assert_uint_eq(m->bus.unmapped_list[0].port, 0x62);
    /* jmp + 9 instructions up to and including the OUT to 0F4h. */
    ck_assert_uint_eq(machine_insn_total(m), 10);
    destroy(m);
    fclose(out);
}
END_TEST

START_TEST(hlt_with_if0_is_final)
{
    struct machine_options o;
    options_for_rom(&o, write_rom("h.bin", rom_cli_hlt, sizeof rom_cli_hlt), NULL);
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_HALTED);
    ck_assert_int_eq(m->cpu->halted, 1);
    ck_assert_uint_eq(m->postcode.last, 0x33);
    ck_assert_uint_eq(m->postcode.writes, 1);
    destroy(m);
}
END_TEST

START_TEST(hlt_with_if1_is_final_without_interrupt_sources)
{
    struct machine_options o;
    options_for_rom(&o, write_rom("h.bin", rom_sti_hlt, sizeof rom_sti_hlt), NULL);
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_HALTED);
    ck_assert(cpu_get_eflags(m->cpu) & EFLAGS_IF);
    destroy(m);
}
END_TEST

START_TEST(instruction_limit)
{
    struct machine_options o;
    options_for_rom(&o, write_rom("s.bin", rom_spin, sizeof rom_spin), NULL);
    o.max_insns = 12345;
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_INSN_LIMIT);
    ck_assert_uint_eq(machine_insn_total(m), 12345);
    destroy(m);
}
END_TEST

START_TEST(triple_fault_no_reboot)
{
    struct machine_options o;
    options_for_rom(&o, write_rom("tf.bin", rom_triple_fault, sizeof rom_triple_fault), NULL);
    o.no_reboot = 1;
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_SHUTDOWN);
    ck_assert_uint_eq(m->resets, 0);
    ck_assert_int_eq(m->cpu->fault_chain[0], VEC_GP);  /* int3 past the IDT limit */
    destroy(m);
}
END_TEST

START_TEST(triple_fault_resets_and_keeps_counting)
{
    struct machine_options o;
    options_for_rom(&o, write_rom("tf.bin", rom_triple_fault, sizeof rom_triple_fault), NULL);
    o.max_insns = 1000;
    struct machine *m = create(&o);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_INSN_LIMIT);
    /* Each pass retires jmp and lidt, then int3 faults: 2 per reset. */
    ck_assert_uint_ge(m->resets, 400);
    ck_assert_uint_eq(machine_insn_total(m), 1000);
    destroy(m);
}
END_TEST

START_TEST(two_machines_are_independent)
{
    struct machine_options o1, o2;
    FILE *out1 = tmpfile(), *out2 = tmpfile();
    options_for_rom(&o1, write_rom("a.bin", rom_hi_exit, sizeof rom_hi_exit), out1);
    struct machine *a = create(&o1);
    options_for_rom(&o2, write_rom("b.bin", rom_cli_hlt, sizeof rom_cli_hlt), out2);
    struct machine *b = create(&o2);
    ck_assert_int_eq(machine_run(b), MACHINE_STOP_HALTED);
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_EXIT_PORT);
    assert_output(out1, "hi");
    assert_output(out2, "");
    ck_assert_uint_eq(a->postcode.last, 0x11);
    ck_assert_uint_eq(b->postcode.last, 0x33);
    ck_assert_uint_eq(b->bus.unmapped_reads, 0);
    destroy(a);
    destroy(b);
    fclose(out1);
    fclose(out2);
}
END_TEST

/* A raw multiboot image with the a.out kludge: header at 0, code at 32,
 * loaded at 2 MiB. The code is "out 0F4h,al": AL holds the low byte of
 * the loader magic. */
START_TEST(multiboot_entry_state)
{
    uint8_t img[64] = { 0 };
    uint32_t w[8] = { MULTIBOOT_HEADER_MAGIC, MULTIBOOT_HF_AOUT_KLUDGE, 0,
                      0x200000, 0x200000, 0, 0x201000, 0x200020 };
    w[2] = 0u - w[0] - w[1];
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 4; b++)
            img[4 * i + b] = (uint8_t)(w[i] >> (8 * b));
    img[32] = 0xE6;
    img[33] = 0xF4;

    char path[128];
    snprintf(path, sizeof path, "%s/k.bin", tmpdir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(img, 1, sizeof img, f);
    fclose(f);

    struct machine_options o = { .ram_mib = 8, .kernel_path = path, .cmdline = "x=1" };
    struct machine *m = create(&o);
    ck_assert_uint_eq(m->cpu->eip, 0x200020);
    ck_assert_uint_eq(m->cpu->regs[REG_EAX], MULTIBOOT_LOADER_MAGIC);
    ck_assert_uint_eq(m->cpu->regs[REG_EBX], MULTIBOOT_INFO_ADDR);
    ck_assert(m->cpu->cr0 & CR0_PE);
    ck_assert(m->cpu->seg[SEG_CS].attr & SEG_ATTR_DB);
    ck_assert_uint_eq(cpu_get_eflags(m->cpu) & EFLAGS_IF, 0);
    struct trace t;
    FILE *tf = tmpfile();
    ck_assert_int_eq(trace_open(&t, TRACE_INSN | TRACE_IO, tf, err, sizeof err), 0);
    trace_attach(&t, m->cpu, &m->bus);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    trace_close(&t);
    char *text = slurp(tf);
    ck_assert_str_eq(text, "0 0008:00200020 out port 00f4 size 1 <- 02 (exitport)\n"
                           "0 r0 0008:00200020 @00200020 e6f4             out 0xf4, al\n");
    free(text);
    fclose(tf);
    ck_assert_uint_eq(m->exit_value, 0x02);
    ck_assert_uint_eq(machine_insn_total(m), 1);
    destroy(m);
}
END_TEST

START_TEST(trace_lines_real_mode)
{
    struct machine_options o;
    struct trace t;
    FILE *tf = tmpfile();
    options_for_rom(&o, write_rom("hi.bin", rom_hi_exit, sizeof rom_hi_exit), NULL);
    struct machine *m = create(&o);
    ck_assert_int_eq(trace_open(&t, TRACE_INSN | TRACE_UNMAPPED, tf, err, sizeof err), 0);
    trace_attach(&t, m->cpu, &m->bus);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    trace_close(&t);
    char *text = slurp(tf);
    /* index, CPL, CS:EIP, linear, bytes, 16-bit disassembly; no changes,
     * no padding */
    ck_assert_msg(strstr(text, "0 r0 f000:0000fff0 @fffffff0 e90df0           jmp 0xf000\n") == text, "%s", text);
    ck_assert_msg(strstr(text, "\n1 r0 f000:0000f000 @fffff000 b011             mov al, 0x11") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "mov al, 0x11                         eax=00000011\n") != NULL,
                  "%s", text);
    /* the unmapped read is reported once, before its instruction's line */
    ck_assert_msg(strstr(text, "7 f000:0000f00c in port 0062 size 1 -> ff (unmapped) first access\n"
                               "7 r0 f000:0000f00c @fffff00c e462             in al, 0x62 ") != NULL, "%s", text);
    ck_assert_ptr_null(strstr(text, "(debugcon)"));  /* io category is off */
    free(text);
    destroy(m);
    fclose(tf);
}
END_TEST

START_TEST(create_rejects_bad_setups)
{
    struct machine m;
    struct machine_options o = { .ram_mib = 4 };
    ck_assert_int_eq(machine_create(&m, &o, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "-bios FILE") != NULL, "%s", err);

    o.bios_path = "/nonexistent/bios.bin";
    ck_assert_int_eq(machine_create(&m, &o, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "/nonexistent/bios.bin: ") == err, "%s", err);

    o.ram_mib = 0;
    ck_assert_int_eq(machine_create(&m, &o, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "out of range") != NULL, "%s", err);

    /* -bios with -kernel is the firmware path, and must be asked for;
     * the firmware path needs a firmware image. */
    o.ram_mib = 4;
    o.kernel_path = "k";
    ck_assert_int_eq(machine_create(&m, &o, err, sizeof err), -1);
    ck_assert_str_eq(err, "-bios with -kernel boots through the firmware: add -kernel-boot firmware");
    o.bios_path = NULL;
    o.kernel_boot = MACHINE_KERNEL_BOOT_FIRMWARE;
    ck_assert_int_eq(machine_create(&m, &o, err, sizeof err), -1);
    ck_assert_str_eq(err, "-kernel-boot firmware needs a firmware image (-bios FILE)");
}
END_TEST

static Suite *machine_suite(void)
{
    Suite *s = suite_create("machine");
    TCase *tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exit_port_ends_run);
    tcase_add_test(tc, hlt_with_if0_is_final);
    tcase_add_test(tc, hlt_with_if1_is_final_without_interrupt_sources);
    tcase_add_test(tc, instruction_limit);
    tcase_add_test(tc, triple_fault_no_reboot);
    tcase_add_test(tc, triple_fault_resets_and_keeps_counting);
    tcase_add_test(tc, two_machines_are_independent);
    tcase_add_test(tc, multiboot_entry_state);
    tcase_add_test(tc, create_rejects_bad_setups);
    tcase_add_test(tc, trace_lines_real_mode);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(machine_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
