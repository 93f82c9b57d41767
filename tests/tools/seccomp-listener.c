/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-listener: a minimal seccomp agent for the tests.
 *
 *   seccomp-listener SOCKET STATE_OUT VALUE
 *
 * Listens on the unix socket SOCKET, accepts one connection, receives the
 * container process state (written to STATE_OUT) and the seccomp notify fd
 * (SCM_RIGHTS), then answers every notification: mkdir and mkdirat return
 * VALUE without running; anything else continues as if not filtered.  Prints
 * "ready" once listening and "answered N" when the filtered processes are
 * gone.  Exits 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/recv_state.h"

static void die(const char *what)
{
    fprintf(stderr, "seccomp-listener: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Receives the document and the fd; reads until the sender closes. */
static int receive(int conn, const char *out_path)
{
    static char data[1 << 16];
    size_t len = 0;
    int fd = -1;
    if (test_recv_state(conn, data, sizeof(data), &len, &fd) < 0)
        die("recvmsg");
    FILE *f = fopen(out_path, "we");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die(out_path);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: seccomp-listener SOCKET STATE_OUT VALUE\n");
        return 2;
    }
    long value = strtol(argv[3], NULL, 0);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (s < 0 || strlen(argv[1]) >= sizeof(sa.sun_path))
        die("socket");
    strcpy(sa.sun_path, argv[1]);
    unlink(argv[1]);
    if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
        die("bind/listen");
    printf("ready\n");
    fflush(stdout);
    int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        die("accept");
    int nfd = receive(conn, argv[2]);
    close(conn);
    close(s);
    unlink(argv[1]);
    if (nfd < 0) {
        fprintf(stderr, "seccomp-listener: no fd received\n");
        return 1;
    }

    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    unsigned answered = 0;
    for (;;) {
        struct pollfd p = {.fd = nfd, .events = POLLIN};
        if (poll(&p, 1, 30000) <= 0) {
            fprintf(stderr, "seccomp-listener: timed out waiting for notifications\n");
            return 1;
        }
        if (p.revents & POLLHUP)
            break; /* every filtered process is gone */
        memset(req, 0, sizes.seccomp_notif);
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
            if (errno == EINTR || errno == ENOENT)
                continue;
            die("SECCOMP_IOCTL_NOTIF_RECV");
        }
        memset(resp, 0, sizes.seccomp_notif_resp);
        resp->id = req->id;
        if (req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat)
            resp->val = value;
        else
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
            die("SECCOMP_IOCTL_NOTIF_SEND");
        answered++;
    }
    printf("answered %u\n", answered);
    free(req);
    free(resp);
    close(nfd);
    return 0;
}
