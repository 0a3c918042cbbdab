/* PCI configuration (mechanism #1, BARs, the i440FX PAM registers, PIIX3
 * routing) and the VGA's registers and memory as a driver sees them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ide.h"
#include "devices/iobus.h"
#include "devices/pci.h"
#include "devices/pci_pc.h"
#include "devices/vga.h"
#include "devices/vga_pci.h"
#include "devices/vga_screen.h"
#include "devices/vga_state.h"
#include "base/state.h"

static struct iobus *bus;
static struct pci_bus *pci;
static struct pci_pc *pc;
static struct ide *ide;
static unsigned pam_mode[16];
static unsigned pam_calls;

static void pam_cb(void *opaque, unsigned chunk, unsigned mode)
{
    (void)opaque;
    ck_assert_uint_lt(chunk, 16);
    pam_mode[chunk] = mode;
    pam_calls++;
}

static void setup(void)
{
    bus = malloc(sizeof *bus);
    pci = malloc(sizeof *pci);
    pc = malloc(sizeof *pc);
    ide = malloc(sizeof *ide);
    iobus_init(bus);
    pci_bus_init(pci, NULL);
    ide_init(ide);
    ck_assert_int_eq(pci_bus_register_ports(pci, bus), 0);
    ck_assert_int_eq(pci_pc_init(pc, pci, bus, ide, pam_cb, NULL), 0);
}

static void teardown(void)
{
    free(bus);
    free(pci);
    free(pc);
    free(ide);
}

static uint32_t cfg_read(int dev, int fn, unsigned reg, unsigned size)
{
    iobus_write(bus, 0xCF8, 4, 0x80000000u | (unsigned)dev << 11 | (unsigned)fn << 8 | (reg & 0xFC));
    return iobus_read(bus, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfg_write(int dev, int fn, unsigned reg, unsigned size, uint32_t v)
{
    iobus_write(bus, 0xCF8, 4, 0x80000000u | (unsigned)dev << 11 | (unsigned)fn << 8 | (reg & 0xFC));
    iobus_write(bus, (uint16_t)(0xCFC + (reg & 3)), size, v);
}

START_TEST(mechanism1_ids_and_absent_devices)
{
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086u);
    ck_assert_uint_eq(cfg_read(1, 0, 0, 4), 0x70008086u);
    ck_assert_uint_eq(cfg_read(1, 1, 0, 4), 0x70108086u);
    ck_assert_uint_eq(cfg_read(1, 1, 8, 4) >> 8, 0x010180u);   /* IDE, bus master */
    ck_assert_uint_eq(cfg_read(1, 0, 0x0E, 1), 0x80);          /* multi-function */
    ck_assert_uint_eq(cfg_read(5, 0, 0, 4), 0xFFFFFFFFu);
    ck_assert_uint_eq(cfg_read(0, 0, 2, 2), 0x1237);           /* word at offset 2 */
    /* Enable bit clear: no configuration cycle. */
    iobus_write(bus, 0xCF8, 4, 0);
    ck_assert_uint_eq(iobus_read(bus, 0xCFC, 4), 0xFFFFFFFFu);
    /* The address register reads back what was written (reserved bits 0). */
    iobus_write(bus, 0xCF8, 4, 0x80000807u);
    ck_assert_uint_eq(iobus_read(bus, 0xCF8, 4), 0x80000804u);
    /* Read-only fields stay. */
    cfg_write(0, 0, 0, 4, 0);
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086u);
}
END_TEST

START_TEST(pam_registers_switch_chunks)
{
    ck_assert_uint_eq(pam_mode[15], 0);
    cfg_write(0, 0, 0x59, 1, 0x30);                  /* F0000-FFFFF: read and write RAM */
    for (unsigned k = 12; k < 16; k++)
        ck_assert_uint_eq(pam_mode[k], 3);
    cfg_write(0, 0, 0x5A, 1, 0x21);                  /* C0000 RE, C4000 WE */
    ck_assert_uint_eq(pam_mode[0], 1);
    ck_assert_uint_eq(pam_mode[1], 2);
    cfg_write(0, 0, 0x5F, 1, 0x13);                  /* E8000 RE|WE, EC000 RE */
    ck_assert_uint_eq(pam_mode[10], 3);
    ck_assert_uint_eq(pam_mode[11], 1);
    ck_assert_uint_eq(cfg_read(0, 0, 0x5F, 1), 0x13);
    cfg_write(0, 0, 0x59, 1, 0xFF);                  /* reserved bits read as 0 */
    ck_assert_uint_eq(cfg_read(0, 0, 0x59, 1), 0x30);
    pci_pc_reset(pc);
    ck_assert_uint_eq(pam_mode[10], 0);
    ck_assert_uint_eq(pam_mode[15], 0);
}
END_TEST

START_TEST(pirq_routing)
{
    ck_assert_int_eq(pci_pc_pirq_irq(pc, 0), -1);
    cfg_write(1, 0, 0x60, 4, 0x0B0B0A0Au);
    ck_assert_int_eq(pci_pc_pirq_irq(pc, 0), 10);
    ck_assert_int_eq(pci_pc_pirq_irq(pc, 3), 11);
    cfg_write(1, 0, 0x63, 1, 0x80);
    ck_assert_int_eq(pci_pc_pirq_irq(pc, 3), -1);
}
END_TEST

START_TEST(ide_bar4_sizing_and_mapping)
{
    /* Size probe: all ones reads back the mask with the I/O bit. */
    cfg_write(1, 1, 0x20, 4, 0xFFFFFFFFu);
    ck_assert_uint_eq(cfg_read(1, 1, 0x20, 4), 0xFFFFFFF1u);
    ck_assert_ptr_null(iobus_owner_name(bus, 0xC000));
    cfg_write(1, 1, 0x20, 4, 0xC000);
    cfg_write(1, 1, 0x04, 2, 0x0005);                /* I/O + bus master */
    ck_assert_str_eq(iobus_owner_name(bus, 0xC000), "ide-busmaster");
    iobus_write(bus, 0xC004, 4, 0x12345678);
    ck_assert_uint_eq(ide->ch[0].bm.prd, 0x12345678u & ~3u);
    /* Moving the BAR moves the ports; disabling I/O removes them. */
    cfg_write(1, 1, 0x20, 4, 0xD010);
    ck_assert_ptr_null(iobus_owner_name(bus, 0xC000));
    ck_assert_str_eq(iobus_owner_name(bus, 0xD018), "ide-busmaster");
    ck_assert_uint_eq(iobus_read(bus, 0xD01C, 4), 0);  /* secondary PRD */
    cfg_write(1, 1, 0x04, 2, 0x0000);
    ck_assert_ptr_null(iobus_owner_name(bus, 0xD010));
}
END_TEST

/* ------------------------------------------------------------ VGA */

static struct vga *v;

static void vga_setup(void)
{
    v = malloc(sizeof *v);
    ck_assert_int_eq(vga_init(v, NULL), 0);
}

static void vga_teardown(void)
{
    vga_free(v);
    free(v);
}

static void seq(uint8_t i, uint8_t val) { vga_port_write(v, 0x3C4, 2, (unsigned)val << 8 | i); }
static void gc(uint8_t i, uint8_t val) { vga_port_write(v, 0x3CE, 2, (unsigned)val << 8 | i); }

START_TEST(vga_index_data_and_attribute_flipflop)
{
    vga_port_write(v, 0x3C2, 1, 0x67);
    ck_assert_uint_eq(vga_port_read(v, 0x3CC, 1), 0x67);
    seq(2, 0x05);
    vga_port_write(v, 0x3C4, 1, 2);
    ck_assert_uint_eq(vga_port_read(v, 0x3C5, 1), 0x05);
    /* CRTC at 3D4 in colour mode; 3B4 is not decoded. */
    vga_port_write(v, 0x3D4, 2, 0x4F0A);
    vga_port_write(v, 0x3B4, 2, 0x110A);
    vga_port_write(v, 0x3D4, 1, 0x0A);
    ck_assert_uint_eq(vga_port_read(v, 0x3D5, 1), 0x4F);
    /* Protect bit locks CRTC 0-7. */
    vga_port_write(v, 0x3D4, 2, 0x8011);
    vga_port_write(v, 0x3D4, 2, 0x5501);
    vga_port_write(v, 0x3D4, 1, 0x01);
    ck_assert_uint_eq(vga_port_read(v, 0x3D5, 1), 0x00);
    /* Attribute controller: index, data, index...; 3DA resets to index. */
    (void)vga_port_read(v, 0x3DA, 1);
    vga_port_write(v, 0x3C0, 1, 0x01);
    vga_port_write(v, 0x3C0, 1, 0x3F);
    vga_port_write(v, 0x3C0, 1, 0x02);
    (void)vga_port_read(v, 0x3DA, 1);
    vga_port_write(v, 0x3C0, 1, 0x02);
    vga_port_write(v, 0x3C0, 1, 0x15);
    ck_assert_uint_eq(v->ar[1], 0x3F);
    ck_assert_uint_eq(v->ar[2], 0x15);
    /* The retrace bits change from read to read. */
    ck_assert_uint_ne(vga_port_read(v, 0x3DA, 1) & 8, vga_port_read(v, 0x3DA, 1) & 8);
}
END_TEST

START_TEST(vga_dac_autoincrement)
{
    vga_port_write(v, 0x3C8, 1, 10);
    for (unsigned i = 0; i < 6; i++)
        vga_port_write(v, 0x3C9, 1, 0x40 + i);   /* bit 6 dropped: 6-bit DAC */
    vga_port_write(v, 0x3C7, 1, 10);
    ck_assert_uint_eq(vga_port_read(v, 0x3C9, 1), 0x00);
    ck_assert_uint_eq(vga_port_read(v, 0x3C9, 1), 0x01);
    ck_assert_uint_eq(vga_port_read(v, 0x3C9, 1), 0x02);
    ck_assert_uint_eq(vga_port_read(v, 0x3C9, 1), 0x03);   /* entry 11 */
    ck_assert_uint_eq(vga_port_read(v, 0x3C7, 1), 0x00);   /* read mode */
}
END_TEST

START_TEST(vga_planar_write_and_read_modes)
{
    gc(6, 0x05);                       /* graphics, A0000 64 KiB */
    seq(4, 0x06);                      /* planar, no chain-4, no odd/even */
    seq(2, 0x0F);
    gc(5, 0x00);
    gc(8, 0xFF);
    gc(1, 0x00);
    gc(3, 0x00);
    /* Write mode 0: the byte to all planes. */
    vga_mem_write(v, 0x10, 0xA5);
    for (unsigned p = 0; p < 4; p++) {
        gc(4, (uint8_t)p);
        ck_assert_uint_eq(vga_mem_read(v, 0x10), 0xA5);
    }
    /* Set/reset: planes 0 and 2 forced to ones, others get the byte. */
    gc(0, 0x05);
    gc(1, 0x0F);
    vga_mem_write(v, 0x20, 0x00);
    gc(4, 0);
    ck_assert_uint_eq(vga_mem_read(v, 0x20), 0xFF);
    gc(4, 1);
    ck_assert_uint_eq(vga_mem_read(v, 0x20), 0x00);
    gc(1, 0x00);
    /* Bit mask keeps the latched bits; XOR function. */
    (void)vga_mem_read(v, 0x10);       /* latches = A5 in every plane */
    gc(8, 0x0F);
    gc(3, 0x18);                       /* XOR */
    vga_mem_write(v, 0x10, 0xFF);
    gc(4, 3);
    ck_assert_uint_eq(vga_mem_read(v, 0x10), 0xAA);   /* A5 ^ 0F in the low nibble */
    gc(3, 0x00);
    gc(8, 0xFF);
    /* Write mode 1 copies the latches. */
    (void)vga_mem_read(v, 0x10);
    gc(5, 0x01);
    vga_mem_write(v, 0x30, 0x00);
    gc(5, 0x00);
    gc(4, 3);
    ck_assert_uint_eq(vga_mem_read(v, 0x30), 0xAA);
    /* Write mode 2: bit p of the byte fills plane p. */
    gc(5, 0x02);
    vga_mem_write(v, 0x40, 0x06);
    gc(5, 0x00);
    gc(4, 0);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0x00);
    gc(4, 1);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0xFF);
    /* Write mode 3: set/reset colour under (byte & bit mask). */
    gc(0, 0x01);
    gc(5, 0x03);
    vga_mem_write(v, 0x40, 0xF0);
    gc(5, 0x00);
    gc(4, 0);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0xF0);
    gc(4, 1);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0x0F);
    /* Planes at 0x40 now: F0 0F 0F 00 (mode 3 kept the latched low
     * nibble of planes 1-2). Read mode 1: colour 6 (planes 1, 2) matches
     * the low nibble; with only plane 0 compared, colour 0 matches it too. */
    gc(2, 0x06);
    gc(7, 0x0F);
    gc(5, 0x08);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0x0F);
    gc(2, 0x02);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0x00);
    gc(2, 0x00);
    gc(7, 0x01);
    ck_assert_uint_eq(vga_mem_read(v, 0x40), 0x0F);
    /* Map mask: plane 2 only. */
    gc(5, 0x00);
    seq(2, 0x04);
    vga_mem_write(v, 0x50, 0x77);
    seq(2, 0x0F);
    gc(4, 2);
    ck_assert_uint_eq(vga_mem_read(v, 0x50), 0x77);
    gc(4, 0);
    ck_assert_uint_eq(vga_mem_read(v, 0x50), 0x00);
}
END_TEST

START_TEST(vga_text_mode_odd_even_and_snapshot)
{
    /* Mode 3 as the BIOS programs it (the parts the snapshot uses). */
    vga_port_write(v, 0x3C2, 1, 0x67);
    seq(1, 0x00);
    seq(2, 0x03);
    seq(4, 0x02);                      /* odd/even, not chain-4 */
    gc(5, 0x10);
    gc(6, 0x0E);                       /* text, B8000 32 KiB, chain odd/even */
    vga_port_write(v, 0x3D4, 2, 0x4F01);   /* 80 columns */
    vga_port_write(v, 0x3D4, 2, 0x0F09);   /* 16 scan lines per row */
    vga_port_write(v, 0x3D4, 2, 0x8F12);   /* 400 lines - 1 (low 8 bits) */
    vga_port_write(v, 0x3D4, 2, 0x1F07);   /* overflow: bit 8 of 0x18F */
    vga_port_write(v, 0x3D4, 2, 0x2813);   /* 40 words per row */
    vga_port_write(v, 0x3D4, 2, 0x000C);
    vga_port_write(v, 0x3D4, 2, 0x000D);
    vga_port_write(v, 0x3D4, 2, 0x000E);
    vga_port_write(v, 0x3D4, 2, 0x510F);   /* cursor at 81 = row 1, col 1 */
    vga_port_write(v, 0x3D4, 2, 0x0D0A);
    (void)vga_port_read(v, 0x3DA, 1);
    vga_port_write(v, 0x3C0, 1, 0x10);
    vga_port_write(v, 0x3C0, 1, 0x0C);     /* text, blink */
    vga_port_write(v, 0x3C0, 1, 0x20);     /* screen on */
    /* "Hi" on row 0 and 'X' at row 1 column 2, through the window. */
    vga_mem_write(v, 0x18000, 'H');
    vga_mem_write(v, 0x18001, 0x1E);
    vga_mem_write(v, 0x18002, 'i');
    vga_mem_write(v, 0x18003, 0x07);
    vga_mem_write(v, 0x18000 + 2 * 82, 'X');
    ck_assert_uint_eq(vga_mem_read(v, 0x18001), 0x1E);
    /* Outside the B8000 window: not decoded. */
    vga_mem_write(v, 0x00000, 'Z');
    ck_assert_uint_eq(vga_mem_read(v, 0x00000), 0xFF);
    struct vga_text_screen *t = malloc(sizeof *t);
    ck_assert_int_eq(vga_text_snapshot(v, t), 0);
    ck_assert_uint_eq(t->cols, 80);
    ck_assert_uint_eq(t->rows, 25);
    ck_assert_uint_eq(t->ch[0][0], 'H');
    ck_assert_uint_eq(t->attr[0][0], 0x1E);
    ck_assert_uint_eq(t->ch[0][1], 'i');
    ck_assert_uint_eq(t->ch[1][2], 'X');
    ck_assert(t->cursor_visible);
    ck_assert_uint_eq(t->cursor_row, 1);
    ck_assert_uint_eq(t->cursor_col, 1);
    ck_assert(t->blink_enabled);
    /* Characters are in plane 0, attributes in plane 1. */
    ck_assert_uint_eq(v->vram[0], 'H');
    ck_assert_uint_eq(v->vram[1], 0x1E);
    free(t);
}
END_TEST

START_TEST(vga_vbe_interface)
{
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_ID);
    vga_port_write(v, 0x1CF, 2, VBE_ID0);
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), VBE_ID0);
    vga_port_write(v, 0x1CF, 2, 0x1234);             /* not an ID: ignored */
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), VBE_ID0);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_VIDEO_MEMORY_64K);
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), VGA_VRAM_SIZE >> 16);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_ENABLE);
    vga_port_write(v, 0x1CF, 2, VBE_GETCAPS);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_XRES);
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), VBE_MAX_XRES);
    /* 640x480x32 with the LFB; bank 1 of the window is LFB byte 64 Ki. */
    vga_port_write(v, 0x1CF, 2, 640);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_YRES);
    vga_port_write(v, 0x1CF, 2, 480);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_BPP);
    vga_port_write(v, 0x1CF, 2, 32);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_ENABLE);
    vga_port_write(v, 0x1CF, 2, VBE_ENABLED | VBE_LFB_ENABLED);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_XRES);
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), 640);
    ck_assert_uint_eq(v->vbe_line_offset, 2560);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_BANK);
    vga_port_write(v, 0x1CF, 2, 1);
    vga_mem_write(v, 0x0004, 0x99);
    ck_assert_uint_eq(vga_lfb_read(v, 0x10004), 0x99);
    /* Pixel (1, 0) = bytes 4..7 (B, G, R, x): render gives it as RGB. */
    vga_lfb_write(v, 4, 0x10);
    vga_lfb_write(v, 5, 0x20);
    vga_lfb_write(v, 6, 0x30);
    uint8_t *rgb;
    unsigned w, h;
    ck_assert_int_eq(vga_screen_kind(v), VGA_SCREEN_VBE);
    ck_assert_int_eq(vga_render_rgb(v, &rgb, &w, &h), 0);
    ck_assert_uint_eq(w, 640);
    ck_assert_uint_eq(h, 480);
    ck_assert_uint_eq(rgb[3], 0x30);
    ck_assert_uint_eq(rgb[4], 0x20);
    ck_assert_uint_eq(rgb[5], 0x10);
    free(rgb);
    /* A bad depth is refused. */
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_BPP);
    vga_port_write(v, 0x1CF, 2, 12);
    ck_assert_uint_eq(vga_port_read(v, 0x1CF, 2), 32);
}
END_TEST

START_TEST(vga_planar_16_colour_render)
{
    /* Mode 12h's essentials: 640x480, one bit per plane per pixel,
     * 80 bytes per line, attribute palette identity, default EGA colours
     * in the DAC for entries 0-15 (here: entry 4 red, 9 light blue). */
    vga_port_write(v, 0x3C2, 1, 0xE3);
    seq(1, 0x01);
    seq(2, 0x0F);
    seq(4, 0x06);
    gc(5, 0x02);                          /* write mode 2 */
    gc(6, 0x05);
    gc(8, 0xFF);
    vga_port_write(v, 0x3D4, 2, 0x4F01);  /* 80 characters = 640 pixels */
    vga_port_write(v, 0x3D4, 2, 0x0009);  /* one scan line per row */
    vga_port_write(v, 0x3D4, 2, 0xDF12);  /* 480 - 1 = 0x1DF: low byte */
    vga_port_write(v, 0x3D4, 2, 0x3E07);  /* overflow as mode 12h: VDE bit 8 (b1) set, bit 9 (b6) clear */
    vga_port_write(v, 0x3D4, 2, 0x2813);  /* 40 words = 80 bytes per line */
    vga_port_write(v, 0x3D4, 2, 0xE317);  /* byte mode, no CGA row-scan substitution */
    vga_port_write(v, 0x3D4, 2, 0xFF18);  /* line compare 1FFh: no split screen */
    (void)vga_port_read(v, 0x3DA, 1);
    for (unsigned i = 0; i < 16; i++) {
        vga_port_write(v, 0x3C0, 1, i);
        vga_port_write(v, 0x3C0, 1, i);
    }
    vga_port_write(v, 0x3C0, 1, 0x10);
    vga_port_write(v, 0x3C0, 1, 0x01);    /* graphics */
    vga_port_write(v, 0x3C0, 1, 0x12);
    vga_port_write(v, 0x3C0, 1, 0x0F);    /* all planes shown */
    vga_port_write(v, 0x3C0, 1, 0x20);
    vga_port_write(v, 0x3C8, 1, 4);
    vga_port_write(v, 0x3C9, 1, 42);
    vga_port_write(v, 0x3C9, 1, 0);
    vga_port_write(v, 0x3C9, 1, 0);
    vga_port_write(v, 0x3C8, 1, 9);
    vga_port_write(v, 0x3C9, 1, 21);
    vga_port_write(v, 0x3C9, 1, 21);
    vga_port_write(v, 0x3C9, 1, 63);
    /* Pixels 0-7 of line 0 colour 4; pixel 9 of line 479 colour 9 (bit
     * mask picks bit 6 of byte 1). */
    (void)vga_mem_read(v, 0);
    vga_mem_write(v, 0, 4);
    gc(8, 0x40);
    (void)vga_mem_read(v, 479 * 80 + 1);
    vga_mem_write(v, 479 * 80 + 1, 9);
    uint8_t *rgb;
    unsigned w, h;
    ck_assert_int_eq(vga_screen_kind(v), VGA_SCREEN_GRAPHICS);
    ck_assert_int_eq(vga_render_rgb(v, &rgb, &w, &h), 0);
    ck_assert_uint_eq(w, 640);
    ck_assert_uint_eq(h, 480);
    ck_assert_uint_eq(rgb[0], 170);       /* 42 << 2 | 42 >> 4 */
    ck_assert_uint_eq(rgb[1], 0);
    ck_assert_uint_eq(rgb[7 * 3], 170);
    ck_assert_uint_eq(rgb[8 * 3], 0);     /* pixel 8: colour 0, black */
    size_t p = ((size_t)479 * 640 + 9) * 3;
    ck_assert_uint_eq(rgb[p], 85);
    ck_assert_uint_eq(rgb[p + 2], 255);
    ck_assert_uint_eq(rgb[p - 3 + 2], 0);  /* pixel 8 of that line untouched */
    free(rgb);
}
END_TEST

START_TEST(vga_pci_function)
{
    struct pci_device d;
    v->rom = malloc(40000);
    v->rom_size = 40000;
    vga_pci_init(&d, v, NULL, NULL);
    ck_assert_int_eq(pci_bus_add(pci, &d, 0x10), 0);
    ck_assert_uint_eq(cfg_read(2, 0, 0, 4), 0x11111234u);
    ck_assert_uint_eq(cfg_read(2, 0, 8, 4) >> 8, 0x030000u);
    cfg_write(2, 0, 0x10, 4, 0xFFFFFFFFu);
    ck_assert_uint_eq(cfg_read(2, 0, 0x10, 4), 0xFF000008u);   /* 16 MiB, prefetchable */
    cfg_write(2, 0, 0x30, 4, 0xFFFFFFFFu);
    ck_assert_uint_eq(cfg_read(2, 0, 0x30, 4), 0xFFFF0001u);   /* 64 KiB ROM */
}
END_TEST

START_TEST(pci_state_restores_pam_and_bars)
{
    cfg_write(0, 0, 0x59, 1, 0x30);
    cfg_write(0, 0, 0x5A, 1, 0x11);
    cfg_write(1, 1, 0x20, 4, 0xC000);
    cfg_write(1, 1, 0x04, 2, 0x0001);
    struct state_writer w;
    state_writer_init(&w);
    pci_save(pci, &w);
    /* A fresh board: PAM at reset, BAR4 unmapped. */
    teardown();
    setup();
    memset(pam_mode, 0, sizeof pam_mode);
    ck_assert_ptr_null(iobus_owner_name(bus, 0xC000));
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(pci_load(pci, &r), 0);
    ck_assert_uint_eq(pam_mode[15], 3);
    ck_assert_uint_eq(pam_mode[0], 1);
    ck_assert_uint_eq(pam_mode[1], 1);
    ck_assert_str_eq(iobus_owner_name(bus, 0xC000), "ide-busmaster");
    ck_assert_uint_eq(cfg_read(1, 1, 0x20, 4), 0xC001u);
    /* A bus without the VGA function cannot take a state that has one. */
    struct pci_device d;
    state_writer_free(&w);
    state_writer_init(&w);
    struct vga tmp;
    ck_assert_int_eq(vga_init(&tmp, NULL), 0);
    vga_pci_init(&d, &tmp, NULL, NULL);
    ck_assert_int_eq(pci_bus_add(pci, &d, 0x10), 0);
    pci_save(pci, &w);
    teardown();
    setup();
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(pci_load(pci, &r), -1);
    vga_free(&tmp);
    state_writer_free(&w);
}
END_TEST

START_TEST(vga_state_round_trip)
{
    vga_port_write(v, 0x3C8, 1, 7);
    vga_port_write(v, 0x3C9, 1, 0x11);               /* DAC mid-entry */
    seq(2, 0x0A);
    gc(5, 0x02);
    v->latch[2] = 0x5C;
    vga_lfb_write(v, VGA_VRAM_SIZE - 1, 0xEE);
    vga_lfb_write(v, 0, 0x01);
    vga_port_write(v, 0x1CE, 2, VBE_INDEX_XRES);
    vga_port_write(v, 0x1CF, 2, 800);
    struct state_writer w;
    state_writer_init(&w);
    vga_save(v, &w);
    struct vga *c = malloc(sizeof *c);
    ck_assert_int_eq(vga_init(c, NULL), 0);
    struct state_reader r;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(vga_load(c, &r), 0);
    ck_assert_uint_eq(c->seq[2], 0x0A);
    ck_assert_uint_eq(c->gc[5], 0x02);
    ck_assert_uint_eq(c->latch[2], 0x5C);
    ck_assert_uint_eq(vga_lfb_read(c, VGA_VRAM_SIZE - 1), 0xEE);
    ck_assert_uint_eq(vga_lfb_read(c, 0), 0x01);
    ck_assert_uint_eq(vga_lfb_read(c, 0x10000), 0x00);
    ck_assert_uint_eq(c->vbe[VBE_INDEX_XRES], 800);
    /* Both continue the DAC write at the same component. */
    vga_port_write(v, 0x3C9, 1, 0x22);
    vga_port_write(c, 0x3C9, 1, 0x22);
    ck_assert_int_eq(memcmp(v->dac, c->dac, sizeof v->dac), 0);
    ck_assert_uint_eq(c->dac[7 * 3 + 1], 0x22);
    /* An out-of-range DAC component index is refused. */
    /* Layout from the end: the two non-zero 64 KiB blocks of video memory
     * (0 and 255) with their numbers and count, the VBE registers and
     * index, status reads, latches, the DAC, the DAC state, then the
     * component index. */
    size_t vram_part = 2 + 2 * (2 + 0x10000);
    w.buf[w.len - vram_part - 2 * VBE_INDEX_COUNT - 2 - 4 - 4 - 768 - 2] = 7;
    state_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(vga_load(c, &r), -1);
    vga_free(c);
    free(c);
    state_writer_free(&w);
}
END_TEST

static Suite *pci_vga_suite(void)
{
    Suite *s = suite_create("pci_vga");
    TCase *tc = tcase_create("pci");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mechanism1_ids_and_absent_devices);
    tcase_add_test(tc, pam_registers_switch_chunks);
    tcase_add_test(tc, pirq_routing);
    tcase_add_test(tc, ide_bar4_sizing_and_mapping);
    tcase_add_test(tc, pci_state_restores_pam_and_bars);
    suite_add_tcase(s, tc);
    TCase *tv = tcase_create("vga");
    tcase_add_checked_fixture(tv, setup, teardown);
    tcase_add_checked_fixture(tv, vga_setup, vga_teardown);
    tcase_add_test(tv, vga_index_data_and_attribute_flipflop);
    tcase_add_test(tv, vga_dac_autoincrement);
    tcase_add_test(tv, vga_planar_write_and_read_modes);
    tcase_add_test(tv, vga_text_mode_odd_even_and_snapshot);
    tcase_add_test(tv, vga_vbe_interface);
    tcase_add_test(tv, vga_pci_function);
    tcase_add_test(tv, vga_planar_16_colour_render);
    tcase_add_test(tv, vga_state_round_trip);
    suite_add_tcase(s, tv);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pci_vga_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
