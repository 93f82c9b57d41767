/* SPDX-License-Identifier: Apache-2.0 */
/* Names of plan enums, as printed by `veil plan` and used in messages. */
#include <veil/plan.h>

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
