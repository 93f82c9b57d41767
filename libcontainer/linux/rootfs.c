/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root filesystem, in init's new mount namespace: stop host
 * mount events from propagating in, make the rootfs a mount point, mount the
 * config's mounts in order onto fds resolved inside the rootfs, set up /dev.
 *
 * Every destination is opened relative to the rootfs dirfd (openat2
 * RESOLVE_IN_ROOT, see safe_path.c) and the mount goes onto that fd; binds
 * are detached trees (open_tree) whose attributes are set before they are
 * attached with move_mount, so a read-only bind is never visible writable.
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

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "linux/rootfs_internal.h"
#include "util/cleanup.h"

/* Destinations the kernel treats specially: they must be real directories
 * (or files) reached without a symlink the image planted (CVE-2019-19921
 * and its successors). */
static bool under(const char *dest, const char *top)
{
    size_t n = strlen(top);
    return strncmp(dest, top, n) == 0 && (dest[n] == '\0' || dest[n] == '/');
}

static bool needs_real_path(const char *dest)
{
    return under(dest, "/proc") || under(dest, "/sys");
}

static bool has_flags(const veil_mount_step *m)
{
    return m->propagation || m->attr_set || m->attr_clr;
}

/* Remembers that veil created dest, from the element at offset `at` on,
 * so a failure can undo it. */
static int remember_created(rootfs_ctx *c, const char *dest, size_t at, veil_error **err)
{
    if (at == SIZE_MAX)
        return 0;
    struct created_path *n = realloc(c->created, (c->n_created + 1) * sizeof(*n));
    if (n == NULL)
        return veil_error_set(err, ENOMEM, "mounts");
    c->created = n;
    n[c->n_created].top = strndup(dest, at + strcspn(dest + at, "/"));
    n[c->n_created].dest = strdup(dest);
    if (n[c->n_created].top == NULL || n[c->n_created].dest == NULL) {
        free(n[c->n_created].top);
        free(n[c->n_created].dest);
        return veil_error_set(err, ENOMEM, "mounts");
    }
    c->n_created++;
    return 0;
}

/* Opens dest, creating it (and what leads to it) as a directory or a file. */
static int make_dest(rootfs_ctx *c, const char *dest, bool dir, veil_error **err)
{
    size_t at = SIZE_MAX;
    int fd = dir ? veil_mkdir_in_root_at(c->rootfd, dest, 0755, &at, err)
                 : veil_mkfile_in_root_at(c->rootfd, dest, 0644, &at, err);
    if (fd < 0)
        return -1;
    if (remember_created(c, dest, at, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Undoes the creations, last first: detach what is mounted on each path
 * from dest up to top, then remove it if it is empty. */
static void undo_created(rootfs_ctx *c)
{
    for (size_t i = c->n_created; i-- > 0;) {
        _cleanup_free_ char *path = c->created[i].dest;
        _cleanup_free_ char *top = c->created[i].top;
        size_t top_len = strlen(top);
        while (strlen(path) >= top_len) {
            veil_error *e = NULL;
            int fd;
            while ((fd = veil_open_in_root(c->rootfd, path, O_PATH, &e)) >= 0) {
                char p[VEIL_FD_PATH_MAX];
                veil_fd_path(fd, p);
                int r = umount2(p, MNT_DETACH);
                close(fd);
                if (r < 0)
                    break;
            }
            veil_error_free(e);
            char *slash = strrchr(path, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
            _cleanup_close_ int parent =
                veil_open_in_root(c->rootfd, *path ? path : "/", O_PATH | O_DIRECTORY, NULL);
            if (parent < 0 || (unlinkat(parent, slash + 1, AT_REMOVEDIR) < 0 &&
                               unlinkat(parent, slash + 1, 0) < 0))
                break;
        }
    }
    free(c->created);
    c->created = NULL;
    c->n_created = 0;
}

/*
 * Opens (creating when missing: a directory, or a file when the source is
 * not a directory) the mount destination inside the root.  The result must
 * not be inside a procfs unless the destination says /proc: a symlink in the
 * image that leads a mount into the container's /proc would let it hide or
 * fake what veil and LSMs later write there (CVE-2019-16884).
 */
static int open_dest(rootfs_ctx *c, const veil_mount_step *m, bool dir, veil_error **err)
{
    const char *dest = m->destination;
    int fd;
    if (needs_real_path(dest)) {
        veil_error *e = NULL;
        fd = veil_open_in_root_nosymlinks(c->rootfd, dest, O_PATH, &e);
        if (fd < 0 && e->errnum == ENOENT) {
            veil_error_free(e);
            e = NULL; /* veil_error_set frees what *err holds */
            /* create it, then insist that the result is reached without symlinks */
            _cleanup_close_ int made = make_dest(c, dest, dir, err);
            if (made < 0)
                return -1;
            fd = veil_open_in_root_nosymlinks(c->rootfd, dest, O_PATH, &e);
        }
        if (fd < 0) {
            if (e->errnum == ELOOP) {
                veil_error_free(e);
                return veil_error_set(err, 0,
                                      "the destination %s is a symlink in the rootfs; it must be a "
                                      "real %s",
                                      dest, dir ? "directory" : "file");
            }
            *err = e;
            return -1;
        }
        struct stat st;
        if (fstat(fd, &st) < 0) {
            close(fd);
            return veil_error_set(err, errno, "stat %s", dest);
        }
        if (dir && !S_ISDIR(st.st_mode)) {
            close(fd);
            return veil_error_set(err, 0, "the destination %s is not a directory", dest);
        }
    } else if ((fd = make_dest(c, dest, dir, err)) < 0) {
        return -1;
    }
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0) {
        close(fd);
        return veil_error_set(err, errno, "statfs %s", dest);
    }
    if (sfs.f_type == PROC_SUPER_MAGIC && !under(dest, "/proc")) {
        close(fd);
        return veil_error_set(err, 0,
                              "the destination %s resolves into /proc through a symlink in the "
                              "rootfs; refusing to mount there",
                              dest);
    }
    return fd;
}

/* The object at dest after mounting (the fd taken before still names the
 * covered one). */
static int reopen_dest(rootfs_ctx *c, const char *dest, veil_error **err)
{
    if (needs_real_path(dest))
        return veil_open_in_root_nosymlinks(c->rootfd, dest, O_PATH, err);
    return veil_open_in_root(c->rootfd, dest, O_PATH, err);
}

/* Per-mount attributes (the options' ro, nosuid... on the top mount, then
 * the recursive r* ones) on a tree that is not attached yet. */
static int set_tree_attrs(int tree, const veil_mount_step *m, const char *what, veil_error **err)
{
    uint64_t set = 0, clr = 0;
    veil_ms_to_attrs(m->flags, m->clear_flags, &set, &clr);
    if (veil_mount_setattr_fd(tree, set, clr, false, what, err) < 0)
        return -1;
    return veil_mount_setattr_fd(tree, m->attr_set, m->attr_clr, true, what, err);
}

static int mount_bind(rootfs_ctx *c, const veil_mount_step *m, int prepared, veil_error **err)
{
    const char *dest = m->destination;
    _cleanup_close_ int tree = prepared;
    /* an idmapped tree from the runtime stands for the source */
    _cleanup_close_ int src = tree >= 0 ? -1 : open(m->source, O_PATH | O_CLOEXEC);
    if (tree < 0 && src < 0)
        return veil_error_set(err, errno, "open the mount source %s", m->source);
    int what_fd = tree >= 0 ? tree : src;
    struct stat st;
    if (fstat(what_fd, &st) < 0)
        return veil_error_set(err, errno, "stat the mount source %s", m->source);
    if (strcmp(dest, "/proc") == 0) {
        struct statfs sfs;
        if (fstatfs(what_fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
            return veil_error_set(err, 0,
                                  "%s cannot be bind mounted on /proc because it is not a procfs",
                                  m->source);
    }
    bool dir = S_ISDIR(st.st_mode);
    _cleanup_close_ int target = open_dest(c, m, dir, err);
    if (target < 0)
        return -1;
    if (tree < 0 && (tree = veil_clone_tree(src, "", (m->flags & MS_REC) != 0, m->source,
                                            err)) < 0)
        return -1;
    char what[4200];
    snprintf(what, sizeof(what), "%s on %s", m->source, dest);
    if (set_tree_attrs(tree, m, what, err) < 0 || veil_move_mount_fd(tree, target, what, err) < 0)
        return -1;
    /* the tree fd now names the attached mount */
    return veil_mount_propagation_fd(tree, m->propagation, what, err);
}

static bool selinux_enabled(void)
{
    return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* fs data with the SELinux mount label, for the types runc labels. */
static int fs_data(rootfs_ctx *c, const veil_mount_step *m, char **out, veil_error **err)
{
    const char *label = c->plan->mount_label;
    *out = NULL;
    if (label && *label && strcmp(m->type, "proc") != 0 && strcmp(m->type, "sysfs") != 0 &&
        strcmp(m->type, "mqueue") != 0) {
        if (c->selinux < 0)
            c->selinux = selinux_enabled();
        if (c->selinux > 0) {
            if (asprintf(out, "%s%scontext=\"%s\"", m->data ? m->data : "", m->data ? "," : "",
                         label) < 0)
                return veil_error_set(err, ENOMEM, "mount data");
            return 0;
        }
    }
    if (m->data && (*out = strdup(m->data)) == NULL)
        return veil_error_set(err, ENOMEM, "mount data");
    return 0;
}

static int mount_fs(rootfs_ctx *c, size_t index, const veil_mount_step *m, veil_error **err)
{
    const char *dest = m->destination;
    if (strcmp(dest, "/proc") == 0 && strcmp(m->type, "proc") != 0)
        return veil_error_set(err, 0, "%s cannot be mounted on /proc: only proc can", m->type);
    _cleanup_close_ int target = open_dest(c, m, true, err);
    if (target < 0)
        return -1;
    /* /dev gets its nodes, a tmpcopyup tmpfs its copy, before going read-only */
    bool tmpcopyup = m->tmpcopyup && !(m->flags & MS_REMOUNT);
    bool defer_ro = (m->flags & MS_RDONLY) && (strcmp(dest, "/dev") == 0 || tmpcopyup);
    _cleanup_close_ int covered = -1;
    if (tmpcopyup) {
        covered = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (covered < 0)
            return veil_error_set(err, errno, "open %s for tmpcopyup", dest);
    }
    _cleanup_free_ char *data = NULL;
    if (fs_data(c, m, &data, err) < 0)
        return -1;
    char what[4200];
    snprintf(what, sizeof(what), "%s (%s) on %s", m->source ? m->source : m->type, m->type, dest);
    const char *source = m->source ? m->source : m->type;
    unsigned long flags = m->flags & ~(defer_ro ? MS_RDONLY : 0UL);
    if (veil_mount_on_fd(source, target, m->type, flags, data, what, err) < 0)
        return -1;

    bool check_type = strcmp(dest, "/proc") == 0 || strcmp(dest, "/sys") == 0;
    if (!has_flags(m) && !tmpcopyup && !defer_ro && !check_type)
        return 0;
    _cleanup_close_ int top = reopen_dest(c, dest, err);
    if (top < 0)
        return -1;
    if (check_type) {
        /* what is there now must be what was just mounted */
        struct statfs sfs;
        unsigned long want = strcmp(m->type, "proc") == 0    ? PROC_SUPER_MAGIC
                             : strcmp(m->type, "sysfs") == 0 ? SYSFS_MAGIC
                                                             : 0;
        if (want && (fstatfs(top, &sfs) < 0 || (unsigned long)sfs.f_type != want))
            return veil_error_set(err, 0, "%s: after mounting, %s is not a %s", what, dest,
                                  m->type);
    }
    if (tmpcopyup && veil_copy_tree(covered, top, dest, err) < 0)
        return -1;
    if (veil_mount_setattr_fd(top, m->attr_set, m->attr_clr, true, what, err) < 0 ||
        veil_mount_propagation_fd(top, m->propagation, what, err) < 0)
        return -1;
    if (defer_ro) {
        if (strcmp(dest, "/dev") == 0)
            c->dev_ro = index + 1;
        else if (veil_remount_fd(top, MS_RDONLY, what, err) < 0)
            return -1;
    }
    return 0;
}

static int mount_overlay(rootfs_ctx *c, const veil_mount_step *m, veil_error **err)
{
    _cleanup_close_ int target = open_dest(c, m, true, err);
    if (target < 0)
        return -1;
    _cleanup_close_ int tree = veil_overlay_prepare(m, err);
    if (tree < 0)
        return -1;
    char what[4200];
    snprintf(what, sizeof(what), "overlay on %s", m->destination);
    if (veil_mount_setattr_fd(tree, m->attr_set, m->attr_clr, true, what, err) < 0 ||
        veil_move_mount_fd(tree, target, what, err) < 0)
        return -1;
    return veil_mount_propagation_fd(tree, m->propagation, what, err);
}

static int do_mount(rootfs_ctx *c, size_t i, int prepared, veil_error **err)
{
    const veil_mount_step *m = &c->plan->mounts[i];
    switch (m->kind) {
    case VEIL_MOUNT_BIND:
        return mount_bind(c, m, prepared, err);
    case VEIL_MOUNT_OVERLAY:
        return mount_overlay(c, m, err);
    case VEIL_MOUNT_CGROUP: {
        /* the mount shows init's own cgroups */
        if (veil_child_join_late_cgroups(c->a, err) < 0)
            return -1;
        _cleanup_close_ int target = open_dest(c, m, true, err);
        return target < 0 ? -1 : veil_cgroup_mount(c, m, target, err);
    }
    case VEIL_MOUNT_FS:
        return mount_fs(c, i, m, err);
    }
    return veil_error_set(err, EINVAL, "unknown mount kind");
}

static void close_fds(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

int veil_rootfs_prepare(const veil_child_args *a, int *rootfd_out, veil_error **err)
{
    const veil_plan *plan = a->plan;
    rootfs_ctx c = {.a = a, .plan = plan, .rootfd = -1, .selinux = -1};

    /* the idmapped trees the runtime prepared come first */
    _cleanup_free_ int *prepared = NULL;
    if (plan->n_mounts) {
        prepared = malloc(plan->n_mounts * sizeof(int));
        if (prepared == NULL)
            return veil_error_set(err, ENOMEM, "mounts");
        for (size_t i = 0; i < plan->n_mounts; i++)
            prepared[i] = -1;
        if (veil_idmap_mounts_receive(plan, a->sync_fd, prepared, err) < 0) {
            close_fds(prepared, plan->n_mounts);
            return -1;
        }
    }

    /* Host mount events must not reach the container, and ours not the
     * host: slave (or private) recursively before anything is mounted. */
    unsigned long prop = plan->rootfs_propagation;
    if (prop == 0 || (prop & (MS_SHARED | MS_UNBINDABLE)))
        prop = MS_SLAVE | MS_REC;
    if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0) {
        close_fds(prepared, plan->n_mounts);
        return veil_error_set(err, errno, "make / a %s mount",
                              (prop & MS_PRIVATE) ? "private" : "slave");
    }
    if (mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
        close_fds(prepared, plan->n_mounts);
        return veil_error_set(err, errno, "bind mount the rootfs %s", plan->rootfs);
    }
    c.rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c.rootfd < 0) {
        close_fds(prepared, plan->n_mounts);
        return veil_error_set(err, errno, "open the rootfs %s", plan->rootfs);
    }
    for (size_t i = 0; i < plan->n_mounts; i++) {
        int fd = prepared[i];
        prepared[i] = -1; /* do_mount owns it */
        if (do_mount(&c, i, fd, err) < 0) {
            close_fds(prepared, plan->n_mounts);
            undo_created(&c);
            close(c.rootfd);
            return veil_error_prefix(err, "mounts[%zu] (%s)", i, plan->mounts[i].destination);
        }
    }
    if (plan->setup_dev && veil_dev_setup(c.rootfd, plan, a->in_userns, err) < 0) {
        undo_created(&c);
        close(c.rootfd);
        return -1;
    }
    if (c.dev_ro) {
        _cleanup_close_ int dev = veil_open_in_root(c.rootfd, "/dev", O_PATH | O_DIRECTORY, err);
        if (dev < 0 || veil_remount_fd(dev, MS_RDONLY, "/dev", err) < 0) {
            undo_created(&c);
            close(c.rootfd);
            return veil_error_prefix(err, "mounts[%zu] (/dev)", c.dev_ro - 1);
        }
    }
    /* kept until here: a failure later (hooks, pivot) does not undo them */
    for (size_t i = 0; i < c.n_created; i++) {
        free(c.created[i].dest);
        free(c.created[i].top);
    }
    free(c.created);
    *rootfd_out = c.rootfd;
    return 0;
}
