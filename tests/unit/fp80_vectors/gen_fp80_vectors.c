/* Records x87 results for test_fp80's vector check on hosts without an
 * x87: runs cases chosen like the live test's on this (x86) host's own
 * x87 and prints one line per case (fp80_harness.h's h_print format).
 *
 *   gen_fp80_vectors [cases-per-control-word] > x87.vec
 *
 * Built by the test build on x86 hosts only. */
#include <stdlib.h>

#include "tests/unit/fp80_harness.h"

#if !H_HAVE_X87
#error "the vector generator needs an x86 host"
#endif

int main(int argc, char **argv)
{
    int per = argc > 1 ? atoi(argv[1]) : 2;
    int op, rc, pc, m, i, n = 0;
    static const uint8_t masks[] = { 0x3F, 0x27 };
    struct h_rng rng = { 0x5DEECE66Dull };
    if (per <= 0) {
        fprintf(stderr, "gen_fp80_vectors: cases-per-control-word must be a positive number\n");
        return 1;
    }
    printf("# x87 results recorded by gen_fp80_vectors %d on an x86 host.\n", per);
    printf("# op cw a b mem(10 bytes, byte 9 first) -> st0 st1 mem status-word\n");
    for (op = 0; op < H_NOPS; op++)
        for (m = 0; m < 2; m++)
            for (pc = 0; pc < 4; pc++)
                for (rc = 0; rc < 4; rc++)
                    for (i = 0; i < per; i++) {
                        struct h_case c;
                        struct h_out o;
                        h_make_case(&rng, op, h_cw(rc, pc, masks[m]), &c);
                        h_host(&c, &o);
                        h_print(stdout, &c, &o);
                        n++;
                    }
    fprintf(stderr, "gen_fp80_vectors: %d cases\n", n);
    return 0;
}
