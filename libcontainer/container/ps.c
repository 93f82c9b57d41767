/* SPDX-License-Identifier: Apache-2.0 */
/* `veil ps` in table form: ps(1) run on the host, cut down to the container. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <veil/container.h>

#include "util/cleanup.h"

extern char **environ;

typedef struct text {
    char *s;
    size_t n, cap;
} text;

static int text_add(text *t, const char *s, size_t len)
{
    if (t->n + len + 1 > t->cap) {
        size_t cap = (t->n + len + 1) * 2;
        char *ns = realloc(t->s, cap);
        if (ns == NULL)
            return -1;
        t->s = ns;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, len);
    t->n += len;
    t->s[t->n] = '\0';
    return 0;
}

/* Field i (0-based, blank-separated) of line[0..len) as a pid, or -1. */
static long field_pid(const char *line, size_t len, size_t i)
{
    size_t p = 0;
    for (size_t f = 0;; f++) {
        while (p < len && (line[p] == ' ' || line[p] == '\t'))
            p++;
        if (p == len)
            return -1;
        size_t start = p;
        while (p < len && line[p] != ' ' && line[p] != '\t')
            p++;
        if (f < i)
            continue;
        long v = 0;
        for (size_t k = start; k < p; k++) {
            if (line[k] < '0' || line[k] > '9' || v > 100000000)
                return -1;
            v = v * 10 + (line[k] - '0');
        }
        return p > start ? v : -1;
    }
}

int veil_ps_filter(const char *ps_output, const pid_t *pids, size_t n, char **out,
                   veil_error **err)
{
    const char *nl = strchr(ps_output, '\n');
    size_t hlen = nl ? (size_t)(nl - ps_output) : strlen(ps_output);
    /* the PID column: its title is exactly "PID" (not PPID, TID...) */
    long col = -1;
    size_t p = 0;
    for (long f = 0; p < hlen && col < 0; f++) {
        while (p < hlen && ps_output[p] == ' ')
            p++;
        size_t start = p;
        while (p < hlen && ps_output[p] != ' ')
            p++;
        if (p - start == 3 && strncmp(ps_output + start, "PID", 3) == 0)
            col = f;
    }
    if (col < 0)
        return veil_error_set(err, 0, "couldn't find PID field in ps output");
    text t = {0};
    if (text_add(&t, ps_output, hlen) < 0 || text_add(&t, "\n", 1) < 0) {
        free(t.s);
        return veil_error_set(err, ENOMEM, "ps");
    }
    for (const char *line = nl ? nl + 1 : NULL; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        long pid = field_pid(line, len, (size_t)col);
        bool mine = false;
        for (size_t i = 0; i < n && !mine && pid > 0; i++)
            mine = pids[i] == (pid_t)pid;
        if (mine && (text_add(&t, line, len) < 0 || text_add(&t, "\n", 1) < 0)) {
            free(t.s);
            return veil_error_set(err, ENOMEM, "ps");
        }
        line = end ? end + 1 : NULL;
    }
    *out = t.s;
    return 0;
}

/* Runs argv with stdout and stderr into *out (like runc: ps's error text
 * is part of the failure). */
static int run_capture(char *const *argv, text *out, int *status, veil_error **err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return veil_error_set(err, errno, "pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    _cleanup_close_ int rfd = fds[0];
    if (e)
        return veil_error_set(err, e, "run %s", argv[0]);
    char buf[8192];
    for (;;) {
        ssize_t r = read(rfd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (text_add(out, buf, (size_t)r) < 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return veil_error_set(err, ENOMEM, "read the output of %s", argv[0]);
        }
    }
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return veil_error_set(err, errno, "wait for %s", argv[0]);
    return 0;
}

int veil_ps_table(const char *const *ps_args, const pid_t *pids, size_t n, char **out,
                  veil_error **err)
{
    size_t nargs = 0;
    while (ps_args && ps_args[nargs])
        nargs++;
    _cleanup_free_ char **argv = calloc(nargs + 3, sizeof(*argv));
    if (argv == NULL)
        return veil_error_set(err, ENOMEM, "ps");
    argv[0] = (char *)"ps";
    if (nargs == 0)
        argv[1] = (char *)"-ef"; /* runc's default */
    for (size_t i = 0; i < nargs; i++)
        argv[i + 1] = (char *)ps_args[i];
    text t = {0};
    int status = 0;
    if (run_capture(argv, &t, &status, err) < 0) {
        free(t.s);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[32];
        if (WIFEXITED(status))
            snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
        else
            snprintf(how, sizeof(how), "signal %d", WTERMSIG(status));
        veil_error_set(err, 0, "ps: %s: %s", how, t.s ? t.s : "");
        free(t.s);
        return -1;
    }
    int r = veil_ps_filter(t.s ? t.s : "", pids, n, out, err);
    free(t.s);
    return r;
}
