/* SPDX-License-Identifier: Apache-2.0 */
/*
 * run: create + start in one process.  In the foreground it forwards
 * signals to init, relays the terminal when the container has one and no
 * console socket was given, waits for init, and deletes the container.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "container/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Copies what is readable from one fd to another; false on EOF/error. */
static bool pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    return veil_write_all(to, buf, (size_t)n) == 0;
}

static void copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

static int wait_status(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 255;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* Forwards signals and the terminal until init exits; returns its status. */
static int supervise(veil_created *c, int sfd)
{
    struct termios saved;
    bool raw = false;
    if (c->pty_master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        struct termios t = saved;
        cfmakeraw(&t);
        raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        copy_winsize(STDIN_FILENO, c->pty_master);
    }
    bool in_open = c->pty_master >= 0;
    bool out_open = c->pty_master >= 0;
    for (;;) {
        struct pollfd p[4] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = c->pidfd, .events = POLLIN},
            {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = out_open ? c->pty_master : -1, .events = POLLIN},
        };
        int r = poll(p, 4, -1);
        if (r < 0 && errno != EINTR)
            break;
        if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
            out_open = pump(c->pty_master, STDOUT_FILENO);
        if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
            in_open = pump(STDIN_FILENO, c->pty_master);
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGWINCH && c->pty_master >= 0)
                    copy_winsize(STDIN_FILENO, c->pty_master);
                else if (si.ssi_signo != SIGCHLD)
                    syscall(SYS_pidfd_send_signal, c->pidfd, si.ssi_signo, NULL, 0);
            }
        }
        if (p[1].revents & POLLIN) {
            /* drain what the terminal still holds, then stop */
            while (out_open) {
                struct pollfd q = {.fd = c->pty_master, .events = POLLIN};
                if (poll(&q, 1, 50) <= 0 || !(q.revents & POLLIN))
                    break;
                out_open = pump(c->pty_master, STDOUT_FILENO);
            }
            break;
        }
    }
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return wait_status(c->pid);
}

int veil_container_run(const veil_context *ctx, const veil_run_options *opts, int *status,
                       veil_error **err)
{
    *status = 0;
    /* Signals arrive through a signalfd; blocked before the clone so none is
     * lost, unblocked in init before it execs. */
    sigset_t fwd, old;
    sigfillset(&fwd);
    sigdelset(&fwd, SIGSEGV);
    sigdelset(&fwd, SIGBUS);
    sigdelset(&fwd, SIGILL);
    sigdelset(&fwd, SIGFPE);
    sigdelset(&fwd, SIGTSTP);
    sigdelset(&fwd, SIGTTIN);
    sigdelset(&fwd, SIGTTOU);
    if (!opts->detach)
        sigprocmask(SIG_BLOCK, &fwd, &old);
    veil_created c;
    if (veil_container_do_create(ctx, &opts->create, !opts->detach, &c, err) < 0) {
        if (!opts->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (veil_container_do_start(ctx, c.dirfd, c.rec, err) < 0) {
        veil_error *e = NULL;
        veil_container_do_destroy(ctx, c.dirfd, c.rec, VEIL_STATUS_CREATED, &e);
        veil_error_free(e);
        veil_created_close(&c);
        if (!opts->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (opts->detach) {
        veil_created_close(&c);
        return 0;
    }
    /* the state dir stays locked while we run: unlock so kill/state work */
    flock(c.dirfd, LOCK_UN);
    _cleanup_close_ int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    *status = supervise(&c, sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    veil_debug(ctx, "container %s exited with status %d", c.rec->id, *status);
    int r = 0;
    if (!opts->keep) {
        flock(c.dirfd, LOCK_EX);
        r = veil_container_do_destroy(ctx, c.dirfd, c.rec, VEIL_STATUS_STOPPED, err);
    }
    veil_created_close(&c);
    return r;
}
