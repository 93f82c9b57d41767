/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp against the real kernel (TAP): a child process loads a prepared
 * filter with veil_seccomp_install, as the container process will, and execs
 * seccomp-probe, which makes the system calls under test and prints what
 * they returned.  Covers errno actions, every argument operator, AND/OR of
 * conditions, KILL/KILL_PROCESS/KILL_THREAD, TRAP, TRACE, LOG, NOTIFY with a
 * real listener, a Docker-like profile (compiled and from the cache), a
 * profile denying getcwd/openat, flags, and the EACCES case.  Runs as any
 * user; only reading /dev/kmsg (LOG) needs root and is skipped without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/seccomp.h"
#include "plan/internal.h"
#include "spec/json.h"
#include "tests/support/seccomp_spec.h"

static int n_tests, n_failed;
static char state_root[] = "/tmp/veil-seccomp-it-XXXXXX";
static char logbuf[1 << 16];

__attribute__((format(printf, 2, 3))) static bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", cond ? "" : "not ", ++n_tests);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (!cond)
        n_failed++;
    return cond;
}

static void diag(const char *label, const char *text)
{
    printf("# %s:\n", label);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        printf("#   %.*s\n", len, p);
        p = nl ? nl + 1 : NULL;
    }
}

static void capture(void *data, veil_log_level level, const char *msg)
{
    (void)data;
    (void)level;
    size_t used = strlen(logbuf);
    snprintf(logbuf + used, sizeof(logbuf) - used, "%s\n", msg);
}

static veil_seccomp_plan *plan_of(const char *json)
{
    veil_error *err = NULL;
    veil_spec_seccomp *sc = test_seccomp_from_json(json, &err);
    veil_seccomp_plan *p = NULL;
    if (sc == NULL || veil_plan_seccomp(sc, &p, &err) < 0) {
        fprintf(stderr, "bad test profile: %s\n%s\n", err ? err->msg : "?", json);
        exit(1);
    }
    test_seccomp_free(sc);
    return p;
}

static veil_seccomp_prog *prepare(const veil_seccomp_plan *plan)
{
    veil_context ctx = {.state_root = state_root, .log = capture, .debug = true};
    veil_error *err = NULL;
    veil_seccomp_prog *prog = NULL;
    logbuf[0] = '\0';
    if (veil_seccomp_prepare(&ctx, plan, &prog, &err) < 0) {
        fprintf(stderr, "prepare: %s\n", err->msg);
        exit(1);
    }
    return prog;
}

struct result {
    pid_t pid;
    int status;
    char out[16384];
};

struct child_opts {
    bool no_nnp_no_caps; /* load without no_new_privs and without capabilities */
    const veil_seccomp_plan *plan; /* for the notify state */
    int listener_fd;
};

/* Forks; the child loads prog and execs seccomp-probe with argv (NULL-
 * terminated, without argv[0]).  Collects stdout and the exit status. */
static void run(const veil_seccomp_prog *prog, const char *const *argv, const struct child_opts *o,
                struct result *res)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        exit(1);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        exit(1);
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        dup2(pipefd[1], STDERR_FILENO);
        const char *args[64] = {"seccomp-probe"};
        for (int i = 0; argv[i] && i < 62; i++)
            args[i + 1] = argv[i];
        veil_error *err = NULL;
        char *state = NULL;
        int listener = o ? o->listener_fd : -1;
        if (o && o->plan) {
            veil_seccomp_state st = {.id = "it-ctr", .status = "creating", .pid = getpid(), .bundle = "/it/bundle"};
            state = veil_seccomp_state_json(o->plan, &st, &err);
        }
        if (o && o->no_nnp_no_caps) {
            if (getuid() == 0 && setresuid(65534, 65534, 65534) < 0)
                _exit(122);
        } else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
            _exit(123);
        }
        if (veil_seccomp_install(prog, listener, state, &err) < 0) {
            dprintf(STDOUT_FILENO, "install: %s\n", err && err->msg ? err->msg : "(no message)");
            _exit(120);
        }
        execv(VEIL_SECCOMP_PROBE, (char *const *)args);
        _exit(121);
    }
    close(pipefd[1]);
    if (o && o->listener_fd >= 0)
        close(o->listener_fd); /* the child holds it now */
    size_t len = 0;
    ssize_t n;
    while ((n = read(pipefd[0], res->out + len, sizeof(res->out) - 1 - len)) > 0)
        len += (size_t)n;
    res->out[len] = '\0';
    close(pipefd[0]);
    res->pid = pid;
    waitpid(pid, &res->status, 0);
}

static bool exited0(const struct result *r)
{
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

static bool killed_by_sigsys(const struct result *r)
{
    return WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGSYS;
}

static bool has_line(const struct result *r, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = r->out; (p = strstr(p, line)) != NULL; p++)
        if ((p == r->out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* The output is exactly these lines, in order; a pattern ending in '*'
 * matches a line with that prefix that is not a failure ("-1 errno"). */
static bool lines_are(const struct result *r, const char *const *want)
{
    const char *p = r->out;
    for (int i = 0; want[i]; i++) {
        const char *nl = strchr(p, '\n');
        if (nl == NULL)
            return false;
        size_t len = (size_t)(nl - p), wl = strlen(want[i]);
        bool prefix = wl > 0 && want[i][wl - 1] == '*';
        if (prefix ? len < wl - 1 || strncmp(p, want[i], wl - 1) != 0 || strncmp(p + wl - 1, "-1 errno", 8) == 0
                   : len != wl || strncmp(p, want[i], wl) != 0)
            return false;
        p = nl + 1;
    }
    return *p == '\0';
}

/* Runs a one-off profile and checks the probe's output lines. */
static void expect(const char *what, const char *profile, const char *const *argv, const char *const *lines)
{
    veil_seccomp_plan *plan = plan_of(profile);
    veil_seccomp_prog *prog = prepare(plan);
    struct result r;
    run(prog, argv, NULL, &r);
    bool good = exited0(&r) && lines_are(&r, lines);
    if (!ok(good, "%s", what)) {
        diag("probe output", r.out);
        printf("# status %#x\n", r.status);
    }
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the cases ------------------------------------------------------------ */

static void test_errno(void)
{
    expect("denied syscall returns the configured errno, others work",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
           "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}",
           ARGS("getcwd", "buf:4096", "4096", "--", "uname", "buf:512"),
           ARGS("getcwd = -1 errno 13", "uname = 0"));
    expect("SCMP_ACT_ERRNO without errnoRet returns EPERM",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
           "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
           ARGS("uname", "buf:512"), ARGS("uname = -1 errno 1"));
    expect("defaultAction ERRNO with defaultErrnoRet, allowed syscalls work",
           "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":["
           "\"execve\",\"brk\",\"arch_prctl\",\"set_tid_address\",\"set_robust_list\",\"rseq\",\"prlimit64\","
           "\"mmap\",\"munmap\",\"mprotect\",\"readlink\",\"readlinkat\",\"getrandom\",\"newfstatat\","
           "\"fstat\",\"write\",\"exit_group\",\"exit\",\"uname\",\"ioctl\",\"futex\"],"
           "\"action\":\"SCMP_ACT_ALLOW\"}]}",
           ARGS("uname", "buf:512", "--", "getppid"), ARGS("uname = 0", "getppid = -1 errno 38"));
    expect("SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
           "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":5}]}",
           ARGS("uname", "buf:512", "--", "getppid"), ARGS("uname = -1 errno 38", "getppid = *"));
}

static void test_operators(void)
{
    /* umask(7), umask(18), umask(63) against `op 18` (MASKED_EQ: mask 56 == 16) */
    static const struct {
        const char *op;
        const char *value_two;
        bool deny7, deny18, deny63;
    } v[] = {
        {"SCMP_CMP_NE", "0", true, false, true},   {"SCMP_CMP_LT", "0", true, false, false},
        {"SCMP_CMP_LE", "0", true, true, false},   {"SCMP_CMP_EQ", "0", false, true, false},
        {"SCMP_CMP_GE", "0", false, true, true},   {"SCMP_CMP_GT", "0", false, false, true},
        {"SCMP_CMP_MASKED_EQ", "16", false, true, false},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char profile[512];
        bool masked = strcmp(v[i].op, "SCMP_CMP_MASKED_EQ") == 0;
        snprintf(profile, sizeof(profile),
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
                 "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":[{\"index\":0,\"value\":%s,"
                 "\"valueTwo\":%s,\"op\":\"%s\"}]}]}",
                 masked ? "56" : "18", v[i].value_two, v[i].op);
        veil_seccomp_plan *plan = plan_of(profile);
        veil_seccomp_prog *prog = prepare(plan);
        struct result r;
        run(prog, ARGS("umask", "7", "--", "umask", "18", "--", "umask", "63"), NULL, &r);
        /* the probe prints lines in call order; check each against its expectation */
        const char *p = r.out;
        bool deny[3] = {v[i].deny7, v[i].deny18, v[i].deny63};
        bool good = exited0(&r);
        for (int k = 0; k < 3 && good; k++) {
            const char *line = strstr(p, "umask = ");
            good = line != NULL && (strncmp(line, "umask = -1 errno 13", 19) == 0) == deny[k];
            p = line ? line + 1 : p;
        }
        if (!ok(good, "%s: umask 7/18/63 -> %s/%s/%s", v[i].op, deny[0] ? "denied" : "allowed",
                deny[1] ? "denied" : "allowed", deny[2] ? "denied" : "allowed"))
            diag("probe output", r.out);
        veil_seccomp_prog_free(prog);
        veil_seccomp_plan_free(plan);
    }
}

static void test_arg_combinations(void)
{
    expect("conditions on different arguments must all match (AND)",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpriority\"],"
           "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
           "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":2147480000,\"op\":\"SCMP_CMP_EQ\"}]}]}",
           ARGS("getpriority", "0", "2147480000", "--", "getpriority", "1", "2147480000", "--", "getpriority",
                "0", "0"),
           ARGS("getpriority = -1 errno 13", "getpriority = -1 errno 3", "getpriority = *"));
    expect("conditions on the same argument match separately (OR, as runc)",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
           "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
           "{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":63,\"op\":\"SCMP_CMP_EQ\"}]}]}",
           ARGS("umask", "18", "--", "umask", "7", "--", "umask", "63"),
           ARGS("umask = 18", "umask = -1 errno 13", "umask = -1 errno 13"));
    /* the 18 line proves the first call ran; count the denials */
    veil_seccomp_plan *plan = plan_of(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
        "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
        "{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":63,\"op\":\"SCMP_CMP_EQ\"}]}]}");
    veil_seccomp_prog *prog = prepare(plan);
    struct result r;
    run(prog, ARGS("umask", "7", "--", "umask", "63", "--", "umask", "5"), NULL, &r);
    int denials = 0;
    for (const char *p = r.out; (p = strstr(p, "errno 13")) != NULL; p++)
        denials++;
    if (!ok(exited0(&r) && denials == 2 && has_line(&r, "umask = 18"), "OR rule: both values denied, others pass"))
        diag("probe output", r.out);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

static void test_kill_and_trap(void)
{
    static const char *const kills[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"};
    for (size_t i = 0; i < 3; i++) {
        char profile[256];
        snprintf(profile, sizeof(profile),
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"uname\"],\"action\":\"%s\"}]}",
                 kills[i]);
        veil_seccomp_plan *plan = plan_of(profile);
        veil_seccomp_prog *prog = prepare(plan);
        struct result r;
        run(prog, ARGS("getppid", "--", "uname", "buf:512", "--", "getppid"), NULL, &r);
        int lines = 0;
        for (const char *p = r.out; (p = strstr(p, "getppid = ")) != NULL; p++)
            lines++;
        if (!ok(killed_by_sigsys(&r) && lines == 1 && !strstr(r.out, "uname ="),
                "%s kills the process at the syscall (SIGSYS)", kills[i]))
            diag("probe output", r.out);

        /* in a second thread: KILL_PROCESS takes the process, KILL(_THREAD) only the thread */
        run(prog, ARGS("--thread", "uname", "buf:512"), NULL, &r);
        bool whole = strcmp(kills[i], "SCMP_ACT_KILL_PROCESS") == 0;
        bool good = whole ? killed_by_sigsys(&r) && !strstr(r.out, "main alive")
                          : exited0(&r) && has_line(&r, "main alive") && !strstr(r.out, "uname =");
        if (!ok(good, "%s in a thread kills %s", kills[i], whole ? "the whole process" : "only that thread")) {
            diag("probe output", r.out);
            printf("# status %#x\n", r.status);
        }
        veil_seccomp_prog_free(prog);
        veil_seccomp_plan_free(plan);
    }

    veil_seccomp_plan *plan = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                      "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_TRAP\"}]}");
    veil_seccomp_prog *prog = prepare(plan);
    struct result r;
    char want[32];
    snprintf(want, sizeof(want), "trap %d", (int)SYS_uname);
    run(prog, ARGS("--trap", "uname", "buf:512"), NULL, &r);
    if (!ok(exited0(&r) && has_line(&r, want), "SCMP_ACT_TRAP delivers a catchable SIGSYS for the syscall"))
        diag("probe output", r.out);
    run(prog, ARGS("uname", "buf:512"), NULL, &r);
    if (!ok(killed_by_sigsys(&r), "SCMP_ACT_TRAP without a handler terminates with SIGSYS"))
        diag("probe output", r.out);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

/* Looks for the kernel's audit record of a logged seccomp action. */
static bool kmsg_has_seccomp_record(pid_t pid, int nr)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    char rec[8192], want_pid[32], want_nr[32];
    snprintf(want_pid, sizeof(want_pid), " pid=%d ", (int)pid);
    snprintf(want_nr, sizeof(want_nr), " syscall=%d ", nr);
    bool found = false;
    ssize_t n;
    while (!found && ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE))) {
        if (n <= 0)
            continue;
        rec[n] = '\0';
        found = strstr(rec, "type=1326") && strstr(rec, want_pid) && strstr(rec, want_nr);
    }
    close(fd);
    return found;
}

static void test_log(void)
{
    veil_seccomp_plan *plan = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                      "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_LOG\"}]}");
    veil_seccomp_prog *prog = prepare(plan);
    struct result r;
    run(prog, ARGS("uname", "buf:512"), NULL, &r);
    if (!ok(exited0(&r) && has_line(&r, "uname = 0"), "SCMP_ACT_LOG lets the syscall run"))
        diag("probe output", r.out);
    if (geteuid() != 0) {
        printf("ok %d - # SKIP reading /dev/kmsg needs root\n", ++n_tests);
    } else if (kmsg_has_seccomp_record(r.pid, SYS_uname)) {
        ok(true, "SCMP_ACT_LOG is recorded by the kernel (type=1326 in /dev/kmsg)");
    } else {
        printf("ok %d - # SKIP no seccomp audit record in /dev/kmsg (auditd running or audit off)\n", ++n_tests);
    }
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

static void test_last_step(void)
{
    expect("a profile denying getcwd, open and openat does not stop the exec",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
           "{\"names\":[\"getcwd\",\"openat\",\"open\",\"openat2\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
           ARGS("getcwd", "buf:256", "256", "--", "openat", "-100", "s:/", "0", "--", "getppid"),
           ARGS("getcwd = -1 errno 1", "openat = -1 errno 1", "getppid = *"));
}

static void test_flags(void)
{
    expect("flags TSYNC, LOG, SPEC_ALLOW are accepted at load",
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
           "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\"syscalls\":["
           "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":2}]}",
           ARGS("getcwd", "buf:256", "256"), ARGS("getcwd = -1 errno 2"));

    veil_seccomp_plan *plan = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                      "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
    veil_seccomp_prog *prog = prepare(plan);
    struct result r;
    struct child_opts o = {.no_nnp_no_caps = true, .listener_fd = -1};
    run(prog, ARGS("getppid"), &o, &r);
    if (!ok(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 120 &&
                strstr(r.out, "install: seccomp(SECCOMP_SET_MODE_FILTER) without no_new_privs or CAP_SYS_ADMIN: "
                              "Permission denied"),
            "without no_new_privs and CAP_SYS_ADMIN the load fails with a clear error"))
        diag("probe output", r.out);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

/* The bench's Docker-like profile, in short: deny by default with EPERM,
 * allow a list, argument-filtered personality/clone/socket, clone3 ENOSYS. */
static const char *const docker_like =
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
    "{\"names\":[\"accept\",\"accept4\",\"access\",\"arch_prctl\",\"bind\",\"brk\",\"capget\",\"capset\",\"chdir\","
    "\"clock_gettime\",\"clock_nanosleep\",\"close\",\"close_range\",\"connect\",\"dup\",\"dup2\",\"dup3\","
    "\"epoll_create1\",\"epoll_ctl\",\"epoll_pwait\",\"epoll_wait\",\"eventfd2\",\"execve\",\"execveat\",\"exit\","
    "\"exit_group\",\"faccessat\",\"faccessat2\",\"fcntl\",\"fstat\",\"fstatfs\",\"futex\",\"getcwd\","
    "\"getdents64\",\"getegid\",\"geteuid\",\"getgid\",\"getpid\",\"getppid\",\"getrandom\",\"getrlimit\","
    "\"gettid\",\"getuid\",\"ioctl\",\"kill\",\"lseek\",\"madvise\",\"mkdir\",\"mmap\",\"mprotect\",\"munmap\","
    "\"nanosleep\",\"newfstatat\",\"open\",\"openat\",\"pipe2\",\"poll\",\"prctl\",\"pread64\",\"prlimit64\","
    "\"read\",\"readlink\",\"readlinkat\",\"rseq\",\"rt_sigaction\",\"rt_sigprocmask\",\"rt_sigreturn\","
    "\"sched_getaffinity\",\"sched_yield\",\"set_robust_list\",\"set_tid_address\",\"sigaltstack\",\"socketpair\","
    "\"stat\",\"statx\",\"tgkill\",\"umask\",\"uname\",\"wait4\",\"write\",\"writev\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,"
    "\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,"
    "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_NE\"}]}]}";

static void test_docker_like(void)
{
    veil_seccomp_plan *plan = plan_of(docker_like);
    const char *const *argv = ARGS("personality", "0xffffffff", "--", "personality", "0x1234", "--", "clone3", "0",
                                   "0", "--", "socket", "40", "1", "0", "--", "socket", "1", "1", "0", "--",
                                   "unshare", "0x20000", "--", "getpid");
    for (int round = 0; round < 2; round++) {
        veil_seccomp_prog *prog = prepare(plan);
        bool cached = veil_seccomp_prog_from_cache(prog);
        bool logged = strstr(logbuf, round ? "seccomp: cache hit " : "seccomp: compiled ") != NULL;
        if (!ok(cached == (round == 1) && logged, "Docker-like profile: %s", round ? "cache hit" : "compiled, cached"))
            diag("log", logbuf);
        struct result r;
        run(prog, argv, NULL, &r);
        bool good = exited0(&r) && has_line(&r, "personality = -1 errno 1") && has_line(&r, "clone3 = -1 errno 38") &&
                    has_line(&r, "socket = -1 errno 1") && has_line(&r, "unshare = -1 errno 1") &&
                    strstr(r.out, "personality = 0\n") && strstr(r.out, "getpid = ");
        /* socket(AF_UNIX) returned an fd */
        const char *second = strstr(r.out, "socket = ");
        second = second ? strstr(second + 1, "socket = ") : NULL;
        good = good && second && strncmp(second, "socket = -1", 11) != 0;
        if (!ok(good, "Docker-like profile (%s): argument rules, ENOSYS for clone3, EPERM default",
                cached ? "from the cache" : "compiled"))
            diag("probe output", r.out);
        veil_seccomp_prog_free(prog);
    }
    veil_seccomp_plan_free(plan);
}

/* ---- notify ---------------------------------------------------------------- */

static pid_t start_listener(const char *sock, const char *state_out, int *out_fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        execl(VEIL_SECCOMP_LISTENER, "seccomp-listener", sock, state_out, "42", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[16] = {0};
    if (read(p[0], buf, 6) != 6 || strncmp(buf, "ready\n", 6) != 0) {
        fprintf(stderr, "listener did not start\n");
        exit(1);
    }
    *out_fd = p[0];
    return pid;
}

static void test_notify(void)
{
    char sock[256], state_out[256], profile[1024];
    snprintf(sock, sizeof(sock), "%s/agent.sock", state_root);
    snprintf(state_out, sizeof(state_out), "%s/agent-state.json", state_root);
    int listener_out;
    pid_t lpid = start_listener(sock, state_out, &listener_out);

    snprintf(profile, sizeof(profile),
             "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\",\"listenerMetadata\":\"it-meta\","
             "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
             "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
             sock);
    veil_seccomp_plan *plan = plan_of(profile);
    veil_seccomp_prog *prog = prepare(plan);
    veil_error *err = NULL;
    int fd = veil_seccomp_connect_listener(plan, &err);
    if (!ok(fd >= 0, "connect to listenerPath"))
        diag("error", err ? err->msg : "?");
    struct child_opts o = {.plan = plan, .listener_fd = fd};
    struct result r;
    run(prog, ARGS("mkdir", "s:/nonexistent-veil-it/dir", "0755", "--", "getppid"), &o, &r);
    if (!ok(exited0(&r) && has_line(&r, "mkdir = 42"), "the listener answers the notification (mkdir = 42)"))
        diag("probe output", r.out);

    char lout[256] = {0};
    ssize_t n = read(listener_out, lout, sizeof(lout) - 1);
    (void)n;
    close(listener_out);
    int status;
    waitpid(lpid, &status, 0);
    if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strstr(lout, "answered "), "listener exits cleanly"))
        diag("listener output", lout);

    vj_node *doc = vj_parse_file(state_out, &vj_default_limits, &err);
    bool good = doc != NULL;
    int64_t pid = 0, state_pid = 0;
    const vj_node *state = doc ? vj_get(doc, "state") : NULL;
    const vj_node *fds = doc ? vj_get(doc, "fds") : NULL;
    good = good && state && fds && fds->type == VJ_ARRAY && fds->u.array.len == 1 &&
           strcmp(fds->u.array.items[0]->u.string.ptr, "seccompFd") == 0 &&
           vj_number_i64(vj_get(doc, "pid"), &pid) && pid == r.pid &&
           strcmp(vj_get(doc, "metadata")->u.string.ptr, "it-meta") == 0 &&
           strcmp(vj_get(doc, "ociVersion")->u.string.ptr, "1.3.0") == 0 &&
           strcmp(vj_get(state, "status")->u.string.ptr, "creating") == 0 &&
           strcmp(vj_get(state, "id")->u.string.ptr, "it-ctr") == 0 &&
           vj_number_i64(vj_get(state, "pid"), &state_pid) && state_pid == r.pid;
    ok(good, "the listener received the container process state (pid, fds, metadata, state)");
    vj_free(doc);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(plan);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mkdtemp(state_root) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_errno();
    test_operators();
    test_arg_combinations();
    test_kill_and_trap();
    test_log();
    test_last_step();
    test_flags();
    test_docker_like();
    test_notify();
    printf("1..%d\n", n_tests);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_root);
    if (system(cmd) != 0)
        n_failed++;
    return n_failed ? 1 : 0;
}
