/* Fuzz target: the gdb remote protocol (debug/gdbstub.c) driven from
 * bytes: the input is what a client sends, fed through gdbstub_attach_io
 * instead of a socket to a machine stopped at its first instruction
 * (register, memory, breakpoint, query and resume packets reach the real
 * handlers). When the input ends the client is gone and the stub detaches.
 *
 * Every reply is checked: the stream the stub sends must be '+', '-' and
 * well-formed packets ("$data#xx" with the right checksum, no unescaped
 * '$' or '#' inside), and the machine's RAM must stay in bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdbstub.h"
#include "fuzz_machine.h"

struct feed {
    const uint8_t *data;
    size_t size, pos;
    /* The reply stream's parser state. */
    int in_packet;          /* 0: between packets, 1: data, 2-3: checksum digits */
    unsigned sum, want;
    size_t replies;
};

static long feed_recv(void *opaque, void *buf, size_t len)
{
    struct feed *f = opaque;
    size_t n = f->size - f->pos;
    if (n > len)
        n = len;
    /* Short reads exercise the parser's buffering across recv calls. */
    if (n > 7)
        n = 7 + (f->pos % 13);
    if (n > f->size - f->pos)
        n = f->size - f->pos;
    memcpy(buf, f->data + f->pos, n);
    f->pos += n;
    return (long)n;
}

static int hexdigit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;   /* the stub sends lower case */
}

static void bad_reply(const char *why, int c)
{
    fprintf(stderr, "fuzz_gdb: malformed reply stream: %s (byte %#x)\n", why, c);
    abort();
}

static long feed_send(void *opaque, const void *buf, size_t len)
{
    struct feed *f = opaque;
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        int c = p[i], h;
        switch (f->in_packet) {
        case 0:
            if (c == '$')
                f->in_packet = 1, f->sum = 0;
            else if (c != '+' && c != '-')
                bad_reply("byte outside a packet", c);
            break;
        case 1:
            if (c == '#')
                f->in_packet = 2;
            else if (c == '$')
                bad_reply("'$' inside a packet", c);
            else
                f->sum += (unsigned)c;
            break;
        default:
            if ((h = hexdigit(c)) < 0)
                bad_reply("checksum digit", c);
            if (f->in_packet == 2) {
                f->want = (unsigned)h << 4;
                f->in_packet = 3;
            } else {
                if ((f->want | (unsigned)h) != (f->sum & 0xFF))
                    bad_reply("checksum", c);
                f->in_packet = 0;
                f->replies++;
            }
            break;
        }
    }
    return (long)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t code[] = { 0xFB, 0xF4, 0xEB, 0xFD };   /* sti; hlt; jmp $-1 */
    struct fuzz_file rom;
    struct machine_options o;
    struct machine *m = calloc(1, sizeof *m);
    struct feed f = { .data = data, .size = size };
    struct gdbstub_io io = { .opaque = &f, .recv = feed_recv, .send = feed_send };
    struct gdbstub *g = calloc(1, sizeof *g);
    char err[MACHINE_ERR_MAX];

    fuzz_rom_make(&rom, code, sizeof code);
    fuzz_machine_options(&o, rom.path, 2);
    o.no_dbt = 1;
    if (!m || !g || machine_create(m, &o, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_gdb: machine: %s\n", err);
        abort();
    }
    gdbstub_attach_io(g, m, &io);
    /* Each serve call reads at least one packet, or ends at the input's end. */
    while (g->attached && !g->killed)
        gdbstub_serve(g);
    if (f.in_packet)
        bad_reply("a packet left unfinished", 0);
    fuzz_check_ram_bounds(m, "fuzz_gdb");
    gdbstub_close(g);
    machine_destroy(m);
    fuzz_file_close(&rom);
    free(g);
    free(m);
    return 0;
}
