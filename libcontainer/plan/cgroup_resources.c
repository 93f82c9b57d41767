/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources -> the cgroup file writes, in the order they are made.
 * Pure: the host's layout and controllers come in through the options.
 * Per controller the files go where the host has it: its v1 hierarchy, or
 * the unified tree (pure v2, or a hybrid host for controllers that only
 * exist there, e.g. hugetlb in /sys/fs/cgroup/unified).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cgroup_internal.h"
#include "plan/internal.h"

veil_cgplan_at veil_cgplan_where(const veil_cgplan *b, veil_cgroup_ctrl c)
{
    uint32_t bit = 1u << c;
    switch (b->opts->cgroup_layout) {
    case VEIL_CGROUP_V1:
        return (b->opts->v1_controllers & bit) ? VEIL_CGPLAN_V1 : VEIL_CGPLAN_NONE;
    case VEIL_CGROUP_HYBRID:
        if (b->opts->v1_controllers & bit)
            return VEIL_CGPLAN_V1;
        return (b->opts->v2_controllers & bit) ? VEIL_CGPLAN_V2 : VEIL_CGPLAN_NONE;
    case VEIL_CGROUP_V2:
        return (b->opts->v2_controllers & bit) ? VEIL_CGPLAN_V2 : VEIL_CGPLAN_NONE;
    case VEIL_CGROUP_NONE:
        break;
    }
    return VEIL_CGPLAN_NONE;
}

static int oom(veil_cgplan *b)
{
    return veil_error_set(b->err, ENOMEM, "cgroup plan");
}

int veil_cgplan_add(veil_cgplan *b, veil_cgroup_ctrl ctrl, unsigned flags, const char *file,
                    const char *fmt, ...)
{
    veil_cgroup_plan *o = b->out;
    if (o->n_writes == b->cap_writes) {
        size_t cap = b->cap_writes ? 2 * b->cap_writes : 16;
        veil_cgroup_write *w = realloc(o->writes, cap * sizeof(*w));
        if (w == NULL)
            return oom(b);
        o->writes = w;
        b->cap_writes = cap;
    }
    char *value = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&value, fmt, ap);
    va_end(ap);
    char *f = strdup(file);
    if (r < 0 || f == NULL) {
        if (r >= 0)
            free(value);
        free(f);
        return oom(b);
    }
    o->writes[o->n_writes++] = (veil_cgroup_write){
        .ctrl = ctrl, .file = f, .value = value, .flags = flags};
    return 0;
}

int veil_cgplan_alt(veil_cgplan *b, const char *alt_file, const char *fmt, ...)
{
    veil_cgroup_write *w = &b->out->writes[b->out->n_writes - 1];
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&w->alt_value, fmt, ap);
    va_end(ap);
    if (r < 0) {
        w->alt_value = NULL;
        return oom(b);
    }
    w->alt_file = strdup(alt_file);
    return w->alt_file ? 0 : oom(b);
}

int veil_cgplan_warn(veil_cgplan *b, const char *fmt, ...)
{
    veil_cgroup_plan *o = b->out;
    char **v = realloc(o->warnings, (o->n_warnings + 1) * sizeof(*v));
    if (v == NULL)
        return oom(b);
    o->warnings = v;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&v[o->n_warnings], fmt, ap);
    va_end(ap);
    if (r < 0)
        return oom(b);
    o->n_warnings++;
    return 0;
}

int veil_cgplan_missing(veil_cgplan *b, const char *field, veil_cgroup_ctrl c)
{
    const char *name = veil_cgroup_ctrl_name(c);
    const char *why = "";
    switch (b->opts->cgroup_layout) {
    case VEIL_CGROUP_V1:
        why = " (no v1 hierarchy for it is mounted under /sys/fs/cgroup)";
        break;
    case VEIL_CGROUP_HYBRID:
        why = " (neither a v1 hierarchy nor the unified tree has it)";
        break;
    case VEIL_CGROUP_V2:
        if (c == VEIL_CG_NET_CLS || c == VEIL_CG_NET_PRIO)
            why = " (cgroup v2 has no such controller; it exists on cgroup v1 only)";
        else
            why = " (it is not in the cgroup.controllers of the v2 tree)";
        if (c == VEIL_CG_BLKIO)
            name = "io";
        break;
    case VEIL_CGROUP_NONE:
        why = " (cgroups are disabled)";
        break;
    }
    return veil_error_set(b->err, 0, "%s: the %s cgroup controller is not available on this host%s",
                          field, name, why);
}

/* ---- helpers for the sections handled here -------------------------------- */

/* Whether s is a cpu/memory-node list the kernel can parse ("0-3,7"). */
static bool cpu_list_ok(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == ',' || *s == '-'))
            return false;
    return true;
}

/* "2MB", "64KB", "1GB": becomes part of a file name, so it is checked. */
static bool page_size_ok(const char *s)
{
    size_t digits = strspn(s, "0123456789");
    if (digits == 0 || digits > 12)
        return false;
    s += digits;
    return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G' || s[0] == 'T') && s[1] == 'B' &&
           s[2] == '\0';
}

/* A word written into a key/value line (interface or RDMA device name). */
static bool word_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

static int cpuset_section(veil_cgplan *b, const veil_spec_cpu *c)
{
    if (c->cpus == NULL && c->mems == NULL)
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_CPUSET);
    const char *field = c->cpus ? "linux.resources.cpu.cpus" : "linux.resources.cpu.mems";
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, field, VEIL_CG_CPUSET);
    veil_cgroup_ctrl ctrl = at == VEIL_CGPLAN_V1 ? VEIL_CG_CPUSET : VEIL_CG_UNIFIED;
    /* Empty strings mean "not set" (runc). */
    if (c->cpus && *c->cpus) {
        if (!cpu_list_ok(c->cpus))
            return veil_error_set(b->err, 0, "linux.resources.cpu.cpus: invalid CPU list \"%s\"",
                                  c->cpus);
        if (veil_cgplan_add(b, ctrl, 0, "cpuset.cpus", "%s", c->cpus) < 0)
            return -1;
    }
    if (c->mems && *c->mems) {
        if (!cpu_list_ok(c->mems))
            return veil_error_set(b->err, 0,
                                  "linux.resources.cpu.mems: invalid memory node list \"%s\"",
                                  c->mems);
        if (veil_cgplan_add(b, ctrl, 0, "cpuset.mems", "%s", c->mems) < 0)
            return -1;
    }
    return 0;
}

static const char *first_memory_field(const veil_spec_memory *m)
{
    if (m->limit.set)
        return "linux.resources.memory.limit";
    if (m->reservation.set)
        return "linux.resources.memory.reservation";
    if (m->swap.set)
        return "linux.resources.memory.swap";
    if (m->kernel_tcp.set)
        return "linux.resources.memory.kernelTCP";
    if (m->swappiness.set)
        return "linux.resources.memory.swappiness";
    if (m->disable_oom_killer.set)
        return "linux.resources.memory.disableOOMKiller";
    return NULL; /* kernel, useHierarchy, checkBeforeUpdate alone: nothing to apply */
}

static int memory_section(veil_cgplan *b, const veil_spec_memory *m)
{
    const char *field = first_memory_field(m);
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_MEMORY);
    if (at == VEIL_CGPLAN_NONE)
        return field ? veil_cgplan_missing(b, field, VEIL_CG_MEMORY) : 0;
    if (m->swappiness.set && m->swappiness.value != UINT64_MAX && m->swappiness.value > 100)
        return veil_error_set(b->err, 0,
                              "linux.resources.memory.swappiness: invalid value %" PRIu64
                              " (valid range is 0-100)",
                              m->swappiness.value);
    return at == VEIL_CGPLAN_V1 ? veil_cgplan_v1_memory(b, m) : veil_cgplan_v2_memory(b, m);
}

static const char *first_cpu_field(const veil_spec_cpu *c)
{
    if (c->shares.set)
        return "linux.resources.cpu.shares";
    if (c->quota.set)
        return "linux.resources.cpu.quota";
    if (c->period.set)
        return "linux.resources.cpu.period";
    if (c->burst.set)
        return "linux.resources.cpu.burst";
    if (c->realtime_runtime.set)
        return "linux.resources.cpu.realtimeRuntime";
    if (c->realtime_period.set)
        return "linux.resources.cpu.realtimePeriod";
    if (c->idle.set)
        return "linux.resources.cpu.idle";
    return NULL;
}

static int cpu_section(veil_cgplan *b, const veil_spec_cpu *c)
{
    if (cpuset_section(b, c) < 0)
        return -1;
    const char *field = first_cpu_field(c);
    if (field == NULL)
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_CPU);
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, field, VEIL_CG_CPU);
    return at == VEIL_CGPLAN_V1 ? veil_cgplan_v1_cpu(b, c) : veil_cgplan_v2_cpu(b, c);
}

static int pids_section(veil_cgplan *b, const veil_spec_resources *res)
{
    if (!res->has_pids)
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_PIDS);
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, "linux.resources.pids.limit", VEIL_CG_PIDS);
    veil_cgroup_ctrl ctrl = at == VEIL_CGPLAN_V1 ? VEIL_CG_PIDS : VEIL_CG_UNIFIED;
    /* > 0: the limit; < 0: no limit; 0 is written as 1, as runc does, so
     * that the cgroupfs and systemd drivers agree (systemd has no 0). */
    if (res->pids_limit > 0)
        return veil_cgplan_add(b, ctrl, 0, "pids.max", "%" PRId64, res->pids_limit);
    return veil_cgplan_add(b, ctrl, 0, "pids.max", "%s", res->pids_limit == 0 ? "1" : "max");
}

static bool blkio_set(const veil_spec_blockio *io)
{
    return io->weight.set || io->leaf_weight.set || io->n_weight_devices ||
           io->throttle_read_bps.n || io->throttle_write_bps.n || io->throttle_read_iops.n ||
           io->throttle_write_iops.n;
}

static int blkio_section(veil_cgplan *b, const veil_spec_blockio *io)
{
    if (!blkio_set(io))
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_BLKIO);
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, "linux.resources.blockIO", VEIL_CG_BLKIO);
    return at == VEIL_CGPLAN_V1 ? veil_cgplan_v1_blkio(b, io) : veil_cgplan_v2_io(b, io);
}

static int hugetlb_section(veil_cgplan *b, const veil_spec_resources *res)
{
    if (res->n_hugepage_limits == 0)
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_HUGETLB);
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, "linux.resources.hugepageLimits", VEIL_CG_HUGETLB);
    veil_cgroup_ctrl ctrl = at == VEIL_CGPLAN_V1 ? VEIL_CG_HUGETLB : VEIL_CG_UNIFIED;
    const char *suffix = at == VEIL_CGPLAN_V1 ? "limit_in_bytes" : "max";
    for (size_t i = 0; i < res->n_hugepage_limits; i++) {
        const veil_spec_hugepage_limit *h = &res->hugepage_limits[i];
        if (h->page_size == NULL || !page_size_ok(h->page_size))
            return veil_error_set(b->err, 0,
                                  "linux.resources.hugepageLimits[%zu].pageSize: invalid page size "
                                  "\"%s\" (expected e.g. \"2MB\" or \"1GB\")",
                                  i, h->page_size ? h->page_size : "");
        char file[64], rsvd[64];
        snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, suffix);
        snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", h->page_size, suffix);
        /* The reservation limit (kernel >= 5.7) gets the same value, so that
         * reserved-but-unfaulted pages count too; older kernels lack it. */
        if (veil_cgplan_add(b, ctrl, 0, file, "%" PRIu64, h->limit) < 0 ||
            veil_cgplan_add(b, ctrl, VEIL_CGROUP_WRITE_IF_EXISTS, rsvd, "%" PRIu64, h->limit) < 0)
            return -1;
    }
    return 0;
}

static int network_section(veil_cgplan *b, const veil_spec_network *n)
{
    if (n->class_id.set) {
        if (veil_cgplan_where(b, VEIL_CG_NET_CLS) != VEIL_CGPLAN_V1)
            return veil_cgplan_missing(b, "linux.resources.network.classID", VEIL_CG_NET_CLS);
        if (n->class_id.value > UINT32_MAX)
            return veil_error_set(b->err, 0,
                                  "linux.resources.network.classID: %" PRIu64
                                  " does not fit in 32 bits",
                                  n->class_id.value);
        if (veil_cgplan_add(b, VEIL_CG_NET_CLS, 0, "net_cls.classid", "%" PRIu64,
                            n->class_id.value) < 0)
            return -1;
    }
    if (n->n_priorities == 0)
        return 0;
    if (veil_cgplan_where(b, VEIL_CG_NET_PRIO) != VEIL_CGPLAN_V1)
        return veil_cgplan_missing(b, "linux.resources.network.priorities", VEIL_CG_NET_PRIO);
    for (size_t i = 0; i < n->n_priorities; i++) {
        const veil_spec_net_priority *p = &n->priorities[i];
        if (p->name == NULL || !word_ok(p->name, 15))
            return veil_error_set(b->err, 0,
                                  "linux.resources.network.priorities[%zu].name: invalid interface "
                                  "name \"%s\"",
                                  i, p->name ? p->name : "");
        if (veil_cgplan_add(b, VEIL_CG_NET_PRIO, 0, "net_prio.ifpriomap", "%s %" PRIu32, p->name,
                            p->priority) < 0)
            return -1;
    }
    return 0;
}

static int rdma_section(veil_cgplan *b, const veil_spec_resources *res)
{
    if (res->n_rdma == 0)
        return 0;
    veil_cgplan_at at = veil_cgplan_where(b, VEIL_CG_RDMA);
    if (at == VEIL_CGPLAN_NONE)
        return veil_cgplan_missing(b, "linux.resources.rdma", VEIL_CG_RDMA);
    veil_cgroup_ctrl ctrl = at == VEIL_CGPLAN_V1 ? VEIL_CG_RDMA : VEIL_CG_UNIFIED;
    for (size_t i = 0; i < res->n_rdma; i++) {
        const veil_spec_rdma *r = &res->rdma[i];
        if (r->device == NULL || !word_ok(r->device, 64))
            return veil_error_set(b->err, 0, "linux.resources.rdma: invalid device name \"%s\"",
                                  r->device ? r->device : "");
        if (!r->hca_handles.set && !r->hca_objects.set)
            continue;
        char handles[40] = "", objects[40] = "";
        if (r->hca_handles.set)
            snprintf(handles, sizeof(handles), " hca_handle=%" PRIu64, r->hca_handles.value);
        if (r->hca_objects.set)
            snprintf(objects, sizeof(objects), " hca_object=%" PRIu64, r->hca_objects.value);
        if (veil_cgplan_add(b, ctrl, 0, "rdma.max", "%s%s%s", r->device, handles, objects) < 0)
            return -1;
    }
    return 0;
}

/* The v2 controller a unified key belongs to ("memory.max" -> memory). */
static int unified_ctrl(const char *key, size_t len, veil_cgroup_ctrl *out)
{
    static const struct {
        const char *name;
        veil_cgroup_ctrl ctrl;
    } names[] = {
        {"cpu", VEIL_CG_CPU},       {"cpuset", VEIL_CG_CPUSET}, {"memory", VEIL_CG_MEMORY},
        {"io", VEIL_CG_BLKIO},      {"pids", VEIL_CG_PIDS},     {"hugetlb", VEIL_CG_HUGETLB},
        {"rdma", VEIL_CG_RDMA},     {"misc", VEIL_CG_MISC},     {"perf_event", VEIL_CG_PERF_EVENT},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == len && strncmp(names[i].name, key, len) == 0) {
            *out = names[i].ctrl;
            return 0;
        }
    return -1;
}

static int unified_section(veil_cgplan *b, const veil_kv_list *u)
{
    if (u->n == 0)
        return 0;
    veil_cgroup_layout layout = b->opts->cgroup_layout;
    if (layout == VEIL_CGROUP_V1)
        return veil_error_set(b->err, 0, "linux.resources.unified: invalid configuration: cannot "
                                         "use unified on cgroup v1");
    for (size_t i = 0; i < u->n; i++) {
        const char *key = u->items[i].key, *value = u->items[i].value ? u->items[i].value : "";
        const char *dot = strchr(key, '.');
        if (strchr(key, '/') || dot == NULL || dot == key || dot[1] == '\0' ||
            strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                strlen(key))
            return veil_error_set(b->err, 0,
                                  "linux.resources.unified: unified resource \"%s\" must be a file "
                                  "name of the form CONTROLLER.PARAMETER",
                                  key);
        size_t len = (size_t)(dot - key);
        veil_cgroup_ctrl c;
        bool is_core = len == 6 && strncmp(key, "cgroup", 6) == 0;
        if (!is_core) {
            bool known = unified_ctrl(key, len, &c) == 0;
            /* On a hybrid host a controller on v1 is not in the unified tree. */
            if (known && layout == VEIL_CGROUP_HYBRID && (b->opts->v1_controllers & (1u << c)))
                return veil_error_set(b->err, 0,
                                      "linux.resources.unified: unified resource \"%s\" can't be "
                                      "set: controller \"%.*s\" is bound to cgroup v1 on this host",
                                      key, (int)len, key);
            if (!known || !(b->opts->v2_controllers & (1u << c)))
                return veil_error_set(b->err, 0,
                                      "linux.resources.unified: unified resource \"%s\" can't be "
                                      "set: controller \"%.*s\" not available%s",
                                      key, (int)len, key,
                                      layout == VEIL_CGROUP_HYBRID
                                          ? " in the cgroup v2 tree of this hybrid host"
                                          : "");
        }
        if (veil_cgplan_add(b, VEIL_CG_UNIFIED, 0, key, "%s", value) < 0)
            return -1;
    }
    return 0;
}

static void plan_reset(veil_cgroup_plan *out, size_t n_writes, size_t n_rules, size_t n_warnings)
{
    for (size_t i = n_writes; i < out->n_writes; i++) {
        free(out->writes[i].file);
        free(out->writes[i].value);
        free(out->writes[i].alt_file);
        free(out->writes[i].alt_value);
    }
    out->n_writes = n_writes;
    for (size_t i = n_rules; i < out->n_device_rules; i++)
        free(out->device_rules[i].access);
    out->n_device_rules = n_rules;
    for (size_t i = n_warnings; i < out->n_warnings; i++)
        free(out->warnings[i]);
    out->n_warnings = n_warnings;
}

static int translate(veil_cgplan *b, const veil_spec_resources *res)
{
    if (veil_cgplan_devices(b, res) < 0)
        return -1;
    if (res == NULL)
        return 0;
    if (res->cpu && cpu_section(b, res->cpu) < 0)
        return -1;
    if (res->memory && memory_section(b, res->memory) < 0)
        return -1;
    if (pids_section(b, res) < 0)
        return -1;
    if (res->block_io && blkio_section(b, res->block_io) < 0)
        return -1;
    if (hugetlb_section(b, res) < 0)
        return -1;
    if (res->network && network_section(b, res->network) < 0)
        return -1;
    if (rdma_section(b, res) < 0)
        return -1;
    /* Last, so that raw unified values win over the translated ones. */
    return unified_section(b, &res->unified);
}

int veil_plan_cgroup_resources(const veil_spec_resources *res, const veil_plan_options *opts,
                               veil_cgroup_plan *out, veil_error **err)
{
    veil_cgplan b = {.opts = opts, .out = out, .cap_writes = out->n_writes, .err = err};
    out->has_resources = res != NULL;
    if (opts->cgroup_layout == VEIL_CGROUP_NONE)
        return 0;
    size_t n_writes = out->n_writes, n_rules = out->n_device_rules, n_warn = out->n_warnings;
    if (translate(&b, res) < 0) {
        plan_reset(out, n_writes, n_rules, n_warn);
        return -1;
    }
    return 0;
}
