/* Debug registers: breakpoint matching, DR6 status, general detect; and
 * the alignment check that shares the data-access hook. */
#include "cpu/debug.h"
#include "cpu/except.h"
#include "cpu/seg.h"

static unsigned bp_enabled(const struct cpu *cpu, unsigned n)
{
    return (cpu->dr[7] >> (2 * n)) & 3u;
}

static unsigned bp_rw(const struct cpu *cpu, unsigned n)
{
    return (cpu->dr[7] >> (16 + 4 * n)) & 3u;
}

/* Breakpoint length in bytes: LEN 00=1, 01=2, 11=4, 10=8 (SDM 17.2.5). */
static uint32_t bp_len(const struct cpu *cpu, unsigned n)
{
    static const uint32_t lens[4] = { 1, 2, 8, 4 };
    return lens[(cpu->dr[7] >> (18 + 4 * n)) & 3u];
}

void cpu_debug_insn_check(struct cpu *cpu)
{
    if (cpu->eflags & EFLAGS_RF)
        return;
    uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
    uint32_t hits = 0;
    for (unsigned n = 0; n < 4; n++)
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == 0 && cpu->dr[n] == lin)
            hits |= 1u << n;
    if (!hits)
        return;
    cpu->dr[6] = (cpu->dr[6] & ~0xFu) | hits;
    /* An instruction breakpoint is the one fault that does not push RF=1
     * (SDM 17.3.1.1): handle_fault reads this. */
    cpu->dbg_code_fault = 1;
    cpu_raise(cpu, VEC_DB, 0);
}

void cpu_access_hook(struct cpu *cpu, uint32_t lin, unsigned size, int write)
{
    if ((cpu->cr0 & CR0_AM) && (cpu->eflags & EFLAGS_AC) && cpu_cpl(cpu) == 3 &&
        size > 1 && (lin & (size - 1)))
        cpu_raise(cpu, VEC_AC, 0);
    for (unsigned n = 0; n < 4; n++) {
        unsigned rw = bp_rw(cpu, n);
        if (!bp_enabled(cpu, n) || (rw != 1 && rw != 3) || (rw == 1 && !write))
            continue;
        uint32_t len = bp_len(cpu, n);
        uint32_t start = cpu->dr[n] & ~(len - 1);
        /* Overlap of [lin, lin+size) with [start, start+len), mod 2^32. */
        if ((uint32_t)(lin - start) < len || (uint32_t)(start - lin) < size)
            cpu->dbg_pending |= 1u << n;
    }
}

void cpu_debug_io(struct cpu *cpu, uint16_t port, unsigned size)
{
    if (!(cpu->cr4 & 0x8u) || !(cpu->dr[7] & 0xFF))
        return;
    for (unsigned n = 0; n < 4; n++) {
        if (!bp_enabled(cpu, n) || bp_rw(cpu, n) != 2)
            continue;
        uint32_t len = bp_len(cpu, n);
        uint32_t start = (cpu->dr[n] & 0xFFFFu) & ~(len - 1);
        if ((uint32_t)(port - start) < len || (uint32_t)(start - port) < size)
            cpu->dbg_pending |= 1u << n;
    }
}

void cpu_debug_general_detect(struct cpu *cpu)
{
    if (!(cpu->dr[7] & DR7_GD))
        return;
    cpu->dr[6] |= DR6_BD;
    cpu->dr[7] &= ~DR7_GD;
    cpu_raise(cpu, VEC_DB, 0);
}

uint32_t cpu_debug_take_traps(struct cpu *cpu)
{
    uint32_t bits = cpu->dbg_pending;
    cpu->dbg_pending = 0;
    return bits;
}
