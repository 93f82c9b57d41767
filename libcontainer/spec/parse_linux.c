/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: linux (resources and seccomp have their own files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/internal.h"
#include "util/cleanup.h"

static const char *const device_type_names[] = {"c", "b", "u", "p"};

/* The spec's four values, and runc's recursive spellings of them. */
static const char *const propagation_names[] = {
    "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable",
};

static const char *const personality_domains[] = {"LINUX", "LINUX32"};

static const char *const mpol_mode_names[] = {
    "MPOL_DEFAULT",        "MPOL_PREFERRED", "MPOL_BIND",
    "MPOL_INTERLEAVE",     "MPOL_LOCAL",     "MPOL_PREFERRED_MANY",
    "MPOL_WEIGHTED_INTERLEAVE",
};
/* set_mempolicy(2) numbers: the index in the table above. */

static const char *const mpol_flag_names[] = {
    "MPOL_F_STATIC_NODES",
    "MPOL_F_RELATIVE_NODES",
    "MPOL_F_NUMA_BALANCING",
};
static const uint64_t mpol_flag_values[] = {1u << 15, 1u << 14, 1u << 13};

static const char *const time_clock_names[] = {"monotonic", "boottime"};

static int parse_namespace(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_namespace *ns = item;
    _cleanup_free_ char *type = NULL;
    size_t idx;
    if (sr_enum_member(r, o, "type", SR_REQUIRED, spec_ns_names, VEIL_NS__COUNT,
                       "namespace type", &type, &idx) < 0)
        return -1;
    ns->type = (veil_ns_type)idx;
    return sr_abs_path(r, o, "path", SR_OPTIONAL, &ns->path);
}

static int parse_namespaces(spec_reader *r, const vj_node *o, veil_spec_linux *l)
{
    if (sr_array_of(r, o, "namespaces", SR_OPTIONAL, sizeof(*l->namespaces), parse_namespace,
                    (void **)&l->namespaces, &l->n_namespaces) < 0)
        return -1;
    size_t first[VEIL_NS__COUNT];
    for (size_t i = 0; i < VEIL_NS__COUNT; i++)
        first[i] = SIZE_MAX;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        veil_ns_type t = l->namespaces[i].type;
        if (first[t] == SIZE_MAX) {
            first[t] = i;
            continue;
        }
        size_t m = sr_enter(r, "namespaces");
        char other[SR_PATH_MAX + 32];
        snprintf(other, sizeof(other), "%s[%zu]", r->path, first[t]);
        sr_enter_index(r, i);
        sr_enter(r, "type");
        sr_fail(r, "duplicate namespace type \"%s\" (also in %s)", spec_ns_names[t], other);
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

static int parse_time_offset(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_time_offset *t = out;
    /* the kernel takes nanoseconds below one second */
    if (sr_i64(r, o, "secs", SR_OPTIONAL, INT64_MIN, INT64_MAX, &t->secs) < 0 ||
        sr_u64(r, o, "nanosecs", SR_OPTIONAL, 999999999, &t->nanosecs) < 0)
        return -1;
    return 0;
}

/* The clock is the key: linux.timeOffsets["monotonic"]. */
static int parse_time_offsets(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_linux *l = out;
    _cleanup_free_ bool *keep = NULL;
    size_t kept;
    if (sr_map_keep(r, o, &keep, &kept) < 0)
        return -1;
    l->has_time_offsets = true;
    for (size_t i = 0; i < o->u.object.len; i++) {
        if (!keep[i])
            continue;
        const char *key = o->u.object.keys[i];
        const vj_node *v = o->u.object.values[i];
        size_t idx, m = sr_enter_key(r, key);
        int rc = sr_enum(r, key, time_clock_names, ARRAY_SIZE(time_clock_names), "clock", &idx);
        if (rc == 0)
            rc = sr_want(r, v, VJ_OBJECT);
        if (rc == 0)
            rc = parse_time_offset(r, v, idx == 0 ? &l->time_monotonic : &l->time_boottime);
        sr_leave(r, m);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int parse_device(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_device *d = item;
    _cleanup_free_ char *type = NULL;
    size_t idx;
    if (sr_enum_member(r, o, "type", SR_REQUIRED, device_type_names,
                       ARRAY_SIZE(device_type_names), "device type", &type, &idx) < 0)
        return -1;
    d->type = type[0];
    /* a FIFO has no numbers */
    int req = d->type == 'p' ? SR_OPTIONAL : SR_REQUIRED;
    if (sr_abs_path(r, o, "path", SR_REQUIRED, &d->path) < 0 ||
        sr_i64(r, o, "major", req, INT64_MIN, INT64_MAX, &d->major) < 0 ||
        sr_i64(r, o, "minor", req, INT64_MIN, INT64_MAX, &d->minor) < 0 ||
        sr_u64(r, o, "fileMode", SR_OPTIONAL, UINT32_MAX, &d->file_mode) < 0 ||
        sr_u64(r, o, "uid", SR_OPTIONAL, UINT32_MAX, &d->uid) < 0 ||
        sr_u64(r, o, "gid", SR_OPTIONAL, UINT32_MAX, &d->gid) < 0)
        return -1;
    return 0;
}

static int resources_fn(spec_reader *r, const vj_node *o, void *out)
{
    return spec_parse_resources(r, o, out);
}

static int seccomp_fn(spec_reader *r, const vj_node *o, void *out)
{
    return spec_parse_seccomp(r, o, out);
}

static int no_newline(spec_reader *r, const vj_node *o, const char *key, const char *s)
{
    if (s == NULL || strchr(s, '\n') == NULL)
        return 0;
    size_t m = sr_enter(r, key);
    sr_fail(r, "must not contain a newline");
    sr_leave(r, m);
    return -1;
}

static int parse_intel_rdt(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_intel_rdt *rdt = out;
    if (sr_string(r, o, "closID", SR_OPTIONAL, &rdt->clos_id) < 0 ||
        sr_string(r, o, "l3CacheSchema", SR_OPTIONAL, &rdt->l3_cache_schema) < 0 ||
        sr_string(r, o, "memBwSchema", SR_OPTIONAL, &rdt->mem_bw_schema) < 0 ||
        sr_strv(r, o, "schemata", SR_OPTIONAL, &rdt->schemata) < 0 ||
        sr_bool(r, o, "enableMonitoring", SR_OPTIONAL, &rdt->enable_monitoring) < 0)
        return -1;
    const char *c = rdt->clos_id;
    /* closID names a directory of the resctrl mount: no way out of it */
    if (c && strcmp(c, "/") != 0 &&
        (c[0] == '\0' || strchr(c, '/') || strchr(c, '\n') || strcmp(c, ".") == 0 ||
         strcmp(c, "..") == 0)) {
        char b[256];
        sr_quote(c, strlen(c), b, sizeof(b));
        size_t m = sr_enter(r, "closID");
        sr_fail(r, "invalid CLOS ID %s (\"/\" or a single directory name)", b);
        sr_leave(r, m);
        return -1;
    }
    if (no_newline(r, o, "memBwSchema", rdt->mem_bw_schema) < 0)
        return -1;
    if (rdt->mem_bw_schema && strncmp(rdt->mem_bw_schema, "MB:", 3) != 0) {
        size_t m = sr_enter(r, "memBwSchema");
        sr_fail(r, "must start with \"MB:\"");
        sr_leave(r, m);
        return -1;
    }
    for (size_t i = 0; i < rdt->schemata.n; i++) {
        if (strchr(rdt->schemata.v[i], '\n') == NULL)
            continue;
        size_t m = sr_enter(r, "schemata");
        sr_enter_index(r, i);
        sr_fail(r, "must not contain a newline");
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

static int abs_paths(spec_reader *r, const vj_node *o, const char *key, veil_strv *out)
{
    if (sr_strv(r, o, key, SR_OPTIONAL, out) < 0)
        return -1;
    for (size_t i = 0; i < out->n; i++) {
        size_t m = sr_enter(r, key);
        sr_enter_index(r, i);
        int rc = sr_check_abs(r, out->v[i]);
        sr_leave(r, m);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int parse_personality(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_personality *p = out;
    size_t idx;
    if (sr_enum_member(r, o, "domain", SR_REQUIRED, personality_domains,
                       ARRAY_SIZE(personality_domains), "personality domain", &p->domain,
                       &idx) < 0 ||
        sr_strv(r, o, "flags", SR_OPTIONAL, &p->flags) < 0)
        return -1;
    if (p->flags.n > 0) {
        char b[256];
        sr_quote(p->flags.v[0], strlen(p->flags.v[0]), b, sizeof(b));
        size_t m = sr_enter(r, "flags");
        sr_enter_index(r, 0);
        sr_fail(r, "unknown personality flag %s (no flags are supported)", b);
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

/* An interface name the kernel accepts (dev_valid_name), or a "%d" template. */
static bool valid_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
            return false;
    return true;
}

static int check_ifname(spec_reader *r, const char *s)
{
    if (valid_ifname(s))
        return 0;
    char b[256];
    sr_quote(s, strlen(s), b, sizeof(b));
    return sr_fail(r, "invalid network device name %s (1 to 15 characters, no \"/\", \":\" or "
                      "whitespace, not \".\" or \"..\")",
                   b);
}

static int parse_net_device(spec_reader *r, const char *key, const vj_node *v,
                            veil_spec_net_device *d)
{
    if (check_ifname(r, key) < 0 || sr_want(r, v, VJ_OBJECT) < 0)
        return -1;
    if ((d->host_name = strdup(key)) == NULL)
        return sr_fail(r, "out of memory");
    if (sr_string(r, v, "name", SR_OPTIONAL, &d->name) < 0)
        return -1;
    if (d->name == NULL)
        return 0;
    size_t m = sr_enter(r, "name");
    int rc = check_ifname(r, d->name);
    sr_leave(r, m);
    return rc;
}

static int parse_net_devices(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_linux *l = out;
    _cleanup_free_ bool *keep = NULL;
    size_t kept;
    if (sr_map_keep(r, o, &keep, &kept) < 0)
        return -1;
    if (kept == 0)
        return 0;
    if ((l->net_devices = calloc(kept, sizeof(*l->net_devices))) == NULL)
        return sr_fail(r, "out of memory");
    for (size_t i = 0; i < o->u.object.len; i++) {
        if (!keep[i])
            continue;
        size_t m = sr_enter_key(r, o->u.object.keys[i]);
        int rc = parse_net_device(r, o->u.object.keys[i], o->u.object.values[i],
                                  &l->net_devices[l->n_net_devices++]);
        sr_leave(r, m);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int parse_memory_policy(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_memory_policy *mp = out;
    size_t idx;
    uint64_t flags = 0;
    if (sr_enum_member(r, o, "mode", SR_REQUIRED, mpol_mode_names, ARRAY_SIZE(mpol_mode_names),
                       "memory policy mode", &mp->mode, &idx) < 0 ||
        sr_string(r, o, "nodes", SR_OPTIONAL, &mp->nodes) < 0 ||
        sr_flags(r, o, "flags", mpol_flag_names, mpol_flag_values, ARRAY_SIZE(mpol_flag_names),
                 "memory policy flag", &mp->flags, &flags) < 0)
        return -1;
    mp->mode_value = (int)idx;
    mp->flags_value = (unsigned)flags;
    return 0;
}

int spec_parse_linux(spec_reader *r, const vj_node *o, veil_spec_linux *l)
{
    size_t idx;
    if (parse_namespaces(r, o, l) < 0 ||
        sr_idmaps(r, o, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
        sr_idmaps(r, o, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
        sr_object(r, o, "timeOffsets", SR_OPTIONAL, parse_time_offsets, l) < 0 ||
        sr_array_of(r, o, "devices", SR_OPTIONAL, sizeof(*l->devices), parse_device,
                    (void **)&l->devices, &l->n_devices) < 0 ||
        sr_string(r, o, "cgroupsPath", SR_OPTIONAL, &l->cgroups_path) < 0 ||
        sr_object_new(r, o, "resources", sizeof(*l->resources), resources_fn,
                      (void **)&l->resources) < 0 ||
        sr_object_new(r, o, "intelRdt", sizeof(*l->intel_rdt), parse_intel_rdt,
                      (void **)&l->intel_rdt) < 0 ||
        sr_kv(r, o, "sysctl", &l->sysctl) < 0 ||
        sr_object_new(r, o, "seccomp", sizeof(*l->seccomp), seccomp_fn, (void **)&l->seccomp) <
            0 ||
        sr_enum_member(r, o, "rootfsPropagation", SR_OPTIONAL, propagation_names,
                       ARRAY_SIZE(propagation_names), "rootfs propagation",
                       &l->rootfs_propagation, &idx) < 0 ||
        abs_paths(r, o, "maskedPaths", &l->masked_paths) < 0 ||
        abs_paths(r, o, "readonlyPaths", &l->readonly_paths) < 0 ||
        sr_string(r, o, "mountLabel", SR_OPTIONAL, &l->mount_label) < 0 ||
        sr_object_new(r, o, "personality", sizeof(*l->personality), parse_personality,
                      (void **)&l->personality) < 0 ||
        sr_object(r, o, "netDevices", SR_OPTIONAL, parse_net_devices, l) < 0 ||
        sr_object_new(r, o, "memoryPolicy", sizeof(*l->memory_policy), parse_memory_policy,
                      (void **)&l->memory_policy) < 0)
        return -1;
    return 0;
}
