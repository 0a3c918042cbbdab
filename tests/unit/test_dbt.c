/* The translator against the interpreter on small hand-made programs:
 * stores by DMA invalidate translated code, the instruction budget is
 * exact whatever the block length, blocks entered from the end of the
 * previous one (with memory forms, calls and returns) leave the
 * interpreter's state, and a fault inside a block leaves the
 * same state as the interpreter. (Guests, the host differential and
 * lockstep cover the rest: see docs/dbt.md.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/compare.h"
#include "cpu/cpu.h"
#include "dbt/cache.h"
#include "dbt/dbt.h"
#include "mmu/physmem.h"
#include "check_run.h"

#define CODE 0x1000u
/* Backends to run every test with: the portable one, and x86-64 code on
 * hosts that have it. */
#if defined(__x86_64__) && defined(__linux__)
#define BACKENDS 2
#else
#define BACKENDS 1
#endif

struct rig {
    struct physmem pm;
    struct cpu cpu;
};

static void rig_init(struct rig *r, const uint8_t *code, size_t len)
{
    ck_assert_int_eq(physmem_init(&r->pm, 1u << 20), 0);
    ck_assert_int_eq(physmem_load(&r->pm, CODE, code, len), 0);
    cpu_init(&r->cpu, &r->pm, NULL);
    cpu_enter_flat32(&r->cpu);
    r->cpu.eip = CODE;
}

/* Each test runs once per backend (_i: enum dbt_backend; the x86-64
 * one only where the host has it). */
static struct dbt *make_dbt(struct cpu *cpu, int backend)
{
    char err[256];
    struct dbt *d = dbt_create(cpu);
    ck_assert_ptr_nonnull(d);
    ck_assert_msg(dbt_set_backend(d, (enum dbt_backend)backend, 0, err, sizeof err) == 0, "%s",
                  err);
    ck_assert_int_eq(dbt_get_backend(d), backend);
    return d;
}

static void rig_free(struct rig *r)
{
    physmem_free(&r->pm);
}

START_TEST(dma_write_invalidates_translated_code)
{
    static const uint8_t prog[] = { 0xB8, 0x01, 0x00, 0x00, 0x00,   /* mov eax, 1 */
                                    0xF4 };                          /* hlt */
    struct rig r;
    rig_init(&r, prog, sizeof prog);
    struct dbt *d = make_dbt(&r.cpu, _i);
    ck_assert_int_eq(dbt_exec(d, 100), CPU_EXIT_HLT);
    ck_assert_uint_eq(r.cpu.regs[REG_EAX], 1);
    ck_assert_uint_ge(dbt_get_stats(d)->blocks_translated, 1);
    ck_assert_uint_eq(dbt_get_stats(d)->invalidations, 0);

    /* A device writes the immediate (DMA goes through physmem_write). */
    physmem_write(&r.pm, CODE + 1, 4, 2);
    ck_assert_uint_eq(dbt_get_stats(d)->invalidations, 1);
    r.cpu.halted = 0;
    r.cpu.eip = CODE;
    ck_assert_int_eq(dbt_exec(d, 100), CPU_EXIT_HLT);
    ck_assert_uint_eq(r.cpu.regs[REG_EAX], 2);

    /* A write next to the code but not into it invalidates nothing. */
    physmem_write(&r.pm, CODE + 0x200, 4, 0xDEADBEEF);
    ck_assert_uint_eq(dbt_get_stats(d)->invalidations, 1);
    dbt_destroy(d);
    rig_free(&r);
}
END_TEST

/* loop: inc eax; inc ebx; inc ecx; jmp loop — a 4-instruction block. */
static const uint8_t counting_loop[] = { 0x40, 0x43, 0x41, 0xEB, 0xFB };

START_TEST(budget_is_exact_at_any_count)
{
    static const uint64_t budgets[] = { 1, 2, 3, 5, 999, 1000, 1001, 4097 };
    for (unsigned i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        struct rig a, b;
        char diff[512];
        rig_init(&a, counting_loop, sizeof counting_loop);
        rig_init(&b, counting_loop, sizeof counting_loop);
        struct dbt *d = make_dbt(&a.cpu, _i);
        uint64_t used = 0;
        ck_assert_int_eq(dbt_exec(d, budgets[i]), CPU_EXIT_BUDGET);
        ck_assert_int_eq(cpu_run(&b.cpu, budgets[i]), CPU_EXIT_BUDGET);
        ck_assert_uint_eq(a.cpu.icount, budgets[i]);
        ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0,
                      "budget %llu: %s", (unsigned long long)budgets[i], diff);
        /* One more block step reports what it used. */
        ck_assert_int_eq(dbt_exec_block(d, 1000, &used), CPU_EXIT_BUDGET);
        ck_assert_uint_ge(used, 1);
        ck_assert_uint_le(used, 4);
        dbt_destroy(d);
        rig_free(&a);
        rig_free(&b);
    }
}
END_TEST

/* Loads, stores, ALU with memory of 1 and 4 bytes, CALL/RET, PUSH/POP and
 * branches in blocks that follow each other without the run loop:
 *   start: mov esi, 0x3000; mov ecx, 40
 *   loop1: call sub1; mov [esi], cl; movzx eax, byte [esi]; add [esi+4], eax
 *          cmp byte [esi], 7; jne skip; push eax; pop edx
 *   skip:  inc esi; dec ecx; jnz loop1; jmp start
 *   sub1:  mov ebx, [esi+4]; xor ebx, ecx; mov [esi+8], ebx; ret */
static const uint8_t memory_loop[] = {
    0xbe, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x28, 0x00, 0x00, 0x00, 0xe8, 0x15,
    0x00, 0x00, 0x00, 0x88, 0x0e, 0x0f, 0xb6, 0x06, 0x01, 0x46, 0x04, 0x80,
    0x3e, 0x07, 0x75, 0x02, 0x50, 0x5a, 0x46, 0x49, 0x75, 0xe8, 0xeb, 0xdc,
    0x8b, 0x5e, 0x04, 0x31, 0xcb, 0x89, 0x5e, 0x08, 0xc3 };

START_TEST(chained_memory_forms_match_the_interpreter)
{
    static const uint64_t budgets[] = { 1, 7, 12, 50, 333, 1000, 5001 };
    for (unsigned i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        struct rig a, b;
        char diff[512];
        rig_init(&a, memory_loop, sizeof memory_loop);
        rig_init(&b, memory_loop, sizeof memory_loop);
        a.cpu.regs[REG_ESP] = b.cpu.regs[REG_ESP] = 0x8000;
        struct dbt *d = make_dbt(&a.cpu, _i);
        ck_assert_int_eq(dbt_exec(d, budgets[i]), CPU_EXIT_BUDGET);
        ck_assert_int_eq(cpu_run(&b.cpu, budgets[i]), CPU_EXIT_BUDGET);
        ck_assert_uint_eq(a.cpu.icount, budgets[i]);
        ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0,
                      "budget %llu: %s", (unsigned long long)budgets[i], diff);
        for (uint32_t addr = 0x3000; addr < 0x3040; addr += 4)
            ck_assert_uint_eq(physmem_read(&a.pm, addr, 4), physmem_read(&b.pm, addr, 4));
        for (uint32_t addr = 0x7F00; addr < 0x8000; addr += 4)
            ck_assert_uint_eq(physmem_read(&a.pm, addr, 4), physmem_read(&b.pm, addr, 4));
        if (budgets[i] >= 1000)   /* most blocks were entered from a block's end */
            ck_assert_uint_gt(dbt_get_stats(d)->chain_hits, dbt_get_stats(d)->block_runs / 2);
        dbt_destroy(d);
        rig_free(&a);
        rig_free(&b);
    }
}
END_TEST

/* ALU operations with a memory operand and the Jcc after them, across a
 * page boundary (a 4-byte access at 0x2FFD..0x2FFF misses the one-compare
 * softtlb hit and takes the slow half; the x86-64 backend's inline hit
 * then calls the micro-op and the Jcc from its out of line path):
 *   mov esi, 0x2FFD; mov ecx, 40
 *   loop: add [esi], ecx; cmp byte [esi+1], 5; jb skip; sub dword [esi], 3
 *   skip: inc esi; dec ecx; jnz loop; hlt */
static const uint8_t crossing_loop[] = {
    0xBE, 0xFD, 0x2F, 0x00, 0x00, 0xB9, 0x28, 0x00, 0x00, 0x00,
    0x01, 0x0E, 0x80, 0x7E, 0x01, 0x05, 0x72, 0x03, 0x83, 0x2E, 0x03,
    0x46, 0x49, 0x75, 0xF1, 0xF4 };

START_TEST(memory_alu_and_jcc_across_a_page_match_the_interpreter)
{
    static const uint64_t budgets[] = { 3, 4, 5, 17, 60, 100, 241, 1000 };
    for (unsigned i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        struct rig a, b;
        char diff[512];
        rig_init(&a, crossing_loop, sizeof crossing_loop);
        rig_init(&b, crossing_loop, sizeof crossing_loop);
        struct dbt *d = make_dbt(&a.cpu, _i);
        enum cpu_exit ea = dbt_exec(d, budgets[i]), eb = cpu_run(&b.cpu, budgets[i]);
        ck_assert_int_eq(ea, eb);
        ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0,
                      "budget %llu: %s", (unsigned long long)budgets[i], diff);
        for (uint32_t addr = 0x2F00; addr < 0x3100; addr += 4)
            ck_assert_uint_eq(physmem_read(&a.pm, addr, 4), physmem_read(&b.pm, addr, 4));
        if (budgets[i] == 1000) {
            ck_assert_int_eq(ea, CPU_EXIT_HLT);
            ck_assert_uint_ne(physmem_read(&a.pm, 0x3000, 4), 0);
        }
        dbt_destroy(d);
        rig_free(&a);
        rig_free(&b);
    }
}
END_TEST

/* Every condition code after every kind of flag-setting instruction the
 * x86-64 backend may branch on with the host's flags (shifts by 1, 5 and
 * 31, the ALU group with three immediates, INC, DEC, NEG), on five
 * values, three ways: the Jcc right after it; with a load between (the
 * Jcc then reads the lazy record); with ADC before it (INC/DEC then find a
 * record only flags_cf() can read). Each case logs whether the branch was
 * taken: the log and the state must be the interpreter's. */
static size_t emit_cc_cases(uint8_t *p)
{
    static const uint8_t shifts[] = { 0xE0, 0xE8, 0xF8 };        /* SHL, SHR, SAR eax */
    static const uint8_t counts[] = { 1, 5, 31 };
    static const uint8_t alu[] = { 0x05, 0x2D, 0x25, 0x0D, 0x35, 0x3D, 0xA9 };  /* op eax, imm32 */
    static const uint32_t imms[] = { 1, 0x7FFFFFFF, 0x80000000 };
    static const uint32_t values[] = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF };
    size_t flen[64], nf = 0, n = 0;
    uint8_t flaggers[64][8];
    for (unsigned s = 0; s < 3; s++)
        for (unsigned c = 0; c < 3; c++) {
            uint8_t b[] = { 0xC1, shifts[s], counts[c] };
            memcpy(flaggers[nf], b, 3);
            flen[nf++] = 3;
        }
    for (unsigned a = 0; a < sizeof alu; a++)
        for (unsigned i = 0; i < 3; i++) {
            flaggers[nf][0] = alu[a];
            memcpy(&flaggers[nf][1], &imms[i], 4);
            flen[nf++] = 5;
        }
    flaggers[nf][0] = 0x40; flen[nf++] = 1;                        /* inc eax */
    flaggers[nf][0] = 0x48; flen[nf++] = 1;                        /* dec eax */
    flaggers[nf][0] = 0xF7; flaggers[nf][1] = 0xD8; flen[nf++] = 2;  /* neg eax */
    for (unsigned k = 0; k < nf; k++)
        for (unsigned v = 0; v < 5; v++)
            for (unsigned way = 0; way < 3; way++)
                for (unsigned cc = 0; cc < 16; cc++) {
                    p[n++] = 0xB8;                                 /* mov eax, value */
                    memcpy(&p[n], &values[v], 4);
                    n += 4;
                    if (way == 2) {
                        p[n++] = 0x83; p[n++] = 0xD0; p[n++] = 0x00;   /* adc eax, 0 */
                    }
                    memcpy(&p[n], flaggers[k], flen[k]);
                    n += flen[k];
                    if (way == 1) {
                        p[n++] = 0x8B; p[n++] = 0x0E;              /* mov ecx, [esi] */
                    }
                    p[n++] = (uint8_t)(0x70 | cc);                 /* jcc +1 */
                    p[n++] = 0x01;
                    p[n++] = 0x43;                                 /* inc ebx */
                    p[n++] = 0x88; p[n++] = 0x1F;                  /* mov [edi], bl */
                    p[n++] = 0x47;                                 /* inc edi */
                    p[n++] = 0x31; p[n++] = 0xDB;                  /* xor ebx, ebx */
                }
    p[n++] = 0xF4;                                                 /* hlt */
    return n;
}

START_TEST(every_condition_after_every_flag_setter_matches_the_interpreter)
{
    static uint8_t prog[160 * 1024];
    size_t n = emit_cc_cases(prog);
    ck_assert_uint_lt(n, sizeof prog);
    ck_assert_uint_lt(CODE + n, 0x70000);
    struct rig a, b;
    char diff[512];
    rig_init(&a, prog, n);
    rig_init(&b, prog, n);
    for (struct rig *r = &a; r; r = r == &a ? &b : NULL) {
        r->cpu.regs[REG_ESI] = 0x70000;
        r->cpu.regs[REG_EDI] = 0x80000;
    }
    struct dbt *d = make_dbt(&a.cpu, _i);
    ck_assert_int_eq(dbt_exec(d, 1000000), CPU_EXIT_HLT);
    ck_assert_int_eq(cpu_run(&b.cpu, 1000000), CPU_EXIT_HLT);
    ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0, "%s", diff);
    uint32_t cases = a.cpu.regs[REG_EDI] - 0x80000, taken = 0;
    ck_assert_uint_eq(cases, 33 * 5 * 3 * 16);
    for (uint32_t i = 0; i < cases; i++) {
        uint32_t x = physmem_read(&a.pm, 0x80000 + i, 1);
        ck_assert_msg(x == physmem_read(&b.pm, 0x80000 + i, 1), "case %u differs", i);
        taken += x == 0;
    }
    ck_assert_uint_gt(taken, cases / 8);          /* both ways were taken often */
    ck_assert_uint_lt(taken, cases - cases / 8);
    dbt_destroy(d);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

/* Byte and word registers with memory, AH..BH included (byte 1 of EAX..
 * EBX): loads, stores and ALU forms keep the register's other bytes. */
START_TEST(partial_registers_with_memory_match_the_interpreter)
{
    static const uint8_t prog[] = {
        0xBE, 0x00, 0x30, 0x00, 0x00,             /* mov esi, 0x3000 */
        0xB8, 0x44, 0x33, 0x22, 0x11,             /* mov eax, 0x11223344 */
        0xBB, 0x88, 0x77, 0x66, 0x55,             /* mov ebx, 0x55667788 */
        0xB9, 0xCC, 0xBB, 0xAA, 0x99,             /* mov ecx, 0x99AABBCC */
        0xBA, 0x00, 0xFF, 0xEE, 0xDD,             /* mov edx, 0xDDEEFF00 */
        0x8A, 0x26,                               /* mov ah, [esi] */
        0x8A, 0x7E, 0x01,                         /* mov bh, [esi+1] */
        0x8A, 0x4E, 0x02,                         /* mov cl, [esi+2] */
        0x66, 0x8B, 0x56, 0x04,                   /* mov dx, [esi+4] */
        0x88, 0x6E, 0x08,                         /* mov [esi+8], ch */
        0x88, 0x76, 0x09,                         /* mov [esi+9], dh */
        0x66, 0x89, 0x5E, 0x0A,                   /* mov [esi+10], bx */
        0x02, 0x66, 0x03,                         /* add ah, [esi+3] */
        0x28, 0x7E, 0x0C,                         /* sub [esi+12], bh */
        0x3A, 0x76, 0x05,                         /* cmp dh, [esi+5] */
        0x74, 0x01, 0x47,                         /* jz +1; inc edi */
        0xF4 };                                   /* hlt */
    struct rig a, b;
    char diff[512];
    rig_init(&a, prog, sizeof prog);
    rig_init(&b, prog, sizeof prog);
    for (uint32_t i = 0; i < 16; i++) {
        physmem_write(&a.pm, 0x3000 + i, 1, 0xA0 + i * 7);
        physmem_write(&b.pm, 0x3000 + i, 1, 0xA0 + i * 7);
    }
    struct dbt *d = make_dbt(&a.cpu, _i);
    ck_assert_int_eq(dbt_exec(d, 100), CPU_EXIT_HLT);
    ck_assert_int_eq(cpu_run(&b.cpu, 100), CPU_EXIT_HLT);
    ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0, "%s", diff);
    ck_assert_uint_eq(a.cpu.regs[REG_EAX] & 0xFFFF00FFu, 0x11220044u);   /* only AH changed */
    for (uint32_t addr = 0x3000; addr < 0x3010; addr++)
        ck_assert_uint_eq(physmem_read(&a.pm, addr, 1), physmem_read(&b.pm, addr, 1));
    dbt_destroy(d);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

START_TEST(fault_inside_a_block_matches_the_interpreter)
{
    /* mov eax, 1; inc ecx; ud2 — with an empty IDT the #UD escalates to a
     * triple fault; both engines must stop at the same instruction with
     * the same state and fault chain. */
    static const uint8_t prog[] = { 0xB8, 0x01, 0x00, 0x00, 0x00, 0x41, 0x0F, 0x0B };
    struct rig a, b;
    char diff[512], ca[64], cb[64];
    rig_init(&a, prog, sizeof prog);
    rig_init(&b, prog, sizeof prog);
    a.cpu.idtr.limit = 0;
    b.cpu.idtr.limit = 0;
    struct dbt *d = make_dbt(&a.cpu, _i);
    ck_assert_int_eq(dbt_exec(d, 100), CPU_EXIT_SHUTDOWN);
    ck_assert_int_eq(cpu_run(&b.cpu, 100), CPU_EXIT_SHUTDOWN);
    ck_assert_uint_eq(a.cpu.icount, 2);
    ck_assert_uint_eq(a.cpu.eip, CODE + 6);   /* the faulting UD2 */
    ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0, "%s", diff);
    cpu_format_fault_chain(&a.cpu, ca, sizeof ca);
    cpu_format_fault_chain(&b.cpu, cb, sizeof cb);
    ck_assert_str_eq(ca, cb);
    dbt_destroy(d);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

/* --lockstep: a jump to the first byte past RAM (open bus, #UD) with an
 * empty IDT: #UD #GP #GP #DF #GP, shutdown. The translator, run one block
 * at a time, must report the units it used (the jump and the fault), and
 * the interpreter held to them must end in the same state. RF is set only
 * in the EFLAGS image a fault pushes (SDM 17.3.1.1 and 6.12.1): no
 * delivery succeeded, so the live RF stays as it was, clear. */
START_TEST(shutdown_past_ram_lockstep)
{
    /* jmp 0x100000 (rel32 from CODE + 5) */
    static const uint8_t prog[] = { 0xE9, 0xFB, 0xEF, 0x0F, 0x00 };
    struct rig a, b;
    char diff[512];
    rig_init(&a, prog, sizeof prog);
    rig_init(&b, prog, sizeof prog);
    a.cpu.idtr.limit = 0;
    b.cpu.idtr.limit = 0;
    struct dbt *d = make_dbt(&a.cpu, _i);
    uint64_t used = 0, total = 0;
    enum cpu_exit why;
    do {
        why = dbt_exec_block(d, 100, &used);
        ck_assert_int_eq(cpu_run(&b.cpu, used), why);
        ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0, "%s", diff);
        total += used;
    } while (why == CPU_EXIT_BUDGET && total < 10);
    ck_assert_int_eq(why, CPU_EXIT_SHUTDOWN);
    ck_assert_uint_eq(total, 2);              /* the jump and the fault */
    ck_assert_uint_eq(a.cpu.eip, 0x100000);
    ck_assert_uint_eq(a.cpu.eflags & EFLAGS_RF, 0);
    ck_assert_uint_eq(b.cpu.eflags & EFLAGS_RF, 0);
    dbt_destroy(d);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

/* The block cache's buckets: the same bytes (one physical and linear
 * address) reached through 4,096 CS bases must spread over the table, not
 * share one bucket (keyed by CS base + EIP they did, and translating
 * 20,000 such blocks went quadratic: tests/guests/cs_alias). */
START_TEST(hash_spreads_cs_aliases)
{
    static unsigned char seen[1u << DBT_HASH_BITS];
    memset(seen, 0, sizeof seen);
    unsigned used = 0;
    for (uint32_t s = 0x801; s <= 0x1800; s++) {
        uint32_t base = s << 4, eip = 0x18000 - base;
        uint32_t h = dbt_cache_bucket(eip, base, 0, 0x18000);
        ck_assert_uint_lt(h, 1u << DBT_HASH_BITS);
        used += !seen[h];
        seen[h] = 1;
    }
    ck_assert_uint_ge(used, 2000);
    /* And the mode bits alone move a block to another bucket. */
    ck_assert_uint_ne(dbt_cache_bucket(0x100, 0, 0, 0x100), dbt_cache_bucket(0x100, 0, 1, 0x100));
}
END_TEST

#if BACKENDS > 1
/* The x86-64 backend's chain jumps: block A (inc eax; jmp B) and block B
 * (add ebx, 2; dec ecx; jnz A) patch their exits into each other; a DMA
 * write to B's immediate invalidates B, which must patch A's jump back
 * (else A would run B's stale code: EBX would grow by 2, not 3). */
START_TEST(native_links_are_patched_and_unlinked)
{
    static const uint8_t prog[] = { 0x40, 0xEB, 0x00,                 /* A */
                                    0x83, 0xC3, 0x02, 0x49, 0x75, 0xF7, /* B */
                                    0xF4 };
    struct rig a, b;
    char diff[512];
    rig_init(&a, prog, sizeof prog);
    rig_init(&b, prog, sizeof prog);
    a.cpu.regs[REG_ECX] = b.cpu.regs[REG_ECX] = 100;
    struct dbt *d = make_dbt(&a.cpu, DBT_BACKEND_X86_64);
    ck_assert_int_eq(dbt_exec(d, 10000), CPU_EXIT_HLT);
    ck_assert_uint_eq(a.cpu.regs[REG_EBX], 200);
    ck_assert_uint_ge(dbt_get_stats(d)->native_links, 2);      /* A→B, B→A */
    ck_assert_uint_eq(dbt_get_stats(d)->native_unlinks, 0);
    /* Nearly every block was entered through a patched jump. */
    ck_assert_uint_gt(dbt_get_stats(d)->chain_hits, 150);
    ck_assert_int_eq(cpu_run(&b.cpu, 10000), CPU_EXIT_HLT);

    physmem_write(&a.pm, CODE + 5, 1, 3);
    physmem_write(&b.pm, CODE + 5, 1, 3);
    ck_assert_uint_ge(dbt_get_stats(d)->native_unlinks, 1);
    for (struct rig *r = &a; r; r = r == &a ? &b : NULL) {
        r->cpu.halted = 0;
        r->cpu.eip = CODE;
        r->cpu.regs[REG_ECX] = 100;
    }
    ck_assert_int_eq(dbt_exec(d, 10000), CPU_EXIT_HLT);
    ck_assert_int_eq(cpu_run(&b.cpu, 10000), CPU_EXIT_HLT);
    ck_assert_uint_eq(a.cpu.regs[REG_EBX], 500);
    ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0, "%s", diff);
    dbt_destroy(d);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

/* A code buffer of the smallest size (64 KiB) and 4,000 two-instruction
 * blocks (inc eax; jmp next), run 3 times: the buffer fills and is
 * flushed again and again while the guest runs; the state must stay the
 * interpreter's at every budget. */
START_TEST(tiny_code_buffer_flushes_during_a_run)
{
    enum { BLOCKS = 4000 };
    static uint8_t prog[BLOCKS * 3 + 16];
    size_t n = 0;
    for (unsigned i = 0; i < BLOCKS; i++) {
        prog[n++] = 0x40;                      /* inc eax */
        prog[n++] = 0xEB;                      /* jmp $+2 */
        prog[n++] = 0x00;
    }
    prog[n++] = 0x49;                          /* dec ecx */
    uint32_t rel = (uint32_t)(0 - (n + 6));
    prog[n++] = 0x0F;                          /* jnz start */
    prog[n++] = 0x85;
    for (int k = 0; k < 4; k++)
        prog[n++] = (uint8_t)(rel >> (8 * k));
    prog[n++] = 0xF4;                          /* hlt */
    static const uint64_t budgets[] = { 5000, 20011, 1000000 };
    for (unsigned i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        struct rig a, b;
        char diff[512], err[256];
        rig_init(&a, prog, n);
        rig_init(&b, prog, n);
        a.cpu.regs[REG_ECX] = b.cpu.regs[REG_ECX] = 3;
        struct dbt *d = dbt_create(&a.cpu);
        ck_assert_msg(dbt_set_backend(d, DBT_BACKEND_X86_64, 64u << 10, err, sizeof err) == 0,
                      "%s", err);
        enum cpu_exit ea = dbt_exec(d, budgets[i]), eb = cpu_run(&b.cpu, budgets[i]);
        ck_assert_int_eq(ea, eb);
        ck_assert_msg(cpu_compare(&a.cpu, &b.cpu, diff, sizeof diff) == 0,
                      "budget %llu: %s", (unsigned long long)budgets[i], diff);
        if (budgets[i] >= 20000)
            ck_assert_uint_ge(dbt_get_stats(d)->code_buffer_flushes, 1);
        if (ea == CPU_EXIT_HLT)
            ck_assert_uint_eq(a.cpu.regs[REG_EAX], 3 * BLOCKS);
        size_t used, size;
        dbt_code_buffer_usage(d, &used, &size);
        ck_assert_uint_le(used, size);
        ck_assert_uint_eq(size, 64u << 10);
        dbt_destroy(d);
        rig_free(&a);
        rig_free(&b);
    }
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("dbt");
    TCase *tc = tcase_create("dbt");
    tcase_add_loop_test(tc, dma_write_invalidates_translated_code, 0, BACKENDS);
    tcase_add_loop_test(tc, budget_is_exact_at_any_count, 0, BACKENDS);
    tcase_add_loop_test(tc, chained_memory_forms_match_the_interpreter, 0, BACKENDS);
    tcase_add_loop_test(tc, fault_inside_a_block_matches_the_interpreter, 0, BACKENDS);
    tcase_add_loop_test(tc, shutdown_past_ram_lockstep, 0, BACKENDS);
    tcase_add_test(tc, hash_spreads_cs_aliases);
    tcase_add_loop_test(tc, memory_alu_and_jcc_across_a_page_match_the_interpreter, 0,
                        BACKENDS);
    tcase_add_loop_test(tc, every_condition_after_every_flag_setter_matches_the_interpreter, 0,
                        BACKENDS);
    tcase_add_loop_test(tc, partial_registers_with_memory_match_the_interpreter, 0, BACKENDS);
#if BACKENDS > 1
    tcase_add_test(tc, native_links_are_patched_and_unlinked);
    tcase_add_test(tc, tiny_code_buffer_flushes_during_a_run);
#endif
    suite_add_tcase(s, tc);
    return check_run(s);
}
