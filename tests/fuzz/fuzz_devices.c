/* Fuzz target: every board device driven from the guest's side.
 *
 * A machine with all devices (2 MiB RAM, a ROM that idles in sti/hlt, a
 * 64 KiB disk on -hda and a 64 KiB CD on -cdrom, both in memory and under
 * -snapshot) is set up as firmware would leave the PCI functions (IDE
 * bus master at port 0xC000, decode enabled; the VGA's BARs on). The input
 * is then a list of operations, each an opcode byte and its operands:
 *
 *   0 OUT   port (see pick_port), size, value
 *   1 IN    port, size
 *   2 MMIO  write into a mapped MMIO region: region, offset, size, value
 *   3 MMIO  read from one
 *   4 PHYS  write anywhere in the 4 GiB space (RAM, ROM, open bus)
 *   5 RAM   write a run of bytes below 1 MiB (PRD tables, DMA buffers,
 *           descriptors the devices read)
 *   6 RUN   let the machine run (timers fire, interrupts are taken, DMA
 *           completes) for a number of instructions (and of run-loop
 *           passes)
 *
 * Whatever the order, no access may leave guest RAM: ASan sees a host
 * overflow, fuzz_check_ram_bounds() a RAM page outside the guest's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_machine.h"

#define BM_BASE 0xC000u

struct input {
    const uint8_t *p;
    size_t left;
};

static uint32_t take(struct input *in, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint32_t)(in->left ? *in->p : 0) << (8 * i);
        if (in->left)
            in->p++, in->left--;
    }
    return v;
}

/* Port bases of the board's devices: an operand byte picks one and an
 * offset, so most accesses reach a device; 0xFF takes a raw 16-bit port. */
static const uint16_t port_bases[] = {
    0x0020, 0x00A0, 0x0040, 0x0060, 0x0061, 0x0064, 0x0070, 0x0080, 0x0092, 0x00F0,
    0x01F0, 0x03F6, 0x0170, 0x0376, BM_BASE, 0x03F8, 0x02F8, 0x03B0, 0x03C0, 0x03D0,
    0x0CF8, 0x0CFC, 0x0CF9, 0x0510, 0x0402, 0x00E9, 0x0600, 0x04D0, 0x0000, 0x00C0,
};

static uint16_t pick_port(struct input *in)
{
    uint8_t which = (uint8_t)take(in, 1);
    if (which == 0xFF)
        return (uint16_t)take(in, 2);
    uint8_t off = (uint8_t)take(in, 1);
    return (uint16_t)(port_bases[which % (sizeof port_bases / sizeof port_bases[0])] +
                      (off & 0x1F));
}

static unsigned pick_size(struct input *in)
{
    static const unsigned sizes[4] = { 1, 2, 4, 1 };
    return sizes[take(in, 1) & 3];
}

static void pci_write(struct machine *m, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
    iobus_write(&m->bus, 0xCF8, 4, 0x80000000u | (devfn << 8) | (reg & 0xFC));
    iobus_write(&m->bus, (uint16_t)(0xCFC + (reg & 3)), size, v);
}

/* What firmware does before a guest drives the disks and the display. */
static void firmware_setup(struct machine *m)
{
    pci_write(m, 0x09, 0x20, 4, BM_BASE | 1);     /* 01.1 BAR4: bus master */
    pci_write(m, 0x09, 0x04, 2, 0x0005);          /* I/O and bus master on */
    pci_write(m, 0x09, 0x41, 1, 0x80);            /* primary decode enable */
    pci_write(m, 0x09, 0x43, 1, 0x80);            /* secondary */
    pci_write(m, 0x10, 0x10, 4, 0xE0000000u);     /* 02.0 BAR0: the framebuffer */
    pci_write(m, 0x10, 0x04, 2, 0x0003);
}

static void run_ops(struct machine *m, struct input *in)
{
    unsigned ops = 0;
    while (in->left && ops++ < 4096) {
        uint8_t op = (uint8_t)take(in, 1) % 7;
        switch (op) {
        case 0: {
            uint16_t port = pick_port(in);
            unsigned size = pick_size(in);
            iobus_write(&m->bus, port, size, take(in, size));
            break;
        }
        case 1: {
            uint16_t port = pick_port(in);
            (void)iobus_read(&m->bus, port, pick_size(in));
            break;
        }
        case 2:
        case 3: {
            uint8_t r = (uint8_t)take(in, 1);
            uint32_t off = take(in, 3);
            unsigned size = pick_size(in);
            if (!m->mem.mmio_count)
                break;
            const struct mmio_region *reg = &m->mem.mmio[r % m->mem.mmio_count];
            uint32_t addr = reg->base + off % reg->size;
            if (op == 2)
                physmem_write(&m->mem, addr, size, take(in, size));
            else
                (void)physmem_read(&m->mem, addr, size);
            break;
        }
        case 4: {
            uint32_t addr = take(in, 4);
            unsigned size = pick_size(in);
            physmem_write(&m->mem, addr, size, take(in, size));
            break;
        }
        case 5: {
            uint32_t addr = take(in, 3) & 0xFFFFFu;
            uint8_t len = (uint8_t)take(in, 1);
            for (unsigned i = 0; i < len && in->left; i++)
                physmem_write8(&m->mem, addr + i, (uint8_t)take(in, 1));
            break;
        }
        case 6: {
            /* Bounded in passes, not only instructions: a halted CPU whose
             * timer keeps firing with its interrupt never taken (a PIC
             * left uninitialised) idles forever without retiring one, as
             * a real PC would. */
            uint64_t n = 1 + take(in, 2);
            m->opts.max_insns = machine_insn_total(m) + n;
            for (unsigned pass = 0; pass < 64 + n / 16; pass++)
                if (machine_pass(m, 0, NULL) != MACHINE_PASS_CONTINUE)
                    break;
            fuzz_check_ram_bounds(m, "fuzz_devices");
            break;
        }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t code[] = { 0xFB, 0xF4, 0xEB, 0xFD };   /* sti; hlt; jmp $-1 */
    static uint8_t disk[64 * 1024], cd[32 * 2048];
    struct fuzz_file rom, hd, cdrom;
    struct machine_options o;
    struct machine *m = calloc(1, sizeof *m);
    char err[MACHINE_ERR_MAX];
    struct input in = { data, size };

    /* The media hold a recognisable pattern: reads return something. */
    for (size_t i = 0; i < sizeof disk; i++)
        disk[i] = (uint8_t)(i * 7 + (i >> 9));
    for (size_t i = 0; i < sizeof cd; i++)
        cd[i] = (uint8_t)(i * 13 + (i >> 11));
    fuzz_rom_make(&rom, code, sizeof code);
    fuzz_file_make(&hd, "fuzz.hda", disk, sizeof disk);
    fuzz_file_make(&cdrom, "fuzz.iso", cd, sizeof cd);
    fuzz_machine_options(&o, rom.path, 2);
    o.hd_paths[0] = hd.path;
    o.cdrom_path = cdrom.path;
    o.no_dbt = 1;          /* the devices are the target: the interpreter is cheaper to set up */
    if (!m || machine_create(m, &o, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_devices: machine: %s\n", err);
        abort();
    }
    firmware_setup(m);
    run_ops(m, &in);
    fuzz_check_ram_bounds(m, "fuzz_devices");
    machine_destroy(m);
    free(m);
    fuzz_file_close(&rom);
    fuzz_file_close(&hd);
    fuzz_file_close(&cdrom);
    return 0;
}
