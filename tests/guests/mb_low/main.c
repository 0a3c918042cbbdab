/* mb_low guest: a multiboot kernel linked low (0x8000, bss over 0x9000)
 * is loaded, and the boot information, memory map and command line lie
 * outside every byte it occupies; the command line is "path args". */
#define GUEST_NAME "mb_low"
#include "guest_check.h"

extern char image_start[], image_end[];

struct multiboot_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr, config_table, boot_loader_name;
};


/* [a, a + len) is clear of the image. */
static int outside(u32 a, u32 len)
{
    return a + len <= (u32)image_start || a >= (u32)image_end;
}

u32 guest_main(u32 magic, const struct multiboot_info *mbi);
u32 guest_main(u32 magic, const struct multiboot_info *mbi)
{
    puts("mb_low guest\n");
    check(magic == 0x2BADB002u, 1, "multiboot magic", magic);
    check((u32)image_start == 0x8000 && (u32)image_end > 0x9100, 2,
          "image linked at 0x8000 with bss over 0x9000", (u32)image_end);
    check(outside((u32)mbi, 88), 3, "information block outside the image", (u32)mbi);
    check(mbi->flags & (1u << 6), 4, "memory map present", mbi->flags);
    check(outside(mbi->mmap_addr, mbi->mmap_length), 5, "memory map outside the image",
          mbi->mmap_addr);
    check(mbi->flags & (1u << 2), 6, "command line present", mbi->flags);
    const char *cmd = (const char *)mbi->cmdline;
    check(outside(mbi->cmdline, strlen(cmd) + 1), 7, "command line outside the image",
          mbi->cmdline);
    check(outside(mbi->boot_loader_name, 9), 8, "loader name outside the image",
          mbi->boot_loader_name);
    check(strcmp((const char *)mbi->boot_loader_name, "shadow86") == 0, 9, "loader name", 0);
    puts("boot information: clear of the image\n");

    /* Word 0: the kernel's path; then the -append string. */
    size_t w0 = 0;
    while (cmd[w0] && cmd[w0] != ' ')
        w0++;
    check(w0 >= 10 && memcmp(cmd + w0 - 10, "mb_low.elf", 10) == 0, 10,
          "word 0 is the kernel's path", w0);
    puts("args: ");
    puts(cmdline_args(cmd));
    puts("\n");

    if (!failures)
        puts("mb_low: all checks passed\n");
    return failures;
}
