/* SPDX-License-Identifier: Apache-2.0 */
/* The plan builder: veil_spec + options -> veil_plan, and its JSON form.
 * Specs are built as structs so that the builder is tested on its own; the
 * last tests go through the parser. */
#include <check.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <veil/plan.h>

#include "plan/internal.h"
#include "spec/json.h"
#include "util/path.h"

#include "plan_fixture.h"
#include "tests/support/run_suite.h"

/* ---- paths ------------------------------------------------------------------ */

START_TEST(test_path_clean)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "."},         {"/", "/"},           {"//a//b/", "/a/b"},   {"/a/./b/.", "/a/b"},
        {"/a/../b", "/b"}, {"/../../x", "/x"},   {"a/../..", ".."},     {"../a/..", ".."},
        {"a/b/../c", "a/c"}, {"./", "."},         {"/a/b/../../..", "/"}, {"../../a", "../../a"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *c = veil_path_clean(cases[i].in);
        ck_assert_msg(strcmp(c, cases[i].out) == 0, "clean(\"%s\") = \"%s\", want \"%s\"",
                      cases[i].in, c, cases[i].out);
        free(c);
    }
    char *j = veil_path_join("/srv/b", "../x/./y");
    ck_assert_str_eq(j, "/srv/x/y");
    free(j);
    j = veil_path_clean_abs("a/../../etc");
    ck_assert_str_eq(j, "/etc");
    free(j);
}
END_TEST

/* ---- rootfs --------------------------------------------------------------- */

START_TEST(test_rootfs)
{
    fixture f;
    fixture_init(&f);
    veil_plan *p = build_ok(&f);
    ck_assert_str_eq(p->rootfs, "/srv/bundle/rootfs");
    ck_assert_str_eq(p->bundle, "/srv/bundle");
    ck_assert_str_eq(p->id, "ctr1");
    ck_assert(!p->rootfs_readonly);
    ck_assert_uint_eq(p->rootfs_propagation, MS_SLAVE | MS_REC); /* runc's default */
    veil_plan_free(p);

    f.spec.root_path = ".";
    f.spec.root_readonly = true;
    f.lx.rootfs_propagation = "rshared";
    p = build_ok(&f);
    ck_assert_str_eq(p->rootfs, "/srv/bundle");
    ck_assert(p->rootfs_readonly);
    ck_assert_uint_eq(p->rootfs_propagation, MS_SHARED | MS_REC);
    veil_plan_free(p);

    f.spec.root_path = "/var/lib/rootfs/";
    f.lx.rootfs_propagation = "private";
    p = build_ok(&f);
    ck_assert_str_eq(p->rootfs, "/var/lib/rootfs");
    ck_assert_uint_eq(p->rootfs_propagation, MS_PRIVATE);
    veil_plan_free(p);

    f.spec.root_path = "../images/x/../rootfs";
    f.lx.rootfs_propagation = NULL;
    p = build_ok(&f);
    ck_assert_str_eq(p->rootfs, "/srv/images/rootfs");
    veil_plan_free(p);

    f.lx.rootfs_propagation = "bogus";
    ck_assert_err_contains(&f, "rootfsPropagation: \"bogus\" is not supported");
    f.lx.rootfs_propagation = "rprivate";
    f.opts.no_pivot = true;
    ck_assert_err_contains(&f, "not safe without pivot_root");
    f.opts.no_pivot = false;
    f.lx.rootfs_propagation = NULL;

    f.spec.has_root = false;
    ck_assert_err_contains(&f, "root must be specified");
    f.spec.has_root = true;
    f.opts.bundle = "relative/bundle";
    ck_assert_err_contains(&f, "bundle path must be absolute");
}
END_TEST

START_TEST(test_runtime_options)
{
    fixture f;
    fixture_init(&f);
    f.opts.no_new_keyring = true;
    f.opts.preserve_fds = 3;
    f.opts.no_pivot = true;
    veil_plan *p = build_ok(&f);
    ck_assert(p->no_new_keyring);
    ck_assert_uint_eq(p->preserve_fds, 3);
    ck_assert(p->no_pivot);
    ck_assert_ptr_null(p->process);
    veil_plan_free(p);
}
END_TEST

/* ---- namespaces ------------------------------------------------------------- */

START_TEST(test_namespace_order)
{
    fixture f;
    fixture_init(&f);
    f.lx.n_namespaces = 0;
    add_ns(&f, VEIL_NS_MOUNT, NULL);
    add_ns(&f, VEIL_NS_NETWORK, "/run/netns/x");
    add_ns(&f, VEIL_NS_PID, NULL);
    add_ns(&f, VEIL_NS_USER, "/proc/1/ns/user");
    add_ns(&f, VEIL_NS_CGROUP, NULL);
    add_ns(&f, VEIL_NS_UTS, NULL);
    add_ns(&f, VEIL_NS_IPC, "/proc/1/ns/ipc");
    veil_plan *p = build_ok(&f);
    /* joined first (user first), then new ones */
    static const veil_ns_type want[] = {VEIL_NS_USER, VEIL_NS_IPC, VEIL_NS_NETWORK,
                                        VEIL_NS_UTS,  VEIL_NS_PID, VEIL_NS_MOUNT,
                                        VEIL_NS_CGROUP};
    ck_assert_uint_eq(p->n_namespaces, 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_msg(p->namespaces[i].type == want[i], "namespaces[%zu] is %s", i,
                      veil_ns_type_name(p->namespaces[i].type));
    ck_assert_str_eq(p->namespaces[0].path, "/proc/1/ns/user");
    ck_assert_str_eq(p->namespaces[2].path, "/run/netns/x");
    ck_assert_ptr_null(p->namespaces[3].path);
    veil_plan_free(p);
}
END_TEST

START_TEST(test_namespace_rules)
{
    fixture f;
    fixture_init(&f);
    f.spec.hostname = "box";
    f.spec.domainname = "example.org";
    veil_plan *p = build_ok(&f);
    ck_assert_str_eq(p->hostname, "box");
    ck_assert_str_eq(p->domainname, "example.org");
    veil_plan_free(p);

    drop_ns(&f, VEIL_NS_UTS);
    ck_assert_err_contains(&f, "unable to set hostname without a private UTS namespace");
    f.spec.hostname = NULL;
    ck_assert_err_contains(&f, "unable to set domainname without a private UTS namespace");
    f.spec.domainname = NULL;

    veil_spec_idmap um[] = {{0, 1000, 1}};
    f.lx.uid_mappings = um;
    f.lx.n_uid_mappings = 1;
    ck_assert_err_contains(&f, "user namespace mappings specified, but user namespace isn't enabled");
    f.lx.n_uid_mappings = 0;
    add_ns(&f, VEIL_NS_USER, NULL);
    ck_assert_err_contains(&f, "user namespaces enabled, but no namespace path to join nor mappings");
    f.lx.n_uid_mappings = 1;
    p = build_ok(&f);
    ck_assert_uint_eq(p->uid_mappings.n, 1);
    ck_assert_uint_eq(p->uid_mappings.items[0].host_id, 1000);
    veil_plan_free(p);

    /* joined by path with mappings too: the mappings give way, with a warning */
    f.ns[f.lx.n_namespaces - 1].path = "/proc/7/ns/user";
    p = build_ok(&f);
    ck_assert(has_warning(p, "ignored when joining the user namespace /proc/7/ns/user"));
    veil_plan_free(p);

    /* time offsets need a new time namespace */
    f.lx.has_time_offsets = true;
    f.lx.time_monotonic.secs = (veil_opt_i64){true, 5};
    ck_assert_err_contains(&f, "time namespace offsets specified, but time namespace isn't enabled");
    add_ns(&f, VEIL_NS_TIME, "/proc/9/ns/time");
    ck_assert_err_contains(&f, "both namespace path and time offsets");
    f.ns[f.lx.n_namespaces - 1].path = NULL;
    f.lx.time_boottime.nanosecs = (veil_opt_u64){true, 7};
    p = build_ok(&f);
    ck_assert(p->has_time_offsets);
    ck_assert_int_eq(p->time_monotonic_secs, 5);
    ck_assert_uint_eq(p->time_boottime_nsecs, 7);
    veil_plan_free(p);

    /* duplicates are refused here too (the parser refuses them first) */
    add_ns(&f, VEIL_NS_PID, NULL);
    ck_assert_err_contains(&f, "duplicate namespace \"pid\"");
}
END_TEST

START_TEST(test_masked_readonly_paths)
{
    fixture f;
    fixture_init(&f);
    f.lx.masked_paths = STRV("/proc/kcore", "/proc//keys/", "sys/firmware");
    f.lx.readonly_paths = STRV("/proc/sys", "/proc/../proc/bus");
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->n_masked_paths, 3);
    ck_assert_str_eq(p->masked_paths[1], "/proc/keys");
    ck_assert_str_eq(p->masked_paths[2], "/sys/firmware");
    ck_assert_uint_eq(p->n_readonly_paths, 2);
    ck_assert_str_eq(p->readonly_paths[1], "/proc/bus");
    veil_plan_free(p);
    drop_ns(&f, VEIL_NS_MOUNT);
    ck_assert_err_contains(&f, "unable to restrict sys entries without a private MNT namespace");
}
END_TEST

START_TEST(test_sysctl)
{
    fixture f;
    fixture_init(&f);
    veil_kv ok[] = {
        {"net.ipv4.ip_forward", "1"},
        {"kernel.shmmax", "1000"},
        {"fs.mqueue.msg_max", "10"},
        {"kernel.domainname", "x"},
        {"net/ipv4/conf/eth0.100/rp_filter", "0"},
    };
    f.lx.sysctl = (veil_kv_list){ok, 5};
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->sysctl.n, 5);
    ck_assert_str_eq(p->sysctl.items[0].key, "net.ipv4.ip_forward");
    ck_assert_str_eq(p->sysctl.items[4].key, "net.ipv4.conf.eth0/100.rp_filter");
    ck_assert_str_eq(p->sysctl.items[4].value, "0");
    veil_plan_free(p);

    /* each rule, with the key named in the error */
    veil_kv one;
    f.lx.sysctl = (veil_kv_list){&one, 1};
    one = (veil_kv){"kernel.hostname", "h"};
    ck_assert_err_contains(&f, "\"kernel.hostname\" is not allowed as it conflicts");
    one = (veil_kv){"vm.swappiness", "1"};
    ck_assert_err_contains(&f, "\"vm.swappiness\" is not in a separate kernel namespace");
    one = (veil_kv){"user.max_user_namespaces", "0"};
    ck_assert_err_contains(&f, "\"user.max_user_namespaces\": setting ucounts without a user");
    one = (veil_kv){"net.core.somaxconn", "1"};
    drop_ns(&f, VEIL_NS_NETWORK);
    ck_assert_err_contains(&f, "\"net.core.somaxconn\" is not allowed in the host's network");
    add_ns(&f, VEIL_NS_NETWORK, "/run/netns/other");
    p = build_ok(&f); /* a joined netns is fine here; the applier checks it is not the host's */
    veil_plan_free(p);
    one = (veil_kv){"kernel.msgmax", "1"};
    drop_ns(&f, VEIL_NS_IPC);
    ck_assert_err_contains(&f, "\"kernel.msgmax\" is not allowed in the host's IPC namespace");
    one = (veil_kv){"kernel.domainname", "d"};
    drop_ns(&f, VEIL_NS_UTS);
    ck_assert_err_contains(&f, "\"kernel.domainname\" is not in a separate kernel namespace");
    one = (veil_kv){"net.ipv4..x", "1"};
    ck_assert_err_contains(&f, "invalid key \"net.ipv4..x\"");
}
END_TEST

/* ---- process ----------------------------------------------------------------- */

static void process_init(veil_spec_process *sp)
{
    /* static: compound literals would die with this function */
    static char *args[] = {"sh", "-c", "true", NULL};
    static char *env[] = {"PATH=/bin", "TERM=xterm", NULL};
    memset(sp, 0, sizeof(*sp));
    sp->args = (veil_strv){args, 3};
    sp->env = (veil_strv){env, 2};
    sp->cwd = "/";
}

START_TEST(test_process_basics)
{
    fixture f;
    fixture_init(&f);
    veil_spec_process sp;
    process_init(&sp);
    uint32_t gids[] = {10, 20};
    sp.user = (veil_spec_user){.uid = 1000, .gid = 1001, .umask = {true, 022},
                               .additional_gids = gids, .n_additional_gids = 2};
    sp.terminal = true;
    sp.has_console_size = true;
    sp.console_height = 24;
    sp.console_width = 80;
    sp.cwd = "/home//user/";
    sp.no_new_privileges = true;
    sp.oom_score_adj = (veil_opt_i64){true, -500};
    sp.apparmor_profile = "docker-default";
    sp.selinux_label = "system_u:system_r:container_t:s0";
    f.spec.process = &sp;
    veil_plan *p = build_ok(&f);
    veil_plan_process *pp = p->process;
    ck_assert_ptr_nonnull(pp);
    ck_assert_str_eq(pp->args[0], "sh");
    ck_assert_str_eq(pp->args[2], "true");
    ck_assert_ptr_null(pp->args[3]);
    ck_assert_str_eq(pp->env[1], "TERM=xterm");
    ck_assert_str_eq(pp->cwd, "/home/user");
    ck_assert_uint_eq(pp->uid, 1000);
    ck_assert_uint_eq(pp->gid, 1001);
    ck_assert_uint_eq(pp->n_additional_gids, 2);
    ck_assert_uint_eq(pp->additional_gids[1], 20);
    ck_assert(pp->has_umask);
    ck_assert_uint_eq(pp->umask, 022);
    ck_assert(pp->terminal && pp->has_console_size);
    ck_assert_uint_eq(pp->console_width, 80);
    ck_assert(pp->no_new_privileges);
    ck_assert(pp->has_oom_score_adj);
    ck_assert_int_eq(pp->oom_score_adj, -500);
    ck_assert_str_eq(pp->apparmor_profile, "docker-default");
    ck_assert_str_eq(pp->selinux_label, "system_u:system_r:container_t:s0");
    ck_assert(!pp->caps.set);
    veil_plan_free(p);

    /* unset stays unset; consoleSize without a terminal is ignored */
    sp.oom_score_adj.set = false;
    sp.user.umask.set = false;
    sp.terminal = false;
    p = build_ok(&f);
    ck_assert(!p->process->has_oom_score_adj);
    ck_assert(!p->process->has_umask);
    ck_assert(!p->process->has_console_size);
    veil_plan_free(p);

    sp.cwd = "relative";
    ck_assert_err_contains(&f, "process.cwd must be an absolute path");
    sp.cwd = "/";
    sp.args = (veil_strv){NULL, 0};
    ck_assert_err_contains(&f, "process.args must not be empty");
    sp.args = STRV("sh");
    sp.env = STRV("PATH=/bin", "NOEQUALS");
    ck_assert_err_contains(&f, "process.env[1]: \"NOEQUALS\" is not of the form KEY=VALUE");
    sp.env = STRV("=x");
    ck_assert_err_contains(&f, "process.env[0]: empty variable name");
    sp.env = (veil_strv){NULL, 0};
    sp.oom_score_adj = (veil_opt_i64){true, 1001};
    ck_assert_err_contains(&f, "oomScoreAdj");
}
END_TEST

START_TEST(test_capabilities)
{
    fixture f;
    fixture_init(&f);
    veil_spec_process sp;
    process_init(&sp);
    veil_spec_capabilities caps = {
        .bounding = STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NOT_A_CAP"),
        .effective = STRV("CAP_KILL"),
        .permitted = STRV("CAP_KILL", "CAP_NET_BIND_SERVICE", "cap_chown"),
        .ambient = STRV("CAP_NET_BIND_SERVICE"),
    };
    sp.capabilities = &caps;
    f.spec.process = &sp;
    veil_plan *p = build_ok(&f);
    const veil_plan_caps *c = &p->process->caps;
    ck_assert(c->set);
    ck_assert_uint_eq(c->bounding, (1ull << 29) | (1ull << 5) | (1ull << 10));
    ck_assert_uint_eq(c->effective, 1ull << 5);
    ck_assert_uint_eq(c->permitted, (1ull << 5) | (1ull << 10));
    /* never implied: nothing asked, nothing given */
    ck_assert_uint_eq(c->inheritable, 0);
    /* ambient needs inheritable too: dropped silently (runc does the same) */
    ck_assert_uint_eq(c->ambient, 0);
    ck_assert(!has_warning(p, "CAP_NET_BIND_SERVICE"));
    ck_assert(has_warning(p, "process.capabilities.bounding: unknown capability \"CAP_NOT_A_CAP\""));
    ck_assert(has_warning(p, "unknown capability \"cap_chown\"")); /* names are exact */
    veil_plan_free(p);

    caps.inheritable = STRV("CAP_NET_BIND_SERVICE");
    p = build_ok(&f);
    ck_assert_uint_eq(p->process->caps.inheritable, 1ull << 10);
    ck_assert_uint_eq(p->process->caps.ambient, 1ull << 10);
    veil_plan_free(p);
}
END_TEST

START_TEST(test_cap_names)
{
    ck_assert_int_eq(veil_cap_from_name("CAP_CHOWN"), 0);
    ck_assert_int_eq(veil_cap_from_name("CAP_SYS_ADMIN"), 21);
    ck_assert_int_eq(veil_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
    ck_assert_int_eq(veil_cap_from_name("CAP_BOGUS"), -1);
    ck_assert_int_eq(veil_cap_from_name(NULL), -1);
    ck_assert_int_eq(veil_cap_last(), 40);
    for (int i = 0; i <= veil_cap_last(); i++)
        ck_assert_int_eq(veil_cap_from_name(veil_cap_name(i)), i);
    ck_assert_ptr_null(veil_cap_name(41));
    ck_assert_ptr_null(veil_cap_name(-1));
}
END_TEST

START_TEST(test_rlimits)
{
    fixture f;
    fixture_init(&f);
    veil_spec_process sp;
    process_init(&sp);
    veil_spec_rlimit rl[] = {
        {.type = "RLIMIT_NOFILE", .soft = 1024, .hard = 4096},
        {.type = "RLIMIT_CORE", .soft = 0, .hard = 0},
        {.type = "RLIMIT_RTTIME", .soft = 5, .hard = 5},
    };
    sp.rlimits = rl;
    sp.n_rlimits = 3;
    f.spec.process = &sp;
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->process->n_rlimits, 3);
    ck_assert_int_eq(p->process->rlimits[0].resource, RLIMIT_NOFILE);
    ck_assert_uint_eq(p->process->rlimits[0].soft, 1024);
    ck_assert_uint_eq(p->process->rlimits[0].hard, 4096);
    ck_assert_int_eq(p->process->rlimits[1].resource, RLIMIT_CORE);
    ck_assert_int_eq(p->process->rlimits[2].resource, RLIMIT_RTTIME);
    veil_plan_free(p);

    rl[2].type = "RLIMIT_NOFILE";
    ck_assert_err_contains(&f, "process.rlimits: duplicate type \"RLIMIT_NOFILE\"");
    rl[2].type = "RLIMIT_BOGUS";
    ck_assert_err_contains(&f, "process.rlimits[2]: unknown type \"RLIMIT_BOGUS\"");
    rl[2].type = "RLIMIT_STACK";
    rl[2].soft = 10;
    rl[2].hard = 5;
    ck_assert_err_contains(&f, "soft limit 10 is above the hard limit 5");
}
END_TEST

START_TEST(test_scheduler_and_ioprio)
{
    fixture f;
    fixture_init(&f);
    veil_spec_process sp;
    process_init(&sp);
    f.spec.process = &sp;
    veil_spec_scheduler s = {.policy = "SCHED_FIFO", .priority = {true, 10},
                             .flags = STRV("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_UTIL_CLAMP_MAX")};
    sp.scheduler = &s;
    veil_spec_io_priority io = {.class = "IOPRIO_CLASS_BE", .priority = 4};
    sp.io_priority = &io;
    veil_plan *p = build_ok(&f);
    ck_assert(p->process->has_scheduler);
    ck_assert_int_eq(p->process->scheduler.policy, SCHED_FIFO);
    ck_assert_int_eq(p->process->scheduler.priority, 10);
    ck_assert_uint_eq(p->process->scheduler.flags, 0x01 | 0x40);
    ck_assert(p->process->has_io_priority);
    ck_assert_int_eq(p->process->io_priority, (2 << 13) | 4);
    veil_plan_free(p);

    veil_spec_scheduler dl = {.policy = "SCHED_DEADLINE", .runtime = {true, 10000},
                              .deadline = {true, 20000}, .period = {true, 30000}};
    sp.scheduler = &dl;
    io = (veil_spec_io_priority){.class = "IOPRIO_CLASS_IDLE", .priority = 7};
    p = build_ok(&f);
    ck_assert_int_eq(p->process->scheduler.policy, SCHED_DEADLINE);
    ck_assert_uint_eq(p->process->scheduler.period, 30000);
    ck_assert_int_eq(p->process->io_priority, (3 << 13) | 7);
    veil_plan_free(p);

    dl.period.set = false;
    ck_assert_err_contains(&f, "SCHED_DEADLINE needs runtime, deadline and period");
    dl.period.set = true;
    dl.runtime.value = 50000;
    ck_assert_err_contains(&f, "runtime <= deadline <= period");
    veil_spec_scheduler other = {.policy = "SCHED_OTHER", .nice = {true, 20}};
    sp.scheduler = &other;
    ck_assert_err_contains(&f, "invalid nice 20");
    other.nice.value = -5;
    other.priority = (veil_opt_i64){true, 3};
    ck_assert_err_contains(&f, "priority can only be specified for SCHED_FIFO or SCHED_RR");
    other.priority.set = false;
    other.deadline = (veil_opt_u64){true, 1};
    ck_assert_err_contains(&f, "can only be specified for SCHED_DEADLINE");
    other.deadline.set = false;
    other.policy = "SCHED_WHATEVER";
    ck_assert_err_contains(&f, "unknown policy \"SCHED_WHATEVER\"");
    other.policy = "SCHED_BATCH";
    io.priority = 8;
    ck_assert_err_contains(&f, "process.ioPriority: invalid priority 8");
    io.priority = 0;
    io.class = "IOPRIO_CLASS_NONE";
    ck_assert_err_contains(&f, "process.ioPriority: invalid class \"IOPRIO_CLASS_NONE\"");
}
END_TEST

START_TEST(test_exec_cpu_affinity)
{
    fixture f;
    fixture_init(&f);
    veil_spec_process sp;
    process_init(&sp);
    f.spec.process = &sp;
    sp.exec_cpu_affinity_initial = "0-3,7";
    sp.exec_cpu_affinity_final = "5";
    veil_plan *p = build_ok(&f);
    ck_assert_str_eq(p->process->exec_cpu_affinity_initial, "0-3,7");
    ck_assert_str_eq(p->process->exec_cpu_affinity_final, "5");
    veil_plan_free(p);
    static const char *const bad[] = {"3-1", "a", "1,", ",1", "1--2", "1-", "0 1", "-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sp.exec_cpu_affinity_initial = (char *)bad[i];
        ck_assert_err_contains(&f, "execCPUAffinity.initial: invalid CPU list");
    }
    ck_assert(veil_plan_valid_list("0,2-4,8-8", 16));
    ck_assert(!veil_plan_valid_list("16", 16));
    ck_assert(!veil_plan_valid_list("", 16));
}
END_TEST

/* ---- hooks and linux odds and ends ------------------------------------------ */

START_TEST(test_hooks)
{
    fixture f;
    fixture_init(&f);
    veil_spec_hook pre[] = {{.path = "/usr/bin/setup", .args = STRV("setup", "--net"),
                             .env = STRV("A=1"), .timeout = {true, 5}},
                            {.path = "/bin/true"}};
    veil_spec_hook stop[] = {{.path = "/bin/cleanup"}};
    f.spec.hooks.create_runtime = (veil_spec_hook_list){pre, 2};
    f.spec.hooks.poststop = (veil_spec_hook_list){stop, 1};
    veil_plan *p = build_ok(&f);
    const veil_plan_hook_list *cr = &p->hooks[VEIL_HOOK_CREATE_RUNTIME];
    ck_assert_uint_eq(cr->n, 2);
    ck_assert_str_eq(cr->items[0].path, "/usr/bin/setup");
    ck_assert_str_eq(cr->items[0].args[1], "--net");
    ck_assert_str_eq(cr->items[0].env[0], "A=1");
    ck_assert_int_eq(cr->items[0].timeout, 5);
    ck_assert_ptr_null(cr->items[1].args);
    ck_assert_int_eq(cr->items[1].timeout, 0);
    ck_assert_uint_eq(p->hooks[VEIL_HOOK_POSTSTOP].n, 1);
    ck_assert_uint_eq(p->hooks[VEIL_HOOK_PRESTART].n, 0);
    veil_plan_free(p);

    stop[0].path = "cleanup";
    ck_assert_err_contains(&f, "hooks.poststop[0]: path must be absolute");
}
END_TEST

START_TEST(test_personality_and_memory_policy)
{
    fixture f;
    fixture_init(&f);
    veil_spec_personality per = {.domain = "LINUX32"};
    f.lx.personality = &per;
    veil_spec_memory_policy mp = {.mode = "MPOL_BIND", .nodes = "0-1",
                                  .flags = STRV("MPOL_F_STATIC_NODES")};
    f.lx.memory_policy = &mp;
    veil_plan *p = build_ok(&f);
    ck_assert(p->has_personality);
    ck_assert_uint_eq(p->personality, PER_LINUX32);
    ck_assert(p->has_memory_policy);
    ck_assert_int_eq(p->memory_policy_mode, MPOL_BIND);
    ck_assert_uint_eq(p->memory_policy_flags, MPOL_F_STATIC_NODES);
    ck_assert_str_eq(p->memory_policy_nodes, "0-1");
    veil_plan_free(p);

    per.domain = "LINUX";
    f.lx.memory_policy = NULL;
    p = build_ok(&f);
    ck_assert_uint_eq(p->personality, PER_LINUX);
    veil_plan_free(p);

    per.flags = STRV("ADDR_NO_RANDOMIZE");
    ck_assert_err_contains(&f, "personality flags are not supported");
    per.flags = (veil_strv){NULL, 0};
    per.domain = "WINDOWS";
    ck_assert_err_contains(&f, "invalid personality domain \"WINDOWS\"");
    f.lx.personality = NULL;

    f.lx.memory_policy = &mp;
    mp.nodes = NULL;
    ck_assert_err_contains(&f, "mode MPOL_BIND requires at least one node");
    mp.mode = "MPOL_DEFAULT";
    mp.nodes = "1";
    ck_assert_err_contains(&f, "mode MPOL_DEFAULT takes no nodes");
    mp.mode = "MPOL_PREFERRED";
    mp.nodes = "1-x";
    ck_assert_err_contains(&f, "invalid nodes \"1-x\"");
    mp.nodes = NULL;
    mp.flags = STRV("MPOL_F_BOGUS");
    ck_assert_err_contains(&f, "invalid flag \"MPOL_F_BOGUS\"");
}
END_TEST

START_TEST(test_cgroup_path)
{
    fixture f;
    fixture_init(&f);
    veil_plan *p = build_ok(&f);
    /* runc's fs driver default: the id, under the runtime's own cgroup */
    ck_assert_str_eq(p->cgroup.path, "ctr1");
    ck_assert(p->cgroup.path_relative);
    ck_assert(!p->cgroup.has_resources);
    veil_plan_free(p);

    f.lx.cgroups_path = "/machine//veil/ctr1/";
    veil_spec_resources res = {0};
    f.lx.resources = &res;
    p = build_ok(&f);
    ck_assert_str_eq(p->cgroup.path, "/machine/veil/ctr1");
    ck_assert(!p->cgroup.path_relative);
    ck_assert(p->cgroup.has_resources);
    veil_plan_free(p);

    f.lx.cgroups_path = "../../escape/x";
    p = build_ok(&f);
    ck_assert_str_eq(p->cgroup.path, "escape/x");
    ck_assert(p->cgroup.path_relative);
    veil_plan_free(p);

    f.opts.systemd_cgroup = true;
    f.lx.cgroups_path = NULL;
    p = build_ok(&f);
    ck_assert_str_eq(p->cgroup.path, "system.slice:veil:ctr1");
    veil_plan_free(p);
    f.lx.cgroups_path = "machine.slice:libpod:abc";
    p = build_ok(&f);
    ck_assert_str_eq(p->cgroup.path, "machine.slice:libpod:abc");
    veil_plan_free(p);
    f.lx.cgroups_path = "/not/systemd";
    ck_assert_err_contains(&f, "expected cgroupsPath to be of format \"slice:prefix:name\"");
}
END_TEST

START_TEST(test_net_devices_and_rdt)
{
    fixture f;
    fixture_init(&f);
    veil_spec_net_device nd[] = {{.host_name = "eth1", .name = "ctr0"}, {.host_name = "dummy0"}};
    f.lx.net_devices = nd;
    f.lx.n_net_devices = 2;
    veil_spec_intel_rdt rdt = {.clos_id = "gold", .l3_cache_schema = "L3:0=ff",
                               .schemata = STRV("MB:0=50"), .enable_monitoring = {true, true}};
    f.lx.intel_rdt = &rdt;
    veil_kv ann[] = {{"org.example.key", "value"}};
    f.spec.annotations = (veil_kv_list){ann, 1};
    f.lx.mount_label = "system_u:object_r:container_file_t:s0";
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->n_net_devices, 2);
    ck_assert_str_eq(p->net_devices[0].name, "ctr0");
    ck_assert_str_eq(p->net_devices[1].name, "dummy0");
    ck_assert_str_eq(p->intel_rdt->clos_id, "gold");
    ck_assert_str_eq(p->intel_rdt->schemata.v[0], "MB:0=50");
    ck_assert(p->intel_rdt->enable_monitoring.value);
    ck_assert_uint_eq(p->annotations.n, 1);
    ck_assert_str_eq(p->annotations.items[0].value, "value");
    ck_assert_str_eq(p->mount_label, "system_u:object_r:container_file_t:s0");
    veil_plan_free(p);

    rdt.clos_id = "../x";
    ck_assert_err_contains(&f, "invalid closID");
    f.lx.intel_rdt = NULL;
    nd[1].host_name = "a/b";
    ck_assert_err_contains(&f, "invalid network device name \"a/b\"");
    nd[1].host_name = "dummy0";
    drop_ns(&f, VEIL_NS_NETWORK);
    ck_assert_err_contains(&f, "unable to move network devices without a NET namespace");
}
END_TEST

/* ---- JSON ------------------------------------------------------------------ */

static const vj_node *at(const vj_node *n, const char *path)
{
    /* "a.b.2.c": object keys and array indexes */
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && n; k = strtok_r(NULL, ".", &save)) {
        if (n->type == VJ_ARRAY) {
            size_t i = strtoul(k, NULL, 10);
            n = i < n->u.array.len ? n->u.array.items[i] : NULL;
        } else {
            n = vj_get(n, k);
        }
    }
    ck_assert_msg(n != NULL, "no %s in the plan JSON", path);
    return n;
}

static void ck_json_str(const vj_node *root, const char *path, const char *want)
{
    const vj_node *n = at(root, path);
    ck_assert_msg(n->type == VJ_STRING, "%s is %s", path, vj_type_name(n->type));
    ck_assert_msg(strcmp(n->u.string.ptr, want) == 0, "%s = \"%s\", want \"%s\"", path,
                  n->u.string.ptr, want);
}

START_TEST(test_to_json)
{
    fixture f;
    fixture_init(&f);
    f.spec.hostname = "box";
    veil_spec_process sp;
    process_init(&sp);
    veil_spec_capabilities caps = {.bounding = STRV("CAP_KILL", "CAP_NOPE"),
                                   .effective = STRV("CAP_KILL")};
    sp.capabilities = &caps;
    veil_spec_rlimit rl = {.type = "RLIMIT_NOFILE", .soft = 1024, .hard = 1024};
    sp.rlimits = &rl;
    sp.n_rlimits = 1;
    sp.user.umask = (veil_opt_u64){true, 022};
    f.spec.process = &sp;
    veil_spec_mount m[] = {
        {.destination = "/dev/shm", .type = "tmpfs", .source = "shm",
         .options = STRV("nosuid", "noexec", "nodev", "rw", "mode=1777", "rnoatime")},
        {.destination = "/data", .type = "bind", .source = "d", .options = STRV("rbind", "rslave")},
        {.destination = "/o", .type = "overlay", .source = "overlay",
         .options = STRV("lowerdir=l1:l2", "upperdir=u", "workdir=w", "userxattr")},
    };
    f.spec.mounts = m;
    f.spec.n_mounts = 3;
    veil_spec_hook h = {.path = "/bin/hook", .timeout = {true, 3}};
    f.spec.hooks.poststart = (veil_spec_hook_list){&h, 1};
    f.lx.masked_paths = STRV("/proc/kcore");
    add_ns(&f, VEIL_NS_CGROUP, "/proc/1/ns/cgroup");
    veil_plan *p = build_ok(&f);

    veil_error *e = NULL;
    char *json = veil_plan_to_json(p, true, &e);
    ck_assert_msg(json != NULL, "%s", e ? e->msg : "");
    vj_node *root = vj_parse(json, strlen(json), NULL, &e);
    ck_assert_msg(root != NULL, "invalid JSON: %s\n%s", e ? e->msg : "", json);

    ck_json_str(root, "id", "ctr1");
    ck_json_str(root, "root.path", "/srv/bundle/rootfs");
    ck_json_str(root, "root.propagation", "rslave");
    ck_json_str(root, "hostname", "box");
    ck_json_str(root, "namespaces.0.type", "cgroup");
    ck_json_str(root, "namespaces.0.path", "/proc/1/ns/cgroup");
    ck_json_str(root, "namespaces.1.type", "ipc");
    ck_assert_ptr_null(vj_get(at(root, "namespaces.1"), "path"));
    ck_json_str(root, "mounts.0.kind", "fs");
    ck_json_str(root, "mounts.0.flags.0", "nosuid");
    ck_json_str(root, "mounts.0.flags.1", "nodev");
    ck_json_str(root, "mounts.0.flags.2", "noexec");
    ck_json_str(root, "mounts.0.cleared.0", "rw");
    ck_json_str(root, "mounts.0.data", "mode=1777");
    ck_json_str(root, "mounts.0.recursive.set.0", "noatime");
    ck_json_str(root, "mounts.0.recursive.clear.0", "atime");
    ck_json_str(root, "mounts.1.kind", "bind");
    ck_json_str(root, "mounts.1.source", "/srv/bundle/d");
    ck_json_str(root, "mounts.1.propagation", "rslave");
    ck_json_str(root, "mounts.1.flags.0", "bind");
    ck_json_str(root, "mounts.1.flags.1", "rec");
    ck_json_str(root, "mounts.2.overlay.lowerdir.1", "/srv/bundle/l2");
    ck_json_str(root, "mounts.2.overlay.workdir", "/srv/bundle/w");
    ck_json_str(root, "devices.0.path", "/dev/null");
    ck_json_str(root, "devices.0.fileMode", "0666");
    ck_json_str(root, "maskedPaths.0", "/proc/kcore");
    ck_json_str(root, "process.args.0", "sh");
    ck_json_str(root, "process.user.umask", "022");
    ck_json_str(root, "process.capabilities.bounding.0", "CAP_KILL");
    ck_assert_uint_eq(at(root, "process.capabilities.inheritable")->u.array.len, 0);
    ck_json_str(root, "process.rlimits.0.type", "RLIMIT_NOFILE");
    ck_json_str(root, "hooks.poststart.0.path", "/bin/hook");
    ck_json_str(root, "cgroup.path", "ctr1");
    ck_assert_int_eq(at(root, "seccomp")->type, VJ_NULL);
    ck_assert_int_eq(at(root, "setupDev")->type, VJ_BOOL);
    ck_assert(strstr(at(root, "warnings.0")->u.string.ptr, "CAP_NOPE") != NULL);

    vj_free(root);
    free(json);
    veil_plan_free(p);
}
END_TEST

/* cgroup writes, device rules and seccomp are filled by other files; the
 * printer must show whatever is there. */
START_TEST(test_to_json_cgroup_and_seccomp)
{
    fixture f;
    fixture_init(&f);
    veil_plan *p = build_ok(&f);
    p->cgroup.writes = calloc(1, sizeof(*p->cgroup.writes));
    p->cgroup.writes[0] = (veil_cgroup_write){.ctrl = VEIL_CG_MEMORY,
                                               .file = strdup("memory.limit_in_bytes"),
                                               .value = strdup("1048576")};
    p->cgroup.n_writes = 1;
    p->cgroup.device_rules = calloc(1, sizeof(*p->cgroup.device_rules));
    p->cgroup.device_rules[0] = (veil_spec_device_rule){.allow = false, .access = strdup("rwm")};
    p->cgroup.n_device_rules = 1;
    veil_seccomp_plan *sc = calloc(1, sizeof(*sc));
    sc->default_action = 0x00050000u | 1; /* errno EPERM */
    sc->arches = calloc(1, sizeof(uint32_t));
    sc->arches[0] = 0xc000003eu; /* x86_64 */
    sc->n_arches = 1;
    sc->flags = 1u << 2;
    sc->rules = calloc(1, sizeof(*sc->rules));
    sc->rules[0].names = calloc(2, sizeof(char *));
    sc->rules[0].names[0] = strdup("getpid");
    sc->rules[0].n_names = 1;
    sc->rules[0].action = 0x7fff0000u;
    sc->rules[0].args = calloc(1, sizeof(veil_seccomp_arg));
    sc->rules[0].args[0] = (veil_seccomp_arg){.index = 0, .op = 4, .value = 7};
    sc->rules[0].n_args = 1;
    sc->n_rules = 1;
    p->seccomp = sc;

    veil_error *e = NULL;
    char *json = veil_plan_to_json(p, false, &e);
    ck_assert_ptr_nonnull(json);
    vj_node *root = vj_parse(json, strlen(json), NULL, &e);
    ck_assert_ptr_nonnull(root);
    ck_json_str(root, "cgroup.writes.0.controller", "memory");
    ck_json_str(root, "cgroup.writes.0.file", "memory.limit_in_bytes");
    ck_json_str(root, "cgroup.deviceRules.0.type", "a");
    ck_json_str(root, "cgroup.deviceRules.0.major", "*");
    ck_json_str(root, "seccomp.defaultAction", "SCMP_ACT_ERRNO(1)");
    ck_json_str(root, "seccomp.architectures.0", "SCMP_ARCH_X86_64");
    ck_json_str(root, "seccomp.flags.0", "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
    ck_json_str(root, "seccomp.rules.0.names.0", "getpid");
    ck_json_str(root, "seccomp.rules.0.action", "SCMP_ACT_ALLOW");
    ck_json_str(root, "seccomp.rules.0.args.0.op", "SCMP_CMP_EQ");
    vj_free(root);
    free(json);
    veil_plan_free(p);
}
END_TEST

/* ---- through the parser ------------------------------------------------------ */

static veil_spec *parse(const char *json, char **msg)
{
    veil_error *e = NULL;
    veil_spec *s = veil_spec_parse(json, strlen(json), "config.json", &e);
    *msg = e ? strdup(e->msg) : NULL;
    veil_error_free(e);
    return s;
}

START_TEST(test_from_json)
{
    static const veil_plan_options opts = {.id = "j1", .bundle = "/b"};
    char *msg = NULL;
    /* duplicates are the parser's to refuse */
    veil_spec *s = parse("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},"
                         " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]}}",
                         &msg);
    ck_assert_ptr_null(s);
    ck_assert_msg(msg && strstr(msg, "duplicate namespace type \"pid\""), "%s", msg);
    free(msg);

    s = parse("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\", \"readonly\": true},"
              " \"process\": {\"args\": [\"/bin/app\"], \"cwd\": \"/srv\","
              "   \"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\", \"CAP_WHATEVER\"]},"
              "   \"rlimits\": [{\"type\": \"RLIMIT_NPROC\", \"soft\": 10, \"hard\": 20}]},"
              " \"mounts\": [{\"destination\": \"/run\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
              "   \"options\": [\"nosuid\", \"rnodev\", \"size=1m\"]}],"
              " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"user\"}],"
              "   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
              "   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
              "   \"rootfsPropagation\": \"rprivate\"}}",
              &msg);
    ck_assert_msg(s != NULL, "%s", msg);
    veil_plan *p = NULL;
    veil_error *e = NULL;
    ck_assert_msg(veil_plan_build(s, &opts, &p, &e) == 0, "%s", e ? e->msg : "");
    ck_assert_str_eq(p->rootfs, "/b/r");
    ck_assert(p->rootfs_readonly);
    ck_assert_uint_eq(p->rootfs_propagation, MS_PRIVATE | MS_REC);
    ck_assert_int_eq(p->namespaces[0].type, VEIL_NS_USER);
    ck_assert_uint_eq(p->uid_mappings.items[0].size, 10);
    ck_assert_uint_eq(p->mounts[0].flags, MS_NOSUID);
    ck_assert_uint_eq(p->mounts[0].attr_set, MOUNT_ATTR_NODEV);
    ck_assert_str_eq(p->mounts[0].data, "size=1m");
    ck_assert_uint_eq(p->process->caps.bounding, 1ull << 21);
    ck_assert_int_eq(p->process->rlimits[0].resource, RLIMIT_NPROC);
    ck_assert(has_warning(p, "CAP_WHATEVER"));
    veil_plan_free(p);
    veil_spec_free(s);
}
END_TEST

/* The parser's runc-default fixture (what `runc spec` writes) plans cleanly. */
START_TEST(test_runc_default_fixture)
{
    veil_error *e = NULL;
    veil_spec *s = veil_spec_load(VEIL_TEST_DATA "/spec/valid/runc-default.json", &e);
    ck_assert_msg(s != NULL, "%s", e ? e->msg : "");
    veil_plan_options opts = {.id = "x", .bundle = "/b"};
    veil_plan *p = NULL;
    ck_assert_msg(veil_plan_build(s, &opts, &p, &e) == 0, "%s", e ? e->msg : "");
    ck_assert_uint_eq(p->n_warnings, 0);
    ck_assert_uint_eq(p->n_mounts, s->n_mounts);
    ck_assert(p->setup_dev);
    ck_assert_uint_eq(p->n_devices, 6);
    ck_assert(p->cgroup.has_resources);
    veil_plan_free(p);
    veil_spec_free(s);
}
END_TEST

static Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *t = tcase_create("paths");
    tcase_add_test(t, test_path_clean);
    tcase_add_test(t, test_rootfs);
    tcase_add_test(t, test_runtime_options);
    suite_add_tcase(s, t);

    t = tcase_create("namespaces");
    tcase_add_test(t, test_namespace_order);
    tcase_add_test(t, test_namespace_rules);
    tcase_add_test(t, test_masked_readonly_paths);
    tcase_add_test(t, test_sysctl);
    suite_add_tcase(s, t);

    t = tcase_create("process");
    tcase_add_test(t, test_process_basics);
    tcase_add_test(t, test_capabilities);
    tcase_add_test(t, test_cap_names);
    tcase_add_test(t, test_rlimits);
    tcase_add_test(t, test_scheduler_and_ioprio);
    tcase_add_test(t, test_exec_cpu_affinity);
    suite_add_tcase(s, t);

    t = tcase_create("misc");
    tcase_add_test(t, test_hooks);
    tcase_add_test(t, test_personality_and_memory_policy);
    tcase_add_test(t, test_cgroup_path);
    tcase_add_test(t, test_net_devices_and_rdt);
    suite_add_tcase(s, t);

    t = tcase_create("json");
    tcase_add_test(t, test_to_json);
    tcase_add_test(t, test_to_json_cgroup_and_seccomp);
    suite_add_tcase(s, t);

    t = tcase_create("parser");
    tcase_add_test(t, test_from_json);
    tcase_add_test(t, test_runc_default_fixture);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(plan_suite());
}
