#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/state.h"
#include "machine/board_display.h"
#include "machine/machine.h"
#include "machine/machine_identity.h"
#include "machine/replay.h"
#include "machine/snapshot.h"
#include "machine/state_hash.h"

enum replay_mode { MODE_RECORD, MODE_REPLAY, MODE_FOLLOW };
enum { PERTURB_NONE, PERTURB_INSN, PERTURB_SERIAL };
#define PORTS REPLAY_PORTS

struct replay_port {
    struct replay *r;
    int port;
    struct uart_backend orig;   /* the frontend's backend */
};

struct replay {
    enum replay_mode mode;
    struct machine *m;
    struct replay_log log;
    char *path;
    int compress;
    uint64_t every;             /* checkpoint interval (0: none) */
    /* A recording re-executing its own past (replay_rewind): it follows
     * the log up to the furthest count it had reached. */
    int following;
    uint64_t frontier;
    /* Re-executing a past the guest's output already came from (after a
     * rewind, in either mode): the consoles are quiet up to quiet_until. */
    int quiet;
    uint64_t quiet_until;
    FILE *quiet_debugcon, *quiet_seabios;
    /* Saving or hashing the machine: host-time reads get the latest value
     * and are not logged (a replay saves where the recording did not). */
    int holding;
    uint64_t next_check;        /* recording */
    unsigned serial_inputs;     /* bit p: port p's backend has input */
    int net_inputs;             /* the card's host end delivers frames */
    struct net_backend net_orig;   /* the frontend's host end */
    struct replay_port ports[PORTS];
    struct replay_cursor cur;
    uint64_t end_icount;
    int end_why;
    uint64_t end_hash;
    /* Perturbation (tests): flip bit 0 of EAX after `at` instructions, or
     * of the serial byte number `at`. */
    int perturb_kind;
    uint64_t perturb_at;
    /* The last checkpoint that matched: its machine state and cursor. */
    uint8_t *good;
    size_t good_len;
    uint64_t good_icount;
    uint64_t matched_icount;    /* the last checkpoint that matched (good_icount or later) */
    struct replay_cursor good_cur;
    int diverged;
    char report[4096];
};

/* ---- Serial: the backend wrapper. */

static void port_write(void *opaque, uint8_t b)
{
    struct replay_port *p = opaque;
    if (p->r->quiet)
        return;   /* re-executing: this byte went out the first time */
    if (p->orig.write)
        p->orig.write(p->orig.opaque, b);
}

static const struct replay_event *next_serial(struct replay *r, int port)
{
    size_t *i = &r->cur.serial[port];
    while (*i < r->log.n && !(r->log.ev[*i].kind == REPLAY_SERIAL && r->log.ev[*i].a == port))
        (*i)++;
    return *i < r->log.n ? &r->log.ev[*i] : NULL;
}

static const struct replay_event *next_host(struct replay *r)
{
    size_t *i = &r->cur.host;
    while (*i < r->log.n && r->log.ev[*i].kind != REPLAY_HOSTTIME)
        (*i)++;
    return *i < r->log.n ? &r->log.ev[*i] : NULL;
}

static const struct replay_event *next_net(struct replay *r)
{
    size_t *i = &r->cur.net;
    while (*i < r->log.n && r->log.ev[*i].kind != REPLAY_NETFRAME)
        (*i)++;
    return *i < r->log.n ? &r->log.ev[*i] : NULL;
}

static int main_kind(uint8_t kind)
{
    return kind != REPLAY_SERIAL && kind != REPLAY_HOSTTIME && kind != REPLAY_NETFRAME;
}

static const struct replay_event *next_main(struct replay *r)
{
    size_t *i = &r->cur.main;
    while (*i < r->log.n && !main_kind(r->log.ev[*i].kind))
        (*i)++;
    return *i < r->log.n ? &r->log.ev[*i] : NULL;
}

static void unquiet(struct replay *r)
{
    if (!r->quiet)
        return;
    r->quiet = 0;
    r->m->debugcon.out = r->quiet_debugcon;
    r->m->seabios_log.out = r->quiet_seabios;
}

/* Every event a re-executing recording has not delivered yet is dropped
 * (its past changed, or it ran past the frontier without them): the
 * delivered ones are a prefix of each stream, so what stays is the log
 * up to the furthest cursor, less the undelivered events in it. */
static void drop_undelivered(struct replay *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->log.n; i++) {
        const struct replay_event *e = &r->log.ev[i];
        size_t at = e->kind == REPLAY_SERIAL ? r->cur.serial[e->a]
                    : e->kind == REPLAY_HOSTTIME ? r->cur.host
                    : e->kind == REPLAY_NETFRAME ? r->cur.net : r->cur.main;
        if (i < at)
            r->log.ev[k++] = *e;
    }
    r->log.n = k;
    r->cur.main = r->cur.host = r->cur.net = k;
    for (int p = 0; p < PORTS; p++)
        r->cur.serial[p] = k;
    r->following = 0;
    unquiet(r);   /* what runs from here is new */
}

/* Whether a stream's input comes from the log now: always in a replay;
 * in a recording while it re-executes its past (up to the frontier, and
 * at the frontier's count while that stream's logged events last). */
static int feeding(struct replay *r, int stream_has_more)
{
    if (r->mode != MODE_RECORD)
        return 1;
    if (!r->following)
        return 0;
    uint64_t now = machine_insn_total(r->m);
    if (now < r->frontier || (now == r->frontier && stream_has_more))
        return 1;
    if (now > r->frontier || (!next_main(r) && !next_host(r) && !next_net(r) &&
                               !next_serial(r, 0) && !next_serial(r, 1)))
        drop_undelivered(r);   /* past it: record live from here */
    return 0;
}

static uint64_t held_now(struct machine *m);

static int port_poll(void *opaque)
{
    struct replay_port *p = opaque;
    struct replay *r = p->r;
    uint64_t now = machine_insn_total(r->m);
    if (r->mode == MODE_RECORD && !feeding(r, next_serial(r, p->port) != NULL)) {
        int c = p->orig.poll ? p->orig.poll(p->orig.opaque) : -1;
        if (c >= 0) {
            struct replay_event e = { .kind = REPLAY_SERIAL, .icount = now, .a = p->port, .b = c,
                                      .time_ns = held_now(r->m) };
            if (replay_log_add(&r->log, &e) != 0)
                r->diverged = -1;   /* out of memory: reported at the end */
        }
        return c;
    }
    const struct replay_event *e = next_serial(r, p->port);
    /* The poll at the recorded count and virtual time (a halted CPU's
     * count stays put while its polls go on). A missed input shows in
     * the next checkpoint's hash. */
    if (!e || e->icount != now || e->time_ns > held_now(r->m))
        return -1;
    r->cur.serial[p->port]++;
    int c = e->b;
    if (r->perturb_kind == PERTURB_SERIAL && r->cur.serial_seen == r->perturb_at) {
        c ^= 1;
        r->cur.perturbed = 1;
    }
    r->cur.serial_seen++;
    return c;
}

/* ---- The network card's host end: the backend wrapper. */

static void net_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct replay *r = opaque;
    if (r->quiet)
        return;   /* re-executing: this frame went out the first time */
    if (r->net_orig.send)
        r->net_orig.send(r->net_orig.opaque, frame, len);
}

static void net_received(void *opaque, const uint8_t *frame, size_t len)
{
    struct replay *r = opaque;
    if (!r->quiet && r->net_orig.received)
        r->net_orig.received(r->net_orig.opaque, frame, len);
}

static void net_wait(void *opaque, uint64_t ns)
{
    struct replay *r = opaque;
    r->net_orig.wait(r->net_orig.opaque, ns);
}

static size_t net_poll(void *opaque, uint8_t *buf, size_t cap)
{
    struct replay *r = opaque;
    uint64_t now = machine_insn_total(r->m);
    if (r->mode == MODE_RECORD && !feeding(r, next_net(r) != NULL)) {
        size_t len = r->net_orig.poll ? r->net_orig.poll(r->net_orig.opaque, buf, cap) : 0;
        if (len > REPLAY_FRAME_MAX)
            len = REPLAY_FRAME_MAX;
        if (len) {
            struct replay_event e = { .icount = now, .time_ns = held_now(r->m) };
            if (replay_log_add_frame(&r->log, e, buf, len) != 0)
                r->diverged = -1;   /* out of memory: reported at the end */
        }
        return len;
    }
    /* The poll at the recorded count and virtual time, as for serial
     * input; a missed frame shows in the next checkpoint's hash. */
    const struct replay_event *e = next_net(r);
    if (!e || e->icount != now || e->time_ns > held_now(r->m))
        return 0;
    r->cur.net++;
    size_t len = (size_t)e->a < cap ? (size_t)e->a : cap;
    memcpy(buf, replay_log_frame(&r->log, e), len);
    return len;
}

static void install_net(struct replay *r, const struct net_backend *b)
{
    if (!r->m->nic.present)
        return;
    if (b)
        r->net_orig = *b;
    else
        memset(&r->net_orig, 0, sizeof r->net_orig);
    if (r->mode == MODE_RECORD && r->net_orig.poll)
        r->net_inputs = 1;
    int live = r->mode == MODE_RECORD && r->net_orig.wait;
    struct net_backend w = { .opaque = r, .send = net_send,
                             .poll = r->net_inputs ? net_poll : NULL,
                             .received = net_received, .wait = live ? net_wait : NULL };
    board_nic_attach(r->m, &w);
}

void replay_net_attach(struct machine *m, const struct net_backend *b)
{
    install_net(m->replay, b);
}

/* ---- Host time (-rtc clock=host): base/clock's tap. */

void replay_hold_time(struct machine *m, int on)
{
    if (m->replay)
        m->replay->holding = on;
}

/* The time inputs are stamped with and compared against: under a host
 * tap, the latest time handed out to the guest, without a host read of
 * its own (a read here would be logged by the recording, or consume a
 * logged one in the replay, where the other run makes none: every later
 * read would then be off by one). Virtual time reads nothing anyway. */
static uint64_t held_now(struct machine *m)
{
    int was = m->replay ? m->replay->holding : 0;
    replay_hold_time(m, 1);
    uint64_t t = clock_now(&m->clock);
    replay_hold_time(m, was);
    return t;
}

static uint64_t held_hash(struct machine *m)
{
    replay_hold_time(m, 1);
    uint64_t h = machine_state_hash(m);
    replay_hold_time(m, 0);
    return h;
}

static int held_save(struct machine *m, struct state_writer *w)
{
    replay_hold_time(m, 1);
    int rc = machine_save(m, w);
    replay_hold_time(m, 0);
    return rc;
}

static uint64_t host_tap(void *opaque, uint64_t host_now)
{
    struct replay *r = opaque;
    if (r->holding)
        return r->cur.host_last;
    if (feeding(r, next_host(r) != NULL)) {
        const struct replay_event *e = next_host(r);
        /* Run out (a divergence): time stands still; the next checkpoint
         * says so. */
        if (e) {
            r->cur.host++;
            r->cur.host_last = e->hash;
        }
        return r->cur.host_last;
    }
    if (host_now < r->cur.host_last)
        host_now = r->cur.host_last;   /* after a rewind: never backwards */
    struct replay_event e = { .kind = REPLAY_HOSTTIME, .icount = machine_insn_total(r->m),
                              .hash = host_now };
    if (replay_log_add(&r->log, &e) != 0)
        r->diverged = -1;
    r->cur.host_last = host_now;
    return host_now;
}

static uint64_t host_last(void *opaque)
{
    const struct replay *r = opaque;
    return r->cur.host_last;
}

static int host_feeding(void *opaque)
{
    struct replay *r = opaque;
    return feeding(r, next_host(r) != NULL);
}

static void install_host_tap(struct replay *r)
{
    if (r->m->clock.mode != CLOCK_HOST)
        return;
    struct clock_host_tap t = { .fn = host_tap, .last = host_last, .feeding = host_feeding,
                                .opaque = r };
    clock_set_host_tap(&r->m->clock, &t);
}

static void install_port(struct replay *r, int port, const struct uart_backend *b)
{
    struct replay_port *p = &r->ports[port];
    p->r = r;
    p->port = port;
    if (b)
        p->orig = *b;
    else
        memset(&p->orig, 0, sizeof p->orig);
    int input = r->mode == MODE_RECORD ? p->orig.poll != NULL : (r->serial_inputs >> port) & 1;
    if (r->mode == MODE_RECORD && input)
        r->serial_inputs |= 1u << port;
    struct uart_backend w = { .opaque = p, .write = port_write, .poll = input ? port_poll : NULL };
    uart16550_set_backend(&r->m->com[port], &w);
}

void replay_serial_attach(struct machine *m, int port, const struct uart_backend *b)
{
    if (port >= 0 && port < PORTS)
        install_port(m->replay, port, b);
}

/* ---- The other doors. */

static void note(struct replay *r, struct replay_event e)
{
    e.icount = machine_insn_total(r->m);
    e.time_ns = held_now(r->m);
    if (replay_log_add(&r->log, &e) != 0)
        r->diverged = -1;
}

int replay_key(struct machine *m, unsigned code, int down)
{
    struct replay *r = m->replay;
    if (feeding(r, next_main(r) != NULL))
        return 1;
    note(r, (struct replay_event){ .kind = REPLAY_KEY, .a = (int32_t)code, .b = down != 0 });
    return 0;
}

int replay_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons)
{
    struct replay *r = m->replay;
    if (feeding(r, next_main(r) != NULL))
        return 1;
    note(r, (struct replay_event){ .kind = REPLAY_MOUSE, .a = dx, .b = dy, .c = dz,
                                   .d = buttons & 7 });
    return 0;
}

int replay_power_button(struct machine *m)
{
    struct replay *r = m->replay;
    if (feeding(r, next_main(r) != NULL))
        return 1;
    note(r, (struct replay_event){ .kind = REPLAY_POWER });
    return 0;
}

int replay_quit(struct machine *m)
{
    struct replay *r = m->replay;
    if (!feeding(r, next_main(r) != NULL))
        note(r, (struct replay_event){ .kind = REPLAY_QUIT });
    /* A person may end a replay early: the end check says so. */
    return 0;
}

static void deliver(struct machine *m, const struct replay_event *e)
{
    switch (e->kind) {
    case REPLAY_KEY:
        ps2kbd_key(&m->kbc.kbd, (unsigned)e->a, e->b);
        break;
    case REPLAY_MOUSE:
        ps2mouse_event(&m->kbc.mouse, e->a, e->b, e->c, e->d);
        break;
    case REPLAY_POWER:
        acpi_pm_press_power_button(&m->pm);
        break;
    case REPLAY_QUIT:
        m->quit_requested = 1;
        cpu_request_stop(m->cpu);
        break;
    case REPLAY_DEBUG_REG:
        if (e->a < 8)
            m->cpu->regs[e->a] = e->d;
        else if (e->a == REPLAY_DREG_EIP)
            m->cpu->eip = e->d;
        else if (e->a == REPLAY_DREG_EFLAGS)
            cpu_set_eflags(m->cpu, e->d);
        else if (e->a >= REPLAY_DREG_SEG0 && e->a < REPLAY_DREG_SEG0 + 6)
            cpu_load_real_seg(m->cpu, e->a - REPLAY_DREG_SEG0, (uint16_t)e->d);
        break;
    case REPLAY_DEBUG_MEM:
        physmem_write8(&m->mem, e->d, (uint8_t)e->b);
        break;
    }
}

/* ---- Creation. */

static struct replay *replay_new(struct machine *m, enum replay_mode mode)
{
    struct replay *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->mode = mode;
    r->m = m;
    m->replay = r;
    install_host_tap(r);
    return r;
}

int replay_record_create(struct machine *m, const char *path, const char *cmdline,
                         uint64_t every, int compress, char *err, size_t errsz)
{
    struct replay *r = replay_new(m, MODE_RECORD);
    size_t ml = strlen(cmdline) + 128;
    if (!r || (path && !(r->path = strdup(path))) || !(r->log.meta = malloc(ml))) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    snprintf(r->log.meta, ml, "cmdline=%s\ncheckpoint_every=%" PRIu64 "\n", cmdline, every);
    r->every = every;
    r->compress = compress;
    for (int p = 0; p < PORTS; p++)
        install_port(r, p, NULL);   /* ports the frontend leaves alone: no input */
    install_net(r, NULL);
    return 0;
}

static uint64_t meta_u64(const struct replay_log *l, const char *key, int *ok)
{
    char buf[64], *end;
    if (replay_log_meta(l, key, buf, sizeof buf) != 0) {
        *ok = 0;
        return 0;
    }
    unsigned long long v = strtoull(buf, &end, 10);
    if (*end || end == buf)
        *ok = 0;
    return v;
}

static int parse_perturb(struct replay *r, const char *s, char *err, size_t errsz)
{
    if (!s)
        return 0;
    char *end;
    const char *num = NULL;
    if (strncmp(s, "insn:", 5) == 0) {
        r->perturb_kind = PERTURB_INSN;
        num = s + 5;
    } else if (strncmp(s, "serial:", 7) == 0) {
        r->perturb_kind = PERTURB_SERIAL;
        num = s + 7;
    }
    if (num && *num >= '0' && *num <= '9') {
        r->perturb_at = strtoull(num, &end, 10);
        if (!*end && (r->perturb_kind != PERTURB_INSN || r->perturb_at > 0))
            return 0;
    }
    snprintf(err, errsz, "--replay-perturb: '%s' is not insn:N (N > 0) or serial:K", s);
    return -1;
}

int replay_replay_create(struct machine *m, const char *path, struct replay_log *log,
                         const char *perturb, char *err, size_t errsz)
{
    struct replay *r = replay_new(m, MODE_REPLAY);
    if (!r || !(r->path = strdup(path))) {
        replay_log_free(log);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    r->log = *log;
    memset(log, 0, sizeof *log);
    int ok = 1;
    r->every = meta_u64(&r->log, "checkpoint_every", &ok);
    r->serial_inputs = (unsigned)meta_u64(&r->log, "serial_inputs", &ok);
    if (!ok || r->serial_inputs > 3) {
        snprintf(err, errsz, "%s: damaged log (metadata)", path);
        return -1;
    }
    char v[8];
    r->net_inputs = replay_log_meta(&r->log, "net_inputs", v, sizeof v) == 0 && !strcmp(v, "1");
    const struct replay_event *end = &r->log.ev[r->log.n - 1];
    r->end_icount = end->icount;
    r->end_why = end->a;
    r->end_hash = end->hash;
    if (parse_perturb(r, perturb, err, errsz) != 0)
        return -1;
    for (int p = 0; p < PORTS; p++)
        install_port(r, p, NULL);
    install_net(r, NULL);
    return 0;
}

/* ---- The alarm: checkpoints, inputs, the perturbation. */

static void alarm_fn(struct machine *m, void *opaque);

/* Events the alarm skips: serial input and host times (their own
 * streams), the end, and checkpoints where nobody checks them (a
 * follower, a recording re-executing its past). */
static int alarm_skips(const struct replay *r, uint8_t kind)
{
    return !main_kind(kind) || kind == REPLAY_END ||
           (kind == REPLAY_CHECK && r->mode != MODE_REPLAY);
}

static void rearm(struct replay *r)
{
    struct machine *m = r->m;
    uint64_t now = machine_insn_total(m), next = MACHINE_ALARM_OFF;
    if (r->mode == MODE_RECORD && !feeding(r, next_main(r) != NULL)) {
        next = r->every ? r->next_check : MACHINE_ALARM_OFF;
    } else {
        size_t *i = &r->cur.main;
        while (*i < r->log.n && (alarm_skips(r, r->log.ev[*i].kind) ||
                                 r->log.ev[*i].icount < now))
            (*i)++;
        if (*i < r->log.n)
            next = r->log.ev[*i].icount;
        if (r->perturb_kind == PERTURB_INSN && !r->cur.perturbed && r->perturb_at < next)
            next = r->perturb_at;
        if (r->mode == MODE_RECORD && r->frontier < next)
            next = r->frontier;   /* where it records again */
        if (next < now)
            next = now;
    }
    if (r->quiet && r->quiet_until > now && r->quiet_until < next)
        next = r->quiet_until;   /* where the consoles speak again */
    machine_set_alarm(m, MACHINE_ALARM_REPLAY, next, alarm_fn, r);
}

static int save_good(struct replay *r)
{
    struct state_writer w;
    state_writer_init(&w);
    if (held_save(r->m, &w) != 0) {
        state_writer_free(&w);
        return -1;
    }
    free(r->good);
    r->good = w.buf;
    r->good_len = w.len;
    r->good_icount = machine_insn_total(r->m);
    r->matched_icount = r->good_icount;
    r->good_cur = r->cur;
    return 0;
}

static void narrow(struct replay *r, uint64_t bad_icount, const char *what);

/* Instructions between the states a replay keeps for narrowing. */
#define REPLAY_GOOD_EVERY 32000000u

static void alarm_fn(struct machine *m, void *opaque)
{
    struct replay *r = opaque;
    uint64_t now = machine_insn_total(m);
    if (r->quiet && now >= r->quiet_until)
        unquiet(r);
    if (r->mode == MODE_RECORD && !feeding(r, next_main(r) != NULL)) {
        if (r->every && now >= r->next_check) {
            struct replay_event e = { .kind = REPLAY_CHECK, .icount = now,
                                      .hash = held_hash(m) };
            if (replay_log_add(&r->log, &e) != 0)
                r->diverged = -1;
            r->next_check = now + r->every;
        }
        rearm(r);
        return;
    }
    if (r->perturb_kind == PERTURB_INSN && !r->cur.perturbed && now >= r->perturb_at) {
        m->cpu->regs[0] ^= 1;   /* "instruction perturb_at computed a different EAX" */
        r->cur.perturbed = 1;
    }
    uint64_t clock = held_now(m);
    while (r->cur.main < r->log.n) {
        const struct replay_event *e = &r->log.ev[r->cur.main];
        if (alarm_skips(r, e->kind)) {
            r->cur.main++;
            continue;
        }
        if (e->icount > now)
            break;
        if (e->kind == REPLAY_CHECK) {
            uint64_t h = held_hash(m);
            if (h != e->hash) {
                char what[160];
                snprintf(what, sizeof what,
                         "checkpoint at %" PRIu64 " instructions: state hash %016" PRIx64
                         ", recorded %016" PRIx64, now, h, e->hash);
                narrow(r, now, what);
                m->quit_requested = 1;
                cpu_request_stop(m->cpu);
                return;
            }
            r->cur.main++;
            r->matched_icount = now;
            /* A state costs a copy of RAM: not at every checkpoint (4 M
             * apart by default), at most every REPLAY_GOOD_EVERY; the
             * narrowing starts from the latest. */
            if ((!r->good || now - r->good_icount >= REPLAY_GOOD_EVERY) && save_good(r) != 0)
                r->diverged = -1;
            continue;
        }
        if (e->time_ns > clock && e->icount == now) {
            /* Delivered in a later pass at this count (after an idle). */
            machine_set_alarm(m, MACHINE_ALARM_REPLAY, now, alarm_fn, r);
            return;
        }
        deliver(m, e);
        r->cur.main++;
    }
    rearm(r);
}

int replay_begin(struct machine *m, char *err, size_t errsz)
{
    struct replay *r = m->replay;
    char why[MACHINE_ERR_MAX];
    char *ident = machine_identity(m, why, sizeof why);
    if (!ident) {
        snprintf(err, errsz, "%s", why);
        return -1;
    }
    if (r->mode == MODE_RECORD) {
        r->log.identity = ident;
        size_t ml = strlen(r->log.meta) + 64;
        char *meta = realloc(r->log.meta, ml);
        if (!meta) {
            snprintf(err, errsz, "out of memory");
            return -1;
        }
        r->log.meta = meta;
        snprintf(meta + strlen(meta), 64, "serial_inputs=%u\nnet_inputs=%d\n", r->serial_inputs,
                 r->net_inputs);
        if (m->clock.mode == CLOCK_HOST) {
            /* The identity cannot hold a host-mode epoch (read at
             * creation): the replay takes it from here. */
            size_t used = strlen(meta);
            char *more = realloc(meta, used + 40);
            if (!more) {
                snprintf(err, errsz, "out of memory");
                return -1;
            }
            r->log.meta = more;
            snprintf(more + used, 40, "epoch=%lld\n", (long long)m->clock.epoch);
        }
        r->next_check = machine_insn_total(m) + r->every;
        rearm(r);
        return 0;
    }
    int same = machine_identity_compare(r->log.identity, ident, why, sizeof why);
    free(ident);
    if (same != 0) {
        snprintf(err, errsz, "%s: recorded with another build or configuration: %s", r->path,
                 why);
        return -1;
    }
    /* The run ends where the recording did (its own way, if it is the
     * same run). */
    if (!m->opts.max_insns || m->opts.max_insns > r->end_icount)
        m->opts.max_insns = r->end_icount ? r->end_icount : 1;
    /* A replay may start from a state saved part-way (--load-state):
     * the inputs before it are in that state already. */
    uint64_t now = machine_insn_total(m);
    for (int p = 0; p < PORTS; p++) {
        const struct replay_event *e;
        while ((e = next_serial(r, p)) && e->icount < now) {
            r->cur.serial[p]++;
            r->cur.serial_seen++;
        }
    }
    const struct replay_event *e;
    while ((e = next_net(r)) && e->icount < now)
        r->cur.net++;
    while ((e = next_host(r)) && e->icount < now) {
        r->cur.host++;
        r->cur.host_last = e->hash;
    }
    if (save_good(r) != 0) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    rearm(r);
    return 0;
}

/* ---- Narrowing a divergence. */

static void noop_display(void *opaque)
{
    (void)opaque;
}

/* A machine like r->m, following the log from the good checkpoint: as
 * this replay runs it (reference 0) or as the reference engine does. */
static struct machine *follower(struct replay *r, int reference, char *err, size_t errsz)
{
    struct machine_options o = r->m->opts;
    o.debugcon_out = NULL;
    o.seabios_log_out = NULL;
    o.log = NULL;
    o.lockstep = 0;
    if (reference) {
        o.no_dbt = 1;
        o.mmu_mode = MMU_MODE_NESTED;
    }
    struct machine *f = malloc(sizeof *f);
    if (!f || machine_create(f, &o, err, errsz) != 0) {
        free(f);
        return NULL;
    }
    /* The same timer table (the frontend's display timer). */
    if (r->m->display.timer >= 0 &&
        board_display_set(f, noop_display, NULL, r->m->display.period_ns) != 0) {
        machine_destroy(f);
        free(f);
        snprintf(err, errsz, "no timer for the display");
        return NULL;
    }
    struct replay *fr = replay_new(f, MODE_FOLLOW);
    if (!fr) {
        machine_destroy(f);
        free(f);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    fr->log = r->log;   /* shared, not owned: see replay_free */
    fr->serial_inputs = r->serial_inputs;
    if (!reference) {
        fr->perturb_kind = r->perturb_kind;
        fr->perturb_at = r->perturb_at;
    }
    for (int p = 0; p < PORTS; p++)
        install_port(fr, p, NULL);
    fr->net_inputs = r->net_inputs;
    install_net(fr, NULL);
    return f;
}

static void follower_free(struct machine *f)
{
    if (!f)
        return;
    memset(&f->replay->log, 0, sizeof f->replay->log);   /* the parent's */
    replay_free(f);
    machine_destroy(f);
    free(f);
}

/* Restore `f` to `state` with `cur` and run it to `to` instructions (or
 * its own end). Returns 0, or -1 if the state does not load. */
static int run_to(struct machine *f, const uint8_t *state, size_t len,
                  const struct replay_cursor *cur, uint64_t to)
{
    char err[MACHINE_ERR_MAX];
    if (machine_load(f, state, len, err, sizeof err) != 0) {
        return -1;
    }
    f->replay->cur = *cur;
    f->opts.max_insns = to;
    machine_set_alarm(f, MACHINE_ALARM_REPLAY, machine_insn_total(f), alarm_fn, f->replay);
    if (machine_insn_total(f) < to)
        machine_run(f);
    return 0;
}

static void narrow(struct replay *r, uint64_t bad_icount, const char *what)
{
    char err[MACHINE_ERR_MAX];
    int n = snprintf(r->report, sizeof r->report,
                     "replay diverged from %s\n  %s\n  last matching checkpoint: %" PRIu64
                     " instructions; narrowing from %" PRIu64
                     " against the reference interpreter\n",
                     r->path, what, r->matched_icount, r->good_icount);
    r->diverged = 1;
    struct machine *a = follower(r, 0, err, sizeof err);
    struct machine *b = a ? follower(r, 1, err, sizeof err) : NULL;
    struct state_writer lo_state;
    state_writer_init(&lo_state);
    if (!a || !b) {
        snprintf(r->report + n, sizeof r->report - (size_t)n, "  cannot narrow: %s\n", err);
        goto out;
    }
    uint64_t lo = r->good_icount, hi = bad_icount;
    const uint8_t *st = r->good;
    size_t stlen = r->good_len;
    struct replay_cursor cur = r->good_cur;
    /* Do this replay and the reference differ at all in the window? */
    if (run_to(a, st, stlen, &cur, hi) || run_to(b, st, stlen, &cur, hi)) {
        snprintf(r->report + n, sizeof r->report - (size_t)n, "  cannot narrow: state reload failed\n");
        goto out;
    }
    if (held_hash(a) == held_hash(b)) {
        snprintf(r->report + n, sizeof r->report - (size_t)n,
                 "  this replay and the reference agree up to %" PRIu64
                 ": the difference came from outside this run (the recording's host or "
                 "build, or an input that was not recorded); window %" PRIu64 "-%" PRIu64 "\n",
                 hi, lo, hi);
        goto out;
    }
    /* Binary search: equal after lo instructions, different after hi. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        run_to(a, st, stlen, &cur, mid);
        run_to(b, st, stlen, &cur, mid);
        if (machine_insn_total(a) == mid && held_hash(a) == held_hash(b)) {
            lo = mid;
            state_writer_free(&lo_state);
            state_writer_init(&lo_state);
            held_save(a, &lo_state);
            st = lo_state.buf;
            stlen = lo_state.len;
            cur = a->replay->cur;
        } else {
            hi = mid;
        }
    }
    /* The instruction that made the difference: where the CPU stood after
     * lo instructions. */
    run_to(a, st, stlen, &cur, lo);
    uint16_t cs = a->cpu->seg[SEG_CS].sel;
    uint32_t eip = a->cpu->eip, lin = a->cpu->seg[SEG_CS].base + eip;
    run_to(a, st, stlen, &cur, hi);
    run_to(b, st, stlen, &cur, hi);
    n += snprintf(r->report + n, sizeof r->report - (size_t)n,
                  "  first difference after instruction %" PRIu64 " (at %04X:%08X, linear "
                  "%08X); this replay vs the reference:\n", hi, cs, eip, lin);
    if (n < (int)sizeof r->report)
        machine_state_diff(a, b, r->report + n, sizeof r->report - (size_t)n, 16);
out:
    state_writer_free(&lo_state);
    follower_free(a);
    follower_free(b);
}

/* ---- The end. */

int replay_finish(struct machine *m, int why, char *err, size_t errsz)
{
    struct replay *r = m->replay;
    /* The frontend has closed its outputs by now: nothing to give back. */
    r->quiet = 0;
    if (r->mode == MODE_RECORD && !r->path)
        return 0;   /* kept in memory for reverse execution only */
    if (r->diverged < 0) {
        snprintf(err, errsz, "%s: out of memory while %s", r->path,
                 r->mode == MODE_RECORD ? "recording" : "replaying");
        return -1;
    }
    uint64_t now = machine_insn_total(m);
    if (r->mode == MODE_RECORD) {
        if (r->following)
            drop_undelivered(r);   /* it ended in a past it had run beyond */
        struct replay_event e = { .kind = REPLAY_END, .icount = now, .a = why,
                                  .hash = held_hash(m) };
        if (replay_log_add(&r->log, &e) != 0) {
            snprintf(err, errsz, "%s: out of memory", r->path);
            return -1;
        }
        return replay_log_write(&r->log, r->path, r->compress, err, errsz);
    }
    if (r->diverged)
        return 1;
    uint64_t h = held_hash(m);
    if (now == r->end_icount && why == r->end_why && h == r->end_hash)
        return 0;
    if (why == MACHINE_STOP_QUIT && now < r->end_icount && m->quit_requested) {
        snprintf(r->report, sizeof r->report,
                 "replay of %s stopped by the user after %" PRIu64 " of %" PRIu64
                 " instructions\n", r->path, now, r->end_icount);
        return 1;
    }
    char what[200];
    snprintf(what, sizeof what,
             "the end: %" PRIu64 " instructions, stop %d, state hash %016" PRIx64
             "; recorded %" PRIu64 ", stop %d, %016" PRIx64,
             now, why, h, r->end_icount, r->end_why, r->end_hash);
    narrow(r, now > r->good_icount ? now : r->good_icount + 1, what);
    return 1;
}

/* ---- Reverse execution and gdb writes. */

void replay_mark(const struct machine *m, struct replay_cursor *cur)
{
    struct replay *r = m->replay;
    *cur = r->cur;
    if (r->mode == MODE_RECORD && !r->following) {
        /* Recording live: everything logged so far is delivered. */
        cur->main = cur->host = cur->net = r->log.n;
        for (int p = 0; p < PORTS; p++)
            cur->serial[p] = r->log.n;
    }
}

void replay_rewind(struct machine *m, const struct replay_cursor *cur, uint64_t from)
{
    struct replay *r = m->replay;
    if (r->mode == MODE_RECORD && (!r->following || from > r->frontier)) {
        r->following = 1;
        r->frontier = from;
    }
    if (!r->quiet) {
        r->quiet = 1;
        r->quiet_until = from;
        r->quiet_debugcon = m->debugcon.out;
        r->quiet_seabios = m->seabios_log.out;
        m->debugcon.out = NULL;
        m->seabios_log.out = NULL;
    } else if (from > r->quiet_until) {
        r->quiet_until = from;
    }
    r->cur = *cur;
    rearm(r);
}

int replay_debug_writable(const struct machine *m)
{
    return !m->replay || m->replay->mode == MODE_RECORD;
}

static int debug_note(struct machine *m, struct replay_event e)
{
    struct replay *r = m->replay;
    if (!r || r->mode != MODE_RECORD)
        return 0;
    int cut = r->following;
    if (cut)
        drop_undelivered(r);
    note(r, e);
    rearm(r);
    return cut;
}

int replay_debug_reg(struct machine *m, unsigned reg, uint32_t value)
{
    return debug_note(m, (struct replay_event){ .kind = REPLAY_DEBUG_REG, .a = (int32_t)reg,
                                                .d = value });
}

int replay_debug_mem(struct machine *m, uint32_t pa, uint8_t byte)
{
    return debug_note(m, (struct replay_event){ .kind = REPLAY_DEBUG_MEM, .d = pa, .b = byte });
}

int replay_diverged(const struct machine *m)
{
    return m->replay && m->replay->mode == MODE_REPLAY && m->replay->diverged > 0;
}

const char *replay_report(const struct machine *m)
{
    return m->replay ? m->replay->report : "";
}

void replay_free(struct machine *m)
{
    struct replay *r = m->replay;
    if (!r)
        return;
    replay_log_free(&r->log);
    free(r->good);
    free(r->path);
    free(r);
    m->replay = NULL;
}
