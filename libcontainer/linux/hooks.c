/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks: each runs with the container state on stdin, its own args and
 * env, and a timeout; a non-zero exit fails the step with the hook's path
 * and status.  Used by the runtime (createRuntime, poststart, poststop, ...)
 * and by init (createContainer, startContainer).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/errtext.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int run_one(const veil_context *ctx, const veil_plan_hook *h, const char *kind,
                   const char *state_json, veil_error **err)
{
    /* a socket, not a pipe: MSG_NOSIGNAL spares us SIGPIPE if the hook
     * never reads its stdin, without touching signal dispositions */
    int pipefd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pipefd) < 0)
        return veil_error_set(err, errno, "%s hook %s: socketpair", kind, h->path);
    char *const empty[] = {NULL};
    char *default_args[] = {h->path, NULL};
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return veil_error_set(err, e, "%s hook %s: fork", kind, h->path);
    }
    if (pid == 0) {
        if (dup2(pipefd[0], 0) < 0)
            _exit(127);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        execve(h->path, h->args ? h->args : default_args, h->env ? h->env : empty);
        dprintf(2, "%s hook %s: %s\n", kind, h->path, veil_strerror(errno));
        _exit(127);
    }
    close(pipefd[0]);
    _cleanup_close_ int wfd = pipefd[1];
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (state_json) {
        /* a hook may exit without reading: a short or failed send is fine */
        const char *p = state_json;
        size_t left = strlen(state_json);
        while (left > 0) {
            ssize_t w = send(wfd, p, left, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            p += w;
            left -= (size_t)w;
        }
    }
    close(steal_fd(&wfd));
    long deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000L : -1;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return veil_error_set(err, errno, "%s hook %s: wait", kind, h->path);
        int wait_ms = -1;
        if (deadline >= 0) {
            wait_ms = (int)(deadline - now_ms());
            if (wait_ms <= 0) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                return veil_error_set(err, ETIMEDOUT, "%s hook %s timed out after %d s", kind,
                                      h->path, h->timeout);
            }
        }
        if (pidfd >= 0) {
            struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
            poll(&pfd, 1, wait_ms);
        } else {
            usleep(1000);
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        veil_debug(ctx, "%s hook %s succeeded", kind, h->path);
        return 0;
    }
    if (WIFSIGNALED(status))
        return veil_error_set(err, 0, "%s hook %s was killed by signal %d", kind, h->path,
                              WTERMSIG(status));
    return veil_error_set(err, 0, "%s hook %s exited with status %d", kind, h->path,
                          WEXITSTATUS(status));
}

int veil_hooks_run(const veil_context *ctx, const veil_plan_hook_list *hooks, const char *kind,
                   const char *state_json, veil_error **err)
{
    for (size_t i = 0; i < hooks->n; i++)
        if (run_one(ctx, &hooks->items[i], kind, state_json, err) < 0)
            return -1;
    return 0;
}
