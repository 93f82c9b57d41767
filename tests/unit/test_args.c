/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI flag parser (cmd/veil/args.c): the forms runc's callers use. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tests/support/run_suite.h"

/* What a create-like command accepts. */
typedef struct flags {
    const char *bundle, *pid_file, *console;
    bool detach, no_pivot, ignored;
    unsigned preserve;
    cli_strlist env;
} flags;

#define OPTS(f)                                                                             \
    {                                                                                       \
        {"bundle", 'b', OPT_STRING, &(f)->bundle, "DIR", "bundle directory"},               \
            {"pid-file", 0, OPT_STRING, &(f)->pid_file, "FILE", "pid file"},                \
            {"console-socket", 0, OPT_STRING, &(f)->console, "PATH", "console socket"},     \
            {"detach", 'd', OPT_BOOL, &(f)->detach, NULL, "detach"},                        \
            {"no-pivot", 0, OPT_BOOL, &(f)->no_pivot, NULL, "no pivot_root"},               \
            {"preserve-fds", 0, OPT_UINT, &(f)->preserve, "N", "extra fds"},                \
            {"env", 'e', OPT_STRINGS, &(f)->env, "K=V", "environment"},                     \
            {"no-subreaper", 0, OPT_IGNORED_BOOL, NULL, NULL, NULL},                        \
            {"criu", 0, OPT_IGNORED_STRING, NULL, NULL, NULL},                              \
            {0},                                                                            \
    }

static const cli_command create_cmd = {.name = "create", .summary = "create a container",
                                       .args_usage = "[command options] <container-id>"};
static const cli_command exec_cmd = {.name = "exec", .summary = "run a process",
                                     .args_usage = "[command options] <id> <command>",
                                     .stop_at_positional = true};

typedef struct result {
    int rc;
    char **pos;
    int npos;
    char *msg;
} result;

static result parse(const cli_command *cmd, flags *f, char **argv)
{
    const cli_opt opts[] = OPTS(f);
    int argc = 0;
    while (argv[argc])
        argc++;
    result r = {0};
    veil_error *err = NULL;
    r.rc = cli_parse(cmd, opts, argc, argv, &r.pos, &r.npos, &err);
    if (err) {
        r.msg = strdup(err->msg);
        veil_error_free(err);
    }
    return r;
}

static void result_free(result *r, flags *f)
{
    free(r->pos);
    free(r->msg);
    cli_strlist_free(&f->env);
}

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

START_TEST(test_value_forms)
{
    flags f = {0};
    result r = parse(&create_cmd, &f,
                     ARGV("create", "--bundle=/b", "--pid-file", "/p", "-console-socket", "/s",
                          "ctr"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(f.bundle, "/b");
    ck_assert_str_eq(f.pid_file, "/p");
    ck_assert_str_eq(f.console, "/s");
    ck_assert_int_eq(r.npos, 1);
    ck_assert_str_eq(r.pos[0], "ctr");
    ck_assert_ptr_null(r.pos[1]);
    result_free(&r, &f);

    /* short flag with a separate value, single-dash long with =, empty value */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "-b", "bundle", "-pid-file=x", "--console-socket=", "c"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(f.bundle, "bundle");
    ck_assert_str_eq(f.pid_file, "x");
    ck_assert_str_eq(f.console, "");
    result_free(&r, &f);

    /* a value that looks like a flag is still the value */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "--bundle", "--detach", "c"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(f.bundle, "--detach");
    ck_assert(!f.detach);
    result_free(&r, &f);
}
END_TEST

START_TEST(test_bools)
{
    flags f = {0};
    result r = parse(&create_cmd, &f, ARGV("create", "--detach", "--no-pivot=true", "c"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(f.detach);
    ck_assert(f.no_pivot);
    result_free(&r, &f);

    memset(&f, 0, sizeof(f));
    f.detach = true;
    r = parse(&create_cmd, &f, ARGV("create", "-d=false", "--no-pivot=1", "c"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(!f.detach);
    ck_assert(f.no_pivot);
    result_free(&r, &f);

    /* a bool never takes the next argument as its value */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "--detach", "false"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(f.detach);
    ck_assert_int_eq(r.npos, 1);
    ck_assert_str_eq(r.pos[0], "false");
    result_free(&r, &f);

    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "--detach=maybe", "c"));
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.msg, "invalid boolean value \"maybe\" for flag --detach=maybe");
    result_free(&r, &f);
}
END_TEST

START_TEST(test_uint_and_lists)
{
    flags f = {0};
    result r = parse(&create_cmd, &f,
                     ARGV("create", "--preserve-fds", "3", "-e", "A=1", "--env=B=2", "c"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_uint_eq(f.preserve, 3);
    ck_assert_uint_eq(f.env.n, 2);
    ck_assert_str_eq(f.env.v[0], "A=1");
    ck_assert_str_eq(f.env.v[1], "B=2");
    ck_assert_ptr_null(f.env.v[2]);
    result_free(&r, &f);

    static const char *const bad[] = {"-1", "x", "3x", "", "99999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&f, 0, sizeof(f));
        r = parse(&create_cmd, &f, ARGV("create", "--preserve-fds", (char *)bad[i], "c"));
        ck_assert_int_eq(r.rc, -1);
        ck_assert_msg(strstr(r.msg, "invalid value") && strstr(r.msg, "--preserve-fds"), "%s",
                      r.msg);
        result_free(&r, &f);
    }
}
END_TEST

START_TEST(test_errors)
{
    flags f = {0};
    result r = parse(&create_cmd, &f, ARGV("create", "--nope", "c"));
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.msg, "flag provided but not defined: -nope");
    result_free(&r, &f);

    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "-x=1", "c"));
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.msg, "flag provided but not defined: -x");
    result_free(&r, &f);

    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "c", "--pid-file"));
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.msg, "flag needs an argument: --pid-file");
    result_free(&r, &f);

    veil_error *err = NULL;
    ck_assert_int_eq(cli_check_args(&create_cmd, 0, 1, 1, &err), -1);
    ck_assert_str_eq(err->msg, "\"create\" requires exactly 1 argument(s)");
    veil_error_free(err);
    err = NULL;
    ck_assert_int_eq(cli_check_args(&exec_cmd, 1, 2, -1, &err), -1);
    ck_assert_str_eq(err->msg, "\"exec\" requires a minimum of 2 argument(s)");
    veil_error_free(err);
    err = NULL;
    ck_assert_int_eq(cli_check_args(&create_cmd, 3, 0, 1, &err), -1);
    ck_assert_str_eq(err->msg, "\"create\" requires a maximum of 1 argument(s)");
    veil_error_free(err);
    err = NULL;
    ck_assert_int_eq(cli_check_args(&exec_cmd, 5, 2, -1, &err), 0);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_double_dash_and_order)
{
    /* urfave/cli reorders: flags after positionals still count... */
    flags f = {0};
    result r = parse(&create_cmd, &f, ARGV("create", "ctr", "--detach", "-b", "/b"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(f.detach);
    ck_assert_str_eq(f.bundle, "/b");
    ck_assert_int_eq(r.npos, 1);
    result_free(&r, &f);

    /* ...until "--", after which everything is positional */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "--detach", "--", "--bundle", "-x", "ctr"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(f.detach);
    ck_assert_ptr_null(f.bundle);
    ck_assert_int_eq(r.npos, 3);
    ck_assert_str_eq(r.pos[0], "--bundle");
    ck_assert_str_eq(r.pos[1], "-x");
    ck_assert_str_eq(r.pos[2], "ctr");
    result_free(&r, &f);

    /* a lone "-" is an argument, not a flag */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "-", "ctr"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.npos, 2);
    ck_assert_str_eq(r.pos[0], "-");
    result_free(&r, &f);
}
END_TEST

START_TEST(test_stop_at_positional)
{
    /* exec: the command's own flags belong to the command */
    flags f = {0};
    result r = parse(&exec_cmd, &f, ARGV("exec", "-d", "ctr", "ls", "-l", "--detach", "-e", "X"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert(f.detach);
    ck_assert_uint_eq(f.env.n, 0);
    ck_assert_int_eq(r.npos, 6);
    ck_assert_str_eq(r.pos[0], "ctr");
    ck_assert_str_eq(r.pos[1], "ls");
    ck_assert_str_eq(r.pos[2], "-l");
    ck_assert_str_eq(r.pos[3], "--detach");
    ck_assert_str_eq(r.pos[5], "X");
    result_free(&r, &f);
}
END_TEST

START_TEST(test_ignored_runc_flags)
{
    flags f = {0};
    result r = parse(&create_cmd, &f,
                     ARGV("create", "--no-subreaper", "-criu", "/usr/sbin/criu", "--no-subreaper=false",
                          "--criu=/x", "ctr"));
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.npos, 1);
    ck_assert_str_eq(r.pos[0], "ctr");
    result_free(&r, &f);

    /* still checked: a bad bool or a missing value is an error */
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "--no-subreaper=nah", "ctr"));
    ck_assert_int_eq(r.rc, -1);
    result_free(&r, &f);
    memset(&f, 0, sizeof(f));
    r = parse(&create_cmd, &f, ARGV("create", "ctr", "--criu"));
    ck_assert_int_eq(r.rc, -1);
    ck_assert_str_eq(r.msg, "flag needs an argument: --criu");
    result_free(&r, &f);
}
END_TEST

/* exec --no-new-privs: absent, true and false are three different things */
START_TEST(test_tribool)
{
    int nnp = -1;
    const cli_opt opts[] = {{"no-new-privs", 0, OPT_TRIBOOL, &nnp, NULL, "nnp"}, {0}};
    char **pos = NULL;
    int npos = 0;
    ck_assert_int_eq(cli_parse(&exec_cmd, opts, 2, ARGV("exec", "ctr"), &pos, &npos, NULL), 0);
    ck_assert_int_eq(nnp, -1);
    free(pos);
    ck_assert_int_eq(cli_parse(&exec_cmd, opts, 3, ARGV("exec", "--no-new-privs", "ctr"), &pos,
                               &npos, NULL),
                     0);
    ck_assert_int_eq(nnp, 1);
    free(pos);
    ck_assert_int_eq(cli_parse(&exec_cmd, opts, 3, ARGV("exec", "--no-new-privs=false", "ctr"),
                               &pos, &npos, NULL),
                     0);
    ck_assert_int_eq(nnp, 0);
    free(pos);
}
END_TEST

/* Runs cli_parse with stdout sent to a file; returns what was printed. */
static char *parse_capturing(const cli_command *cmd, flags *f, char **argv, int *rc)
{
    char path[] = "/tmp/veil-test-args-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    result r = parse(cmd, f, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    *rc = r.rc;
    result_free(&r, f);
    char *buf = calloc(1, 8192);
    ck_assert_int_ge(pread(fd, buf, 8191, 0), 0);
    close(fd);
    return buf;
}

START_TEST(test_help)
{
    static const char *const forms[] = {"-h", "--help", "-help"};
    for (size_t i = 0; i < 3; i++) {
        flags f = {0};
        int rc;
        char *out = parse_capturing(&create_cmd, &f, ARGV("create", "--detach", (char *)forms[i]),
                                    &rc);
        ck_assert_int_eq(rc, 1);
        ck_assert_msg(strstr(out, "veil create - create a container"), "%s", out);
        ck_assert_msg(strstr(out, "USAGE:\n   veil create [command options] <container-id>"), "%s",
                      out);
        ck_assert_msg(strstr(out, "--bundle DIR, -b"), "%s", out);
        ck_assert_msg(strstr(out, "--detach, -d"), "%s", out);
        ck_assert_msg(strstr(out, "--preserve-fds N"), "%s", out);
        /* hidden: the ignored compatibility flags */
        ck_assert_msg(strstr(out, "criu") == NULL, "%s", out);
        ck_assert_msg(strstr(out, "no-subreaper") == NULL, "%s", out);
        free(out);
    }
}
END_TEST

/* ---- global flags -------------------------------------------------------------------- */

static int globals(char **argv, cli_globals *g, char **msg)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    memset(g, 0, sizeof(*g));
    veil_error *err = NULL;
    int r = cli_parse_globals(argc, argv, g, &err);
    *msg = err ? strdup(err->msg) : NULL;
    veil_error_free(err);
    return r;
}

START_TEST(test_globals_containerd_shim)
{
    /* exactly what containerd's runc shim runs (go-runc: global flags first) */
    cli_globals g;
    char *msg;
    char **argv = ARGV("veil", "--root", "/run/containerd/runc/k8s.io", "--log",
                       "/b/log.json", "--log-format", "json", "--systemd-cgroup", "create",
                       "--bundle", "/b", "--pid-file", "/b/init.pid", "c1");
    ck_assert_int_eq(globals(argv, &g, &msg), 8);
    ck_assert_str_eq(argv[8], "create");
    ck_assert_str_eq(g.root, "/run/containerd/runc/k8s.io");
    ck_assert_str_eq(g.log_path, "/b/log.json");
    ck_assert_str_eq(g.log_format, "json");
    ck_assert(g.systemd_cgroup && !g.debug && !g.no_cgroups && !g.version);
    /* containerd 1.6 with CriuPath set */
    argv = ARGV("veil", "--root", "/r", "--criu", "/usr/sbin/criu", "delete", "--force", "c1");
    ck_assert_int_eq(globals(argv, &g, &msg), 5);
    ck_assert_str_eq(g.root, "/r");
    /* features (containerd 2.x): no global flags at all */
    ck_assert_int_eq(globals(ARGV("veil", "features"), &g, &msg), 1);
    ck_assert_ptr_null(g.root);
    ck_assert_ptr_null(msg);
}
END_TEST

START_TEST(test_globals_conmon)
{
    /* podman's runtime args through conmon, "=" form, then cgroups disabled */
    cli_globals g;
    char *msg;
    char **argv = ARGV("veil", "--log-format=json", "--log", "/u/oci-log", "--cgroup-manager",
                       "disabled", "create", "--bundle", "/u", "c1");
    ck_assert_int_eq(globals(argv, &g, &msg), 6);
    ck_assert_str_eq(g.log_format, "json");
    ck_assert_str_eq(g.log_path, "/u/oci-log");
    ck_assert(g.no_cgroups && !g.systemd_cgroup);
    ck_assert_int_eq(globals(ARGV("veil", "--cgroup-manager=systemd", "state", "c1"), &g, &msg),
                     2);
    ck_assert(g.systemd_cgroup && !g.no_cgroups);
    ck_assert_int_eq(globals(ARGV("veil", "--cgroup-manager", "cgroupfs", "state", "c1"), &g, &msg),
                     3);
    ck_assert(!g.systemd_cgroup && !g.no_cgroups);
}
END_TEST

START_TEST(test_globals_forms)
{
    cli_globals g;
    char *msg;
    /* single-dash long flags, = and separate values, bools with values */
    char **argv = ARGV("veil", "-root=/r", "-log", "/l", "-debug", "--systemd-cgroup=false",
                       "--log-level", "debug", "-rootless", "true", "kill", "c1", "9");
    ck_assert_int_eq(globals(argv, &g, &msg), 10);
    ck_assert_str_eq(g.root, "/r");
    ck_assert_str_eq(g.log_path, "/l");
    ck_assert(g.debug && !g.systemd_cgroup && g.rootless);
    ck_assert_int_eq(globals(ARGV("veil", "--debug=false", "--rootless=false", "list"), &g, &msg),
                     3);
    ck_assert(!g.debug && !g.rootless);
    ck_assert_int_eq(globals(ARGV("veil", "--log-level=warning", "list"), &g, &msg), 2);
    ck_assert(!g.debug);
    /* "--log" is not a prefix match of "--log-format" and the other way round */
    ck_assert_int_eq(globals(ARGV("veil", "--log-format", "text", "--log=/x", "list"), &g, &msg),
                     4);
    ck_assert_str_eq(g.log_format, "text");
    ck_assert_str_eq(g.log_path, "/x");
    /* the subcommand's own flags are not looked at */
    ck_assert_int_eq(globals(ARGV("veil", "run", "--bogus", "c1"), &g, &msg), 1);
    ck_assert_ptr_null(msg);
    /* no subcommand */
    ck_assert_int_eq(globals(ARGV("veil", "--root", "/r"), &g, &msg), 3);
}
END_TEST

START_TEST(test_globals_version_help_errors)
{
    cli_globals g;
    char *msg;
    static const char *const versions[] = {"-v", "--version", "-version"};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(globals(ARGV("veil", "--root", "/r", (char *)versions[i], "--bogus"), &g,
                                 &msg),
                         3);
        ck_assert(g.version);
    }
    ck_assert_int_eq(globals(ARGV("veil", "-h"), &g, &msg), 1);
    ck_assert(g.help);

    ck_assert_int_eq(globals(ARGV("veil", "--bogus=1", "list"), &g, &msg), -1);
    ck_assert_str_eq(msg, "flag provided but not defined: -bogus");
    free(msg);
    ck_assert_int_eq(globals(ARGV("veil", "-x", "list"), &g, &msg), -1);
    ck_assert_str_eq(msg, "flag provided but not defined: -x");
    free(msg);
    ck_assert_int_eq(globals(ARGV("veil", "--root"), &g, &msg), -1);
    ck_assert_str_eq(msg, "flag needs an argument: --root");
    free(msg);
    ck_assert_int_eq(globals(ARGV("veil", "--cgroup-manager", "cgroupv1", "list"), &g, &msg), -1);
    ck_assert_msg(strstr(msg, "unknown cgroup manager \"cgroupv1\""), "%s", msg);
    free(msg);
    ck_assert_int_eq(globals(ARGV("veil", "--debug=maybe", "list"), &g, &msg), -1);
    ck_assert_str_eq(msg, "invalid boolean value \"maybe\" for flag --debug=maybe");
    free(msg);
    ck_assert_int_eq(globals(ARGV("veil", "--rootless", "perhaps", "list"), &g, &msg), -1);
    free(msg);
}
END_TEST

static Suite *args_suite(void)
{
    Suite *s = suite_create("args");
    TCase *t = tcase_create("parse");
    tcase_add_test(t, test_value_forms);
    tcase_add_test(t, test_bools);
    tcase_add_test(t, test_uint_and_lists);
    tcase_add_test(t, test_errors);
    tcase_add_test(t, test_double_dash_and_order);
    tcase_add_test(t, test_stop_at_positional);
    tcase_add_test(t, test_ignored_runc_flags);
    tcase_add_test(t, test_tribool);
    tcase_add_test(t, test_help);
    tcase_add_test(t, test_globals_containerd_shim);
    tcase_add_test(t, test_globals_conmon);
    tcase_add_test(t, test_globals_forms);
    tcase_add_test(t, test_globals_version_help_errors);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(args_suite());
}
