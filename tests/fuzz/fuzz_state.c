/* Fuzz target: saved-machine files (machine/snapshot.c, base/state.c and
 * every part's record) loaded with machine_load().
 *
 * Input: one control byte, then bytes. Control bit 0 clear: the bytes are
 * the whole state file. Set: they edit a real save of the reference
 * machine (RAM written, disk overlay dirtied, devices programmed), as
 * pairs (offset, XOR value) and a final cut, so mutations reach the
 * records' contents past their headers. Either way the load must succeed
 * or fail with one line; after a success the machine must run on, inside
 * its RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_machine.h"
#include "machine/snapshot.h"

/* The reference guest: stores into RAM, programs the PIT and the UART
 * and idles with interrupts on.
 *   mov ax, 0x1234; mov [0x2000], ax; mov al, 0x34; out 0x43, al;
 *   mov al, 0x80; out 0x40, al; out 0x40, al; mov dx, 0x3F8; mov al, 'x';
 *   out dx, al; sti; hlt; jmp $-1 */
static const uint8_t code[] = {
    0xB8, 0x34, 0x12, 0xA3, 0x00, 0x20, 0xB0, 0x34, 0xE6, 0x43, 0xB0, 0x80, 0xE6, 0x40,
    0xE6, 0x40, 0xBA, 0xF8, 0x03, 0xB0, 0x78, 0xEE, 0xFB, 0xF4, 0xEB, 0xFD,
};

static struct machine *make(struct fuzz_file *rom, struct fuzz_file *hd)
{
    struct machine_options o;
    struct machine *m = calloc(1, sizeof *m);
    char err[MACHINE_ERR_MAX];

    fuzz_machine_options(&o, rom->path, 2);
    o.hd_paths[0] = hd->path;
    o.no_dbt = 1;
    if (!m || machine_create(m, &o, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_state: machine: %s\n", err);
        abort();
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t disk[16 * 512];
    static const uint8_t sector[512] = { 0x55, 0xAA };
    struct fuzz_file rom, hd;
    struct state_writer w;
    char err[MACHINE_ERR_MAX] = "";
    uint8_t *buf = NULL;
    size_t len;

    if (size < 1)
        return 0;
    fuzz_rom_make(&rom, code, sizeof code);
    fuzz_file_make(&hd, "fuzz.hda", disk, sizeof disk);
    state_writer_init(&w);
    if (data[0] & 1) {
        struct machine *ref = make(&rom, &hd);
        ref->opts.max_insns = 2000;
        (void)machine_run(ref);
        (void)blockdev_write(&ref->media[0], 3, 1, sector);
        if (machine_save(ref, &w) != 0)
            abort();
        machine_destroy(ref);
        free(ref);
        len = w.len;
        buf = malloc(len ? len : 1);
        memcpy(buf, w.buf, len);
        size_t i = 1;
        for (; i + 4 <= size; i += 4) {
            size_t off = ((size_t)data[i] | (size_t)data[i + 1] << 8 |
                          (size_t)data[i + 2] << 16) % (len ? len : 1);
            if (len)
                buf[off] ^= data[i + 3];
        }
        if (i < size && len)           /* a trailing byte: cut the file there */
            len = len * data[i] / 256;
    } else {
        len = size - 1;
        buf = malloc(len ? len : 1);
        memcpy(buf, data + 1, len);
    }
    state_writer_free(&w);

    struct machine *m = make(&rom, &hd);
    if (machine_load(m, buf, len, err, sizeof err) != 0) {
        if (!err[0] || strchr(err, '\n')) {
            fprintf(stderr, "fuzz_state: bad message \"%s\"\n", err);
            abort();
        }
    } else {
        fuzz_check_ram_bounds(m, "fuzz_state (loaded)");
        m->opts.max_insns = machine_insn_total(m) + 3000;
        (void)machine_run(m);
        fuzz_check_ram_bounds(m, "fuzz_state (ran)");
    }
    machine_destroy(m);
    free(m);
    free(buf);
    fuzz_file_close(&hd);
    fuzz_file_close(&rom);
    return 0;
}
