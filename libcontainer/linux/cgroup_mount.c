/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup filesystem inside the container, read-only unless the options
 * say "rw" (a writable host cgroup tree is how rootless containers without
 * a cgroup namespace escaped their limits: CVE-2023-25809).
 *  - cgroup v2 host: a fresh cgroup2 mount when the container has a cgroup
 *    namespace (it shows the namespace's root), else a bind of the
 *    container's own cgroup directory;
 *  - v1 and hybrid hosts: a tmpfs with one directory per hierarchy, each a
 *    bind of the container's cgroup in that hierarchy, and the symlinks of
 *    co-mounted controllers (cpu -> cpu,cpuacct).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <linux/mount.h> /* MOUNT_ATTR_* (glibc also has them in sys/mount.h, musl not) */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/mount_util.h"
#include "linux/rootfs_internal.h"
#include "util/cleanup.h"

/* Binds host (a directory of the host's cgroup tree) onto target, with the
 * attributes set before it is attached. */
static int bind_ro(const char *host, int target, uint64_t attrs, const char *what,
                   veil_error **err)
{
    _cleanup_close_ int tree = veil_clone_tree(AT_FDCWD, host, false, host, err);
    if (tree < 0)
        return -1;
    if (veil_mount_setattr_fd(tree, attrs, 0, false, what, err) < 0)
        return -1;
    return veil_move_mount_fd(tree, target, what, err);
}

static int mount_v1(rootfs_ctx *c, const veil_mount_step *m, int target, uint64_t attrs,
                    veil_error **err)
{
    const char *cg = c->a->cgroup_path ? c->a->cgroup_path : "";
    if (veil_mount_on_fd("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755",
                         m->destination, err) < 0)
        return -1;
    _cleanup_close_ int top = veil_open_in_root(c->rootfd, m->destination, O_PATH | O_DIRECTORY,
                                                err);
    if (top < 0)
        return -1;
    _cleanup_closedir_ DIR *d = opendir(VEIL_HOST_CGROUP_ROOT);
    if (d == NULL)
        return veil_error_set(err, errno, "open %s", VEIL_HOST_CGROUP_ROOT);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char host[4200], dest[4200];
        snprintf(dest, sizeof(dest), "%s/%s", m->destination, de->d_name);
        if (de->d_type == DT_LNK) {
            /* co-mounted controllers: cpu -> cpu,cpuacct */
            char link[256];
            ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
            if (n <= 0)
                continue;
            link[n] = '\0';
            if (strchr(link, '/'))
                continue; /* only names of sibling hierarchies */
            if (symlinkat(link, top, de->d_name) < 0 && errno != EEXIST)
                return veil_error_set(err, errno, "symlink %s", dest);
            continue;
        }
        if (de->d_type != DT_DIR)
            continue;
        snprintf(host, sizeof(host), "%s/%s", VEIL_HOST_CGROUP_ROOT, de->d_name);
        /* relative cgroup paths differ per hierarchy (each is below veil's
         * own cgroup there): the container's cgroup knows its directories */
        const char *mine = c->a->opts && c->a->opts->cgroup
                               ? veil_cgroup_dir_at(c->a->opts->cgroup, host)
                               : NULL;
        if (mine)
            snprintf(host, sizeof(host), "%s", mine);
        else
            snprintf(host, sizeof(host), "%s/%s%s", VEIL_HOST_CGROUP_ROOT, de->d_name, cg);
        if (faccessat(AT_FDCWD, host, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* a hierarchy the container has no cgroup in */
        /* the new tmpfs is ours: plain names below its fd are safe */
        if (mkdirat(top, de->d_name, 0755) < 0 && errno != EEXIST)
            return veil_error_set(err, errno, "mkdir %s", dest);
        _cleanup_close_ int sub = openat(top, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
                                                             O_CLOEXEC);
        if (sub < 0)
            return veil_error_set(err, errno, "open %s", dest);
        if (bind_ro(host, sub, attrs | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                    dest, err) < 0)
            return -1;
    }
    if (attrs & MOUNT_ATTR_RDONLY)
        return veil_mount_setattr_fd(top, MOUNT_ATTR_RDONLY, 0, false, m->destination, err);
    return 0;
}

static bool has_cgroupns(const veil_plan *plan)
{
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == VEIL_NS_CGROUP)
            return true;
    return false;
}

int veil_cgroup_mount(rootfs_ctx *c, const veil_mount_step *m, int target, veil_error **err)
{
    struct statfs sfs;
    if (statfs(VEIL_HOST_CGROUP_ROOT, &sfs) < 0)
        return veil_error_set(err, errno, "statfs %s", VEIL_HOST_CGROUP_ROOT);
    /* read-only unless asked for rw */
    bool rw = (m->clear_flags & MS_RDONLY) && !(m->flags & MS_RDONLY);
    unsigned long flags = (m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)) | (rw ? 0 : MS_RDONLY);
    uint64_t attrs = veil_ms_to_attr(flags);
    if (sfs.f_type != CGROUP2_SUPER_MAGIC)
        return mount_v1(c, m, target, attrs, err);
    if (has_cgroupns(c->plan))
        return veil_mount_on_fd("cgroup2", target, "cgroup2", flags, NULL, m->destination, err);
    char host[4200];
    snprintf(host, sizeof(host), "%s%s", VEIL_HOST_CGROUP_ROOT,
             c->a->cgroup_path ? c->a->cgroup_path : "");
    return bind_ro(host, target, attrs, m->destination, err);
}
