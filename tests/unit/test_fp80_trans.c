/* Transcendentals of cpu/fp80_trans.c. */
#include "tests/unit/test_fp80_trans.h"

#include "cpu/fp80.h"

/* FSIN/FCOS/FPTAN leave |x| >= 2^63 alone (SDM Vol. 2, FSIN: C2 = 1). */
START_TEST(test_out_of_range)
{
    struct fp80_ctx ctx = { 0, FP80_PC_64, 0x3F, 0, 0 };
    struct fp80 big = { 0x8000000000000000ull, 0x3FFF + 63 }, r;
    int oor = 0;
    r = fp80_sin(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0 && r.se == big.se && r.mant == big.mant);
    oor = 0;
    fp80_cos(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0);
    oor = 0;
    big.se |= 0x8000;
    fp80_tan(&ctx, big, &oor);
    ck_assert(oor == 1 && ctx.flags == 0);
}
END_TEST

void fp80_trans_tcase(Suite *s)
{
    TCase *tc = tcase_create("trans");
    tcase_add_test(tc, test_out_of_range);
    suite_add_tcase(s, tc);
}
