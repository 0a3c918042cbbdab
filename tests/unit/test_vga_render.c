/* devices/vga_render.c: the scan-out of modes the boot-sector pictures
 * (tests/guests/sdl) do not reach through the BIOS: unchained 256-colour
 * "mode X" with start address, line compare and pixel panning; CGA
 * 4-colour interleave with the row-scan substitution; text glyphs from
 * plane 2 with the ninth column, cursor and blink phases; the generation
 * counter the window redraws by. Expected values come from the register
 * definitions (IBM VGA Technical Reference), not from the renderer. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vga.h"
#include "devices/vga_mode3.h"
#include "devices/vga_render.h"

static struct vga *v;
static uint32_t *px;

static void setup(void)
{
    v = malloc(sizeof *v);
    ck_assert_int_eq(vga_init(v, NULL), 0);
    px = calloc((size_t)VBE_MAX_XRES * VBE_MAX_YRES, sizeof *px);
}

static void teardown(void)
{
    vga_free(v);
    free(v);
    free(px);
}

static void seq(uint8_t i, uint8_t val) { vga_port_write(v, 0x3C4, 2, (unsigned)val << 8 | i); }
static void gc(uint8_t i, uint8_t val) { vga_port_write(v, 0x3CE, 2, (unsigned)val << 8 | i); }
static void crtc(uint8_t i, uint8_t val) { vga_port_write(v, 0x3D4, 2, (unsigned)val << 8 | i); }
static void ar(uint8_t i, uint8_t val)
{
    (void)vga_port_read(v, 0x3DA, 1);
    vga_port_write(v, 0x3C0, 1, i);
    vga_port_write(v, 0x3C0, 1, val);
    vga_port_write(v, 0x3C0, 1, 0x20);
}
static void dac(uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    vga_port_write(v, 0x3C8, 1, i);
    vga_port_write(v, 0x3C9, 1, r);
    vga_port_write(v, 0x3C9, 1, g);
    vga_port_write(v, 0x3C9, 1, b);
}
static void plane(unsigned off, unsigned p, uint8_t val) { v->vram[off * 4 + p] = val; }

/* 6-bit DAC value c as 8 bits: c << 2 | c >> 4. */
#define RGB6(r, g, b) ((uint32_t)((r) << 2 | (r) >> 4) << 16 | (uint32_t)((g) << 2 | (g) >> 4) << 8 | \
                       (uint32_t)((b) << 2 | (b) >> 4))

static void mode_x(void)
{
    vga_port_write(v, 0x3C2, 1, 0xE3);
    seq(1, 0x01);
    seq(2, 0x0F);
    seq(4, 0x06);                 /* chain-4 off */
    gc(5, 0x40);
    gc(6, 0x05);
    crtc(0x11, 0x00);
    crtc(1, 0x4F);                /* 80 character clocks: 320 pixels */
    crtc(9, 0x41);                /* two scan lines a row: 200 of 400 */
    crtc(0x12, 0x8F);
    crtc(7, 0x1F);                /* VDE bit 8, line compare bit 8 set */
    crtc(0x13, 0x28);             /* 80 bytes a line */
    crtc(0x14, 0x00);
    crtc(0x17, 0xE3);             /* byte mode */
    crtc(0x18, 0xFF);
    for (unsigned i = 0; i < 16; i++)
        ar((uint8_t)i, (uint8_t)i);
    ar(0x10, 0x41);
    ar(0x12, 0x0F);
    ar(0x13, 0x00);
}

START_TEST(mode_x_start_split_and_panning)
{
    mode_x();
    crtc(9, 0x01);                /* line compare bit 9 clear */
    crtc(0x18, 0xFF);             /* line compare 0x1FF: no split */
    dac(1, 63, 0, 0);
    dac(2, 0, 63, 0);
    dac(3, 0, 0, 63);
    dac(4, 63, 63, 63);
    plane(0, 0, 1);               /* pixel (0, 0) */
    plane(0, 1, 2);               /* pixel (1, 0) */
    plane(81, 1, 3);              /* pixel (5, 1): plane 1, offset 80 + 1 */
    plane(0x100, 0, 4);
    plane(0x100, 1, 2);
    struct vga_frame_geometry g;
    ck_assert_int_eq(vga_frame_geometry(v, &g), 0);
    ck_assert_uint_eq(g.width, 320);
    ck_assert_uint_eq(g.height, 200);
    ck_assert_uint_eq(g.display_w, 640);
    ck_assert_uint_eq(g.display_h, 400);
    ck_assert_int_eq(vga_render_frame(v, px, 320, 0), 0);
    ck_assert_uint_eq(px[0], RGB6(63, 0, 0));
    ck_assert_uint_eq(px[1], RGB6(0, 63, 0));
    ck_assert_uint_eq(px[320 + 5], RGB6(0, 0, 63));
    ck_assert_uint_eq(px[320 + 4], 0);
    /* Start address 0x100: line 0 shows offset 0x100. */
    crtc(0x0C, 0x01);
    crtc(0x0D, 0x00);
    /* Line compare 199 (raw scan lines): logical line 100 on from offset 0. */
    crtc(0x18, 199);
    crtc(7, 0x0F);                /* line compare bit 8 clear */
    vga_render_frame(v, px, 320, 0);
    ck_assert_uint_eq(px[0], RGB6(63, 63, 63));
    ck_assert_uint_eq(px[99 * 320], 0);
    ck_assert_uint_eq(px[100 * 320], RGB6(63, 0, 0));
    ck_assert_uint_eq(px[101 * 320 + 5], RGB6(0, 0, 63));
    /* Pixel panning 2 (one 256-colour pixel); AR 10h bit 5 keeps the
     * split part unpanned. */
    ar(0x13, 0x02);
    ar(0x10, 0x61);
    vga_render_frame(v, px, 320, 0);
    ck_assert_uint_eq(px[0], RGB6(0, 63, 0));
    ck_assert_uint_eq(px[100 * 320], RGB6(63, 0, 0));
    ar(0x10, 0x41);
    vga_render_frame(v, px, 320, 0);
    ck_assert_uint_eq(px[100 * 320], RGB6(0, 63, 0));
}
END_TEST

START_TEST(cga_four_colour_interleave)
{
    /* Mode 04h's registers: 320x200 from 40 character clocks, odd/even
     * memory, shift register interleave, word mode, row scan bit 0 as
     * MA13 (odd lines 2000h up), double scan. */
    vga_port_write(v, 0x3C2, 1, 0x63);
    seq(1, 0x09);
    seq(4, 0x02);
    gc(5, 0x30);
    gc(6, 0x0F);
    crtc(0x11, 0x00);
    crtc(1, 0x27);
    crtc(9, 0xC1);
    crtc(0x12, 0x8F);
    crtc(7, 0x1F);
    crtc(0x13, 0x14);
    crtc(0x14, 0x00);
    crtc(0x17, 0xA2);
    crtc(0x18, 0xFF);
    static const uint8_t pal[4] = { 0x00, 0x13, 0x15, 0x17 };
    for (unsigned i = 0; i < 16; i++)
        ar((uint8_t)i, pal[i & 3]);
    ar(0x10, 0x01);
    ar(0x12, 0x03);
    dac(0x13, 0, 42, 42);
    dac(0x15, 42, 0, 42);
    dac(0x17, 42, 42, 42);
    /* CPU byte 0 (plane 0, offset 0): pixels 0-3 = 0, 1, 2, 3; CPU byte 1
     * (plane 1, offset 0): pixels 4-7 = 3, 3, 3, 3; CPU byte 2000h (line
     * 1): pixel 0 = 2. CPU byte 80 (line 2): pixel 0 = 1. */
    plane(0, 0, 0x1B);
    plane(0, 1, 0xFF);
    plane(0x2000, 0, 0x80);
    plane(80, 0, 0x40);
    struct vga_frame_geometry g;
    ck_assert_int_eq(vga_frame_geometry(v, &g), 0);
    ck_assert_uint_eq(g.width, 320);
    ck_assert_uint_eq(g.height, 200);
    vga_render_frame(v, px, 320, 0);
    ck_assert_uint_eq(px[0], 0);
    ck_assert_uint_eq(px[1], RGB6(0, 42, 42));
    ck_assert_uint_eq(px[2], RGB6(42, 0, 42));
    ck_assert_uint_eq(px[3], RGB6(42, 42, 42));
    ck_assert_uint_eq(px[4], RGB6(42, 42, 42));
    ck_assert_uint_eq(px[8], 0);
    ck_assert_uint_eq(px[320], RGB6(42, 0, 42));
    ck_assert_uint_eq(px[640], RGB6(0, 42, 42));
}
END_TEST

START_TEST(text_glyphs_cursor_and_blink)
{
    vga_set_mode3(v);             /* 80x25, 9-dot, 16 lines a row, blink on */
    /* Font map 0 in plane 2: 'A' row 0 = 81h; C4h row 3 = FFh. */
    plane('A' * 32u, 2, 0x81);
    plane(0xC4 * 32u + 3, 2, 0xFF);
    plane(0x20 * 32u + 3, 2, 0x00);
    /* Cells: 'A' on blue, yellow; C4h; a blinking 'A'. */
    plane(0, 0, 'A');
    plane(0, 1, 0x1E);
    plane(2, 0, 0xC4);
    plane(2, 1, 0x1E);
    plane(4, 0, 'A');
    plane(4, 1, 0x9E);
    crtc(0x0A, 0x0E);             /* cursor scan lines 14-15 ... */
    crtc(0x0B, 0x0F);
    crtc(0x0E, 0x00);
    crtc(0x0F, 0x01);             /* ... on cell 1 */
    struct vga_frame_geometry g;
    ck_assert_int_eq(vga_frame_geometry(v, &g), 0);
    ck_assert_uint_eq(g.width, 720);
    ck_assert_uint_eq(g.height, 400);
    ck_assert_int_eq(g.text, 1);
    uint32_t yellow = RGB6(63, 63, 21), blue = RGB6(0, 0, 42);
    vga_render_frame(v, px, 720, 0);
    ck_assert_uint_eq(px[0], yellow);           /* 'A' row 0: bits 7 and 0 */
    ck_assert_uint_eq(px[1], blue);
    ck_assert_uint_eq(px[7], yellow);
    ck_assert_uint_eq(px[8], blue);             /* ninth dot: background */
    ck_assert_uint_eq(px[3 * 720 + 9 + 8], yellow);  /* C4h: ninth dot repeats */
    ck_assert_uint_eq(px[14 * 720 + 9 + 4], yellow); /* cursor line, phase on */
    ck_assert_uint_eq(px[18], yellow);          /* blinking 'A', phase on */
    vga_render_frame(v, px, 720, VGA_CURSOR_BLINK_FRAMES);
    ck_assert_uint_eq(px[14 * 720 + 9 + 4], blue);
    ck_assert_uint_eq(px[18], yellow);
    vga_render_frame(v, px, 720, VGA_CHAR_BLINK_FRAMES);
    ck_assert_uint_eq(px[18], blue);
    ck_assert_uint_eq(px[0], yellow);
    /* Map A (attribute bit 3 set) moves to 4000h when sequencer 3 says
     * map 1: the 'A' cells now use an empty glyph. */
    seq(3, 0x04);
    vga_render_frame(v, px, 720, 0);
    ck_assert_uint_eq(px[0], blue);
}
END_TEST

START_TEST(generation_moves_on_picture_writes)
{
    uint64_t g0 = v->generation;
    vga_mem_write(v, 0, 1);
    ck_assert_uint_gt(v->generation, g0);
    g0 = v->generation;
    (void)vga_port_read(v, 0x3DA, 1);
    (void)vga_mem_read(v, 0);
    ck_assert_uint_eq(v->generation, g0);   /* reads change nothing */
    dac(0, 1, 2, 3);
    ck_assert_uint_gt(v->generation, g0);
    g0 = v->generation;
    vga_lfb_write(v, 0x1000, 5);
    ck_assert_uint_gt(v->generation, g0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vga_render");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mode_x_start_split_and_panning);
    tcase_add_test(tc, cga_four_colour_interleave);
    tcase_add_test(tc, text_glyphs_cursor_and_blink);
    tcase_add_test(tc, generation_moves_on_picture_writes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
