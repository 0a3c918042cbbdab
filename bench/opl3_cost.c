/* Host cost of the OPL3 (devices/opl3*.c): microseconds of CPU per second
 * of output with all 18 channels sounding (NEW set, each channel a 2-op
 * FM voice with feedback, tremolo and vibrato, notes spread over five
 * octaves, both outputs), rendered as the board does: 44100 frames a
 * second from 49716 native samples. Also the cost with the chip silent.
 * Not a test.
 *
 *   cmake --build build
 *   gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I. bench/opl3_cost.c \
 *       build/libshadow86_devices.a build/libshadow86_mmu.a build/libshadow86_base.a -o /tmp/opl3_cost
 *   /tmp/opl3_cost
 */
#include <stdio.h>
#include <time.h>

#include "devices/opl3.h"

static uint64_t insns;
static uint64_t count_insns(void *opaque)
{
    (void)opaque;
    return insns;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Render `seconds` of output in 10 ms steps; CPU seconds taken. */
static double run(struct opl3 *s, struct clock *c, int seconds)
{
    double t0 = now();
    for (int i = 0; i < seconds * 100; i++) {
        insns += 10000000 / CLOCK_NS_PER_INSN;   /* 10 ms */
        opl3_render(s, audio_frame_at(clock_now(c)));
        audio_src_taken(&s->out);
    }
    return now() - t0;
}

int main(void)
{
    struct clock c;
    clock_init(&c, CLOCK_VIRTUAL, count_insns, NULL);
    struct iobus bus;
    iobus_init(&bus);
    static struct opl3 s;
    static const uint16_t ports[] = { OPL3_ADLIB_BASE, 0 };
    if (opl3_init(&s, &bus, &c, ports, 0, NULL, NULL) != 0)
        return 1;
    audio_src_start(&s.out, 1, s.frame);
    const int secs = 10;
    double silent = run(&s, &c, secs);

    opl3_write(&s, 0x105, 1);
    opl3_write(&s, 0xBD, 0xC0);
    for (unsigned ch = 0; ch < 18; ch++) {
        unsigned bank = ch / 9 * 0x100, cc = ch % 9;
        unsigned m = bank + (cc / 3) * 8 + cc % 3, k = m + 3;   /* modulator, carrier */
        opl3_write(&s, m + 0x20, 0xE2);   /* AM, VIB, sustained, mult 2 */
        opl3_write(&s, k + 0x20, 0xE1);
        opl3_write(&s, m + 0x40, 0x10);
        opl3_write(&s, k + 0x40, 0x04);
        opl3_write(&s, m + 0x60, 0xF4);
        opl3_write(&s, k + 0x60, 0xF4);
        opl3_write(&s, m + 0x80, 0x24);
        opl3_write(&s, k + 0x80, 0x24);
        opl3_write(&s, bank + 0xC0 + cc, 0x3C);   /* both outputs, feedback 6, FM */
        unsigned fnum = 400 + 30 * ch;
        opl3_write(&s, bank + 0xA0 + cc, fnum & 0xFF);
        opl3_write(&s, bank + 0xB0 + cc, (uint8_t)(0x20 | (2 + ch % 5) << 2 | fnum >> 8));
    }
    double busy = run(&s, &c, secs);
    printf("opl3: silent   %8.0f us per second of output\n", silent / secs * 1e6);
    printf("opl3: 18 voices %7.0f us per second of output (%.1f%% of one core)\n",
           busy / secs * 1e6, busy / secs * 100);
    return 0;
}
