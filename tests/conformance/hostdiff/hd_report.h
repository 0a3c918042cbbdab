/* Comparing two final states and printing a failing test. */
#ifndef HOSTDIFF_HD_REPORT_H
#define HOSTDIFF_HD_REPORT_H

#include <stdio.h>

#include "hd_gen.h"
#include "hd_results.h"

/* Number of differing registers, compared flags and memory bytes. */
unsigned hd_diff_count(const struct hd_test *t, const struct hd_result *exp,
                       const struct hd_result *got);

/* The test (initial state, the sequence disassembled with each
 * instruction's undefined flags) and every difference. `got_name` names
 * the second state ("emulator", "recorded"); `why` is an extra reason
 * line or NULL. */
void hd_print_failure(FILE *out, uint32_t seed, const struct hd_test *t,
                      const struct hd_result *exp, const struct hd_result *got,
                      const char *got_name, const char *why);

/* Add the mnemonics of `t`'s tested instructions to a histogram and
 * print it (hostdiff-run --histogram: what the generator covers). */
void hd_histogram_add(const struct hd_test *t);
void hd_histogram_print(FILE *out);

#endif
