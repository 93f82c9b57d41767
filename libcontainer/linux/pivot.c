/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root switch.  pivot_root(".", ".") stacks the old root under the new
 * one; detaching it leaves no path to the host.  With no_pivot (asked for
 * explicitly) the rootfs is moved over "/" and chroot'ed into instead, which
 * a root process inside can escape: it is only for filesystems that cannot
 * pivot (ramfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/linux.h"

int veil_rootfs_pivot(const veil_plan *plan, int rootfd, veil_error **err)
{
    if (fchdir(rootfd) < 0)
        return veil_error_set(err, errno, "chdir to the rootfs %s", plan->rootfs);
    if (plan->no_pivot) {
        if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
            return veil_error_set(err, errno, "move the rootfs over /");
        if (chroot(".") < 0)
            return veil_error_set(err, errno, "chroot into the rootfs");
    } else {
        /* the old root, to act on it (and only on it) after the switch */
        int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (oldroot < 0)
            return veil_error_set(err, errno, "open the old root");
        if (syscall(SYS_pivot_root, ".", ".") < 0) {
            int e = errno;
            close(oldroot);
            return veil_error_set(err, e, "pivot_root into %s", plan->rootfs);
        }
        /* "." would name the new root: its mounts keep their propagation */
        int r = fchdir(oldroot);
        int e = errno;
        close(oldroot);
        if (r < 0)
            return veil_error_set(err, e, "chdir to the old root");
        /* the old root is stacked on "/": keep its events away, then drop it */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
            return veil_error_set(err, errno, "make the old root a slave mount");
        if (umount2(".", MNT_DETACH) < 0)
            return veil_error_set(err, errno, "detach the old root");
    }
    if (chdir("/") < 0)
        return veil_error_set(err, errno, "chdir /");
    return 0;
}
