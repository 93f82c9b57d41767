/* SPDX-License-Identifier: Apache-2.0 */
/* MS_* option flags -> mount_setattr attributes (linux/mount_util.c): what a
 * bind's options set and clear on the mount, the atime field as a whole. */
#include <check.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "linux/mount_util.h"
#include "tests/support/run_suite.h"

START_TEST(test_flags_to_attrs)
{
    uint64_t set, clr;
    veil_ms_to_attrs(MS_RDONLY | MS_NOSUID | MS_BIND | MS_REC, 0, &set, &clr);
    ck_assert_uint_eq(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
    ck_assert_uint_eq(clr, 0); /* nothing named is cleared: the source's flags stay */

    veil_ms_to_attrs(MS_RDONLY, MS_NOEXEC | MS_NODEV, &set, &clr);
    ck_assert_uint_eq(set, MOUNT_ATTR_RDONLY);
    ck_assert_uint_eq(clr, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);

    veil_ms_to_attrs(MS_NOSYMFOLLOW | MS_NODIRATIME, MS_RDONLY, &set, &clr);
    ck_assert_uint_eq(set, MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME);
    ck_assert_uint_eq(clr, MOUNT_ATTR_RDONLY);
}
END_TEST

START_TEST(test_atime_is_one_field)
{
    uint64_t set, clr;
    veil_ms_to_attrs(MS_NOATIME, 0, &set, &clr);
    ck_assert_uint_eq(set, MOUNT_ATTR_NOATIME);
    ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME);
    veil_ms_to_attrs(MS_STRICTATIME, 0, &set, &clr);
    ck_assert_uint_eq(set, MOUNT_ATTR_STRICTATIME);
    ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME);
    /* relatime is the value 0 of the field: asked for by clearing it */
    veil_ms_to_attrs(MS_RELATIME, 0, &set, &clr);
    ck_assert_uint_eq(set, 0);
    ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME);
    /* "atime" (clear noatime): back to the default, relatime */
    veil_ms_to_attrs(0, MS_NOATIME, &set, &clr);
    ck_assert_uint_eq(set, 0);
    ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME);
    /* no atime option: the field is left alone */
    veil_ms_to_attrs(MS_RDONLY, 0, &set, &clr);
    ck_assert_uint_eq(clr & MOUNT_ATTR__ATIME, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mount-attrs");
    TCase *t = tcase_create("attrs");
    tcase_add_test(t, test_flags_to_attrs);
    tcase_add_test(t, test_atime_is_one_field);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}
