#include <string.h>

#include "cpu/mem.h"
#include "dbt/dbt.h"
#include "machine/cpu_state.h"
#include "machine/machine.h"
#include "machine/board.h"
#include "machine/snapshot.h"

#define PAGE PHYSMEM_PAGE_SIZE
#define RAM_END_MARK 0xFFFFFFFFu

static int page_is_zero(const uint8_t *p)
{
    for (unsigned i = 0; i < PAGE; i++)
        if (p[i])
            return 0;
    return 1;
}

/* RAM is saved from the pages physmem has allocated, read directly (not
 * through PAM or MMIO, which could show ROM or device registers instead
 * of the RAM beneath). */
static void ram_save(const struct machine *m, struct state_writer *w)
{
    const struct physmem *pm = &m->mem;
    state_begin(w, "RAM0", 1);
    state_put_u32(w, pm->ram_size);
    state_put_u8(w, pm->a20_mask == 0xFFFFFFFFu);
    state_put_u8(w, m->a20_sources);
    for (unsigned i = 0; i < PHYSMEM_PAM_CHUNKS; i++)
        state_put_u8(w, (uint8_t)physmem_get_pam(pm, i));
    for (uint32_t a = 0; a < pm->ram_size; a += PAGE) {
        /* Own page, shared frame or swap file: the bytes. */
        const uint8_t *bytes = physmem_ram_content(pm, a);
        if (!bytes || page_is_zero(bytes))
            continue;
        state_put_u32(w, a);
        state_put_bytes(w, bytes, PAGE);
    }
    state_put_u32(w, RAM_END_MARK);
    state_end(w);
}

static int ram_load(struct machine *m, struct state_reader *r)
{
    struct physmem *pm = &m->mem;
    if (state_open(r, "RAM0", 1) != 0)
        return -1;
    if (state_get_u32(r) != pm->ram_size) {
        state_fail(r);
        return -1;
    }
    int a20 = state_get_u8(r) & 1;
    m->a20_sources = state_get_u8(r) & 3;
    uint8_t pam[PHYSMEM_PAM_CHUNKS];
    state_get_bytes(r, pam, sizeof pam);
    /* Open the ROM area to RAM while the pages go in, then set the saved
     * modes. */
    for (unsigned i = 0; i < PHYSMEM_PAM_CHUNKS; i++)
        physmem_set_pam(pm, i, PHYSMEM_PAM_READ_RAM | PHYSMEM_PAM_WRITE_RAM);
    physmem_set_a20(pm, 1);
    /* A machine that has run holds pages the state may not: the state
     * lists only its nonzero pages, so clear every page first. */
    for (uint32_t a = 0; a < pm->ram_size; a += PAGE)
        physmem_clear_page(pm, a);
    for (;;) {
        uint32_t a = state_get_u32(r);
        if (r->failed || a == RAM_END_MARK)
            break;
        uint8_t *dst = (a % PAGE == 0 && a < pm->ram_size) ? physmem_restore_page(pm, a) : NULL;
        if (!dst) {
            state_fail(r);   /* not a RAM page of this machine */
            break;
        }
        state_get_bytes(r, dst, PAGE);
    }
    for (unsigned i = 0; i < PHYSMEM_PAM_CHUNKS; i++)
        physmem_set_pam(pm, i, pam[i] & 3);
    physmem_set_a20(pm, a20);
    physmem_mark_all_dirty(pm);   /* cleared pages were not marked */
    return state_close(r);
}

int machine_save(const struct machine *m, struct state_writer *w)
{
    cpu_state_save(&m->cpus[0], w);
    machine_smp_save(m, w);   /* -smp: the other CPUs */
    ram_save(m, w);
    clock_save(&m->clock, w);
    board_save(m, w);
    return state_writer_failed(w) ? -1 : 0;
}

int machine_load(struct machine *m, const uint8_t *buf, size_t len, char *err, size_t errsz)
{
    struct state_reader r;
    state_reader_init(&r, buf, len);
    const char *what = NULL;
    /* The CPU first: the clock counts from its instruction count. The
     * PIC before the devices that drive its lines. */
    if (cpu_state_load(&m->cpus[0], &r) != 0)
        what = "CPU";
    else if (machine_smp_load(m, buf, len, &r, err, errsz) != 0)
        return -1;
    else if (ram_load(m, &r) != 0)
        what = "memory";
    else if (clock_load(&m->clock, &r) != 0)
        what = "clock";
    else
        what = board_load(m, &r);
    if (what) {
        snprintf(err, errsz, "saved state: the %s record is missing or damaged", what);
        return -1;
    }
    machine_smp_state_loaded(m);   /* [mmu]: TLBs, shadow tables, PDPTEs */
    /* Translated code belongs to the old memory contents. */
    if (m->dbt)
        dbt_flush(m->dbt);
    m->intr_level = i8259_intr_pending(&m->pic);
    m->cpu->stop_requested = 0;
    m->exit_requested = 0;
    m->reset_requested = 0;
    m->quit_requested = 0;
    board_audio_restart(m);   /* the sources go on from the restored time */
    return 0;
}
