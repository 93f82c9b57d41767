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

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

void veil_fd_path(int fd, char buf[VEIL_FD_PATH_MAX])
{
    snprintf(buf, VEIL_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

static const struct {
    unsigned long ms;
    uint64_t attr;
} ms_attr[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NOATIME, MOUNT_ATTR_NOATIME},       {MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {MS_RELATIME, MOUNT_ATTR_RELATIME},     {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

uint64_t veil_ms_to_attr(unsigned long ms)
{
    uint64_t a = 0;
    for (size_t i = 0; i < sizeof(ms_attr) / sizeof(ms_attr[0]); i++)
        if (ms & ms_attr[i].ms)
            a |= ms_attr[i].attr;
    return a;
}

void veil_ms_to_attrs(unsigned long set_ms, unsigned long clr_ms, uint64_t *set, uint64_t *clr)
{
    *set = veil_ms_to_attr(set_ms);
    *clr = veil_ms_to_attr(clr_ms & ~set_ms);
    /* MOUNT_ATTR_RELATIME is 0: relatime (or clearing another mode) is
     * asked for by clearing the whole atime field */
    if ((set_ms | clr_ms) & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
        *clr |= MOUNT_ATTR__ATIME;
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

int veil_clone_tree(int dirfd, const char *path, bool recursive, const char *what,
                    veil_error **err)
{
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                     (*path ? 0 : AT_EMPTY_PATH);
    int fd = (int)syscall(SYS_open_tree, dirfd, path, flags);
    if (fd < 0)
        return veil_error_set(err, errno, "clone the mount of %s", what);
    return fd;
}

int veil_move_mount_fd(int tree_fd, int target_fd, const char *what, veil_error **err)
{
    if (syscall(SYS_move_mount, tree_fd, "", target_fd, "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return veil_error_set(err, errno, "mount %s", what);
    return 0;
}

/* MS_* flags for a remount that sets `set` and keeps the rest of sv. */
static unsigned long remount_flags(const struct statvfs *sv, uint64_t set, uint64_t clr)
{
    static const struct {
        unsigned long st, ms;
    } keep[] = {{ST_RDONLY, MS_RDONLY},   {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
                {ST_NOEXEC, MS_NOEXEC},   {ST_NOATIME, MS_NOATIME},       {ST_NODIRATIME, MS_NODIRATIME},
                {ST_RELATIME, MS_RELATIME}, {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW}};
    unsigned long f = 0;
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (sv->f_flag & keep[i].st)
            f |= keep[i].ms;
    for (size_t i = 0; i < sizeof(ms_attr) / sizeof(ms_attr[0]); i++)
        if (clr & ms_attr[i].attr)
            f &= ~ms_attr[i].ms;
    if (clr & MOUNT_ATTR__ATIME)
        f &= ~(MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
    for (size_t i = 0; i < sizeof(ms_attr) / sizeof(ms_attr[0]); i++)
        if (set & ms_attr[i].attr)
            f |= ms_attr[i].ms;
    return f;
}

/* Kernels without mount_setattr: a bind remount that names every flag. */
static int setattr_by_remount(int fd, uint64_t set, uint64_t clr, const char *what,
                              veil_error **err)
{
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0)
        return veil_error_set(err, errno, "statvfs %s", what);
    char p[VEIL_FD_PATH_MAX];
    veil_fd_path(fd, p);
    if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | remount_flags(&sv, set, clr), NULL) < 0)
        return veil_error_set(err, errno, "remount %s", what);
    return 0;
}

static int setattr(int fd, uint64_t set, uint64_t clr, uint64_t prop, bool recursive)
{
    struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = prop};
    /* the atime mode is one field: it is cleared as a whole to set another */
    if ((set | clr) & MOUNT_ATTR__ATIME)
        attr.attr_clr |= MOUNT_ATTR__ATIME;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    return (int)syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof(attr));
}

int veil_mount_setattr_fd(int fd, uint64_t set, uint64_t clr, bool recursive, const char *what,
                          veil_error **err)
{
    if (set == 0 && clr == 0)
        return 0;
    if (setattr(fd, set, clr, 0, recursive) == 0)
        return 0;
    if (errno == ENOSYS && !recursive)
        return setattr_by_remount(fd, set, clr, what, err);
    if (errno == EPERM) {
        /* locked in a user namespace: keep what is set now, apply the rest */
        struct statvfs sv;
        if (fstatvfs(fd, &sv) == 0) {
            uint64_t locked = veil_ms_to_attr(remount_flags(&sv, 0, 0));
            uint64_t keep_atime = (locked & MOUNT_ATTR__ATIME) ? MOUNT_ATTR__ATIME : 0;
            uint64_t s2 = set, c2 = clr & ~locked;
            if (keep_atime) {
                s2 &= ~MOUNT_ATTR__ATIME;
                c2 &= ~MOUNT_ATTR__ATIME;
            }
            if ((s2 != set || c2 != clr) && (s2 || c2) && setattr(fd, s2, c2, 0, recursive) == 0)
                return 0;
            errno = EPERM;
        }
    }
    return veil_error_set(err, errno, "set the mount attributes of %s", what);
}

int veil_remount_fd(int target_fd, unsigned long flags, const char *what, veil_error **err)
{
    return veil_mount_setattr_fd(target_fd, veil_ms_to_attr(flags), 0, false, what, err);
}

int veil_mount_propagation_fd(int target_fd, unsigned long propagation, const char *what,
                              veil_error **err)
{
    if (propagation == 0)
        return 0;
    uint64_t type = propagation & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
    if (setattr(target_fd, 0, 0, type, (propagation & MS_REC) != 0) == 0)
        return 0;
    if (errno != ENOSYS)
        return veil_error_set(err, errno, "set the propagation of %s", what);
    char p[VEIL_FD_PATH_MAX];
    veil_fd_path(target_fd, p);
    if (mount(NULL, p, NULL, propagation, NULL) < 0)
        return veil_error_set(err, errno, "set the propagation of %s", what);
    return 0;
}

int veil_bind_fd(int source_fd, int target_fd, bool recursive, const char *what, veil_error **err)
{
    int tree = (int)syscall(SYS_open_tree, source_fd, "",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                (recursive ? AT_RECURSIVE : 0));
    if (tree >= 0) {
        int r = veil_move_mount_fd(tree, target_fd, what, err);
        close(tree);
        return r;
    }
    if (errno != ENOSYS)
        return veil_error_set(err, errno, "bind mount %s", what);
    char s[VEIL_FD_PATH_MAX], t[VEIL_FD_PATH_MAX];
    veil_fd_path(source_fd, s);
    veil_fd_path(target_fd, t);
    if (mount(s, t, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
        return veil_error_set(err, errno, "bind mount %s", what);
    return 0;
}
