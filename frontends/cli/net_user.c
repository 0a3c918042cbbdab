#define _GNU_SOURCE   /* ppoll */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slirp/libslirp.h>

#include "base/clock.h"
#include "frontends/cli/net_user.h"

struct net_user_timer {
    int used;
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms;               /* -1: not armed */
};

struct net_user_frame {
    uint16_t len;
    uint8_t data[1514];
};

struct net_user {
    Slirp *slirp;
    struct net_user_timer timers[NET_USER_MAX_TIMERS];
    struct pollfd fds[NET_USER_MAX_FDS];
    int nfds;
    struct net_user_frame *queue;    /* ring of NET_USER_QUEUE frames */
    unsigned head, count;
    uint64_t dropped;
};

/* ------------------------------------------------------------ slirp's callbacks */

static ssize_t to_guest(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    if (len > sizeof u->queue[0].data || u->count == NET_USER_QUEUE) {
        u->dropped++;
        return (ssize_t)len;   /* lost on the wire; TCP retransmits */
    }
    struct net_user_frame *f = &u->queue[(u->head + u->count) % NET_USER_QUEUE];
    memcpy(f->data, buf, len);
    f->len = (uint16_t)len;
    u->count++;
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "shadow86: -nic user: %s\n", msg);
}

static int64_t clock_ns(void *opaque)
{
    (void)opaque;
    return (int64_t)clock_host_monotonic_ns();
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    for (int i = 0; i < NET_USER_MAX_TIMERS; i++) {
        if (!u->timers[i].used) {
            u->timers[i] = (struct net_user_timer){ 1, cb, cb_opaque, -1 };
            return &u->timers[i];
        }
    }
    fprintf(stderr, "shadow86: -nic user: slirp wants more than %d timers\n", NET_USER_MAX_TIMERS);
    abort();                          /* an invariant of this wrapper, not guest input */
}

static void timer_free(void *timer, void *opaque)
{
    (void)opaque;
    ((struct net_user_timer *)timer)->used = 0;
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((struct net_user_timer *)timer)->expire_ms = expire_ms;
}

static void fd_ignore(int fd, void *opaque)
{
    (void)fd, (void)opaque;          /* every poll asks slirp for its fds afresh */
}

static void notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = to_guest,
    .guest_error = guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = fd_ignore,
    .unregister_poll_fd = fd_ignore,
    .notify = notify,
};

/* ------------------------------------------------------------ polling */

static int add_poll(int fd, int events, void *opaque)
{
    struct net_user *u = opaque;
    if (u->nfds == NET_USER_MAX_FDS)
        return -1;
    short ev = 0;
    if (events & SLIRP_POLL_IN) ev |= POLLIN;
    if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
    u->fds[u->nfds] = (struct pollfd){ fd, ev, 0 };
    return u->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    struct net_user *u = opaque;
    if (idx < 0 || idx >= u->nfds)
        return 0;
    short r = u->fds[idx].revents;
    int ev = 0;
    if (r & POLLIN) ev |= SLIRP_POLL_IN;
    if (r & POLLOUT) ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI) ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL)) ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP) ev |= SLIRP_POLL_HUP;
    return ev;
}

static void run_timers(struct net_user *u)
{
    int64_t now_ms = (int64_t)(clock_host_monotonic_ns() / 1000000u);
    for (int i = 0; i < NET_USER_MAX_TIMERS; i++) {
        struct net_user_timer *t = &u->timers[i];
        if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
            t->expire_ms = -1;
            t->cb(t->cb_opaque);
        }
    }
}

/* One round of slirp's sockets and timers, waiting up to wait_ns for a
 * socket to become ready (0: just look). */
static void service(struct net_user *u, uint64_t wait_ns)
{
    uint32_t timeout_ms = UINT32_MAX;
    u->nfds = 0;
    slirp_pollfds_fill(u->slirp, &timeout_ms, add_poll, u);
    /* A slirp timer due sooner than the wait ends it early too. */
    int64_t now_ms = (int64_t)(clock_host_monotonic_ns() / 1000000u);
    for (int i = 0; i < NET_USER_MAX_TIMERS; i++) {
        const struct net_user_timer *t = &u->timers[i];
        if (t->used && t->expire_ms >= 0) {
            uint64_t left = t->expire_ms > now_ms ? (uint64_t)(t->expire_ms - now_ms) : 0;
            if (left < timeout_ms)
                timeout_ms = (uint32_t)left;
        }
    }
    if ((uint64_t)timeout_ms * 1000000u < wait_ns)
        wait_ns = (uint64_t)timeout_ms * 1000000u;
    struct timespec ts = { (time_t)(wait_ns / 1000000000u), (long)(wait_ns % 1000000000u) };
    int r;
    if (u->nfds)
        r = ppoll(u->fds, (nfds_t)u->nfds, &ts, NULL);
    else
        r = wait_ns ? nanosleep(&ts, NULL) : 0;
    slirp_pollfds_poll(u->slirp, r < 0, get_revents, u);
    run_timers(u);
}

void net_user_wait(struct net_user *u, uint64_t ns)
{
    if (!u->count)
        service(u, ns);
}

size_t net_user_poll(struct net_user *u, uint8_t *buf, size_t cap)
{
    /* Every poll services the sockets: what the guest sent since the
     * last one leaves for the host, and slirp's window updates and ACKs
     * come back without waiting for the queue to drain. */
    if (u->count < NET_USER_QUEUE / 2)
        service(u, 0);
    if (!u->count)
        return 0;
    struct net_user_frame *f = &u->queue[u->head];
    size_t len = f->len <= cap ? f->len : cap;
    memcpy(buf, f->data, len);
    u->head = (u->head + 1) % NET_USER_QUEUE;
    u->count--;
    return len;
}

void net_user_send(struct net_user *u, const uint8_t *frame, size_t len)
{
    slirp_input(u->slirp, frame, (int)len);
}

uint64_t net_user_dropped(const struct net_user *u)
{
    return u->dropped;
}

/* ------------------------------------------------------------ set-up */

static struct in_addr ipv4(uint32_t host_order)
{
    struct in_addr a;
    a.s_addr = htonl(host_order);
    return a;
}

struct net_user *net_user_open(const struct cli_nic *nic, char *err, size_t errsz)
{
    struct net_user *u = calloc(1, sizeof *u);
    if (u)
        u->queue = calloc(NET_USER_QUEUE, sizeof *u->queue);
    if (!u || !u->queue) {
        free(u);
        snprintf(err, errsz, "-nic user: out of memory");
        return NULL;
    }
    SlirpConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.version = 1;
    cfg.in_enabled = true;
    cfg.vnetwork = ipv4(0x0A000200);        /* 10.0.2.0/24 */
    cfg.vnetmask = ipv4(0xFFFFFF00);
    cfg.vhost = ipv4(0x0A000202);           /* 10.0.2.2 */
    cfg.vdhcp_start = ipv4(0x0A00020F);     /* 10.0.2.15 */
    cfg.vnameserver = ipv4(0x0A000203);     /* 10.0.2.3 */
    cfg.vhostname = "shadow86";
    cfg.if_mtu = 1500;
    cfg.if_mru = 1500;
    if (nic->tftp[0]) {
        struct stat st;
        if (stat(nic->tftp, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errsz, "-nic user: tftp=%s: not a directory", nic->tftp);
            free(u->queue);
            free(u);
            return NULL;
        }
        cfg.tftp_path = nic->tftp;
        cfg.tftp_server_name = "10.0.2.2";
    }
    if (nic->bootfile[0])
        cfg.bootfile = nic->bootfile;
    u->slirp = slirp_new(&cfg, &callbacks, u);
    if (!u->slirp) {
        snprintf(err, errsz, "-nic user: libslirp could not start");
        free(u->queue);
        free(u);
        return NULL;
    }
    for (int i = 0; i < nic->nfwd; i++) {
        const struct cli_hostfwd *f = &nic->fwd[i];
        uint32_t guest = f->guest_addr ? f->guest_addr : 0x0A00020F;
        if (slirp_add_hostfwd(u->slirp, f->udp, ipv4(f->host_addr), f->host_port, ipv4(guest),
                              f->guest_port) != 0) {
            snprintf(err, errsz, "-nic user: hostfwd=%s::%u-:%u: cannot listen on host port %u "
                                 "(in use?)", f->udp ? "udp" : "tcp", f->host_port, f->guest_port,
                     f->host_port);
            net_user_close(u);
            return NULL;
        }
    }
    return u;
}

void net_user_close(struct net_user *u)
{
    if (!u)
        return;
    slirp_cleanup(u->slirp);
    free(u->queue);
    free(u);
}
