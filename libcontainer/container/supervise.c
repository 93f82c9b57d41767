/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The foreground runtime of `run` and `exec`: forwards the signals it gets
 * to the container process, relays the terminal when it holds the pty
 * master, and returns the process's exit status.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "container/internal.h"
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

void veil_forward_sigset(sigset_t *set)
{
    sigfillset(set);
    sigdelset(set, SIGSEGV);
    sigdelset(set, SIGBUS);
    sigdelset(set, SIGILL);
    sigdelset(set, SIGFPE);
    sigdelset(set, SIGTSTP);
    sigdelset(set, SIGTTIN);
    sigdelset(set, SIGTTOU);
}

int veil_supervise(pid_t pid, int pidfd, int pty_master, int sfd)
{
    struct termios saved;
    bool raw = false;
    if (pty_master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        struct termios t = saved;
        cfmakeraw(&t);
        raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        copy_winsize(STDIN_FILENO, pty_master);
    }
    bool in_open = pty_master >= 0;
    bool out_open = pty_master >= 0;
    for (;;) {
        struct pollfd p[4] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = pidfd, .events = POLLIN},
            {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = out_open ? pty_master : -1, .events = POLLIN},
        };
        int r = poll(p, 4, -1);
        if (r < 0 && errno != EINTR)
            break;
        if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
            out_open = pump(pty_master, STDOUT_FILENO);
        if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
            in_open = pump(STDIN_FILENO, pty_master);
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGWINCH && pty_master >= 0)
                    copy_winsize(STDIN_FILENO, pty_master);
                else if (si.ssi_signo != SIGCHLD)
                    syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
            }
        }
        if (p[1].revents & POLLIN) {
            /* drain what the terminal still holds, then stop */
            while (out_open) {
                struct pollfd q = {.fd = pty_master, .events = POLLIN};
                if (poll(&q, 1, 50) <= 0 || !(q.revents & POLLIN))
                    break;
                out_open = pump(pty_master, STDOUT_FILENO);
            }
            break;
        }
    }
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return wait_status(pid);
}
