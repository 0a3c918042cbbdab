#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "machine/image_file.h"
#include "machine/multiboot.h"

/* A load is planned fully (and checked) before guest memory is touched,
 * so a bad kernel leaves the machine as it was. */
#define MB_MAX_CHUNKS 64

struct mb_chunk {
    uint32_t paddr;
    size_t file_off;
    uint32_t filesz;
    uint32_t memsz;     /* >= filesz; the rest is zero-filled (bss) */
};

struct mb_plan {
    struct mb_chunk chunk[MB_MAX_CHUNKS];
    unsigned nchunks;
    uint32_t entry;
};

/* Result of scanning for the header. */
struct mb_header {
    int found;
    int bad_checksum_at;    /* offset of a magic with a bad checksum, or -1 */
    size_t offset;
    uint32_t flags;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};


/* Multiboot spec 3.1.1: the header lies within the first 8192 bytes,
 * 32-bit aligned, and magic + flags + checksum == 0 (mod 2^32). */
static void find_header(const uint8_t *image, size_t size, struct mb_header *h)
{
    memset(h, 0, sizeof(*h));
    h->bad_checksum_at = -1;
    size_t end = size < MULTIBOOT_SEARCH_BYTES ? size : MULTIBOOT_SEARCH_BYTES;
    for (size_t off = 0; off + 12 <= end; off += 4) {
        const uint8_t *p = image + off;
        if (le32_load(p) != MULTIBOOT_HEADER_MAGIC)
            continue;
        if ((uint32_t)(le32_load(p) + le32_load(p + 4) + le32_load(p + 8)) != 0) {
            if (h->bad_checksum_at < 0)
                h->bad_checksum_at = (int)off;
            continue;
        }
        h->found = 1;
        h->offset = off;
        h->flags = le32_load(p + 4);
        if (off + 32 <= size) {
            h->header_addr = le32_load(p + 12);
            h->load_addr = le32_load(p + 16);
            h->load_end_addr = le32_load(p + 20);
            h->bss_end_addr = le32_load(p + 24);
            h->entry_addr = le32_load(p + 28);
        }
        return;
    }
}

static int range_in_ram(const struct physmem *pm, uint32_t addr, uint32_t len)
{
    return addr <= pm->ram_size && len <= pm->ram_size - addr;
}

/* Multiboot spec 3.1.3, a.out kludge: the header's address fields say
 * where the file (from header_addr - load_addr bytes before the header)
 * goes, how much of it, and where bss ends. */
static int plan_aout_kludge(const struct physmem *pm, const char *name, const uint8_t *image,
                            size_t size, const struct mb_header *h, struct mb_plan *plan,
                            char *err, size_t errsz)
{
    (void)image;
    if (h->offset + 32 > size) {
        image_error(err, errsz, name, "truncated multiboot header (address fields missing)");
        return -1;
    }
    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset) {
        image_error(err, errsz, name,
                 "multiboot header_addr 0x%x / load_addr 0x%x do not match the header's file offset %zu",
                 h->header_addr, h->load_addr, h->offset);
        return -1;
    }
    size_t file_off = h->offset - (h->header_addr - h->load_addr);
    uint32_t filesz;
    if (h->load_end_addr == 0) {
        if (size - file_off > 0xFFFFFFFFu - h->load_addr) {
            image_error(err, errsz, name, "kernel image does not fit below 4 GiB");
            return -1;
        }
        filesz = (uint32_t)(size - file_off);
    } else {
        if (h->load_end_addr <= h->load_addr) {
            image_error(err, errsz, name, "multiboot load_end_addr 0x%x is not above load_addr 0x%x",
                     h->load_end_addr, h->load_addr);
            return -1;
        }
        filesz = h->load_end_addr - h->load_addr;
        if (filesz > size - file_off) {
            image_error(err, errsz, name, "truncated: load range needs %u bytes from offset %zu, file has %zu",
                     filesz, file_off, size);
            return -1;
        }
    }
    uint32_t memsz = filesz;
    if (h->bss_end_addr) {
        if (h->bss_end_addr < h->load_addr + filesz) {
            image_error(err, errsz, name, "multiboot bss_end_addr 0x%x is below the loaded image end 0x%x",
                     h->bss_end_addr, h->load_addr + filesz);
            return -1;
        }
        memsz = h->bss_end_addr - h->load_addr;
    }
    if (!range_in_ram(pm, h->load_addr, memsz)) {
        image_error(err, errsz, name, "kernel at 0x%x-0x%x lies outside RAM (%u MiB)", h->load_addr,
                 h->load_addr + memsz - 1, pm->ram_size >> 20);
        return -1;
    }
    if (h->entry_addr < h->load_addr || h->entry_addr - h->load_addr >= memsz) {
        image_error(err, errsz, name, "entry point 0x%x is outside the loaded image", h->entry_addr);
        return -1;
    }
    plan->chunk[0] = (struct mb_chunk){ h->load_addr, file_off, filesz, memsz };
    plan->nchunks = 1;
    plan->entry = h->entry_addr;
    return 0;
}

static int check_elf_ident(const char *name, const uint8_t *image, size_t size, char *err,
                           size_t errsz)
{
    if (size < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG) != 0) {
        image_error(err, errsz, name, "not an ELF file");
        return -1;
    }
    if (image[EI_CLASS] != ELFCLASS32) {
        image_error(err, errsz, name, "not a 32-bit ELF file (ELF class %u)", image[EI_CLASS]);
        return -1;
    }
    if (image[EI_DATA] != ELFDATA2LSB) {
        image_error(err, errsz, name, "not a little-endian ELF file");
        return -1;
    }
    return 0;
}

/* ELF path: PT_LOAD segments at p_paddr. The entry point is a virtual
 * address; like GRUB 2 we translate it through the segment holding it, so
 * higher-half kernels (p_vaddr != p_paddr) start at the right byte. */
static int plan_elf(const struct physmem *pm, const char *name, uint8_t *image, size_t size,
                    struct mb_plan *plan, char *err, size_t errsz)
{
    int rc = -1;
    Elf *elf = NULL;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        image_error(err, errsz, name, "libelf initialisation failed: %s", elf_errmsg(-1));
        return -1;
    }
    elf = elf_memory((char *)image, size);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        image_error(err, errsz, name, "not an ELF file");
        goto out;
    }
    Elf32_Ehdr *eh = elf32_getehdr(elf);
    if (!eh) {
        image_error(err, errsz, name, "bad ELF header: %s", elf_errmsg(-1));
        goto out;
    }
    if (eh->e_machine != EM_386) {
        image_error(err, errsz, name, "not an x86 (EM_386) ELF file (e_machine %u)", eh->e_machine);
        goto out;
    }
    if (eh->e_type != ET_EXEC) {
        image_error(err, errsz, name, "not an executable ELF file (e_type %u)", eh->e_type);
        goto out;
    }
    size_t nph;
    if (elf_getphdrnum(elf, &nph) != 0) {
        image_error(err, errsz, name, "bad program header table: %s", elf_errmsg(-1));
        goto out;
    }
    if ((uint64_t)eh->e_phoff + (uint64_t)nph * sizeof(Elf32_Phdr) > size) {
        image_error(err, errsz, name, "truncated: program header table runs past the end of the file");
        goto out;
    }
    int entry_found = 0;
    plan->nchunks = 0;
    for (size_t i = 0; i < nph; i++) {
        /* gelf_getphdr copies the entry out: e_phoff need not be aligned
         * in a hostile file, and the table is read in place from `image`. */
        GElf_Phdr phdr;
        if (!gelf_getphdr(elf, (int)i, &phdr)) {
            image_error(err, errsz, name, "bad program header %zu: %s", i, elf_errmsg(-1));
            goto out;
        }
        const GElf_Phdr *p = &phdr;
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_filesz > p->p_memsz) {
            image_error(err, errsz, name, "segment %zu: file size %u exceeds memory size %u", i,
                     (unsigned)p->p_filesz, (unsigned)p->p_memsz);
            goto out;
        }
        if ((uint64_t)p->p_offset + p->p_filesz > size) {
            image_error(err, errsz, name,
                     "truncated: segment %zu needs bytes up to offset %llu, file has %zu", i,
                     (unsigned long long)(p->p_offset + p->p_filesz), size);
            goto out;
        }
        if (!range_in_ram(pm, (uint32_t)p->p_paddr, (uint32_t)p->p_memsz)) {
            image_error(err, errsz, name, "segment %zu at 0x%x-0x%llx lies outside RAM (%u MiB)", i,
                     (unsigned)p->p_paddr, (unsigned long long)(p->p_paddr + p->p_memsz - 1),
                     pm->ram_size >> 20);
            goto out;
        }
        if (plan->nchunks == MB_MAX_CHUNKS) {
            image_error(err, errsz, name, "more than %d loadable segments", MB_MAX_CHUNKS);
            goto out;
        }
        /* A 32-bit file's fields are 32 bits wide, so these casts are exact. */
        plan->chunk[plan->nchunks++] = (struct mb_chunk){
            (uint32_t)p->p_paddr, (size_t)p->p_offset, (uint32_t)p->p_filesz, (uint32_t)p->p_memsz
        };
        if (!entry_found && eh->e_entry >= p->p_vaddr && eh->e_entry - p->p_vaddr < p->p_memsz) {
            plan->entry = (uint32_t)(eh->e_entry - p->p_vaddr + p->p_paddr);
            entry_found = 1;
        }
    }
    if (plan->nchunks == 0) {
        image_error(err, errsz, name, "no loadable (PT_LOAD) segments");
        goto out;
    }
    if (!entry_found) {
        image_error(err, errsz, name, "entry point 0x%x is outside the loadable segments",
                 eh->e_entry);
        goto out;
    }
    rc = 0;
out:
    if (elf)
        elf_end(elf);
    return rc;
}

/* Bytes [a, a+alen) and [b, b+blen) share at least one byte. */
static int overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/* Layout of the boot-information area at MULTIBOOT_INFO_ADDR. */
#define MBI_SIZE        128u   /* struct multiboot_info is 116 bytes */
#define MBI_MMAP_OFF    128u
#define MBI_MMAP_ENTRY  24u    /* size field + 20-byte entry */
#define MBI_LOADER_OFF  192u
#define MBI_CMDLINE_OFF 256u
#define MBI_LOADER_NAME "shadow86"

static void put_mmap_entry(uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
    le32_store(p, 20);
    le32_store(p + 4, (uint32_t)base);
    le32_store(p + 8, (uint32_t)(base >> 32));
    le32_store(p + 12, (uint32_t)len);
    le32_store(p + 16, (uint32_t)(len >> 32));
    le32_store(p + 20, type);
}

/* Build the multiboot_info block (spec 3.3) for `pm`, to be placed at
 * `base`. Returns the area's size, filling `area` (at least
 * MBI_CMDLINE_OFF + cmdline length + 1). */
static uint32_t build_info(const struct physmem *pm, uint32_t base, const char *cmdline,
                           uint8_t *area)
{
    uint32_t lower = pm->ram_size < 0xA0000u ? pm->ram_size : 0xA0000u;
    uint32_t upper = pm->ram_size > 0x100000u ? pm->ram_size - 0x100000u : 0;
    unsigned nmmap = 0;

    le32_store(area + 0, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
                        MULTIBOOT_INFO_MMAP | MULTIBOOT_INFO_LOADER);
    le32_store(area + 4, lower >> 10);                    /* mem_lower, KiB */
    le32_store(area + 8, upper >> 10);                    /* mem_upper, KiB above 1 MiB */
    le32_store(area + 16, base + MBI_CMDLINE_OFF);        /* cmdline */
    le32_store(area + 20, 0);                             /* mods_count */
    le32_store(area + 24, base + MBI_SIZE);               /* mods_addr: valid, empty */

    put_mmap_entry(area + MBI_MMAP_OFF, 0, lower, 1);
    nmmap++;
    if (upper) {
        put_mmap_entry(area + MBI_MMAP_OFF + MBI_MMAP_ENTRY, 0x100000u, upper, 1);
        nmmap++;
    }
    le32_store(area + 44, nmmap * MBI_MMAP_ENTRY);        /* mmap_length */
    le32_store(area + 48, base + MBI_MMAP_OFF);           /* mmap_addr */
    le32_store(area + 64, base + MBI_LOADER_OFF);         /* boot_loader_name */
    memcpy(area + MBI_LOADER_OFF, MBI_LOADER_NAME, sizeof MBI_LOADER_NAME);

    size_t clen = strlen(cmdline);
    memcpy(area + MBI_CMDLINE_OFF, cmdline, clen + 1);
    return MBI_CMDLINE_OFF + (uint32_t)clen + 1;
}

/* Can the boot information go at [at, at+len)? It must lie in usable RAM
 * (conventional memory above the IVT/BDA page, or from 1 MiB up) and
 * under no byte the kernel occupies, bss included. */
static int info_fits(const struct physmem *pm, const struct mb_plan *plan, uint32_t at,
                     uint32_t len)
{
    if (at < MULTIBOOT_INFO_LOW)
        return 0;
    if (at < 0xA0000u ? len > 0xA0000u - at : at < 0x100000u)
        return 0;
    if (!range_in_ram(pm, at, len))
        return 0;
    for (unsigned i = 0; i < plan->nchunks; i++)
        if (overlaps(plan->chunk[i].paddr, plan->chunk[i].memsz, at, len))
            return 0;
    return 1;
}

/* Where the boot information goes: MULTIBOOT_INFO_ADDR when the kernel
 * leaves it free, else the lowest page boundary that fits. A free range
 * starts at MULTIBOOT_INFO_LOW, at 1 MiB or just past a loaded chunk, so
 * those are the only candidates to try. Returns 0 if nowhere fits. */
static uint32_t place_info(const struct physmem *pm, const struct mb_plan *plan, uint32_t len)
{
    if (info_fits(pm, plan, MULTIBOOT_INFO_ADDR, len))
        return MULTIBOOT_INFO_ADDR;
    uint32_t best = 0;
    for (unsigned i = 0; i <= plan->nchunks + 1; i++) {
        uint64_t at;
        if (i == plan->nchunks)
            at = MULTIBOOT_INFO_LOW;
        else if (i == plan->nchunks + 1)
            at = 0x100000u;
        else
            at = ((uint64_t)plan->chunk[i].paddr + plan->chunk[i].memsz + 0xFFFu) & ~0xFFFull;
        if (at >= 0xA0000u && at < 0x100000u)
            at = 0x100000u;
        if (at > 0xFFFFFFFFull || (best && at >= best))
            continue;
        if (info_fits(pm, plan, (uint32_t)at, len))
            best = (uint32_t)at;
    }
    return best;
}

/* The command line a kernel sees: its own path first, as GRUB and QEMU
 * pass it ("path args"), so word 0 is argv[0]. */
static char *full_cmdline(const char *name, const char *args)
{
    size_t nlen = strlen(name), alen = strlen(args);
    char *s = malloc(nlen + 1 + alen + 1);
    if (!s)
        return NULL;
    memcpy(s, name, nlen);
    if (alen) {
        s[nlen] = ' ';
        memcpy(s + nlen + 1, args, alen + 1);
    } else {
        s[nlen] = 0;
    }
    return s;
}

int multiboot_load_image(struct physmem *pm, const char *name, const uint8_t *image,
                         size_t size, const char *cmdline, struct multiboot_start *start,
                         char *err, size_t errsz)
{
    struct mb_plan plan = { .nchunks = 0 };
    struct mb_header h;
    uint8_t *copy = NULL;
    uint8_t *area = NULL;
    char *line = NULL;
    int rc = -1;

    if (!cmdline)
        cmdline = "";
    if (size == 0) {
        image_error(err, errsz, name, "file is empty");
        return -1;
    }
    size_t clen = strlen(name) + 1 + strlen(cmdline);
    if (clen > MULTIBOOT_CMDLINE_MAX) {
        image_error(err, errsz, name, "kernel command line too long (%zu bytes with the path, "
                    "at most %u)", clen, MULTIBOOT_CMDLINE_MAX);
        return -1;
    }

    find_header(image, size, &h);
    if (h.found && (h.flags & 0xFFFFu & ~(MULTIBOOT_HF_PAGE_ALIGN | MULTIBOOT_HF_MEMORY_INFO |
                                          MULTIBOOT_HF_VIDEO_MODE))) {
        /* Spec 3.1.2: a boot loader that does not understand a required
         * bit must refuse the kernel. Bit 2 (video mode) we understand but
         * cannot grant; the spec lets a loader boot in text mode then. */
        image_error(err, errsz, name, "multiboot header requires unsupported features (flags 0x%08x)",
                 h.flags);
        return -1;
    }

    if (h.found && (h.flags & MULTIBOOT_HF_AOUT_KLUDGE)) {
        if (plan_aout_kludge(pm, name, image, size, &h, &plan, err, errsz) != 0)
            return -1;
    } else {
        if (check_elf_ident(name, image, size, err, errsz) != 0)
            return -1;
        /* libelf may convert data in place; give it a private copy. */
        copy = malloc(size);
        if (!copy) {
            image_error(err, errsz, name, "out of memory");
            return -1;
        }
        memcpy(copy, image, size);
        if (plan_elf(pm, name, copy, size, &plan, err, errsz) != 0)
            goto out;
        if (!h.found) {
            if (h.bad_checksum_at >= 0)
                image_error(err, errsz, name, "multiboot header at offset %d has a bad checksum",
                         h.bad_checksum_at);
            else
                image_error(err, errsz, name, "no multiboot header in the first %u bytes",
                         MULTIBOOT_SEARCH_BYTES);
            goto out;
        }
    }

    /* The boot information goes where the kernel (bss included) does not. */
    line = full_cmdline(name, cmdline);
    area = calloc(1, MBI_CMDLINE_OFF + clen + 1);
    if (!area || !line) {
        image_error(err, errsz, name, "out of memory");
        goto out;
    }
    uint32_t area_len = MBI_CMDLINE_OFF + (uint32_t)strlen(line) + 1;
    uint32_t info = place_info(pm, &plan, area_len);
    if (!info) {
        image_error(err, errsz, name, "no free RAM for the boot information (%u bytes) beside "
                    "the kernel", area_len);
        goto out;
    }
    build_info(pm, info, line, area);
    uint32_t lo = 0xFFFFFFFFu, hi = 0;
    for (unsigned i = 0; i < plan.nchunks; i++) {
        const struct mb_chunk *c = &plan.chunk[i];
        if (c->paddr < lo)
            lo = c->paddr;
        if (c->paddr + c->memsz > hi)
            hi = c->paddr + c->memsz;
    }

    /* Everything checked: now write guest memory. */
    const uint8_t *src = copy ? copy : image;
    for (unsigned i = 0; i < plan.nchunks; i++) {
        const struct mb_chunk *c = &plan.chunk[i];
        physmem_load(pm, c->paddr, src + c->file_off, c->filesz);
        uint8_t *bss = physmem_ram_ptr(pm, c->paddr + c->filesz, c->memsz - c->filesz);
        if (bss)
            memset(bss, 0, c->memsz - c->filesz);
        else
            for (uint32_t a = c->filesz; a < c->memsz; a++)
                physmem_write8(pm, c->paddr + a, 0);
    }
    physmem_load(pm, info, area, area_len);

    start->entry = plan.entry;
    start->info_addr = info;
    start->load_low = lo;
    start->load_high = hi;
    rc = 0;
out:
    free(line);
    free(area);
    free(copy);
    return rc;
}

int multiboot_load_file(struct physmem *pm, const char *path, const char *cmdline,
                        struct multiboot_start *start, char *err, size_t errsz)
{
    uint8_t *data;
    size_t size;
    /* A kernel larger than RAM cannot be loaded; refuse before reading. */
    if (image_file_read(path, pm->ram_size, &data, &size, err, errsz) != 0)
        return -1;
    int rc = multiboot_load_image(pm, path, data, size, cmdline, start, err, errsz);
    free(data);
    return rc;
}
