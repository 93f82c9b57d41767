/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-prepare-bench: how long veil_seccomp_prepare takes for a profile,
 * compiled by libseccomp versus taken from the cache.
 *
 *   seccomp-prepare-bench [-n N] [-m all|compile|hit|install] CONFIG.json
 *
 * "compile" runs prepare without a state root (no cache), "miss" with an
 * empty cache (compile + write the entry), "hit" with the entry present.
 * "install" times veil_seccomp_install (the seccomp(2) load) in forked
 * children.  Prints the median and minimum wall time of each.  -m compile or
 * -m hit with -n 1 suits `valgrind --tool=callgrind` instruction counts.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linux/seccomp.h"
#include "plan/internal.h"
#include "tests/support/seccomp_spec.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void run(const char *label, const veil_seccomp_plan *plan, const char *root, bool fresh_root, int n,
                bool expect_hit)
{
    double *t = calloc((size_t)n, sizeof(double));
    size_t insns = 0;
    for (int i = 0; i < n; i++) {
        if (fresh_root) {
            char cmd[256];
            snprintf(cmd, sizeof(cmd), "rm -rf '%s/.cache'", root);
            if (system(cmd) != 0)
                exit(1);
        }
        veil_context ctx = {.state_root = root};
        veil_seccomp_prog *prog = NULL;
        veil_error *err = NULL;
        double t0 = now_us();
        if (veil_seccomp_prepare(&ctx, plan, &prog, &err) < 0) {
            fprintf(stderr, "prepare: %s\n", err->msg);
            exit(1);
        }
        t[i] = now_us() - t0;
        if (veil_seccomp_prog_from_cache(prog) != expect_hit) {
            fprintf(stderr, "%s: unexpected cache %s\n", label, expect_hit ? "miss" : "hit");
            exit(1);
        }
        veil_seccomp_prog_insns(prog, &insns);
        veil_seccomp_prog_free(prog);
    }
    qsort(t, (size_t)n, sizeof(double), cmp_double);
    printf("%-8s n=%-5d median %9.1f us   min %9.1f us   (%zu BPF instructions)\n", label, n, t[n / 2], t[0],
           insns);
    free(t);
}

/* The load itself, in children (a filter cannot be removed); the time is
 * passed back through shared memory, as the filter may deny write. */
static void run_install(const veil_seccomp_plan *plan, int n)
{
    veil_seccomp_prog *prog = NULL;
    veil_error *err = NULL;
    if (veil_seccomp_prepare(NULL, plan, &prog, &err) < 0 || plan->uses_notify) {
        fprintf(stderr, "install: %s\n", err ? err->msg : "notify profiles are not timed");
        exit(1);
    }
    double *t = mmap(NULL, (size_t)n * sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED)
        exit(1);
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            double t0 = now_us();
            int r = veil_seccomp_install(prog, -1, NULL, NULL);
            t[i] = r < 0 ? -1 : now_us() - t0;
            _exit(0);
        }
        int status;
        waitpid(pid, &status, 0);
        if (t[i] < 0) {
            fprintf(stderr, "install failed\n");
            exit(1);
        }
    }
    qsort(t, (size_t)n, sizeof(double), cmp_double);
    printf("%-8s n=%-5d median %9.1f us   min %9.1f us   (seccomp(2) load, flags %#x)\n", "install", n, t[n / 2],
           t[0], veil_seccomp_prog_flags(prog));
    munmap(t, (size_t)n * sizeof(double));
    veil_seccomp_prog_free(prog);
}

int main(int argc, char **argv)
{
    int n = 200, c;
    const char *mode = "all";
    while ((c = getopt(argc, argv, "n:m:")) != -1) {
        if (c == 'n')
            n = atoi(optarg);
        else if (c == 'm')
            mode = optarg;
        else
            return 2;
    }
    if (optind != argc - 1 || n < 1) {
        fprintf(stderr, "usage: seccomp-prepare-bench [-n N] [-m all|compile|hit|install] CONFIG.json\n");
        return 2;
    }
    veil_error *err = NULL;
    veil_spec_seccomp *sc = test_seccomp_from_file(argv[optind], &err);
    veil_seccomp_plan *plan = NULL;
    if (sc == NULL || veil_plan_seccomp(sc, &plan, &err) < 0 || plan == NULL) {
        fprintf(stderr, "%s: %s\n", argv[optind], err ? err->msg : "no seccomp profile");
        return 1;
    }
    size_t names = 0;
    for (size_t i = 0; i < plan->n_rules; i++)
        names += plan->rules[i].n_names;
    char root[] = "/tmp/veil-seccomp-bench-XXXXXX";
    if (mkdtemp(root) == NULL)
        return 1;
    if (strcmp(mode, "all") == 0)
        printf("profile: %zu rules, %zu syscall names, %zu extra arches\n", plan->n_rules, names, plan->n_arches);
    if (strcmp(mode, "all") == 0 || strcmp(mode, "compile") == 0)
        run("compile", plan, NULL, false, n, false);
    if (strcmp(mode, "all") == 0)
        run("miss", plan, root, true, n, false);
    if (strcmp(mode, "all") == 0 || strcmp(mode, "hit") == 0) {
        veil_context ctx = {.state_root = root};
        veil_seccomp_prog *warm = NULL;
        if (veil_seccomp_prepare(&ctx, plan, &warm, &err) < 0) {
            fprintf(stderr, "prepare: %s\n", err->msg);
            return 1;
        }
        veil_seccomp_prog_free(warm);
        run("hit", plan, root, false, n, true);
    }
    if (strcmp(mode, "all") == 0 || strcmp(mode, "install") == 0)
        run_install(plan, n);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    int r = system(cmd);
    veil_seccomp_plan_free(plan);
    test_seccomp_free(sc);
    return r == 0 ? 0 : 1;
}
