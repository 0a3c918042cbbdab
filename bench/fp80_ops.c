/* Host cost of cpu/fp80*.c operations, in ns per call (not a test).
 *
 *   gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I. bench/fp80_ops.c cpu/fp80_*.c -o /tmp/fp80_ops
 *   /tmp/fp80_ops
 */
#include <stdio.h>
#include <time.h>

#include "cpu/fp80.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    static const char *const names[] = { "fadd", "fmul", "fdiv", "fsqrt", "fsin", "fptan", "fyl2x", "fpatan", "f2xm1" };
    struct fp80_ctx c = { FP80_RC_NEAREST, FP80_PC_64, 0x3F, 0, 0 };
    struct fp80 a = { 0xC90FDAA22168C235ull, 0x3FFF }, b = { 0xB17217F7D1CF79ACull, 0x3FFE }, r = a;
    uint64_t sink = 0;
    int op, i, oor;
    for (op = 0; op < 9; op++) {
        int n = op < 4 ? 2000000 : 100000;
        double t0 = now();
        for (i = 0; i < n; i++) {
            struct fp80 x = a, y = b;
            x.mant ^= (unsigned)i;
            y.mant ^= (unsigned)i;
            switch (op) {
            case 0: r = fp80_add(&c, x, b); break;
            case 1: r = fp80_mul(&c, x, b); break;
            case 2: r = fp80_div(&c, x, b); break;
            case 3: r = fp80_sqrt(&c, x); break;
            case 4: r = fp80_sin(&c, x, &oor); break;
            case 5: r = fp80_tan(&c, x, &oor); break;
            case 6: r = fp80_fyl2x(&c, x, b); break;
            case 7: r = fp80_fpatan(&c, x, b); break;
            default: r = fp80_f2xm1(&c, y); break;
            }
            sink += r.mant;
        }
        printf("%-7s %6.0f ns\n", names[op], (now() - t0) / n * 1e9);
    }
    return sink == 42;   /* keeps the results live */
}
