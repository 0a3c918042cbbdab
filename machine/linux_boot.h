/* -kernel bzImage: the Linux/x86 boot protocol, 32-bit entry
 * (Documentation/arch/x86/boot.rst, "32-bit boot protocol").
 *
 * No firmware runs on this path: the loader does what a boot loader plus
 * the kernel's real-mode setup code would, and hands the kernel a filled
 * "zero page" (struct boot_params): the setup header copied from the
 * image and completed (loader type, command line, initrd), the e820
 * memory map built from the machine's RAM, and a VGA text console
 * description. The protected-mode part of the image goes to 1 MiB, the
 * initrd as high in RAM as the kernel allows, and the CPU starts at the
 * 32-bit entry in flat protected mode with the boot GDT (__BOOT_CS 0x10,
 * __BOOT_DS 0x18), ESI = zero page, interrupts off.
 *
 * Everything is checked before guest memory is written, and every problem
 * is one line naming the file.
 */
#ifndef SHADOW86_MACHINE_LINUX_BOOT_H
#define SHADOW86_MACHINE_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/physmem.h"

/* Fixed low-memory layout (below the EBDA at 0x9FC00, which the e820 map
 * reserves; Linux keeps the first MiB to itself once it runs). */
#define LINUX_BOOT_GDT_ADDR       0x5000u   /* 4 descriptors */
#define LINUX_BOOT_ZERO_PAGE_ADDR 0x7000u   /* struct boot_params, 4 KiB */
#define LINUX_BOOT_CMDLINE_ADDR   0x20000u
#define LINUX_BOOT_CMDLINE_MAX    0x10000u  /* room reserved for the command line */
#define LINUX_BOOT_KERNEL_ADDR    0x100000u /* protected-mode kernel (code32_start) */

#define LINUX_BOOT_CS 0x10u   /* __BOOT_CS */
#define LINUX_BOOT_DS 0x18u   /* __BOOT_DS */

/* Lowest setup-header version accepted: 2.02 brought cmd_line_ptr (the
 * 32-bit protocol needs it) and the relocatable command line. */
#define LINUX_BOOT_MIN_VERSION 0x0202u

/* Where the e820 map puts the reserved low ranges (the EBDA and the BIOS
 * area, where firmware tables such as ACPI's may live). */
#define LINUX_BOOT_EBDA_START 0x9FC00u

struct linux_boot_start {
    uint32_t entry;        /* EIP: the 32-bit entry */
    uint32_t zero_page;    /* ESI */
    uint32_t gdt_base;     /* GDTR */
    uint16_t gdt_limit;
    uint16_t version;      /* boot protocol version of the image */
    uint32_t initrd_addr;  /* 0 when no initrd */
    uint32_t initrd_size;
};

/* Is this a bzImage (a boot sector with the "HdrS" setup header)? */
int linux_boot_is_bzimage(const uint8_t *image, size_t size);

/* Load `kernel` (named `kname` in messages) with an optional initrd
 * (`initrd` NULL for none, named `iname`) and command line (NULL: empty).
 * Returns 0 with *start filled, or -1 with "<file>: <problem>" in err and
 * guest memory untouched. */
int linux_boot_load(struct physmem *pm, const char *kname, const uint8_t *kernel,
                    size_t ksize, const char *iname, const uint8_t *initrd, size_t isize,
                    const char *cmdline, struct linux_boot_start *start, char *err,
                    size_t errsz);

/* -kernel-boot firmware: the same checks as linux_boot_load (against a
 * machine of `ram` bytes), then the image split the way QEMU's fw_cfg
 * items carry it, for the option ROM roms/linuxboot.asm: the boot sector
 * and real-mode setup (a copy, with vid_mode set from a vga= on the
 * command line) and the protected-mode kernel (pointing into `kernel`).
 * The ROM places them at LINUX_BOOT_FW_SETUP_ADDR, LINUX_BOOT_KERNEL_ADDR
 * and the command line at LINUX_BOOT_CMDLINE_ADDR, and the initrd by the
 * BIOS's memory map. Returns 0, or -1 with "<file>: <problem>" in err. */
#define LINUX_BOOT_FW_SETUP_ADDR 0x10000u   /* a real-mode segment, 64 KiB with its stack */
#define LINUX_BOOT_FW_SETUP_MAX 0x8000u     /* boot.rst: setup is at most 32 KiB */

struct linux_boot_firmware {
    uint8_t setup[LINUX_BOOT_FW_SETUP_MAX];
    uint32_t setup_size;
    const uint8_t *kernel;
    uint32_t kernel_size;
    uint16_t version;
};

int linux_boot_firmware_split(uint32_t ram, const char *kname, const uint8_t *kernel,
                              size_t ksize, const char *iname, const uint8_t *initrd,
                              size_t isize, const char *cmdline, struct linux_boot_firmware *fw,
                              char *err, size_t errsz);

#endif
