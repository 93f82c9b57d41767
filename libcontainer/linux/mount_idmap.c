/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped bind mounts (idmap / ridmap).  The kernel only lets a process
 * with CAP_SYS_ADMIN over the source filesystem's user namespace (the
 * host's) attach an id mapping to a mount, so the runtime does it: it clones
 * the source tree (open_tree), sets MOUNT_ATTR_IDMAP with a user namespace
 * fd that carries the mapping, and sends the detached tree to init, which
 * attaches it with move_mount like any other bind.
 *
 * The user namespace: the container's own when the mount has no mappings of
 * its own (init's new one, whose maps the runtime just wrote, or the one it
 * joins by path); otherwise a namespace made for the purpose by a short-lived
 * helper process whose uid_map/gid_map the runtime writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/mount_util.h"
#include "util/cleanup.h"

static int format_map(const veil_idmap_list *m, char *buf, size_t cap)
{
    size_t off = 0;
    for (size_t i = 0; i < m->n; i++) {
        int n = snprintf(buf + off, cap - off, "%u %u %u\n", m->items[i].container_id,
                         m->items[i].host_id, m->items[i].size);
        if (n < 0 || (size_t)n >= cap - off)
            return -1;
        off += (size_t)n;
    }
    return (int)off;
}

static int write_maps(int procfd, pid_t pid, const veil_idmap_list *uids,
                      const veil_idmap_list *gids, veil_error **err)
{
    const struct {
        const char *file;
        const veil_idmap_list *maps;
    } files[] = {{"uid_map", uids}, {"gid_map", gids}};
    for (size_t i = 0; i < 2; i++) {
        char buf[4096], rel[64];
        int len = format_map(files[i].maps, buf, sizeof(buf));
        if (len <= 0)
            return veil_error_set(err, EINVAL, "%s: no or too many mappings", files[i].file);
        snprintf(rel, sizeof(rel), "%d/%s", (int)pid, files[i].file);
        if (veil_procfs_write(procfd, rel, buf, (size_t)len, err) < 0)
            return -1;
    }
    return 0;
}

static int open_userns(int procfd, pid_t pid, veil_error **err)
{
    char rel[64];
    snprintf(rel, sizeof(rel), "%d/ns/user", (int)pid);
    /* ns/user is a magic link: opened through the verified root, then checked */
    int fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open /proc/%s", rel);
    if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWUSER) {
        close(fd);
        return veil_error_set(err, 0, "/proc/%s is not a user namespace", rel);
    }
    return fd;
}

/* A user namespace with these maps, made by a helper that only waits to be
 * killed. */
static int make_userns(int procfd, const veil_idmap_list *uids, const veil_idmap_list *gids,
                       veil_error **err)
{
    struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0)
        return veil_error_set(err, errno, "create a user namespace for an idmapped mount");
    if (pid == 0) {
        for (;;)
            pause();
    }
    int fd = -1;
    if (write_maps(procfd, pid, uids, gids, err) == 0)
        fd = open_userns(procfd, pid, err);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return fd;
}

static bool same_maps(const veil_idmap_list *a, const veil_idmap_list *b)
{
    return a->n == b->n && memcmp(a->items, b->items, a->n * sizeof(a->items[0])) == 0;
}

static const char *joined_userns(const veil_plan *plan, bool *has)
{
    *has = false;
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == VEIL_NS_USER) {
            *has = true;
            return plan->namespaces[i].path;
        }
    return NULL;
}

/* The user namespace for mounts[i]; cache[i] caches it for later mounts
 * with the same maps (kept in *container_ns when it is the container's). */
static int userns_for(const veil_plan *plan, size_t i, int procfd, pid_t pid, int *cache,
                      int *container_ns, veil_error **err)
{
    const veil_mount_step *m = &plan->mounts[i];
    if (m->uid_mappings.n == 0) {
        if (*container_ns < 0) {
            bool has = false;
            const char *path = joined_userns(plan, &has);
            if (path) {
                *container_ns = open(path, O_RDONLY | O_CLOEXEC);
                if (*container_ns < 0)
                    return veil_error_set(err, errno, "open the user namespace %s", path);
            } else if ((*container_ns = open_userns(procfd, pid, err)) < 0) {
                return -1;
            }
        }
        return *container_ns;
    }
    for (size_t j = 0; j < i; j++) {
        const veil_mount_step *o = &plan->mounts[j];
        if (cache[j] >= 0 && o->uid_mappings.n && same_maps(&o->uid_mappings, &m->uid_mappings) &&
            same_maps(&o->gid_mappings, &m->gid_mappings))
            return cache[j];
    }
    cache[i] = make_userns(procfd, &m->uid_mappings, &m->gid_mappings, err);
    return cache[i];
}

static int prepare_one(const veil_mount_step *m, int userns, veil_error **err)
{
    _cleanup_close_ int tree = veil_clone_tree(AT_FDCWD, m->source, (m->flags & MS_REC) != 0,
                                               m->source, err);
    if (tree < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    unsigned flags = AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, tree, "", flags, &attr, sizeof(attr)) < 0)
        return veil_error_set(err, errno, "idmap the mount of %s", m->source);
    return steal_fd(&tree);
}

int veil_idmap_mounts_send(const veil_plan *plan, pid_t pid, int sync_fd, veil_error **err)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_mounts; i++)
        n += plan->mounts[i].idmap;
    if (n == 0)
        return 0;
    _cleanup_close_ int procfd = veil_procfs_root(AT_FDCWD, "/proc", err);
    if (procfd < 0)
        return -1;
    _cleanup_free_ int *cache = malloc(plan->n_mounts * sizeof(int));
    if (cache == NULL)
        return veil_error_set(err, ENOMEM, "idmapped mounts");
    for (size_t i = 0; i < plan->n_mounts; i++)
        cache[i] = -1;
    _cleanup_close_ int container_ns = -1;
    int r = 0;
    for (size_t i = 0; i < plan->n_mounts && r == 0; i++) {
        const veil_mount_step *m = &plan->mounts[i];
        if (!m->idmap)
            continue;
        int userns = userns_for(plan, i, procfd, pid, cache, &container_ns, err);
        _cleanup_close_ int tree = userns < 0 ? -1 : prepare_one(m, userns, err);
        if (tree < 0) {
            r = veil_error_prefix(err, "mounts[%zu] (%s)", i, m->destination);
            break;
        }
        uint32_t index = (uint32_t)i;
        if (veil_sync_send(sync_fd, VEIL_SYNC_MOUNT_FD, &index, sizeof(index), tree) < 0)
            r = veil_error_set(err, errno, "send the idmapped mount of %s to init",
                               m->destination);
    }
    for (size_t i = 0; i < plan->n_mounts; i++)
        if (cache[i] >= 0)
            close(cache[i]);
    return r;
}

int veil_idmap_mounts_receive(const veil_plan *plan, int sync_fd, int *fds, veil_error **err)
{
    bool any = false;
    for (size_t i = 0; i < plan->n_mounts; i++)
        any |= plan->mounts[i].idmap;
    /* asked for once our namespaces exist: the runtime may need our user
     * namespace to build the trees */
    if (any && veil_sync_send(sync_fd, VEIL_SYNC_MOUNTS_REQ, NULL, 0, -1) < 0)
        return veil_error_set(err, errno, "ask the runtime for the idmapped mounts");
    for (size_t i = 0; i < plan->n_mounts; i++) {
        if (!plan->mounts[i].idmap)
            continue;
        uint32_t index = 0;
        size_t len = 0;
        int fd = -1;
        if (veil_sync_expect(sync_fd, VEIL_SYNC_MOUNT_FD, &index, sizeof(index), &len, &fd, err) <
            0)
            return veil_error_prefix(err, "receive the idmapped mount of %s",
                                     plan->mounts[i].destination);
        if (len != sizeof(index) || index != i || fd < 0) {
            if (fd >= 0)
                close(fd);
            return veil_error_set(err, EBADMSG, "idmapped mount %zu: unexpected message", i);
        }
        fds[i] = fd;
    }
    return 0;
}
