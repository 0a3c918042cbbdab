/* The VGA memory window (0xA0000-0xBFFFF) and the VBE linear frame buffer.
 *
 * A CPU access goes through the graphics controller: the memory map
 * select (GC 6 bits 3:2) decides which part of the window is decoded;
 * chain-4 (sequencer 4 bit 3), odd/even (GC 5 bit 4) or planar addressing
 * picks planes and the offset in them; reads load the four latches and
 * return one plane (read mode 0) or a colour-compare result (mode 1);
 * writes combine the CPU byte, set/reset, the latches, the logical
 * function and the bit mask in one of four write modes, into the planes
 * the map mask enables. IBM VGA Technical Reference, "Graphics
 * Controller Registers" and "Sequencer Registers".
 */
#include "devices/vga.h"

/* Translate a window offset to a plane offset. Returns -1 when the
 * current memory map does not decode the address. */
static int32_t window_offset(const struct vga *v, uint32_t addr)
{
    switch ((v->gc[6] >> 2) & 3) {
    case 0: return (int32_t)addr;                                    /* A0000, 128 KiB */
    case 1: return addr < 0x10000 ? (int32_t)addr : -1;              /* A0000, 64 KiB */
    case 2: return addr >= 0x10000 && addr < 0x18000 ? (int32_t)(addr - 0x10000) : -1;
    default: return addr >= 0x18000 ? (int32_t)(addr - 0x18000) : -1;   /* B8000 */
    }
}

static int vbe_banked(const struct vga *v)
{
    return (v->vbe[VBE_INDEX_ENABLE] & VBE_ENABLED) && v->vbe[VBE_INDEX_BPP] > 4;
}

static uint8_t expand_bit(unsigned bit)
{
    return bit ? 0xFF : 0x00;
}

uint8_t vga_mem_read(struct vga *v, uint32_t offset)
{
    v->mem_reads++;
    int32_t a = window_offset(v, offset & 0x1FFFF);
    if (a < 0)
        return 0xFF;
    if (vbe_banked(v)) {
        uint32_t p = ((uint32_t)v->vbe[VBE_INDEX_BANK] << 16) + (uint32_t)(a & 0xFFFF);
        return p < VGA_VRAM_SIZE ? v->vram[p] : 0xFF;
    }
    if (v->seq[4] & 0x08)                       /* chain-4: byte a is plane a&3 */
        return v->vram[a];
    uint32_t off;
    unsigned plane;
    if (v->gc[5] & 0x10) {                      /* odd/even: A0 picks plane 0/1 (2/3) */
        plane = (v->gc[4] & 2) | (a & 1);
        off = (uint32_t)a & ~1u;
    } else {
        plane = v->gc[4] & 3;
        off = (uint32_t)a;
    }
    off &= VGA_PLANE_SIZE - 1;
    for (unsigned p = 0; p < 4; p++)
        v->latch[p] = v->vram[off * 4 + p];
    if (!(v->gc[5] & 0x08))
        return v->latch[plane];
    /* Read mode 1: bit set where every plane not masked out by colour
     * don't care (GC 7) matches colour compare (GC 2). */
    uint8_t result = 0xFF;
    for (unsigned p = 0; p < 4; p++) {
        if (!(v->gc[7] >> p & 1))
            continue;
        uint8_t want = expand_bit(v->gc[2] >> p & 1);
        result &= (uint8_t)~(v->latch[p] ^ want);
    }
    return result;
}

/* The logical function of GC 3 bits 4:3 between data and latch. */
static uint8_t alu(const struct vga *v, uint8_t data, uint8_t latch)
{
    switch ((v->gc[3] >> 3) & 3) {
    case 0: return data;
    case 1: return data & latch;
    case 2: return data | latch;
    default: return data ^ latch;
    }
}

static uint8_t rotate(const struct vga *v, uint8_t val)
{
    unsigned r = v->gc[3] & 7;
    return (uint8_t)((val >> r) | (val << ((8 - r) & 7)));
}

void vga_mem_write(struct vga *v, uint32_t offset, uint8_t val)
{
    v->mem_writes++;
    v->generation++;
    int32_t a = window_offset(v, offset & 0x1FFFF);
    if (a < 0)
        return;
    if (vbe_banked(v)) {
        uint32_t p = ((uint32_t)v->vbe[VBE_INDEX_BANK] << 16) + (uint32_t)(a & 0xFFFF);
        if (p < VGA_VRAM_SIZE) {
            v->vram[p] = val;
            vga_touch(v, p);
        }
        return;
    }
    /* VGA addressing reaches the first 256 KiB (four 64 KiB blocks). */
    v->vram_touched[0] |= 0x0F;
    uint8_t map_mask = v->seq[2] & 0x0F;
    if (v->seq[4] & 0x08) {                     /* chain-4 */
        if (map_mask & (1u << (a & 3)))
            v->vram[a] = val;
        return;
    }
    uint32_t off = (uint32_t)a;
    if (v->gc[5] & 0x10) {                      /* odd/even */
        map_mask &= (a & 1) ? 0x0A : 0x05;
        off &= ~1u;
    }
    off &= VGA_PLANE_SIZE - 1;

    uint8_t data[4];
    uint8_t bitmask = v->gc[8];
    switch (v->gc[5] & 3) {
    case 0: {
        uint8_t r = rotate(v, val);
        for (unsigned p = 0; p < 4; p++)
            data[p] = (v->gc[1] >> p & 1) ? expand_bit(v->gc[0] >> p & 1) : r;
        break;
    }
    case 1:                                     /* latches straight to the planes */
        for (unsigned p = 0; p < 4; p++)
            if (map_mask & (1u << p))
                v->vram[off * 4 + p] = v->latch[p];
        return;
    case 2:
        for (unsigned p = 0; p < 4; p++)
            data[p] = expand_bit(val >> p & 1);
        break;
    default:                                    /* mode 3: CPU byte ANDs the bit mask */
        bitmask &= rotate(v, val);
        for (unsigned p = 0; p < 4; p++)
            data[p] = expand_bit(v->gc[0] >> p & 1);
        break;
    }
    for (unsigned p = 0; p < 4; p++) {
        if (!(map_mask & (1u << p)))
            continue;
        uint8_t d = alu(v, data[p], v->latch[p]);
        v->vram[off * 4 + p] = (uint8_t)((d & bitmask) | (v->latch[p] & ~bitmask));
    }
}

uint8_t vga_lfb_read(struct vga *v, uint32_t offset)
{
    return offset < VGA_VRAM_SIZE ? v->vram[offset] : 0xFF;
}

void vga_lfb_write(struct vga *v, uint32_t offset, uint8_t val)
{
    v->generation++;
    if (offset < VGA_VRAM_SIZE) {
        v->vram[offset] = val;
        vga_touch(v, offset);
    }
}
