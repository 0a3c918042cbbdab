#include <stddef.h>
#include <string.h>

#include "base/state.h"
#include "devices/ide_state.h"
#include "devices/vga_state.h"

#include "machine/board.h"
#include "machine/board_acpi.h"
#include "machine/board_apic.h"
#include "machine/board_devices.h"
#include "machine/board_display.h"
#include "machine/board_floppy.h"
#include "machine/board_ide.h"
#include "machine/board_nic.h"
#include "machine/board_pci.h"
#include "machine/board_vga.h"
#include "machine/machine.h"

struct irq_line board_isa_irq(struct machine *m, int irq)
{
    if (!m->opts.apic)
        return i8259_irq_line(&m->pic, irq);
    return board_apic_isa_irq(m, irq);
}

void board_set_a20(struct machine *m, unsigned source, int enabled)
{
    if (enabled)
        m->a20_sources |= (uint8_t)source;
    else
        m->a20_sources &= (uint8_t)~source;
    physmem_set_a20(&m->mem, m->a20_sources != 0);
}

void board_request_reset(struct machine *m)
{
    m->reset_requested = 1;
    cpu_request_stop(m->cpu);
}

void board_request_poweroff(struct machine *m)
{
    m->poweroff_requested = 1;
    cpu_request_stop(m->cpu);
}

void board_poweroff_line(void *opaque)
{
    board_request_poweroff(opaque);
}

static void port92_a20(void *opaque, int enabled)
{
    board_set_a20(opaque, BOARD_A20_PORT92, enabled);
}

static void port92_reset_line(void *opaque)
{
    board_request_reset(opaque);
}

/* The PIC's INTR output to the CPU: a rising INTR ends the running slice
 * so the run loop delivers it after the current instruction. */
static void board_set_intr(void *opaque, int line, int level)
{
    struct machine *m = opaque;
    (void)line;
    if (level && !m->intr_level)
        cpu_request_stop(m->cpu);
    m->intr_level = level;
    board_apic_set_intr(m, level);   /* LINT0 of the local APIC */
}

/* The exit port's callback: remember the value and let the CPU finish the
 * OUT instruction before cpu_run() returns. */
static void board_exit_request(void *opaque, uint32_t value)
{
    struct machine *m = opaque;
    m->exit_requested = 1;
    m->exit_value = value;
    cpu_request_stop(m->cpu);
}

/* Port 0xF0's IGNNE# output goes to the CPU's pin. */
static void board_ignne(void *opaque, int level)
{
    struct machine *m = opaque;
    fpu_set_ignne(m->cpu, level);
}

static void kbc_a20(void *opaque, int enabled)
{
    board_set_a20(opaque, BOARD_A20_KBC, enabled);
}

/* CMOS boot-device codes (Bochs/QEMU convention, read by SeaBIOS). */
static unsigned boot_code(char c)
{
    switch (c) {
    case 'a': return 1;
    case 'c': return 2;
    case 'd': return 3;
    case 'n': return 4;
    default: return 0;
    }
}

/* The NVRAM a PC BIOS setup would have left: memory sizes (AT and
 * extended fields), equipment, boot order, CPU count, and the checksum
 * over 0x10-0x2D. Disk types (0x12, 0x19/0x1A) are the disk controller's
 * to set. */
static void fill_cmos(struct machine *m)
{
    struct mc146818 *r = &m->rtc;
    uint32_t kib = m->mem.ram_size / 1024;
    uint32_t ext = kib > 1024 ? kib - 1024 : 0;
    if (ext > 0xFFFF)
        ext = 0xFFFF;
    uint32_t above16 = m->mem.ram_size > (16u << 20) ? (m->mem.ram_size - (16u << 20)) >> 16 : 0;
    if (above16 > 0xFFFF)
        above16 = 0xFFFF;
    mc146818_set_cmos(r, 0x15, 640 & 0xFF);
    mc146818_set_cmos(r, 0x16, 640 >> 8);
    mc146818_set_cmos(r, 0x17, (uint8_t)ext);
    mc146818_set_cmos(r, 0x18, (uint8_t)(ext >> 8));
    mc146818_set_cmos(r, 0x30, (uint8_t)ext);
    mc146818_set_cmos(r, 0x31, (uint8_t)(ext >> 8));
    mc146818_set_cmos(r, 0x34, (uint8_t)above16);
    mc146818_set_cmos(r, 0x35, (uint8_t)(above16 >> 8));
    /* PS/2 mouse, VGA, no FPU claimed; bit 0 and bits 7-6: the floppy
     * drives (count - 1). */
    mc146818_set_cmos(r, 0x14, (uint8_t)(0x04 | board_floppy_equipment(m)));
    mc146818_set_cmos(r, 0x5F, (uint8_t)(m->ncpus - 1));   /* CPUs - 1 (SeaBIOS reads it) */
    /* Default: disk then CD; with a floppy, QEMU's "cad". */
    const char *order = m->opts.boot_order ? m->opts.boot_order
                        : blockdev_is_open(&m->floppy[0]) ? "cad" : "cd";
    unsigned codes[3] = { 0, 0, 0 };
    for (int i = 0; i < 3 && order[i]; i++)
        codes[i] = boot_code(order[i]);
    /* 0x3D: first (low nibble) and second device; 0x38 bits 4-7: third;
     * 0x38 bit 0 set: skip the floppy boot-signature check. */
    mc146818_set_cmos(r, 0x3D, (uint8_t)(codes[0] | (codes[1] << 4)));
    mc146818_set_cmos(r, 0x38, (uint8_t)((codes[2] << 4) | 1));
    mc146818_update_checksum(r);
}

static int fill_fw_cfg(struct machine *m)
{
    struct fw_cfg *f = &m->fw_cfg;
    /* One RAM range; SeaBIOS itself reserves the EBDA and BIOS areas. */
    uint8_t e820[20];
    uint64_t fields[2] = { 0, m->mem.ram_size };
    for (int i = 0; i < 16; i++)
        e820[i] = (uint8_t)(fields[i / 8] >> (8 * (i % 8)));
    e820[16] = 1;  /* E820_RAM */
    e820[17] = e820[18] = e820[19] = 0;
    uint8_t numa[8] = { 0 };
    return fw_cfg_add_u64(f, FW_CFG_RAM_SIZE, m->mem.ram_size) |
           fw_cfg_add_u16(f, FW_CFG_NB_CPUS, (uint16_t)m->ncpus) |
           fw_cfg_add_u16(f, FW_CFG_MAX_CPUS, (uint16_t)m->ncpus) |
           fw_cfg_add_bytes(f, FW_CFG_NUMA, numa, sizeof numa) |
           board_apic_fw_cfg(m) |
           fw_cfg_add_file(f, "etc/e820", e820, sizeof e820);
}

/* ------------------------------------------------------------ wiring
 *
 * One function per device that needs more than its init call's defaults:
 * the ports, IRQ lines and timers it gets on this board. */

static int wire_debugcon(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return debugcon_init(dev, &m->bus, m->opts.debugcon_out);
}

static int wire_postcode(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return postcode_init(dev, &m->bus);
}

static int wire_exitport(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return exitport_init(dev, &m->bus, board_exit_request, m);
}

static int wire_pic(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return i8259_init(dev, &m->bus, irq_line_make(board_set_intr, m, 0), m->opts.log);
}

static int wire_pit(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return i8254_init(dev, &m->bus, &m->clock, board_isa_irq(m, 0), m->opts.log);
}

static int wire_port61(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return port61_init(dev, &m->bus, &m->pit, &m->clock);
}

static int wire_pcspk(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    pcspk_init(dev, &m->pit, &m->port61, &m->clock);
    return 0;
}

static int wire_sb16(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    struct irq_line lines[SB16_IRQS];
    for (int i = 0; i < SB16_IRQS; i++)   /* IRQ 2 is IRQ 9 on the AT's second PIC */
        lines[i] = board_isa_irq(m, sb16_irq_numbers[i] == 2 ? 9 : sb16_irq_numbers[i]);
    return sb16_init(dev, &m->bus, &m->clock, &m->dma, lines, m->opts.log);
}

static int wire_opl3(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    static const uint16_t ports[] = { SB16_BASE, OPL3_ADLIB_BASE, 0 };
    if (opl3_init(dev, &m->bus, &m->clock, ports, SB16_BASE + 8, m->sb16.mixer, m->opts.log) != 0)
        return -1;
    m->sb16.before_mixer = opl3_catch_up;   /* the FM level */
    m->sb16.mixer_observer = dev;
    return 0;
}

static int wire_rtc(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return mc146818_init(dev, &m->bus, &m->clock, board_isa_irq(m, 8), m->opts.log);
}

static int wire_port92(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return port92_init(dev, &m->bus, port92_a20, port92_reset_line, m);
}

static void fw_cfg_dma_read(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct machine *m = opaque;
    physmem_read_buf(&m->mem, addr, buf, len);
}

static void fw_cfg_dma_write(void *opaque, uint32_t addr, void *buf, uint32_t len)
{
    struct machine *m = opaque;
    physmem_write_buf(&m->mem, addr, buf, len);
}

/* The DMA interface is on for every boot, as in QEMU: SeaBIOS then reads
 * its tables (and option ROMs) with one transfer each instead of a port
 * read per byte, and the -kernel option ROM loads the kernel straight to
 * 1 MiB (roms/linuxboot.asm). */
static int wire_fw_cfg(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    if (fw_cfg_init(dev, &m->bus, m->opts.log) != 0)
        return -1;
    fw_cfg_set_dma_mem(dev, fw_cfg_dma_read, fw_cfg_dma_write, m);
    return fill_fw_cfg(m);
}

static int wire_kbc(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return i8042_init(dev, &m->bus, &m->clock, board_isa_irq(m, 1), board_isa_irq(m, 12),
                      kbc_a20, port92_reset_line, m, m->opts.log);
}

static int wire_resetctl(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return resetctl_init(dev, &m->bus, port92_reset_line, m);
}

static int wire_ferr(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    if (ferr_init(dev, &m->bus, board_isa_irq(m, 13), board_ignne, m) != 0)
        return -1;
    m->cpu->io.ferr = ferr_input_line(dev);   /* the x87's FERR# pin to port 0xF0 */
    return 0;
}

static int wire_com1(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return uart16550_init(dev, &m->bus, 0x3F8, "com1", &m->clock, board_isa_irq(m, 4), m->opts.log);
}

static int wire_com2(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return uart16550_init(dev, &m->bus, 0x2F8, "com2", &m->clock, board_isa_irq(m, 3), m->opts.log);
}

static int wire_seabios_log(struct machine *m, void *dev, char *err, size_t errsz)
{
    (void)err, (void)errsz;
    return debugcon_init_at(dev, &m->bus, 0x402, "seabios-log", m->opts.seabios_log_out);
}

/* ------------------------------------------------------------ the table
 *
 * The devices' own functions take their own types; these adapters give
 * them the table's uniform shape (a void pointer to the instance). */
#define BOARD_RESET(prefix) \
    static void prefix##_reset_dev(void *d) { prefix##_reset(d); }
#define BOARD_STATE(prefix) \
    static void prefix##_save_dev(const void *d, struct state_writer *w, const char *tag) \
    { (void)tag; prefix##_save(d, w); } \
    static int prefix##_load_dev(void *d, struct state_reader *r, const char *tag) \
    { (void)tag; return prefix##_load(d, r); }
#define BOARD_FREE(prefix) \
    static void prefix##_free_dev(void *d) { prefix##_free(d); }

BOARD_RESET(i8259) BOARD_STATE(i8259)
BOARD_RESET(lapic) BOARD_STATE(lapic) BOARD_FREE(lapic)
BOARD_RESET(ioapic) BOARD_STATE(ioapic) BOARD_FREE(ioapic)
BOARD_RESET(hpet) BOARD_STATE(hpet) BOARD_FREE(hpet)
BOARD_RESET(i8254) BOARD_STATE(i8254)
BOARD_RESET(port61) BOARD_STATE(port61)
BOARD_FREE(pcspk)
BOARD_RESET(mc146818) BOARD_STATE(mc146818)
BOARD_RESET(port92) BOARD_STATE(port92)
BOARD_RESET(fw_cfg) BOARD_STATE(fw_cfg) BOARD_FREE(fw_cfg)
BOARD_RESET(i8042) BOARD_STATE(i8042)
BOARD_RESET(resetctl) BOARD_STATE(resetctl)
BOARD_RESET(ferr) BOARD_STATE(ferr)
BOARD_RESET(uart16550)
BOARD_STATE(pci)
BOARD_RESET(ide) BOARD_STATE(ide)
BOARD_RESET(pci_pc)
BOARD_RESET(acpi_pm) BOARD_STATE(acpi_pm)
BOARD_RESET(vga) BOARD_STATE(vga)
BOARD_RESET(i8237) BOARD_STATE(i8237)
BOARD_RESET(fdc) BOARD_STATE(fdc)
BOARD_RESET(sb16) BOARD_STATE(sb16) BOARD_FREE(sb16)
BOARD_RESET(opl3) BOARD_STATE(opl3) BOARD_FREE(opl3)

static void uart_save_dev(const void *d, struct state_writer *w, const char *tag)
{
    uart16550_save(d, w, tag);
}

static int uart_load_dev(void *d, struct state_reader *r, const char *tag)
{
    return uart16550_load(d, r, tag);
}

#define AT(member) offsetof(struct machine, member)
#define OPS(prefix) prefix##_reset_dev, prefix##_save_dev, prefix##_load_dev
#define LAPIC_AP(n) { "local APIC " #n, NULL, AT(lapic[n]), board_lapic_wire, OPS(lapic), \
                     lapic_free_dev }
#define DISK(n, tag) { "disk image " #n, tag, AT(media[n]), NULL, NULL, \
                       board_ide_media_save, board_ide_media_load, board_ide_media_free }

static const struct board_device pc_devices[] = {
    /* name                     tag     instance       wire                 reset, save, load    free */
    { "debug console 0xE9",     NULL,   AT(debugcon),  wire_debugcon,       NULL, NULL, NULL,    NULL },
    { "POST code port 0x80",    NULL,   AT(postcode),  wire_postcode,       NULL, NULL, NULL,    NULL },
    { "exit port 0xF4",         NULL,   AT(exitport),  wire_exitport,       NULL, NULL, NULL,    NULL },
    { "PIC",                    NULL,   AT(pic),       wire_pic,            OPS(i8259),          NULL },
    { "local APIC",             NULL,   AT(lapic[0]),  board_lapic_wire,    OPS(lapic),          lapic_free_dev },
    /* The APs' (-smp; records "LAPk" only when wired). */
    LAPIC_AP(1), LAPIC_AP(2), LAPIC_AP(3), LAPIC_AP(4), LAPIC_AP(5), LAPIC_AP(6), LAPIC_AP(7),
    { "I/O APIC",               NULL,   AT(ioapic),    board_ioapic_wire,   OPS(ioapic),         ioapic_free_dev },
    { "HPET",                   NULL,   AT(hpet),      board_hpet_wire,     OPS(hpet),           hpet_free_dev },
    { "PIT",                    NULL,   AT(pit),       wire_pit,            OPS(i8254),          NULL },
    { "DMA controllers",        NULL,   AT(dma),       board_dma_wire,      OPS(i8237),          NULL },
    { "port 0x61",              NULL,   AT(port61),    wire_port61,         OPS(port61),         NULL },
    /* Output only: what it plays follows from the PIT and port 0x61. */
    { "PC speaker",             NULL,   AT(pcspk),     wire_pcspk,          NULL, NULL, NULL,    pcspk_free_dev },
    { "RTC",                    NULL,   AT(rtc),       wire_rtc,            OPS(mc146818),       NULL },
    { "port 0x92",              NULL,   AT(port92),    wire_port92,         OPS(port92),         NULL },
    { "fw_cfg",                 NULL,   AT(fw_cfg),    wire_fw_cfg,         OPS(fw_cfg),         fw_cfg_free_dev },
    { "keyboard controller",    NULL,   AT(kbc),       wire_kbc,            OPS(i8042),          NULL },
    { "reset control register", NULL,   AT(resetctl),  wire_resetctl,       OPS(resetctl),       NULL },
    { "x87 error port 0xF0",    NULL,   AT(ferr),      wire_ferr,           OPS(ferr),           NULL },
    { "serial port COM1",       "COM1", AT(com[0]),    wire_com1,           uart16550_reset_dev,
                                                                            uart_save_dev, uart_load_dev, NULL },
    { "serial port COM2",       "COM2", AT(com[1]),    wire_com2,           uart16550_reset_dev,
                                                                            uart_save_dev, uart_load_dev, NULL },
    { "port 0x402",             NULL,   AT(seabios_log), wire_seabios_log,  NULL, NULL, NULL,    NULL },
    { "PCI bus",                NULL,   AT(pci),       board_pci_wire,      NULL, pci_save_dev, pci_load_dev, NULL },
    /* The images before the IDE that attaches them: freed even when the
     * IDE's wiring stopped halfway. Their records are the -snapshot overlays. */
    DISK(0, "DSK0"), DISK(1, "DSK1"), DISK(2, "DSK2"), DISK(3, "DSK3"),
    { "IDE controller",         NULL,   AT(ide),       board_ide_wire,      OPS(ide),            NULL },
    /* The floppy images after the IDE's, so a file behind both is refused. */
    { "floppy image A:",        "FDA0", AT(floppy[0]), NULL, NULL,
      board_ide_media_save, board_ide_media_load, board_ide_media_free },
    { "floppy image B:",        "FDB0", AT(floppy[1]), NULL, NULL,
      board_ide_media_save, board_ide_media_load, board_ide_media_free },
    { "floppy controller",      NULL,   AT(fdc),       board_fdc_wire,      OPS(fdc),            NULL },
    { "Sound Blaster 16",       NULL,   AT(sb16),      wire_sb16,           OPS(sb16),           sb16_free_dev },
    { "OPL3 FM synthesizer",    NULL,   AT(opl3),      wire_opl3,           OPS(opl3),           opl3_free_dev },
    { "i440FX/PIIX3 chipset",   NULL,   AT(chipset),   board_chipset_wire,  pci_pc_reset_dev, NULL, NULL, NULL },
    { "ACPI PM function",       NULL,   AT(pm),        board_pm_wire,       OPS(acpi_pm),        NULL },
    { "VGA",                    NULL,   AT(vga),       board_vga_wire,      OPS(vga),            board_vga_free },
    { "network card",           NULL,   AT(nic),       board_nic_wire,      board_nic_reset,
                                                       board_nic_save, board_nic_load, board_nic_free },
    { "memory balloon",         NULL,   AT(balloon),   board_balloon_wire,  board_balloon_reset,
                                                       board_balloon_save, board_balloon_load, NULL },
};

const struct board_device *board_devices(size_t *count)
{
    *count = sizeof pc_devices / sizeof pc_devices[0];
    return pc_devices;
}

int board_wire_pc(struct machine *m, char *err, size_t errsz)
{
    size_t n;
    const struct board_device *t = board_devices(&n);
    for (size_t i = 0; i < n; i++) {
        if (!t[i].wire)
            continue;
        err[0] = 0;
        if (t[i].wire(m, board_device_at(m, &t[i]), err, errsz) != 0) {
            if (!err[0])
                snprintf(err, errsz, "internal error: cannot wire the %s (ports, slot or timers taken)",
                         t[i].name);
            return -1;
        }
    }
    board_ide_cmos(m);
    board_floppy_cmos(m);
    /* Without a screen, ask SeaBIOS to copy INT 10h text output to COM1
     * (its "sercon", read from fw_cfg as a little-endian port number), so
     * the banner and a boot sector's messages reach the serial console. */
    if (m->opts.sercon) {
        uint8_t port[2] = { 0xF8, 0x03 };
        if (fw_cfg_add_file(&m->fw_cfg, "etc/sercon-port", port, sizeof port) != 0) {
            snprintf(err, errsz, "internal error: fw_cfg has no room for etc/sercon-port");
            return -1;
        }
    }
    if (board_acpi_wire(m, err, errsz) != 0)
        return -1;
    fill_cmos(m);
    m->a20_sources = BOARD_A20_KBC;   /* A20 on at power-on, as the PC's KBC leaves it */
    physmem_set_a20(&m->mem, 1);
    return 0;
}

void board_reset(struct machine *m)
{
    size_t n;
    const struct board_device *t = board_devices(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].reset)
            t[i].reset(board_device_at(m, &t[i]));
    m->intr_level = 0;
    memset(m->pirq_assert, 0, sizeof m->pirq_assert);
    m->pirq_driven = 0;
    board_apic_set_intr(m, 0);
    m->a20_sources = BOARD_A20_KBC;
    physmem_set_a20(&m->mem, 1);
    m->reset_requested = 0;
    board_acpi_reset(m);
}

void board_free(struct machine *m)
{
    size_t n;
    const struct board_device *t = board_devices(&n);
    for (size_t i = n; i-- > 0;)
        if (t[i].free)
            t[i].free(board_device_at(m, &t[i]));
}

void board_save(const struct machine *m, struct state_writer *w)
{
    size_t n;
    const struct board_device *t = board_devices(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].save)
            t[i].save((const char *)m + t[i].offset, w, t[i].tag);
}

const char *board_load(struct machine *m, struct state_reader *r)
{
    size_t n;
    const struct board_device *t = board_devices(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].load && t[i].load(board_device_at(m, &t[i]), r, t[i].tag) != 0)
            return t[i].name;
    return NULL;
}
