/* SPDX-License-Identifier: Apache-2.0 */
/* Typed, length-checked messages between the runtime and init over a
 * SOCK_SEQPACKET socketpair: one header + payload per datagram, optional
 * fds as SCM_RIGHTS.  Sizes from the peer are never trusted. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/linux.h"

struct hdr {
    uint32_t type;
    uint32_t len;
};

int veil_sync_send_fds(int fd, veil_sync_type type, const void *data, size_t len,
                       const int *fds, size_t n_fds)
{
    if (len > VEIL_SYNC_MAX_PAYLOAD || n_fds > VEIL_SYNC_MAX_FDS) {
        errno = EMSGSIZE;
        return -1;
    }
    struct hdr h = {.type = (uint32_t)type, .len = (uint32_t)len};
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)data, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * VEIL_SYNC_MAX_FDS)];
        struct cmsghdr align;
    } ctl;
    if (n_fds) {
        memset(&ctl, 0, sizeof(ctl));
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
    }
    ssize_t r;
    do
        r = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -1 : 0;
}

int veil_sync_send(int fd, veil_sync_type type, const void *data, size_t len, int pass_fd)
{
    return veil_sync_send_fds(fd, type, data, len, &pass_fd, pass_fd >= 0 ? 1 : 0);
}

static void close_all(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
}

int veil_sync_recv_fds(int fd, veil_sync_type *type, void *buf, size_t cap, size_t *len,
                       int *fds, size_t max_fds, size_t *n_fds)
{
    struct hdr h;
    char payload[VEIL_SYNC_MAX_PAYLOAD];
    struct iovec iov[2] = {{&h, sizeof(h)}, {payload, sizeof(payload)}};
    union {
        char buf[CMSG_SPACE(sizeof(int) * VEIL_SYNC_MAX_FDS)];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf)};
    *n_fds = 0;
    /* A peer that exits with a message of ours unread leaves ECONNRESET,
     * which the kernel reports before the messages it sent last (its ERROR
     * text): read once more for those; then it is EOF. */
    ssize_t r;
    bool reset = false;
    do {
        r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == ECONNRESET && !reset) {
            reset = true;
            errno = EINTR; /* once more */
        }
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        if (errno == ECONNRESET)
            errno = EPIPE;
        return -1;
    }
    int got[VEIL_SYNC_MAX_FDS];
    size_t n_got = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len < CMSG_LEN(0))
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k && n_got < VEIL_SYNC_MAX_FDS; i++)
            memcpy(&got[n_got++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    if (r == 0) {
        close_all(got, n_got);
        errno = EPIPE;
        return -1;
    }
    if ((size_t)r < sizeof(h) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
        h.len != (size_t)r - sizeof(h) || h.len > cap || n_got > max_fds) {
        close_all(got, n_got);
        errno = EBADMSG;
        return -1;
    }
    if (h.len)
        memcpy(buf, payload, h.len);
    *type = (veil_sync_type)h.type;
    if (len)
        *len = h.len;
    memcpy(fds, got, n_got * sizeof(int));
    *n_fds = n_got;
    return 0;
}

int veil_sync_recv(int fd, veil_sync_type *type, void *buf, size_t cap, size_t *len, int *fd_out)
{
    int fds[VEIL_SYNC_MAX_FDS];
    size_t n = 0;
    if (fd_out)
        *fd_out = -1;
    /* one fd at most is expected here; more make the message bad */
    if (veil_sync_recv_fds(fd, type, buf, cap, len, fds, 1, &n) < 0)
        return -1;
    if (n == 1 && fd_out)
        *fd_out = fds[0];
    else if (n == 1)
        close(fds[0]);
    return 0;
}

int veil_sync_unexpected(veil_sync_type type, char *buf, size_t n, int fd, const char *from,
                         veil_error **err)
{
    if (fd >= 0)
        close(fd);
    if (type == VEIL_SYNC_ERROR) {
        buf[n] = '\0';
        return veil_error_set(err, 0, "%s", buf);
    }
    return veil_error_set(err, EBADMSG, "unexpected message %u from %s", (unsigned)type, from);
}

int veil_sync_take_pty(int fd, int console_fd, int *keep, const char *from, veil_error **err)
{
    if (fd < 0)
        return veil_error_set(err, EBADMSG, "%s sent no pty master", from);
    if (console_fd >= 0 && veil_tty_send_master(console_fd, fd, err) < 0) {
        close(fd);
        return -1;
    }
    if (keep && *keep < 0)
        *keep = fd;
    else
        close(fd);
    return 0;
}

int veil_sync_expect(int fd, veil_sync_type want, void *buf, size_t cap, size_t *len,
                     int *fd_out, veil_error **err)
{
    char msgbuf[VEIL_SYNC_MAX_PAYLOAD + 1];
    veil_sync_type type;
    size_t n = 0;
    if (veil_sync_recv(fd, &type, msgbuf, VEIL_SYNC_MAX_PAYLOAD, &n, fd_out) < 0) {
        if (errno == EPIPE)
            return veil_error_set(err, 0, "container init exited before it was ready");
        return veil_error_set(err, errno, "read from container init");
    }
    if (type == VEIL_SYNC_ERROR) {
        msgbuf[n] = '\0';
        return veil_error_set(err, 0, "%s", msgbuf);
    }
    if (type != want || n > cap)
        return veil_error_set(err, EBADMSG, "container init sent message %u, expected %u",
                              (unsigned)type, (unsigned)want);
    if (n)
        memcpy(buf, msgbuf, n);
    if (len)
        *len = n;
    return 0;
}
