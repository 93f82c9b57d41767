/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veil_plan_build: a veil_spec plus runtime options -> struct veil_plan.
 *
 * Pure: no system calls, no file access, no global state.  Every decision
 * that can be made without asking the kernel is made here (and tested in
 * tests/unit/test_plan.c); what needs the host (is this netns the host's?
 * is SELinux on?) is left to the applier and said so where it matters.
 *
 * This file orchestrates the steps and holds the small parts: the root
 * filesystem, masked and read-only paths, the cgroup path, personality,
 * memory policy, network devices and Intel RDT.
 */
#include <errno.h>
#include <limits.h>
#include <linux/mempolicy.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "plan/internal.h"
#include "util/path.h"

static inline void cleanup_planp(veil_plan **p)
{
    veil_plan_free(*p);
}
#define _cleanup_plan_ __attribute__((cleanup(cleanup_planp)))

/* ---- helpers shared by the plan files ----------------------------------- */

int veil_plan_warn(veil_plan *plan, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0)
        return -1;
    char **nw = realloc(plan->warnings, (plan->n_warnings + 1) * sizeof(*nw));
    if (nw == NULL) {
        free(msg);
        return -1;
    }
    plan->warnings = nw;
    plan->warnings[plan->n_warnings++] = msg;
    return 0;
}

int veil_plan_invalid(veil_error **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    veil_error_setv(err, 0, fmt, ap);
    va_end(ap);
    if (err && *err)
        (*err)->errnum = EINVAL;
    return -1;
}

char **veil_plan_strv_dup(char *const *v, bool *ok)
{
    *ok = true;
    if (v == NULL)
        return NULL;
    size_t n = 0;
    while (v[n])
        n++;
    _cleanup_strv_ char **out = calloc(n + 1, sizeof(*out));
    if (out == NULL) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if ((out[i] = strdup(v[i])) == NULL) {
            *ok = false;
            return NULL;
        }
    return steal_pointer(&out);
}

/* One number of a list: decimal digits only, below limit. */
static const char *list_number(const char *p, unsigned limit, unsigned *out)
{
    if (*p < '0' || *p > '9')
        return NULL;
    unsigned long v = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v >= limit)
            return NULL;
        p++;
    }
    *out = (unsigned)v;
    return p;
}

bool veil_plan_valid_list(const char *s, unsigned limit)
{
    if (s == NULL || *s == '\0')
        return false;
    const char *p = s;
    for (;;) {
        unsigned lo, hi;
        if ((p = list_number(p, limit, &lo)) == NULL)
            return false;
        if (*p == '-') {
            if ((p = list_number(p + 1, limit, &hi)) == NULL || hi < lo)
                return false;
        }
        if (*p == '\0')
            return true;
        if (*p != ',')
            return false;
        p++;
    }
}

static int oom(veil_error **err, const char *what)
{
    return veil_error_set(err, ENOMEM, "plan %s", what);
}

static int kv_copy(const veil_kv_list *in, veil_kv_list *out, veil_error **err)
{
    if (in->n == 0)
        return 0;
    out->items = calloc(in->n, sizeof(*out->items));
    if (out->items == NULL)
        return oom(err, "annotations");
    for (size_t i = 0; i < in->n; i++) {
        out->items[i].key = strdup(in->items[i].key);
        out->items[i].value = strdup(in->items[i].value ? in->items[i].value : "");
        out->n = i + 1;
        if (out->items[i].key == NULL || out->items[i].value == NULL)
            return oom(err, "annotations");
    }
    return 0;
}

/* ---- root filesystem ------------------------------------------------------ */

static int plan_rootfs(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                       veil_error **err)
{
    if (!spec->has_root || spec->root_path == NULL)
        return veil_plan_invalid(err, "root must be specified");
    if (spec->root_path[0] == '\0')
        return veil_plan_invalid(err, "root.path must not be empty");
    /* relative to the bundle; "." is the bundle itself */
    if ((plan->rootfs = veil_path_join(opts->bundle, spec->root_path)) == NULL)
        return oom(err, "root");
    plan->rootfs_readonly = spec->root_readonly;
    plan->no_pivot = opts->no_pivot;

    /* runc's default: keep receiving the host's mount events, send none */
    plan->rootfs_propagation = MS_SLAVE | MS_REC;
    const char *prop = spec->linux_ ? spec->linux_->rootfs_propagation : NULL;
    if (prop && *prop) {
        uint64_t v;
        if (veil_named_value(veil_propagations, prop, &v) < 0)
            return veil_plan_invalid(err, "linux.rootfsPropagation: \"%s\" is not supported", prop);
        plan->rootfs_propagation = (unsigned long)v;
        /* refused by runc as well: the MS_MOVE + chroot path needs a non-private root */
        if (opts->no_pivot && (v & MS_PRIVATE))
            return veil_plan_invalid(
                err, "rootfsPropagation of [r]private is not safe without pivot_root");
    }
    return 0;
}

/* ---- masked and read-only paths ------------------------------------------- */

static int path_list(const veil_strv *in, const char *field, char ***out, size_t *n,
                     veil_error **err)
{
    if (in->n == 0)
        return 0;
    *out = calloc(in->n, sizeof(**out));
    if (*out == NULL)
        return oom(err, field);
    for (size_t i = 0; i < in->n; i++) {
        if (in->v[i][0] == '\0')
            return veil_plan_invalid(err, "linux.%s[%zu]: path must not be empty", field, i);
        if (((*out)[i] = veil_path_clean_abs(in->v[i])) == NULL)
            return oom(err, field);
        *n = i + 1;
    }
    return 0;
}

static int plan_paths(const veil_spec *spec, veil_plan *plan, veil_error **err)
{
    const veil_spec_linux *lx = spec->linux_;
    if (lx == NULL)
        return 0;
    if (path_list(&lx->masked_paths, "maskedPaths", &plan->masked_paths, &plan->n_masked_paths,
                  err) < 0 ||
        path_list(&lx->readonly_paths, "readonlyPaths", &plan->readonly_paths,
                  &plan->n_readonly_paths, err) < 0)
        return -1;
    /* in the host's mount namespace these would hide host paths */
    if ((plan->n_masked_paths || plan->n_readonly_paths) &&
        veil_plan_find_ns(plan, VEIL_NS_MOUNT) == NULL)
        return veil_plan_invalid(err,
                                 "unable to restrict sys entries without a private MNT namespace");
    return 0;
}

/* ---- cgroup path ------------------------------------------------------------ */

/* runc's cleanPath for cgroups: an absolute path is cleaned; a relative one
 * is cleaned as if under "/" and stays relative, so "../x" cannot climb. */
static char *cgroup_clean(const char *p, bool *relative)
{
    *relative = !veil_path_is_abs(p);
    if (!*relative)
        return veil_path_clean(p);
    char *abs = veil_path_clean_abs(p);
    if (abs == NULL)
        return NULL;
    char *rel = strdup(abs[1] ? abs + 1 : ".");
    free(abs);
    return rel;
}

/*
 * linux.cgroupsPath, or the default when it is unset.
 *  - cgroupfs: the path as given, cleaned; relative paths are relative to
 *    veil's own cgroup (per hierarchy on v1, its parent on v2), as runc's fs
 *    drivers do.  Unset: the container id, relative (runc: Name = id, no
 *    Parent), so the container lands next to the runtime's cgroup.
 *  - systemd: "slice:prefix:name"; unset: "system.slice:veil:<id>"
 *    ("user.slice" when rootless), which the driver turns into the unit
 *    veil-<id>.scope, as runc does with its "runc" prefix.
 */
static int plan_cgroup_path(const veil_spec *spec, const veil_plan_options *opts,
                            veil_plan *plan, veil_error **err)
{
    const char *p = spec->linux_ ? spec->linux_->cgroups_path : NULL;
    if (p && *p == '\0')
        p = NULL;
    veil_cgroup_plan *cg = &plan->cgroup;
    cg->has_resources = spec->linux_ && spec->linux_->resources;
    if (opts->systemd_cgroup) {
        cg->path_relative = false;
        if (p) {
            const char *c1 = strchr(p, ':');
            const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':'))
                return veil_plan_invalid(
                    err,
                    "expected cgroupsPath to be of format \"slice:prefix:name\" "
                    "for systemd cgroups, got \"%s\" instead",
                    p);
            cg->path = strdup(p);
        } else if (asprintf(&cg->path, "%s:veil:%s", opts->rootless ? "user.slice" : "system.slice",
                            plan->id) < 0) {
            cg->path = NULL;
        }
        return cg->path ? 0 : oom(err, "cgroup path");
    }
    if (p == NULL)
        p = plan->id;
    if ((cg->path = cgroup_clean(p, &cg->path_relative)) == NULL)
        return oom(err, "cgroup path");
    return 0;
}

/* ---- linux odds and ends -------------------------------------------------- */

static int plan_personality(const veil_spec_personality *sp, veil_plan *plan, veil_error **err)
{
    if (sp == NULL)
        return 0;
    const char *d = sp->domain ? sp->domain : "";
    if (strcmp(d, "LINUX") == 0)
        plan->personality = PER_LINUX;
    else if (strcmp(d, "LINUX32") == 0)
        plan->personality = PER_LINUX32;
    else
        return veil_plan_invalid(err, "linux.personality: invalid personality domain \"%s\"", d);
    if (sp->flags.n > 0)
        return veil_plan_invalid(err,
                                 "linux.personality.flags: personality flags are not supported "
                                 "(\"%s\")",
                                 sp->flags.v[0]);
    plan->has_personality = true;
    return 0;
}

static int plan_memory_policy(const veil_spec_memory_policy *mp, veil_plan *plan,
                              veil_error **err)
{
    if (mp == NULL)
        return 0;
    uint64_t mode;
    if (veil_named_value(veil_mpol_modes, mp->mode, &mode) < 0)
        return veil_plan_invalid(err, "linux.memoryPolicy: invalid mode \"%s\"",
                                 mp->mode ? mp->mode : "");
    unsigned flags = 0;
    for (size_t i = 0; i < mp->flags.n; i++) {
        uint64_t f;
        if (veil_named_value(veil_mpol_flags, mp->flags.v[i], &f) < 0)
            return veil_plan_invalid(err, "linux.memoryPolicy: invalid flag \"%s\"",
                                     mp->flags.v[i]);
        flags |= (unsigned)f;
    }
    const char *nodes = mp->nodes && *mp->nodes ? mp->nodes : NULL;
    /* the kernel's node numbers stay well below this (MAX_NUMNODES) */
    if (nodes && !veil_plan_valid_list(nodes, 1u << 16))
        return veil_plan_invalid(err, "linux.memoryPolicy: invalid nodes \"%s\"", nodes);
    switch (mode) {
    case MPOL_DEFAULT:
    case MPOL_LOCAL:
        if (nodes)
            return veil_plan_invalid(err, "linux.memoryPolicy: mode %s takes no nodes, got \"%s\"",
                                     mp->mode, nodes);
        break;
    case MPOL_PREFERRED:
        break; /* zero or more nodes */
    default:
        if (nodes == NULL)
            return veil_plan_invalid(err, "linux.memoryPolicy: mode %s requires at least one node",
                                     mp->mode);
        break;
    }
    plan->has_memory_policy = true;
    plan->memory_policy_mode = (int)mode;
    plan->memory_policy_flags = flags;
    if (nodes && (plan->memory_policy_nodes = strdup(nodes)) == NULL)
        return oom(err, "memory policy");
    return 0;
}

/* The kernel's dev_valid_name(). */
static bool netdev_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= 16 /* IFNAMSIZ */)
        return false;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    return strpbrk(name, "/: \t\n") == NULL;
}

static int plan_net_devices(const veil_spec_linux *lx, const veil_plan_options *opts,
                            veil_plan *plan, veil_error **err)
{
    if (lx->n_net_devices == 0)
        return 0;
    if (veil_plan_find_ns(plan, VEIL_NS_NETWORK) == NULL)
        return veil_plan_invalid(err, "unable to move network devices without a NET namespace");
    if (opts->rootless)
        return veil_plan_invalid(err, "network devices are not supported for rootless containers");
    plan->net_devices = calloc(lx->n_net_devices, sizeof(*plan->net_devices));
    if (plan->net_devices == NULL)
        return oom(err, "network devices");
    for (size_t i = 0; i < lx->n_net_devices; i++) {
        const veil_spec_net_device *d = &lx->net_devices[i];
        if (d->host_name == NULL || !netdev_name_valid(d->host_name))
            return veil_plan_invalid(err, "linux.netDevices: invalid network device name \"%s\"",
                                     d->host_name ? d->host_name : "");
        if (d->name && *d->name && !netdev_name_valid(d->name))
            return veil_plan_invalid(err, "linux.netDevices.%s: invalid network device name \"%s\"",
                                     d->host_name, d->name);
        veil_spec_net_device *o = &plan->net_devices[i];
        plan->n_net_devices = i + 1;
        o->host_name = strdup(d->host_name);
        /* no name: the device keeps its host name */
        o->name = strdup(d->name && *d->name ? d->name : d->host_name);
        if (o->host_name == NULL || o->name == NULL)
            return oom(err, "network devices");
    }
    return 0;
}

static int plan_intel_rdt(const veil_spec_intel_rdt *r, veil_plan *plan, veil_error **err)
{
    if (r == NULL)
        return 0;
    const char *clos = r->clos_id;
    /* the CLOS id names a directory under /sys/fs/resctrl */
    if (clos && (strcmp(clos, ".") == 0 || strcmp(clos, "..") == 0 || strchr(clos, '/')))
        return veil_plan_invalid(err, "linux.intelRdt: invalid closID \"%s\"", clos);
    veil_spec_intel_rdt *o = calloc(1, sizeof(*o));
    if (o == NULL)
        return oom(err, "intelRdt");
    plan->intel_rdt = o;
    bool ok = true;
    o->clos_id = clos ? strdup(clos) : NULL;
    o->l3_cache_schema = r->l3_cache_schema ? strdup(r->l3_cache_schema) : NULL;
    o->mem_bw_schema = r->mem_bw_schema ? strdup(r->mem_bw_schema) : NULL;
    o->schemata.v = veil_plan_strv_dup(r->schemata.v, &ok);
    o->schemata.n = r->schemata.n;
    o->enable_monitoring = r->enable_monitoring;
    if (!ok || (clos && !o->clos_id) || (r->l3_cache_schema && !o->l3_cache_schema) ||
        (r->mem_bw_schema && !o->mem_bw_schema))
        return oom(err, "intelRdt");
    return 0;
}

static int plan_linux_misc(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                           veil_error **err)
{
    const veil_spec_linux *lx = spec->linux_;
    if (lx == NULL)
        return 0;
    if (lx->mount_label && (plan->mount_label = strdup(lx->mount_label)) == NULL)
        return oom(err, "mountLabel");
    if (plan_personality(lx->personality, plan, err) < 0 ||
        plan_memory_policy(lx->memory_policy, plan, err) < 0 ||
        plan_net_devices(lx, opts, plan, err) < 0 || plan_intel_rdt(lx->intel_rdt, plan, err) < 0)
        return -1;
    return 0;
}

/* ---- the builder ------------------------------------------------------------ */

int veil_plan_build(const veil_spec *spec, const veil_plan_options *opts, veil_plan **out,
                    veil_error **err)
{
    *out = NULL;
    if (spec == NULL || opts == NULL)
        return veil_plan_invalid(err, "plan: no spec or options");
    if (!veil_path_is_abs(opts->bundle))
        return veil_plan_invalid(err, "plan: the bundle path must be absolute, got \"%s\"",
                                 opts->bundle ? opts->bundle : "");
    if (opts->id == NULL || *opts->id == '\0')
        return veil_plan_invalid(err, "plan: a container id is required");

    _cleanup_plan_ veil_plan *plan = calloc(1, sizeof(*plan));
    if (plan == NULL)
        return oom(err, "");
    plan->id = strdup(opts->id);
    plan->bundle = veil_path_clean(opts->bundle);
    plan->oci_version = spec->oci_version ? strdup(spec->oci_version) : NULL;
    if (plan->id == NULL || plan->bundle == NULL || (spec->oci_version && !plan->oci_version))
        return oom(err, "");
    plan->no_new_keyring = opts->no_new_keyring;
    plan->preserve_fds = opts->preserve_fds;

    /* Namespaces come first: mounts (idmap), paths, sysctl, hostname and
     * network devices are all checked against them. */
    if (kv_copy(&spec->annotations, &plan->annotations, err) < 0 ||
        plan_rootfs(spec, opts, plan, err) < 0 || veil_plan_namespaces(spec, opts, plan, err) < 0 ||
        veil_plan_sysctl(spec, plan, err) < 0 || veil_plan_mounts(spec, opts, plan, err) < 0 ||
        veil_plan_devices(spec, plan, err) < 0 || plan_paths(spec, plan, err) < 0 ||
        veil_plan_hooks(&spec->hooks, plan, err) < 0 ||
        plan_cgroup_path(spec, opts, plan, err) < 0 || plan_linux_misc(spec, opts, plan, err) < 0)
        return -1;
    if (spec->process && veil_plan_build_process(spec->process, plan, &plan->process, err) < 0)
        return -1;

    if (spec->linux_ && spec->linux_->seccomp &&
        veil_plan_seccomp(spec->linux_->seccomp, &plan->seccomp, err) < 0)
        return -1;
    /* linux.resources -> cgroup writes and device rules, for the host layout
     * in opts (none: no cgroups); knobs the layout lacks become warnings */
    if (veil_plan_cgroup_resources(spec->linux_ ? spec->linux_->resources : NULL, opts,
                                   &plan->cgroup, err) < 0)
        return -1;
    for (size_t i = 0; i < plan->cgroup.n_warnings; i++)
        if (veil_plan_warn(plan, "%s", plan->cgroup.warnings[i]) < 0)
            return oom(err, "");

    *out = steal_pointer(&plan);
    return 0;
}

/* ---- a process exec'd into a running container ------------------------------ */

/* What the exec'd process takes from the container when its own description
 * leaves it out (runc's rules): capabilities, rlimits, LSM labels,
 * scheduler, I/O priority, CPU affinity, umask and OOM score.  A shallow
 * copy: the strings stay with proc and config. */
static veil_spec_process merge_exec_process(const veil_spec_process *proc,
                                            const veil_spec_process *config)
{
    veil_spec_process m = *proc;
    if (config == NULL)
        return m;
    if (m.capabilities == NULL)
        m.capabilities = config->capabilities;
    if (m.n_rlimits == 0) {
        m.rlimits = config->rlimits;
        m.n_rlimits = config->n_rlimits;
    }
    if (m.apparmor_profile == NULL || *m.apparmor_profile == '\0')
        m.apparmor_profile = config->apparmor_profile;
    if (m.selinux_label == NULL || *m.selinux_label == '\0')
        m.selinux_label = config->selinux_label;
    if (m.scheduler == NULL)
        m.scheduler = config->scheduler;
    if (m.io_priority == NULL)
        m.io_priority = config->io_priority;
    if ((m.exec_cpu_affinity_initial == NULL || *m.exec_cpu_affinity_initial == '\0') &&
        (m.exec_cpu_affinity_final == NULL || *m.exec_cpu_affinity_final == '\0')) {
        m.exec_cpu_affinity_initial = config->exec_cpu_affinity_initial;
        m.exec_cpu_affinity_final = config->exec_cpu_affinity_final;
    }
    if (!m.user.umask.set)
        m.user.umask = config->user.umask;
    if (!m.oom_score_adj.set)
        m.oom_score_adj = config->oom_score_adj;
    return m;
}

int veil_plan_build_exec(const veil_spec *config, const veil_spec_process *proc,
                         const veil_plan_options *opts, veil_plan **out, veil_error **err)
{
    *out = NULL;
    if (config == NULL || proc == NULL || opts == NULL)
        return veil_plan_invalid(err, "plan: no config, process or options");
    if (opts->id == NULL || *opts->id == '\0')
        return veil_plan_invalid(err, "plan: a container id is required");
    _cleanup_plan_ veil_plan *plan = calloc(1, sizeof(*plan));
    if (plan == NULL)
        return oom(err, "");
    plan->id = strdup(opts->id);
    plan->bundle = opts->bundle ? veil_path_clean(opts->bundle) : NULL;
    plan->oci_version = config->oci_version ? strdup(config->oci_version) : NULL;
    if (plan->id == NULL || (opts->bundle && plan->bundle == NULL) ||
        (config->oci_version && !plan->oci_version))
        return oom(err, "");
    plan->no_new_keyring = opts->no_new_keyring;
    plan->preserve_fds = opts->preserve_fds;
    const veil_spec_linux *lx = config->linux_;
    veil_spec_process merged = merge_exec_process(proc, config->process);
    if (kv_copy(&config->annotations, &plan->annotations, err) < 0 ||
        veil_plan_build_process(&merged, plan, &plan->process, err) < 0 ||
        (lx && plan_personality(lx->personality, plan, err) < 0) ||
        (lx && plan_memory_policy(lx->memory_policy, plan, err) < 0) ||
        (lx && lx->seccomp && veil_plan_seccomp(lx->seccomp, &plan->seccomp, err) < 0))
        return -1;
    *out = steal_pointer(&plan);
    return 0;
}
