/* The translator's two backends against each other on whole guests: the
 * portable threaded micro-ops and x86-64 host code must give the same
 * instruction count, the same output on port 0xE9, the same stop reason,
 * the same final CPU state and the same RAM, bit for bit, and the same
 * softtlb and MMU statistics. (Lockstep
 * checks each backend against the interpreter after every block; this
 * checks the end states against each other directly.) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/compare.h"
#include "machine/machine.h"

struct guest {
    const char *name;
    const char *rom;      /* -bios, or NULL */
    const char *kernel;   /* -kernel (multiboot), or NULL */
};

static const struct guest guests[] = {
    { "smc", GUEST_DIR "/smc.rom", NULL },
    { "smc_alias", GUEST_DIR "/smc_alias.rom", NULL },
    { "pm_flat", GUEST_DIR "/pm_flat.rom", NULL },
    { "pm_privilege", GUEST_DIR "/pm_privilege.rom", NULL },
    { "pm_tasks", GUEST_DIR "/pm_tasks.rom", NULL },
    { "pm_v86", GUEST_DIR "/pm_v86.rom", NULL },
    { "rm_arith", GUEST_DIR "/rm_arith.rom", NULL },
    { "rm_rep_restart", GUEST_DIR "/rm_rep_restart.rom", NULL },
    { "mmuwalk", GUEST_DIR "/mmuwalk.rom", NULL },
    { "paging", NULL, GUEST_DIR "/paging.elf" },
    { "x87", NULL, GUEST_DIR "/x87.elf" },
};

struct run {
    struct machine *m;
    FILE *out;
    enum machine_stop stop;
};

static void run_guest(struct run *r, const struct guest *g, enum dbt_backend b)
{
    char err[MACHINE_ERR_MAX];
    struct machine_options o;
    memset(&o, 0, sizeof o);
    o.ram_mib = 32;
    o.bios_path = g->rom;
    o.kernel_path = g->kernel;
    o.no_reboot = 1;
    o.dbt_backend_set = 1;
    o.dbt_backend = b;
    r->out = tmpfile();
    ck_assert_ptr_nonnull(r->out);
    o.debugcon_out = r->out;
    r->m = malloc(sizeof *r->m);
    ck_assert_ptr_nonnull(r->m);
    ck_assert_msg(machine_create(r->m, &o, err, sizeof err) == 0, "%s: %s", g->name, err);
    ck_assert_int_eq(dbt_get_backend(r->m->dbt), b);
    r->stop = machine_run(r->m);
}

static size_t slurp(FILE *f, char *buf, size_t size)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    return n;
}

START_TEST(both_backends_end_in_the_same_state)
{
    const struct guest *g = &guests[_i];
    struct run p, x;
    static char out_p[1 << 16], out_x[1 << 16];
    char diff[1024];
    run_guest(&p, g, DBT_BACKEND_PORTABLE);
    run_guest(&x, g, DBT_BACKEND_X86_64);
    ck_assert_int_eq(p.stop, x.stop);
    ck_assert_uint_eq(machine_insn_total(p.m), machine_insn_total(x.m));
    ck_assert_uint_gt(machine_insn_total(x.m), 1000);
    size_t np = slurp(p.out, out_p, sizeof out_p), nx = slurp(x.out, out_x, sizeof out_x);
    ck_assert_uint_gt(np, 0);
    ck_assert_uint_eq(np, nx);
    ck_assert_str_eq(out_p, out_x);
    ck_assert_msg(cpu_compare(p.m->cpu, x.m->cpu, diff, sizeof diff) == 0, "%s: %s",
                  g->name, diff);
    for (uint32_t a = 0; a < p.m->mem.ram_size; a += 4)
        if (physmem_read(&p.m->mem, a, 4) != physmem_read(&x.m->mem, a, 4))
            ck_abort_msg("%s: RAM differs at %#x", g->name, a);
    /* Statistics too: the inline softtlb hits count as the fast halves do. */
    ck_assert_mem_eq(&p.m->cpu->tlb.stats, &x.m->cpu->tlb.stats, sizeof p.m->cpu->tlb.stats);
    /* and the page walks: the x86-64 backend's jump-cache probe looks a
     * page up only where the portable run loop would. */
    ck_assert_mem_eq(&p.m->mmu.stats, &x.m->mmu.stats, sizeof p.m->mmu.stats);
    /* The x86-64 run really ran host code. */
    ck_assert_uint_gt(dbt_get_stats(x.m->dbt)->code_bytes, 0);
    for (struct run *r = &p; r; r = r == &p ? &x : NULL) {
        machine_destroy(r->m);
        free(r->m);
        fclose(r->out);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("backends");
    TCase *tc = tcase_create("backends");
    tcase_set_timeout(tc, 300);
#if defined(__x86_64__) && defined(__linux__)
    tcase_add_loop_test(tc, both_backends_end_in_the_same_state, 0,
                        (int)(sizeof guests / sizeof guests[0]));
#else
    (void)both_backends_end_in_the_same_state;   /* one backend on this host: skipped below */
#endif
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    int ran = srunner_ntests_run(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "test_backends: needs an x86-64 Linux host (one backend here)\n");
        return 77;
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
