/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Test support only: the end of every unit test's main. */
#include <check.h>
#include <stdlib.h>

/* Runs every test of s; EXIT_SUCCESS when none failed. */
static inline int test_run_suite(Suite *s)
{
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
