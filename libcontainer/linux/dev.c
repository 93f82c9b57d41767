/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev inside the rootfs: device nodes (mknod, or a bind of the host node
 * when a user namespace forbids mknod), the standard symlinks, /dev/ptmx
 * and the /dev/console placeholder.  /dev is opened once inside the root and
 * every mknod, symlink and unlink is relative to that fd (or to the fd of a
 * subdirectory resolved inside the root), so a /dev symlink in the image
 * cannot point the work at the host (CVE-2026-41579 class).  Whatever the
 * image left at a node's name that is not that node (a symlink to
 * /proc/sys/kernel/core_pattern, say) is removed, never followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"

static mode_t node_type(char t)
{
    switch (t) {
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default:
        return S_IFCHR;
    }
}

/* "/dev/net/tun" -> "/dev/net" + "tun". */
static int split(const char *path, char *dir, char *name)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash[1] == '\0' || strlen(slash + 1) > NAME_MAX ||
        (size_t)(slash - path) >= PATH_MAX)
        return -1;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    if (dir[0] == '\0')
        strcpy(dir, "/");
    strcpy(name, slash + 1);
    return 0;
}

/* Removes name in dir unless it is an object of type `want` (S_IFMT bits)
 * and, for devices, rdev; *kept says whether it stayed. */
static int clear_name(int dir, const char *name, mode_t want, dev_t rdev, bool *kept,
                      const char *path, veil_error **err)
{
    struct stat st;
    *kept = false;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        return veil_error_set(err, errno, "stat %s", path);
    }
    if ((st.st_mode & S_IFMT) == want &&
        (!(S_ISCHR(want) || S_ISBLK(want)) || st.st_rdev == rdev)) {
        *kept = true;
        return 0;
    }
    if (unlinkat(dir, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
        return veil_error_set(err, errno, "remove %s (in the way of the device node)", path);
    return 0;
}

/* A regular file at dir/name to bind something over (never a symlink). */
static int make_placeholder(int dir, const char *name, const char *path, veil_error **err)
{
    bool kept = false;
    if (clear_name(dir, name, S_IFREG, 0, &kept, path, err) < 0)
        return -1;
    if (!kept) {
        int fd = openat(dir, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
            return veil_error_set(err, errno, "create %s", path);
        close(fd);
    }
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", path);
    return fd;
}

static int bind_host_node(int dir, const char *name, const veil_device_node *d, veil_error **err)
{
    _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
    if (src < 0)
        return veil_error_set(err, errno, "open the host device %s", d->path);
    struct stat st;
    if (fstat(src, &st) < 0 || (st.st_mode & S_IFMT) != node_type(d->type) ||
        major(st.st_rdev) != (unsigned)d->major || minor(st.st_rdev) != (unsigned)d->minor)
        return veil_error_set(err, 0, "host device %s is not %c %lld:%lld", d->path, d->type,
                              (long long)d->major, (long long)d->minor);
    _cleanup_close_ int target = make_placeholder(dir, name, d->path, err);
    if (target < 0)
        return -1;
    return veil_bind_fd(src, target, false, d->path, err);
}

static int make_node(int dir, const char *name, const veil_device_node *d, bool in_userns,
                     veil_error **err)
{
    if (in_userns && d->type != 'p')
        return bind_host_node(dir, name, d, err);
    mode_t type = node_type(d->type);
    dev_t dev = type == S_IFIFO ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
    bool kept = false;
    /* a fresh /dev has nothing in the way: look only when mknod says so */
    if (mknodat(dir, name, type | (d->mode & 07777), dev) < 0) {
        if (errno != EEXIST)
            return veil_error_set(err, errno, "mknod %s", d->path);
        if (clear_name(dir, name, type, dev, &kept, d->path, err) < 0)
            return -1;
        if (!kept && mknodat(dir, name, type | (d->mode & 07777), dev) < 0)
            return veil_error_set(err, errno, "mknod %s", d->path);
    }
    if (kept && fchmodat(dir, name, d->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0 &&
        errno != EOPNOTSUPP)
        return veil_error_set(err, errno, "chmod %s", d->path);
    if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return veil_error_set(err, errno, "chown %s", d->path);
    return 0;
}

static int make_symlink(int devfd, const char *target, const char *name, veil_error **err)
{
    if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
        return veil_error_set(err, errno, "symlink /dev/%s -> %s", name, target);
    return 0;
}

int veil_dev_setup(int rootfd, const veil_plan *plan, bool in_userns, veil_error **err)
{
    _cleanup_close_ int devfd = veil_mkdir_in_root(rootfd, "/dev", 0755, err);
    if (devfd < 0)
        return -1;
    for (size_t i = 0; i < plan->n_devices; i++) {
        const veil_device_node *d = &plan->devices[i];
        char dir[PATH_MAX], name[NAME_MAX + 1];
        if (split(d->path, dir, name) < 0)
            return veil_error_set(err, EINVAL, "device path %s", d->path);
        /* most nodes live right in /dev: reuse its fd */
        _cleanup_close_ int sub = -1;
        if (strcmp(dir, "/dev") != 0 &&
            (sub = veil_mkdir_in_root(rootfd, dir, 0755, err)) < 0)
            return -1;
        if (make_node(sub >= 0 ? sub : devfd, name, d, in_userns, err) < 0)
            return -1;
    }
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (make_symlink(devfd, links[i][0], links[i][1], err) < 0)
            return -1;
    if (access("/proc/kcore", F_OK) == 0 && make_symlink(devfd, "/proc/kcore", "core", err) < 0)
        return -1;
    /* /dev/ptmx must be the container's devpts ptmx */
    bool kept = false;
    if (clear_name(devfd, "ptmx", S_IFLNK, 0, &kept, "/dev/ptmx", err) < 0)
        return -1;
    if (kept && unlinkat(devfd, "ptmx", 0) < 0)
        return veil_error_set(err, errno, "remove /dev/ptmx");
    if (make_symlink(devfd, "pts/ptmx", "ptmx", err) < 0)
        return -1;
    /* the pty is bound over /dev/console after pivot_root (tty.c): the file
     * is made now, while /dev may still be written, and never a symlink */
    if (plan->process && plan->process->terminal) {
        int fd = make_placeholder(devfd, "console", "/dev/console", err);
        if (fd < 0)
            return -1;
        close(fd);
    }
    return 0;
}
