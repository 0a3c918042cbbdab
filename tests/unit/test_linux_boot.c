/* Linux boot-protocol loader (machine/linux_boot.c): the zero page, GDT,
 * command line, kernel and initrd a good bzImage gets; each kind of bad
 * kernel or initrd refused with one line naming the file, guest memory
 * untouched; and, in a whole machine, the CPU state at the 32-bit entry
 * with a tiny kernel that reads the zero page through ESI.
 * The bzImages are built byte by byte here, so every field is known. */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS, for the guard page */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/iobus.h"
#include "devices/vga_screen.h"
#include "machine/linux_boot.h"
#include "machine/machine.h"
#include "mmu/physmem.h"

#define RAM_MIB 64u
#define SETUP_SECTS 2u
#define PM_OFF ((SETUP_SECTS + 1) * 512u)
#define PM_SIZE 256u
#define IMG_SIZE (PM_OFF + PM_SIZE)

static struct physmem pm;
static char err[512];
static uint8_t img[IMG_SIZE];

static void p16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void p32(uint8_t *p, uint32_t v) { p16(p, v); p16(p + 2, v >> 16); }
static uint32_t g16(uint32_t a) { return physmem_read8(&pm, a) | physmem_read8(&pm, a + 1) << 8; }
static uint32_t g32(uint32_t a) { return g16(a) | g16(a + 2) << 16; }
static uint64_t g64(uint32_t a) { return g32(a) | (uint64_t)g32(a + 4) << 32; }

/* A protocol-2.15 bzImage: 2 setup sectors, LOADED_HIGH, a header that
 * ends at 0x268 (jump byte 0x66), and PM_SIZE bytes of "kernel". */
static void make_bzimage(uint16_t version)
{
    memset(img, 0, sizeof img);
    img[0x1F1] = SETUP_SECTS;
    p16(img + 0x1FE, 0xAA55);
    img[0x200] = 0xEB;
    img[0x201] = 0x66;
    memcpy(img + 0x202, "HdrS", 4);
    p16(img + 0x206, version);
    img[0x211] = 0x01;                    /* LOADED_HIGH */
    p32(img + 0x214, 0x100000);
    p32(img + 0x22C, 0x37FFFFFF);         /* initrd_addr_max */
    p32(img + 0x238, 2047);               /* cmdline_size */
    p32(img + 0x258, 0x100000);           /* pref_address */
    p32(img + 0x260, 0x200000);           /* init_size: 2 MiB */
    for (unsigned i = 0; i < PM_SIZE; i++)
        img[PM_OFF + i] = (uint8_t)(i * 7 + 1);
}

static void setup(void)
{
    ck_assert_int_eq(physmem_init(&pm, RAM_MIB << 20), 0);
    make_bzimage(0x020F);
    err[0] = 0;
}

static void teardown(void)
{
    physmem_free(&pm);
}

static int load(const uint8_t *initrd, size_t isize, const char *cmdline,
                struct linux_boot_start *st)
{
    return linux_boot_load(&pm, "vmlinuz", img, sizeof img, "initrd.img", initrd, isize,
                           cmdline, st, err, sizeof err);
}

/* Nothing was written: every byte the loader would touch still reads 0. */
static void assert_untouched(void)
{
    for (uint32_t a = 0; a < 0x1000; a += 4)
        ck_assert_uint_eq(g32(LINUX_BOOT_ZERO_PAGE_ADDR + a), 0);
    ck_assert_uint_eq(g32(LINUX_BOOT_KERNEL_ADDR), 0);
    ck_assert_uint_eq(g32(LINUX_BOOT_GDT_ADDR + 0x10), 0);
}

START_TEST(detects_bzimage)
{
    ck_assert(linux_boot_is_bzimage(img, sizeof img));
    ck_assert(!linux_boot_is_bzimage(img, 0x205));
    img[0x202] = 'h';
    ck_assert(!linux_boot_is_bzimage(img, sizeof img));
}
END_TEST

START_TEST(good_kernel_zero_page)
{
    uint8_t rd[5000];
    for (unsigned i = 0; i < sizeof rd; i++)
        rd[i] = (uint8_t)(i ^ 0x5A);
    struct linux_boot_start st;
    ck_assert_msg(load(rd, sizeof rd, "console=ttyS0 quiet", &st) == 0, "%s", err);
    const uint32_t zp = LINUX_BOOT_ZERO_PAGE_ADDR;

    ck_assert_uint_eq(st.entry, 0x100000);
    ck_assert_uint_eq(st.zero_page, zp);
    ck_assert_uint_eq(st.version, 0x020F);
    /* The protected-mode kernel at 1 MiB, byte for byte. */
    for (unsigned i = 0; i < PM_SIZE; i++)
        ck_assert_uint_eq(physmem_read8(&pm, 0x100000 + i), (uint8_t)(i * 7 + 1));
    /* The setup header copied, then completed. */
    ck_assert_uint_eq(g32(zp + 0x202), 0x53726448);   /* "HdrS" */
    ck_assert_uint_eq(g16(zp + 0x206), 0x020F);
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x210), 0xFF);          /* type_of_loader */
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x211), 0x81);          /* LOADED_HIGH|CAN_USE_HEAP */
    ck_assert_uint_eq(g32(zp + 0x214), 0x100000);                     /* code32_start */
    ck_assert_uint_eq(g32(zp + 0x228), LINUX_BOOT_CMDLINE_ADDR);
    ck_assert_uint_eq(g16(zp + 0x1FA), 0xFFFF);                       /* vid_mode */
    ck_assert_uint_eq(g32(zp + 0x260), 0x200000);                     /* init_size kept */
    /* The command line, NUL-terminated. */
    char cl[32];
    for (unsigned i = 0; i < sizeof cl; i++)
        cl[i] = (char)physmem_read8(&pm, LINUX_BOOT_CMDLINE_ADDR + i);
    ck_assert_str_eq(cl, "console=ttyS0 quiet");
    /* The initrd: page aligned, at the top of RAM, below initrd_addr_max. */
    uint32_t rd_addr = g32(zp + 0x218);
    ck_assert_uint_eq(rd_addr, ((RAM_MIB << 20) - sizeof rd) & ~0xFFFu);
    ck_assert_uint_eq(g32(zp + 0x21C), sizeof rd);
    ck_assert_uint_eq(st.initrd_addr, rd_addr);
    for (unsigned i = 0; i < sizeof rd; i++)
        ck_assert_uint_eq(physmem_read8(&pm, rd_addr + i), rd[i]);
    /* e820: low RAM, the reserved EBDA/BIOS area, RAM from 1 MiB. */
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x1E8), 3);
    ck_assert_uint_eq(g64(zp + 0x2D0), 0);
    ck_assert_uint_eq(g64(zp + 0x2D8), 0x9FC00);
    ck_assert_uint_eq(g32(zp + 0x2E0), 1);
    ck_assert_uint_eq(g64(zp + 0x2E4), 0x9FC00);
    ck_assert_uint_eq(g64(zp + 0x2EC), 0x100000 - 0x9FC00);
    ck_assert_uint_eq(g32(zp + 0x2F4), 2);
    ck_assert_uint_eq(g64(zp + 0x2F8), 0x100000);
    ck_assert_uint_eq(g64(zp + 0x300), (RAM_MIB << 20) - 0x100000);
    ck_assert_uint_eq(g32(zp + 0x308), 1);
    /* Memory sizes in KiB above 1 MiB; a VGA colour text console. */
    ck_assert_uint_eq(g16(zp + 0x02), (RAM_MIB - 1) * 1024);
    ck_assert_uint_eq(g32(zp + 0x1E0), (RAM_MIB - 1) * 1024);
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x06), 3);
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x07), 80);
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x0E), 25);
    ck_assert_uint_eq(physmem_read8(&pm, zp + 0x0F), 1);
    /* The boot GDT: flat code at 0x10, flat data at 0x18. */
    ck_assert_uint_eq(st.gdt_base, LINUX_BOOT_GDT_ADDR);
    ck_assert_uint_eq(st.gdt_limit, 31);
    ck_assert_uint_eq(g64(LINUX_BOOT_GDT_ADDR + 0x10), 0x00CF9A000000FFFFull);
    ck_assert_uint_eq(g64(LINUX_BOOT_GDT_ADDR + 0x18), 0x00CF92000000FFFFull);
}
END_TEST

START_TEST(no_initrd_zero_fields)
{
    struct linux_boot_start st;
    ck_assert_msg(load(NULL, 0, NULL, &st) == 0, "%s", err);
    ck_assert_uint_eq(g32(LINUX_BOOT_ZERO_PAGE_ADDR + 0x218), 0);
    ck_assert_uint_eq(g32(LINUX_BOOT_ZERO_PAGE_ADDR + 0x21C), 0);
    ck_assert_uint_eq(physmem_read8(&pm, LINUX_BOOT_CMDLINE_ADDR), 0);
    ck_assert_uint_eq(st.initrd_size, 0);
}
END_TEST

/* initrd_addr_max below the top of RAM caps the initrd's end. */
START_TEST(initrd_below_addr_max)
{
    p32(img + 0x22C, 0x01FFFFFF);
    uint8_t rd[100] = { 1 };
    struct linux_boot_start st;
    ck_assert_msg(load(rd, sizeof rd, "", &st) == 0, "%s", err);
    ck_assert_uint_eq(st.initrd_addr, 0x01FFF000);
}
END_TEST

/* Protocol 2.02: no initrd_addr_max (0x37FFFFFF assumed) and a 255-byte
 * command line. */
START_TEST(old_protocol_cmdline_limit)
{
    make_bzimage(0x0202);
    img[0x201] = 0x30;   /* header ends at 0x232 */
    char cl[300];
    memset(cl, 'a', sizeof cl - 1);
    cl[sizeof cl - 1] = 0;
    struct linux_boot_start st;
    ck_assert_int_eq(load(NULL, 0, cl, &st), -1);
    ck_assert_str_eq(err, "vmlinuz: kernel command line too long (299 bytes, this kernel takes 255)");
    assert_untouched();
    cl[255] = 0;
    ck_assert_msg(load(NULL, 0, cl, &st) == 0, "%s", err);
}
END_TEST

struct bad_case {
    const char *what;
    size_t size;          /* bytes of img passed */
    unsigned off;         /* byte to patch (0: none) */
    uint8_t val;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    { "empty", 0, 0, 0, "vmlinuz: file is empty" },
    { "no HdrS", IMG_SIZE, 0x203, 'x',
      "vmlinuz: not a Linux kernel image (no \"HdrS\" setup header)" },
    { "boot flag", IMG_SIZE, 0x1FF, 0x00,
      "vmlinuz: bad boot sector signature 0x0055 (expected 0xaa55)" },
    { "version 2.01", IMG_SIZE, 0x206, 0x01,
      "vmlinuz: boot protocol 2.01 is too old (2.02 or later needed)" },
    { "zImage", IMG_SIZE, 0x211, 0x00,
      "vmlinuz: not a bzImage: the protected-mode kernel loads low (zImage), which needs the "
      "real-mode setup and a BIOS" },
    { "header past end", 0x240, 0, 0,
      "vmlinuz: truncated or malformed setup header (ends at offset 616)" },
    { "short header", IMG_SIZE, 0x201, 0x10,
      "vmlinuz: truncated or malformed setup header (ends at offset 530)" },
    { "no pm kernel", PM_OFF, 0, 0,
      "vmlinuz: truncated: the setup code takes 1536 bytes, the file has 1536 (no "
      "protected-mode kernel)" },
    { "init_size", IMG_SIZE, 0x263, 0x10,
      "vmlinuz: needs RAM up to 0x10300000 to run, the machine has 64 MiB" },
};

START_TEST(rejects_bad_kernel)
{
    const struct bad_case *c = &bad_cases[_i];
    if (c->off)
        img[c->off] = c->val;
    struct linux_boot_start st;
    int rc = linux_boot_load(&pm, "vmlinuz", img, c->size, "initrd.img", NULL, 0, "x", &st, err,
                             sizeof err);
    ck_assert_msg(rc == -1, "%s accepted", c->what);
    ck_assert_str_eq(err, c->msg);
    ck_assert_ptr_null(strchr(err, '\n'));
    assert_untouched();
}
END_TEST

/* A file that ends inside the setup header, just past "HdrS" (518 or 519
 * bytes: the version field at 0x206 is cut): the check must not read past
 * the end. The bytes sit right before an inaccessible page, so reading one
 * byte too many faults. */
START_TEST(short_file_not_overread)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    ck_assert_ptr_ne(map, MAP_FAILED);
    ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (size_t size = 0x206; size <= 0x207; size++) {
        uint8_t *k = map + pg - size;
        memcpy(k, img, size);
        ck_assert(linux_boot_is_bzimage(k, size));
        struct linux_boot_start st;
        err[0] = 0;
        ck_assert_int_eq(linux_boot_load(&pm, "vmlinuz", k, size, "initrd.img", NULL, 0, "x",
                                         &st, err, sizeof err), -1);
        char want[128];
        snprintf(want, sizeof want, "vmlinuz: truncated setup header (the file has %zu bytes)",
                 size);
        ck_assert_str_eq(err, want);
        assert_untouched();
    }
    munmap(map, (size_t)pg * 2);
}
END_TEST

START_TEST(rejects_bad_initrd)
{
    struct linux_boot_start st;
    uint8_t one = 1;
    ck_assert_int_eq(load(&one, 0, "", &st), -1);
    ck_assert_str_eq(err, "initrd.img: initrd is empty");
    assert_untouched();

    /* Larger than the room between the kernel's 3 MiB and 64 MiB. */
    size_t big = 62u << 20;
    uint8_t *rd = calloc(1, big);
    ck_assert_ptr_nonnull(rd);
    ck_assert_int_eq(load(rd, big, "", &st), -1);
    ck_assert_str_eq(err, "initrd.img: initrd of 65011712 bytes does not fit between the "
                          "kernel (ends 0x300000) and 0x4000000 (RAM 64 MiB)");
    assert_untouched();
    free(rd);
}
END_TEST

START_TEST(rejects_cmdline_over_cmdline_size)
{
    p32(img + 0x238, 10);
    struct linux_boot_start st;
    ck_assert_int_eq(load(NULL, 0, "01234567890", &st), -1);
    ck_assert_str_eq(err, "vmlinuz: kernel command line too long (11 bytes, this kernel takes 10)");
    assert_untouched();
}
END_TEST

/* A whole machine: -kernel picks the Linux loader by the header, and the
 * kernel starts as the 32-bit protocol says. The "kernel" proves it can
 * use what it was given: it loads DS from __BOOT_DS again, reads
 * type_of_loader through ESI and the first command-line byte through
 * cmd_line_ptr, and reports them through the exit port. */
static char tmpdir[64];

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* PCI 00:01.1 config dword 0x40: IDETIM primary (low) and secondary. */
static uint32_t piix_ide_idetim(struct machine *m)
{
    iobus_write(&m->bus, 0xCF8, 4, 0x80000000u | 1u << 11 | 1u << 8 | 0x40);
    return iobus_read(&m->bus, 0xCFC, 4);
}

/* -kernel-boot firmware: the image split for the fw_cfg items (the setup
 * sectors, a copy; the protected-mode part, in place), vid_mode set from
 * the last vga= (number, normal/ext/ask), the same one-line refusals. */
START_TEST(firmware_split)
{
    static struct linux_boot_firmware fw;
    ck_assert_int_eq(linux_boot_firmware_split(RAM_MIB << 20, "vmlinuz", img, sizeof img, NULL,
                                               NULL, 0, "console=ttyS0", &fw, err, sizeof err),
                     0);
    ck_assert_uint_eq(fw.setup_size, PM_OFF);
    ck_assert_int_eq(memcmp(fw.setup, img, PM_OFF), 0);   /* no vga=: untouched */
    ck_assert_ptr_eq(fw.kernel, img + PM_OFF);
    ck_assert_uint_eq(fw.kernel_size, PM_SIZE);
    ck_assert_uint_eq(fw.version, 0x020F);

    static const struct { const char *cmdline; uint16_t mode; } modes[] = {
        { "vga=0x317", 0x317 }, { "quiet vga=791 console=tty0", 791 },
        { "vga=normal", 0xFFFF }, { "vga=ext", 0xFFFE }, { "vga=ask vga=0x318", 0x318 },
        { "vga=010", 8 },
    };
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        ck_assert_int_eq(linux_boot_firmware_split(RAM_MIB << 20, "vmlinuz", img, sizeof img,
                                                   NULL, NULL, 0, modes[i].cmdline, &fw, err,
                                                   sizeof err), 0);
        ck_assert_uint_eq(fw.setup[0x1FA] | fw.setup[0x1FB] << 8, modes[i].mode);
    }
    ck_assert_int_eq(linux_boot_firmware_split(RAM_MIB << 20, "vmlinuz", img, sizeof img, NULL,
                                               NULL, 0, "vga=big", &fw, err, sizeof err), -1);
    ck_assert_str_eq(err, "vmlinuz: kernel command line: vga=big is not a mode number, normal, "
                          "ext or ask");
    /* The direct path's checks hold here too. */
    uint8_t rd[16] = { 1 };
    ck_assert_int_eq(linux_boot_firmware_split(RAM_MIB << 20, "vmlinuz", img, sizeof img,
                                               "initrd.img", rd, 0, "", &fw, err, sizeof err), -1);
    ck_assert_str_eq(err, "initrd.img: initrd is empty");
    img[0x202] = 'X';
    ck_assert_int_eq(linux_boot_firmware_split(RAM_MIB << 20, "vmlinuz", img, sizeof img, NULL,
                                               NULL, 0, "", &fw, err, sizeof err), -1);
    ck_assert_str_eq(err, "vmlinuz: not a Linux kernel image (no \"HdrS\" setup header)");
}
END_TEST

START_TEST(machine_enters_kernel)
{
    static const uint8_t code[] = {
        0xB8, 0x18, 0x00, 0x00, 0x00,   /* mov eax, 0x18 */
        0x8E, 0xD8,                     /* mov ds, ax */
        0x8A, 0x86, 0x10, 0x02, 0x00, 0x00, /* mov al, [esi+0x210] */
        0xE6, 0xF4,                     /* out 0xF4, al (type_of_loader) */
        0x8B, 0x9E, 0x28, 0x02, 0x00, 0x00, /* mov ebx, [esi+0x228] */
        0x8A, 0x03,                     /* mov al, [ebx] */
        0xE6, 0xF4,                     /* out 0xF4, al */
    };
    memcpy(img + PM_OFF, code, sizeof code);
    strcpy(tmpdir, "/tmp/shadow86-lbtest-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char kpath[128], rpath[128];
    snprintf(kpath, sizeof kpath, "%s/bzImage", tmpdir);
    snprintf(rpath, sizeof rpath, "%s/initrd", tmpdir);
    write_file(kpath, img, sizeof img);
    write_file(rpath, "initrd!", 7);

    struct machine_options o = { .ram_mib = 32, .kernel_path = kpath, .initrd_path = rpath,
                                 .cmdline = "Z" };
    struct machine *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(m->cpu->eip, 0x100000);
    ck_assert_uint_eq(m->cpu->regs[REG_ESI], LINUX_BOOT_ZERO_PAGE_ADDR);
    ck_assert_uint_eq(m->cpu->regs[REG_EBP] | m->cpu->regs[REG_EDI] | m->cpu->regs[REG_EBX], 0);
    ck_assert_uint_eq(m->cpu->seg[SEG_CS].sel, 0x10);
    ck_assert_uint_eq(m->cpu->seg[SEG_DS].sel, 0x18);
    ck_assert_uint_eq(m->cpu->seg[SEG_SS].sel, 0x18);
    ck_assert_uint_eq(m->cpu->gdtr.base, LINUX_BOOT_GDT_ADDR);
    ck_assert(m->cpu->cr0 & 1);
    ck_assert_uint_eq(cpu_get_eflags(m->cpu) & 0x200, 0);
    /* The VGA is in the text mode 3 the zero page describes: 80x25,
     * cleared, cursor at the top left. */
    struct vga_text_screen ts;
    ck_assert_int_eq(vga_text_snapshot(&m->vga, &ts), 0);
    ck_assert_uint_eq(ts.cols, 80);
    ck_assert_uint_eq(ts.rows, 25);
    ck_assert_uint_eq(ts.ch[24][79], ' ');
    ck_assert_uint_eq(ts.attr[0][0], 0x07);
    ck_assert(ts.cursor_visible);
    ck_assert_uint_eq(ts.cursor_row, 0);
    ck_assert_uint_eq(ts.cursor_col, 0);
    /* The PIIX IDE function decodes both legacy channels (IDETIM bit 15,
     * config 0x41 and 0x43 bit 7), as firmware leaves it: Linux's
     * ata_piix skips a channel whose bit is clear. Also after a reset. */
    ck_assert_uint_eq(piix_ide_idetim(m), 0x80008000u);
    machine_reset(m);
    ck_assert_uint_eq(piix_ide_idetim(m), 0x80008000u);
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    ck_assert_uint_eq(m->exit_value, 0xFF);
    m->exit_requested = 0;
    ck_assert_int_eq(machine_run(m), MACHINE_STOP_EXIT_PORT);
    ck_assert_uint_eq(m->exit_value, 'Z');
    /* The initrd went where the zero page says. */
    uint32_t rd = m->linux_start.initrd_addr;
    ck_assert_uint_eq(physmem_read8(&m->mem, rd + 6), '!');
    machine_destroy(m);

    /* -initrd with a kernel that is not a bzImage is refused. */
    static const uint8_t junk[64] = { 0x7F, 'E', 'L', 'F' };
    write_file(kpath, junk, sizeof junk);
    ck_assert_int_eq(machine_create(m, &o, err, sizeof err), -1);
    char want[256];
    snprintf(want, sizeof want, "%s: -initrd needs a Linux kernel (bzImage)", kpath);
    ck_assert_str_eq(err, want);
    free(m);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *linux_boot_suite(void)
{
    Suite *s = suite_create("linux_boot");
    TCase *tc = tcase_create("loader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, detects_bzimage);
    tcase_add_test(tc, good_kernel_zero_page);
    tcase_add_test(tc, no_initrd_zero_fields);
    tcase_add_test(tc, initrd_below_addr_max);
    tcase_add_test(tc, old_protocol_cmdline_limit);
    tcase_add_loop_test(tc, rejects_bad_kernel, 0, sizeof bad_cases / sizeof bad_cases[0]);
    tcase_add_test(tc, short_file_not_overread);
    tcase_add_test(tc, rejects_bad_initrd);
    tcase_add_test(tc, rejects_cmdline_over_cmdline_size);
    tcase_add_test(tc, firmware_split);
    tcase_add_test(tc, machine_enters_kernel);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(linux_boot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
