/* SPDX-License-Identifier: Apache-2.0 */
/*
 * update: new limits for a live container.  The update (runc's flags, or a
 * linux.resources document) is completed with the values in effect that a
 * kernel file takes together with the given ones, translated by the plan
 * code into cgroup writes, applied, and merged into the resources the
 * container state keeps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <veil/spec.h>

#include "container/internal.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/units.h"

#define RESCTRL "/sys/fs/resctrl"

/* ---- runc's flags -> linux.resources ------------------------------------------ */

static int flag_u64(const char *flag, const char *v, veil_opt_u64 *out, veil_error **err)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (*v == '\0' || *v == '-' || *v == '+' || *end || errno)
        return veil_error_set(err, 0, "invalid value for %s: parsing \"%s\": %s", flag, v,
                              errno == ERANGE ? "value out of range" : "invalid syntax");
    *out = (veil_opt_u64){.set = true, .value = x};
    return 0;
}

static int flag_i64(const char *flag, const char *v, veil_opt_i64 *out, veil_error **err)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*v == '\0' || *end || errno)
        return veil_error_set(err, 0, "invalid value for %s: parsing \"%s\": %s", flag, v,
                              errno == ERANGE ? "value out of range" : "invalid syntax");
    *out = (veil_opt_i64){.set = true, .value = x};
    return 0;
}

/* A memory size: -1, or a size with an optional unit ("256m"). */
static int flag_bytes(const char *flag, const char *v, veil_opt_i64 *out, veil_error **err)
{
    int64_t x = -1;
    if (strcmp(v, "-1") != 0 && veil_parse_ram_size(v, &x, err) < 0)
        return veil_error_prefix(err, "invalid value for %s", flag);
    *out = (veil_opt_i64){.set = true, .value = x};
    return 0;
}

static void *alloc_once(void **p, size_t size)
{
    if (*p == NULL)
        *p = calloc(1, size);
    return *p;
}

static int from_flags(const veil_update_options *o, veil_spec_resources *r, veil_error **err)
{
    veil_spec_memory *m = NULL;
    veil_spec_cpu *c = NULL;
    if ((o->memory || o->memory_reservation || o->memory_swap || o->kernel_memory ||
         o->kernel_memory_tcp) &&
        (m = alloc_once((void **)&r->memory, sizeof(*r->memory))) == NULL)
        return veil_error_set(err, ENOMEM, "update");
    if ((o->cpu_period || o->cpu_quota || o->cpu_burst || o->cpu_share || o->cpu_rt_period ||
         o->cpu_rt_runtime || o->cpuset_cpus || o->cpuset_mems || o->cpu_idle) &&
        (c = alloc_once((void **)&r->cpu, sizeof(*r->cpu))) == NULL)
        return veil_error_set(err, ENOMEM, "update");
    if (o->blkio_weight) {
        veil_opt_i64 w;
        if (flag_i64("blkio-weight", o->blkio_weight, &w, err) < 0)
            return -1;
        if (w.value < 0 || w.value > UINT16_MAX)
            return veil_error_set(err, 0, "invalid value for blkio-weight: %s is out of range",
                                  o->blkio_weight);
        /* 0 is "not given", as in runc */
        if (w.value != 0) {
            if (alloc_once((void **)&r->block_io, sizeof(*r->block_io)) == NULL)
                return veil_error_set(err, ENOMEM, "update");
            r->block_io->weight = (veil_opt_u64){.set = true, .value = (uint64_t)w.value};
        }
    }
    if (c) {
        if ((o->cpu_period && flag_u64("cpu-period", o->cpu_period, &c->period, err) < 0) ||
            (o->cpu_quota && flag_i64("cpu-quota", o->cpu_quota, &c->quota, err) < 0) ||
            (o->cpu_burst && flag_u64("cpu-burst", o->cpu_burst, &c->burst, err) < 0) ||
            (o->cpu_share && flag_u64("cpu-share", o->cpu_share, &c->shares, err) < 0) ||
            (o->cpu_rt_period &&
             flag_u64("cpu-rt-period", o->cpu_rt_period, &c->realtime_period, err) < 0) ||
            (o->cpu_rt_runtime &&
             flag_i64("cpu-rt-runtime", o->cpu_rt_runtime, &c->realtime_runtime, err) < 0) ||
            (o->cpu_idle && flag_i64("cpu-idle", o->cpu_idle, &c->idle, err) < 0))
            return -1;
        /* an empty list is "not given" (runc) */
        if ((o->cpuset_cpus && *o->cpuset_cpus && (c->cpus = strdup(o->cpuset_cpus)) == NULL) ||
            (o->cpuset_mems && *o->cpuset_mems && (c->mems = strdup(o->cpuset_mems)) == NULL))
            return veil_error_set(err, ENOMEM, "update");
    }
    if (m) {
        if ((o->memory && flag_bytes("memory", o->memory, &m->limit, err) < 0) ||
            (o->memory_reservation &&
             flag_bytes("memory-reservation", o->memory_reservation, &m->reservation, err) < 0) ||
            (o->memory_swap && flag_bytes("memory-swap", o->memory_swap, &m->swap, err) < 0) ||
            (o->kernel_memory && flag_bytes("kernel-memory", o->kernel_memory, &m->kernel, err) < 0) ||
            (o->kernel_memory_tcp &&
             flag_bytes("kernel-memory-tcp", o->kernel_memory_tcp, &m->kernel_tcp, err) < 0))
            return -1;
    }
    if (o->pids_limit) {
        veil_opt_i64 p;
        if (flag_i64("pids-limit", o->pids_limit, &p, err) < 0)
            return -1;
        r->has_pids = true;
        r->pids_limit = p.value;
    }
    return 0;
}

/* Intel RDT lives in resctrl, which veil does not manage: say why not. */
static int check_rdt(const veil_update_options *o, veil_error **err)
{
    bool l3 = o->l3_cache_schema && *o->l3_cache_schema;
    bool mb = o->mem_bw_schema && *o->mem_bw_schema;
    if (l3 && access(RESCTRL "/info/L3", F_OK) < 0)
        return veil_error_set(err, 0, "Intel RDT/CAT: l3 cache schema is not enabled");
    if (mb && access(RESCTRL "/info/MB", F_OK) < 0)
        return veil_error_set(err, 0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
    if (l3 || mb)
        return veil_error_set(err, 0, "updating Intel RDT is not supported: veil does not manage "
                                      "resctrl groups");
    return 0;
}

static veil_spec_resources *requested(const veil_update_options *o, veil_error **err)
{
    if (o->resources_json)
        return veil_spec_parse_resources(o->resources_json, o->resources_len, "resources", err);
    veil_spec_resources *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        veil_error_set(err, ENOMEM, "update");
        return NULL;
    }
    if (from_flags(o, r, err) < 0) {
        veil_spec_resources_free(r);
        return NULL;
    }
    return r;
}

/* ---- completing an update from the values in effect ---------------------------- */

/*
 * Some kernel files take two values at once (cgroup v2's cpu.max holds
 * quota and period, memory.swap.max is derived from swap and limit), and
 * v1 refuses a memory limit above memory+swap.  Like runc, which keeps the
 * whole configuration, the value not given comes from the ones in effect.
 */
void veil_update_complete(veil_spec_resources *u, const veil_spec_resources *now)
{
    const veil_spec_memory *bm = now ? now->memory : NULL;
    const veil_spec_cpu *bc = now ? now->cpu : NULL;
    veil_spec_memory *m = u->memory;
    if (m) {
        if (m->limit.set && m->limit.value == -1 && !m->swap.set)
            m->swap = (veil_opt_i64){.set = true, .value = -1}; /* unlimited: swap too (runc) */
        else if (m->limit.set && m->limit.value != 0 && !m->swap.set && bm && bm->swap.set &&
                 bm->swap.value != 0)
            m->swap = bm->swap;
        else if (m->swap.set && m->swap.value != 0 && !m->limit.set && bm && bm->limit.set &&
                 bm->limit.value != 0)
            m->limit = bm->limit;
    }
    veil_spec_cpu *c = u->cpu;
    if (c && bc) {
        if (c->quota.set && !c->period.set && bc->period.set)
            c->period = bc->period;
        else if (c->period.set && !c->quota.set && bc->quota.set)
            c->quota = bc->quota;
    }
}

/* ---- applying ------------------------------------------------------------------ */

/* linux.resources -> cgroup writes for this host. */
static int translate(const veil_context *ctx, const veil_cgroup *cg,
                     const veil_spec_resources *res, veil_cgroup_plan *plan, veil_error **err)
{
    veil_plan_options po = {0};
    po.cgroup_layout = veil_cgroup_detect(&po.v1_controllers, &po.v2_controllers);
    if (po.cgroup_layout != veil_cgroup_get_layout(cg))
        return veil_error_set(err, 0, "the container's cgroup layout (%s) is not the host's (%s)",
                              veil_cgroup_layout_name(veil_cgroup_get_layout(cg)),
                              veil_cgroup_layout_name(po.cgroup_layout));
    if (veil_plan_cgroup_resources(res, &po, plan, err) < 0)
        return -1;
    for (size_t i = 0; i < plan->n_warnings; i++)
        veil_log(ctx, VEIL_LOG_WARNING, "%s", plan->warnings[i]);
    return 0;
}

static veil_spec_resources *resources_in_effect(const veil_state_record *rec, veil_error **err)
{
    if (rec->resources == NULL) {
        veil_spec_resources *r = calloc(1, sizeof(*r));
        if (r == NULL)
            veil_error_set(err, ENOMEM, "update");
        return r;
    }
    return veil_spec_parse_resources(rec->resources, strlen(rec->resources),
                                     "state.json resources", err);
}

static void plan_clear(veil_cgroup_plan *p)
{
    veil_cgroup_plan_clear(p);
}

static void free_resources(veil_spec_resources **r)
{
    veil_spec_resources_free(*r);
}

int veil_container_update(const veil_context *ctx, const char *id, const veil_update_options *o,
                          veil_error **err)
{
    if (check_rdt(o, err) < 0)
        return -1;
    __attribute__((cleanup(free_resources))) veil_spec_resources *upd = requested(o, err);
    if (upd == NULL)
        return -1;
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, true, &dirfd, &rec, err) < 0)
        return -1;
    veil_cgroup *cg = NULL;
    __attribute__((cleanup(free_resources))) veil_spec_resources *base = NULL;
    __attribute__((cleanup(plan_clear))) veil_cgroup_plan plan = {0};
    _cleanup_free_ char *merged = NULL, *saved_cg = NULL;
    int r = 0;
    if (veil_container_status(ctx, dirfd, rec) == VEIL_STATUS_STOPPED)
        r = veil_error_set(err, 0, "container not running");
    else if (veil_container_cgroup(ctx, rec, &cg, err) < 0 ||
             (base = resources_in_effect(rec, err)) == NULL)
        r = -1;
    if (r == 0) {
        veil_update_complete(upd, base);
        if ((merged = veil_spec_resources_to_json(base, upd, err)) == NULL ||
            translate(ctx, cg, upd, &plan, err) < 0)
            r = veil_error_prefix(err, "update container %s", id);
    }
    if (r == 0 && veil_cgroup_update(ctx, cg, &plan, err) < 0) {
        /* like runc: put the values in effect back, so that the state
         * (unchanged) tells the truth */
        veil_cgroup_plan old = {0};
        veil_error *e = NULL;
        if (translate(ctx, cg, base, &old, &e) < 0 || veil_cgroup_update(ctx, cg, &old, &e) < 0) {
            veil_log(ctx, VEIL_LOG_WARNING,
                     "update %s: restoring the previous limits failed too: %s", id, e->msg);
            veil_error_free(e);
        }
        veil_cgroup_plan_clear(&old);
        r = veil_error_prefix(err, "update container %s", id);
    }
    if (r == 0) {
        /* controllers switched on for the new values are part of the saved form */
        if ((saved_cg = veil_cgroup_serialize(cg)) == NULL)
            r = veil_error_set(err, ENOMEM, "update");
    }
    if (r == 0) {
        free(rec->cgroup);
        rec->cgroup = steal_pointer(&saved_cg);
        free(rec->resources);
        rec->resources = steal_pointer(&merged);
        r = veil_state_write(dirfd, rec, err);
    }
    if (r == 0)
        veil_debug(ctx, "container %s updated", id);
    veil_cgroup_free(cg);
    veil_state_record_free(rec);
    close(dirfd);
    return r;
}
