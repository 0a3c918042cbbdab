/* VGA I/O registers and the Bochs VBE interface. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga.h"

enum {
    LOG_SEQ_INDEX, LOG_CRTC_INDEX, LOG_GC_INDEX, LOG_AR_INDEX, LOG_PORT, LOG_VBE_INDEX,
    LOG_VBE_MODE, LOG_MEM_MODE,
};

void vga_log_once(struct vga *v, unsigned bit, const char *what, unsigned value)
{
    if (v->logged & (1u << bit))
        return;
    v->logged |= 1u << bit;
    if (v->log)
        fprintf(v->log, "vga: %s 0x%X not modelled (further ones not reported)\n", what, value);
}

int vga_init(struct vga *v, FILE *log)
{
    memset(v, 0, sizeof *v);
    v->log = log;
    v->vram = calloc(1, VGA_VRAM_SIZE);
    if (!v->vram)
        return -1;
    vga_reset(v);
    return 0;
}

void vga_free(struct vga *v)
{
    free(v->vram);
    free(v->rom);
    v->vram = NULL;
    v->rom = NULL;
}

void vga_reset(struct vga *v)
{
    /* The BIOS sets every register at mode set; power-on values only need
     * to be sane: colour port addresses, all planes writable. */
    v->misc = 0x01;
    memset(v->seq, 0, sizeof v->seq);
    v->seq[2] = 0x0F;
    memset(v->crtc, 0, sizeof v->crtc);
    memset(v->gc, 0, sizeof v->gc);
    v->gc[8] = 0xFF;
    memset(v->ar, 0, sizeof v->ar);
    v->ar_flipflop = 0;
    v->dac_mask = 0xFF;
    memset(v->vbe, 0, sizeof v->vbe);
    v->vbe[VBE_INDEX_ID] = VBE_ID5;
    v->vbe[VBE_INDEX_BPP] = 8;
    v->vbe[VBE_INDEX_VIDEO_MEMORY_64K] = (uint16_t)(VGA_VRAM_SIZE >> 16);
    v->vbe_line_offset = 0;
    v->vbe_start = 0;
}

/* Colour (0x3Dx) or monochrome (0x3Bx) CRTC addresses: misc bit 0. A port
 * of the other set is not decoded. */
static int crtc_port_active(const struct vga *v, uint16_t port)
{
    int colour = v->misc & 1;
    if ((port & 0xFFF0) == 0x3D0)
        return colour;
    if ((port & 0xFFF0) == 0x3B0)
        return !colour;
    return 1;
}

static uint8_t dac_read(struct vga *v)
{
    uint8_t val = v->dac[v->dac_read_index * 3 + v->dac_sub];
    if (++v->dac_sub == 3) {
        v->dac_sub = 0;
        v->dac_read_index++;
    }
    return val;
}

static void dac_write(struct vga *v, uint8_t val)
{
    /* Six bits per component unless the VBE 8-bit DAC switch is on. */
    if (!(v->vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC))
        val &= 0x3F;
    v->dac[v->dac_write_index * 3 + v->dac_sub] = val;
    if (++v->dac_sub == 3) {
        v->dac_sub = 0;
        v->dac_write_index++;
    }
}

static uint8_t vga_read8(struct vga *v, uint16_t port)
{
    if (!crtc_port_active(v, port))
        return 0xFF;
    switch (port) {
    case 0x3C0:
        return v->ar_index;
    case 0x3C1:
        return v->ar[v->ar_index & 0x1F];
    case 0x3C2:
        return 0x10;               /* input status 0: switch sense (colour monitor) */
    case 0x3C3:
        return 0x01;               /* video subsystem enable */
    case 0x3C4:
        return v->seq_index;
    case 0x3C5:
        return v->seq_index < 8 ? v->seq[v->seq_index] : 0xFF;
    case 0x3C6:
        return v->dac_mask;
    case 0x3C7:
        return v->dac_state;
    case 0x3C8:
        return v->dac_write_index;
    case 0x3C9:
        return dac_read(v);
    case 0x3CA:
        return v->feature;
    case 0x3CC:
        return v->misc;
    case 0x3CE:
        return v->gc_index;
    case 0x3CF:
        return v->gc_index < 16 ? v->gc[v->gc_index] : 0xFF;
    case 0x3B4: case 0x3D4:
        return v->crtc_index;
    case 0x3B5: case 0x3D5:
        return v->crtc_index < 0x40 ? v->crtc[v->crtc_index] : 0xFF;
    case 0x3BA: case 0x3DA: {
        /* Input status 1 resets the attribute flip-flop. Without a raster
         * to follow, the display-enable and vertical-retrace bits change
         * on every read, so any "wait for retrace (to end)" loop finishes
         * after a read or two, deterministically. */
        v->ar_flipflop = 0;
        v->status_reads++;
        return (v->status_reads & 1) ? 0x09 : 0x00;
    }
    default:
        vga_log_once(v, LOG_PORT, "read of port", port);
        return 0xFF;
    }
}

static void vga_write8(struct vga *v, uint16_t port, uint8_t val)
{
    if (!crtc_port_active(v, port))
        return;
    switch (port) {
    case 0x3C0:
        if (!v->ar_flipflop) {
            v->ar_index = val & 0x3F;   /* bit 5: palette address source (screen on) */
        } else {
            unsigned i = v->ar_index & 0x1F;
            if (i < 0x15)
                v->ar[i] = val;
            else
                vga_log_once(v, LOG_AR_INDEX, "attribute controller register", i);
        }
        v->ar_flipflop ^= 1;
        return;
    case 0x3C2:
        v->misc = val;
        return;
    case 0x3C3:
        return;
    case 0x3C4:
        v->seq_index = val;
        return;
    case 0x3C5:
        if (v->seq_index < 8)
            v->seq[v->seq_index] = val;
        else
            vga_log_once(v, LOG_SEQ_INDEX, "sequencer register", v->seq_index);
        return;
    case 0x3C6:
        v->dac_mask = val;
        return;
    case 0x3C7:
        v->dac_read_index = val;
        v->dac_sub = 0;
        v->dac_state = 0x00;   /* DAC in read mode */
        return;
    case 0x3C8:
        v->dac_write_index = val;
        v->dac_sub = 0;
        v->dac_state = 0x03;   /* DAC in write mode */
        return;
    case 0x3C9:
        dac_write(v, val);
        return;
    case 0x3BA: case 0x3DA:
        v->feature = val;
        return;
    case 0x3CE:
        v->gc_index = val;
        return;
    case 0x3CF:
        if (v->gc_index < 9)
            v->gc[v->gc_index] = val;
        else
            vga_log_once(v, LOG_GC_INDEX, "graphics controller register", v->gc_index);
        return;
    case 0x3B4: case 0x3D4:
        v->crtc_index = val;
        return;
    case 0x3B5: case 0x3D5:
        if (v->crtc_index >= 0x19) {
            vga_log_once(v, LOG_CRTC_INDEX, "CRTC register", v->crtc_index);
            return;
        }
        /* CRTC 0-7 are locked by the protect bit, except bit 4 of the
         * overflow register (line compare bit 8) (IBM VGA TR, CRTC 11h). */
        if ((v->crtc[0x11] & 0x80) && v->crtc_index <= 7) {
            if (v->crtc_index == 7)
                v->crtc[7] = (uint8_t)((v->crtc[7] & ~0x10) | (val & 0x10));
            return;
        }
        v->crtc[v->crtc_index] = val;
        return;
    default:
        vga_log_once(v, LOG_PORT, "write to port", port);
        return;
    }
}

/* --------------------------------------------------------------- VBE */

void vga_vbe_relayout(struct vga *v)
{
    unsigned bpp = v->vbe[VBE_INDEX_BPP];
    unsigned bytes = bpp == 15 ? 2 : bpp / 8;
    if (bpp == 4)
        v->vbe_line_offset = v->vbe[VBE_INDEX_VIRT_WIDTH] / 2;
    else
        v->vbe_line_offset = (uint32_t)v->vbe[VBE_INDEX_VIRT_WIDTH] * bytes;
    v->vbe_start = v->vbe_line_offset * v->vbe[VBE_INDEX_Y_OFFSET] +
                   (uint32_t)v->vbe[VBE_INDEX_X_OFFSET] * (bytes ? bytes : 1);
}

static int vbe_bpp_valid(unsigned bpp)
{
    return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static uint16_t vbe_read(struct vga *v)
{
    unsigned i = v->vbe_index;
    if (i >= VBE_INDEX_COUNT) {
        vga_log_once(v, LOG_VBE_INDEX, "VBE register", i);
        return 0;
    }
    if (v->vbe[VBE_INDEX_ENABLE] & VBE_GETCAPS) {
        /* With GETCAPS set, XRES/YRES/BPP read as the maxima. */
        if (i == VBE_INDEX_XRES)
            return VBE_MAX_XRES;
        if (i == VBE_INDEX_YRES)
            return VBE_MAX_YRES;
        if (i == VBE_INDEX_BPP)
            return VBE_MAX_BPP;
    }
    return v->vbe[i];
}

static void vbe_write(struct vga *v, uint16_t val)
{
    unsigned i = v->vbe_index;
    switch (i) {
    case VBE_INDEX_ID:
        if (val >= VBE_ID0 && val <= VBE_ID5)
            v->vbe[i] = val;
        return;
    case VBE_INDEX_XRES:
        if (val <= VBE_MAX_XRES && (val & 7) == 0)
            v->vbe[i] = val;
        return;
    case VBE_INDEX_YRES:
        if (val <= VBE_MAX_YRES)
            v->vbe[i] = val;
        return;
    case VBE_INDEX_BPP:
        if (val == 0)
            val = 8;
        if (vbe_bpp_valid(val))
            v->vbe[i] = val;
        return;
    case VBE_INDEX_BANK:
        if ((uint32_t)val << 16 < VGA_VRAM_SIZE)
            v->vbe[i] = val;
        return;
    case VBE_INDEX_ENABLE: {
        int was = v->vbe[i] & VBE_ENABLED;
        v->vbe[i] = val;
        if ((val & VBE_ENABLED) && !was) {
            /* Entering a VBE mode: virtual size defaults to the visible
             * one, offsets to 0, memory cleared unless asked not to. */
            v->vbe[VBE_INDEX_VIRT_WIDTH] = v->vbe[VBE_INDEX_XRES];
            v->vbe[VBE_INDEX_VIRT_HEIGHT] = v->vbe[VBE_INDEX_YRES];
            v->vbe[VBE_INDEX_X_OFFSET] = 0;
            v->vbe[VBE_INDEX_Y_OFFSET] = 0;
            vga_vbe_relayout(v);
            if (!(val & VBE_NOCLEARMEM)) {
                uint64_t n = (uint64_t)v->vbe_line_offset * v->vbe[VBE_INDEX_YRES];
                memset(v->vram, 0, n < VGA_VRAM_SIZE ? (size_t)n : VGA_VRAM_SIZE);
                for (uint64_t o = 0; o < n && o < VGA_VRAM_SIZE; o += 0x10000)
                    vga_touch(v, (uint32_t)o);
            }
            /* The window at 0xA0000 now shows 64 KiB banks of the frame
             * buffer: graphics mode, chain-4, 64 KiB at 0xA0000. */
            v->gc[6] = (uint8_t)((v->gc[6] & ~0x0C) | 0x05);
            v->seq[4] |= 0x08;
            if (v->vbe[VBE_INDEX_BPP] == 4)
                vga_log_once(v, LOG_VBE_MODE, "VBE 4-bpp planar mode", 4);
        }
        return;
    }
    case VBE_INDEX_VIRT_WIDTH:
        if (val >= v->vbe[VBE_INDEX_XRES] && val <= 8192) {
            v->vbe[i] = val;
            vga_vbe_relayout(v);
        }
        return;
    case VBE_INDEX_VIRT_HEIGHT:
        v->vbe[i] = val;
        return;
    case VBE_INDEX_X_OFFSET:
    case VBE_INDEX_Y_OFFSET:
        v->vbe[i] = val;
        vga_vbe_relayout(v);
        return;
    case VBE_INDEX_VIDEO_MEMORY_64K:
        return;                    /* read-only */
    default:
        vga_log_once(v, LOG_VBE_INDEX, "VBE register", i);
        return;
    }
}

uint32_t vga_port_read(struct vga *v, uint16_t port, unsigned size)
{
    if (port == 0x1CE)
        return v->vbe_index;
    if (port == 0x1CF || port == 0x1D0)
        return vbe_read(v);
    uint32_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= (uint32_t)vga_read8(v, (uint16_t)(port + i)) << (8 * i);
    return r;
}

void vga_port_write(struct vga *v, uint16_t port, unsigned size, uint32_t val)
{
    v->generation++;
    if (port == 0x1CE) {
        v->vbe_index = (uint16_t)val;
        return;
    }
    if (port == 0x1CF || port == 0x1D0) {
        vbe_write(v, (uint16_t)val);
        return;
    }
    /* A 16-bit OUT to an index port writes index then data (the BIOS
     * programs the sequencer, CRTC and GC this way). */
    for (unsigned i = 0; i < size; i++)
        vga_write8(v, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
}

static uint32_t vga_io_read(void *opaque, uint16_t port, unsigned size)
{
    return vga_port_read(opaque, port, size);
}

static void vga_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    vga_port_write(opaque, port, size, val);
}

int vga_register_ports(struct vga *v, struct iobus *bus)
{
    if (iobus_register(bus, 0x3B0, 0x30, vga_io_read, vga_io_write, v, "vga") != 0)
        return -1;
    return iobus_register(bus, 0x1CE, 3, vga_io_read, vga_io_write, v, "vga-vbe");
}
