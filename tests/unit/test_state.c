/* SPDX-License-Identifier: Apache-2.0 */
/* The state directory: the record and the copy of the config exec reads. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/state.h"
#include "util/fs.h"
#include "tests/support/run_suite.h"

static char root[64];

static void setup(void)
{
    snprintf(root, sizeof(root), "/tmp/veil-test-state-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        veil_fs_remove_contents(fd, NULL);
        close(fd);
    }
    rmdir(root);
}

START_TEST(test_record_round_trip)
{
    int dirfd = -1;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_state_dir_create(root, "c1", &dirfd, &err), 0);
    veil_state_record rec = {.oci_version = "1.2.0", .id = "c1", .bundle = "/b", .rootfs = "/b/r",
                             .created = "2026-01-01T00:00:00.000000000Z", .pid = 42,
                             .pid_start_time = 99, .no_new_keyring = true, .pidns_private = true};
    ck_assert_int_eq(veil_state_write(dirfd, &rec, &err), 0);
    veil_state_record *back = NULL;
    ck_assert_int_eq(veil_state_read(dirfd, &back, &err), 0);
    ck_assert_str_eq(back->id, "c1");
    ck_assert_int_eq(back->pid, 42);
    ck_assert_uint_eq(back->pid_start_time, 99);
    ck_assert(back->no_new_keyring);
    ck_assert(back->pidns_private);
    ck_assert(!back->started);
    veil_state_record_free(back);

    /* false is the default: a record without the field reads as false */
    rec.no_new_keyring = false;
    ck_assert_int_eq(veil_state_write(dirfd, &rec, &err), 0);
    ck_assert_int_eq(veil_state_read(dirfd, &back, &err), 0);
    ck_assert(!back->no_new_keyring);
    veil_state_record_free(back);
    close(dirfd);
}
END_TEST

START_TEST(test_config_copy)
{
    int dirfd = -1;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_state_dir_create(root, "c2", &dirfd, &err), 0);
    size_t len = 0;
    ck_assert_ptr_null(veil_state_load_config(dirfd, &len, &err));
    ck_assert_msg(strstr(err->msg, "the saved config of the container") &&
                      strstr(err->msg, "No such file or directory"),
                  "%s", err->msg);
    veil_error_free(err);
    err = NULL;

    const char cfg[] = "{\"ociVersion\": \"1.2.0\"}";
    ck_assert_int_eq(veil_state_save_config(dirfd, cfg, sizeof(cfg) - 1, &err), 0);
    char *got = veil_state_load_config(dirfd, &len, &err);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, sizeof(cfg) - 1);
    ck_assert_str_eq(got, cfg);
    free(got);
    struct stat st;
    ck_assert_int_eq(fstatat(dirfd, "config.json", &st, 0), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);

    /* saved once: a second save does not replace it */
    ck_assert_int_lt(veil_state_save_config(dirfd, "{}", 2, &err), 0);
    ck_assert_int_eq(err->errnum, EEXIST);
    veil_error_free(err);
    close(dirfd);
}
END_TEST

static Suite *state_suite(void)
{
    Suite *s = suite_create("state");
    TCase *t = tcase_create("store");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_record_round_trip);
    tcase_add_test(t, test_config_copy);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(state_suite());
}
