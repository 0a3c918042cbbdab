/* QEMU's firmware configuration device, port interface (selector 0x510,
 * 16-bit write; data 0x511, byte reads that advance through the selected
 * item). SeaBIOS reads from it the RAM size, the e820 map, the CPU count
 * and the boot order.
 *
 * The DMA interface (QEMU's docs/specs/fw_cfg.rst) is offered too once the
 * board gives the device its memory callbacks (ID bit 1): the guest writes
 * the physical address of a 16-byte descriptor (big-endian: u32 control,
 * u32 length, u64 address) to the 64-bit big-endian address register at
 * 0x514 (high half at 0x514, low half at 0x518; writing the low half
 * starts the transfer). Control bits: ERROR 1, READ 2, SKIP 4, SELECT 8
 * (the selector in bits 31-16), WRITE 0x10. The transfer completes before
 * the OUT returns; the device then writes the control word back as 0, or
 * with ERROR set. Reads past an item's end give zeros, as in QEMU; writes
 * fail (every item is read-only). Reading 0x514-0x51B gives the DMA
 * signature "QEMU CFG".
 *
 * Items are numbered keys (FW_CFG_*) or named files listed in the file
 * directory (key 0x19: a big-endian count, then per file a big-endian size,
 * key and reserved word and a 56-byte name). The board fills it at wiring;
 * its contents are fixed from then on, so a saved state only needs the
 * selector and offset.
 */
#ifndef SHADOW86_DEVICES_FW_CFG_H
#define SHADOW86_DEVICES_FW_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/iobus.h"
#include "base/state.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_NUMA 0x0D
#define FW_CFG_MAX_CPUS 0x0F
/* The -kernel hand-over to firmware (QEMU's keys): addresses and sizes
 * are little-endian u32; *_DATA are the bytes. */
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_INITRD_ADDR 0x0A
#define FW_CFG_INITRD_SIZE 0x0B
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_MAX_ITEMS 48
#define FW_CFG_NAME_LEN 56

#define FW_CFG_ID_TRADITIONAL 0x01u
#define FW_CFG_ID_DMA 0x02u
#define FW_CFG_DMA_CTL_ERROR 0x01u
#define FW_CFG_DMA_CTL_READ 0x02u
#define FW_CFG_DMA_CTL_SKIP 0x04u
#define FW_CFG_DMA_CTL_SELECT 0x08u
#define FW_CFG_DMA_CTL_WRITE 0x10u
#define FW_CFG_DMA_SIGNATURE 0x51454D5520434647ull   /* "QEMU CFG", big-endian */

/* Guest physical memory for DMA: buf <-> [addr, addr + len). */
typedef void (*fw_cfg_mem_fn)(void *opaque, uint32_t addr, void *buf, uint32_t len);

struct fw_cfg_item {
    uint16_t key;
    uint32_t len;
    uint8_t *data;      /* owned */
    char name[FW_CFG_NAME_LEN];  /* files only; "" for numbered keys */
};

struct fw_cfg {
    struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
    unsigned nitems;
    unsigned nfiles;
    uint16_t selector;
    uint32_t offset;
    uint32_t dma_addr_high;      /* 0x514: the descriptor address's high half */
    fw_cfg_mem_fn read_mem, write_mem;   /* NULL: no DMA interface */
    void *mem_opaque;
    uint64_t dma_transfers, dma_bytes;   /* statistics */
    FILE *log;
    uint32_t logged;
};

int fw_cfg_init(struct fw_cfg *f, struct iobus *bus, FILE *log);
void fw_cfg_free(struct fw_cfg *f);
/* Give the device guest memory: turns the DMA interface on (ID bit 1).
 * Call before the firmware runs. */
void fw_cfg_set_dma_mem(struct fw_cfg *f, fw_cfg_mem_fn read_mem, fw_cfg_mem_fn write_mem,
                        void *opaque);
/* Add (or replace) numbered item `key` with a copy of `data`. Returns 0/-1. */
int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
int fw_cfg_add_u16(struct fw_cfg *f, uint16_t key, uint16_t v);
int fw_cfg_add_u32(struct fw_cfg *f, uint16_t key, uint32_t v);
int fw_cfg_add_u64(struct fw_cfg *f, uint16_t key, uint64_t v);
/* Add a named file (e.g. "etc/e820", "bootorder"). Returns 0/-1. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);
void fw_cfg_reset(struct fw_cfg *f);

uint32_t fw_cfg_io_read(void *opaque, uint16_t port, unsigned size);
void fw_cfg_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val);

void fw_cfg_save(const struct fw_cfg *f, struct state_writer *w);
int fw_cfg_load(struct fw_cfg *f, struct state_reader *r);

#endif
