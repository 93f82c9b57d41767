/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How a new container process (init, or an exec'd process) enters the
 * container's cgroup by itself, right after the clone.
 *
 * Writing another process's pid to a cgroup.procs file takes the kernel's
 * global threadgroup lock for writing, which waits for an RCU grace period:
 * 2-5 ms of wall time per container on v1 and hybrid hosts.  A thread that
 * writes "0" to a v1 "tasks" file moves itself, and the kernel skips that
 * lock (it only guards other processes' thread groups).  The new process is
 * single-threaded, so moving its one thread moves the process.  The cgroup2
 * tree (pure v2, and the unified tree of a hybrid host) is entered at the
 * clone with CLONE_INTO_CGROUP; where the kernel refuses that, the process
 * writes "0" to the unified cgroup.procs instead (slower, same result).
 *
 * The runtime opens every file before the clone (so paths are resolved in
 * the host's mount namespace, with the runtime's credentials, which the
 * kernel checks against the file's opener); the child only writes.  The v1
 * hierarchies may also be made after the clone, while init mounts: their
 * files, opened the same way, then reach init over the sync socket
 * (veil_cgroup_late_join).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"

void veil_cgroup_entry_init(veil_cgroup_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->clone_fd = -1;
    e->unified_procs = -1;
}

void veil_cgroup_entry_close(veil_cgroup_entry *e)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->fds[i] >= 0)
            close(e->fds[i]);
    if (e->clone_fd >= 0)
        close(e->clone_fd);
    if (e->unified_procs >= 0)
        close(e->unified_procs);
    veil_cgroup_entry_init(e);
}

/* dirfd >= 0: the hierarchy's directory is that fd (an exec sub-cgroup),
 * else the path dir. */
static int open_in(int dirfd, const char *dir, const char *file, int flags)
{
    if (dirfd >= 0)
        return openat(dirfd, file, flags | O_CLOEXEC | O_NOFOLLOW);
    int fd = -1;
    int e = veil_cg_open_write(dir, file, &fd);
    if (e)
        errno = e;
    return fd;
}

int veil_cg_entry_add(veil_cgroup_entry *e, const veil_cg_hier *h, int dirfd, const char *name,
                      veil_error **err)
{
    if (h->ctrls & VEIL_CG_BIT(VEIL_CG_UNIFIED)) {
        /* the cgroup2 tree: the directory for CLONE_INTO_CGROUP, and
         * cgroup.procs in case the kernel refuses it */
        if (dirfd >= 0)
            e->clone_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        else
            e->clone_fd = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (e->clone_fd < 0)
            return veil_error_set(err, errno, "open the cgroup %s", name);
        e->unified_procs = open_in(e->clone_fd, NULL, "cgroup.procs", O_WRONLY);
        if (e->unified_procs < 0)
            return veil_error_set(err, errno, "open %s/cgroup.procs", name);
        e->unified_name = name;
        return 0;
    }
    if (e->n >= VEIL_CG__COUNT)
        return veil_error_set(err, E2BIG, "too many cgroup hierarchies");
    int fd = open_in(dirfd, h->dir, "tasks", O_WRONLY);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s/tasks", name);
    e->fds[e->n] = fd;
    e->names[e->n] = name;
    e->n++;
    return 0;
}

int veil_cgroup_entry_open(const veil_cgroup *cg, veil_cgroup_entry *e, veil_error **err)
{
    veil_cgroup_entry_init(e);
    if (cg == NULL || cg->layout == VEIL_CGROUP_NONE)
        return 0;
    for (size_t i = 0; i < cg->n; i++)
        if (!cg->h[i].deferred && veil_cg_entry_add(e, &cg->h[i], -1, cg->h[i].dir, err) < 0) {
            veil_cgroup_entry_close(e);
            return -1;
        }
    return 0;
}

int veil_cgroup_entry_join(veil_cgroup_entry *e, bool cloned_into, veil_error **err)
{
    for (size_t i = 0; i < e->n; i++) {
        if (write(e->fds[i], "0", 1) != 1)
            return veil_error_set(err, errno, "join the cgroup %s", e->names[i]);
        close(e->fds[i]);
        e->fds[i] = -1;
    }
    if (e->unified_procs >= 0 && !cloned_into && write(e->unified_procs, "0", 1) != 1)
        return veil_error_set(err, errno, "join the cgroup %s", e->unified_name);
    veil_cgroup_entry_close(e);
    return 0;
}

void veil_cgroup_late_close(veil_cgroup_late *late)
{
    for (size_t i = 0; i < late->n; i++)
        if (late->fds[i] >= 0)
            close(late->fds[i]);
    late->n = 0;
}

int veil_cgroup_late_join(const veil_cgroup *cg, const uint8_t *idx, const int *fds, size_t n,
                          veil_error **err)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (r == 0 && (cg == NULL || idx[i] >= cg->n ||
                       (cg->h[idx[i]].ctrls & VEIL_CG_BIT(VEIL_CG_UNIFIED))))
            r = veil_error_set(err, EBADMSG, "bad cgroup hierarchy %u from the runtime",
                               (unsigned)idx[i]);
        else if (r == 0 && write(fds[i], "0", 1) != 1)
            r = veil_error_set(err, errno, "join the cgroup %s", cg->h[idx[i]].dir);
        close(fds[i]);
    }
    return r;
}
