/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's terminal: a pty from the container's own devpts, the
 * peer taken with TIOCGPTPEER from the master (never by a /dev/pts/N path
 * an image could swap), bound over /dev/console, made the controlling
 * terminal and stdio of init (an exec'd process gets the same without
 * /dev/console).  The master goes to the caller's console
 * socket as one SCM_RIGHTS message, the runc wire format.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <termios.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int veil_tty_open(const veil_plan_process *p, int *master_out, int *peer_out, veil_error **err)
{
    _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return veil_error_set(err, errno, "open /dev/ptmx in the container");
    struct statfs sfs;
    if (fstatfs(master, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
        return veil_error_set(err, 0, "/dev/ptmx in the container is not on a devpts filesystem");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return veil_error_set(err, errno, "unlock the pty");
    _cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return veil_error_set(err, errno, "open the pty peer");
    if (p->has_console_size) {
        struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                             .ws_col = (unsigned short)p->console_width};
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
            return veil_error_set(err, errno, "set the console size");
    }
    *master_out = steal_fd(&master);
    *peer_out = steal_fd(&slave);
    return 0;
}

int veil_tty_attach(int peer, veil_error **err)
{
    if (setsid() < 0)
        return veil_error_set(err, errno, "setsid");
    if (ioctl(peer, TIOCSCTTY, 0) < 0)
        return veil_error_set(err, errno, "make the pty the controlling terminal");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(peer, fd) < 0)
            return veil_error_set(err, errno, "dup2 the pty to fd %d", fd);
    return 0;
}

int veil_tty_setup(const veil_plan_process *p, int *master_out, veil_error **err)
{
    _cleanup_close_ int master = -1, slave = -1;
    if (veil_tty_open(p, &master, &slave, err) < 0)
        return -1;
    /* /dev/console: the file dev.c made (or the host's node when /dev is a
     * bind), reached without any symlink, then the peer bound over it by fd */
    _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return veil_error_set(err, errno, "open /");
    veil_error *e = NULL;
    _cleanup_close_ int console = veil_open_in_root_nosymlinks(rootfd, "/dev/console", O_PATH, &e);
    if (console < 0 && e->errnum == ENOENT) {
        veil_error_free(e);
        e = NULL;
        console = veil_mkfile_in_root(rootfd, "/dev/console", 0600, err);
        if (console < 0)
            return -1;
    }
    if (console < 0) {
        if (e->errnum == ELOOP) {
            veil_error_free(e);
            return veil_error_set(err, 0, "/dev/console is a symlink; refusing to mount the pty "
                                          "there");
        }
        *err = e;
        return -1;
    }
    if (veil_bind_fd(slave, console, false, "the pty on /dev/console", err) < 0)
        return -1;
    if (veil_tty_attach(slave, err) < 0)
        return -1;
    *master_out = steal_fd(&master);
    return 0;
}

int veil_tty_send_master(int console_fd, int master, veil_error **err)
{
    static const char name[] = "/dev/ptmx";
    struct iovec iov = {(void *)name, sizeof(name) - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    ssize_t r;
    do
        r = sendmsg(console_fd, &msg, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return veil_error_set(err, errno, "send the pty master to the console socket");
    return 0;
}
