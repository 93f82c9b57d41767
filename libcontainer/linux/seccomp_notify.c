/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCMP_ACT_NOTIFY: the runtime connects to listenerPath before the container
 * pivots; the container process, having loaded its filter, sends the
 * containerProcessState document with the notify fd over that connection
 * (runtime-spec, config-linux.md "The Container Process State").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "linux/seccomp_internal.h"
#include "linux/seccomp_notify.h"
#include "spec/json.h"
#include "util/cleanup.h"
#include "veil_version.h"
#include "util/errtext.h"

static inline void cleanup_writerp(vj_writer **w)
{
    vj_writer_free(*w);
}
#define _cleanup_writer_ __attribute__((cleanup(cleanup_writerp)))

int veil_seccomp_connect_listener(const veil_seccomp_plan *plan, veil_error **err)
{
    if (plan == NULL || plan->listener_path == NULL || plan->listener_path[0] == '\0')
        return veil_error_set(err, EINVAL, "seccomp: no listenerPath to connect to");
    const char *path = plan->listener_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    _cleanup_close_ int dirfd = -1;
    if (strlen(path) < sizeof(sa.sun_path)) {
        memcpy(sa.sun_path, path, strlen(path) + 1);
    } else {
        /* Too long for sun_path: reach the socket through its directory. */
        const char *slash = strrchr(path, '/');
        if (slash == NULL || slash[1] == '\0')
            return veil_error_set(err, ENAMETOOLONG, "seccomp: listenerPath %s", path);
        _cleanup_free_ char *dir = strndup(path, (size_t)(slash - path) + 1);
        if (dir == NULL)
            return veil_error_set(err, ENOMEM, "seccomp");
        dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
            return veil_error_set(err, errno, "seccomp: open the directory of listenerPath %s", path);
        if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, slash + 1) >=
            sizeof(sa.sun_path))
            return veil_error_set(err, ENAMETOOLONG, "seccomp: listenerPath %s", path);
    }
    _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "seccomp: socket");
    int r;
    do
        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return veil_error_set(err, errno, "seccomp: connect to listenerPath %s", path);
    return steal_fd(&fd);
}

char *veil_seccomp_state_json(const veil_seccomp_plan *plan, const veil_seccomp_state *st, veil_error **err)
{
    _cleanup_writer_ vj_writer *w = vj_writer_new(false);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "seccomp: container process state");
        return NULL;
    }
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", VEIL_SPEC_VERSION);
    vj_w_key(w, "fds");
    vj_w_array_open(w);
    vj_w_string(w, "seccompFd");
    vj_w_array_close(w);
    vj_w_ki64(w, "pid", st->pid);
    if (plan->listener_metadata)
        vj_w_kstr(w, "metadata", plan->listener_metadata);
    vj_w_key(w, "state");
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", VEIL_SPEC_VERSION);
    vj_w_kstr(w, "id", st->id);
    vj_w_kstr(w, "status", st->status);
    vj_w_ki64(w, "pid", st->pid);
    if (st->bundle)
        vj_w_kstr(w, "bundle", st->bundle);
    if (st->annotations && st->annotations->n > 0) {
        vj_w_key(w, "annotations");
        vj_w_object_open(w);
        for (size_t i = 0; i < st->annotations->n; i++)
            vj_w_kstr(w, st->annotations->items[i].key, st->annotations->items[i].value);
        vj_w_object_close(w);
    }
    vj_w_object_close(w);
    vj_w_object_close(w);

    const char *buf;
    size_t len;
    if (!vj_writer_result(w, &buf, &len)) {
        veil_error_set(err, EINVAL, "seccomp: container process state is not valid JSON text (bad UTF-8?)");
        return NULL;
    }
    char *out = strndup(buf, len);
    if (out == NULL)
        veil_error_set(err, ENOMEM, "seccomp: container process state");
    return out;
}

int veil_seccomp_send_notify_fd(int sock, int notify_fd, const char *state_json)
{
    size_t len = strlen(state_json), off = 0;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    while (off < len) {
        struct iovec iov = {.iov_base = (char *)state_json + off, .iov_len = len - off};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (off == 0) {
            memset(&control, 0, sizeof(control));
            msg.msg_control = control.buf;
            msg.msg_controllen = sizeof(control.buf);
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
        }
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return EPIPE;
        off += (size_t)n;
    }
    return 0;
}

void veil_seccomp_format_send_error(char *buf, size_t size, int errnum)
{
    /* a constant string, no locale, no allocation */
    const char *text = veil_strerror(errnum);
    snprintf(buf, size, "seccomp: send the seccomp fd to the listener: %s",
             text ? text : "Unknown error");
}
