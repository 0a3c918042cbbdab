#include "devices/vga_mode3.h"

/* IBM VGA Technical Reference, mode 03h (720x400, 9-dot cells shown as 8
 * here, 70 Hz): miscellaneous output, sequencer 0-4, CRTC 0-18h, graphics
 * controller 0-8, attribute controller 0-14h. */
static const uint8_t mode3_misc = 0x67;
static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[25] = {
    0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
    0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};
static const uint8_t mode3_gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF };
static const uint8_t mode3_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
    0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00,
};

static void out8(struct vga *v, uint16_t port, uint8_t val)
{
    vga_port_write(v, port, 1, val);
}

void vga_set_mode3(struct vga *v)
{
    out8(v, 0x3C2, mode3_misc);          /* colour port addresses (0x3Dx) */
    out8(v, 0x3C4, 0x00);
    out8(v, 0x3C5, 0x01);                /* sequencer in synchronous reset */
    for (unsigned i = 1; i < sizeof mode3_seq; i++) {
        out8(v, 0x3C4, (uint8_t)i);
        out8(v, 0x3C5, mode3_seq[i]);
    }
    out8(v, 0x3C4, 0x00);
    out8(v, 0x3C5, mode3_seq[0]);
    /* CRTC 11h bit 7 write-protects registers 0-7: clear it first. */
    out8(v, 0x3D4, 0x11);
    out8(v, 0x3D5, 0x00);
    for (unsigned i = 0; i < sizeof mode3_crtc; i++) {
        out8(v, 0x3D4, (uint8_t)i);
        out8(v, 0x3D5, mode3_crtc[i]);
    }
    for (unsigned i = 0; i < sizeof mode3_gc; i++) {
        out8(v, 0x3CE, (uint8_t)i);
        out8(v, 0x3CF, mode3_gc[i]);
    }
    (void)vga_port_read(v, 0x3DA, 1);    /* attribute flip-flop to "index" */
    for (unsigned i = 0; i < sizeof mode3_ar; i++) {
        out8(v, 0x3C0, (uint8_t)i);
        out8(v, 0x3C0, mode3_ar[i]);
    }
    out8(v, 0x3C0, 0x20);                /* palette address source: screen on */
    /* EGA-compatible palette: index bits 0-2 are primary blue, green, red
     * (2/3 intensity), bits 3-5 the secondary ones (1/3). */
    out8(v, 0x3C6, 0xFF);
    out8(v, 0x3C8, 0x00);
    for (unsigned i = 0; i < 64; i++) {
        unsigned r = ((i >> 2) & 1) * 0x2A + ((i >> 5) & 1) * 0x15;
        unsigned g = ((i >> 1) & 1) * 0x2A + ((i >> 4) & 1) * 0x15;
        unsigned b = (i & 1) * 0x2A + ((i >> 3) & 1) * 0x15;
        out8(v, 0x3C9, (uint8_t)r);
        out8(v, 0x3C9, (uint8_t)g);
        out8(v, 0x3C9, (uint8_t)b);
    }
    /* Clear the 80x25 page at B8000h (window offset 18000h) through the
     * odd/even path: even bytes are characters, odd bytes attributes. */
    for (uint32_t i = 0; i < 80u * 25u * 2u; i += 2) {
        vga_mem_write(v, 0x18000 + i, ' ');
        vga_mem_write(v, 0x18000 + i + 1, 0x07);
    }
}
