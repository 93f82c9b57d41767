/* SPDX-License-Identifier: Apache-2.0 */
/*
 * console-receiver SOCKET OUTPUT [INPUT]: what containerd's shim and conmon do
 * with --console-socket.  Listens on SOCKET, accepts one connection, takes the
 * single SCM_RIGHTS fd (the pty master) and insists it is exactly one fd in one
 * cmsg, writes INPUT (if given) to the terminal, then copies everything the
 * terminal prints to OUTPUT until the container side closes.  Prints
 * "ready" on stdout once listening.  Exit 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET OUTPUT [INPUT]\n", argv[0]);
        return 2;
    }
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    /* paths longer than sun_path: bind relative to the socket's directory */
    char *slash = strrchr(argv[1], '/');
    if (slash && slash != argv[1]) {
        *slash = '\0';
        if (chdir(argv[1]) < 0) {
            perror(argv[1]);
            return 1;
        }
        *slash = '/';
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", slash + 1);
    } else {
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    }
    unlink(sa.sun_path);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
        perror("listen");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        perror("accept");
        return 1;
    }
    char data[4096];
    union {
        char buf[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {data, sizeof(data)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf)};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) {
        fprintf(stderr, "recvmsg: no message (%s)\n", n < 0 ? strerror(errno) : "EOF");
        return 1;
    }
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    /* go-runc's rule: exactly CMSG_SPACE(4) of control data, one fd */
    if (cm == NULL || msg.msg_controllen != CMSG_SPACE(sizeof(int)) ||
        cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) {
        fprintf(stderr, "bad control message (controllen %zu)\n", (size_t)msg.msg_controllen);
        return 1;
    }
    int master;
    memcpy(&master, CMSG_DATA(cm), sizeof(int));
    struct stat st;
    if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || !isatty(master)) {
        fprintf(stderr, "the fd is not a terminal\n");
        return 1;
    }
    close(c);
    close(ls);
    unlink(sa.sun_path);
    if (argc > 3)
        if (write(master, argv[3], strlen(argv[3])) < 0)
            perror("write input");
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        perror(argv[2]);
        return 1;
    }
    for (;;) {
        char buf[4096];
        ssize_t r = read(master, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EIO once the last holder of the peer is gone */
        if (write(out, buf, (size_t)r) < 0)
            break;
    }
    close(out);
    return 0;
}
