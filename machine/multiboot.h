/* -kernel: load a Multiboot (version 1) kernel and describe the machine to
 * it, the way GRUB would, so it can start without any firmware.
 *
 * The kernel is an ELF32 i386 executable whose PT_LOAD segments go to their
 * physical addresses (p_paddr), or any image whose multiboot header sets
 * the "a.out kludge" flag (bit 16), which gives the load addresses itself.
 * Everything is validated before a byte of guest memory is written.
 */
#ifndef SHADOW86_MACHINE_MULTIBOOT_H
#define SHADOW86_MACHINE_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/physmem.h"

#define MULTIBOOT_HEADER_MAGIC   0x1BADB002u
#define MULTIBOOT_LOADER_MAGIC   0x2BADB002u  /* EAX at entry */
#define MULTIBOOT_SEARCH_BYTES   8192u

/* Header flags (bits 0-15 are requirements: an unknown one means "don't
 * boot me"; bits 16-31 are optional features). */
#define MULTIBOOT_HF_PAGE_ALIGN  0x00000001u  /* modules page aligned */
#define MULTIBOOT_HF_MEMORY_INFO 0x00000002u  /* mem_* fields needed */
#define MULTIBOOT_HF_VIDEO_MODE  0x00000004u  /* video mode wanted */
#define MULTIBOOT_HF_AOUT_KLUDGE 0x00010000u  /* address fields valid */

/* Info-block flags we set. */
#define MULTIBOOT_INFO_MEMORY    0x00000001u
#define MULTIBOOT_INFO_CMDLINE   0x00000004u
#define MULTIBOOT_INFO_MODS      0x00000008u
#define MULTIBOOT_INFO_MMAP      0x00000040u
#define MULTIBOOT_INFO_LOADER    0x00000200u

/* Where the info block, memory map and strings go: conventional memory
 * below the 640 KiB hole and above the real-mode IVT/BDA, where a
 * multiboot kernel usually does not load itself. A kernel that does
 * (linked low, or with its bss there) gets them at the lowest page
 * boundary from MULTIBOOT_INFO_LOW up, in conventional memory or above
 * 1 MiB, that no byte of it covers. */
#define MULTIBOOT_INFO_ADDR      0x9000u
#define MULTIBOOT_INFO_LOW       0x1000u
/* Longest command line, the kernel's path and the -append string. */
#define MULTIBOOT_CMDLINE_MAX    65536u

struct multiboot_start {
    uint32_t entry;       /* physical address to jump to */
    uint32_t info_addr;   /* EBX */
    uint32_t load_low;    /* lowest byte the kernel occupies */
    uint32_t load_high;   /* one past the highest */
};

/* Load the kernel image `name` (its path: used in messages, and word 0
 * of the command line the kernel sees, "name cmdline" as GRUB and QEMU
 * pass it) with the arguments `cmdline` (may be NULL). Returns 0 with *start filled, or -1 with
 * "<name>: <problem>" in err and guest memory untouched. */
int multiboot_load_image(struct physmem *pm, const char *name, const uint8_t *image,
                         size_t size, const char *cmdline, struct multiboot_start *start,
                         char *err, size_t errsz);

int multiboot_load_file(struct physmem *pm, const char *path, const char *cmdline,
                        struct multiboot_start *start, char *err, size_t errsz);

#endif
