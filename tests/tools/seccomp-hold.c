/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-hold SOCKET RELEASE_FILE: a seccomp agent that stops an exec'd
 * process at its execve, for as long as the test needs.
 *
 * Listens on SOCKET and accepts every container process that connects
 * (init at create, each exec).  Each sends its containerProcessState and
 * the notify fd.  Notifications from processes whose state says "running"
 * (exec'd processes) are held: "held PID" is printed (PID as the host sees
 * it) and the answer waits until RELEASE_FILE exists, while every other
 * notification continues at once.  Prints "ready" once listening; runs
 * until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/recv_state.h"

#define MAX_FDS 64

static void die(const char *what)
{
    fprintf(stderr, "seccomp-hold: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Reads the state document and the fd until the sender closes. */
static int receive(int conn, bool *exec_process)
{
    static char data[1 << 16];
    size_t len = 0;
    int fd = -1;
    if (test_recv_state(conn, data, sizeof(data), &len, &fd) < 0)
        die("recvmsg");
    *exec_process = strstr(data, "\"status\":\"running\"") != NULL;
    return fd;
}

static void answer(int nfd, struct seccomp_notif_resp *resp, __u64 id, size_t size)
{
    memset(resp, 0, size);
    resp->id = id;
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT && errno != EBADF)
        die("SECCOMP_IOCTL_NOTIF_SEND");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: seccomp-hold SOCKET RELEASE_FILE\n");
        return 2;
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (s < 0 || strlen(argv[1]) >= sizeof(sa.sun_path))
        die("socket");
    strcpy(sa.sun_path, argv[1]);
    unlink(argv[1]);
    if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 8) < 0)
        die("bind/listen");
    printf("ready\n");
    fflush(stdout);

    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    struct pollfd p[MAX_FDS + 1];
    bool hold[MAX_FDS + 1];
    size_t n = 1;
    p[0] = (struct pollfd){.fd = s, .events = POLLIN};
    /* the held notifications: fd and id */
    int held_fd[MAX_FDS];
    __u64 held_id[MAX_FDS];
    size_t n_held = 0;
    for (;;) {
        if (n_held && access(argv[2], F_OK) == 0) {
            for (size_t k = 0; k < n_held; k++)
                answer(held_fd[k], resp, held_id[k], sizes.seccomp_notif_resp);
            n_held = 0;
        }
        if (poll(p, n, n_held ? 10 : -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (p[0].revents & POLLIN) {
            int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
            if (conn < 0)
                die("accept");
            bool exec_process = false;
            int nfd = receive(conn, &exec_process);
            close(conn);
            if (nfd >= 0 && n <= MAX_FDS) {
                hold[n] = exec_process;
                p[n++] = (struct pollfd){.fd = nfd, .events = POLLIN};
            }
        }
        for (size_t i = 1; i < n; i++) {
            if (p[i].revents & POLLHUP) {
                close(p[i].fd);
                p[i] = p[--n];
                hold[i] = hold[n];
                i--;
                continue;
            }
            if (!(p[i].revents & POLLIN))
                continue;
            memset(req, 0, sizes.seccomp_notif);
            if (ioctl(p[i].fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                if (errno == EINTR || errno == ENOENT)
                    continue;
                die("SECCOMP_IOCTL_NOTIF_RECV");
            }
            if (hold[i] && n_held < MAX_FDS && access(argv[2], F_OK) < 0) {
                printf("held %u\n", req->pid);
                fflush(stdout);
                held_fd[n_held] = p[i].fd;
                held_id[n_held++] = req->id;
                continue;
            }
            answer(p[i].fd, resp, req->id, sizes.seccomp_notif_resp);
        }
    }
}
