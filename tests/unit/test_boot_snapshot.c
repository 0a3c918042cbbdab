/* Snapshots through a whole SeaBIOS disk boot: the boot_disk guest
 * (tests/guests/boot_disk) on a -snapshot image is saved at points in
 * SeaBIOS's POST, in the VGA BIOS, and in the middle of the guest's INT
 * 13h reads and writes; the state is restored into a fresh machine and
 * both run to the end. Output after the snapshot, exit, instruction
 * count, registers, the text screen and the disk overlay must agree --
 * so PCI, PAM, IDE transfers in progress, the VGA and the overlay all
 * round-trip. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/vga_screen.h"
#include "machine/machine.h"
#include "tests/unit/file_rest.h"
#include "machine/snapshot.h"

#ifndef BOOT_DISK_BIN
#error "BOOT_DISK_BIN must name the assembled tests/guests boot_disk.bin"
#endif
#ifndef MKDISK
#error "MKDISK must name the mkdisk tool"
#endif
#define SEABIOS "/usr/share/seabios/bios-256k.bin"

static char err[MACHINE_ERR_MAX];
static char image[64];

/* The image is made once, in main(), and shared by the forked tests:
 * they all use -snapshot, so none changes it. Returns 0 or -1. */
static int make_image(void)
{
    char cmd[512];
    strcpy(image, "/tmp/shadow86-bootsnap-XXXXXX");
    int fd = mkstemp(image);
    if (fd < 0)
        return -1;
    close(fd);
    snprintf(cmd, sizeof cmd, "%s %s 4194304 %s", MKDISK, image, BOOT_DISK_BIN);
    if (access(SEABIOS, R_OK) != 0) {
        fprintf(stderr, "test_boot_snapshot: %s is missing: run scripts/setup.sh\n", SEABIOS);
        return -1;
    }
    return system(cmd) == 0 ? 0 : -1;
}

static struct machine *create(FILE *out)
{
    struct machine_options o = {
        .ram_mib = 64,
        .bios_path = SEABIOS,
        .debugcon_out = out,
        .no_reboot = 1,
        .hd_paths = { image },
        .snapshot = 1,
    };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    return m;
}

/* A whole run retires about 6.5 M instructions, nearly all in SeaBIOS
 * and the VGA BIOS; the guest's own INT 13h and INT 10h work is the last
 * ~110,000. Points: fractions of the run (POST, VGA BIOS, boot menu
 * wait), then instruction counts before the end (inside the guest).
 * Each point costs two boots (about 8 s under AddressSanitizer); the
 * length of a whole run is measured once, in main(), before the forks. */
static const double fractions[] = { 0.5 };
static const uint64_t before_end[] = { 60000, 20000, 8000 };
#define NPOINTS (sizeof fractions / sizeof fractions[0] + sizeof before_end / sizeof before_end[0])

static uint64_t total;   /* instructions of a whole run (set in main) */

START_TEST(boot_survives_snapshot)
{
    ck_assert_uint_gt(total, before_end[0]);
    size_t nf = sizeof fractions / sizeof fractions[0];
    uint64_t at = (size_t)_i < nf ? (uint64_t)((double)total * fractions[_i])
                                  : total - before_end[_i - (int)nf];
    FILE *fa = tmpfile(), *fb = tmpfile();
    struct machine *a = create(fa);
    a->opts.max_insns = at;
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_INSN_LIMIT);
    fflush(fa);
    long mark = ftell(fa);
    struct state_writer w;
    state_writer_init(&w);
    ck_assert_int_eq(machine_save(a, &w), 0);

    struct machine *b = create(fb);
    ck_assert_msg(machine_load(b, w.buf, w.len, err, sizeof err) == 0, "%s", err);
    a->opts.max_insns = 0;
    ck_assert_int_eq(machine_run(a), MACHINE_STOP_EXIT_PORT);
    ck_assert_int_eq(machine_run(b), MACHINE_STOP_EXIT_PORT);
    ck_assert_uint_eq(a->exit_value, 0);
    ck_assert_uint_eq(b->exit_value, 0);
    ck_assert_uint_eq(machine_insn_total(b), machine_insn_total(a));
    ck_assert_mem_eq(b->cpu->regs, a->cpu->regs, sizeof a->cpu->regs);

    char *ta = rest_of(fa, mark), *tb = rest_of(fb, 0);
    ck_assert_str_eq(tb, ta);
    free(ta);
    free(tb);
    ta = rest_of(fa, 0);
    ck_assert_ptr_nonnull(strstr(ta, "boot_disk: all checks passed"));
    free(ta);

    struct vga_text_screen *sa = malloc(sizeof *sa), *sb = malloc(sizeof *sb);
    ck_assert_int_eq(vga_text_snapshot(&a->vga, sa), 0);
    ck_assert_int_eq(vga_text_snapshot(&b->vga, sb), 0);
    ck_assert_int_eq(memcmp(sa, sb, sizeof *sa), 0);
    /* The sectors the guest wrote live in both overlays alike. */
    uint8_t da[512], db[512];
    ck_assert_int_eq(blockdev_read(&a->media[0], 2000, 1, da), 0);
    ck_assert_int_eq(blockdev_read(&b->media[0], 2000, 1, db), 0);
    ck_assert_int_eq(memcmp(da, "WRIT", 4), 0);
    ck_assert_int_eq(memcmp(da, db, 512), 0);
    free(sa);
    free(sb);
    state_writer_free(&w);
    machine_destroy(a);
    machine_destroy(b);
    free(a);
    free(b);
    fclose(fa);
    fclose(fb);
}
END_TEST

/* The VGA BIOS loads its 8x16 font into plane 2 at 32 bytes per
 * character for text mode 3 (IBM VGA TR, "Character Map Select"): 'A' is
 * the familiar IBM glyph. Checked after a full boot. */
START_TEST(vga_bios_loaded_the_font)
{
    static const uint8_t glyph_A[16] = { 0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE,
                                         0xC6, 0xC6, 0xC6, 0xC6, 0x00, 0x00, 0x00, 0x00 };
    struct machine *m = create(NULL);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    const uint8_t *vram = m->vga.vram;
    for (unsigned line = 0; line < 16; line++)
        ck_assert_msg(vram[('A' * 32 + line) * 4 + 2] == glyph_A[line],
                      "font line %u of 'A': %02X, want %02X", line,
                      vram[('A' * 32 + line) * 4 + 2], glyph_A[line]);
    /* The screen is mode 3: 80x25 with the guest's last line on it. */
    struct vga_text_screen *t = malloc(sizeof *t);
    ck_assert_int_eq(vga_text_snapshot(&m->vga, t), 0);
    ck_assert_uint_eq(t->cols, 80);
    ck_assert_uint_eq(t->rows, 25);
    ck_assert_int_eq(memcmp(t->ch[1], "boot_disk: all checks passed", 28), 0);
    ck_assert_uint_eq(t->attr[1][0], 0x07);
    free(t);
    machine_destroy(m);
    free(m);
}
END_TEST

/* One whole boot outside Check's forks: its length places the points,
 * and a failure here is reported as such. */
static uint64_t whole_run(void)
{
    struct machine *m = malloc(sizeof *m);
    struct machine_options o = {
        .ram_mib = 64, .bios_path = SEABIOS, .no_reboot = 1,
        .hd_paths = { image }, .snapshot = 1,
    };
    uint64_t n = 0;
    if (m && machine_create(m, &o, err, sizeof err) == 0) {
        if (machine_run(m) == MACHINE_STOP_EXIT_PORT && m->exit_value == 0)
            n = machine_insn_total(m);
        machine_destroy(m);
    } else {
        fprintf(stderr, "test_boot_snapshot: %s\n", err);
    }
    free(m);
    return n;
}

int main(void)
{
    if (make_image() == 0)
        total = whole_run();
    if (!total)
        fprintf(stderr, "test_boot_snapshot: the boot_disk guest did not pass on its own\n");
    Suite *s = suite_create("boot_snapshot");
    TCase *tc = tcase_create("boot");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, boot_survives_snapshot, 0, (int)NPOINTS);
    tcase_add_test(tc, vga_bios_loaded_the_font);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    unlink(image);
    return failed || !total ? EXIT_FAILURE : EXIT_SUCCESS;
}
