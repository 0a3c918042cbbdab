/* Self-modifying code: a routine whose immediate operand is rewritten
 * before every call, as old DOS-era code and JITs do. */
#include "rt.h"

const char bench_name[] = "smc";

#ifdef BENCH_NATIVE
#include <sys/mman.h>
#endif

/* mov eax, imm32 ; add eax, ecx ; ret */
static const uint8_t routine[] = { 0xB8, 0, 0, 0, 0, 0x01, 0xC8, 0xC3 };

/* Each call follows a rewrite of the routine, so every call runs code
 * that changed since its last run.  Sized for about half a second on
 * shadow86's translator; QEMU's TCG pays far more per rewrite. */
#define ROUTINE_CALLS 900000

uint32_t bench_main(void)
{
#ifdef BENCH_NATIVE
    uint8_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#else
    static uint8_t code_area[64] __attribute__((aligned(64)));
    uint8_t *code = code_area;
#endif
    for (unsigned i = 0; i < sizeof routine; i++)
        code[i] = routine[i];
    uint32_t sum = 0;
    for (uint32_t i = 0; i < ROUTINE_CALLS; i++) {
        uint32_t imm = i * 2654435761u;
        code[1] = (uint8_t)imm;
        code[2] = (uint8_t)(imm >> 8);
        code[3] = (uint8_t)(imm >> 16);
        code[4] = (uint8_t)(imm >> 24);
        uint32_t r;
        __asm__ volatile("call *%1" : "=a"(r) : "r"(code), "c"(sum) : "memory", "edx");
        sum = r;
    }
    return sum;
}
