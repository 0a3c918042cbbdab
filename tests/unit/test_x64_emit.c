/* The x86-64 encoder of the native backend (dbt/x64_emit.h) and its code
 * buffer (dbt/code_buffer.h): encodings checked byte for byte against the
 * Intel SDM's, then small functions emitted into the buffer, run, and
 * their results compared with the same computation in C. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbt/code_buffer.h"
#include "dbt/x64_emit.h"

#if defined(__x86_64__) && defined(__linux__)

static uint8_t buf[64];

static struct x64_emit at(void)
{
    struct x64_emit e;
    memset(buf, 0xCC, sizeof buf);
    x64_init(&e, buf, 0x10000, sizeof buf);
    return e;
}

#define EXPECT(e, ...) \
    do { \
        static const uint8_t want[] = { __VA_ARGS__ }; \
        ck_assert_uint_eq((size_t)((e).w - buf), sizeof want); \
        ck_assert_mem_eq(buf, want, sizeof want); \
    } while (0)

START_TEST(encodings_match_the_sdm)
{
    struct x64_emit e;
    e = at(); x64_mov_rm(&e, X64_RAX, X64_R12, 0x10);          /* mov rax, [r12+0x10] */
    EXPECT(e, 0x49, 0x8B, 0x44, 0x24, 0x10);
    e = at(); x64_mov_rm(&e, X64_RAX, X64_R12, 0x1234);        /* mov rax, [r12+0x1234] */
    EXPECT(e, 0x49, 0x8B, 0x84, 0x24, 0x34, 0x12, 0x00, 0x00);
    e = at(); x64_mov_mr(&e, X64_RBX, -8, X64_RCX);             /* mov [rbx-8], rcx */
    EXPECT(e, 0x48, 0x89, 0x4B, 0xF8);
    e = at(); x64_mov_mr(&e, X64_RBX, -129, X64_RCX);           /* mov [rbx-129], rcx */
    EXPECT(e, 0x48, 0x89, 0x8B, 0x7F, 0xFF, 0xFF, 0xFF);
    e = at(); x64_mov_rr(&e, X64_RDI, X64_RBX);                 /* mov rdi, rbx */
    EXPECT(e, 0x48, 0x89, 0xDF);
    e = at(); x64_mov_rr(&e, X64_RDX, X64_R12);                 /* mov rdx, r12 */
    EXPECT(e, 0x4C, 0x89, 0xE2);
    e = at(); x64_mov_ri64(&e, X64_RSI, 0x1122334455667788ull);
    EXPECT(e, 0x48, 0xBE, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
    e = at(); x64_mov_ri32(&e, X64_RAX, 1);                     /* mov eax, 1 */
    EXPECT(e, 0xB8, 0x01, 0x00, 0x00, 0x00);
    e = at(); x64_add_m64_i32(&e, X64_R12, 0x200, 5);           /* add qword [r12+0x200], 5 */
    EXPECT(e, 0x49, 0x81, 0x84, 0x24, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00);
    e = at(); x64_cmp_m32_i32(&e, X64_RBX, 0x24, 0x1234);       /* cmp dword [rbx+0x24], 0x1234 */
    EXPECT(e, 0x81, 0x7B, 0x24, 0x34, 0x12, 0x00, 0x00);
    e = at(); x64_mov_m32_i32(&e, X64_RBX, 0x24, 7);            /* mov dword [rbx+0x24], 7 */
    EXPECT(e, 0xC7, 0x43, 0x24, 0x07, 0x00, 0x00, 0x00);
    e = at(); x64_inc_m64(&e, X64_R12, 0);                      /* inc qword [r12+0] */
    EXPECT(e, 0x49, 0xFF, 0x44, 0x24, 0x00);
    e = at(); x64_load32(&e, X64_RAX, X64_RBX, 0x10, 1, 0);     /* movzx eax, byte [rbx+0x10] */
    EXPECT(e, 0x0F, 0xB6, 0x43, 0x10);
    e = at(); x64_store(&e, X64_R10, 0, X64_RDX, 2);           /* mov [r10+0], dx */
    EXPECT(e, 0x66, 0x41, 0x89, 0x52, 0x00);
    e = at(); x64_test_rr(&e, X64_RAX, X64_RAX);                /* test rax, rax */
    EXPECT(e, 0x48, 0x85, 0xC0);
    e = at(); x64_push(&e, X64_R12); x64_pop(&e, X64_RBX);      /* push r12; pop rbx */
    EXPECT(e, 0x41, 0x54, 0x5B);
    e = at(); x64_jmp_r(&e, X64_RAX);                           /* jmp rax */
    EXPECT(e, 0xFF, 0xE0);
    e = at(); x64_mov_mr_idx8(&e, X64_R12, X64_RAX, 0x40, X64_RCX);   /* mov [r12+rax*8+0x40], rcx */
    EXPECT(e, 0x49, 0x89, 0x8C, 0xC4, 0x40, 0x00, 0x00, 0x00);
    e = at(); x64_mov_rm_idx8(&e, X64_RCX, X64_R12, X64_RAX, 0x40);   /* mov rcx, [r12+rax*8+0x40] */
    EXPECT(e, 0x49, 0x8B, 0x8C, 0xC4, 0x40, 0x00, 0x00, 0x00);
    e = at(); x64_shift_cl32(&e, 5, X64_RDX);                   /* shr edx, cl */
    EXPECT(e, 0xD3, 0xEA);
    e = at(); x64_lea_r32_disp8(&e, X64_RCX, X64_RAX, 1);       /* lea ecx, [rax+1] */
    EXPECT(e, 0x8D, 0x48, 0x01);
    e = at(); x64_and_ri8_32(&e, X64_RAX, 15);                  /* and eax, 15 */
    EXPECT(e, 0x83, 0xE0, 0x0F);
    e = at(); x64_imul_rr32(&e, X64_RAX, X64_R9);               /* imul eax, r9d */
    EXPECT(e, 0x41, 0x0F, 0xAF, 0xC1);
    e = at(); x64_imul_rri32_32(&e, X64_RDX, X64_RCX, 0x801);   /* imul edx, ecx, 0x801 */
    EXPECT(e, 0x69, 0xD1, 0x01, 0x08, 0x00, 0x00);
    e = at(); x64_pushf_pop(&e, X64_R10);                       /* pushfq; pop r10 */
    EXPECT(e, 0x9C, 0x41, 0x5A);
    /* Relative branches count from the end of the instruction, at the
     * executable address (0x10000 here, not the buffer's). */
    e = at(); x64_jmp(&e, 0x10000 + 0x105);                     /* jmp +0x100 */
    EXPECT(e, 0xE9, 0x00, 0x01, 0x00, 0x00);
    e = at(); x64_jcc(&e, X64_CC_E, 0x10000);                   /* je to itself */
    EXPECT(e, 0x0F, 0x84, 0xFA, 0xFF, 0xFF, 0xFF);
    e = at(); x64_call(&e, 0x10000 + 5);                        /* call next */
    EXPECT(e, 0xE8, 0x00, 0x00, 0x00, 0x00);
    e = at(); x64_call(&e, 0x7F0000000000ull);                  /* out of rel32 reach */
    EXPECT(e, 0x48, 0xB8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7F, 0x00, 0x00, 0xFF, 0xD0);
}
END_TEST

START_TEST(a_full_buffer_overflows_without_writing_past_it)
{
    uint8_t small[8];
    struct x64_emit e;
    memset(small, 0xCC, sizeof small);
    x64_init(&e, small, 0x1000, 6);
    x64_mov_ri32(&e, X64_RAX, 1);       /* 5 bytes: fits */
    ck_assert_int_eq(e.overflow, 0);
    x64_mov_ri64(&e, X64_RAX, 2);       /* 10 bytes: does not */
    ck_assert_int_eq(e.overflow, 1);
    ck_assert_uint_eq(small[5], 0xCC);
    ck_assert_uint_eq(small[6], 0xCC);
}
END_TEST

static uint64_t helper_calls;
static uint64_t helper(uint64_t a, uint64_t b)
{
    helper_calls++;
    return a * 3 + b;
}

struct frame {
    uint64_t counter;
    uint32_t value;
    uint32_t pad;
    uint64_t slots[16];
};

typedef uint64_t (*fn2)(struct frame *f, uint64_t x);

/* Emit, run, compare: a function that keeps its arguments in callee-saved
 * registers (as block code does), updates memory, compares, calls C and
 * takes the exit a patched jump names. */
START_TEST(emitted_code_runs_and_matches_c)
{
    struct dbt_code_buffer cb;
    ck_assert_int_eq(dbt_code_buffer_init(&cb, 4096, (const void *)(uintptr_t)&helper), 0);
    struct x64_emit e;
    x64_init(&e, cb.rw, (uintptr_t)cb.rx, cb.size);
    uintptr_t fn = e.x;
    /* rbx = f, r12 = x (saved and restored; 3 pushes + return address
     * keep calls aligned). */
    x64_push(&e, X64_RBX);
    x64_push(&e, X64_R12);
    x64_sub_rsp_i8(&e, 8);
    x64_mov_rr(&e, X64_RBX, X64_RDI);
    x64_mov_rr(&e, X64_R12, X64_RSI);
    x64_add_m64_i32(&e, X64_RBX, 0, 1000);                      /* f->counter += 1000 */
    x64_inc_m64(&e, X64_RBX, 0);                                /* f->counter++ */
    x64_mov_ri32(&e, X64_RAX, 5);
    x64_mov_ri64(&e, X64_RCX, 0xABCD);
    x64_mov_mr_idx8(&e, X64_RBX, X64_RAX, 16, X64_RCX);         /* f->slots[5] = 0xABCD */
    x64_mov_rr(&e, X64_RDI, X64_R12);
    x64_mov_ri32(&e, X64_RSI, 7);
    x64_call(&e, (uintptr_t)&helper);                           /* rax = x * 3 + 7 */
    x64_mov_mr32(&e, X64_RBX, 8, X64_RAX);                      /* f->value = (uint32_t)rax */
    x64_cmp_m32_i32(&e, X64_RBX, 8, 0x1000);
    uintptr_t je = x64_jcc(&e, X64_CC_E, 0);
    uintptr_t jmp = x64_jmp(&e, 0);                             /* patched below */
    uintptr_t ret_a = e.x;                                      /* return rax + 1 */
    x64_add_ri32(&e, X64_RAX, 1);
    uintptr_t out = e.x;
    x64_add_rsp_i8(&e, 8);
    x64_pop(&e, X64_R12);
    x64_pop(&e, X64_RBX);
    x64_ret(&e);
    uintptr_t ret_b = e.x;                                      /* return rax + 2 */
    x64_add_ri32(&e, X64_RAX, 2);
    x64_jmp(&e, out);
    uintptr_t ret_eq = e.x;                                     /* equal: 0 */
    x64_mov_ri32(&e, X64_RAX, 0);
    x64_jmp(&e, out);
    ck_assert_int_eq(e.overflow, 0);
    x64_patch_rel32(dbt_code_rw(&cb, je), je, ret_eq);
    x64_patch_rel32(dbt_code_rw(&cb, jmp), jmp, ret_a);

    fn2 f = (fn2)fn;
    struct frame fr;
    for (uint64_t x = 0; x < 2000; x += 37) {
        memset(&fr, 0, sizeof fr);
        uint64_t want = x * 3 + 7;
        uint64_t got = f(&fr, x);
        ck_assert_uint_eq(got, (uint32_t)want == 0x1000 ? 0 : want + 1);
        ck_assert_uint_eq(fr.counter, 1001);
        ck_assert_uint_eq(fr.slots[5], 0xABCD);
        ck_assert_uint_eq(fr.value, (uint32_t)want);
    }
    ck_assert_uint_eq(f(&fr, (0x1000 - 7) / 3), 0);   /* 0x1000 - 7 = 4089 = 3 * 1363 */
    /* Re-point the jump: the other exit runs, without remapping anything. */
    x64_patch_rel32(dbt_code_rw(&cb, jmp), jmp, ret_b);
    ck_assert_uint_eq(f(&fr, 10), 10 * 3 + 7 + 2);
    ck_assert_uint_gt(helper_calls, 50);
    dbt_code_buffer_free(&cb);
}
END_TEST

START_TEST(the_buffer_is_never_writable_and_executable)
{
    struct dbt_code_buffer cb;
    ck_assert_int_eq(dbt_code_buffer_init(&cb, 8192, NULL), 0);
    ck_assert_ptr_ne(cb.rw, cb.rx);
    FILE *maps = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(maps);
    char line[512];
    int seen_rw = 0, seen_rx = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3)
            continue;
        if (lo == (uintptr_t)cb.rw) {
            seen_rw = 1;
            ck_assert_str_eq(perm, "rw-s");
        }
        if (lo == (uintptr_t)cb.rx) {
            seen_rx = 1;
            ck_assert_str_eq(perm, "r-xs");
        }
    }
    fclose(maps);
    ck_assert(seen_rw && seen_rx);
    /* The same bytes through both views. */
    cb.rw[100] = 0x5A;
    ck_assert_uint_eq(cb.rx[100], 0x5A);
    dbt_code_buffer_free(&cb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x64_emit");
    TCase *tc = tcase_create("x64_emit");
    tcase_add_test(tc, encodings_match_the_sdm);
    tcase_add_test(tc, a_full_buffer_overflows_without_writing_past_it);
    tcase_add_test(tc, emitted_code_runs_and_matches_c);
    tcase_add_test(tc, the_buffer_is_never_writable_and_executable);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#else

int main(void)
{
    /* The encoder is host-independent, but running its output needs an
     * x86-64 Linux host: say so instead of passing silently. */
    fprintf(stderr, "test_x64_emit: needs an x86-64 Linux host\n");
    return 77;
}

#endif
