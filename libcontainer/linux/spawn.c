/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime side of starting init: one clone3 that creates the process
 * in its new namespaces (and, on cgroup v2, directly in its cgroup), then
 * the host-side work init cannot do for itself: id maps, rlimits, cgroup
 * membership, the createRuntime hooks, forwarding the pty master.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static bool ns_new(const veil_plan *plan, veil_ns_type t)
{
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == t)
            return plan->namespaces[i].path == NULL;
    return false;
}

static int write_time_offsets(const veil_plan *plan, veil_error **err)
{
    char buf[128];
    int len = snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n",
                       (long long)plan->time_monotonic_secs, plan->time_monotonic_nsecs,
                       (long long)plan->time_boottime_secs, plan->time_boottime_nsecs);
    _cleanup_close_ int proc = veil_procfs_root(AT_FDCWD, "/proc", err);
    if (proc < 0)
        return veil_error_prefix(err, "write the time namespace offsets");
    _cleanup_close_ int fd = veil_procfs_open(proc, "self/timens_offsets", O_WRONLY, err);
    if (fd < 0)
        return veil_error_prefix(err, "write the time namespace offsets");
    /* one line per write: the kernel parses a single clock per write on older kernels */
    char *nl = strchr(buf, '\n');
    if (veil_write_all(fd, buf, (size_t)(nl + 1 - buf)) < 0 ||
        veil_write_all(fd, nl + 1, (size_t)len - (size_t)(nl + 1 - buf)) < 0)
        return veil_error_set(err, errno, "write the time namespace offsets");
    return 0;
}

/* Namespaces that apply to children only (pid, time) are switched in the
 * runtime around the clone, then switched back. */
static int enter_for_children(const veil_plan *plan, const int ns_fds[8], veil_ns_saved *sw,
                              veil_error **err)
{
    bool new_time = ns_new(plan, VEIL_NS_TIME);
    int flags = (ns_fds[VEIL_NS_PID] >= 0 ? CLONE_NEWPID : 0) |
                ((new_time || ns_fds[VEIL_NS_TIME] >= 0) ? CLONE_NEWTIME : 0);
    if (veil_ns_save_for_children(flags, sw, err) < 0)
        return -1;
    if (ns_fds[VEIL_NS_PID] >= 0 && veil_ns_join(ns_fds[VEIL_NS_PID], VEIL_NS_PID, err) < 0)
        return -1;
    if (new_time) {
        if (unshare(CLONE_NEWTIME) < 0)
            return veil_error_set(err, errno, "create the time namespace");
        if (plan->has_time_offsets && write_time_offsets(plan, err) < 0)
            return -1;
    } else if (ns_fds[VEIL_NS_TIME] >= 0 &&
               veil_ns_join(ns_fds[VEIL_NS_TIME], VEIL_NS_TIME, err) < 0) {
        return -1;
    }
    return 0;
}

/* Which namespaces the clone creates, which init creates itself.  The fast
 * path is one clone3 with every new namespace.  When namespaces joined by
 * path must end up owned by a user namespace (a new one, or one joined by
 * path), init joins them first and unshares the rest itself; a new pid
 * namespace then needs one more fork (init_stage2 in child.c). */
static void choose_flags(const veil_plan *plan, const int ns_fds[8], uint64_t *clone_flags,
                         int *unshare_flags)
{
    bool user_path = ns_fds[VEIL_NS_USER] >= 0;
    bool user_new = ns_new(plan, VEIL_NS_USER);
    bool joins = false;
    for (int t = 0; t < 8; t++)
        if (ns_fds[t] >= 0 && t != VEIL_NS_USER && t != VEIL_NS_PID && t != VEIL_NS_TIME)
            joins = true;
    bool in_child = user_path || (user_new && joins);
    uint64_t cf = 0;
    int uf = 0;
    for (size_t i = 0; i < plan->n_namespaces; i++) {
        const veil_plan_namespace *ns = &plan->namespaces[i];
        /* cgroup: unshared in init after joining the cgroup; time: above */
        if (ns->type == VEIL_NS_CGROUP || ns->type == VEIL_NS_TIME || ns->path != NULL)
            continue;
        if (in_child)
            uf |= veil_ns_clone_flag(ns->type);
        else
            cf |= (uint64_t)veil_ns_clone_flag(ns->type);
    }
    *clone_flags = cf;
    *unshare_flags = uf;
}

bool veil_spawn_may_defer_cgroup(const veil_plan *plan)
{
    bool user_path = false, user_new = false, joins = false, idmap = false;
    for (size_t i = 0; i < plan->n_namespaces; i++) {
        const veil_plan_namespace *ns = &plan->namespaces[i];
        if (ns->type == VEIL_NS_USER && ns->path)
            user_path = true;
        else if (ns->type == VEIL_NS_USER)
            user_new = true;
        else if (ns->path && ns->type != VEIL_NS_PID && ns->type != VEIL_NS_TIME)
            joins = true;
        /* a new cgroup namespace is rooted where init is when it unshares */
        if (ns->type == VEIL_NS_CGROUP && ns->path == NULL)
            return false;
    }
    for (size_t i = 0; i < plan->n_mounts; i++)
        idmap |= plan->mounts[i].idmap;
    /* init creates namespaces itself there, and may fork the pid
     * namespace's init: it joins every cgroup first */
    return !user_path && !(user_new && joins) && !idmap;
}

static int set_rlimits(pid_t pid, const veil_plan_process *p, veil_error **err)
{
    if (p == NULL)
        return 0;
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
        if (prlimit(pid, p->rlimits[i].resource, &rl, NULL) < 0)
            return veil_error_set(err, errno, "set rlimit %d to soft %llu, hard %llu",
                                  p->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
                                  (unsigned long long)rl.rlim_max);
    }
    return 0;
}

static int run_runtime_hooks(const veil_context *ctx, const veil_plan *plan,
                             const veil_spawn_options *opts, pid_t pid, veil_error **err)
{
    if (plan->hooks[VEIL_HOOK_PRESTART].n == 0 && plan->hooks[VEIL_HOOK_CREATE_RUNTIME].n == 0)
        return 0;
    const char *state = opts->hook_state ? opts->hook_state(opts->hook_state_data, pid) : NULL;
    if (veil_hooks_run(ctx, &plan->hooks[VEIL_HOOK_PRESTART], "prestart", state, err) < 0)
        return -1;
    return veil_hooks_run(ctx, &plan->hooks[VEIL_HOOK_CREATE_RUNTIME], "createRuntime", state,
                          err);
}

/* Init closed the socket without a word: say how it ended.  A SIGKILL at
 * this point is nearly always the OOM killer (a memory limit too small). */
static int init_died(pid_t pid, veil_error **err)
{
    int status = 0;
    if (waitpid(pid, &status, 0) == pid) {
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            return veil_error_set(err, 0,
                                  "container init was killed (SIGKILL) before it was ready: "
                                  "out of memory? check linux.resources.memory.limit");
        if (WIFSIGNALED(status))
            return veil_error_set(err, 0, "container init was killed by signal %d (%s) before it "
                                          "was ready", WTERMSIG(status), strsignal(WTERMSIG(status)));
        if (WIFEXITED(status))
            return veil_error_set(err, 0, "container init exited with status %d before it was ready",
                                  WEXITSTATUS(status));
    }
    return veil_error_set(err, 0, "container init exited before it was ready");
}

/* Drives init from GO to READY. */
static int drive(const veil_context *ctx, const veil_plan *plan, const veil_spawn_options *opts,
                 pid_t *pidp, int *pidfdp, bool userns_by_clone, int sync_fd, int *pty_out,
                 veil_error **err)
{
    pid_t pid = *pidp;
    if (userns_by_clone && veil_idmap_write(pid, plan, err) < 0)
        return -1;
    if (set_rlimits(pid, plan->process, err) < 0)
        return -1;
    /* init joins its cgroups itself (cgroup/entry.c) */
    veil_sync_go go = {.host_pid = pid};
    if (veil_sync_send(sync_fd, VEIL_SYNC_GO, &go, sizeof(go), -1) < 0)
        return veil_error_set(err, errno, "start container init");
    veil_debug(ctx, "init %d: namespaces and id maps ready", (int)pid);
    if (veil_cgroup_has_deferred(opts->cgroup)) {
        /* the v1 hierarchies, made while init mounts; a send that fails
         * means init has failed: its ERROR is read below */
        veil_cgroup_late late;
        if (veil_cgroup_create_deferred(opts->cgroup, &plan->cgroup, &late, err) < 0)
            return -1;
        veil_sync_send_fds(sync_fd, VEIL_SYNC_CGROUP, late.idx, late.n, late.fds, late.n);
        veil_debug(ctx, "init %d: v1 cgroups made (%zu)", (int)pid, late.n);
        veil_cgroup_late_close(&late);
    }
    for (;;) {
        char buf[VEIL_SYNC_MAX_PAYLOAD + 1];
        veil_sync_type type;
        size_t n = 0;
        int fd = -1;
        if (veil_sync_recv(sync_fd, &type, buf, VEIL_SYNC_MAX_PAYLOAD, &n, &fd) < 0) {
            if (errno == EPIPE)
                return init_died(pid, err);
            return veil_error_set(err, errno, "read from container init");
        }
        switch (type) {
        case VEIL_SYNC_HOOKS:
            /* init's namespaces are complete: devices move in before the
             * hooks that may configure them */
            if (veil_netdev_move(plan, pid, err) < 0)
                return -1;
            if (run_runtime_hooks(ctx, plan, opts, pid, err) < 0)
                return -1;
            if (veil_sync_send(sync_fd, VEIL_SYNC_HOOKS_DONE, NULL, 0, -1) < 0)
                return veil_error_set(err, errno, "resume container init");
            veil_debug(ctx, "init %d: rootfs mounted, runtime hooks done", (int)pid);
            break;
        case VEIL_SYNC_PTY:
            if (veil_sync_take_pty(fd, opts->console_fd, opts->keep_pty ? pty_out : NULL,
                                   "container init", err) < 0)
                return -1;
            break;
        case VEIL_SYNC_MOUNTS_REQ:
            if (veil_idmap_mounts_send(plan, pid, sync_fd, err) < 0)
                return -1;
            break;
        case VEIL_SYNC_USERNS:
            /* init made its user namespace itself: its maps, now */
            if (veil_idmap_write(pid, plan, err) < 0)
                return -1;
            if (veil_sync_send(sync_fd, VEIL_SYNC_USERNS_DONE, NULL, 0, -1) < 0)
                return veil_error_set(err, errno, "resume container init");
            break;
        case VEIL_SYNC_INIT_PID: {
            /* the first process made a pid namespace and forked the real init
             * (our child too, by CLONE_PARENT); it exits now */
            int32_t real;
            if (n != sizeof(real))
                return veil_error_set(err, EBADMSG, "bad init pid message");
            memcpy(&real, buf, sizeof(real));
            int pfd = (int)syscall(SYS_pidfd_open, (pid_t)real, 0);
            if (pfd < 0)
                return veil_error_set(err, errno, "open the container init %d", (int)real);
            waitpid(pid, NULL, 0);
            if (*pidfdp >= 0)
                close(*pidfdp);
            *pidfdp = pfd;
            *pidp = pid = (pid_t)real;
            veil_debug(ctx, "init is %d in its new pid namespace", (int)pid);
            break;
        }
        case VEIL_SYNC_READY:
            veil_debug(ctx, "init %d: ready, waiting for start", (int)pid);
            return 0;
        default:
            return veil_sync_unexpected(type, buf, n, fd, "container init", err);
        }
    }
}

int veil_spawn_start(int sync_fd, veil_error **err)
{
    int r = 0;
    if (veil_sync_send(sync_fd, VEIL_SYNC_START, NULL, 0, -1) < 0) {
        r = veil_error_set(err, errno, "start container init");
    } else {
        char buf[VEIL_SYNC_MAX_PAYLOAD + 1];
        veil_sync_type type;
        size_t n = 0;
        int fd = -1;
        if (veil_sync_recv(sync_fd, &type, buf, VEIL_SYNC_MAX_PAYLOAD, &n, &fd) < 0) {
            /* EOF: the socket closed at init's execve */
            if (errno != EPIPE)
                r = veil_error_set(err, errno, "read from container init");
        } else {
            r = veil_sync_unexpected(type, buf, n, fd, "container init", err);
        }
    }
    close(sync_fd);
    return r;
}

int veil_spawn(const veil_context *ctx, const veil_plan *plan, const veil_spawn_options *opts,
               veil_spawn_result *res, veil_error **err)
{
    veil_child_args a = {.ctx = ctx, .plan = plan, .opts = opts};
    res->pid = -1;
    res->pidfd = -1;
    res->pty_master = -1;
    res->sync_fd = -1;
    if (veil_sysctl_check_netns(plan, err) < 0)
        return -1;
    if (veil_ns_open_paths(plan, a.ns_fds, err) < 0)
        return -1;
    uint64_t clone_flags = 0;
    choose_flags(plan, a.ns_fds, &clone_flags, &a.unshare_flags);
    a.in_userns = ns_new(plan, VEIL_NS_USER) || a.ns_fds[VEIL_NS_USER] >= 0;
    a.unshare_cgroupns = ns_new(plan, VEIL_NS_CGROUP);
    a.cgroup_path = opts->cgroup_path;

    veil_cgroup_entry entry;
    if (veil_cgroup_entry_open(opts->cgroup, &entry, err) < 0)
        goto fail_fds;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        veil_error_set(err, errno, "socketpair");
        veil_cgroup_entry_close(&entry);
        goto fail_fds;
    }
    veil_ns_saved sw;
    if (enter_for_children(plan, a.ns_fds, &sw, err) < 0) {
        veil_ns_restore_for_children(&sw);
        close(sv[0]);
        close(sv[1]);
        veil_cgroup_entry_close(&entry);
        goto fail_fds;
    }
    int cgfd = entry.clone_fd;
    bool late_cgroups = veil_cgroup_has_deferred(opts->cgroup);
    int pidfd = -1;
    pid_t pid = veil_clone3(clone_flags, cgfd, &pidfd);
    if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == ENOSYS || errno == E2BIG)) {
        cgfd = -1; /* older kernel: init writes itself to cgroup.procs */
        pid = veil_clone3(clone_flags, -1, &pidfd);
    }
    if (pid == 0) {
        close(sv[0]);
        a.sync_fd = sv[1];
        a.cgroup_entry = &entry;
        a.cgroup_cloned_into = cgfd >= 0;
        a.cgroup_late = &late_cgroups;
        veil_child_main(&a);
    }
    int clone_errno = errno;
    veil_cgroup_entry_close(&entry);
    veil_ns_restore_for_children(&sw);
    close(sv[1]);
    for (int i = 0; i < 8; i++)
        if (a.ns_fds[i] >= 0)
            close(a.ns_fds[i]);
    if (pid < 0) {
        close(sv[0]);
        return veil_error_set(err, clone_errno, "clone the container init (flags 0x%llx)",
                              (unsigned long long)clone_flags);
    }
    veil_debug(ctx, "cloned init %d (flags 0x%llx%s)", (int)pid, (unsigned long long)clone_flags,
               cgfd >= 0 ? ", into its cgroup" : "");
    bool userns_by_clone = (clone_flags & CLONE_NEWUSER) != 0;
    if (drive(ctx, plan, opts, &pid, &pidfd, userns_by_clone, sv[0], &res->pty_master, err) < 0)
        goto fail_child;
    if (opts->start_fd < 0)
        res->sync_fd = sv[0]; /* init waits there for VEIL_SYNC_START */
    else
        close(sv[0]);
    res->pid = pid;
    res->pidfd = pidfd;
    return 0;

fail_child:
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(sv[0]);
    if (pidfd >= 0)
        close(pidfd);
    if (res->pty_master >= 0) {
        close(res->pty_master);
        res->pty_master = -1;
    }
    return -1;
fail_fds:
    for (int i = 0; i < 8; i++)
        if (a.ns_fds[i] >= 0)
            close(a.ns_fds[i]);
    return -1;
}
