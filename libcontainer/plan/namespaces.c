/* SPDX-License-Identifier: Apache-2.0 */
/* linux.namespaces, the id maps, time offsets, hostname and domainname, and
 * sysctl keys checked against the namespaces the container owns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"

/*
 * The order in which the applier enters namespaces:
 *
 *   1. those joined by path (setns), user first: joining the target user
 *      namespace first gives the capabilities needed to join the others it
 *      owns.  Then ipc, uts, network, pid, mount, cgroup, time.  The mount
 *      namespace comes late because it changes how paths resolve (the
 *      applier opens every namespace file before the first setns anyway).
 *   2. then the new ones (unshare/clone flags), in the same order: user first
 *      so that every other new namespace is owned by it; cgroup after the
 *      process has been placed in its cgroup, so the namespace is rooted
 *      there; time last (it only applies to children, which is what the
 *      container process is).
 *
 * Joining before creating is what runc does too: setns into namespaces owned
 * by the host must happen while veil still has the host's privileges.
 */
static const veil_ns_type ns_order[] = {
    VEIL_NS_USER, VEIL_NS_IPC, VEIL_NS_UTS, VEIL_NS_NETWORK,
    VEIL_NS_PID,  VEIL_NS_MOUNT, VEIL_NS_CGROUP, VEIL_NS_TIME,
};

const veil_plan_namespace *veil_plan_find_ns(const veil_plan *plan, veil_ns_type type)
{
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == type)
            return &plan->namespaces[i];
    return NULL;
}

static int copy_idmap(const veil_spec_idmap *in, size_t n, veil_idmap_list *out, veil_error **err)
{
    if (n == 0)
        return 0;
    out->items = malloc(n * sizeof(*in));
    if (out->items == NULL)
        return veil_error_set(err, ENOMEM, "plan id mappings");
    memcpy(out->items, in, n * sizeof(*in));
    out->n = n;
    return 0;
}

static int check_idmap(const char *field, const veil_spec_idmap *m, size_t n, veil_error **err)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].size == 0)
            return veil_plan_invalid(err, "linux.%s[%zu]: size must not be 0", field, i);
        if ((uint64_t)m[i].container_id + m[i].size - 1 > UINT32_MAX ||
            (uint64_t)m[i].host_id + m[i].size - 1 > UINT32_MAX)
            return veil_plan_invalid(err, "linux.%s[%zu]: the range passes 2^32", field, i);
    }
    return 0;
}

int veil_plan_namespaces(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                         veil_error **err)
{
    const veil_spec_linux *lx = spec->linux_;
    const veil_spec_namespace *by_type[VEIL_NS__COUNT] = {0};
    size_t n = 0;

    if (lx) {
        for (size_t i = 0; i < lx->n_namespaces; i++) {
            const veil_spec_namespace *ns = &lx->namespaces[i];
            if ((unsigned)ns->type >= VEIL_NS__COUNT)
                return veil_plan_invalid(err, "linux.namespaces[%zu]: unknown type", i);
            if (by_type[ns->type])
                return veil_plan_invalid(err, "linux.namespaces: duplicate namespace \"%s\"",
                                         veil_ns_type_name(ns->type));
            if (ns->path && *ns->path && ns->path[0] != '/')
                return veil_plan_invalid(
                    err, "linux.namespaces[%zu] (%s): path must be absolute, got \"%s\"", i,
                    veil_ns_type_name(ns->type), ns->path);
            by_type[ns->type] = ns;
            n++;
        }
    }
    if (n > 0) {
        plan->namespaces = calloc(n, sizeof(*plan->namespaces));
        if (plan->namespaces == NULL)
            return veil_error_set(err, ENOMEM, "plan namespaces");
        /* two passes over the order: joined ones, then new ones */
        for (int joined = 1; joined >= 0; joined--)
            for (size_t k = 0; k < ARRAY_SIZE(ns_order); k++) {
                const veil_spec_namespace *ns = by_type[ns_order[k]];
                bool has_path = ns && ns->path && *ns->path;
                if (ns == NULL || has_path != (joined == 1))
                    continue;
                veil_plan_namespace *o = &plan->namespaces[plan->n_namespaces++];
                o->type = ns->type;
                if (has_path && (o->path = strdup(ns->path)) == NULL)
                    return veil_error_set(err, ENOMEM, "plan namespaces");
            }
    }

    const veil_plan_namespace *user = veil_plan_find_ns(plan, VEIL_NS_USER);
    bool maps = lx && (lx->n_uid_mappings || lx->n_gid_mappings);
    if (user == NULL && maps)
        return veil_plan_invalid(
            err, "user namespace mappings specified, but user namespace isn't enabled "
                 "in the config");
    if (user && user->path == NULL && !maps)
        return veil_plan_invalid(
            err, "user namespaces enabled, but no namespace path to join nor mappings "
                 "to apply specified");
    if (opts->rootless) {
        if (user == NULL)
            return veil_plan_invalid(err, "rootless container requires user namespaces");
        if (user->path == NULL && lx->n_uid_mappings == 0)
            return veil_plan_invalid(err, "rootless containers requires at least one UID mapping");
        if (user->path == NULL && lx->n_gid_mappings == 0)
            return veil_plan_invalid(err, "rootless containers requires at least one GID mapping");
    }
    if (lx) {
        if (check_idmap("uidMappings", lx->uid_mappings, lx->n_uid_mappings, err) < 0 ||
            check_idmap("gidMappings", lx->gid_mappings, lx->n_gid_mappings, err) < 0 ||
            copy_idmap(lx->uid_mappings, lx->n_uid_mappings, &plan->uid_mappings, err) < 0 ||
            copy_idmap(lx->gid_mappings, lx->n_gid_mappings, &plan->gid_mappings, err) < 0)
            return -1;
    }
    /* Engines (containerd, CRI-O) send both a userns path and its mappings.
     * runc accepts it when they match the namespace's own, which only the
     * applier can read; the namespace's own maps are what counts. */
    if (user && user->path && maps &&
        veil_plan_warn(plan, "linux.uidMappings/gidMappings are ignored when joining the user "
                             "namespace %s",
                       user->path) < 0)
        return veil_error_set(err, ENOMEM, "plan namespaces");

    const veil_plan_namespace *time = veil_plan_find_ns(plan, VEIL_NS_TIME);
    if (lx && lx->has_time_offsets) {
        if (time == NULL)
            return veil_plan_invalid(err,
                                     "time namespace offsets specified, but time namespace isn't "
                                     "enabled in the config");
        if (time->path)
            return veil_plan_invalid(err,
                                     "time namespace enabled, but both namespace path and time "
                                     "offsets specified -- you may only provide one");
        const veil_spec_time_offset *mono = &lx->time_monotonic, *boot = &lx->time_boottime;
        if ((mono->nanosecs.set && mono->nanosecs.value >= 1000000000u) ||
            (boot->nanosecs.set && boot->nanosecs.value >= 1000000000u))
            return veil_plan_invalid(err, "linux.timeOffsets: nanosecs must be below 1000000000");
        plan->has_time_offsets = true;
        plan->time_monotonic_secs = mono->secs.set ? mono->secs.value : 0;
        plan->time_monotonic_nsecs = mono->nanosecs.set ? (uint32_t)mono->nanosecs.value : 0;
        plan->time_boottime_secs = boot->secs.set ? boot->secs.value : 0;
        plan->time_boottime_nsecs = boot->nanosecs.set ? (uint32_t)boot->nanosecs.value : 0;
    }

    bool uts = veil_plan_find_ns(plan, VEIL_NS_UTS) != NULL;
    if (spec->hostname && *spec->hostname) {
        if (!uts)
            return veil_plan_invalid(err, "unable to set hostname without a private UTS namespace");
        if ((plan->hostname = strdup(spec->hostname)) == NULL)
            return veil_error_set(err, ENOMEM, "plan hostname");
    }
    if (spec->domainname && *spec->domainname) {
        if (!uts)
            return veil_plan_invalid(err,
                                     "unable to set domainname without a private UTS namespace");
        if ((plan->domainname = strdup(spec->domainname)) == NULL)
            return veil_error_set(err, ENOMEM, "plan domainname");
    }
    return 0;
}

/* ---- sysctl ------------------------------------------------------------------ */

/* sysctl(8) accepts "/" as the separator too, in which case "." may appear
 * inside a name ("net/ipv4/conf/eth0.100/rp_filter").  The plan keeps the
 * dotted form, with such dots turned into "/" ("net.ipv4.conf.eth0/100.
 * rp_filter"); the applier swaps the two back to get the /proc/sys path. */
static char *sysctl_dotted(const char *key)
{
    char *s = strdup(key);
    if (s == NULL)
        return NULL;
    size_t first = strcspn(s, "./");
    if (s[first] != '/')
        return s;
    for (char *p = s; *p; p++)
        *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
    return s;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The keys /proc/sys only namespaces with IPC (ipc/ipc_sysctl.c). */
static bool ipc_sysctl(const char *k)
{
    static const char *const keys[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",         "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni",         "kernel.shm_rmid_forced",
    };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return has_prefix(k, "fs.mqueue.");
}

/*
 * Only keys that live in a namespace the container owns are allowed, the way
 * runc's validator decides:
 *   - IPC keys (above) need an IPC namespace;
 *   - net.* needs a network namespace.  runc also refuses a netns *path* that
 *     is the host's own; telling that needs a stat, so the applier checks it;
 *   - kernel.domainname needs UTS; kernel.hostname is refused (use
 *     "hostname");
 *   - user.* (ucounts) needs a user namespace;
 *   - anything else is not namespaced and refused.
 */
static int check_sysctl(const veil_plan *plan, const char *k, veil_error **err)
{
    if (ipc_sysctl(k)) {
        if (veil_plan_find_ns(plan, VEIL_NS_IPC) == NULL)
            return veil_plan_invalid(
                err, "linux.sysctl: \"%s\" is not allowed in the host's IPC namespace", k);
        return 0;
    }
    if (has_prefix(k, "net.")) {
        if (veil_plan_find_ns(plan, VEIL_NS_NETWORK) == NULL)
            return veil_plan_invalid(err,
                                     "linux.sysctl: \"%s\" is not allowed in the host's network "
                                     "namespace",
                                     k);
        return 0;
    }
    if (veil_plan_find_ns(plan, VEIL_NS_UTS)) {
        if (strcmp(k, "kernel.domainname") == 0)
            return 0;
        if (strcmp(k, "kernel.hostname") == 0)
            return veil_plan_invalid(
                err,
                "linux.sysctl: \"%s\" is not allowed as it conflicts with the OCI "
                "\"hostname\" field",
                k);
    }
    if (has_prefix(k, "user.")) {
        if (veil_plan_find_ns(plan, VEIL_NS_USER) == NULL)
            return veil_plan_invalid(
                err,
                "linux.sysctl: \"%s\": setting ucounts without a user namespace "
                "is not allowed",
                k);
        return 0;
    }
    return veil_plan_invalid(err, "linux.sysctl: \"%s\" is not in a separate kernel namespace", k);
}

int veil_plan_sysctl(const veil_spec *spec, veil_plan *plan, veil_error **err)
{
    const veil_spec_linux *lx = spec->linux_;
    if (lx == NULL || lx->sysctl.n == 0)
        return 0;
    plan->sysctl.items = calloc(lx->sysctl.n, sizeof(*plan->sysctl.items));
    if (plan->sysctl.items == NULL)
        return veil_error_set(err, ENOMEM, "plan sysctl");
    for (size_t i = 0; i < lx->sysctl.n; i++) {
        const veil_kv *kv = &lx->sysctl.items[i];
        if (kv->key == NULL || *kv->key == '\0')
            return veil_plan_invalid(err, "linux.sysctl: empty key");
        veil_kv *o = &plan->sysctl.items[i];
        plan->sysctl.n = i + 1;
        o->key = sysctl_dotted(kv->key);
        o->value = strdup(kv->value ? kv->value : "");
        if (o->key == NULL || o->value == NULL)
            return veil_error_set(err, ENOMEM, "plan sysctl");
        /* a key that would climb out of /proc/sys */
        if (strstr(o->key, "..") || o->key[0] == '.' || o->key[0] == '/')
            return veil_plan_invalid(err, "linux.sysctl: invalid key \"%s\"", kv->key);
        if (check_sysctl(plan, o->key, err) < 0)
            return -1;
    }
    return 0;
}
