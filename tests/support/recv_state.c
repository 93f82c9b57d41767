/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/support/recv_state.h"

int test_recv_state(int conn, char *data, size_t cap, size_t *len, int *fd)
{
    *len = 0;
    *fd = -1;
    for (;;) {
        union {
            char buf[CMSG_SPACE(sizeof(int) * 4)];
            struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = data + *len, .iov_len = cap - 1 - *len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (*fd < 0) {
            msg.msg_control = control.buf;
            msg.msg_controllen = sizeof(control.buf);
        }
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        for (struct cmsghdr *c = *fd < 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(fd, CMSG_DATA(c), sizeof(int));
        *len += (size_t)n;
        if (n == 0 || *len >= cap - 1)
            break;
    }
    data[*len] = '\0';
    return 0;
}
