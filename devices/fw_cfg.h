/* QEMU's firmware configuration device, port interface (selector 0x510,
 * 16-bit write; data 0x511, byte reads that advance through the selected
 * item). SeaBIOS reads from it the RAM size, the e820 map, the CPU count
 * and the boot order. Only the traditional interface is offered (ID bit 0),
 * not DMA, so firmware reads byte by byte.
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
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_MAX_ITEMS 48
#define FW_CFG_NAME_LEN 56

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
    FILE *log;
    uint32_t logged;
};

int fw_cfg_init(struct fw_cfg *f, struct iobus *bus, FILE *log);
void fw_cfg_free(struct fw_cfg *f);
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
