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
        if (syscall(SYS_pivot_root, ".", ".") < 0)
            return veil_error_set(err, errno, "pivot_root into %s", plan->rootfs);
        /* the old root is now stacked on "/": keep its events away, then drop it */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
            return veil_error_set(err, errno, "make the old root a slave mount");
        if (umount2(".", MNT_DETACH) < 0)
            return veil_error_set(err, errno, "detach the old root");
    }
    if (chdir("/") < 0)
        return veil_error_set(err, errno, "chdir /");
    return 0;
}
