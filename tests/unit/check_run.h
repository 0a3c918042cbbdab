/* Run a Check suite and turn its outcome into main()'s exit status: the
 * closing lines every unit test shares. */
#ifndef SHADOW86_TESTS_CHECK_RUN_H
#define SHADOW86_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
