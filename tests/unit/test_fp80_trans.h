/* The transcendental part of test_fp80 (test_fp80_trans.c). */
#ifndef SHADOW86_TEST_FP80_TRANS_H
#define SHADOW86_TEST_FP80_TRANS_H

#include <check.h>

void fp80_trans_tcase(Suite *s);
extern long fp80_trans_compared;   /* results checked against references */

#endif
