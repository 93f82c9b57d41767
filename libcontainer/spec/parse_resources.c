/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: linux.resources (also the document of `update --resources`). */
#include <stdlib.h>
#include <string.h>

#include "spec/internal.h"
#include "util/cleanup.h"

static const char *const rule_type_names[] = {"a", "c", "b"};

static int parse_device_rule(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_device_rule *d = item;
    veil_opt_bool allow = {0};
    _cleanup_free_ char *type = NULL;
    size_t idx;
    if (sr_bool(r, o, "allow", SR_REQUIRED, &allow) < 0 ||
        sr_enum_member(r, o, "type", SR_OPTIONAL, rule_type_names, ARRAY_SIZE(rule_type_names),
                       "device type", &type, &idx) < 0 ||
        sr_i64(r, o, "major", SR_OPTIONAL, INT64_MIN, INT64_MAX, &d->major) < 0 ||
        sr_i64(r, o, "minor", SR_OPTIONAL, INT64_MIN, INT64_MAX, &d->minor) < 0 ||
        sr_string(r, o, "access", SR_OPTIONAL, &d->access) < 0)
        return -1;
    d->allow = allow.value;
    d->type = type ? type[0] : 0;
    if (d->access && d->access[strspn(d->access, "rwm")] != '\0') {
        char b[256];
        sr_quote(d->access, strlen(d->access), b, sizeof(b));
        size_t m = sr_enter(r, "access");
        sr_fail(r, "expected a combination of \"r\", \"w\" and \"m\", got %s", b);
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

/* Byte counts, or -1 for unlimited. */
static int mem_value(spec_reader *r, const vj_node *o, const char *key, veil_opt_i64 *out)
{
    return sr_i64(r, o, key, SR_OPTIONAL, -1, INT64_MAX, out);
}

static int parse_memory(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_memory *m = out;
    if (mem_value(r, o, "limit", &m->limit) < 0 ||
        mem_value(r, o, "reservation", &m->reservation) < 0 ||
        mem_value(r, o, "swap", &m->swap) < 0 || mem_value(r, o, "kernel", &m->kernel) < 0 ||
        mem_value(r, o, "kernelTCP", &m->kernel_tcp) < 0 ||
        sr_u64(r, o, "swappiness", SR_OPTIONAL, 100, &m->swappiness) < 0 ||
        sr_bool(r, o, "disableOOMKiller", SR_OPTIONAL, &m->disable_oom_killer) < 0 ||
        sr_bool(r, o, "useHierarchy", SR_OPTIONAL, &m->use_hierarchy) < 0 ||
        sr_bool(r, o, "checkBeforeUpdate", SR_OPTIONAL, &m->check_before_update) < 0)
        return -1;
    return 0;
}

static int parse_cpu(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_cpu *c = out;
    if (sr_u64(r, o, "shares", SR_OPTIONAL, UINT64_MAX, &c->shares) < 0 ||
        sr_i64(r, o, "quota", SR_OPTIONAL, INT64_MIN, INT64_MAX, &c->quota) < 0 ||
        sr_u64(r, o, "burst", SR_OPTIONAL, UINT64_MAX, &c->burst) < 0 ||
        sr_u64(r, o, "period", SR_OPTIONAL, UINT64_MAX, &c->period) < 0 ||
        sr_i64(r, o, "realtimeRuntime", SR_OPTIONAL, INT64_MIN, INT64_MAX, &c->realtime_runtime) <
            0 ||
        sr_u64(r, o, "realtimePeriod", SR_OPTIONAL, UINT64_MAX, &c->realtime_period) < 0 ||
        sr_string(r, o, "cpus", SR_OPTIONAL, &c->cpus) < 0 ||
        sr_string(r, o, "mems", SR_OPTIONAL, &c->mems) < 0 ||
        sr_i64(r, o, "idle", SR_OPTIONAL, INT64_MIN, INT64_MAX, &c->idle) < 0)
        return -1;
    return 0;
}

static int device_numbers(spec_reader *r, const vj_node *o, int64_t *major, int64_t *minor)
{
    veil_opt_i64 ma = {0}, mi = {0};
    if (sr_i64(r, o, "major", SR_REQUIRED, INT64_MIN, INT64_MAX, &ma) < 0 ||
        sr_i64(r, o, "minor", SR_REQUIRED, INT64_MIN, INT64_MAX, &mi) < 0)
        return -1;
    *major = ma.value;
    *minor = mi.value;
    return 0;
}

static int parse_weight_device(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_weight_device *w = item;
    if (device_numbers(r, o, &w->major, &w->minor) < 0 ||
        sr_u64(r, o, "weight", SR_OPTIONAL, UINT16_MAX, &w->weight) < 0 ||
        sr_u64(r, o, "leafWeight", SR_OPTIONAL, UINT16_MAX, &w->leaf_weight) < 0)
        return -1;
    if (!w->weight.set && !w->leaf_weight.set)
        return sr_fail(r, "needs weight or leafWeight");
    return 0;
}

static int parse_throttle_device(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_throttle_device *t = item;
    veil_opt_u64 rate = {0};
    if (device_numbers(r, o, &t->major, &t->minor) < 0 ||
        sr_u64(r, o, "rate", SR_REQUIRED, UINT64_MAX, &rate) < 0)
        return -1;
    t->rate = rate.value;
    return 0;
}

static int throttle_list(spec_reader *r, const vj_node *o, const char *key,
                         veil_spec_throttle_list *l)
{
    return sr_array_of(r, o, key, SR_OPTIONAL, sizeof(*l->items), parse_throttle_device,
                       (void **)&l->items, &l->n);
}

static int parse_blockio(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_blockio *b = out;
    if (sr_u64(r, o, "weight", SR_OPTIONAL, UINT16_MAX, &b->weight) < 0 ||
        sr_u64(r, o, "leafWeight", SR_OPTIONAL, UINT16_MAX, &b->leaf_weight) < 0 ||
        sr_array_of(r, o, "weightDevice", SR_OPTIONAL, sizeof(*b->weight_devices),
                    parse_weight_device, (void **)&b->weight_devices, &b->n_weight_devices) < 0 ||
        throttle_list(r, o, "throttleReadBpsDevice", &b->throttle_read_bps) < 0 ||
        throttle_list(r, o, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0 ||
        throttle_list(r, o, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0 ||
        throttle_list(r, o, "throttleWriteIOPSDevice", &b->throttle_write_iops) < 0)
        return -1;
    return 0;
}

/* "<size><K|M|G>B", the form of the hugetlb controller's file names. */
static bool valid_page_size(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && s[0] != '0' && strchr("KMG", s[n]) && s[n] != '\0' && s[n + 1] == 'B' &&
           s[n + 2] == '\0';
}

static int parse_hugepage_limit(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_hugepage_limit *h = item;
    veil_opt_u64 limit = {0};
    if (sr_string(r, o, "pageSize", SR_REQUIRED, &h->page_size) < 0)
        return -1;
    if (!valid_page_size(h->page_size)) {
        char b[256];
        sr_quote(h->page_size, strlen(h->page_size), b, sizeof(b));
        size_t m = sr_enter(r, "pageSize");
        sr_fail(r, "expected a page size such as \"2MB\", got %s", b);
        sr_leave(r, m);
        return -1;
    }
    if (sr_u64(r, o, "limit", SR_REQUIRED, UINT64_MAX, &limit) < 0)
        return -1;
    h->limit = limit.value;
    return 0;
}

static int parse_priority(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_net_priority *p = item;
    if (sr_string(r, o, "name", SR_REQUIRED, &p->name) < 0 ||
        sr_u32(r, o, "priority", SR_REQUIRED, &p->priority, NULL) < 0)
        return -1;
    return 0;
}

static int parse_network(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_network *n = out;
    if (sr_u64(r, o, "classID", SR_OPTIONAL, UINT32_MAX, &n->class_id) < 0 ||
        sr_array_of(r, o, "priorities", SR_OPTIONAL, sizeof(*n->priorities), parse_priority,
                    (void **)&n->priorities, &n->n_priorities) < 0)
        return -1;
    return 0;
}

static int parse_pids(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_resources *res = out;
    veil_opt_i64 limit = {0};
    /* -1 is "max"; 0 is a real limit */
    if (sr_i64(r, o, "limit", SR_OPTIONAL, -1, INT64_MAX, &limit) < 0)
        return -1;
    res->has_pids = limit.set;
    res->pids_limit = limit.value;
    return 0;
}

static int parse_rdma_entry(spec_reader *r, const char *key, const vj_node *v,
                            veil_spec_rdma *d)
{
    if (sr_want(r, v, VJ_OBJECT) < 0)
        return -1;
    if ((d->device = strdup(key)) == NULL)
        return sr_fail(r, "out of memory");
    if (sr_u64(r, v, "hcaHandles", SR_OPTIONAL, UINT32_MAX, &d->hca_handles) < 0 ||
        sr_u64(r, v, "hcaObjects", SR_OPTIONAL, UINT32_MAX, &d->hca_objects) < 0)
        return -1;
    if (!d->hca_handles.set && !d->hca_objects.set)
        return sr_fail(r, "needs hcaHandles or hcaObjects");
    return 0;
}

static int parse_rdma(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_resources *res = out;
    _cleanup_free_ bool *keep = NULL;
    size_t kept;
    if (sr_map_keep(r, o, &keep, &kept) < 0)
        return -1;
    if (kept == 0)
        return 0;
    if ((res->rdma = calloc(kept, sizeof(*res->rdma))) == NULL)
        return sr_fail(r, "out of memory");
    for (size_t i = 0; i < o->u.object.len; i++) {
        if (!keep[i])
            continue;
        size_t m = sr_enter_key(r, o->u.object.keys[i]);
        int rc = parse_rdma_entry(r, o->u.object.keys[i], o->u.object.values[i],
                                  &res->rdma[res->n_rdma++]);
        sr_leave(r, m);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Keys of `unified` are file names inside the container's cgroup. */
static int check_unified(spec_reader *r, const veil_kv_list *u)
{
    for (size_t i = 0; i < u->n; i++) {
        const char *k = u->items[i].key;
        if (strchr(k, '/') == NULL && strcmp(k, ".") != 0 && strcmp(k, "..") != 0)
            continue;
        size_t m = sr_enter(r, "unified");
        sr_enter_key(r, k);
        sr_fail(r, "must be a cgroup file name, without \"/\"");
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

int spec_parse_resources(spec_reader *r, const vj_node *o, veil_spec_resources *res)
{
    if (sr_array_of(r, o, "devices", SR_OPTIONAL, sizeof(*res->devices), parse_device_rule,
                    (void **)&res->devices, &res->n_devices) < 0 ||
        sr_object_new(r, o, "memory", sizeof(*res->memory), parse_memory,
                      (void **)&res->memory) < 0 ||
        sr_object_new(r, o, "cpu", sizeof(*res->cpu), parse_cpu, (void **)&res->cpu) < 0 ||
        sr_object_new(r, o, "blockIO", sizeof(*res->block_io), parse_blockio,
                      (void **)&res->block_io) < 0 ||
        sr_array_of(r, o, "hugepageLimits", SR_OPTIONAL, sizeof(*res->hugepage_limits),
                    parse_hugepage_limit, (void **)&res->hugepage_limits,
                    &res->n_hugepage_limits) < 0 ||
        sr_object_new(r, o, "network", sizeof(*res->network), parse_network,
                      (void **)&res->network) < 0 ||
        sr_object(r, o, "pids", SR_OPTIONAL, parse_pids, res) < 0 ||
        sr_object(r, o, "rdma", SR_OPTIONAL, parse_rdma, res) < 0 ||
        sr_kv(r, o, "unified", &res->unified) < 0 || check_unified(r, &res->unified) < 0)
        return -1;
    return 0;
}
