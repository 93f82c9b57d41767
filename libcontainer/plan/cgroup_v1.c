/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources -> cgroup v1 files (memory, cpu, blkio hierarchies). */
#include <inttypes.h>

#include "plan/cgroup_internal.h"

int veil_cgplan_v1_memory(veil_cgplan *b, const veil_spec_memory *m)
{
    const veil_cgroup_ctrl M = VEIL_CG_MEMORY;
    /* 0 means "unset" for limit and swap, as in runc. */
    bool limit = m->limit.set && m->limit.value != 0;
    bool swap = m->swap.set && m->swap.value != 0;
    if (limit) {
        /* RETRY: raising the limit above the current memory+swap limit is
         * EINVAL until memsw has been raised (the next write). */
        unsigned flags = VEIL_CGROUP_WRITE_RETRY;
        if (m->check_before_update.set && m->check_before_update.value)
            flags |= VEIL_CGROUP_WRITE_CHECK_USAGE;
        if (veil_cgplan_add(b, M, flags, "memory.limit_in_bytes", "%" PRId64, m->limit.value) < 0)
            return -1;
    }
    /* v1 swap is memory+swap.  An unlimited memory with no swap given
     * means unlimited swap too, where the kernel accounts swap at all. */
    if (swap) {
        if (veil_cgplan_add(b, M, 0, "memory.memsw.limit_in_bytes", "%" PRId64, m->swap.value) <
            0)
            return -1;
    } else if (limit && m->limit.value == -1 && !m->swap.set) {
        if (veil_cgplan_add(b, M, VEIL_CGROUP_WRITE_IF_EXISTS, "memory.memsw.limit_in_bytes",
                            "-1") < 0)
            return -1;
    }
    if (m->reservation.set && m->reservation.value != 0 &&
        veil_cgplan_add(b, M, 0, "memory.soft_limit_in_bytes", "%" PRId64,
                        m->reservation.value) < 0)
        return -1;
    /* TCP buffer accounting: only where the kernel still has the knob. */
    if (m->kernel_tcp.set &&
        veil_cgplan_add(b, M, VEIL_CGROUP_WRITE_IF_EXISTS, "memory.kmem.tcp.limit_in_bytes",
                        "%" PRId64, m->kernel_tcp.value) < 0)
        return -1;
    if (m->kernel.set &&
        veil_cgplan_warn(b, "linux.resources.memory.kernel is ignored: kernel memory limits are "
                            "deprecated and not applied") < 0)
        return -1;
    if (m->use_hierarchy.set && !m->use_hierarchy.value &&
        veil_cgplan_warn(b, "linux.resources.memory.useHierarchy=false is ignored: current "
                            "kernels are always hierarchical") < 0)
        return -1;
    /* -1 (all bits set) is "unset" */
    if (m->swappiness.set && m->swappiness.value != UINT64_MAX &&
        veil_cgplan_add(b, M, 0, "memory.swappiness", "%" PRIu64, m->swappiness.value) < 0)
        return -1;
    if (m->disable_oom_killer.set &&
        veil_cgplan_add(b, M, 0, "memory.oom_control", "%d", m->disable_oom_killer.value ? 1 : 0) <
            0)
        return -1;
    return 0;
}

int veil_cgplan_v1_cpu(veil_cgplan *b, const veil_spec_cpu *c)
{
    const veil_cgroup_ctrl C = VEIL_CG_CPU;
    /* The kernel clamps shares to [2, 262144] silently: read it back. */
    if (c->shares.set && c->shares.value != 0 &&
        veil_cgplan_add(b, C, VEIL_CGROUP_WRITE_VERIFY, "cpu.shares", "%" PRIu64,
                        c->shares.value) < 0)
        return -1;
    /* period, burst and quota constrain each other (quota >= burst, and
     * the parent's budget): the ones before quota are retried after it. */
    if (c->period.set && c->period.value != 0 &&
        veil_cgplan_add(b, C, VEIL_CGROUP_WRITE_RETRY, "cpu.cfs_period_us", "%" PRIu64,
                        c->period.value) < 0)
        return -1;
    if (c->burst.set &&
        veil_cgplan_add(b, C, VEIL_CGROUP_WRITE_RETRY | VEIL_CGROUP_WRITE_IF_EXISTS,
                        "cpu.cfs_burst_us", "%" PRIu64, c->burst.value) < 0)
        return -1;
    if (c->quota.set && c->quota.value != 0 &&
        veil_cgplan_add(b, C, 0, "cpu.cfs_quota_us", "%" PRId64, c->quota.value) < 0)
        return -1;
    if (c->idle.set && veil_cgplan_add(b, C, 0, "cpu.idle", "%" PRId64, c->idle.value) < 0)
        return -1;
    /* A cgroup's real-time budget must fit in its parent's: the ancestors
     * veil creates get the same values first. */
    if (c->realtime_period.set && c->realtime_period.value != 0 &&
        veil_cgplan_add(b, C, VEIL_CGROUP_WRITE_RETRY | VEIL_CGROUP_WRITE_PARENTS,
                        "cpu.rt_period_us", "%" PRIu64, c->realtime_period.value) < 0)
        return -1;
    if (c->realtime_runtime.set && c->realtime_runtime.value != 0 &&
        veil_cgplan_add(b, C, VEIL_CGROUP_WRITE_PARENTS, "cpu.rt_runtime_us", "%" PRId64,
                        c->realtime_runtime.value) < 0)
        return -1;
    return 0;
}

static int throttle(veil_cgplan *b, const veil_spec_throttle_list *l, const char *file)
{
    for (size_t i = 0; i < l->n; i++)
        if (veil_cgplan_add(b, VEIL_CG_BLKIO, 0, file, "%" PRId64 ":%" PRId64 " %" PRIu64,
                            l->items[i].major, l->items[i].minor, l->items[i].rate) < 0)
            return -1;
    return 0;
}

int veil_cgplan_v1_blkio(veil_cgplan *b, const veil_spec_blockio *io)
{
    const veil_cgroup_ctrl B = VEIL_CG_BLKIO;
    /* CFQ's blkio.weight is gone from current kernels; BFQ has the same
     * knob under its own name. */
    if (io->weight.set && io->weight.value != 0) {
        if (veil_cgplan_add(b, B, 0, "blkio.weight", "%" PRIu64, io->weight.value) < 0 ||
            veil_cgplan_alt(b, "blkio.bfq.weight", "%" PRIu64, io->weight.value) < 0)
            return -1;
    }
    if (io->leaf_weight.set && io->leaf_weight.value != 0 &&
        veil_cgplan_add(b, B, 0, "blkio.leaf_weight", "%" PRIu64, io->leaf_weight.value) < 0)
        return -1;
    for (size_t i = 0; i < io->n_weight_devices; i++) {
        const veil_spec_weight_device *d = &io->weight_devices[i];
        if (d->weight.set && d->weight.value != 0) {
            if (veil_cgplan_add(b, B, 0, "blkio.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
                                d->major, d->minor, d->weight.value) < 0 ||
                veil_cgplan_alt(b, "blkio.bfq.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
                                d->major, d->minor, d->weight.value) < 0)
                return -1;
        }
        if (d->leaf_weight.set && d->leaf_weight.value != 0 &&
            veil_cgplan_add(b, B, 0, "blkio.leaf_weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
                            d->major, d->minor, d->leaf_weight.value) < 0)
            return -1;
    }
    if (throttle(b, &io->throttle_read_bps, "blkio.throttle.read_bps_device") < 0 ||
        throttle(b, &io->throttle_write_bps, "blkio.throttle.write_bps_device") < 0 ||
        throttle(b, &io->throttle_read_iops, "blkio.throttle.read_iops_device") < 0 ||
        throttle(b, &io->throttle_write_iops, "blkio.throttle.write_iops_device") < 0)
        return -1;
    return 0;
}
