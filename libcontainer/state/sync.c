/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The create/start sync object: a SOCK_SEQPACKET socket "exec.sock" in the
 * state directory.  create binds and listens; init, once ready, accepts and
 * waits for the one "start" message; `start` connects, sends it, and reads
 * until EOF, which comes when init's CLOEXEC end closes at execve (or an
 * error text if init failed before).  So `start` returns only once the
 * container's process runs, and it sees init's last errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "state/state.h"

static void sock_addr(int dirfd, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    /* through the directory fd: the state path may exceed sun_path */
    snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, VEIL_EXEC_SOCK);
}

int veil_start_listen(int dirfd, veil_error **err)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "create the start socket");
    struct sockaddr_un sa;
    sock_addr(dirfd, &sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        int e = errno;
        close(fd);
        return veil_error_set(err, e, "create the start socket");
    }
    return fd;
}

int veil_start_accept(int listen_fd, veil_error **err)
{
    for (;;) {
        int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR)
                continue;
            return veil_error_set(err, errno, "wait for start");
        }
        char msg[16];
        ssize_t n;
        do
            n = recv(c, msg, sizeof(msg), 0);
        while (n < 0 && errno == EINTR);
        if (n == 5 && memcmp(msg, "start", 5) == 0)
            return c;
        close(c); /* not a start request (a probe, a dead `start`): keep waiting */
    }
}

void veil_start_report(int conn, const char *msg)
{
    if (conn >= 0)
        send(conn, msg, strnlen(msg, 4096), MSG_NOSIGNAL);
}

bool veil_start_pending(int dirfd)
{
    struct stat st;
    return fstatat(dirfd, VEIL_EXEC_SOCK, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int veil_start_trigger(int dirfd, const char *id, veil_error **err)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "container %s: start", id);
    struct sockaddr_un sa;
    sock_addr(dirfd, &sa);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        if (e == ECONNREFUSED || e == ENOENT)
            return veil_error_set(err, 0, "container %s: init is not waiting to start", id);
        return veil_error_set(err, e, "container %s: connect to init", id);
    }
    if (send(fd, "start", 5, MSG_NOSIGNAL) != 5) {
        int e = errno;
        close(fd);
        return veil_error_set(err, e, "container %s: signal init to start", id);
    }
    char buf[4097];
    ssize_t n;
    do
        n = recv(fd, buf, sizeof(buf) - 1, 0);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n > 0) {
        buf[n] = '\0';
        return veil_error_set(err, 0, "%s", buf);
    }
    return 0; /* EOF: init reached execve */
}
