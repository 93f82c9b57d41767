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

int veil_container_run(const veil_context *ctx, const veil_run_options *opts, int *status,
                       veil_error **err)
{
    *status = 0;
    /* Signals arrive through a signalfd; blocked before the clone so none is
     * lost, unblocked in init before it execs. */
    sigset_t fwd, old;
    veil_forward_sigset(&fwd);
    if (!opts->detach)
        sigprocmask(SIG_BLOCK, &fwd, &old);
    veil_created c;
    /* started right here: over the sync channel, no start socket file */
    if (veil_container_do_create(ctx, &opts->create, !opts->detach, true, &c, err) < 0) {
        if (!opts->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (veil_container_start_created(ctx, &c, err) < 0) {
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
    *status = veil_supervise(c.pid, c.pidfd, c.pty_master, sfd);
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
