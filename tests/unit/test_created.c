/* SPDX-License-Identifier: Apache-2.0 */
/* The "created" timestamp: RFC 3339 in UTC, computed without the time
 * zone database, checked against gmtime_r over many dates. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container/internal.h"
#include "tests/support/run_suite.h"

static void check_at(long long sec, long nsec)
{
    struct timespec ts = {.tv_sec = (time_t)sec, .tv_nsec = nsec};
    char got[64], want[64], base[40];
    veil_format_time(&ts, got, sizeof(got));
    struct tm tm;
    time_t t = (time_t)sec;
    ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(want, sizeof(want), "%s.%09ldZ", base, nsec);
    ck_assert_msg(strcmp(got, want) == 0, "%lld: got %s, want %s", sec, got, want);
}

START_TEST(test_against_gmtime)
{
    static const long long fixed[] = {
        0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800 /* 2000-03-01 */,
        4107542400LL /* 2100-03-01 */, 1709164800 /* 2024-02-29 */, 2147483647, 2147483648LL,
        253402300799LL /* 9999-12-31T23:59:59 */, -1, -86400, -86401,
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        check_at(fixed[i], 123456789);
    /* every ~10 days over four centuries, at an odd time of day */
    for (long long s = -2208988800LL; s < 10413792000LL; s += 864007)
        check_at(s, 1);
}
END_TEST

START_TEST(test_now)
{
    char buf[64];
    veil_format_created(buf, sizeof(buf));
    ck_assert_uint_eq(strlen(buf), 30);
    ck_assert_int_eq(buf[10], 'T');
    ck_assert_int_eq(buf[29], 'Z');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("created");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_against_gmtime);
    tcase_add_test(tc, test_now);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
