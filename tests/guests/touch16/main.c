/* touch16 guest: writes one word in every 4 KiB page of N MiB of RAM
 * starting at 16 MiB (N from the command line: "0" or "16"), reads one
 * word per MiB from 64 MiB to 1 GiB (never-written RAM reads as zero and
 * should cost the host nothing), prints a checksum and exits. Run with
 * -m 1024 by rss_check.sh, which compares the host's peak RSS. */
#include "guest.h"

struct multiboot_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

u32 guest_main(u32 magic, const struct multiboot_info *mbi);
u32 guest_main(u32 magic, const struct multiboot_info *mbi)
{
    if (magic != 0x2BADB002u || !(mbi->flags & 4))
        return 2;
    u32 mib = 0;
    for (const char *p = cmdline_args((const char *)mbi->cmdline); *p >= '0' && *p <= '9'; p++)
        mib = mib * 10 + (u32)(*p - '0');
    u32 sum = 0;
    for (u32 a = 16u << 20; a < (16u + mib) << 20; a += 4096) {
        *(volatile u32 *)a = a;
        sum += *(volatile u32 *)a;
    }
    for (u32 a = 64u << 20; a < (1024u << 20); a += 1u << 20)
        sum += *(volatile u32 *)a;
    puts("touched ");
    putdec64(mib);
    puts(" MiB, checksum ");
    puthex32(sum);
    putc('\n');
    return 0;
}
