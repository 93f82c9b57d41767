/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev inside the rootfs: device nodes (mknod, or a bind of the host node
 * when a user namespace forbids mknod) and the standard symlinks.  Every
 * operation is relative to the /dev dirfd resolved inside the root, so a
 * /dev symlink in the image cannot point the work at the host.
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

static int bind_host_node(int rootfd, const veil_device_node *d, veil_error **err)
{
    _cleanup_close_ int target = veil_mkfile_in_root(rootfd, d->path, 0644, err);
    if (target < 0)
        return -1;
    _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
    if (src < 0)
        return veil_error_set(err, errno, "open the host device %s", d->path);
    struct stat st;
    if (fstat(src, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) ||
        major(st.st_rdev) != (unsigned)d->major || minor(st.st_rdev) != (unsigned)d->minor)
        return veil_error_set(err, 0, "host device %s is not %c %lld:%lld", d->path, d->type,
                              (long long)d->major, (long long)d->minor);
    return veil_bind_fd(src, target, false, d->path, err);
}

static int make_node(int rootfd, const veil_device_node *d, bool in_userns, veil_error **err)
{
    char dir[PATH_MAX], name[NAME_MAX + 1];
    if (split(d->path, dir, name) < 0)
        return veil_error_set(err, EINVAL, "device path %s", d->path);
    if (in_userns && d->type != 'p')
        return bind_host_node(rootfd, d, err);
    _cleanup_close_ int parent = veil_mkdir_in_root(rootfd, dir, 0755, err);
    if (parent < 0)
        return -1;
    dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
    if (mknodat(parent, name, node_type(d->type) | (d->mode & 07777), dev) < 0) {
        if (errno != EEXIST)
            return veil_error_set(err, errno, "mknod %s", d->path);
        /* something is already there: it must be the node we want */
        struct stat st;
        if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return veil_error_set(err, errno, "stat %s", d->path);
        if ((st.st_mode & S_IFMT) != node_type(d->type) || st.st_rdev != dev) {
            if (unlinkat(parent, name, 0) < 0 ||
                mknodat(parent, name, node_type(d->type) | (d->mode & 07777), dev) < 0)
                return veil_error_set(err, errno, "mknod %s", d->path);
        }
    }
    if (fchownat(parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
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
    for (size_t i = 0; i < plan->n_devices; i++)
        if (make_node(rootfd, &plan->devices[i], in_userns, err) < 0)
            return -1;
    _cleanup_close_ int devfd = veil_mkdir_in_root(rootfd, "/dev", 0755, err);
    if (devfd < 0)
        return -1;
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
    if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
        return veil_error_set(err, errno, "remove /dev/ptmx");
    return make_symlink(devfd, "pts/ptmx", "ptmx", err);
}
