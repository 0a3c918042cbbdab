/* The translator against the interpreter on small hand-made programs:
 * stores by DMA invalidate translated code, the instruction budget is
 * exact whatever the block length, and a fault inside a block leaves the
 * same state as the interpreter. (Guests, the host differential and
 * lockstep cover the rest: see docs/dbt.md.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/compare.h"
#include "cpu/cpu.h"
#include "dbt/dbt.h"
#include "mmu/physmem.h"

#define CODE 0x1000u

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
    struct dbt *d = dbt_create(&r.cpu);
    ck_assert_ptr_nonnull(d);
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
        struct dbt *d = dbt_create(&a.cpu);
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
    struct dbt *d = dbt_create(&a.cpu);
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

int main(void)
{
    Suite *s = suite_create("dbt");
    TCase *tc = tcase_create("dbt");
    tcase_add_test(tc, dma_write_invalidates_translated_code);
    tcase_add_test(tc, budget_is_exact_at_any_count);
    tcase_add_test(tc, fault_inside_a_block_matches_the_interpreter);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
