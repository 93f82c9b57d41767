/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources -> cgroup v2 files.  The OCI resources are shaped after
 * v1; the conversions below are the ones runc and crun apply today, so a
 * config means the same under every runtime.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "plan/cgroup_internal.h"

uint64_t veil_cgroup_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares <= 2)
        return 1;
    if (shares >= 262144)
        return 10000;
    /* A parabola in (log2 shares, log10 weight) through (1, 0), (10, 2)
     * and (18, 4): the default 1024 lands exactly on the default 100. */
    double l = log2((double)shares);
    double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
    return (uint64_t)ceil(pow(10.0, exponent));
}

uint64_t veil_cgroup_blkio_to_io_weight(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight < 10)
        weight = 10; /* below blkio's range: keep the result >= 1 */
    return 1 + (weight - 10) * 9999 / 990;
}

int veil_cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, const char **why)
{
    if (limit == -1 && swap == 0) {
        *out = -1; /* unlimited memory, swap not given: unlimited swap (as v1) */
        return 0;
    }
    if (swap == -1 || swap == 0) {
        *out = swap;
        return 0;
    }
    if (limit == -1) {
        *out = swap;
        return 0;
    }
    if (limit == 0) {
        *why = "unable to set swap limit without memory limit";
        return -1;
    }
    if (limit < 0) {
        *why = "invalid memory limit";
        return -1;
    }
    if (swap < limit) {
        *why = "memory+swap limit should be >= memory limit";
        return -1;
    }
    *out = swap - limit;
    return 0;
}

/* v2 limit files take "max" for no limit. */
static void limit_str(int64_t v, char *buf, size_t len)
{
    if (v < 0)
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%" PRId64, v);
}

int veil_cgplan_v2_memory(veil_cgplan *b, const veil_spec_memory *m)
{
    const veil_cgroup_ctrl U = VEIL_CG_UNIFIED;
    int64_t limit = m->limit.set ? m->limit.value : 0;
    int64_t swap = m->swap.set ? m->swap.value : 0;
    int64_t reservation = m->reservation.set ? m->reservation.value : 0;
    char buf[32];
    if (limit != 0 || swap != 0) {
        int64_t v2swap = 0;
        const char *why = NULL;
        if (veil_cgroup_swap_to_v2(swap, limit, &v2swap, &why) < 0)
            return veil_error_set(b->err, 0, "linux.resources.memory.swap: %s (swap %" PRId64
                                             ", limit %" PRId64 ")",
                                  why, swap, limit);
        /* Written before memory.max, as runc does.  "max" and "0" are
         * no-ops on a kernel without swap accounting, so a missing file is
         * fine for them; a real swap limit there is an error. */
        if (v2swap != 0 || swap > 0) {
            limit_str(v2swap, buf, sizeof(buf));
            unsigned flags = v2swap <= 0 ? VEIL_CGROUP_WRITE_IF_EXISTS : 0;
            if (veil_cgplan_add(b, U, flags, "memory.swap.max", "%s", buf) < 0)
                return -1;
        }
    }
    if (limit != 0) {
        unsigned flags = 0;
        if (m->check_before_update.set && m->check_before_update.value)
            flags |= VEIL_CGROUP_WRITE_CHECK_USAGE;
        limit_str(limit, buf, sizeof(buf));
        if (veil_cgplan_add(b, U, flags, "memory.max", "%s", buf) < 0)
            return -1;
    }
    if (reservation != 0) {
        limit_str(reservation, buf, sizeof(buf));
        if (veil_cgplan_add(b, U, 0, "memory.low", "%s", buf) < 0)
            return -1;
    }
    /* Knobs cgroup v2 does not have (runc ignores them there too). */
    if (m->swappiness.set && m->swappiness.value != UINT64_MAX &&
        veil_cgplan_warn(b, "linux.resources.memory.swappiness is ignored: cgroup v2 has no "
                            "per-cgroup swappiness") < 0)
        return -1;
    if (m->disable_oom_killer.set && m->disable_oom_killer.value &&
        veil_cgplan_warn(b, "linux.resources.memory.disableOOMKiller is ignored: cgroup v2 "
                            "cannot disable the OOM killer") < 0)
        return -1;
    if ((m->kernel.set || m->kernel_tcp.set) &&
        veil_cgplan_warn(b, "linux.resources.memory.kernel/kernelTCP are ignored: cgroup v2 "
                            "accounts kernel memory in memory.max") < 0)
        return -1;
    return 0;
}

int veil_cgplan_v2_cpu(veil_cgplan *b, const veil_spec_cpu *c)
{
    const veil_cgroup_ctrl U = VEIL_CG_UNIFIED;
    if (c->idle.set && veil_cgplan_add(b, U, 0, "cpu.idle", "%" PRId64, c->idle.value) < 0)
        return -1;
    if (c->shares.set && c->shares.value != 0 &&
        veil_cgplan_add(b, U, 0, "cpu.weight", "%" PRIu64,
                        veil_cgroup_shares_to_weight(c->shares.value)) < 0)
        return -1;
    /* burst must not exceed the quota: retried after cpu.max. */
    if (c->burst.set && veil_cgplan_add(b, U, VEIL_CGROUP_WRITE_RETRY, "cpu.max.burst",
                                        "%" PRIu64, c->burst.value) < 0)
        return -1;
    int64_t quota = c->quota.set ? c->quota.value : 0;
    uint64_t period = c->period.set ? c->period.value : 0;
    if (quota != 0 || period != 0) {
        char q[32];
        limit_str(quota > 0 ? quota : -1, q, sizeof(q));
        /* cpu.max always takes both; 100000 is the kernel's default period */
        if (veil_cgplan_add(b, U, 0, "cpu.max", "%s %" PRIu64, q, period ? period : 100000) < 0)
            return -1;
    }
    if (((c->realtime_runtime.set && c->realtime_runtime.value != 0) ||
         (c->realtime_period.set && c->realtime_period.value != 0)) &&
        veil_cgplan_warn(b, "linux.resources.cpu.realtimeRuntime/realtimePeriod are ignored: "
                            "cgroup v2 has no real-time group scheduling") < 0)
        return -1;
    return 0;
}

static int io_max(veil_cgplan *b, const veil_spec_throttle_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (veil_cgplan_add(b, VEIL_CG_UNIFIED, 0, "io.max",
                            "%" PRId64 ":%" PRId64 " %s=%" PRIu64, l->items[i].major,
                            l->items[i].minor, key, l->items[i].rate) < 0)
            return -1;
    return 0;
}

int veil_cgplan_v2_io(veil_cgplan *b, const veil_spec_blockio *io)
{
    const veil_cgroup_ctrl U = VEIL_CG_UNIFIED;
    /* BFQ takes blkio's own scale; without BFQ, io.weight (iocost) gets
     * the converted value. */
    if (io->weight.set && io->weight.value != 0) {
        if (veil_cgplan_add(b, U, 0, "io.bfq.weight", "%" PRIu64, io->weight.value) < 0 ||
            veil_cgplan_alt(b, "io.weight", "%" PRIu64,
                            veil_cgroup_blkio_to_io_weight(io->weight.value)) < 0)
            return -1;
    }
    for (size_t i = 0; i < io->n_weight_devices; i++) {
        const veil_spec_weight_device *d = &io->weight_devices[i];
        if (!d->weight.set || d->weight.value == 0)
            continue;
        if (veil_cgplan_add(b, U, 0, "io.bfq.weight", "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
                            d->minor, d->weight.value) < 0 ||
            veil_cgplan_alt(b, "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
                            d->minor, veil_cgroup_blkio_to_io_weight(d->weight.value)) < 0)
            return -1;
    }
    bool leaf = io->leaf_weight.set && io->leaf_weight.value != 0;
    for (size_t i = 0; i < io->n_weight_devices; i++)
        leaf = leaf || (io->weight_devices[i].leaf_weight.set &&
                        io->weight_devices[i].leaf_weight.value != 0);
    if (leaf && veil_cgplan_warn(b, "linux.resources.blockIO leafWeight is ignored: cgroup v2 "
                                    "has no leaf weights") < 0)
        return -1;
    if (io_max(b, &io->throttle_read_bps, "rbps") < 0 ||
        io_max(b, &io->throttle_write_bps, "wbps") < 0 ||
        io_max(b, &io->throttle_read_iops, "riops") < 0 ||
        io_max(b, &io->throttle_write_iops, "wiops") < 0)
        return -1;
    return 0;
}
