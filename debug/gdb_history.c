#include <stdlib.h>
#include <string.h>

#include "debug/gdb_history.h"
#include "machine/snapshot.h"

static void alarm_fn(struct machine *m, void *opaque);

static void arm(struct gdb_history *h)
{
    uint64_t at = h->n ? h->s[h->n - 1].icount + h->every : MACHINE_ALARM_OFF;
    machine_set_alarm(h->m, MACHINE_ALARM_DEBUG, at, h->n ? alarm_fn : NULL, h);
}

static void drop(struct gdb_history *h, unsigned i)
{
    h->bytes -= h->s[i].len;
    free(h->s[i].buf);
    h->s[i].buf = NULL;
    h->dropped++;
}

/* Keep snapshots 0, 2, 4, ...: the attach point stays, and the interval
 * doubles. */
static void thin(struct gdb_history *h)
{
    unsigned k = 0;
    for (unsigned i = 0; i < h->n; i++) {
        if (i % 2 == 0)
            h->s[k++] = h->s[i];
        else
            drop(h, i);
    }
    h->n = k;
    h->every *= 2;
}

static int take(struct gdb_history *h)
{
    struct machine *m = h->m;
    if (h->n == GDB_HISTORY_MAX_SNAPS || h->bytes > GDB_HISTORY_MAX_BYTES)
        thin(h);
    struct state_writer w;
    state_writer_init(&w);
    replay_hold_time(m, 1);
    int rc = machine_save(m, &w);
    replay_hold_time(m, 0);
    if (rc != 0) {
        state_writer_free(&w);
        return -1;
    }
    struct gdb_snap *s = &h->s[h->n++];
    s->icount = machine_insn_total(m);
    s->buf = w.buf;
    s->len = w.len;
    replay_mark(m, &s->cur);
    h->bytes += w.len;
    h->taken++;
    return 0;
}

static void alarm_fn(struct machine *m, void *opaque)
{
    struct gdb_history *h = opaque;
    (void)m;
    /* Out of memory: the history simply ends here (reverse execution
     * still reaches back to the snapshots it has). */
    if (take(h) != 0)
        return;
    arm(h);
}

int gdb_history_start(struct gdb_history *h, struct machine *m, uint64_t every)
{
    gdb_history_free(h);
    h->m = m;
    h->every = every ? every : GDB_HISTORY_DEFAULT_EVERY;
    if (take(h) != 0)
        return -1;
    arm(h);
    return 0;
}

void gdb_history_free(struct gdb_history *h)
{
    for (unsigned i = 0; i < h->n; i++)
        free(h->s[i].buf);
    if (h->m)
        machine_set_alarm(h->m, MACHINE_ALARM_DEBUG, MACHINE_ALARM_OFF, NULL, NULL);
    memset(h, 0, sizeof *h);
}

int gdb_history_find(const struct gdb_history *h, uint64_t icount)
{
    for (unsigned i = h->n; i-- > 0;)
        if (h->s[i].icount <= icount)
            return (int)i;
    return -1;
}

int gdb_history_restore(struct gdb_history *h, unsigned i)
{
    struct machine *m = h->m;
    char err[MACHINE_ERR_MAX];
    uint64_t from = machine_insn_total(m);
    if (i >= h->n || machine_load(m, h->s[i].buf, h->s[i].len, err, sizeof err) != 0)
        return -1;
    replay_rewind(m, &h->s[i].cur, from);
    arm(h);
    return 0;
}

void gdb_history_truncate(struct gdb_history *h, uint64_t icount)
{
    while (h->n && h->s[h->n - 1].icount > icount) {
        h->n--;
        drop(h, h->n);
    }
    arm(h);
}
