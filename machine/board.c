#include <string.h>

#include "machine/board.h"
#include "machine/board_acpi.h"
#include "machine/board_storage.h"
#include "machine/machine.h"

struct irq_line board_isa_irq(struct machine *m, int irq)
{
    return i8259_irq_line(&m->pic, irq);
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
    cpu_request_stop(&m->cpu);
}

void board_request_poweroff(struct machine *m)
{
    m->poweroff_requested = 1;
    cpu_request_stop(&m->cpu);
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

/* Port 0xF0's IGNNE# output goes to the CPU's pin. */
static void board_ignne(void *opaque, int level)
{
    struct machine *m = opaque;
    fpu_set_ignne(&m->cpu, level);
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
    mc146818_set_cmos(r, 0x14, 0x04);   /* PS/2 mouse; no floppy, no FPU claimed; VGA */
    mc146818_set_cmos(r, 0x5F, 0);      /* CPUs - 1 */
    const char *order = m->opts.boot_order ? m->opts.boot_order : "cd";
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
           fw_cfg_add_u16(f, FW_CFG_NB_CPUS, 1) | fw_cfg_add_u16(f, FW_CFG_MAX_CPUS, 1) |
           fw_cfg_add_bytes(f, FW_CFG_NUMA, numa, sizeof numa) |
           fw_cfg_add_file(f, "etc/e820", e820, sizeof e820);
}

int board_wire_pc(struct machine *m, char *err, size_t errsz)
{
    FILE *log = m->opts.log;
    const char *what = NULL;
    if (i8254_init(&m->pit, &m->bus, &m->clock, board_isa_irq(m, 0), log) != 0)
        what = "PIT";
    else if (port61_init(&m->port61, &m->bus, &m->pit, &m->clock) != 0)
        what = "port 0x61";
    else if (mc146818_init(&m->rtc, &m->bus, &m->clock, board_isa_irq(m, 8), log) != 0)
        what = "RTC";
    else if (port92_init(&m->port92, &m->bus, port92_a20, port92_reset_line, m) != 0)
        what = "port 0x92";
    else if (fw_cfg_init(&m->fw_cfg, &m->bus, log) != 0 || fill_fw_cfg(m) != 0)
        what = "fw_cfg";
    else if (i8042_init(&m->kbc, &m->bus, &m->clock, board_isa_irq(m, 1), board_isa_irq(m, 12),
                        kbc_a20, port92_reset_line, m, log) != 0)
        what = "keyboard controller";
    else if (resetctl_init(&m->resetctl, &m->bus, port92_reset_line, m) != 0)
        what = "reset control register";
    else if (ferr_init(&m->ferr, &m->bus, board_isa_irq(m, 13), board_ignne, m) != 0)
        what = "x87 error port 0xF0";
    else if (uart16550_init(&m->com[0], &m->bus, 0x3F8, "com1", &m->clock, board_isa_irq(m, 4),
                            log) != 0 ||
             uart16550_init(&m->com[1], &m->bus, 0x2F8, "com2", &m->clock, board_isa_irq(m, 3),
                            log) != 0)
        what = "serial ports";
    else if (debugcon_init_at(&m->seabios_log, &m->bus, 0x402, "seabios-log",
                              m->opts.seabios_log_out) != 0)
        what = "port 0x402";
    if (what) {
        snprintf(err, errsz, "internal error: cannot wire the %s (ports or timers taken)", what);
        return -1;
    }
    if (board_storage_wire(m, err, errsz) != 0 || board_acpi_wire(m, err, errsz) != 0)
        return -1;
    m->cpu.io.ferr = ferr_input_line(&m->ferr);   /* the x87's FERR# pin to port 0xF0 */
    fill_cmos(m);
    m->a20_sources = BOARD_A20_KBC;   /* A20 on at power-on, as the PC's KBC leaves it */
    physmem_set_a20(&m->mem, 1);
    return 0;
}

void board_reset(struct machine *m)
{
    i8259_reset(&m->pic);
    m->intr_level = 0;
    i8254_reset(&m->pit);
    port61_reset(&m->port61);
    mc146818_reset(&m->rtc);
    port92_reset(&m->port92);
    fw_cfg_reset(&m->fw_cfg);
    i8042_reset(&m->kbc);
    resetctl_reset(&m->resetctl);
    ferr_reset(&m->ferr);
    uart16550_reset(&m->com[0]);
    uart16550_reset(&m->com[1]);
    m->a20_sources = BOARD_A20_KBC;
    physmem_set_a20(&m->mem, 1);
    m->reset_requested = 0;
    board_storage_reset(m);
    board_acpi_reset(m);
}

void board_free(struct machine *m)
{
    fw_cfg_free(&m->fw_cfg);
}
