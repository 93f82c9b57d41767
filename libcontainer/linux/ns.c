/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces: clone flags, clone3 itself, and joining existing ones by path. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h> /* struct clone_args */
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "linux/linux.h"
#include "util/cleanup.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t veil_clone3(uint64_t flags, int cgroup_fd, int *pidfd)
{
    struct clone_args args = {
        .flags = flags | CLONE_PIDFD,
        .pidfd = (uint64_t)(uintptr_t)pidfd,
        .exit_signal = SIGCHLD,
    };
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int veil_ns_clone_flag(veil_ns_type t)
{
    switch (t) {
    case VEIL_NS_PID:
        return CLONE_NEWPID;
    case VEIL_NS_NETWORK:
        return CLONE_NEWNET;
    case VEIL_NS_MOUNT:
        return CLONE_NEWNS;
    case VEIL_NS_IPC:
        return CLONE_NEWIPC;
    case VEIL_NS_UTS:
        return CLONE_NEWUTS;
    case VEIL_NS_USER:
        return CLONE_NEWUSER;
    case VEIL_NS_CGROUP:
        return CLONE_NEWCGROUP;
    case VEIL_NS_TIME:
        return CLONE_NEWTIME;
    default:
        return 0;
    }
}

/* Opens every namespace path of the plan and checks its type, so a wrong
 * path fails in the runtime with a clear message, before anything runs. */
int veil_ns_open_paths(const veil_plan *plan, int fds[8], veil_error **err)
{
    for (int i = 0; i < 8; i++)
        fds[i] = -1;
    for (size_t i = 0; i < plan->n_namespaces; i++) {
        const veil_plan_namespace *ns = &plan->namespaces[i];
        if (ns->path == NULL)
            continue;
        int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            veil_error_set(err, errno, "open %s namespace %s", veil_ns_type_name(ns->type),
                           ns->path);
            goto fail;
        }
        int kind = ioctl(fd, NS_GET_NSTYPE);
        if (kind < 0 || kind != veil_ns_clone_flag(ns->type)) {
            close(fd);
            veil_error_set(err, 0, "namespace path %s is not a %s namespace", ns->path,
                           veil_ns_type_name(ns->type));
            goto fail;
        }
        fds[ns->type] = fd;
    }
    return 0;
fail:
    for (int i = 0; i < 8; i++)
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    return -1;
}

int veil_ns_join(int fd, veil_ns_type t, veil_error **err)
{
    if (setns(fd, veil_ns_clone_flag(t)) < 0)
        return veil_error_set(err, errno, "join the %s namespace", veil_ns_type_name(t));
    return 0;
}

int veil_ns_save_for_children(int flags, veil_ns_saved *s, veil_error **err)
{
    s->pid = s->time = -1;
    if ((flags & CLONE_NEWPID) && (s->pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0)
        return veil_error_set(err, errno, "open /proc/self/ns/pid");
    if ((flags & CLONE_NEWTIME) &&
        (s->time = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC)) < 0)
        return veil_error_set(err, errno, "open /proc/self/ns/time");
    return 0;
}

void veil_ns_restore_for_children(veil_ns_saved *s)
{
    if (s->pid >= 0) {
        setns(s->pid, CLONE_NEWPID);
        close(s->pid);
    }
    if (s->time >= 0) {
        setns(s->time, CLONE_NEWTIME);
        close(s->time);
    }
    s->pid = s->time = -1;
}
