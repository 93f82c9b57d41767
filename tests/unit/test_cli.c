/* SPDX-License-Identifier: Apache-2.0 */
/* The built veil binary: spec, plan, features and --version, the commands
 * that need no container (and no root). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <veil/container.h>
#include <veil/veil.h>

#include "plan/internal.h"
#include "spec/json.h"
#include "util/errtext.h"
#include "tests/support/run_suite.h"

typedef struct run_result {
    int status; /* exit code, or 128 + signal */
    char *out, *err;
} run_result;

static char *read_fd(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* Runs veil with argv (argv[0] is ignored) in `dir`; outputs go to files so
 * a large output cannot block the child. */
static run_result run_veil(const char *dir, char **argv)
{
    char out_path[] = "/tmp/veil-test-cli-out-XXXXXX", err_path[] = "/tmp/veil-test-cli-err-XXXXXX";
    int out = mkstemp(out_path), err = mkstemp(err_path);
    ck_assert(out >= 0 && err >= 0);
    unlink(out_path);
    unlink(err_path);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (chdir(dir) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        argv[0] = VEIL_BINARY;
        execv(VEIL_BINARY, argv);
        _exit(127);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    run_result r = {.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)};
    lseek(out, 0, SEEK_SET);
    lseek(err, 0, SEEK_SET);
    r.out = read_fd(out);
    r.err = read_fd(err);
    close(out);
    close(err);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

#define ARGV(...) ((char *[]){"veil", __VA_ARGS__, NULL})

static char *make_dir(void)
{
    char *d = strdup("/tmp/veil-test-cli-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static void remove_dir(char *d)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/config.json", d);
    unlink(path);
    ck_assert_int_eq(rmdir(d), 0);
    free(d);
}

static const vj_node *at(const vj_node *n, const char *path)
{
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
    ck_assert_msg(n != NULL, "no %s in the output", path);
    return n;
}

static const char *str_at(const vj_node *root, const char *path)
{
    const vj_node *n = at(root, path);
    ck_assert_msg(n->type == VJ_STRING, "%s is %s", path, vj_type_name(n->type));
    return n->u.string.ptr;
}

static bool array_has(const vj_node *arr, const char *s)
{
    ck_assert_int_eq(arr->type, VJ_ARRAY);
    for (size_t i = 0; i < arr->u.array.len; i++)
        if (arr->u.array.items[i]->type == VJ_STRING &&
            strcmp(arr->u.array.items[i]->u.string.ptr, s) == 0)
            return true;
    return false;
}

static vj_node *parse_json(const char *text)
{
    veil_error *e = NULL;
    vj_node *n = vj_parse(text, strlen(text), NULL, &e);
    ck_assert_msg(n != NULL, "not JSON (%s):\n%s", e ? e->msg : "", text);
    return n;
}

START_TEST(test_spec_then_plan)
{
    char *dir = make_dir();
    run_result r = run_veil(dir, ARGV("spec"));
    ck_assert_msg(r.status == 0, "veil spec: %s", r.err);
    run_free(&r);

    /* the written config parses, and plans */
    char path[4096];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    veil_error *e = NULL;
    veil_spec *spec = veil_spec_load(path, &e);
    ck_assert_msg(spec != NULL, "%s", e ? e->msg : "");
    ck_assert_ptr_nonnull(spec->process);
    ck_assert_str_eq(spec->process->args.v[0], "sh");
    ck_assert(spec->process->terminal);
    ck_assert_ptr_nonnull(spec->process->capabilities);
    ck_assert_uint_eq(spec->process->capabilities->inheritable.n, 0);
    ck_assert_uint_eq(spec->process->capabilities->bounding.n, 3);
    ck_assert_uint_eq(spec->n_mounts, 7);
    ck_assert_uint_eq(spec->linux_->masked_paths.n, 10);
    ck_assert_uint_eq(spec->linux_->readonly_paths.n, 5);
    veil_spec_free(spec);

    /* never overwritten */
    r = run_veil(dir, ARGV("spec"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "File config.json exists. Remove it first"), "%s", r.err);
    run_free(&r);

    /* veil plan in the bundle: the id is the directory's name */
    r = run_veil(dir, ARGV("plan"));
    ck_assert_msg(r.status == 0, "veil plan: %s", r.err);
    vj_node *root = parse_json(r.out);
    ck_assert_str_eq(str_at(root, "id"), strrchr(dir, '/') + 1);
    ck_assert_str_eq(str_at(root, "bundle"), dir);
    char rootfs[4096];
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir);
    ck_assert_str_eq(str_at(root, "root.path"), rootfs);
    ck_assert_str_eq(str_at(root, "hostname"), "veil");
    ck_assert_str_eq(str_at(root, "mounts.1.destination"), "/dev");
    ck_assert_str_eq(str_at(root, "mounts.1.data"), "mode=755,size=65536k");
    ck_assert_str_eq(str_at(root, "process.capabilities.bounding.0"), "CAP_KILL");
    ck_assert_uint_eq(at(root, "warnings")->u.array.len, 0);
    vj_free(root);
    run_free(&r);

    /* from elsewhere, with --bundle and an id */
    r = run_veil("/", ARGV("plan", "--bundle", dir, "web1"));
    ck_assert_msg(r.status == 0, "veil plan --bundle: %s", r.err);
    root = parse_json(r.out);
    ck_assert_str_eq(str_at(root, "id"), "web1");
    ck_assert_str_eq(str_at(root, "cgroup.path"), "web1");
    vj_free(root);
    run_free(&r);
    remove_dir(dir);
}
END_TEST

START_TEST(test_spec_rootless)
{
    char *dir = make_dir();
    run_result r = run_veil("/", ARGV("spec", "--rootless", "-b", dir));
    ck_assert_msg(r.status == 0, "veil spec --rootless: %s", r.err);
    run_free(&r);
    char path[4096];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    veil_error *e = NULL;
    veil_spec *spec = veil_spec_load(path, &e);
    ck_assert_msg(spec != NULL, "%s", e ? e->msg : "");
    bool user = false, net = false;
    for (size_t i = 0; i < spec->linux_->n_namespaces; i++) {
        user |= spec->linux_->namespaces[i].type == VEIL_NS_USER;
        net |= spec->linux_->namespaces[i].type == VEIL_NS_NETWORK;
    }
    ck_assert(user && !net);
    ck_assert_uint_eq(spec->linux_->n_uid_mappings, 1);
    ck_assert_uint_eq(spec->linux_->uid_mappings[0].host_id, geteuid());
    ck_assert_uint_eq(spec->linux_->gid_mappings[0].host_id, getegid());
    ck_assert_ptr_null(spec->linux_->resources);
    veil_spec_free(spec);

    r = run_veil(dir, ARGV("--rootless", "true", "plan"));
    ck_assert_msg(r.status == 0, "veil plan (rootless): %s", r.err);
    vj_node *root = parse_json(r.out);
    ck_assert_str_eq(str_at(root, "mounts.5.kind"), "bind");
    ck_assert_str_eq(str_at(root, "mounts.5.source"), "/sys");
    vj_free(root);
    run_free(&r);
    remove_dir(dir);
}
END_TEST

START_TEST(test_plan_errors)
{
    char *dir = make_dir();
    /* no config.json */
    run_result r = run_veil(dir, ARGV("plan"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "config.json") && strstr(r.err, "No such file or directory"), "%s",
                  r.err);
    run_free(&r);

    /* a config the planner refuses: the message names the problem */
    char path[4096];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"hostname\": \"h\","
          " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}",
          f);
    fclose(f);
    r = run_veil(dir, ARGV("plan"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "unable to set hostname without a private UTS namespace"), "%s",
                  r.err);
    ck_assert_str_eq(r.out, "");
    run_free(&r);

    /* too many arguments */
    r = run_veil(dir, ARGV("plan", "a", "b"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "\"plan\" requires a maximum of 1 argument(s)"), "%s", r.err);
    run_free(&r);
    remove_dir(dir);
}
END_TEST

START_TEST(test_features)
{
    run_result r = run_veil("/", ARGV("features"));
    ck_assert_msg(r.status == 0, "veil features: %s", r.err);
    vj_node *root = parse_json(r.out);
    ck_assert_str_eq(str_at(root, "ociVersionMin"), "1.0.0");
    ck_assert_str_eq(str_at(root, "ociVersionMax"), "1.3.0");
    ck_assert(array_has(at(root, "hooks"), "createRuntime"));
    ck_assert_uint_eq(at(root, "hooks")->u.array.len, 6);
    /* exactly the options the planner recognises (containerd looks for rro) */
    const vj_node *mo = at(root, "mountOptions");
    size_t n = 0;
    for (const char *o; (o = veil_mount_option_name(n)) != NULL; n++)
        ck_assert_msg(array_has(mo, o), "mountOptions lacks %s", o);
    ck_assert_uint_eq(mo->u.array.len, n);
    ck_assert(array_has(mo, "rro"));
    ck_assert(array_has(at(root, "linux.namespaces"), "time"));
    ck_assert_uint_eq(at(root, "linux.capabilities")->u.array.len, (size_t)veil_cap_last() + 1);
    ck_assert(at(root, "linux.mountExtensions.idmap.enabled")->u.boolean);
    ck_assert(!at(root, "linux.cgroup.systemd")->u.boolean);
    ck_assert(array_has(at(root, "linux.seccomp.actions"), "SCMP_ACT_NOTIFY"));
    ck_assert(array_has(at(root, "linux.memoryPolicy.modes"), "MPOL_BIND"));
    vj_free(root);
    run_free(&r);

    r = run_veil("/", ARGV("features", "extra"));
    ck_assert_int_eq(r.status, 1);
    run_free(&r);
}
END_TEST

START_TEST(test_version_and_unknown)
{
    run_result r = run_veil("/", ARGV("--version"));
    ck_assert_int_eq(r.status, 0);
    /* go-runc reads these line prefixes */
    ck_assert_msg(strncmp(r.out, "veil version ", 13) == 0, "%s", r.out);
    ck_assert_msg(strstr(r.out, "\ncommit: ") && strstr(r.out, "\nspec: 1.3.0\n"), "%s", r.out);
    run_free(&r);

    r = run_veil("/", ARGV("frobnicate"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "unknown command \"frobnicate\""), "%s", r.err);
    run_free(&r);

    r = run_veil("/", ARGV("spec", "--help"));
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "--rootless"), "%s", r.out);
    run_free(&r);
}
END_TEST

/* Error texts are glibc's words whatever libc the binary is built with
 * (engines match on them); signal names map to runc's and crun's numbers. */
START_TEST(test_errno_texts_and_signals)
{
    char *dir = make_dir();
    char loop[4096], root[4200];
    snprintf(loop, sizeof(loop), "%s/loop", dir);
    ck_assert_int_eq(symlink(loop, loop), 0);
    snprintf(root, sizeof(root), "%s/state", loop);
    run_result r = run_veil("/", ARGV("--root", root, "state", "x"));
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "Too many levels of symbolic links"), "%s", r.err);
    run_free(&r);
    unlink(loop);
    rmdir(dir);
    free(dir);

    ck_assert_str_eq(veil_strerror(EBUSY), "Device or resource busy");
    ck_assert_str_eq(veil_strerror(ENOMEM), "Cannot allocate memory");
    ck_assert_str_eq(veil_strerror(ENOENT), "No such file or directory");

    static const struct {
        const char *name;
        int sig;
    } sigs[] = {{"RTMIN", 34}, {"RTMIN+1", 35}, {"SIGRTMIN+3", 37}, {"RTMAX", 64},
                {"RTMAX-2", 62}, {"KILL", 9}, {"SIGTERM", 15}};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        int sig = 0;
        veil_error *err = NULL;
        ck_assert_msg(veil_parse_signal(sigs[i].name, &sig, &err) == 0, "%s", sigs[i].name);
        ck_assert_int_eq(sig, sigs[i].sig);
    }
    int sig = 0;
    veil_error *err = NULL;
    ck_assert_int_lt(veil_parse_signal("RTMIN+31", &sig, &err), 0);
    veil_error_free(err);
}
END_TEST

/* pause, resume, update, ps, events: what is decided before a container is
 * looked at, and runc's words for a missing one. */
START_TEST(test_cgroup_commands_args)
{
    char *root = make_dir();
    static const struct {
        char *argv[8];
        const char *err;
    } cases[] = {
        {{"veil", "--root", NULL, "pause", "nope"}, "container nope does not exist"},
        {{"veil", "--root", NULL, "resume", "nope"}, "container nope does not exist"},
        {{"veil", "--root", NULL, "ps", "-f", "json", "nope"}, "container nope does not exist"},
        {{"veil", "--root", NULL, "events", "--stats", "nope"}, "container nope does not exist"},
        {{"veil", "--root", NULL, "update", "--pids-limit", "5", "nope"},
         "container nope does not exist"},
        {{"veil", "--root", NULL, "update", "--memory", "12x", "nope"},
         "invalid value for memory: invalid suffix: 'x'"},
        {{"veil", "--root", NULL, "update", "--cpu-quota", "1.5", "nope"},
         "invalid value for cpu-quota: parsing \"1.5\": invalid syntax"},
        {{"veil", "--root", NULL, "events", "--interval", "0", "nope"},
         "duration interval must be greater than 0"},
        {{"veil", "--root", NULL, "events", "--interval", "5x", "nope"},
         "invalid value for --interval: unknown unit \"x\""},
        {{"veil", "--root", NULL, "ps", "-f", "xml", "nope"}, "invalid format option \"xml\""},
        {{"veil", "--root", NULL, "ps"}, "\"ps\" requires a minimum of 1 argument(s)"},
        {{"veil", "--root", NULL, "pause", "a", "b"}, "\"pause\" requires exactly 1 argument(s)"},
        {{"veil", "--root", NULL, "update", "--resources", "/nonexistent", "nope"},
         "open /nonexistent: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[8];
        memcpy(argv, cases[i].argv, sizeof(argv));
        argv[2] = root;
        run_result r = run_veil("/", argv);
        ck_assert_msg(r.status == 1, "%s %s: status %d", argv[3], argv[4], r.status);
        ck_assert_msg(strstr(r.err, cases[i].err), "%s %s: %s", argv[3], argv[4], r.err);
        run_free(&r);
    }
    /* the flag set is runc's */
    run_result r = run_veil("/", ARGV("update", "--help"));
    ck_assert_int_eq(r.status, 0);
    static const char *const flags[] = {
        "--resources", "--blkio-weight", "--cpu-period", "--cpu-quota", "--cpu-burst",
        "--cpu-share", "--cpu-rt-period", "--cpu-rt-runtime", "--cpuset-cpus", "--cpuset-mems",
        "--memory ", "--memory-reservation", "--memory-swap", "--pids-limit", "--l3-cache-schema",
        "--mem-bw-schema", "--cpu-idle"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        ck_assert_msg(strstr(r.out, flags[i]), "update --help lacks %s", flags[i]);
    run_free(&r);
    remove_dir(root);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *t = tcase_create("commands");
    tcase_add_test(t, test_spec_then_plan);
    tcase_add_test(t, test_spec_rootless);
    tcase_add_test(t, test_plan_errors);
    tcase_add_test(t, test_features);
    tcase_add_test(t, test_version_and_unknown);
    tcase_add_test(t, test_errno_texts_and_signals);
    tcase_add_test(t, test_cgroup_commands_args);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(cli_suite());
}
