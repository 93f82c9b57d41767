/* SPDX-License-Identifier: Apache-2.0 */
/* exec without the kernel: the --user parser, the process built from the
 * config and exec's flags, and what the exec plan takes from the config. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <veil/container.h>
#include <veil/plan.h>
#include <veil/spec.h>

#include "container/internal.h"
#include "tests/support/run_suite.h"

#define CAP(n) (UINT64_C(1) << (n))
enum { CHOWN = 0, KILL = 5, NET_BIND = 10, SYS_ADMIN = 21 };

/* ---- --user --------------------------------------------------------------------- */

START_TEST(test_user_ok)
{
    static const struct {
        const char *in;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
    } cases[] = {
        {"1", 1, false, 0}, /* CVE-2026-30892: "1" read as uid 0 */
        {"0", 0, false, 0},
        {"1000:1001", 1000, true, 1001},
        {"1:0", 1, true, 0},
        {"01", 1, false, 0},
        {"4294967294", 4294967294u, false, 0},
        {"7:4294967294", 7, true, 4294967294u},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t uid = 12345, gid = 12345;
        bool has_gid = !cases[i].has_gid;
        veil_error *err = NULL;
        int r = veil_parse_user(cases[i].in, &uid, &has_gid, &gid, &err);
        ck_assert_msg(r == 0, "\"%s\": %s", cases[i].in, err ? err->msg : "");
        ck_assert_msg(uid == cases[i].uid, "\"%s\": uid %u, want %u", cases[i].in, uid,
                      cases[i].uid);
        ck_assert_msg(has_gid == cases[i].has_gid, "\"%s\": has_gid", cases[i].in);
        if (cases[i].has_gid)
            ck_assert_msg(gid == cases[i].gid, "\"%s\": gid %u", cases[i].in, gid);
    }
}
END_TEST

START_TEST(test_user_bad)
{
    static const char *const bad[] = {
        "",   ":1", "1:", "a",          "1:a",         "-1", "+1", " 1",  "1 ", "1:2:3",
        "0x1", "4294967295", "1:4294967295", "99999999999", "1:-1", "root", "1::2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t uid = 7, gid = 7;
        bool has_gid = false;
        veil_error *err = NULL;
        ck_assert_msg(veil_parse_user(bad[i], &uid, &has_gid, &gid, &err) < 0, "\"%s\" accepted",
                      bad[i]);
        ck_assert_msg(strstr(err->msg, "invalid --user") != NULL, "%s", err->msg);
        veil_error_free(err);
    }
}
END_TEST

/* ---- the process from the config and the flags ------------------------------------ */

static veil_spec *parse_config(const char *json)
{
    veil_error *err = NULL;
    veil_spec *s = veil_spec_parse(json, strlen(json), "config.json", &err);
    ck_assert_msg(s != NULL, "%s", err ? err->msg : "");
    return s;
}

static veil_plan *exec_plan(const veil_spec *config, const veil_spec_process *proc)
{
    veil_plan_options po = {.id = "ctr", .bundle = "/srv/b"};
    veil_plan *plan = NULL;
    veil_error *err = NULL;
    int r = veil_plan_build_exec(config, proc, &po, &plan, &err);
    ck_assert_msg(r == 0, "%s", err ? err->msg : "");
    return plan;
}

#define CONFIG_HEAD                                                                        \
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {\"namespaces\": " \
    "[{\"type\": \"pid\"}, {\"type\": \"mount\"}]"

static const char config_json[] =
    CONFIG_HEAD ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}, "
                "\"personality\": {\"domain\": \"LINUX\"}},"
                "\"process\": {\"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80},"
                " \"args\": [\"sh\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\"], \"cwd\": \"/\","
                " \"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [10], \"umask\": 23},"
                " \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
                " \"permitted\": [\"CAP_KILL\"]},"
                " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 1024}],"
                " \"noNewPrivileges\": true, \"apparmorProfile\": \"cfg-aa\","
                " \"selinuxLabel\": \"cfg-se\", \"oomScoreAdj\": 100,"
                " \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 0},"
                " \"execCPUAffinity\": {\"initial\": \"0\", \"final\": \"1\"}}}";

START_TEST(test_flags)
{
    veil_spec *config = parse_config(config_json);
    char *args[] = {"ls", "-l", NULL};
    const char *env[] = {"FOO=1", "PATH=/usr/bin"};
    const char *gids[] = {"7"};
    const char *caps[] = {"CAP_SYS_ADMIN", "CAP_CHOWN"};
    veil_exec_options o = {
        .args = args,
        .n_args = 2,
        .cwd = "/tmp",
        .env = env,
        .n_env = 2,
        .user = "5:6",
        .additional_gids = gids,
        .n_additional_gids = 1,
        .caps = caps,
        .n_caps = 2,
        .set_no_new_privs = true,
        .no_new_privs = false,
        .apparmor = "flag-aa",
        .process_label = "flag-se",
    };
    veil_error *err = NULL;
    ck_assert_int_eq(veil_exec_process_from_flags(config->process, &o, &err), 0);
    veil_plan *plan = exec_plan(config, config->process);
    const veil_plan_process *p = plan->process;
    ck_assert_str_eq(p->args[0], "ls");
    ck_assert_str_eq(p->args[1], "-l");
    ck_assert_ptr_null(p->args[2]);
    ck_assert_str_eq(p->cwd, "/tmp");
    /* replaced in place (getenv finds the first), added at the end */
    ck_assert_str_eq(p->env[0], "PATH=/usr/bin");
    ck_assert_str_eq(p->env[1], "TERM=xterm");
    ck_assert_str_eq(p->env[2], "FOO=1");
    ck_assert_ptr_null(p->env[3]);
    ck_assert_uint_eq(p->uid, 5);
    ck_assert_uint_eq(p->gid, 6);
    ck_assert_uint_eq(p->n_additional_gids, 2);
    ck_assert_uint_eq(p->additional_gids[0], 10);
    ck_assert_uint_eq(p->additional_gids[1], 7);
    /* --cap: bounding, effective, permitted; never inheritable or ambient */
    uint64_t want = CAP(KILL) | CAP(SYS_ADMIN) | CAP(CHOWN);
    ck_assert_uint_eq(p->caps.bounding, want);
    ck_assert_uint_eq(p->caps.effective, want);
    ck_assert_uint_eq(p->caps.permitted, want);
    ck_assert_uint_eq(p->caps.inheritable, 0);
    ck_assert_uint_eq(p->caps.ambient, 0);
    ck_assert(!p->no_new_privileges);
    ck_assert_str_eq(p->apparmor_profile, "flag-aa");
    ck_assert_str_eq(p->selinux_label, "flag-se");
    /* no terminal unless asked for, whatever the config says */
    ck_assert(!p->terminal);
    ck_assert(!p->has_console_size);
    /* the rest is the config's */
    ck_assert_uint_eq(p->n_rlimits, 1);
    ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
    ck_assert(p->has_umask);
    ck_assert_uint_eq(p->umask, 027); /* 23 in the JSON */
    ck_assert(p->has_oom_score_adj);
    ck_assert_int_eq(p->oom_score_adj, 100);
    ck_assert_str_eq(p->exec_cpu_affinity_initial, "0");
    ck_assert_str_eq(p->exec_cpu_affinity_final, "1");
    /* the container's seccomp profile and personality */
    ck_assert_ptr_nonnull(plan->seccomp);
    ck_assert_uint_eq(plan->seccomp->n_rules, 1);
    ck_assert(plan->has_personality);
    /* nothing of the container's setup */
    ck_assert_uint_eq(plan->n_namespaces, 0);
    ck_assert_uint_eq(plan->n_mounts, 0);
    ck_assert_ptr_null(plan->rootfs);
    veil_plan_free(plan);
    veil_spec_free(config);
}
END_TEST

START_TEST(test_flags_tty_and_ambient)
{
    /* with inheritable capabilities in the config, --cap also asks for
     * ambient; the plan keeps it only where the cap is inheritable too */
    veil_spec *config = parse_config(
        CONFIG_HEAD "}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"terminal\": false,"
                    " \"capabilities\": {\"inheritable\": [\"CAP_CHOWN\"],"
                    " \"permitted\": [\"CAP_KILL\"]}}}");
    char *args[] = {"sh", NULL};
    const char *caps[] = {"CAP_CHOWN", "CAP_SYS_ADMIN"};
    veil_exec_options o = {.args = args, .n_args = 1, .caps = caps, .n_caps = 2, .tty = true};
    veil_error *err = NULL;
    ck_assert_int_eq(veil_exec_process_from_flags(config->process, &o, &err), 0);
    veil_plan *plan = exec_plan(config, config->process);
    const veil_plan_process *p = plan->process;
    ck_assert(p->terminal);
    ck_assert_uint_eq(p->caps.inheritable, CAP(CHOWN));
    ck_assert_uint_eq(p->caps.ambient, CAP(CHOWN));
    ck_assert_uint_eq(p->caps.permitted, CAP(KILL) | CAP(CHOWN) | CAP(SYS_ADMIN));
    /* no_new_privs not given: the config's */
    ck_assert(!p->no_new_privileges);
    veil_plan_free(plan);
    veil_spec_free(config);
}
END_TEST

START_TEST(test_flags_errors)
{
    veil_spec *config = parse_config(config_json);
    veil_exec_options o = {0};
    veil_error *err = NULL;
    ck_assert_int_lt(veil_exec_process_from_flags(config->process, &o, &err), 0);
    ck_assert_str_eq(err->msg, "exec args cannot be empty");
    veil_error_free(err);
    err = NULL;
    char *args[] = {"true", NULL};
    const char *gids[] = {"5", "-1"};
    o = (veil_exec_options){.args = args, .n_args = 1, .additional_gids = gids,
                            .n_additional_gids = 2};
    ck_assert_int_lt(veil_exec_process_from_flags(config->process, &o, &err), 0);
    ck_assert_str_eq(err->msg, "invalid --additional-gids \"-1\": a group id must be a number "
                               "below 4294967295");
    veil_error_free(err);
    err = NULL;
    o = (veil_exec_options){.args = args, .n_args = 1, .user = "1:"};
    ck_assert_int_lt(veil_exec_process_from_flags(config->process, &o, &err), 0);
    veil_error_free(err);
    err = NULL;
    /* a relative --cwd reaches the plan, which refuses it as for create */
    o = (veil_exec_options){.args = args, .n_args = 1, .cwd = "tmp"};
    ck_assert_int_eq(veil_exec_process_from_flags(config->process, &o, &err), 0);
    veil_plan_options po = {.id = "ctr", .bundle = "/srv/b"};
    veil_plan *plan = NULL;
    ck_assert_int_lt(veil_plan_build_exec(config, config->process, &po, &plan, &err), 0);
    ck_assert_str_eq(err->msg, "process.cwd must be an absolute path, got \"tmp\"");
    veil_error_free(err);
    veil_spec_free(config);
}
END_TEST

/* ---- --process: what the file leaves out comes from the config (runc) ----------------- */

static veil_spec_process *parse_process(const char *json)
{
    veil_error *err = NULL;
    veil_spec_process *p = veil_spec_parse_process(json, strlen(json), "process.json", &err);
    ck_assert_msg(p != NULL, "%s", err ? err->msg : "");
    return p;
}

START_TEST(test_process_file_defaults)
{
    veil_spec *config = parse_config(config_json);
    veil_spec_process *proc =
        parse_process("{\"args\": [\"top\"], \"cwd\": \"/root\", \"env\": [\"A=b\"],"
                      " \"user\": {\"uid\": 3, \"gid\": 4}}");
    veil_plan *plan = exec_plan(config, proc);
    const veil_plan_process *p = plan->process;
    ck_assert_str_eq(p->args[0], "top");
    ck_assert_str_eq(p->env[0], "A=b");
    ck_assert_ptr_null(p->env[1]); /* the file's env only */
    ck_assert_uint_eq(p->uid, 3);
    ck_assert_uint_eq(p->n_additional_gids, 0);
    ck_assert(!p->terminal);
    /* noNewPrivileges is the file's own (false when absent), as runc */
    ck_assert(!p->no_new_privileges);
    /* left out: the config's */
    ck_assert(p->caps.set);
    ck_assert_uint_eq(p->caps.effective, CAP(KILL));
    ck_assert_uint_eq(p->n_rlimits, 1);
    ck_assert_str_eq(p->apparmor_profile, "cfg-aa");
    ck_assert_str_eq(p->selinux_label, "cfg-se");
    ck_assert(p->has_io_priority);
    ck_assert_str_eq(p->exec_cpu_affinity_initial, "0");
    ck_assert_str_eq(p->exec_cpu_affinity_final, "1");
    ck_assert_int_eq(p->oom_score_adj, 100);
    ck_assert_uint_eq(p->umask, 027); /* 23 in the JSON */
    veil_plan_free(plan);
    veil_spec_process_free(proc);

    /* given: the file's own */
    proc = parse_process(
        "{\"args\": [\"top\"], \"cwd\": \"/\", \"noNewPrivileges\": true,"
        " \"capabilities\": {\"effective\": [], \"permitted\": []},"
        " \"rlimits\": [{\"type\": \"RLIMIT_NPROC\", \"soft\": 5, \"hard\": 5}],"
        " \"apparmorProfile\": \"own\", \"execCPUAffinity\": {\"final\": \"0\"}}");
    plan = exec_plan(config, proc);
    p = plan->process;
    ck_assert(p->no_new_privileges);
    ck_assert_uint_eq(p->caps.effective, 0);
    ck_assert_uint_eq(p->n_rlimits, 1);
    ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NPROC);
    ck_assert_str_eq(p->apparmor_profile, "own");
    ck_assert_str_eq(p->selinux_label, "cfg-se");
    /* the affinity is taken as a whole */
    ck_assert_ptr_null(p->exec_cpu_affinity_initial);
    ck_assert_str_eq(p->exec_cpu_affinity_final, "0");
    veil_plan_free(plan);
    veil_spec_process_free(proc);
    veil_spec_free(config);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *t = tcase_create("user");
    tcase_add_test(t, test_user_ok);
    tcase_add_test(t, test_user_bad);
    suite_add_tcase(s, t);
    t = tcase_create("process");
    tcase_add_test(t, test_flags);
    tcase_add_test(t, test_flags_tty_and_ambient);
    tcase_add_test(t, test_flags_errors);
    tcase_add_test(t, test_process_file_defaults);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(exec_suite());
}
