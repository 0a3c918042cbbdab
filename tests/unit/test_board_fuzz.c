/* Random port traffic on the board's legacy devices (PIC, PIT, port 0x61,
 * RTC, port 0x92, reset control, fw_cfg, UARTs, keyboard controller) with
 * time moving and timers firing: the host must not crash or trip the
 * sanitizers, timers must stay bounded, and a snapshot taken at the end
 * must restore. A misbehaving guest is the guest's problem. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/snapshot.h"
#include "check_run.h"

static const uint16_t ports[] = {
    0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71, 0x92,
    0xCF9, 0x510, 0x511, 0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x3FE, 0x3FF,
    0x2F8, 0x2FA, 0x2FB, 0x2FC, 0x60, 0x64,
};

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

START_TEST(random_port_traffic)
{
    static const char rom_name[] = "fuzz_hlt.bin";
    /* A ROM that only halts: F4 at the reset vector, padded to 4 KiB. */
    uint8_t rom[4096];
    memset(rom, 0xF4, sizeof rom);
    FILE *f = fopen(rom_name, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(rom, 1, sizeof rom, f), sizeof rom);
    fclose(f);

    struct machine_options o = { .ram_mib = 4, .bios_path = rom_name, .no_dbt = 1 };
    struct machine *m = malloc(sizeof *m);
    char err[MACHINE_ERR_MAX];
    ck_assert_msg(machine_create(m, &o, err, sizeof err) == 0, "%s", err);
    rng_state = (uint32_t)(12345 + _i);
    int resets = 0;
    for (int i = 0; i < 200000; i++) {
        uint16_t port = ports[rnd() % (sizeof ports / sizeof ports[0])];
        unsigned size = 1u << (rnd() % 3);
        if (rnd() & 1)
            iobus_write(&m->bus, port, size, rnd());
        else
            (void)iobus_read(&m->bus, port, size);
        if ((rnd() & 15) == 0) {
            /* Let time pass as if instructions ran, then fire timers and
             * take interrupts as the run loop would (without a CPU). */
            m->cpu->icount += rnd() % 5000;
            clock_run_due(&m->clock);
            if (m->intr_level)
                (void)i8259_acknowledge(&m->pic);
        }
        if ((rnd() & 255) == 0) {
            ps2kbd_key(&m->kbc.kbd, rnd() & 0x1FF, rnd() & 1);
            ps2mouse_event(&m->kbc.mouse, (int)(rnd() % 600) - 300, (int)(rnd() % 600) - 300,
                           (int)(rnd() % 3) - 1, rnd() & 7);
            uart16550_receive(&m->com[rnd() & 1], (uint8_t)rnd());
        }
        if (m->reset_requested) {
            machine_reset(m);
            resets++;
        }
    }
    /* The traffic reached the devices: interrupts were taken, bytes
     * moved, the guest reset the board. */
    ck_assert_uint_gt(m->pic.acks, 100);
    ck_assert_uint_gt(m->com[0].tx_bytes + m->com[1].tx_bytes, 100);
    ck_assert_int_gt(resets, 0);
    /* Whatever state the devices are in, it saves and restores. */
    struct state_writer w;
    state_writer_init(&w);
    ck_assert_int_eq(machine_save(m, &w), 0);
    struct machine *c = malloc(sizeof *c);
    ck_assert_msg(machine_create(c, &o, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(machine_load(c, w.buf, w.len, err, sizeof err) == 0, "%s", err);
    state_writer_free(&w);
    machine_destroy(c);
    free(c);
    machine_destroy(m);
    free(m);
    remove(rom_name);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_port_traffic, 0, 4);
    suite_add_tcase(s, tc);
    return check_run(s);
}
