/* Records x87 results for test_fp80's vector check on hosts without an
 * x87 of the modelled vendor: runs cases on this (x86) host's own x87 and
 * prints one line per case (fp80_harness.h's h_print format), after a
 * header naming the host's CPUID vendor.
 *
 *   gen_fp80_vectors [cases-per-control-word] > x87.vec
 *       cases chosen like the live test's
 *   gen_fp80_vectors --replay FILE > other.vec
 *       the cases of an existing vector file (recorded elsewhere), run
 *       again here: how x87-amd-corners.vec was made from the Intel
 *       recording of the same cases
 *
 * Built by the test build on x86 hosts only. */
#include <stdlib.h>

#include "tests/unit/fp80_harness.h"

#if !H_HAVE_X87
#error "the vector generator needs an x86 host"
#endif

static int replay(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int n = 0, lineno = 0;
    if (!f) {
        fprintf(stderr, "gen_fp80_vectors: %s: cannot open\n", path);
        return 1;
    }
    while (fgets(line, sizeof(line), f)) {
        struct h_case c;
        struct h_out o;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!h_parse(line, &c, &o)) {
            fprintf(stderr, "gen_fp80_vectors: %s:%d: malformed vector line\n", path, lineno);
            fclose(f);
            return 1;
        }
        h_host(&c, &o);
        h_print(stdout, &c, &o);
        n++;
    }
    fclose(f);
    fprintf(stderr, "gen_fp80_vectors: %d cases\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    int per, op, rc, pc, m, i, n = 0;
    static const uint8_t masks[] = { 0x3F, 0x27 };
    struct h_rng rng = { 0x5DEECE66Dull };
    char vendor[13];
    h_host_vendor(vendor);
    if (argc == 3 && !strcmp(argv[1], "--replay")) {
        printf("# x87 results recorded by gen_fp80_vectors --replay %s on a %s host.\n", argv[2], vendor);
        printf("# op cw a b mem(10 bytes, byte 9 first) -> st0 st1 mem status-word\n");
        return replay(argv[2]);
    }
    per = argc > 1 ? atoi(argv[1]) : 2;
    if (per <= 0) {
        fprintf(stderr, "gen_fp80_vectors: cases-per-control-word must be a positive number\n");
        return 1;
    }
    printf("# x87 results recorded by gen_fp80_vectors %d on a %s host.\n", per, vendor);
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
