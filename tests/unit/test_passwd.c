/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/passwd read as a file: fields by uid, odd lines skipped. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/passwd.h"
#include "tests/support/run_suite.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof(path), "/tmp/veil-passwd-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void check_field(uint32_t uid, int field, const char *want)
{
    char *got = veil_passwd_field(path, uid, field);
    if (want == NULL) {
        ck_assert_ptr_null(got);
    } else {
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, want);
    }
    free(got);
}

START_TEST(test_fields)
{
    write_file("root:x:0:0:root:/root:/bin/sh\n"
               "# a comment line has no uid\n"
               "broken line\n"
               ":x:7:7::/nowhere:/bin/false\n"
               "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
               "short:x:2\n"
               "first:x:1000:1000::/home/first:/bin/sh\n"
               "second:x:1000:1000::/home/second:/bin/sh");
    check_field(0, VEIL_PASSWD_NAME, "root");
    check_field(0, VEIL_PASSWD_HOME, "/root");
    check_field(1, VEIL_PASSWD_NAME, "daemon");
    check_field(2, VEIL_PASSWD_NAME, "short");
    check_field(2, VEIL_PASSWD_HOME, NULL); /* no such field on that line */
    check_field(7, VEIL_PASSWD_NAME, NULL); /* an empty name is no entry */
    check_field(1000, VEIL_PASSWD_NAME, "first"); /* the first entry wins */
    check_field(1000, VEIL_PASSWD_HOME, "/home/first");
    check_field(4242, VEIL_PASSWD_NAME, NULL);
    unlink(path);
}
END_TEST

START_TEST(test_missing_file)
{
    ck_assert_ptr_null(veil_passwd_field("/nonexistent/passwd", 0, VEIL_PASSWD_NAME));
    write_file("root:x:0:0:root:/root:/bin/sh\n");
    ck_assert_ptr_null(veil_passwd_field(path, 0, 9));
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("passwd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_missing_file);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
