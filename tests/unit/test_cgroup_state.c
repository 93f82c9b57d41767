/* SPDX-License-Identifier: Apache-2.0 */
/* The saved form of a container cgroup: round trip and rejection of bad input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "tests/support/run_suite.h"

START_TEST(round_trip)
{
    veil_cgroup *cg = veil_cg_new(VEIL_CGROUP_HYBRID);
    ck_assert_ptr_nonnull(cg);
    cg->path = strdup("/odd path;with:colons%and=equals");
    ck_assert_int_eq(veil_cg_add_hier(cg, (1u << VEIL_CG_CPU) | (1u << VEIL_CG_CPUACCT),
                                      "/sys/fs/cgroup/cpu,cpuacct", cg->path, 2),
                     0);
    ck_assert_int_eq(veil_cg_add_hier(cg, 1u << VEIL_CG_SYSTEMD, "/sys/fs/cgroup/systemd",
                                      "/user.slice/x", 0),
                     0);
    ck_assert_int_eq(veil_cg_add_hier(cg, 1u << VEIL_CG_UNIFIED, "/sys/fs/cgroup/unified",
                                      cg->path, 1),
                     0);
    cg->enabled = calloc(1, sizeof(*cg->enabled));
    cg->enabled[0] = (veil_cg_enabled){.dir = strdup("/sys/fs/cgroup/unified"),
                                       .ctrls = 1u << VEIL_CG_HUGETLB};
    cg->n_enabled = 1;

    char *s = veil_cgroup_serialize(cg);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(strchr(s, ' '));  /* one printable token */
    ck_assert_ptr_null(strchr(s, '\n'));
    ck_assert_ptr_nonnull(strstr(s, "layout=hybrid"));

    veil_cgroup *back = NULL;
    veil_error *err = NULL;
    ck_assert_msg(veil_cgroup_open(NULL, s, &back, &err) == 0, "%s", err ? err->msg : "");
    ck_assert_int_eq(veil_cgroup_get_layout(back), VEIL_CGROUP_HYBRID);
    ck_assert_str_eq(veil_cgroup_path(back), cg->path);
    ck_assert_uint_eq(back->n, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(back->h[i].ctrls, cg->h[i].ctrls);
        ck_assert_str_eq(back->h[i].mount, cg->h[i].mount);
        ck_assert_str_eq(back->h[i].rel, cg->h[i].rel);
        ck_assert_str_eq(back->h[i].dir, cg->h[i].dir);
        ck_assert_uint_eq(back->h[i].created, cg->h[i].created);
    }
    ck_assert_uint_eq(back->n_enabled, 1);
    ck_assert_str_eq(back->enabled[0].dir, "/sys/fs/cgroup/unified");
    ck_assert_uint_eq(back->enabled[0].ctrls, 1u << VEIL_CG_HUGETLB);
    ck_assert_str_eq(veil_cgroup_dir(back, VEIL_CG_CPUACCT),
                     "/sys/fs/cgroup/cpu,cpuacct/odd path;with:colons%and=equals");
    ck_assert_ptr_null(veil_cgroup_dir(back, VEIL_CG_MEMORY));
    ck_assert_int_eq(veil_cgroup_v2_fd(back), -1);
    char *again = veil_cgroup_serialize(back);
    ck_assert_str_eq(again, s);
    free(again);
    free(s);
    veil_cgroup_free(back);
    veil_cgroup_free(cg);
}
END_TEST

START_TEST(rejects)
{
    static const char *const bad[] = {
        "",
        "something else",
        "veil-cgroup/2;layout=v1",
        "veil-cgroup/1;layout=v3;path=/a",
        "veil-cgroup/1;layout=v1;path=/a",                        /* no hierarchy */
        "veil-cgroup/1;layout=v1;path=/a;h=memory:/m:/a",         /* 3 parts */
        "veil-cgroup/1;layout=v1;path=/a;h=bogus:/m:/a:1",
        "veil-cgroup/1;layout=v1;path=/a;h=memory:relative:/a:1",
        "veil-cgroup/1;layout=v1;path=/a;h=memory:/m:/a:x",
        "veil-cgroup/1;layout=v1;path=/a%2;h=memory:/m:/a:1",
        "veil-cgroup/1;layout=v1;path=/a%00;h=memory:/m:/a:1",
        "veil-cgroup/1;layout=v1;path=/a;h=memory:/m:/a:1;future=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        veil_cgroup *cg = NULL;
        veil_error *err = NULL;
        ck_assert_msg(veil_cgroup_open(NULL, bad[i], &cg, &err) < 0, "accepted: %s", bad[i]);
        ck_assert_ptr_nonnull(err);
        veil_error_free(err);
    }
    /* a container without cgroups */
    veil_cgroup *cg = NULL;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_cgroup_open(NULL, "veil-cgroup/1;layout=none", &cg, &err), 0);
    ck_assert_int_eq(veil_cgroup_get_layout(cg), VEIL_CGROUP_NONE);
    veil_cgroup_free(cg);
}
END_TEST

START_TEST(systemd_driver_refused)
{
    veil_context ctx = {.systemd_cgroup = true};
    veil_cgroup_plan plan = {.path = "/x"};
    veil_cgroup *cg = NULL;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_cgroup_create(&ctx, &plan, VEIL_CGROUP_V2, &cg, &err), -1);
    ck_assert_str_eq(err->msg,
                     "systemd cgroup driver is not supported yet; use the cgroupfs driver");
    ck_assert_ptr_null(cg);
    veil_error_free(err);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cgroup_state");
    TCase *t = tcase_create("state");
    tcase_add_test(t, round_trip);
    tcase_add_test(t, rejects);
    tcase_add_test(t, systemd_driver_refused);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
