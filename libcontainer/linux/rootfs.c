/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root filesystem, in init's new mount namespace: stop host
 * mount events from propagating in, make the rootfs a mount point, mount the
 * config's mounts in order onto fds resolved inside the rootfs, set up /dev.
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
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"

/* Destinations the kernel treats specially: they must be real directories,
 * not symlinks the image planted (CVE-2019-19921 and its successors). */
static bool needs_real_dir(const char *dest)
{
    return strcmp(dest, "/proc") == 0 || strcmp(dest, "/sys") == 0 ||
           strncmp(dest, "/proc/", 6) == 0 || strncmp(dest, "/sys/", 5) == 0;
}

static int open_real_dir(int rootfd, const char *dest, veil_error **err)
{
    _cleanup_close_ int made = veil_mkdir_in_root(rootfd, dest, 0755, err);
    if (made < 0)
        return -1;
    int fd = veil_open_in_root_nosymlinks(rootfd, dest, O_PATH | O_DIRECTORY, err);
    if (fd < 0 && (*err)->errnum == ELOOP)
        return veil_error_set(err, 0,
                              "mount destination %s is a symlink in the rootfs: it must be a "
                              "real directory",
                              dest);
    return fd;
}

static int source_is_dir(const char *source, bool *is_dir, veil_error **err)
{
    struct stat st;
    if (stat(source, &st) < 0)
        return veil_error_set(err, errno, "stat the mount source %s", source);
    *is_dir = S_ISDIR(st.st_mode);
    return 0;
}

/* After mounting, the fd still names the covered directory: reopen. */
static int reopen_dest(int rootfd, const char *dest, veil_error **err)
{
    return veil_open_in_root(rootfd, dest, O_PATH, err);
}

static int finish_mount(int rootfd, const veil_mount_step *m, unsigned long remount_flags,
                        veil_error **err)
{
    bool need_remount = remount_flags != 0;
    if (!need_remount && m->propagation == 0 && m->attr_set == 0 && m->attr_clr == 0)
        return 0;
    _cleanup_close_ int fd = reopen_dest(rootfd, m->destination, err);
    if (fd < 0)
        return -1;
    if (need_remount && veil_remount_fd(fd, remount_flags, m->destination, err) < 0)
        return -1;
    if (veil_mount_propagation_fd(fd, m->propagation, m->destination, err) < 0)
        return -1;
    return veil_mount_setattr_fd(fd, m->attr_set, m->attr_clr, true, m->destination, err);
}

static int mount_bind(int rootfd, const veil_mount_step *m, veil_error **err)
{
    bool is_dir = false;
    if (source_is_dir(m->source, &is_dir, err) < 0)
        return -1;
    _cleanup_close_ int target = is_dir ? veil_mkdir_in_root(rootfd, m->destination, 0755, err)
                                        : veil_mkfile_in_root(rootfd, m->destination, 0644, err);
    if (target < 0)
        return -1;
    _cleanup_close_ int src = open(m->source, O_PATH | O_CLOEXEC);
    if (src < 0)
        return veil_error_set(err, errno, "open the mount source %s", m->source);
    char what[4200];
    snprintf(what, sizeof(what), "%s on %s", m->source, m->destination);
    if (veil_bind_fd(src, target, (m->flags & MS_REC) != 0, what, err) < 0)
        return -1;
    unsigned long extra = m->flags & ~(MS_BIND | MS_REC);
    return finish_mount(rootfd, m, extra, err);
}

static int mount_fs(int rootfd, const veil_mount_step *m, veil_error **err)
{
    _cleanup_close_ int target = needs_real_dir(m->destination)
                                     ? open_real_dir(rootfd, m->destination, err)
                                     : veil_mkdir_in_root(rootfd, m->destination, 0755, err);
    if (target < 0)
        return -1;
    char what[4200];
    snprintf(what, sizeof(what), "%s (%s) on %s", m->source ? m->source : m->type, m->type,
             m->destination);
    const char *source = m->source ? m->source : m->type;
    if (veil_mount_on_fd(source, target, m->type, m->flags, m->data, what, err) < 0)
        return -1;
    return finish_mount(rootfd, m, 0, err);
}

static int mount_overlay(int rootfd, const veil_mount_step *m, veil_error **err)
{
    _cleanup_close_ int target = veil_mkdir_in_root(rootfd, m->destination, 0755, err);
    if (target < 0)
        return -1;
    size_t len = 64 + (m->data ? strlen(m->data) : 0);
    for (size_t i = 0; i < m->n_overlay_lower; i++)
        len += strlen(m->overlay_lower[i]) + 1;
    len += (m->overlay_upper ? strlen(m->overlay_upper) : 0) +
           (m->overlay_work ? strlen(m->overlay_work) : 0);
    _cleanup_free_ char *data = malloc(len);
    if (data == NULL)
        return veil_error_set(err, ENOMEM, "overlay options");
    char *p = data;
    p += sprintf(p, "lowerdir=");
    for (size_t i = 0; i < m->n_overlay_lower; i++)
        p += sprintf(p, "%s%s", i ? ":" : "", m->overlay_lower[i]);
    if (m->overlay_upper)
        p += sprintf(p, ",upperdir=%s", m->overlay_upper);
    if (m->overlay_work)
        p += sprintf(p, ",workdir=%s", m->overlay_work);
    if (m->data && *m->data)
        p += sprintf(p, ",%s", m->data);
    char what[4200];
    snprintf(what, sizeof(what), "overlay on %s", m->destination);
    if (veil_mount_on_fd("overlay", target, "overlay", m->flags, data, what, err) < 0)
        return -1;
    return finish_mount(rootfd, m, 0, err);
}

/* The cgroup filesystem inside the container: cgroup2 on a v2 host; on v1
 * a tmpfs with one directory per hierarchy holding the container's own
 * cgroup (a fresh mount when the container has a cgroup namespace). */
static int mount_cgroup(int rootfd, const veil_mount_step *m, const veil_child_args *a,
                        veil_error **err)
{
    struct statfs sfs;
    if (statfs(VEIL_HOST_CGROUP_ROOT, &sfs) < 0)
        return veil_error_set(err, errno, "statfs %s", VEIL_HOST_CGROUP_ROOT);
    _cleanup_close_ int target = veil_mkdir_in_root(rootfd, m->destination, 0755, err);
    if (target < 0)
        return -1;
    unsigned long ro = m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
    if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
        if (a->unshare_cgroupns || a->ns_fds[VEIL_NS_CGROUP] >= 0)
            return veil_mount_on_fd("cgroup2", target, "cgroup2", ro, NULL, m->destination, err);
        char host[4200];
        snprintf(host, sizeof(host), "%s%s", VEIL_HOST_CGROUP_ROOT,
                 a->cgroup_path ? a->cgroup_path : "");
        _cleanup_close_ int src = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (src < 0)
            return veil_error_set(err, errno, "open %s", host);
        if (veil_bind_fd(src, target, false, m->destination, err) < 0)
            return -1;
        _cleanup_close_ int fd = reopen_dest(rootfd, m->destination, err);
        return fd < 0 ? -1 : veil_remount_fd(fd, ro, m->destination, err);
    }
    if (veil_mount_on_fd("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755",
                         m->destination, err) < 0)
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
            snprintf(host, sizeof(host), "%s/%s", VEIL_HOST_CGROUP_ROOT, de->d_name);
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n <= 0)
                continue;
            link[n] = '\0';
            _cleanup_close_ int parent = veil_open_in_root(rootfd, m->destination,
                                                           O_PATH | O_DIRECTORY, err);
            if (parent < 0)
                return -1;
            if (symlinkat(link, parent, de->d_name) < 0 && errno != EEXIST)
                return veil_error_set(err, errno, "symlink %s", dest);
            continue;
        }
        if (de->d_type != DT_DIR)
            continue;
        snprintf(host, sizeof(host), "%s/%s", VEIL_HOST_CGROUP_ROOT, de->d_name);
        /* relative cgroup paths differ per hierarchy: ask the cgroup */
        const char *mine = a->opts && a->opts->cgroup ? veil_cgroup_dir_at(a->opts->cgroup, host)
                                                      : NULL;
        if (mine)
            snprintf(host, sizeof(host), "%s", mine);
        else
            snprintf(host, sizeof(host), "%s/%s%s", VEIL_HOST_CGROUP_ROOT, de->d_name,
                     a->cgroup_path ? a->cgroup_path : "");
        _cleanup_close_ int src = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (src < 0)
            continue; /* a hierarchy the container has no cgroup in */
        _cleanup_close_ int sub = veil_mkdir_in_root(rootfd, dest, 0755, err);
        if (sub < 0)
            return -1;
        if (veil_bind_fd(src, sub, false, dest, err) < 0)
            return -1;
        _cleanup_close_ int fd = reopen_dest(rootfd, dest, err);
        if (fd < 0 || veil_remount_fd(fd, ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, dest, err) < 0)
            return -1;
    }
    if (ro & MS_RDONLY) {
        _cleanup_close_ int fd = reopen_dest(rootfd, m->destination, err);
        if (fd < 0 || veil_remount_fd(fd, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                      m->destination, err) < 0)
            return -1;
    }
    return 0;
}

static int do_mount(int rootfd, const veil_mount_step *m, const veil_child_args *a,
                    veil_error **err)
{
    switch (m->kind) {
    case VEIL_MOUNT_BIND:
        return mount_bind(rootfd, m, err);
    case VEIL_MOUNT_OVERLAY:
        return mount_overlay(rootfd, m, err);
    case VEIL_MOUNT_CGROUP:
        return mount_cgroup(rootfd, m, a, err);
    case VEIL_MOUNT_FS:
        return mount_fs(rootfd, m, err);
    }
    return veil_error_set(err, EINVAL, "unknown mount kind");
}

int veil_rootfs_prepare(const veil_child_args *a, int *rootfd_out, veil_error **err)
{
    const veil_plan *plan = a->plan;
    /* Host mount events must not reach the container, and ours not the
     * host: slave (or private) recursively before anything is mounted. */
    unsigned long prop = plan->rootfs_propagation;
    if (prop == 0 || (prop & (MS_SHARED | MS_UNBINDABLE)))
        prop = MS_SLAVE | MS_REC;
    if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
        return veil_error_set(err, errno, "make / a %s mount",
                              (prop & MS_PRIVATE) ? "private" : "slave");
    if (mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return veil_error_set(err, errno, "bind mount the rootfs %s", plan->rootfs);
    int rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return veil_error_set(err, errno, "open the rootfs %s", plan->rootfs);
    for (size_t i = 0; i < plan->n_mounts; i++) {
        if (do_mount(rootfd, &plan->mounts[i], a, err) < 0) {
            close(rootfd);
            return veil_error_prefix(err, "mounts[%zu] (%s)", i, plan->mounts[i].destination);
        }
    }
    if (plan->setup_dev && veil_dev_setup(rootfd, plan, a->in_userns, err) < 0) {
        close(rootfd);
        return -1;
    }
    *rootfd_out = rootfd;
    return 0;
}
