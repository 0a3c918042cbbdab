/* bench/guests/rt.c -- output and exit for the guest and native builds. */
#include "rt.h"

#ifdef BENCH_NATIVE
#include <stdio.h>
#include <stdlib.h>

void bench_puts(const char *s) { fputs(s, stdout); }

static void finish_exit(void) { fflush(stdout); exit(0); }

int main(void)
{
    uint32_t sum = bench_main();
    bench_finish(bench_name, sum);
    return 0;
}
#else
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

void bench_puts(const char *s)
{
    while (*s)
        outb(0xE9, (uint8_t)*s++);
}

/* End the run on every engine: Bochs shuts down when "Shutdown" is written
 * to port 0x8900; QEMU's isa-debug-exit and shadow86 exit on port 0xF4;
 * a HLT with interrupts off ends a shadow86 run too. */
static void finish_exit(void)
{
    for (const char *p = "Shutdown"; *p; p++)
        __asm__ volatile("outb %0, %1" : : "a"((uint8_t)*p), "d"((uint16_t)0x8900));
    outb(0xF4, 0);
    for (;;)
        __asm__ volatile("cli; hlt");
}

extern char __bss_start[], __bss_end[];

__attribute__((section(".text.start"), used)) void _start(void)
{
    for (char *p = __bss_start; p < __bss_end; p++)
        *p = 0;
    uint32_t sum = bench_main();
    bench_finish(bench_name, sum);
}
#endif

void bench_puthex(uint32_t v)
{
    char buf[9];
    for (int i = 7; i >= 0; i--, v >>= 4)
        buf[i] = "0123456789ABCDEF"[v & 15];
    buf[8] = 0;
    bench_puts(buf);
}

void bench_finish(const char *name, uint32_t checksum)
{
    bench_puts(name);
    bench_puts(" checksum ");
    bench_puthex(checksum);
    bench_puts("\n");
    finish_exit();
}
