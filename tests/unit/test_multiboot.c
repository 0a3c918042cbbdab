/* Multiboot loader and firmware loader: what a good kernel leaves in
 * memory, and that each kind of bad file is refused with a message naming
 * the file and the problem, without touching guest memory.
 * The test kernels are built byte by byte here, so every field is known. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/multiboot.h"
#include "machine/rom_loader.h"
#include "mmu/physmem.h"

#define RAM_MIB 4u
#define KERNEL_PADDR 0x100000u
#define EHDR_SIZE 52u
#define PHDR_OFF 52u
#define MBH_OFF 84u
#define CODE_OFF 116u   /* after a 32-byte header (room for the kludge) */
#define FILE_SIZE 128u
#define BSS_SIZE 0x100u

static struct physmem pm;
static char err[512];

/* What a test kernel looks like; kernel_defaults() gives a good one. */
struct kspec {
    uint8_t class;          /* EI_CLASS */
    uint16_t machine;
    uint16_t type;
    uint32_t paddr, vaddr;
    uint32_t entry;         /* e_entry */
    uint32_t filesz, memsz;
    uint32_t phnum;
    uint32_t mb_magic, mb_flags;
    uint32_t mb_checksum_delta;
    uint32_t kludge[5];     /* header_addr load_addr load_end bss_end entry */
    int elf;                /* 0: leave the ELF header zeroed */
};

static void kernel_defaults(struct kspec *k)
{
    memset(k, 0, sizeof *k);
    k->class = 1;            /* ELFCLASS32 */
    k->machine = 3;          /* EM_386 */
    k->type = 2;             /* ET_EXEC */
    k->paddr = k->vaddr = KERNEL_PADDR;
    k->entry = KERNEL_PADDR + CODE_OFF;
    k->filesz = FILE_SIZE;
    k->memsz = FILE_SIZE + BSS_SIZE;
    k->phnum = 1;
    k->mb_magic = MULTIBOOT_HEADER_MAGIC;
    k->mb_flags = MULTIBOOT_HF_MEMORY_INFO;
    k->elf = 1;
}

static void p16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void p32(uint8_t *p, uint32_t v)
{
    p16(p, v);
    p16(p + 2, v >> 16);
}

static uint32_t g32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void build_kernel(const struct kspec *k, uint8_t *f)
{
    memset(f, 0, FILE_SIZE);
    if (k->elf) {
        memcpy(f, "\177ELF", 4);
        f[4] = k->class;
        f[5] = 1;            /* little-endian */
        f[6] = 1;            /* EV_CURRENT */
        p16(f + 16, k->type);
        p16(f + 18, k->machine);
        p32(f + 20, 1);
        p32(f + 24, k->entry);
        p32(f + 28, PHDR_OFF);
        p16(f + 40, EHDR_SIZE);
        p16(f + 42, 32);
        p16(f + 44, k->phnum);
        p16(f + 46, 40);
        uint8_t *ph = f + PHDR_OFF;
        p32(ph + 0, 1);      /* PT_LOAD */
        p32(ph + 4, 0);      /* p_offset */
        p32(ph + 8, k->vaddr);
        p32(ph + 12, k->paddr);
        p32(ph + 16, k->filesz);
        p32(ph + 20, k->memsz);
        p32(ph + 24, 7);
        p32(ph + 28, 4);
    }
    uint8_t *h = f + MBH_OFF;
    p32(h, k->mb_magic);
    p32(h + 4, k->mb_flags);
    p32(h + 8, (uint32_t)(0u - k->mb_magic - k->mb_flags) + k->mb_checksum_delta);
    for (int i = 0; i < 5; i++)
        p32(h + 12 + 4 * i, k->kludge[i]);
    memcpy(f + CODE_OFF, "\xF4\xEB\xFD" "CODE", 7);  /* hlt; jmp $-1; marker */
}

static int load(const struct kspec *k, size_t size, const char *cmdline,
                struct multiboot_start *st)
{
    uint8_t f[FILE_SIZE];
    build_kernel(k, f);
    return multiboot_load_image(&pm, "kernel.elf", f, size, cmdline, st, err, sizeof err);
}

/* A copy of guest memory at `addr` (RAM is paged, not one host block);
 * four rotating buffers, so a few views can be held at once. */
static const uint8_t *gmem(uint32_t addr)
{
    static uint8_t buf[4][PHYSMEM_PAGE_SIZE];
    static unsigned next;
    uint8_t *b = buf[next++ % 4];
    physmem_read_buf(&pm, addr, b, sizeof buf[0]);
    return b;
}

static void setup(void)
{
    ck_assert_int_eq(physmem_init(&pm, RAM_MIB << 20), 0);
    /* Fill RAM with 0xAA to see what the loader wrote. */
    for (uint32_t a = 0; a < pm.ram_size; a += PHYSMEM_PAGE_SIZE) {
        uint8_t *p = physmem_ram_ptr(&pm, a, PHYSMEM_PAGE_SIZE);
        ck_assert_ptr_nonnull(p);
        memset(p, 0xAA, PHYSMEM_PAGE_SIZE);
    }
    err[0] = 0;
}

static void teardown(void)
{
    physmem_free(&pm);
}

static int ram_untouched(void)
{
    static uint8_t filled[PHYSMEM_PAGE_SIZE];
    memset(filled, 0xAA, sizeof filled);
    for (uint32_t a = 0; a < pm.ram_size; a += PHYSMEM_PAGE_SIZE)
        if (memcmp(physmem_read_page(&pm, a), filled, sizeof filled) != 0)
            return 0;
    return 1;
}

/* The load failed, RAM is as it was, and err is "kernel.elf: ...what...". */
static void assert_rejected(int rc, const char *what)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strncmp(err, "kernel.elf: ", 12) == 0, "message does not name the file: %s",
                  err);
    ck_assert_msg(strstr(err, what) != NULL, "expected '%s' in: %s", what, err);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_msg(ram_untouched(), "guest RAM was written");
}

START_TEST(good_kernel_loads_and_describes_machine)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    ck_assert_int_eq(load(&k, FILE_SIZE, "console=e9 quiet", &st), 0);
    ck_assert_uint_eq(st.entry, KERNEL_PADDR + CODE_OFF);
    ck_assert_uint_eq(st.info_addr, MULTIBOOT_INFO_ADDR);
    ck_assert_uint_eq(st.load_low, KERNEL_PADDR);
    ck_assert_uint_eq(st.load_high, KERNEL_PADDR + FILE_SIZE + BSS_SIZE);

    /* Segment copied, bss zeroed, nothing beyond it touched. */
    ck_assert_int_eq(memcmp(gmem(KERNEL_PADDR + CODE_OFF), "\xF4\xEB\xFD" "CODE", 7), 0);
    for (uint32_t a = FILE_SIZE; a < FILE_SIZE + BSS_SIZE; a++)
        ck_assert_uint_eq(physmem_read8(&pm, KERNEL_PADDR + a), 0);
    ck_assert_uint_eq(physmem_read8(&pm, KERNEL_PADDR + FILE_SIZE + BSS_SIZE), 0xAA);

    const uint8_t *mbi = gmem(MULTIBOOT_INFO_ADDR);
    uint32_t flags = g32(mbi);
    ck_assert(flags & MULTIBOOT_INFO_MEMORY);
    ck_assert(flags & MULTIBOOT_INFO_CMDLINE);
    ck_assert(flags & MULTIBOOT_INFO_MMAP);
    ck_assert_uint_eq(g32(mbi + 4), 640);                 /* mem_lower, KiB */
    ck_assert_uint_eq(g32(mbi + 8), (RAM_MIB - 1) * 1024); /* mem_upper, KiB */
    /* Word 0 is the kernel's path, as GRUB and QEMU pass it. */
    ck_assert_str_eq((const char *)gmem(g32(mbi + 16)), "kernel.elf console=e9 quiet");
    ck_assert_str_eq((const char *)gmem(g32(mbi + 64)), "shadow86");

    /* Memory map: [0, 640K) and [1M, RAM end), both usable (type 1). */
    ck_assert_uint_eq(g32(mbi + 44), 48);
    const uint8_t *e = gmem(g32(mbi + 48));
    ck_assert_uint_eq(g32(e), 20);
    ck_assert_uint_eq(g32(e + 4), 0);
    ck_assert_uint_eq(g32(e + 12), 0xA0000);
    ck_assert_uint_eq(g32(e + 20), 1);
    e += 24;
    ck_assert_uint_eq(g32(e + 4), 0x100000);
    ck_assert_uint_eq(g32(e + 8), 0);
    ck_assert_uint_eq(g32(e + 12), (RAM_MIB - 1) << 20);
    ck_assert_uint_eq(g32(e + 20), 1);
}
END_TEST

START_TEST(no_cmdline_gives_path_alone)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    ck_assert_int_eq(load(&k, FILE_SIZE, NULL, &st), 0);
    ck_assert_str_eq((const char *)gmem(g32(gmem(MULTIBOOT_INFO_ADDR) + 16)), "kernel.elf");
    ck_assert_int_eq(load(&k, FILE_SIZE, "", &st), 0);
    ck_assert_str_eq((const char *)gmem(g32(gmem(MULTIBOOT_INFO_ADDR) + 16)), "kernel.elf");
}
END_TEST

START_TEST(higher_half_entry_is_translated)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.vaddr = 0xC0100000u;
    k.entry = 0xC0100000u + CODE_OFF;
    ck_assert_int_eq(load(&k, FILE_SIZE, NULL, &st), 0);
    ck_assert_uint_eq(st.entry, KERNEL_PADDR + CODE_OFF);
}
END_TEST

START_TEST(aout_kludge_loads_non_elf_image)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.elf = 0;
    k.mb_flags = MULTIBOOT_HF_AOUT_KLUDGE;
    k.kludge[0] = 0x200000u + MBH_OFF;     /* header_addr: file loaded from offset 0 */
    k.kludge[1] = 0x200000u;               /* load_addr */
    k.kludge[2] = 0;                       /* load_end: whole file */
    k.kludge[3] = 0x200000u + 0x1000;      /* bss_end */
    k.kludge[4] = 0x200000u + CODE_OFF;    /* entry */
    ck_assert_int_eq(load(&k, FILE_SIZE, NULL, &st), 0);
    ck_assert_uint_eq(st.entry, 0x200000u + CODE_OFF);
    ck_assert_int_eq(memcmp(gmem(0x200000u + CODE_OFF), "\xF4\xEB\xFD" "CODE", 7), 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x200000u + 0xFFF), 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0x200000u + 0x1000), 0xAA);
}
END_TEST

START_TEST(rejects_empty)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    assert_rejected(load(&k, 0, NULL, &st), "empty");
}
END_TEST

START_TEST(rejects_not_elf)
{
    struct multiboot_start st;
    static const uint8_t text[] = "#!/bin/sh\necho this is not a kernel\n";
    int rc = multiboot_load_image(&pm, "kernel.elf", text, sizeof text, NULL, &st, err,
                                  sizeof err);
    assert_rejected(rc, "not an ELF file");
}
END_TEST

START_TEST(rejects_elf64)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.class = 2;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "not a 32-bit ELF");
}
END_TEST

START_TEST(rejects_other_machine)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.machine = 40;  /* EM_ARM */
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "not an x86");
}
END_TEST

START_TEST(rejects_non_executable)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.type = 1;  /* ET_REL */
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "not an executable");
}
END_TEST

START_TEST(rejects_missing_header)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.mb_magic = 0x12345678u;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "no multiboot header");
}
END_TEST

START_TEST(rejects_bad_checksum)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.mb_checksum_delta = 1;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "bad checksum");
}
END_TEST

START_TEST(rejects_unsupported_required_flag)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.mb_flags |= 1u << 5;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "unsupported");
}
END_TEST

START_TEST(rejects_segment_outside_ram)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.paddr = k.vaddr = (RAM_MIB << 20) - FILE_SIZE;  /* bss runs past the end */
    k.entry = k.vaddr + CODE_OFF;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "outside RAM");
}
END_TEST

START_TEST(rejects_segment_wrapping_4g)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.paddr = k.vaddr = 0xFFFFFF00u;
    k.entry = k.vaddr + CODE_OFF;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "outside RAM");
}
END_TEST

START_TEST(rejects_truncated_segment)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.filesz = FILE_SIZE + 64;
    k.memsz = FILE_SIZE + 64;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "truncated");
}
END_TEST

START_TEST(rejects_truncated_program_headers)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.phnum = 40;  /* 40 * 32 bytes from offset 52: far past the end */
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "program header");
}
END_TEST

START_TEST(rejects_filesz_above_memsz)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.memsz = 16;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "exceeds memory size");
}
END_TEST

START_TEST(rejects_entry_outside_segments)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.entry = 0x300000u;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "entry point");
}
END_TEST

/* The boot information is under no byte of the kernel: [info, end of
 * its command line) is clear of [paddr, paddr + memsz). */
static void assert_info_clear(const struct multiboot_start *st, uint32_t paddr, uint32_t memsz)
{
    uint32_t info = st->info_addr;
    uint32_t cmd = g32(gmem(info) + 16);
    uint32_t end = cmd + (uint32_t)strlen((const char *)gmem(cmd)) + 1;
    ck_assert_uint_le(info, cmd);
    ck_assert_msg(end <= paddr || info >= paddr + memsz,
                  "boot info 0x%x-0x%x overlaps the kernel 0x%x-0x%x", info, end, paddr,
                  paddr + memsz);
    ck_assert_str_eq((const char *)gmem(cmd), "kernel.elf low");
    ck_assert_str_eq((const char *)gmem(g32(gmem(info) + 64)), "shadow86");
}

START_TEST(kernel_over_boot_info_moves_it)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    /* Linked at the usual info address: the info goes to the lowest free
     * page instead. */
    k.paddr = k.vaddr = MULTIBOOT_INFO_ADDR;
    k.entry = k.vaddr + CODE_OFF;
    ck_assert_int_eq(load(&k, FILE_SIZE, "low", &st), 0);
    ck_assert_uint_eq(st.info_addr, MULTIBOOT_INFO_LOW);
    assert_info_clear(&st, k.paddr, k.memsz);

    /* Linked at 0x1000 with bss over 0x9000: the page after the bss. */
    k.paddr = k.vaddr = 0x1000;
    k.entry = k.vaddr + CODE_OFF;
    k.memsz = 0x8900;
    ck_assert_int_eq(load(&k, FILE_SIZE, "low", &st), 0);
    ck_assert_uint_eq(st.info_addr, 0xA000);
    assert_info_clear(&st, k.paddr, k.memsz);
    ck_assert_int_eq(memcmp(gmem(0x1000 + CODE_OFF), "\xF4\xEB\xFD" "CODE", 7), 0);
    for (uint32_t a = FILE_SIZE; a < k.memsz; a += 0x100)
        ck_assert_uint_eq(physmem_read8(&pm, 0x1000 + a), 0);

    /* All of conventional memory taken: above 1 MiB. */
    k.memsz = 0xA0000 - 0x1000;
    ck_assert_int_eq(load(&k, FILE_SIZE, "low", &st), 0);
    ck_assert_uint_eq(st.info_addr, 0x100000);
    assert_info_clear(&st, k.paddr, k.memsz);
}
END_TEST

START_TEST(rejects_kernel_leaving_no_room_for_boot_info)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.paddr = k.vaddr = 0x1000;
    k.entry = k.vaddr + CODE_OFF;
    k.memsz = (RAM_MIB << 20) - 0x1000 - 0x10;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "no free RAM for the boot information");
}
END_TEST

START_TEST(rejects_bad_kludge_addresses)
{
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    k.elf = 0;
    k.mb_flags = MULTIBOOT_HF_AOUT_KLUDGE;
    k.kludge[0] = 0x200000u;            /* header_addr below load_addr */
    k.kludge[1] = 0x200100u;
    k.kludge[4] = 0x200100u;
    assert_rejected(load(&k, FILE_SIZE, NULL, &st), "header_addr");
}
END_TEST

/* File-level errors: the message names the path given. */
static char tmpdir[64];

static void file_setup(void)
{
    setup();
    strcpy(tmpdir, "/tmp/shadow86-mbtest-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void file_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    teardown();
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

START_TEST(file_missing_names_path)
{
    char path[128];
    struct multiboot_start st;
    snprintf(path, sizeof path, "%s/nope.elf", tmpdir);
    ck_assert_int_eq(multiboot_load_file(&pm, path, NULL, &st, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
    ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

START_TEST(file_directory_refused)
{
    struct multiboot_start st;
    ck_assert_int_eq(multiboot_load_file(&pm, tmpdir, NULL, &st, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "is a directory") != NULL, "%s", err);
}
END_TEST

START_TEST(file_good_kernel_loads)
{
    char path[128];
    uint8_t f[FILE_SIZE];
    struct kspec k;
    struct multiboot_start st;
    kernel_defaults(&k);
    build_kernel(&k, f);
    snprintf(path, sizeof path, "%s/k.elf", tmpdir);
    write_file(path, f, sizeof f);
    ck_assert_int_eq(multiboot_load_file(&pm, path, "x", &st, err, sizeof err), 0);
    ck_assert_uint_eq(st.entry, KERNEL_PADDR + CODE_OFF);
}
END_TEST

START_TEST(rom_size_rules)
{
    char path[128];
    static uint8_t img[8192 + 1];
    snprintf(path, sizeof path, "%s/bios.bin", tmpdir);

    write_file(path, img, 0);
    ck_assert_int_eq(rom_load_file(&pm, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, path) == err && strstr(err, "empty"), "%s", err);

    write_file(path, img, 4097);
    ck_assert_int_eq(rom_load_file(&pm, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "multiple of 4 KiB"), "%s", err);

    snprintf(path, sizeof path, "%s/missing.bin", tmpdir);
    ck_assert_int_eq(rom_load_file(&pm, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, path) == err && strstr(err, "No such file"), "%s", err);
    ck_assert_ptr_null(pm.rom);

    snprintf(path, sizeof path, "%s/bios.bin", tmpdir);
    img[8191] = 0x5A;
    write_file(path, img, 8192);
    ck_assert_int_eq(rom_load_file(&pm, path, err, sizeof err), 0);
    ck_assert_uint_eq(physmem_read8(&pm, 0xFFFFFFFFu), 0x5A);  /* ends at 4 GiB */
    ck_assert_uint_eq(physmem_read8(&pm, 0x000FFFFFu), 0x5A);  /* and at 1 MiB */
}
END_TEST

START_TEST(rom_too_large)
{
    char path[128];
    snprintf(path, sizeof path, "%s/big.bin", tmpdir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    /* A sparse 16 MiB + 4 KiB file: no need to write the bytes. */
    ck_assert_int_eq(ftruncate(fileno(f), (16 << 20) + 4096), 0);
    fclose(f);
    ck_assert_int_eq(rom_load_file(&pm, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, path) == err && strstr(err, "too large"), "%s", err);
}
END_TEST

static Suite *multiboot_suite(void)
{
    Suite *s = suite_create("multiboot");
    TCase *tc = tcase_create("image");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, good_kernel_loads_and_describes_machine);
    tcase_add_test(tc, no_cmdline_gives_path_alone);
    tcase_add_test(tc, higher_half_entry_is_translated);
    tcase_add_test(tc, aout_kludge_loads_non_elf_image);
    tcase_add_test(tc, rejects_empty);
    tcase_add_test(tc, rejects_not_elf);
    tcase_add_test(tc, rejects_elf64);
    tcase_add_test(tc, rejects_other_machine);
    tcase_add_test(tc, rejects_non_executable);
    tcase_add_test(tc, rejects_missing_header);
    tcase_add_test(tc, rejects_bad_checksum);
    tcase_add_test(tc, rejects_unsupported_required_flag);
    tcase_add_test(tc, rejects_segment_outside_ram);
    tcase_add_test(tc, rejects_segment_wrapping_4g);
    tcase_add_test(tc, rejects_truncated_segment);
    tcase_add_test(tc, rejects_truncated_program_headers);
    tcase_add_test(tc, rejects_filesz_above_memsz);
    tcase_add_test(tc, rejects_entry_outside_segments);
    tcase_add_test(tc, kernel_over_boot_info_moves_it);
    tcase_add_test(tc, rejects_kernel_leaving_no_room_for_boot_info);
    tcase_add_test(tc, rejects_bad_kludge_addresses);
    suite_add_tcase(s, tc);

    TCase *tf = tcase_create("files");
    tcase_add_checked_fixture(tf, file_setup, file_teardown);
    tcase_add_test(tf, file_missing_names_path);
    tcase_add_test(tf, file_directory_refused);
    tcase_add_test(tf, file_good_kernel_loads);
    tcase_add_test(tf, rom_size_rules);
    tcase_add_test(tf, rom_too_large);
    suite_add_tcase(s, tf);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multiboot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
