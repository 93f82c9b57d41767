/* SPDX-License-Identifier: Apache-2.0 */
/*
 * After pivot_root: sysctls, read-only paths, masked paths, the read-only
 * root and the final propagation of "/".  Paths are container paths now,
 * still resolved with openat2 inside the root (no magic links).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"

/* /dev/null as veil made it: a char device 1:3, nothing else; whatever a
 * symlink the image put there leads to (core_pattern, say) is refused
 * (CVE-2025-31133). */
static int open_verified_null(int rootfd, veil_error **err)
{
    int fd = veil_open_in_root(rootfd, "/dev/null", O_PATH, err);
    if (fd < 0)
        return veil_error_prefix(err, "mask paths");
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        return veil_error_set(err, 0, "/dev/null in the container is not the null device (1:3)");
    }
    return fd;
}

/* Opens path in the root; a missing path is *fd = -1 and no error. */
static int open_optional(int rootfd, const char *path, int *fd, const char *doing,
                         veil_error **err)
{
    veil_error *e = NULL;
    *fd = veil_open_in_root(rootfd, path, O_PATH, &e);
    if (*fd >= 0)
        return 0;
    int code = e->errnum;
    veil_error_free(e);
    if (code == ENOENT)
        return 0;
    return veil_error_set(err, code, "%s %s", doing, path);
}

static int mask_path(int rootfd, int *nullfd, int *emptyfs, const char *path, veil_error **err)
{
    _cleanup_close_ int fd = -1;
    if (open_optional(rootfd, path, &fd, "mask", err) < 0)
        return -1;
    if (fd < 0)
        return 0; /* nothing to hide */
    struct stat st;
    if (fstat(fd, &st) < 0)
        return veil_error_set(err, errno, "mask %s", path);
    _cleanup_close_ int tree = -1;
    if (S_ISDIR(st.st_mode)) {
        /* one empty read-only tmpfs, cloned for each directory */
        if (*emptyfs < 0) {
            if (veil_mount_on_fd("tmpfs", fd, "tmpfs",
                                 MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555",
                                 path, err) < 0)
                return -1;
            *emptyfs = veil_open_in_root(rootfd, path, O_PATH | O_DIRECTORY, err);
            return *emptyfs < 0 ? -1 : 0;
        }
        tree = veil_clone_tree(*emptyfs, "", false, path, err);
    } else {
        if (*nullfd < 0 && (*nullfd = open_verified_null(rootfd, err)) < 0)
            return -1;
        tree = veil_clone_tree(*nullfd, "", false, path, err);
    }
    if (tree < 0 || veil_move_mount_fd(tree, fd, path, err) < 0)
        return veil_error_prefix(err, "mask %s", path);
    return 0;
}

/* A read-only recursive bind of path over itself, the other flags kept. */
static int readonly_path(int rootfd, const char *path, veil_error **err)
{
    _cleanup_close_ int fd = -1;
    if (open_optional(rootfd, path, &fd, "make read-only", err) < 0)
        return -1;
    if (fd < 0)
        return 0;
    _cleanup_close_ int tree = veil_clone_tree(fd, "", true, path, err);
    if (tree < 0 || veil_mount_setattr_fd(tree, MOUNT_ATTR_RDONLY, 0, true, path, err) < 0 ||
        veil_move_mount_fd(tree, fd, path, err) < 0)
        return veil_error_prefix(err, "make %s read-only", path);
    return 0;
}

/* "net.ipv4.conf.eth0/100.rp_filter" (the plan's form) ->
 * "sys/net/ipv4/conf/eth0.100/rp_filter"; NULL for a key whose elements
 * are empty, "." or "..". */
static char *sysctl_rel(const char *key)
{
    char *rel = NULL;
    if (asprintf(&rel, "sys/%s", key) < 0)
        return NULL;
    for (char *p = rel + 4; *p; p++)
        *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
    for (char *e = rel + 4; e; e = strchr(e, '/') ? strchr(e, '/') + 1 : NULL) {
        size_t n = strcspn(e, "/");
        if (n == 0 || (n == 1 && e[0] == '.') || (n == 2 && e[0] == '.' && e[1] == '.')) {
            free(rel);
            errno = EINVAL;
            return NULL;
        }
    }
    return rel;
}

/* Sysctls go through the container's procfs, verified (procfs.c): nothing
 * mounted over /proc or any part of the path can take the write. */
static int write_sysctls(const veil_plan *plan, veil_error **err)
{
    _cleanup_close_ int proc = veil_procfs_root(AT_FDCWD, "/proc", err);
    if (proc < 0)
        return veil_error_prefix(err, "sysctl");
    for (size_t i = 0; i < plan->sysctl.n; i++) {
        const char *key = plan->sysctl.items[i].key, *value = plan->sysctl.items[i].value;
        _cleanup_free_ char *rel = sysctl_rel(key);
        if (rel == NULL && errno == EINVAL)
            return veil_error_set(err, 0, "sysctl \"%s\": not a valid key", key);
        if (rel == NULL)
            return veil_error_set(err, ENOMEM, "sysctl \"%s\"", key);
        if (veil_procfs_write(proc, rel, value, strlen(value), err) < 0)
            return veil_error_prefix(err, "sysctl %s = %s", key, value);
    }
    return 0;
}

int veil_sysctl_check_netns(const veil_plan *plan, veil_error **err)
{
    const char *path = NULL;
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == VEIL_NS_NETWORK)
            path = plan->namespaces[i].path;
    if (path == NULL)
        return 0;
    for (size_t i = 0; i < plan->sysctl.n; i++) {
        const char *key = plan->sysctl.items[i].key;
        if (strncmp(key, "net.", 4) != 0)
            continue;
        /* the runtime's own network namespace is the host's */
        struct stat joined, own;
        if (stat(path, &joined) < 0)
            return veil_error_set(err, errno, "stat the network namespace %s", path);
        if (stat("/proc/self/ns/net", &own) < 0)
            return veil_error_set(err, errno, "stat /proc/self/ns/net");
        if (joined.st_dev == own.st_dev && joined.st_ino == own.st_ino)
            return veil_error_set(err, 0,
                                  "linux.sysctl: \"%s\" is not allowed in the host's network "
                                  "namespace (%s)",
                                  key, path);
        return 0;
    }
    return 0;
}

int veil_rootfs_finalize(const veil_plan *plan, veil_error **err)
{
    _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return veil_error_set(err, errno, "open /");
    if (plan->sysctl.n > 0 && write_sysctls(plan, err) < 0)
        return -1;
    for (size_t i = 0; i < plan->n_readonly_paths; i++)
        if (readonly_path(rootfd, plan->readonly_paths[i], err) < 0)
            return -1;
    _cleanup_close_ int nullfd = -1, emptyfs = -1;
    for (size_t i = 0; i < plan->n_masked_paths; i++)
        if (mask_path(rootfd, &nullfd, &emptyfs, plan->masked_paths[i], err) < 0)
            return -1;
    if (plan->rootfs_readonly && veil_remount_fd(rootfd, MS_RDONLY, "/", err) < 0)
        return veil_error_prefix(err, "make the root read-only");
    if (plan->rootfs_propagation & (MS_SHARED | MS_UNBINDABLE | MS_PRIVATE)) {
        if (mount(NULL, "/", NULL, plan->rootfs_propagation, NULL) < 0)
            return veil_error_set(err, errno, "set the propagation of /");
    }
    return 0;
}
