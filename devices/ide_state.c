#include "devices/ide_state.h"

static void drive_save(const struct ide_drive *d, struct state_writer *w)
{
    state_put_u8(w, (uint8_t)d->present);
    state_put_u8(w, (uint8_t)d->is_cdrom);
    state_put_u8(w, d->media != NULL);
    const uint8_t tf[] = { d->feature, d->nsector, d->sector, d->lcyl, d->hcyl, d->select,
                           d->feature_hob, d->nsector_hob, d->sector_hob, d->lcyl_hob,
                           d->hcyl_hob, d->status, d->error };
    state_put_bytes(w, tf, sizeof tf);
    state_put_u16(w, d->cyls);
    state_put_u16(w, d->heads);
    state_put_u16(w, d->spt);
    state_put_u8(w, d->multiple);
    state_put_u8(w, d->dma_mode);
    state_put_u8(w, (uint8_t)d->write_cache);
    state_put_u8(w, (uint8_t)d->xfer);
    state_put_u8(w, d->cmd);
    state_put_u64(w, d->lba);
    state_put_u32(w, d->remaining);
    state_put_u32(w, d->block);
    state_put_u32(w, d->pos);
    state_put_u32(w, d->len);
    state_put_bytes(w, d->buf, sizeof d->buf);
    state_put_bytes(w, d->packet, sizeof d->packet);
    state_put_u32(w, d->byte_limit);
    state_put_u8(w, d->sense_key);
    state_put_u8(w, d->asc);
    state_put_u8(w, d->ascq);
    state_put_u8(w, (uint8_t)d->media_changed);
    state_put_u8(w, (uint8_t)d->dma_requested);
}

static void drive_load(struct ide_drive *d, struct state_reader *r)
{
    /* The configuration must match the machine loaded into. */
    if (state_get_u8(r) != (d->present ? 1 : 0) || state_get_u8(r) != (d->is_cdrom ? 1 : 0))
        state_fail(r);
    int had_media = state_get_u8(r);
    if (d->present && !d->is_cdrom && had_media != (d->media != NULL))
        state_fail(r);
    uint8_t tf[13];
    state_get_bytes(r, tf, sizeof tf);
    d->feature = tf[0];
    d->nsector = tf[1];
    d->sector = tf[2];
    d->lcyl = tf[3];
    d->hcyl = tf[4];
    d->select = tf[5];
    d->feature_hob = tf[6];
    d->nsector_hob = tf[7];
    d->sector_hob = tf[8];
    d->lcyl_hob = tf[9];
    d->hcyl_hob = tf[10];
    d->status = tf[11];
    d->error = tf[12];
    d->cyls = state_get_u16(r);
    d->heads = state_get_u16(r);
    d->spt = state_get_u16(r);
    d->multiple = state_get_u8(r);
    d->dma_mode = state_get_u8(r);
    d->write_cache = state_get_u8(r) & 1;
    unsigned xfer = state_get_u8(r);
    d->cmd = state_get_u8(r);
    d->lba = state_get_u64(r);
    d->remaining = state_get_u32(r);
    d->block = state_get_u32(r);
    d->pos = state_get_u32(r);
    d->len = state_get_u32(r);
    state_get_bytes(r, d->buf, sizeof d->buf);
    state_get_bytes(r, d->packet, sizeof d->packet);
    d->byte_limit = state_get_u32(r);
    d->sense_key = state_get_u8(r);
    d->asc = state_get_u8(r);
    d->ascq = state_get_u8(r);
    d->media_changed = state_get_u8(r) & 1;
    d->dma_requested = state_get_u8(r) & 1;
    /* Values used as indices or sizes into buf: checked, not trusted. */
    if (xfer > IDE_XFER_ATAPI_DMA || d->len > IDE_BUF_SIZE || d->pos > d->len ||
        d->block > IDE_BUF_SIZE || d->multiple > IDE_MAX_MULTIPLE)
        state_fail(r);
    else
        d->xfer = (enum ide_xfer)xfer;
}

void ide_save(const struct ide *ide, struct state_writer *w)
{
    state_begin(w, "IDE0", 1);
    for (int c = 0; c < IDE_CHANNELS; c++) {
        const struct ide_channel *ch = &ide->ch[c];
        state_put_u8(w, ch->devctl);
        state_put_u8(w, (uint8_t)ch->cur);
        state_put_u8(w, (uint8_t)ch->intrq);
        state_put_u8(w, (uint8_t)ch->irq_level);
        state_put_u8(w, ch->bm.cmd);
        state_put_u8(w, ch->bm.status);
        state_put_u32(w, ch->bm.prd);
        for (int i = 0; i < 2; i++)
            drive_save(&ch->drive[i], w);
    }
    state_end(w);
}

int ide_load(struct ide *ide, struct state_reader *r)
{
    if (state_open(r, "IDE0", 1) != 0)
        return -1;
    for (int c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &ide->ch[c];
        ch->devctl = state_get_u8(r);
        ch->cur = state_get_u8(r) & 1;
        ch->intrq = state_get_u8(r) & 1;
        /* The line's level is the interrupt controller's state too: it is
         * restored from its own record, so it is not driven again here. */
        ch->irq_level = state_get_u8(r) & 1;
        ch->bm.cmd = state_get_u8(r);
        ch->bm.status = state_get_u8(r);
        ch->bm.prd = state_get_u32(r);
        for (int i = 0; i < 2; i++)
            drive_load(&ch->drive[i], r);
    }
    return state_close(r);
}
