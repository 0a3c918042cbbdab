#include <stdlib.h>
#include <string.h>

#include "devices/devlog.h"
#include "base/endian.h"
#include "devices/fw_cfg.h"

enum { LOG_WRITE, LOG_DMA, LOG_DMA_WIDTH, LOG_DMA_HIGH };

static struct fw_cfg_item *find(struct fw_cfg *f, uint16_t key)
{
    for (unsigned i = 0; i < f->nitems; i++)
        if (f->items[i].key == key)
            return &f->items[i];
    return NULL;
}

int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    struct fw_cfg_item *it = find(f, key);
    if (!it) {
        if (f->nitems >= FW_CFG_MAX_ITEMS)
            return -1;
        it = &f->items[f->nitems++];
        memset(it, 0, sizeof *it);
        it->key = key;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    free(it->data);
    it->data = copy;
    it->len = len;
    return 0;
}

int fw_cfg_add_u16(struct fw_cfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2];
    le16_store(b, v);
    return fw_cfg_add_bytes(f, key, b, 2);
}

int fw_cfg_add_u32(struct fw_cfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    le32_store(b, v);
    return fw_cfg_add_bytes(f, key, b, 4);
}

int fw_cfg_add_u64(struct fw_cfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    le64_store(b, v);
    return fw_cfg_add_bytes(f, key, b, 8);
}

/* The directory is rebuilt whenever a file is added, in the order added. */
static int rebuild_dir(struct fw_cfg *f)
{
    uint32_t len = 4 + 64 * f->nfiles;
    uint8_t *dir = calloc(1, len);
    if (!dir)
        return -1;
    be32_store(dir, f->nfiles);
    uint8_t *e = dir + 4;
    for (unsigned i = 0; i < f->nitems; i++) {
        const struct fw_cfg_item *it = &f->items[i];
        if (!it->name[0])
            continue;
        be32_store(e, it->len);
        be16_store(e + 4, it->key);
        memcpy(e + 8, it->name, FW_CFG_NAME_LEN);
        e += 64;
    }
    int rc = fw_cfg_add_bytes(f, FW_CFG_FILE_DIR, dir, len);
    free(dir);
    return rc;
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
    if (strlen(name) >= FW_CFG_NAME_LEN)
        return -1;
    for (unsigned i = 0; i < f->nitems; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return fw_cfg_add_bytes(f, f->items[i].key, data, len);
    uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + f->nfiles);
    if (fw_cfg_add_bytes(f, key, data, len) != 0)
        return -1;
    struct fw_cfg_item *it = find(f, key);
    strcpy(it->name, name);
    f->nfiles++;
    return rebuild_dir(f);
}

uint32_t fw_cfg_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (port >= 0x514 && port < 0x51C) {
        if (!f->read_mem)
            return iobus_float_value(size);
        /* The DMA signature, its bytes in address order (the register is
         * big-endian, so "QEMU CFG" reads as a string). */
        uint32_t v = 0;
        for (unsigned i = 0; i < size && port - 0x514u + i < 8; i++) {
            unsigned byte = port - 0x514u + i;
            v |= (uint32_t)((FW_CFG_DMA_SIGNATURE >> (56 - 8 * byte)) & 0xFF) << (8 * i);
        }
        return v;
    }
    if (port != 0x511)
        return iobus_float_value(size);   /* selector reads: nothing */
    uint32_t v = 0;
    /* Wider reads of the data port give consecutive bytes, as in QEMU. */
    for (unsigned i = 0; i < size; i++) {
        const struct fw_cfg_item *it = find(f, f->selector);
        uint8_t b = 0;
        if (it && f->offset < it->len)
            b = it->data[f->offset++];
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

/* One DMA descriptor at guest physical `desc` (fw_cfg.rst "DMA
 * interface"): select, then read, skip or write `length` bytes. */
static void dma_transfer(struct fw_cfg *f, uint32_t desc)
{
    uint8_t d[16];
    f->read_mem(f->mem_opaque, desc, d, sizeof d);
    uint32_t control = be32_load(d);
    uint32_t length = be32_load(d + 4);
    uint64_t address = (uint64_t)be32_load(d + 8) << 32 | be32_load(d + 12);
    int read = 0, write = 0;

    if (control & FW_CFG_DMA_CTL_SELECT) {
        f->selector = (uint16_t)(control >> 16);
        f->offset = 0;
    }
    if (control & FW_CFG_DMA_CTL_READ)
        read = 1;
    else if (control & FW_CFG_DMA_CTL_WRITE)
        write = 1;
    else if (!(control & FW_CFG_DMA_CTL_SKIP))
        length = 0;   /* select only */
    control = 0;

    f->dma_transfers++;
    while (length > 0 && !control) {
        const struct fw_cfg_item *it = find(f, f->selector);
        uint32_t len;
        if (read && address + length > 0x100000000ull) {
            /* Guest memory is 32-bit: a destination past 4 GiB is an error. */
            control = FW_CFG_DMA_CTL_ERROR;
            break;
        }
        if (write) {
            control = FW_CFG_DMA_CTL_ERROR;   /* no item is writable */
            break;
        }
        if (!it || f->offset >= it->len) {
            /* Past the end (or no such item): a read gives zeros. */
            len = length;
            if (read) {
                uint8_t zero[256] = { 0 };
                for (uint32_t done = 0; done < len;) {
                    uint32_t n = len - done < sizeof zero ? len - done : (uint32_t)sizeof zero;
                    f->write_mem(f->mem_opaque, (uint32_t)address + done, zero, n);
                    done += n;
                }
            }
        } else {
            len = length <= it->len - f->offset ? length : it->len - f->offset;
            if (read)
                f->write_mem(f->mem_opaque, (uint32_t)address, it->data + f->offset, len);
            f->offset += len;
        }
        if (read)
            f->dma_bytes += len;
        address += len;
        length -= len;
    }
    uint8_t c[4];
    be32_store(c, control);
    f->write_mem(f->mem_opaque, desc + 0, c, 4);
}

void fw_cfg_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct fw_cfg *f = opaque;
    if (port == 0x510) {
        f->selector = (uint16_t)val;
        f->offset = 0;
    } else if (port == 0x511) {
        devlog_once(f->log, &f->logged, LOG_WRITE,
                    "fw_cfg: write to the data port ignored (items are read-only)");
    } else if (!f->read_mem) {
        devlog_once(f->log, &f->logged, LOG_DMA,
                    "fw_cfg: DMA interface (port 0x514) not modelled; ID says so");
    } else if (size != 4 || (port != 0x514 && port != 0x518)) {
        /* QEMU accepts only 32-bit writes to either half. */
        devlog_once(f->log, &f->logged, LOG_DMA_WIDTH,
                    "fw_cfg: DMA address register written other than 32 bits at 0x514/0x518; "
                    "ignored");
    } else if (port == 0x514) {
        f->dma_addr_high = bswap32(val);
    } else {
        if (f->dma_addr_high) {
            devlog_once(f->log, &f->logged, LOG_DMA_HIGH,
                        "fw_cfg: DMA descriptor above 4 GiB; ignored");
            return;
        }
        dma_transfer(f, bswap32(val));
    }
}

void fw_cfg_reset(struct fw_cfg *f)
{
    f->selector = 0;
    f->offset = 0;
    f->dma_addr_high = 0;
}

void fw_cfg_set_dma_mem(struct fw_cfg *f, fw_cfg_mem_fn read_mem, fw_cfg_mem_fn write_mem,
                        void *opaque)
{
    f->read_mem = read_mem;
    f->write_mem = write_mem;
    f->mem_opaque = opaque;
    fw_cfg_add_u32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | (read_mem ? FW_CFG_ID_DMA : 0));
}

int fw_cfg_init(struct fw_cfg *f, struct iobus *bus, FILE *log)
{
    memset(f, 0, sizeof *f);
    f->log = log;
    if (fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4) != 0 ||
        fw_cfg_add_u32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL) != 0 ||   /* DMA once given memory */
        rebuild_dir(f) != 0)
        return -1;
    if (bus && (iobus_register(bus, 0x510, 2, fw_cfg_io_read, fw_cfg_io_write, f, "fw_cfg") != 0 ||
                iobus_register(bus, 0x514, 8, fw_cfg_io_read, fw_cfg_io_write, f, "fw_cfg-dma") != 0))
        return -1;
    return 0;
}

void fw_cfg_free(struct fw_cfg *f)
{
    for (unsigned i = 0; i < f->nitems; i++) {
        free(f->items[i].data);
        f->items[i].data = NULL;
    }
    f->nitems = 0;
}

void fw_cfg_save(const struct fw_cfg *f, struct state_writer *w)
{
    state_begin(w, "FWC0", 2);
    state_put_u16(w, f->selector);
    state_put_u32(w, f->offset);
    state_put_u32(w, f->dma_addr_high);
    state_end(w);
}

int fw_cfg_load(struct fw_cfg *f, struct state_reader *r)
{
    if (state_open(r, "FWC0", 2) != 0)
        return -1;
    f->selector = state_get_u16(r);
    f->offset = state_get_u32(r);
    f->dma_addr_high = r->version >= 2 ? state_get_u32(r) : 0;   /* v1: no DMA */
    return state_close(r);
}
