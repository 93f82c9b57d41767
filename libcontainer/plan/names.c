/* SPDX-License-Identifier: Apache-2.0 */
/* Names of plan enums and the name <-> number tables the builder uses, as
 * printed by `veil plan` and used in messages. */
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <string.h>
#include <linux/mount.h> /* MOUNT_ATTR_* (glibc also has them in sys/mount.h, musl not) */
#include <sys/mount.h>
#include <sys/resource.h>

#include "plan/internal.h"

/* Newer than some kernel headers we build against. */
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif
#ifndef SCHED_FLAG_UTIL_CLAMP_MAX
#define SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define SCHED_FLAG_UTIL_CLAMP_MAX 0x40
#endif
#define VEIL_SCHED_ISO 4 /* reserved by the kernel, named by the spec */

const char *veil_hook_kind_name(veil_hook_kind k)
{
    static const char *const names[VEIL_HOOK__COUNT] = {
        [VEIL_HOOK_PRESTART] = "prestart",
        [VEIL_HOOK_CREATE_RUNTIME] = "createRuntime",
        [VEIL_HOOK_CREATE_CONTAINER] = "createContainer",
        [VEIL_HOOK_START_CONTAINER] = "startContainer",
        [VEIL_HOOK_POSTSTART] = "poststart",
        [VEIL_HOOK_POSTSTOP] = "poststop",
    };
    return (unsigned)k < VEIL_HOOK__COUNT ? names[k] : "?";
}

const char *veil_cgroup_ctrl_name(veil_cgroup_ctrl c)
{
    static const char *const names[VEIL_CG__COUNT] = {
        [VEIL_CG_CPU] = "cpu",         [VEIL_CG_CPUACCT] = "cpuacct",
        [VEIL_CG_CPUSET] = "cpuset",   [VEIL_CG_MEMORY] = "memory",
        [VEIL_CG_DEVICES] = "devices", [VEIL_CG_FREEZER] = "freezer",
        [VEIL_CG_BLKIO] = "blkio",     [VEIL_CG_PIDS] = "pids",
        [VEIL_CG_HUGETLB] = "hugetlb", [VEIL_CG_NET_CLS] = "net_cls",
        [VEIL_CG_NET_PRIO] = "net_prio", [VEIL_CG_PERF_EVENT] = "perf_event",
        [VEIL_CG_RDMA] = "rdma",       [VEIL_CG_MISC] = "misc",
        [VEIL_CG_SYSTEMD] = "systemd", [VEIL_CG_UNIFIED] = "unified",
    };
    return (unsigned)c < VEIL_CG__COUNT ? names[c] : "?";
}

int veil_named_value(const veil_named *table, const char *name, uint64_t *out)
{
    if (name == NULL)
        return -1;
    for (const veil_named *e = table; e->name; e++)
        if (strcmp(e->name, name) == 0) {
            *out = e->value;
            return 0;
        }
    return -1;
}

const char *veil_named_name(const veil_named *table, uint64_t value)
{
    for (const veil_named *e = table; e->name; e++)
        if (e->value == value)
            return e->name;
    return NULL;
}

const veil_named veil_rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {NULL, 0},
};

const veil_named veil_propagations[] = {
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
    {NULL, 0},
};

const veil_named veil_sched_policies[] = {
    {"SCHED_OTHER", SCHED_NORMAL},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", VEIL_SCHED_ISO},
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
    {NULL, 0},
};

const veil_named veil_sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
    {NULL, 0},
};

/* include/uapi/linux/ioprio.h */
const veil_named veil_ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
    {NULL, 0},
};

const veil_named veil_mpol_modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},
    {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE},
    {NULL, 0},
};

const veil_named veil_mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
    {NULL, 0},
};

/* mount(2) flags by the option that sets them... */
const veil_named veil_mount_flag_names[] = {
    {"ro", MS_RDONLY},
    {"nosuid", MS_NOSUID},
    {"nodev", MS_NODEV},
    {"noexec", MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS},
    {"remount", MS_REMOUNT},
    {"mand", MS_MANDLOCK},
    {"dirsync", MS_DIRSYNC},
    {"nosymfollow", MS_NOSYMFOLLOW},
    {"noatime", MS_NOATIME},
    {"nodiratime", MS_NODIRATIME},
    {"bind", MS_BIND},
    {"rec", MS_REC},
    {"silent", MS_SILENT},
    {"relatime", MS_RELATIME},
    {"strictatime", MS_STRICTATIME},
    {"iversion", MS_I_VERSION},
    {"lazytime", MS_LAZYTIME},
    {NULL, 0},
};

/* ...and by the option that clears them. */
const veil_named veil_mount_clear_names[] = {
    {"rw", MS_RDONLY},
    {"suid", MS_NOSUID},
    {"dev", MS_NODEV},
    {"exec", MS_NOEXEC},
    {"async", MS_SYNCHRONOUS},
    {"nomand", MS_MANDLOCK},
    {"symfollow", MS_NOSYMFOLLOW},
    {"atime", MS_NOATIME},
    {"diratime", MS_NODIRATIME},
    {"loud", MS_SILENT},
    {"norelatime", MS_RELATIME},
    {"nostrictatime", MS_STRICTATIME},
    {"noiversion", MS_I_VERSION},
    {"nolazytime", MS_LAZYTIME},
    {NULL, 0},
};

/* mount_setattr(2) attributes; "atime" stands for the whole access-time
 * field (MOUNT_ATTR__ATIME), which must be cleared to change it. */
const veil_named veil_mount_attr_names[] = {
    {"rdonly", MOUNT_ATTR_RDONLY},
    {"nosuid", MOUNT_ATTR_NOSUID},
    {"nodev", MOUNT_ATTR_NODEV},
    {"noexec", MOUNT_ATTR_NOEXEC},
    {"atime", MOUNT_ATTR__ATIME},
    {"noatime", MOUNT_ATTR_NOATIME},
    {"strictatime", MOUNT_ATTR_STRICTATIME},
    {"nodiratime", MOUNT_ATTR_NODIRATIME},
    {"idmap", MOUNT_ATTR_IDMAP},
    {"nosymfollow", MOUNT_ATTR_NOSYMFOLLOW},
    {NULL, 0},
};
