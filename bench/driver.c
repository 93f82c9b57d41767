/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driver: runs OCI runtime commands and measures them, for bench/compare.sh.
 *
 *   driver run      RUNTIME ROOT BUNDLE ID-PREFIX N   `run` lifecycles
 *   driver cs       RUNTIME ROOT BUNDLE ID-PREFIX N   create, start, wait, delete
 *   driver create   RUNTIME ROOT BUNDLE ID-PREFIX N   N creates kept, then deleted
 *   driver exec     RUNTIME ROOT ID N                 N `exec ID true`
 *   driver list     RUNTIME ROOT N                    N `list`
 *   driver parallel RUNTIME ROOT BUNDLE ID-PREFIX N K K workers doing cs lifecycles
 *
 * One line per measured item on stdout: "KIND WALL_US CPU_US MAXRSS_KIB".
 * WALL is CLOCK_MONOTONIC around the item; CPU is user+system time of every
 * runtime process of the item and of what they reaped, from wait4(), plus
 * the container's init where the driver reaps it (cs: the driver is a child
 * subreaper, as containerd's shim is, so the detached init comes back to
 * it); MAXRSS is the largest ru_maxrss among those processes.  `parallel`
 * prints one line: "parallel WALL_US CPU_US MAXRSS K N".  A BUNDLE with
 * "%d" gets the worker index (distinct cgroupsPath per worker).
 *
 * The runtimes' stdin, stdout and stderr go to /dev/null (stderr to
 * $DRIVER_LOG if set), so a detached container keeps no pipe of ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct cost {
    long long cpu_us;
    long maxrss;
} cost;

static const char *rt, *root;

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void add_usage(cost *c, const struct rusage *ru)
{
    c->cpu_us += ru->ru_utime.tv_sec * 1000000LL + ru->ru_utime.tv_usec +
                 ru->ru_stime.tv_sec * 1000000LL + ru->ru_stime.tv_usec;
    if (ru->ru_maxrss > c->maxrss)
        c->maxrss = ru->ru_maxrss;
}

/* The runtimes' stdio: /dev/null, stderr to $DRIVER_LOG if set; opened
 * once, passed to every runtime by posix_spawn.  (A fork of the driver
 * would charge its own page copying and exec to the runtime's CPU time.) */
static const posix_spawn_file_actions_t *quiet_stdio(void)
{
    static posix_spawn_file_actions_t fa;
    static bool ready;
    if (!ready) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        const char *log = getenv("DRIVER_LOG");
        int err = log ? open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : null;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, null, 0);
        posix_spawn_file_actions_adddup2(&fa, null, 1);
        posix_spawn_file_actions_adddup2(&fa, err >= 0 ? err : null, 2);
        ready = true;
    }
    return &fa;
}

/* Runs RUNTIME --root ROOT args... and waits; returns its exit status. */
static int runtime(cost *c, ...)
{
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)rt;
    argv[n++] = "--root";
    argv[n++] = (char *)root;
    va_list ap;
    va_start(ap, c);
    char *a;
    while (n < 15 && (a = va_arg(ap, char *)) != NULL)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    pid_t pid;
    int e = posix_spawnp(&pid, rt, quiet_stdio(), NULL, argv, environ);
    if (e) {
        fprintf(stderr, "driver: spawn %s: %s\n", rt, strerror(e));
        exit(1);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("wait4");
            exit(1);
        }
    add_usage(c, &ru);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void must(int status, const char *what, const char *id)
{
    if (status != 0) {
        fprintf(stderr, "driver: %s %s %s failed (status %d)\n", rt, what, id, status);
        cost c = {0};
        runtime(&c, "delete", "--force", id, NULL);
        exit(1);
    }
}

static void bundle_for(char *out, size_t len, const char *bundle, int worker)
{
    if (strstr(bundle, "%d"))
        snprintf(out, len, bundle, worker);
    else
        snprintf(out, len, "%s", bundle);
}

/* Waits for the container's init (re-parented to us) to exit. */
static void reap_init(pid_t init, cost *c)
{
    struct rusage ru;
    int status;
    for (;;) {
        pid_t p = wait4(-1, &status, 0, &ru);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
        add_usage(c, &ru);
        if (p == init)
            break;
    }
}

static pid_t read_pid(const char *file)
{
    FILE *f = fopen(file, "r");
    int pid = -1;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = -1;
        fclose(f);
    }
    return pid;
}

static void one_cs(const char *bundle, const char *id, const char *pidfile, cost *c)
{
    unlink(pidfile);
    must(runtime(c, "create", "--bundle", bundle, "--pid-file", pidfile, id, NULL), "create", id);
    pid_t init = read_pid(pidfile);
    must(init > 0 ? 0 : 1, "create (no pid file)", id);
    must(runtime(c, "start", id, NULL), "start", id);
    reap_init(init, c);
    must(runtime(c, "delete", id, NULL), "delete", id);
}

static void one_run(const char *bundle, const char *id, cost *c)
{
    must(runtime(c, "run", "--bundle", bundle, id, NULL), "run", id);
    /* runc and crun remove a foreground container themselves; veil too */
    char dir[4096];
    struct stat st;
    snprintf(dir, sizeof(dir), "%s/%s", root, id);
    if (stat(dir, &st) == 0)
        must(runtime(c, "delete", "--force", id, NULL), "delete", id);
}

static void print(const char *kind, long long wall, const cost *c)
{
    printf("%s %lld %lld %ld\n", kind, wall, c->cpu_us, c->maxrss);
    fflush(stdout);
}

static void worker(const char *mode, const char *bundle_pat, const char *prefix, int n, int w,
                   bool print_each, cost *total)
{
    char bundle[4096], id[512], pidfile[600];
    bundle_for(bundle, sizeof(bundle), bundle_pat, w);
    snprintf(pidfile, sizeof(pidfile), "%s/.driver-%d-%d.pid", root, (int)getpid(), w);
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "%s-%d-%d", prefix, w, i);
        cost c = {0};
        long long t0 = now_us();
        if (strcmp(mode, "run") == 0)
            one_run(bundle, id, &c);
        else
            one_cs(bundle, id, pidfile, &c);
        long long wall = now_us() - t0;
        if (print_each)
            print(mode, wall, &c);
        total->cpu_us += c.cpu_us;
        if (c.maxrss > total->maxrss)
            total->maxrss = c.maxrss;
    }
    unlink(pidfile);
}

static int usage(void)
{
    fprintf(stderr, "usage: driver run|cs|create RUNTIME ROOT BUNDLE ID-PREFIX N\n"
                    "       driver exec RUNTIME ROOT ID N\n"
                    "       driver list RUNTIME ROOT N\n"
                    "       driver parallel RUNTIME ROOT BUNDLE ID-PREFIX N K\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return usage();
    const char *mode = argv[1];
    rt = argv[2];
    root = argv[3];
    mkdir(root, 0700);
    /* detached inits come back to us, as to containerd's shim */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);

    if (!strcmp(mode, "run") || !strcmp(mode, "cs")) {
        if (argc != 7)
            return usage();
        cost total = {0};
        worker(mode, argv[4], argv[5], atoi(argv[6]), 0, true, &total);
        return 0;
    }
    if (!strcmp(mode, "create")) {
        if (argc != 7)
            return usage();
        int n = atoi(argv[6]);
        char id[512];
        for (int i = 0; i < n; i++) {
            snprintf(id, sizeof(id), "%s-%d", argv[5], i);
            cost c = {0};
            long long t0 = now_us();
            must(runtime(&c, "create", "--bundle", argv[4], id, NULL), "create", id);
            print("create", now_us() - t0, &c);
        }
        for (int i = 0; i < n; i++) {
            snprintf(id, sizeof(id), "%s-%d", argv[5], i);
            cost c = {0};
            runtime(&c, "delete", "--force", id, NULL);
        }
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        return 0;
    }
    if (!strcmp(mode, "exec")) {
        int n = atoi(argv[5]);
        for (int i = 0; i < n; i++) {
            cost c = {0};
            long long t0 = now_us();
            must(runtime(&c, "exec", argv[4], "true", NULL), "exec", argv[4]);
            print("exec", now_us() - t0, &c);
        }
        return 0;
    }
    if (!strcmp(mode, "list")) {
        int n = atoi(argv[4]);
        for (int i = 0; i < n; i++) {
            cost c = {0};
            long long t0 = now_us();
            must(runtime(&c, "list", NULL), "list", "");
            print("list", now_us() - t0, &c);
        }
        return 0;
    }
    if (!strcmp(mode, "parallel")) {
        if (argc != 8)
            return usage();
        int n = atoi(argv[6]), k = atoi(argv[7]);
        if (k < 1 || n < k)
            return usage();
        int go[2];
        if (pipe(go) < 0)
            return 1;
        pid_t *kids = calloc((size_t)k, sizeof(*kids));
        for (int w = 0; w < k; w++) {
            kids[w] = fork();
            if (kids[w] == 0) {
                prctl(PR_SET_CHILD_SUBREAPER, 1);
                close(go[1]);
                char b;
                if (read(go[0], &b, 1) < 0)
                    _exit(1);
                cost total = {0};
                worker("cs", argv[4], argv[5], n / k + (w < n % k), w, false, &total);
                _exit(0);
            }
        }
        close(go[0]);
        long long t0 = now_us();
        close(go[1]); /* all workers start together */
        cost c = {0};
        int failed = 0;
        for (int w = 0; w < k; w++) {
            int status;
            struct rusage ru;
            while (wait4(kids[w], &status, 0, &ru) < 0 && errno == EINTR)
                ;
            add_usage(&c, &ru);
            failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
        long long wall = now_us() - t0;
        printf("parallel %lld %lld %ld %d %d\n", wall, c.cpu_us, c.maxrss, k, n);
        free(kids);
        return failed;
    }
    return usage();
}
