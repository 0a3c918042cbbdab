#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/seg.h"
#include "debug/gdb_reverse.h"
#include "debug/gdbstub.h"
#include "debug/guestmem.h"
#include "machine/replay.h"

/* Register numbers of the target description below (the 'g' packet's
 * order): 0-7 eax..edi, 8 eip, 9 eflags, 10-15 cs ss ds es fs gs,
 * 16-23 st0-st7 (10 bytes each), 24-31 x87 control, 32-35 cr0 cr2 cr3 cr4. */
enum {
    GDB_REG_EIP = 8, GDB_REG_EFLAGS = 9, GDB_REG_CS = 10, GDB_REG_ST0 = 16,
    GDB_REG_FCTRL = 24, GDB_REG_CR0 = 32, GDB_REG_COUNT = 36
};
/* gdb's segment order differs from the encoding order of enum seg_reg. */
static const int gdb_seg_order[6] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "<feature name=\"org.shadow86.i386.sys\">\n"
    "<reg name=\"cr0\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "<reg name=\"cr2\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "<reg name=\"cr3\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "<reg name=\"cr4\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "</feature>\n"
    "</target>\n";

/* ------------------------------------------------------------ transport */

static void drop_client(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    memset(&g->io, 0, sizeof g->io);
    g->attached = 0;
    g->stepping = 0;
    g->nbp = g->nwp = 0;
    g->rx_len = g->rx_pos = 0;
    gdb_history_free(&g->hist);
}

/* The socket transport: the connected client's fd (g is the opaque). */
static long socket_recv(void *opaque, void *buf, size_t len)
{
    struct gdbstub *g = opaque;
    ssize_t n;
    do
        n = recv(g->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

static long socket_send(void *opaque, const void *buf, size_t len)
{
    struct gdbstub *g = opaque;
    ssize_t n;
    do
        n = send(g->fd, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

static int send_all(struct gdbstub *g, const void *data, size_t len)
{
    const char *p = data;
    while (len && g->io.send) {
        long n = g->io.send(g->io.opaque, p, len);
        if (n <= 0) {
            drop_client(g);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return g->io.send ? 0 : -1;
}

/* Next byte from the client, blocking; -1 when the connection is gone. */
static int read_byte(struct gdbstub *g)
{
    if (!g->io.recv)
        return -1;
    if (g->rx_pos == g->rx_len) {
        long n = g->io.recv(g->io.opaque, g->rx, sizeof g->rx);
        if (n <= 0)
            return -1;
        g->rx_len = (size_t)n;
        g->rx_pos = 0;
    }
    return g->rx[g->rx_pos++];
}

static int send_packet(struct gdbstub *g, const char *data, size_t len)
{
    char head = '$', tail[4];
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)data[i];
    snprintf(tail, sizeof tail, "#%02x", sum & 0xFF);
    /* Acknowledgements are not awaited: TCP is reliable, and a '-' from the
     * client (a corrupted packet) is answered by gdb resending its request. */
    if (send_all(g, &head, 1) || send_all(g, data, len) || send_all(g, tail, 3))
        return -1;
    return 0;
}

static int send_str(struct gdbstub *g, const char *s)
{
    return send_packet(g, s, strlen(s));
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read one packet into g->in (NUL-terminated). Returns its length, -2 for
 * a Ctrl-C byte, or -1 when the connection is gone. Oversized or corrupt
 * packets are refused with '-' and skipped. */
static int read_packet(struct gdbstub *g)
{
    for (;;) {
        int c = read_byte(g);
        if (c < 0)
            return -1;
        if (c == 0x03)
            return -2;
        if (c != '$')
            continue;   /* '+', '-' and noise between packets */
        size_t n = 0;
        unsigned sum = 0;
        int overflow = 0;
        for (;;) {
            c = read_byte(g);
            if (c < 0)
                return -1;
            if (c == '#')
                break;
            sum += (unsigned)c;
            if (n < GDBSTUB_PACKET_MAX)
                g->in[n++] = (char)c;
            else
                overflow = 1;
        }
        int h1 = read_byte(g), h2 = read_byte(g);
        if (h1 < 0 || h2 < 0)
            return -1;
        int want = hexval(h1) * 16 + hexval(h2);
        if (overflow || hexval(h1) < 0 || hexval(h2) < 0 || want != (int)(sum & 0xFF)) {
            if (send_all(g, "-", 1))
                return -1;
            continue;
        }
        if (send_all(g, "+", 1))
            return -1;
        g->in[n] = 0;
        return (int)n;
    }
}

/* ------------------------------------------------------------ setup */

/* One client is served at a time; others wait in the listen queue until
 * it leaves (a backlog of 1 made a third connect time out). */
#define GDBSTUB_LISTEN_BACKLOG 16

int gdbstub_open(struct gdbstub *g, struct machine *m, const char *spec, FILE *log,
                 char *err, size_t errsz)
{
    memset(g, 0, sizeof(*g));
    g->m = m;
    g->log = log;
    g->listen_fd = g->fd = -1;
    if (strncmp(spec, "tcp:", 4) != 0) {
        snprintf(err, errsz, "-gdb: '%s' is not tcp:HOST:PORT", spec);
        return -1;
    }
    const char *hp = spec + 4;
    const char *colon = strrchr(hp, ':');
    if (!colon) {
        snprintf(err, errsz, "-gdb: '%s' needs tcp:HOST:PORT (tcp::PORT for loopback)", spec);
        return -1;
    }
    char host[256];
    size_t hlen = (size_t)(colon - hp);
    if (hlen >= sizeof host) {
        snprintf(err, errsz, "-gdb: host name too long in '%s'", spec);
        return -1;
    }
    memcpy(host, hp, hlen);
    host[hlen] = 0;
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || port > 65535) {
        snprintf(err, errsz, "-gdb: '%s' is not a port number (0-65535)", colon + 1);
        return -1;
    }
    /* Loopback unless an address is given: a debugger can rewrite guest
     * memory, so the stub is not exposed to the network by default. */
    const char *bind_host = hlen ? host : "127.0.0.1";
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%lu", port);
    int rc = getaddrinfo(bind_host, portstr, &hints, &ai);
    if (rc != 0 || !ai) {
        snprintf(err, errsz, "-gdb: cannot resolve '%s': %s", bind_host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, GDBSTUB_LISTEN_BACKLOG) != 0) {
        snprintf(err, errsz, "-gdb: cannot listen on %s:%lu: %s", bind_host, port,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    unsigned actual = (unsigned)port;
    if (getsockname(fd, (struct sockaddr *)&sa, &salen) == 0) {
        if (sa.ss_family == AF_INET)
            actual = ntohs(((struct sockaddr_in *)&sa)->sin_port);
        else if (sa.ss_family == AF_INET6)
            actual = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    }
    g->listen_fd = fd;
    if (log) {
        fprintf(log, "shadow86: gdb stub listening on %s:%u\n", bind_host, actual);
        fflush(log);
    }
    return 0;
}

void gdbstub_close(struct gdbstub *g)
{
    drop_client(g);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    g->listen_fd = -1;
}

static int accept_client(struct gdbstub *g)
{
    int fd;
    do
        fd = accept(g->listen_fd, NULL, NULL);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->fd = fd;
    g->io = (struct gdbstub_io){ .opaque = g, .recv = socket_recv, .send = socket_send };
    g->attached = 1;
    g->stop = GDBSTUB_STOP_ATTACH;
    if (g->log) {
        fprintf(g->log, "shadow86: gdb connected\n");
        fflush(g->log);
    }
    return 0;
}

void gdbstub_attach_io(struct gdbstub *g, struct machine *m, const struct gdbstub_io *io)
{
    memset(g, 0, sizeof(*g));
    g->m = m;
    g->listen_fd = g->fd = -1;
    g->io = *io;
    g->attached = 1;
    g->stop = GDBSTUB_STOP_ATTACH;
}

int gdbstub_wait_client(struct gdbstub *g)
{
    return accept_client(g);
}

/* Look at what the client sent while the guest runs, never blocking:
 * a Ctrl-C stops the guest; a packet ('$', left buffered for
 * gdbstub_serve) stops it too -- it is how a client that connected while
 * the guest ran takes control; '+', '-' and noise are consumed, all of
 * them at once (taking one byte per run slice delayed a Ctrl-C behind
 * them by a slice each). Returns 1 to stop, 0 to run on. */
static int scan_running_input(struct gdbstub *g)
{
    for (;;) {
        while (g->rx_pos < g->rx_len) {
            uint8_t c = g->rx[g->rx_pos];
            if (c == 0x03) {
                g->rx_pos++;
                g->stop = GDBSTUB_STOP_INTERRUPT;
                return 1;
            }
            if (c == '$') {
                if (g->stop != GDBSTUB_STOP_ATTACH)
                    g->stop = GDBSTUB_STOP_INTERRUPT;
                return 1;
            }
            g->rx_pos++;
        }
        struct pollfd p = { .fd = g->fd, .events = POLLIN };
        if (poll(&p, 1, 0) != 1 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
            return 0;
        ssize_t n = recv(g->fd, g->rx, sizeof g->rx, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            drop_client(g);   /* the client went away: the run goes on */
            return 0;
        }
        g->rx_len = (size_t)n;
        g->rx_pos = 0;
    }
}

int gdbstub_poll(struct gdbstub *g)
{
    if (!g->attached) {
        if (g->listen_fd < 0)
            return 0;
        struct pollfd p = { .fd = g->listen_fd, .events = POLLIN };
        if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN) || accept_client(g) != 0)
            return 0;
        /* Connected, but the guest runs on until the client speaks: one
         * that connects and stays silent must not freeze it. */
    }
    return scan_running_input(g);
}

/* ------------------------------------------------------------ hooks */

static void request_stop(struct gdbstub *g, enum gdbstub_stop why)
{
    g->stop = why;
    g->m->debug_stop = 1;
    cpu_request_stop(g->m->cpu);
}

void gdbstub_on_insn(struct gdbstub *g, const struct cpu *cpu)
{
    if (g->stepping) {
        if (g->stop == GDBSTUB_STOP_NONE)
            request_stop(g, GDBSTUB_STOP_STEP);
        return;
    }
    uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
    for (unsigned i = 0; i < g->nbp; i++)
        if (g->bp[i].addr == lin) {
            request_stop(g, GDBSTUB_STOP_BREAK);
            return;
        }
}

void gdbstub_on_mem(struct gdbstub *g, enum cpu_mem_kind kind, uint32_t lin, unsigned size)
{
    for (unsigned i = 0; i < g->nwp; i++) {
        uint8_t t = g->wp[i].type;
        int match = t == 4 || (t == 2 && kind == CPU_MEM_WRITE) ||
                    (t == 3 && kind == CPU_MEM_READ);
        uint64_t a0 = lin, a1 = (uint64_t)lin + size;
        uint64_t w0 = g->wp[i].addr, w1 = (uint64_t)g->wp[i].addr + g->wp[i].len;
        if (match && a0 < w1 && w0 < a1 && g->stop == GDBSTUB_STOP_NONE) {
            g->watch_type = t;
            g->watch_addr = g->wp[i].addr;
            request_stop(g, GDBSTUB_STOP_WATCH);
            return;
        }
    }
}

void gdbstub_on_interrupt(struct gdbstub *g)
{
    /* A step that faults or traps stops at the handler's first
     * instruction, as on hardware. Otherwise, with breakpoints set, stop
     * once the delivery is done and look at where it landed: no
     * instruction retires between the delivery and the handler's first
     * one, so the retire-time check alone would miss a breakpoint there. */
    if (g->stop != GDBSTUB_STOP_NONE)
        return;
    if (g->stepping)
        request_stop(g, GDBSTUB_STOP_STEP);
    else if (g->nbp)
        request_stop(g, GDBSTUB_STOP_RECHECK);
}

int gdbstub_stop_is_real(struct gdbstub *g)
{
    if (g->stop != GDBSTUB_STOP_RECHECK)
        return 1;
    const struct cpu *cpu = g->m->cpu;
    uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
    for (unsigned i = 0; i < g->nbp; i++)
        if (g->bp[i].addr == lin) {
            g->stop = GDBSTUB_STOP_BREAK;
            return 1;
        }
    g->stop = GDBSTUB_STOP_NONE;
    return 0;
}

/* ------------------------------------------------------------ registers */

static size_t put_le(char *out, uint64_t v, unsigned bytes)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < bytes; i++) {
        /* Bytes past the value's 8 (an 80-bit x87 register) are zero. */
        unsigned b = i < 8 ? (unsigned)(v >> (8 * i)) & 0xFF : 0;
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    return 2 * bytes;
}

/* An x87 register as gdb's i387_ext: the 10 bytes of the memory format. */
static size_t put_fp80(char *out, struct fp80 v)
{
    size_t n = put_le(out, v.mant, 8);
    return n + put_le(out + n, v.se, 2);
}

/* fctrl fstat ftag fiseg fioff foseg fooff fop, in gdb's order. ftag is
 * the full tag word as FSTENV stores it (gdb decodes its 2-bit tags). */
static uint32_t fpu_gdb_reg(const struct fpu *f, int i)
{
    switch (i) {
    case 0: return f->cw;
    case 1: return f->sw;
    case 2: return fpu_tag_word(f);
    case 3: return f->fcs;
    case 4: return f->fip;
    case 5: return f->fds;
    case 6: return f->fdp;
    default: return f->fop;
    }
}

static unsigned reg_size(int r)
{
    return (r >= GDB_REG_ST0 && r < GDB_REG_FCTRL) ? 10 : 4;
}

/* Register `r` into out as hex; returns characters written. */
static size_t format_reg(const struct cpu *c, int r, char *out)
{
    uint32_t v = 0;
    if (r < 8)
        v = c->regs[r];
    else if (r == GDB_REG_EIP)
        v = c->eip;
    else if (r == GDB_REG_EFLAGS)
        v = cpu_get_eflags(c);
    else if (r < GDB_REG_ST0)
        v = c->seg[gdb_seg_order[r - GDB_REG_CS]].sel;
    else if (r < GDB_REG_FCTRL)
        return put_fp80(out, fpu_st(&c->fpu, (unsigned)(r - GDB_REG_ST0)));
    else if (r < GDB_REG_CR0)
        v = fpu_gdb_reg(&c->fpu, r - GDB_REG_FCTRL);
    else if (r == GDB_REG_CR0)
        v = c->cr0;
    else if (r == GDB_REG_CR0 + 1)
        v = c->cr2;
    else if (r == GDB_REG_CR0 + 2)
        v = c->cr3;
    else
        v = c->cr4;
    return put_le(out, v, 4);
}

static int parse_le(const char *s, unsigned bytes, uint32_t *v)
{
    uint32_t x = 0;
    for (unsigned i = 0; i < bytes; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0)
            return -1;
        if (i < 4)
            x |= (uint32_t)(h * 16 + l) << (8 * i);
    }
    *v = x;
    return 0;
}

/* Write register `r`. Segment registers change only in real mode (a
 * protected-mode selector load would need the descriptor checks of a MOV
 * to Sreg); control registers and x87 are not writable here. Returns 0 or
 * -1; writing the current value is always accepted. */
static int write_reg_raw(struct cpu *c, int r, uint32_t v)
{
    if (r < 8) {
        c->regs[r] = v;
    } else if (r == GDB_REG_EIP) {
        c->eip = v;
    } else if (r == GDB_REG_EFLAGS) {
        cpu_set_eflags(c, v);
    } else if (r < GDB_REG_ST0) {
        int s = gdb_seg_order[r - GDB_REG_CS];
        if (c->seg[s].sel == (uint16_t)v)
            return 0;
        if ((c->cr0 & CR0_PE) || s == SEG_CS)
            return -1;
        cpu_load_real_seg(c, s, (uint16_t)v);
    } else if (r < GDB_REG_FCTRL) {
        /* st0-7 through 'P'/'G' would need all 10 bytes; writing the
         * value they already hold (as 'G' does) is accepted. */
        struct fp80 st = fpu_st(&c->fpu, (unsigned)(r - GDB_REG_ST0));
        return (uint32_t)st.mant == v ? 0 : -1;
    } else if (r < GDB_REG_CR0) {
        return fpu_gdb_reg(&c->fpu, r - GDB_REG_FCTRL) == v ? 0 : -1;
    } else {
        const uint32_t *cr[4] = { &c->cr0, &c->cr2, &c->cr3, &c->cr4 };
        return *cr[r - GDB_REG_CR0] == v ? 0 : -1;
    }
    return 0;
}

/* The past after now changed: the later snapshots describe another run. */
static void log_write(struct gdbstub *g, int cut)
{
    if (cut)
        gdb_history_truncate(&g->hist, machine_insn_total(g->m));
}

/* write_reg_raw, logged in the replay log when it changed something. */
static int write_reg(struct gdbstub *g, int r, uint32_t v)
{
    struct cpu *c = g->m->cpu;
    char before[24], after[24];
    size_t n = format_reg(c, r, before);
    if (!replay_debug_writable(g->m)) {
        /* Replaying a file: only the value already held (gdb's 'G'). */
        char want[24];
        put_le(want, v, 4);
        return reg_size(r) == 4 && memcmp(before, want, 8) == 0 ? 0 : -1;
    }
    if (write_reg_raw(c, r, v) != 0)
        return -1;
    format_reg(c, r, after);
    if (g->m->replay && memcmp(before, after, n) != 0) {
        unsigned reg = r < 8 ? (unsigned)r
                       : r == GDB_REG_EIP ? REPLAY_DREG_EIP
                       : r == GDB_REG_EFLAGS ? REPLAY_DREG_EFLAGS
                       : REPLAY_DREG_SEG0 + (unsigned)gdb_seg_order[r - GDB_REG_CS];
        log_write(g, replay_debug_reg(g->m, reg, v));
    }
    return 0;
}

/* ------------------------------------------------------------ packets */

static int parse_hex32(const char **p, uint32_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0;
    while (hexval(*s) >= 0) {
        x = x * 16 + (uint64_t)hexval(*s++);
        if (++n > 16)
            return -1;
    }
    if (!n || x > 0xFFFFFFFFull)
        return -1;
    *v = (uint32_t)x;
    *p = s;
    return 0;
}

static void send_stop_reply(struct gdbstub *g)
{
    char buf[64];
    switch (g->stop) {
    case GDBSTUB_STOP_WATCH:
        snprintf(buf, sizeof buf, "T05%s:%08x;",
                 g->watch_type == 2 ? "watch" : g->watch_type == 3 ? "rwatch" : "awatch",
                 g->watch_addr);
        break;
    case GDBSTUB_STOP_BREAK:
        snprintf(buf, sizeof buf, "T05hwbreak:;");
        break;
    case GDBSTUB_STOP_INTERRUPT:
        snprintf(buf, sizeof buf, "S02");
        break;
    default:
        snprintf(buf, sizeof buf, "S05");
        break;
    }
    send_str(g, buf);
}

static void handle_read_regs(struct gdbstub *g)
{
    char buf[GDB_REG_COUNT * 20 + 1];
    size_t n = 0;
    for (int r = 0; r < GDB_REG_COUNT; r++)
        n += format_reg(g->m->cpu, r, buf + n);
    send_packet(g, buf, n);
}

static void handle_write_regs(struct gdbstub *g, const char *p)
{
    size_t len = strlen(p), pos = 0;
    int bad = 0;
    for (int r = 0; r < GDB_REG_COUNT && pos + 2 * reg_size(r) <= len; r++) {
        uint32_t v;
        if (parse_le(p + pos, reg_size(r), &v) != 0 || write_reg(g, r, v) != 0)
            bad = 1;
        pos += 2 * reg_size(r);
    }
    send_str(g, bad ? "E01" : "OK");
}

static void handle_read_reg(struct gdbstub *g, const char *p)
{
    uint32_t r;
    char buf[24];
    if (parse_hex32(&p, &r) != 0 || *p || r >= GDB_REG_COUNT) {
        send_str(g, "E01");
        return;
    }
    size_t n = format_reg(g->m->cpu, (int)r, buf);
    send_packet(g, buf, n);
}

static void handle_write_reg(struct gdbstub *g, const char *p)
{
    uint32_t r, v;
    if (parse_hex32(&p, &r) != 0 || *p++ != '=' || r >= GDB_REG_COUNT ||
        strlen(p) != 2 * reg_size((int)r) || parse_le(p, reg_size((int)r), &v) != 0 ||
        write_reg(g, (int)r, v) != 0) {
        send_str(g, "E01");
        return;
    }
    send_str(g, "OK");
}

static void handle_read_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    uint8_t data[GDBSTUB_PACKET_MAX / 2];
    char buf[GDBSTUB_PACKET_MAX + 1];
    if (parse_hex32(&p, &addr) != 0 || *p++ != ',' || parse_hex32(&p, &len) != 0 || *p) {
        send_str(g, "E01");
        return;
    }
    if (len > sizeof data)
        len = sizeof data;
    if (debug_read_linear(g->m->cpu, addr, data, len) != 0) {
        send_str(g, "E14");   /* EFAULT: not backed (unmapped) */
        return;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < len; i++)
        n += put_le(buf + n, data[i], 1);
    send_packet(g, buf, n);
}

static void handle_write_mem(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    uint8_t data[GDBSTUB_PACKET_MAX / 2];
    if (parse_hex32(&p, &addr) != 0 || *p++ != ',' || parse_hex32(&p, &len) != 0 ||
        *p++ != ':' || len > sizeof data || strlen(p) != 2 * (size_t)len) {
        send_str(g, "E01");
        return;
    }
    for (uint32_t i = 0; i < len; i++) {
        int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);
        if (h < 0 || l < 0) {
            send_str(g, "E01");
            return;
        }
        data[i] = (uint8_t)(h * 16 + l);
    }
    if (!replay_debug_writable(g->m)) {
        send_str(g, "E01");   /* replaying a file: its run has no such write */
        return;
    }
    uint8_t old[GDBSTUB_PACKET_MAX / 2];
    if (debug_read_linear(g->m->cpu, addr, old, len) != 0 ||
        debug_write_linear(g->m->cpu, addr, data, len) != 0) {
        send_str(g, "E14");
        return;
    }
    /* Logged by physical address, byte by byte (gdb's writes are small),
     * the ones that changed. */
    for (uint32_t i = 0; i < len && g->m->replay; i++) {
        uint32_t pa;
        if (old[i] != data[i] && debug_linear_to_phys(g->m->cpu, addr + i, &pa) == 0)
            log_write(g, replay_debug_mem(g->m, pa, data[i]));
    }
    send_str(g, "OK");
}

/* Z/z TYPE,ADDR,KIND: insert or remove a breakpoint or watchpoint. */
static void handle_point(struct gdbstub *g, const char *p, int insert)
{
    uint32_t type, addr, kind;
    if (parse_hex32(&p, &type) != 0 || *p++ != ',' || parse_hex32(&p, &addr) != 0 ||
        *p++ != ',' || parse_hex32(&p, &kind) != 0) {
        send_str(g, "E01");
        return;
    }
    if (type <= 1) {
        unsigned i;
        for (i = 0; i < g->nbp; i++)
            if (g->bp[i].addr == addr)
                break;
        if (insert) {
            if (i == g->nbp) {
                if (g->nbp == GDBSTUB_MAX_BREAKPOINTS) {
                    send_str(g, "E28");   /* ENOSPC */
                    return;
                }
                g->bp[g->nbp].addr = addr;
                g->bp[g->nbp++].type = (uint8_t)type;
            }
        } else if (i < g->nbp) {
            g->bp[i] = g->bp[--g->nbp];
        }
        send_str(g, "OK");
        return;
    }
    if (type <= 4) {
        if (kind == 0 || kind > 4096) {
            send_str(g, "E01");
            return;
        }
        unsigned i;
        for (i = 0; i < g->nwp; i++)
            if (g->wp[i].addr == addr && g->wp[i].len == kind && g->wp[i].type == type)
                break;
        if (insert) {
            if (i == g->nwp) {
                if (g->nwp == GDBSTUB_MAX_WATCHPOINTS) {
                    send_str(g, "E28");
                    return;
                }
                g->wp[g->nwp].addr = addr;
                g->wp[g->nwp].len = kind;
                g->wp[g->nwp++].type = (uint8_t)type;
            }
        } else if (i < g->nwp) {
            g->wp[i] = g->wp[--g->nwp];
        }
        send_str(g, "OK");
        return;
    }
    send_str(g, "");   /* unsupported type */
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void handle_xfer_features(struct gdbstub *g, const char *p)
{
    const char *annex = "target.xml:";
    if (strncmp(p, annex, strlen(annex)) != 0) {
        send_str(g, "E00");
        return;
    }
    p += strlen(annex);
    uint32_t off, len;
    if (parse_hex32(&p, &off) != 0 || *p++ != ',' || parse_hex32(&p, &len) != 0) {
        send_str(g, "E01");
        return;
    }
    size_t total = sizeof target_xml - 1;
    char buf[GDBSTUB_PACKET_MAX + 2];
    if (len > GDBSTUB_PACKET_MAX)
        len = GDBSTUB_PACKET_MAX;
    if (off >= total) {
        send_str(g, "l");
        return;
    }
    size_t n = total - off < len ? total - off : len;
    /* The description holds none of '$', '#', '}', '*': no escaping. */
    buf[0] = off + n < total ? 'm' : 'l';
    memcpy(buf + 1, target_xml + off, n);
    send_packet(g, buf, n + 1);
}

/* bs, bc: reverse step and continue; the stop is replied at once (the
 * session goes on serving). */
static void handle_reverse(struct gdbstub *g, char what)
{
    if (!g->reverse_every || !g->hist.n) {
        send_str(g, "E01");
        return;
    }
    int rc = what == 's' ? gdb_reverse_step(g) : gdb_reverse_continue(g);
    if (rc < 0) {
        send_str(g, "E0c");   /* ENOMEM: a snapshot did not load */
        return;
    }
    if (rc > 0) {
        g->stop = GDBSTUB_STOP_STEP;
        send_str(g, "T05replaylog:begin;");
        return;
    }
    send_stop_reply(g);
}

/* Returns 1 when the packet resumes or ends the session, else 0. */
static int handle_packet(struct gdbstub *g, char *pkt)
{
    struct cpu *c = g->m->cpu;
    const char *arg = pkt + 1;
    switch (pkt[0]) {
    case '?':
        send_stop_reply(g);
        return 0;
    case 'g':
        handle_read_regs(g);
        return 0;
    case 'G':
        handle_write_regs(g, arg);
        return 0;
    case 'p':
        handle_read_reg(g, arg);
        return 0;
    case 'P':
        handle_write_reg(g, arg);
        return 0;
    case 'm':
        handle_read_mem(g, arg);
        return 0;
    case 'M':
        handle_write_mem(g, arg);
        return 0;
    case 'Z':
    case 'z':
        handle_point(g, arg, pkt[0] == 'Z');
        return 0;
    case 'c':
    case 's':
        if (*arg) {
            uint32_t a;
            if (parse_hex32(&arg, &a) != 0) {
                send_str(g, "E01");
                return 0;
            }
            c->eip = a;
        }
        g->stepping = pkt[0] == 's';
        return 1;
    case 'b':
        if ((pkt[1] == 's' || pkt[1] == 'c') && !pkt[2])
            handle_reverse(g, pkt[1]);
        else
            send_str(g, "");
        return 0;
    case 'D':
        send_str(g, "OK");
        drop_client(g);
        return 1;
    case 'k':
        g->killed = 1;
        drop_client(g);
        return 1;
    case 'H':
        send_str(g, "OK");
        return 0;
    case 'T':
        send_str(g, "OK");
        return 0;
    case 'q':
        if (strncmp(pkt, "qSupported", 10) == 0)
            send_str(g, g->reverse_every
                            ? "PacketSize=1000;qXfer:features:read+;hwbreak+;ReverseStep+;"
                              "ReverseContinue+"
                            : "PacketSize=1000;qXfer:features:read+;hwbreak+");
        else if (strncmp(pkt, "qXfer:features:read:", 20) == 0)
            handle_xfer_features(g, pkt + 20);
        else if (strcmp(pkt, "qAttached") == 0)
            send_str(g, "1");
        else if (strcmp(pkt, "qC") == 0)
            send_str(g, "QC1");
        else if (strcmp(pkt, "qfThreadInfo") == 0)
            send_str(g, "m1");
        else if (strcmp(pkt, "qsThreadInfo") == 0)
            send_str(g, "l");
        else
            send_str(g, "");
        return 0;
    default:
        send_str(g, "");   /* unsupported: gdb falls back */
        return 0;
    }
}

int gdbstub_serve(struct gdbstub *g)
{
    if (!g->attached)
        return 0;
    /* On attach gdb asks '?' itself; any other stop is announced. */
    if (g->stop != GDBSTUB_STOP_ATTACH)
        send_stop_reply(g);
    g->stepping = 0;
    /* The history starts where the client took control. */
    if (g->reverse_every && !g->hist.n)
        gdb_history_start(&g->hist, g->m, g->reverse_every);
    for (;;) {
        int n = read_packet(g);
        if (n == -1) {
            drop_client(g);   /* lost client: detach, the run goes on */
            break;
        }
        if (n == -2) {
            g->stop = GDBSTUB_STOP_INTERRUPT;
            send_stop_reply(g);
            continue;
        }
        if (n == 0) {
            send_str(g, "");
            continue;
        }
        if (handle_packet(g, g->in))
            break;
    }
    g->stop = GDBSTUB_STOP_NONE;
    return 0;
}

void gdbstub_report_exit(struct gdbstub *g, int status)
{
    if (!g->attached)
        return;
    char buf[16];
    snprintf(buf, sizeof buf, "W%02x", status & 0xFF);
    send_str(g, buf);
    drop_client(g);
}
