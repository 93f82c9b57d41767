/* SPDX-License-Identifier: Apache-2.0 */
/*
 * After pivot_root: masked paths, read-only paths, sysctls, the read-only
 * root and the final propagation of "/".  Paths are plain container paths
 * now, still resolved with openat2 so /proc magic links are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* /dev/null as created by veil: a char device 1:3, nothing else. */
static int open_verified_null(veil_error **err)
{
    int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open /dev/null to mask paths");
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        return veil_error_set(err, 0, "/dev/null in the container is not the null device (1:3)");
    }
    return fd;
}

static int mask_path(int rootfd, int *nullfd, const char *path, veil_error **err)
{
    _cleanup_close_ int fd = -1;
    veil_error *e = NULL;
    fd = veil_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, &e);
    if (fd < 0) {
        int code = e ? e->errnum : 0;
        veil_error_free(e);
        if (code == ENOENT || code == ELOOP)
            return 0; /* nothing to hide (or a symlink: not followed, not masked) */
        return veil_error_set(err, code, "mask %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        return veil_error_set(err, errno, "mask %s", path);
    if (S_ISDIR(st.st_mode))
        return veil_mount_on_fd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                "size=0,mode=0555", path, err);
    if (*nullfd < 0 && (*nullfd = open_verified_null(err)) < 0)
        return -1;
    return veil_bind_fd(*nullfd, fd, false, path, err);
}

static int readonly_path(int rootfd, const char *path, veil_error **err)
{
    veil_error *e = NULL;
    _cleanup_close_ int fd = veil_open_in_root(rootfd, path, O_PATH, &e);
    if (fd < 0) {
        int code = e ? e->errnum : 0;
        veil_error_free(e);
        if (code == ENOENT)
            return 0;
        return veil_error_set(err, code, "make %s read-only", path);
    }
    if (veil_bind_fd(fd, fd, true, path, err) < 0)
        return -1;
    _cleanup_close_ int top = veil_open_in_root(rootfd, path, O_PATH, err);
    if (top < 0)
        return -1;
    return veil_remount_fd(top, MS_RDONLY | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC, path, err);
}

/* Writes a sysctl through the container's /proc, after checking it is a
 * real procfs and not something mounted over it. */
static int write_sysctl(int procsys, const char *key, const char *value, veil_error **err)
{
    _cleanup_free_ char *rel = strdup(key);
    if (rel == NULL)
        return veil_error_set(err, ENOMEM, "sysctl %s", key);
    for (char *p = rel; *p; p++)
        if (*p == '.')
            *p = '/';
    _cleanup_close_ int fd = veil_open_in_root_nosymlinks(procsys, rel, O_WRONLY, err);
    if (fd < 0)
        return veil_error_prefix(err, "sysctl %s", key);
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return veil_error_set(err, 0, "sysctl %s: /proc/sys/%s is not on procfs", key, rel);
    if (veil_write_all(fd, value, strlen(value)) < 0)
        return veil_error_set(err, errno, "sysctl %s = %s", key, value);
    return 0;
}

int veil_rootfs_finalize(const veil_plan *plan, veil_error **err)
{
    _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return veil_error_set(err, errno, "open /");
    if (plan->sysctl.n > 0) {
        _cleanup_close_ int procsys = veil_open_in_root_nosymlinks(rootfd, "/proc/sys",
                                                                   O_PATH | O_DIRECTORY, err);
        if (procsys < 0)
            return veil_error_prefix(err, "sysctl");
        struct statfs sfs;
        if (fstatfs(procsys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
            return veil_error_set(err, 0, "sysctl: /proc/sys is not on procfs");
        for (size_t i = 0; i < plan->sysctl.n; i++)
            if (write_sysctl(procsys, plan->sysctl.items[i].key, plan->sysctl.items[i].value,
                             err) < 0)
                return -1;
    }
    for (size_t i = 0; i < plan->n_readonly_paths; i++)
        if (readonly_path(rootfd, plan->readonly_paths[i], err) < 0)
            return -1;
    _cleanup_close_ int nullfd = -1;
    for (size_t i = 0; i < plan->n_masked_paths; i++)
        if (mask_path(rootfd, &nullfd, plan->masked_paths[i], err) < 0)
            return -1;
    if (plan->rootfs_readonly) {
        _cleanup_close_ int top = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (top < 0 || veil_remount_fd(top, MS_RDONLY, "/", err) < 0)
            return veil_error_prefix(err, "make the root read-only");
    }
    if (plan->rootfs_propagation & (MS_SHARED | MS_UNBINDABLE | MS_PRIVATE)) {
        if (mount(NULL, "/", NULL, plan->rootfs_propagation, NULL) < 0)
            return veil_error_set(err, errno, "set the propagation of /");
    }
    return 0;
}
