#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "machine/image_file.h"
#include "machine/linux_boot.h"

/* Offsets in the boot sector / zero page (boot.rst "THE REAL-MODE KERNEL
 * HEADER" and arch/x86/include/uapi/asm/bootparam.h, which fix the
 * layout as ABI). The setup header sits at the same offsets in the image's
 * first sector and in struct boot_params. */
enum {
    /* struct screen_info, at 0 */
    ZP_ORIG_X = 0x00, ZP_ORIG_Y = 0x01, ZP_EXT_MEM_K = 0x02, ZP_ORIG_VIDEO_PAGE = 0x04,
    ZP_ORIG_VIDEO_MODE = 0x06, ZP_ORIG_VIDEO_COLS = 0x07, ZP_ORIG_VIDEO_EGA_BX = 0x0A,
    ZP_ORIG_VIDEO_LINES = 0x0E, ZP_ORIG_VIDEO_ISVGA = 0x0F, ZP_ORIG_VIDEO_POINTS = 0x10,
    ZP_ALT_MEM_K = 0x1E0,
    ZP_E820_ENTRIES = 0x1E8,
    ZP_E820_TABLE = 0x2D0,
    ZP_E820_MAX = 128,
    ZP_SIZE = 0x1000,
    /* struct setup_header */
    HDR_START = 0x1F1,
    HDR_SETUP_SECTS = 0x1F1,
    HDR_VID_MODE = 0x1FA,
    HDR_BOOT_FLAG = 0x1FE,
    HDR_JUMP = 0x200,          /* its second byte gives the header's length */
    HDR_MAGIC = 0x202,
    HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210,
    HDR_LOADFLAGS = 0x211,
    HDR_CODE32_START = 0x214,
    HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21C,
    HDR_HEAP_END_PTR = 0x224,
    HDR_CMD_LINE_PTR = 0x228,
    HDR_INITRD_ADDR_MAX = 0x22C,
    HDR_CMDLINE_SIZE = 0x238,
    HDR_PREF_ADDRESS = 0x258,
    HDR_INIT_SIZE = 0x260,
};

#define LOADFLAG_LOADED_HIGH  0x01u
#define LOADFLAG_CAN_USE_HEAP 0x80u
#define LOADER_TYPE_UNDEFINED 0xFFu   /* boot.rst: "0xFF: undefined" */

#define E820_RAM 1u
#define E820_RESERVED 2u


int linux_boot_is_bzimage(const uint8_t *image, size_t size)
{
    return size >= HDR_MAGIC + 4 && memcmp(image + HDR_MAGIC, "HdrS", 4) == 0;
}

static unsigned add_e820(uint8_t *zp, unsigned n, uint64_t base, uint64_t len, uint32_t type)
{
    uint8_t *e = zp + ZP_E820_TABLE + 20 * n;
    le64_store(e, base);
    le64_store(e + 8, len);
    le32_store(e + 16, type);
    return n + 1;
}

/* The machine's memory map as a BIOS's INT 15h E820 would give it: low RAM
 * up to the EBDA, the EBDA and the video/ROM/BIOS area reserved (firmware
 * tables live there and must not become RAM), and RAM from 1 MiB to the
 * top of guest RAM. */
static void build_e820(const struct physmem *pm, uint8_t *zp)
{
    unsigned n = 0;
    uint32_t ram = pm->ram_size;
    uint32_t low = ram < LINUX_BOOT_EBDA_START ? ram : LINUX_BOOT_EBDA_START;
    n = add_e820(zp, n, 0, low, E820_RAM);
    n = add_e820(zp, n, LINUX_BOOT_EBDA_START, 0x100000u - LINUX_BOOT_EBDA_START, E820_RESERVED);
    if (ram > 0x100000u)
        n = add_e820(zp, n, 0x100000u, ram - 0x100000u, E820_RAM);
    zp[ZP_E820_ENTRIES] = (uint8_t)n;
}

/* A VGA colour text console in mode 3 (80x25, 8x16 font, page 0), the
 * cursor at the top: what vgacon reads to take the screen over. */
static void build_screen_info(uint8_t *zp)
{
    zp[ZP_ORIG_X] = 0;
    zp[ZP_ORIG_Y] = 0;
    le16_store(zp + ZP_ORIG_VIDEO_PAGE, 0);
    zp[ZP_ORIG_VIDEO_MODE] = 3;
    zp[ZP_ORIG_VIDEO_COLS] = 80;
    le16_store(zp + ZP_ORIG_VIDEO_EGA_BX, 0);   /* not 0x10: not a mono EGA */
    zp[ZP_ORIG_VIDEO_LINES] = 25;
    zp[ZP_ORIG_VIDEO_ISVGA] = 1;            /* VIDEO_TYPE_VGAC */
    le16_store(zp + ZP_ORIG_VIDEO_POINTS, 16);
}

static int check_kernel(const char *name, const uint8_t *k, size_t ksize, uint32_t *pm_off,
                        char *err, size_t errsz)
{
    if (ksize == 0) {
        image_error(err, errsz, name, "file is empty");
        return -1;
    }
    if (!linux_boot_is_bzimage(k, ksize)) {
        image_error(err, errsz, name, "not a Linux kernel image (no \"HdrS\" setup header)");
        return -1;
    }
    if (le16_load(k + HDR_BOOT_FLAG) != 0xAA55) {
        image_error(err, errsz, name, "bad boot sector signature 0x%04x (expected 0xaa55)",
                 le16_load(k + HDR_BOOT_FLAG));
        return -1;
    }
    /* "HdrS" fits in 518 bytes, the version after it does not: a file
     * cut there must not be read past its end. */
    if (ksize < HDR_VERSION + 2) {
        image_error(err, errsz, name, "truncated setup header (the file has %zu bytes)", ksize);
        return -1;
    }
    uint16_t version = le16_load(k + HDR_VERSION);
    if (version < LINUX_BOOT_MIN_VERSION) {
        image_error(err, errsz, name, "boot protocol %u.%02u is too old (2.02 or later needed)",
                 version >> 8, version & 0xFF);
        return -1;
    }
    size_t hdr_end = HDR_MAGIC + (size_t)k[HDR_JUMP + 1];
    if (hdr_end > ksize || hdr_end < HDR_CMD_LINE_PTR + 4) {
        image_error(err, errsz, name, "truncated or malformed setup header (ends at offset %zu)",
                 hdr_end);
        return -1;
    }
    if (!(k[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
        image_error(err, errsz, name,
                 "not a bzImage: the protected-mode kernel loads low (zImage), which needs "
                 "the real-mode setup and a BIOS");
        return -1;
    }
    unsigned setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    uint32_t off = (setup_sects + 1) * 512u;
    if (ksize <= off) {
        image_error(err, errsz, name,
                 "truncated: the setup code takes %u bytes, the file has %zu (no protected-mode "
                 "kernel)", off, ksize);
        return -1;
    }
    *pm_off = off;
    return 0;
}

/* Everything both paths check before anything is written: the image, the
 * command line against the kernel's limit, the RAM the kernel needs to
 * run (from 1 MiB, or its preferred address, for init_size bytes, 2.10+)
 * and where the initrd goes (the highest page under min(top of RAM,
 * initrd_addr_max + 1) above that). */
struct plan {
    uint32_t pm_off;       /* file offset of the protected-mode part */
    uint16_t version;
    size_t hdr_end;
    size_t clen;
    uint64_t kernel_end;
    uint32_t initrd_addr;
};

static int plan(uint32_t ram, const char *kname, const uint8_t *k, size_t ksize,
                const char *iname, const uint8_t *initrd, size_t isize, const char *cmdline,
                struct plan *p, char *err, size_t errsz)
{
    if (check_kernel(kname, k, ksize, &p->pm_off, err, errsz) != 0)
        return -1;
    uint16_t version = p->version = le16_load(k + HDR_VERSION);
    size_t hdr_end = p->hdr_end = HDR_MAGIC + (size_t)k[HDR_JUMP + 1];

    size_t clen = p->clen = strlen(cmdline);
    /* boot.rst: before 2.06 the limit is 255 characters. */
    uint32_t cmax = version >= 0x0206 && hdr_end >= HDR_CMDLINE_SIZE + 4
                        ? le32_load(k + HDR_CMDLINE_SIZE)
                        : 255;
    if (cmax > LINUX_BOOT_CMDLINE_MAX - 1)
        cmax = LINUX_BOOT_CMDLINE_MAX - 1;
    if (clen > cmax) {
        image_error(err, errsz, kname, "kernel command line too long (%zu bytes, this kernel takes %u)",
                 clen, cmax);
        return -1;
    }

    uint32_t pm_size = (uint32_t)(ksize - p->pm_off);
    uint64_t kernel_end = (uint64_t)LINUX_BOOT_KERNEL_ADDR + pm_size;
    if (version >= 0x020A && hdr_end >= HDR_INIT_SIZE + 4) {
        uint64_t pref = le32_load(k + HDR_PREF_ADDRESS) | (uint64_t)le32_load(k + HDR_PREF_ADDRESS + 4) << 32;
        uint64_t base = pref > LINUX_BOOT_KERNEL_ADDR ? pref : LINUX_BOOT_KERNEL_ADDR;
        uint64_t need = base + le32_load(k + HDR_INIT_SIZE);
        if (need > kernel_end)
            kernel_end = need;
    }
    if (kernel_end > ram) {
        image_error(err, errsz, kname, "needs RAM up to 0x%llx to run, the machine has %u MiB",
                 (unsigned long long)kernel_end, ram >> 20);
        return -1;
    }
    p->kernel_end = kernel_end;

    p->initrd_addr = 0;
    if (initrd) {
        if (isize == 0) {
            image_error(err, errsz, iname, "initrd is empty");
            return -1;
        }
        /* boot.rst: initrd_addr_max exists from 2.03; older kernels take
         * the initrd up to 0x37FFFFFF. */
        uint64_t top = version >= 0x0203 ? (uint64_t)le32_load(k + HDR_INITRD_ADDR_MAX) + 1 : 0x38000000u;
        if (top > ram)
            top = ram;
        if (isize > top || ((top - isize) & ~0xFFFull) < kernel_end) {
            image_error(err, errsz, iname,
                     "initrd of %zu bytes does not fit between the kernel (ends 0x%llx) and "
                     "0x%llx (RAM %u MiB)",
                     isize, (unsigned long long)kernel_end, (unsigned long long)top, ram >> 20);
            return -1;
        }
        p->initrd_addr = (uint32_t)((top - isize) & ~0xFFFull);
    }
    return 0;
}

int linux_boot_load(struct physmem *pm, const char *kname, const uint8_t *k, size_t ksize,
                    const char *iname, const uint8_t *initrd, size_t isize, const char *cmdline,
                    struct linux_boot_start *start, char *err, size_t errsz)
{
    struct plan p;
    if (!cmdline)
        cmdline = "";
    if (plan(pm->ram_size, kname, k, ksize, iname, initrd, isize, cmdline, &p, err, errsz) != 0)
        return -1;
    uint32_t ram = pm->ram_size;
    uint16_t version = p.version;
    size_t hdr_end = p.hdr_end, clen = p.clen;
    uint32_t pm_off = p.pm_off, initrd_addr = p.initrd_addr;
    uint32_t pm_size = (uint32_t)(ksize - pm_off);

    uint8_t *zp = calloc(1, ZP_SIZE);
    if (!zp) {
        image_error(err, errsz, kname, "out of memory");
        return -1;
    }
    memcpy(zp + HDR_START, k + HDR_START, hdr_end - HDR_START);
    build_screen_info(zp);
    uint32_t ext_k = ram > 0x100000u ? (ram - 0x100000u) >> 10 : 0;
    le16_store(zp + ZP_EXT_MEM_K, (uint16_t)(ext_k > 0xFFFF ? 0xFFFF : ext_k));
    le32_store(zp + ZP_ALT_MEM_K, ext_k);
    build_e820(pm, zp);
    le16_store(zp + HDR_VID_MODE, 0xFFFF);                     /* "normal" */
    zp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
    zp[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    le16_store(zp + HDR_HEAP_END_PTR, 0xFE00);                 /* boot.rst: setup's heap end */
    le32_store(zp + HDR_CODE32_START, LINUX_BOOT_KERNEL_ADDR);
    le32_store(zp + HDR_CMD_LINE_PTR, LINUX_BOOT_CMDLINE_ADDR);
    le32_store(zp + HDR_RAMDISK_IMAGE, initrd_addr);
    le32_store(zp + HDR_RAMDISK_SIZE, initrd ? (uint32_t)isize : 0);

    /* The boot GDT (boot.rst: __BOOT_CS and __BOOT_DS flat 4 GiB, 0x10
     * and 0x18); the kernel loads its own soon after. */
    uint8_t gdt[32] = { 0 };
    le64_store(gdt + LINUX_BOOT_CS, 0x00CF9A000000FFFFull);    /* code, execute/read, 32-bit */
    le64_store(gdt + LINUX_BOOT_DS, 0x00CF92000000FFFFull);    /* data, read/write, 32-bit */

    /* Everything checked: write guest memory. */
    physmem_load(pm, LINUX_BOOT_GDT_ADDR, gdt, sizeof gdt);
    physmem_load(pm, LINUX_BOOT_ZERO_PAGE_ADDR, zp, ZP_SIZE);
    physmem_load(pm, LINUX_BOOT_CMDLINE_ADDR, cmdline, clen + 1);
    physmem_load(pm, LINUX_BOOT_KERNEL_ADDR, k + pm_off, pm_size);
    if (initrd)
        physmem_load(pm, initrd_addr, initrd, isize);
    free(zp);

    start->entry = LINUX_BOOT_KERNEL_ADDR;
    start->zero_page = LINUX_BOOT_ZERO_PAGE_ADDR;
    start->gdt_base = LINUX_BOOT_GDT_ADDR;
    start->gdt_limit = sizeof gdt - 1;
    start->version = version;
    start->initrd_addr = initrd_addr;
    start->initrd_size = initrd ? (uint32_t)isize : 0;
    return 0;
}

/* boot.rst, "Special command line options": vga=<mode> is read by the
 * boot loader, not the kernel (setup runs before the command line is
 * parsed): a number in C notation, or normal/ext/ask. The last one wins,
 * as with every kernel parameter. */
static int parse_vga(const char *kname, const char *cmdline, uint16_t *mode, char *err,
                     size_t errsz)
{
    int found = 0;
    for (const char *c = cmdline; *c;) {
        while (*c == ' ')
            c++;
        const char *end = c;
        while (*end && *end != ' ')
            end++;
        if (end - c > 4 && strncmp(c, "vga=", 4) == 0) {
            char val[32];
            size_t n = (size_t)(end - c - 4);
            if (n >= sizeof val)
                n = sizeof val - 1;
            memcpy(val, c + 4, n);
            val[n] = 0;
            char *stop;
            unsigned long v = strtoul(val, &stop, 0);
            if (strcmp(val, "normal") == 0)
                *mode = 0xFFFF;
            else if (strcmp(val, "ext") == 0)
                *mode = 0xFFFE;
            else if (strcmp(val, "ask") == 0)
                *mode = 0xFFFD;
            else if (*stop == 0 && stop != val && v <= 0xFFFF)
                *mode = (uint16_t)v;
            else {
                image_error(err, errsz, kname,
                            "kernel command line: vga=%s is not a mode number, normal, ext "
                            "or ask", val);
                return -1;
            }
            found = 1;
        }
        c = end;
    }
    return found;
}

int linux_boot_firmware_split(uint32_t ram, const char *kname, const uint8_t *k, size_t ksize,
                              const char *iname, const uint8_t *initrd, size_t isize,
                              const char *cmdline, struct linux_boot_firmware *fw, char *err,
                              size_t errsz)
{
    struct plan p;
    if (!cmdline)
        cmdline = "";
    if (plan(ram, kname, k, ksize, iname, initrd, isize, cmdline, &p, err, errsz) != 0)
        return -1;
    if (p.pm_off > LINUX_BOOT_FW_SETUP_MAX) {
        image_error(err, errsz, kname, "real-mode setup of %u bytes is larger than %u",
                    p.pm_off, LINUX_BOOT_FW_SETUP_MAX);
        return -1;
    }
    if (p.pm_off < HDR_INIT_SIZE + 4) {
        /* The ROM reads the header up to init_size: a setup shorter than
         * that is not one it can fill (setup_sects 0 means 4, so this
         * needs a malformed image). */
        image_error(err, errsz, kname, "real-mode setup of %u bytes is too short", p.pm_off);
        return -1;
    }
    memcpy(fw->setup, k, p.pm_off);
    fw->setup_size = p.pm_off;
    uint16_t mode = 0xFFFF;
    int r = parse_vga(kname, cmdline, &mode, err, errsz);
    if (r < 0)
        return -1;
    if (r > 0)
        le16_store(fw->setup + HDR_VID_MODE, mode);
    fw->kernel = k + p.pm_off;
    fw->kernel_size = (uint32_t)(ksize - p.pm_off);
    fw->version = p.version;
    return 0;
}
