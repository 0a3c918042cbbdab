/* Robustness of the system architecture against hostile guests: random
 * descriptor tables, TSSs and IDT entries, and random sequences of system
 * instructions (far transfers, gates, IRET, INT, task switches, segment
 * loads, descriptor probes) run at random privilege levels and modes.
 * Whatever the guest does, the host must not crash (run under ASan/UBSan
 * by scripts/test.sh) and the CPU must stay internally consistent: CPL is
 * CS.RPL outside V86, SS.RPL equals CPL, V86 segments are V86-shaped. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/seg.h"
#include "check_run.h"

/* Deterministic generator (xorshift32): reproducible failures. */
static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Instruction templates: opcode bytes, then random bytes fill the rest. */
static const uint8_t templates[][4] = {
    { 0xEA }, { 0x9A }, { 0xCB }, { 0xCA }, { 0xCF }, { 0x66, 0xCF }, { 0xCD },
    { 0xCC }, { 0xCE }, { 0xF1 }, { 0x8E }, { 0x0F, 0x00 }, { 0x0F, 0x01 },
    { 0x0F, 0x02 }, { 0x0F, 0x03 }, { 0x63 }, { 0xFA }, { 0xFB }, { 0x9C },
    { 0x9D }, { 0xE4 }, { 0xE6 }, { 0x0F, 0x34 }, { 0x0F, 0x35 }, { 0x0F, 0x22 },
    { 0x0F, 0x23 }, { 0x07 }, { 0x17 }, { 0x1F }, { 0xFF }, { 0x66, 0xEA },
};

static void put_desc(struct physmem *pm, uint32_t at, uint32_t lo, uint32_t hi)
{
    physmem_write(pm, at, 4, lo);
    physmem_write(pm, at + 4, 4, hi);
}

/* GDT at 0 (a sane core, then random descriptors biased towards plausible
 * ones), IDT at 800h (mostly gates into the code, some garbage), TSS at
 * 1000h (sane ring-0 stack, random rest), code at 8000h. */
static void fill_tables(struct physmem *pm)
{
    for (uint32_t a = 0x30; a < 0x800; a += 8) {
        uint32_t lo = rnd(), hi = rnd();
        if (rnd() & 1)
            hi |= 0x8000;                       /* present */
        if ((rnd() & 3) == 0) {                 /* a gate or TSS */
            static const uint8_t types[] = { 1, 2, 3, 4, 5, 6, 7, 9, 0xB, 0xC, 0xE, 0xF };
            hi = (hi & 0xFFFF80E0u) | ((uint32_t)types[rnd() % sizeof types] << 8) |
                 (rnd() & 0x6000u);
            lo = (lo & 0xFFFFu) | (((rnd() % 0x100) & ~7u) | (rnd() & 3)) << 16;
            lo = (lo & 0xFFFF0000u) | (0x8000 + rnd() % 0x400);   /* into the code */
            hi &= 0x0000FFFFu;
        } else if (rnd() & 1) {
            hi &= 0xFF0FFF00u;                  /* base < 64 KiB: inside RAM */
            lo |= 0xFFFF;
        }
        put_desc(pm, a, lo, hi);
    }
    put_desc(pm, 0x00, 0, 0);
    put_desc(pm, 0x08, 0x0000FFFF, 0x00CF9A00);    /* code DPL 0 */
    put_desc(pm, 0x10, 0x0000FFFF, 0x00CF9200);    /* data DPL 0 */
    put_desc(pm, 0x18, 0x0000FFFF, 0x00CFFA00);    /* code DPL 3 */
    put_desc(pm, 0x20, 0x0000FFFF, 0x00CFF200);    /* data DPL 3 */
    put_desc(pm, 0x28, 0x10002FFF, 0x00008B00);    /* TSS at 1000h, busy */
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t at = 0x800 + v * 8;
        if ((rnd() & 7) == 0) {
            put_desc(pm, at, rnd(), rnd());
            continue;
        }
        static const uint8_t types[] = { 0xE, 0xF, 0x6, 0x7, 0x5 };
        uint32_t type = types[rnd() % sizeof types];
        uint16_t sel = type == 0x5 ? (uint16_t)((rnd() & 1) ? 0x30 : (rnd() % 0x100) & ~3u)
                                   : (uint16_t)((rnd() & 3) ? 0x08 : (rnd() % 0x100));
        uint32_t off = 0x8000 + rnd() % 0x400;
        put_desc(pm, at, (off & 0xFFFF) | (uint32_t)sel << 16,
                 0x8000 | (type << 8) | (rnd() & 0x6000u));
    }
    for (uint32_t a = 0x1000; a < 0x4000; a += 4)
        physmem_write(pm, a, 4, (rnd() & 3) ? (rnd() & 0x00FF00FFu) : rnd());
    /* 30h: a second TSS (32-bit, available) at 2000h with a plausible but
     * random state, so task switches happen and sometimes fail late. */
    put_desc(pm, 0x30, 0x20000067 | (rnd() & 1 ? 0x2000 : 0), 0x00008900);
    static const uint16_t sels[] = { 0, 0x08, 0x10, 0x1B, 0x23, 0x28, 0x0800, 0x0300 };
    int vm = (rnd() & 3) == 0;
    physmem_write(pm, 0x2020, 4, vm ? rnd() % 0x400 : 0x8000 + rnd() % 0x400);
    physmem_write(pm, 0x2024, 4, 0x2 | (vm ? 0x20000 : 0) | (rnd() & 0x3000));
    physmem_write(pm, 0x2038, 4, 0x3E00);
    for (uint32_t sg = 0; sg < 6; sg++)
        physmem_write(pm, 0x2048 + 4 * sg, 2, (rnd() & 3) ? sels[rnd() % 8] : (uint16_t)rnd());
    if (!vm && (rnd() & 3)) {
        int ring3 = rnd() & 1;
        physmem_write(pm, 0x204C, 2, ring3 ? 0x1B : 0x08);
        physmem_write(pm, 0x2050, 2, ring3 ? 0x23 : 0x10);
    }
    physmem_write(pm, 0x2060, 2, (rnd() & 3) ? 0 : (uint16_t)rnd());
    physmem_write(pm, 0x1004, 4, 0x3F00);           /* ESP0 */
    physmem_write(pm, 0x1008, 4, 0x10);             /* SS0 */
    physmem_write(pm, 0x1066, 2, 0x100);            /* I/O map base */
}

static void check_consistent(const struct cpu *cpu)
{
    if (cpu->eflags & EFLAGS_VM) {
        ck_assert_msg(cpu->cr0 & CR0_PE, "VM set outside protected mode");
        for (int s = 0; s < SEG_COUNT; s++)
            ck_assert_uint_eq(cpu->seg[s].base, (uint32_t)cpu->seg[s].sel << 4);
    } else if (cpu->cr0 & CR0_PE) {
        ck_assert_msg(cpu->seg[SEG_CS].attr & SEG_ATTR_CODE, "CS holds no code segment");
        if (cpu->seg[SEG_SS].attr & SEG_ATTR_P)
            ck_assert_uint_eq(cpu->seg[SEG_SS].sel & 3u, cpu_cpl(cpu));
    }
}

START_TEST(random_system_code)
{
    struct physmem pm;
    struct cpu cpu;
    uint64_t shutdowns = 0;
    rng_state = 0x5EED0000u + (uint32_t)_i;
    ck_assert_int_eq(physmem_init(&pm, 1u << 20), 0);
    for (int round = 0; round < 60; round++) {
        cpu_init(&cpu, &pm, NULL);
        fill_tables(&pm);
        /* Code: templates with random operands at 0x8000. */
        uint32_t at = 0x8000;
        while (at < 0x8000 + 0x400) {
            if ((rnd() & 15) == 0) {
                /* A far JMP or CALL to the second TSS. */
                static const uint8_t far_tss[] = { 0, 0, 0, 0, 0x30, 0x00 };
                physmem_write8(&pm, at++, (rnd() & 1) ? 0xEA : 0x9A);
                for (unsigned i = 0; i < sizeof far_tss; i++)
                    physmem_write8(&pm, at++, far_tss[i]);
                continue;
            }
            unsigned t = rnd() % (sizeof templates / sizeof templates[0]);
            for (unsigned i = 0; i < 4 && templates[t][i]; i++)
                physmem_write8(&pm, at++, templates[t][i]);
            for (unsigned i = rnd() % 7; i > 0; i--)
                physmem_write8(&pm, at++, (uint8_t)((rnd() & 1) ? rnd() % 0x80 : rnd()));
        }
        cpu_enter_flat32(&cpu);
        cpu.gdtr.base = 0;
        cpu.gdtr.limit = 0x7FF;
        cpu.idtr.base = 0x800;
        cpu.idtr.limit = 0x7FF;
        cpu.tr.base = 0x1000;
        cpu.tr.limit = 0x2FFF;
        cpu.tr.attr = SEG_ATTR_P | 0xB;
        cpu.tr.sel = 0x28;
        if (rnd() & 1) {
            /* Start at CPL 3. */
            cpu.seg[SEG_CS].sel = 0x1B;
            cpu.seg[SEG_CS].attr |= SEG_ATTR_DPL;
            cpu.seg[SEG_SS].sel = 0x23;
            cpu.seg[SEG_SS].attr |= SEG_ATTR_DPL;
        }
        cpu.regs[REG_ESP] = 0x3F00;
        for (int r = 0; r < 8; r++)
            if (r != REG_ESP)
                cpu.regs[r] = rnd() % 0x10000;
        cpu.eip = 0x8000;
        cpu_set_eflags(&cpu, EFLAGS_FIXED1 | ((rnd() & 3) << 12));
        if ((rnd() & 3) == 0) {
            /* Start in V86 mode (CS:IP = 0800:0000 is the same code),
             * sometimes with VME. */
            cpu_set_eflags(&cpu, cpu.eflags | EFLAGS_VM);
            for (int sg = 0; sg < SEG_COUNT; sg++)
                seg_load_v86(&cpu.seg[sg], 0x0300);
            seg_load_v86(&cpu.seg[SEG_CS], 0x0800);
            cpu.seg[SEG_CS].attr |= SEG_ATTR_CODE;
            cpu.eip = 0;
            if (rnd() & 1)
                cpu.cr4 |= 1;   /* VME */
        }
        for (int slice = 0; slice < 80; slice++) {
            enum cpu_exit why = cpu_run(&cpu, 64);
            if (why == CPU_EXIT_SHUTDOWN) {
                /* A shut-down CPU's state is not architectural. */
                shutdowns++;
                break;
            }
            check_consistent(&cpu);
            if (why == CPU_EXIT_HLT)
                cpu.halted = 0;
            /* Keep execution inside the generated code most of the time. */
            if ((rnd() & 7) == 0 && !(cpu.eflags & EFLAGS_VM))
                cpu.eip = 0x8000 + rnd() % 0x400;
        }
    }
    physmem_free(&pm);
    /* Not a result to assert: only that the runs ended. */
    (void)shutdowns;
}
END_TEST

int main(void)
{
    Suite *s = suite_create("system-fuzz");
    TCase *tc = tcase_create("random");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_system_code, 0, 12);
    suite_add_tcase(s, tc);
    return check_run(s);
}
