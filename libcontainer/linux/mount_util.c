/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/mount_util.h"

void veil_fd_path(int fd, char buf[VEIL_FD_PATH_MAX])
{
    snprintf(buf, VEIL_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

int veil_mount_on_fd(const char *source, int target_fd, const char *type, unsigned long flags,
                     const char *data, const char *what, veil_error **err)
{
    char p[VEIL_FD_PATH_MAX];
    veil_fd_path(target_fd, p);
    if (mount(source, p, type, flags, data) < 0)
        return veil_error_set(err, errno, "mount %s", what);
    return 0;
}

int veil_remount_fd(int target_fd, unsigned long flags, const char *what, veil_error **err)
{
    char p[VEIL_FD_PATH_MAX];
    veil_fd_path(target_fd, p);
    unsigned long f = MS_REMOUNT | MS_BIND | flags;
    if (mount(NULL, p, NULL, f, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return veil_error_set(err, errno, "remount %s", what);
    /* In a user namespace the kernel refuses to clear locked flags: keep them. */
    struct statvfs sv;
    if (fstatvfs(target_fd, &sv) < 0)
        return veil_error_set(err, errno, "remount %s", what);
    static const struct {
        unsigned long st, ms;
    } keep[] = {{ST_RDONLY, MS_RDONLY},       {ST_NOSUID, MS_NOSUID},
                {ST_NODEV, MS_NODEV},         {ST_NOEXEC, MS_NOEXEC},
                {ST_NOATIME, MS_NOATIME},     {ST_NODIRATIME, MS_NODIRATIME},
                {ST_RELATIME, MS_RELATIME}};
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (sv.f_flag & keep[i].st)
            f |= keep[i].ms;
    if (mount(NULL, p, NULL, f, NULL) < 0)
        return veil_error_set(err, errno, "remount %s", what);
    return 0;
}

int veil_mount_setattr_fd(int target_fd, uint64_t set, uint64_t clr, bool recursive,
                          const char *what, veil_error **err)
{
    if (set == 0 && clr == 0)
        return 0;
    struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
    /* the atime mode is one field: clearing it is needed to set another */
    if (set & MOUNT_ATTR__ATIME)
        attr.attr_clr |= MOUNT_ATTR__ATIME;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, target_fd, "", flags, &attr, sizeof(attr)) < 0)
        return veil_error_set(err, errno, "set recursive mount attributes on %s", what);
    return 0;
}

int veil_mount_propagation_fd(int target_fd, unsigned long propagation, const char *what,
                              veil_error **err)
{
    if (propagation == 0)
        return 0;
    char p[VEIL_FD_PATH_MAX];
    veil_fd_path(target_fd, p);
    if (mount(NULL, p, NULL, propagation, NULL) < 0)
        return veil_error_set(err, errno, "set the propagation of %s", what);
    return 0;
}

int veil_bind_fd(int source_fd, int target_fd, bool recursive, const char *what, veil_error **err)
{
    char s[VEIL_FD_PATH_MAX], t[VEIL_FD_PATH_MAX];
    veil_fd_path(source_fd, s);
    veil_fd_path(target_fd, t);
    if (mount(s, t, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
        return veil_error_set(err, errno, "bind mount %s", what);
    return 0;
}
