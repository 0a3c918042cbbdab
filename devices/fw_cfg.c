#include <stdlib.h>
#include <string.h>

#include "devices/devlog.h"
#include "base/endian.h"
#include "devices/fw_cfg.h"

enum { LOG_WRITE, LOG_DMA };

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

void fw_cfg_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct fw_cfg *f = opaque;
    (void)size;
    if (port == 0x510) {
        f->selector = (uint16_t)val;
        f->offset = 0;
    } else if (port == 0x511) {
        devlog_once(f->log, &f->logged, LOG_WRITE,
                    "fw_cfg: write to the data port ignored (items are read-only)");
    } else {
        devlog_once(f->log, &f->logged, LOG_DMA,
                    "fw_cfg: DMA interface (port 0x514) not modelled; ID says so");
    }
}

void fw_cfg_reset(struct fw_cfg *f)
{
    f->selector = 0;
    f->offset = 0;
}

int fw_cfg_init(struct fw_cfg *f, struct iobus *bus, FILE *log)
{
    memset(f, 0, sizeof *f);
    f->log = log;
    if (fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4) != 0 ||
        fw_cfg_add_u32(f, FW_CFG_ID, 1) != 0 ||   /* traditional interface only */
        rebuild_dir(f) != 0)
        return -1;
    if (bus && (iobus_register(bus, 0x510, 2, fw_cfg_io_read, fw_cfg_io_write, f, "fw_cfg") != 0 ||
                iobus_register(bus, 0x514, 8, NULL, fw_cfg_io_write, f, "fw_cfg-dma") != 0))
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
    state_begin(w, "FWC0", 1);
    state_put_u16(w, f->selector);
    state_put_u32(w, f->offset);
    state_end(w);
}

int fw_cfg_load(struct fw_cfg *f, struct state_reader *r)
{
    if (state_open(r, "FWC0", 1) != 0)
        return -1;
    f->selector = state_get_u16(r);
    f->offset = state_get_u32(r);
    return state_close(r);
}
