/* VGA: the IBM VGA register set and its 256 KiB of planar memory, plus the
 * Bochs VBE "DISPI" extension (ports 0x1CE/0x1CF) and its linear frame
 * buffer, as the SeaBIOS VGA BIOS (vgabios-stdvga.bin) drives them.
 *
 * Video memory is one array in which byte 4*offset + plane is `offset` of
 * plane `plane`: planar modes see four planes, chain-4 and VBE modes see
 * the same bytes linearly (the layout QEMU's stdvga also uses, so the VBE
 * frame buffer and mode 13h agree on where pixels are).
 *
 * Files: vga.c (I/O registers and VBE), vga_mem.c (the 0xA0000 window
 * with its read/write modes, and the linear frame buffer), vga_screen.c
 * (what is on screen: text cells, cursor, colours, pixels), vga_pci.c (the
 * PCI function 1234:1111 with its BARs and ROM).
 * References: IBM VGA Technical Reference (1987) register descriptions;
 * Richard Wilton, "Programmer's Guide to PC Video Systems"; Bochs
 * iodev/vga.h for the DISPI register numbers.
 */
#ifndef SHADOW86_DEVICES_VGA_H
#define SHADOW86_DEVICES_VGA_H

#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"

#define VGA_VRAM_SIZE (16u << 20)     /* also the VBE frame buffer */
#define VGA_PLANE_SIZE 0x10000u       /* 64 KiB per plane in VGA modes */

/* Bochs DISPI registers. */
enum {
    VBE_INDEX_ID, VBE_INDEX_XRES, VBE_INDEX_YRES, VBE_INDEX_BPP, VBE_INDEX_ENABLE,
    VBE_INDEX_BANK, VBE_INDEX_VIRT_WIDTH, VBE_INDEX_VIRT_HEIGHT, VBE_INDEX_X_OFFSET,
    VBE_INDEX_Y_OFFSET, VBE_INDEX_VIDEO_MEMORY_64K, VBE_INDEX_COUNT
};
#define VBE_ID0 0xB0C0
#define VBE_ID5 0xB0C5
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80
#define VBE_MAX_XRES 2560
#define VBE_MAX_YRES 1600
#define VBE_MAX_BPP 32

struct vga {
    uint8_t misc;                 /* miscellaneous output (0x3C2 w, 0x3CC r) */
    uint8_t feature;              /* feature control */
    uint8_t seq_index, seq[8];
    uint8_t crtc_index, crtc[0x40];
    uint8_t gc_index, gc[16];
    uint8_t ar_index, ar[0x20];
    int ar_flipflop;              /* 0: next 0x3C0 write is an index */
    uint8_t dac_mask;
    uint8_t dac_read_index, dac_write_index, dac_sub, dac_state;
    uint8_t dac[256 * 3];         /* 6-bit (or 8-bit with VBE_8BIT_DAC) */
    uint8_t latch[4];
    uint32_t status_reads;        /* input status 1 reads: drives the retrace bits */

    uint16_t vbe_index;
    uint16_t vbe[VBE_INDEX_COUNT];
    uint32_t vbe_line_offset;     /* bytes per scan line in VBE modes */
    uint32_t vbe_start;           /* byte offset of the visible top-left pixel */

    uint8_t *vram;                /* VGA_VRAM_SIZE bytes */
    uint8_t *rom;                 /* option ROM (VGA BIOS), or NULL */
    uint32_t rom_size;

    /* 64 KiB blocks of video memory ever written (not guest state: a
     * snapshot saves and clears only these, instead of scanning 16 MiB). */
    uint64_t vram_touched[VGA_VRAM_SIZE / 0x10000 / 64];

    FILE *log;
    uint32_t logged;              /* one-time notices already given (bit per kind) */
    uint64_t mem_reads, mem_writes;
    /* Counts every write that can change the picture (registers, DAC,
     * window, frame buffer): a frontend redraws only when it moved. Not
     * guest state (a snapshot does not carry it). */
    uint64_t generation;
};

/* Allocate video memory. Returns 0 or -1 (out of memory). */
int vga_init(struct vga *v, FILE *log);
void vga_free(struct vga *v);
void vga_reset(struct vga *v);
/* Ports 0x3B0-0x3DF and 0x1CE-0x1D0. */
int vga_register_ports(struct vga *v, struct iobus *bus);

/* Port access (also used by tests). */
uint32_t vga_port_read(struct vga *v, uint16_t port, unsigned size);
void vga_port_write(struct vga *v, uint16_t port, unsigned size, uint32_t val);

/* The legacy window: `offset` from 0xA0000 (0 .. 0x1FFFF). */
uint8_t vga_mem_read(struct vga *v, uint32_t offset);
void vga_mem_write(struct vga *v, uint32_t offset, uint8_t val);
/* The linear frame buffer (BAR0), `offset` into video memory. */
uint8_t vga_lfb_read(struct vga *v, uint32_t offset);
void vga_lfb_write(struct vga *v, uint32_t offset, uint8_t val);

static inline void vga_touch(struct vga *v, uint32_t offset)
{
    unsigned b = (offset >> 16) & (VGA_VRAM_SIZE / 0x10000 - 1);
    v->vram_touched[b >> 6] |= 1ull << (b & 63);
}

/* Recompute the VBE line offset and start from the VBE registers. */
void vga_vbe_relayout(struct vga *v);

/* Logged once per kind (bit), then silent. */
void vga_log_once(struct vga *v, unsigned bit, const char *what, unsigned value);

#endif
