/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-probe: makes the system calls it is told to and prints what each
 * returned, for the seccomp tests.  Linked statically, so it still starts
 * under filters that deny what a dynamic loader needs.
 *
 *   seccomp-probe [--trap] [--thread] CALL [ARG...] [-- CALL [ARG...]]...
 *
 * CALL is a name from the table below or a number.  ARG is an integer
 * (strtoull, base 0), s:TEXT (a pointer to TEXT) or buf:N (a pointer to N
 * writable bytes).  Each call prints "NAME = RET" or "NAME = -1 errno N".
 * --trap: a SIGSYS handler prints "trap NR" and exits 0.
 * --thread: the calls run in a second thread; the main thread then prints
 * "main alive".
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
    const char *name;
    long nr;
} calls[] = {
    {"getcwd", SYS_getcwd},       {"openat", SYS_openat},       {"mkdir", SYS_mkdir},
    {"mkdirat", SYS_mkdirat},     {"personality", SYS_personality}, {"umask", SYS_umask},
    {"getpriority", SYS_getpriority}, {"getpid", SYS_getpid},   {"getppid", SYS_getppid},
    {"clone3", SYS_clone3},       {"socket", SYS_socket},       {"mount", SYS_mount},
    {"uname", SYS_uname},         {"kill", SYS_kill},           {"close", SYS_close},
    {"chdir", SYS_chdir},         {"sethostname", SYS_sethostname}, {"unshare", SYS_unshare},
};

struct call {
    const char *name;
    long nr;
    long args[6];
};

static struct call *prog;
static size_t n_prog;

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "seccomp-probe: %s %s\n", msg, arg ? arg : "");
    exit(2);
}

static long parse_arg(const char *a)
{
    if (strncmp(a, "s:", 2) == 0)
        return (long)(a + 2);
    if (strncmp(a, "buf:", 4) == 0) {
        void *p = calloc(1, strtoull(a + 4, NULL, 0) + 1);
        if (p == NULL)
            die("out of memory", NULL);
        return (long)p;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(a, &end, 0);
    if (errno || *end)
        die("bad argument", a);
    return (long)v;
}

static long parse_call(const char *name)
{
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        if (strcmp(calls[i].name, name) == 0)
            return calls[i].nr;
    char *end;
    long nr = strtol(name, &end, 0);
    if (*end || end == name)
        die("unknown call", name);
    return nr;
}

static void *run_calls(void *unused)
{
    (void)unused;
    for (size_t i = 0; i < n_prog; i++) {
        const struct call *c = &prog[i];
        errno = 0;
        long r = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
        if (r == -1)
            printf("%s = -1 errno %d\n", c->name, errno);
        else
            printf("%s = %ld\n", c->name, r);
        fflush(stdout);
    }
    return NULL;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "trap %d\n", si->si_syscall);
    if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
        _exit(3);
    _exit(0);
}

int main(int argc, char **argv)
{
    int i = 1;
    int trap = 0, thread = 0;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i++) {
        if (strcmp(argv[i], "--trap") == 0)
            trap = 1;
        else if (strcmp(argv[i], "--thread") == 0)
            thread = 1;
        else
            die("unknown option", argv[i]);
    }
    prog = calloc((size_t)argc, sizeof(*prog));
    while (i < argc) {
        struct call *c = &prog[n_prog++];
        c->name = argv[i];
        c->nr = parse_call(argv[i++]);
        for (int k = 0; i < argc && strcmp(argv[i], "--") != 0; i++, k++) {
            if (k >= 6)
                die("too many arguments for", c->name);
            c->args[k] = parse_arg(argv[i]);
        }
        if (i < argc)
            i++; /* the "--" */
    }
    if (n_prog == 0)
        die("usage: seccomp-probe [--trap] [--thread] CALL [ARG...] [-- CALL ...]", NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (trap) {
        struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
        sigaction(SIGSYS, &sa, NULL);
    }
    if (thread) {
        pthread_t t;
        if (pthread_create(&t, NULL, run_calls, NULL) != 0)
            die("pthread_create failed", NULL);
        pthread_join(t, NULL);
        printf("main alive\n");
    } else {
        run_calls(NULL);
    }
    return 0;
}
