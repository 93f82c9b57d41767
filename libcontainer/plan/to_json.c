/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veil_plan_to_json: the plan as `veil plan` prints it.  Meant to be read by
 * people: flags are lists of option names, capabilities and rlimits are
 * named, modes are octal strings.  Every part of the plan is printed; absent
 * optional parts are left out rather than printed as null.
 */
#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h> /* MOUNT_ATTR_* (glibc also has them in sys/mount.h, musl not) */
#include <sys/mount.h>
#include <sys/personality.h>

#include "plan/internal.h"
#include "spec/json.h"

static void w_strv(vj_writer *w, const char *key, char *const *v)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; v && v[i]; i++)
        vj_w_string(w, v[i]);
    vj_w_array_close(w);
}

static void w_strs(vj_writer *w, const char *key, char *const *v, size_t n)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++)
        vj_w_string(w, v[i]);
    vj_w_array_close(w);
}

static void w_octal(vj_writer *w, const char *key, uint32_t v)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "0%o", v);
    vj_w_kstr(w, key, buf);
}

/* Bits of `mask` by name; bits no entry names are printed in hex so that
 * nothing is hidden. */
static void w_bits(vj_writer *w, const char *key, const veil_named *table, uint64_t mask)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (const veil_named *e = table; e->name; e++)
        if (e->value && (mask & e->value) == e->value) {
            vj_w_string(w, e->name);
            mask &= ~e->value;
        }
    if (mask) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%" PRIx64, mask);
        vj_w_string(w, buf);
    }
    vj_w_array_close(w);
}

static void w_kv(vj_writer *w, const char *key, const veil_kv_list *l)
{
    vj_w_key(w, key);
    vj_w_object_open(w);
    for (size_t i = 0; i < l->n; i++)
        vj_w_kstr(w, l->items[i].key, l->items[i].value);
    vj_w_object_close(w);
}

static void w_idmaps(vj_writer *w, const char *key, const veil_idmap_list *l)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < l->n; i++) {
        vj_w_object_open(w);
        vj_w_ku64(w, "containerID", l->items[i].container_id);
        vj_w_ku64(w, "hostID", l->items[i].host_id);
        vj_w_ku64(w, "size", l->items[i].size);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

static void w_propagation(vj_writer *w, const char *key, unsigned long prop)
{
    const char *name = veil_named_name(veil_propagations, prop);
    if (name) {
        vj_w_kstr(w, key, name);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof(buf), "0x%lx", prop);
    vj_w_kstr(w, key, buf);
}

/* ---- namespaces and root ------------------------------------------------- */

static void w_namespaces(vj_writer *w, const veil_plan *p)
{
    vj_w_key(w, "namespaces");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_namespaces; i++) {
        vj_w_object_open(w);
        vj_w_kstr(w, "type", veil_ns_type_name(p->namespaces[i].type));
        /* as in config.json: a path means join, none means new */
        if (p->namespaces[i].path)
            vj_w_kstr(w, "path", p->namespaces[i].path);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    w_idmaps(w, "uidMappings", &p->uid_mappings);
    w_idmaps(w, "gidMappings", &p->gid_mappings);
    if (p->has_time_offsets) {
        vj_w_key(w, "timeOffsets");
        vj_w_object_open(w);
        vj_w_key(w, "monotonic");
        vj_w_object_open(w);
        vj_w_ki64(w, "secs", p->time_monotonic_secs);
        vj_w_ku64(w, "nanosecs", p->time_monotonic_nsecs);
        vj_w_object_close(w);
        vj_w_key(w, "boottime");
        vj_w_object_open(w);
        vj_w_ki64(w, "secs", p->time_boottime_secs);
        vj_w_ku64(w, "nanosecs", p->time_boottime_nsecs);
        vj_w_object_close(w);
        vj_w_object_close(w);
    }
    if (p->hostname)
        vj_w_kstr(w, "hostname", p->hostname);
    if (p->domainname)
        vj_w_kstr(w, "domainname", p->domainname);
}

static void w_root(vj_writer *w, const veil_plan *p)
{
    vj_w_key(w, "root");
    vj_w_object_open(w);
    vj_w_kstr(w, "path", p->rootfs);
    vj_w_kbool(w, "readonly", p->rootfs_readonly);
    w_propagation(w, "propagation", p->rootfs_propagation);
    vj_w_kbool(w, "pivotRoot", !p->no_pivot);
    vj_w_object_close(w);
}

/* ---- mounts ---------------------------------------------------------------- */

static const char *mount_kind_name(veil_mount_kind k)
{
    switch (k) {
    case VEIL_MOUNT_FS:
        return "fs";
    case VEIL_MOUNT_BIND:
        return "bind";
    case VEIL_MOUNT_OVERLAY:
        return "overlay";
    case VEIL_MOUNT_CGROUP:
        return "cgroup";
    }
    return "?";
}

/* The access-time field is one value, not bits: print it as such. */
static void w_attrs(vj_writer *w, const char *key, uint64_t mask, bool relatime)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    if (relatime)
        vj_w_string(w, "relatime");
    if ((mask & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME) {
        vj_w_string(w, "atime");
        mask &= ~(uint64_t)MOUNT_ATTR__ATIME;
    }
    for (const veil_named *e = veil_mount_attr_names; e->name; e++)
        if (e->value != MOUNT_ATTR__ATIME && (mask & e->value) == e->value) {
            vj_w_string(w, e->name);
            mask &= ~e->value;
        }
    if (mask) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%" PRIx64, mask);
        vj_w_string(w, buf);
    }
    vj_w_array_close(w);
}

static void w_mount(vj_writer *w, const veil_mount_step *m)
{
    vj_w_object_open(w);
    vj_w_kstr(w, "kind", mount_kind_name(m->kind));
    vj_w_kstr(w, "destination", m->destination);
    vj_w_kstr(w, "type", m->type);
    vj_w_kstr(w, "source", m->source);
    w_bits(w, "flags", veil_mount_flag_names, m->flags);
    if (m->clear_flags)
        w_bits(w, "cleared", veil_mount_clear_names, m->clear_flags);
    if (m->propagation)
        w_propagation(w, "propagation", m->propagation);
    if (m->attr_set || m->attr_clr) {
        vj_w_key(w, "recursive");
        vj_w_object_open(w);
        bool relatime = (m->attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME &&
                        (m->attr_set & MOUNT_ATTR__ATIME) == 0;
        w_attrs(w, "set", m->attr_set, relatime);
        w_attrs(w, "clear", m->attr_clr, false);
        vj_w_object_close(w);
    }
    if (m->data)
        vj_w_kstr(w, "data", m->data);
    if (m->tmpcopyup)
        vj_w_kbool(w, "tmpcopyup", true);
    if (m->idmap) {
        vj_w_key(w, "idmap");
        vj_w_object_open(w);
        vj_w_kbool(w, "recursive", m->idmap_recursive);
        if (m->uid_mappings.n || m->gid_mappings.n) {
            w_idmaps(w, "uidMappings", &m->uid_mappings);
            w_idmaps(w, "gidMappings", &m->gid_mappings);
        } else {
            vj_w_kstr(w, "mappings", "the container's user namespace");
        }
        vj_w_object_close(w);
    }
    if (m->kind == VEIL_MOUNT_OVERLAY) {
        vj_w_key(w, "overlay");
        vj_w_object_open(w);
        w_strs(w, "lowerdir", m->overlay_lower, m->n_overlay_lower);
        if (m->overlay_upper)
            vj_w_kstr(w, "upperdir", m->overlay_upper);
        if (m->overlay_work)
            vj_w_kstr(w, "workdir", m->overlay_work);
        vj_w_object_close(w);
    }
    vj_w_object_close(w);
}

static void w_filesystem(vj_writer *w, const veil_plan *p)
{
    vj_w_key(w, "mounts");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_mounts; i++)
        w_mount(w, &p->mounts[i]);
    vj_w_array_close(w);

    vj_w_kbool(w, "setupDev", p->setup_dev);
    vj_w_key(w, "devices");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_devices; i++) {
        const veil_device_node *d = &p->devices[i];
        char type[2] = {d->type, 0};
        vj_w_object_open(w);
        vj_w_kstr(w, "path", d->path);
        vj_w_kstr(w, "type", type);
        vj_w_ki64(w, "major", d->major);
        vj_w_ki64(w, "minor", d->minor);
        w_octal(w, "fileMode", d->mode);
        vj_w_ku64(w, "uid", d->uid);
        vj_w_ku64(w, "gid", d->gid);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    w_strs(w, "maskedPaths", p->masked_paths, p->n_masked_paths);
    w_strs(w, "readonlyPaths", p->readonly_paths, p->n_readonly_paths);
    w_kv(w, "sysctl", &p->sysctl);
    if (p->mount_label)
        vj_w_kstr(w, "mountLabel", p->mount_label);
}

/* ---- process ---------------------------------------------------------------- */

static void w_caps(vj_writer *w, const char *key, uint64_t mask)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (int c = 0; c <= veil_cap_last(); c++)
        if (mask & (UINT64_C(1) << c))
            vj_w_string(w, veil_cap_name(c));
    vj_w_array_close(w);
}

static void w_process(vj_writer *w, const veil_plan_process *p)
{
    vj_w_key(w, "process");
    if (p == NULL) {
        vj_w_null(w);
        return;
    }
    vj_w_object_open(w);
    w_strv(w, "args", p->args);
    w_strv(w, "env", p->env);
    vj_w_kstr(w, "cwd", p->cwd);

    vj_w_key(w, "user");
    vj_w_object_open(w);
    vj_w_ku64(w, "uid", p->uid);
    vj_w_ku64(w, "gid", p->gid);
    vj_w_key(w, "additionalGids");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_additional_gids; i++)
        vj_w_u64(w, p->additional_gids[i]);
    vj_w_array_close(w);
    if (p->has_umask)
        w_octal(w, "umask", p->umask);
    vj_w_object_close(w);

    vj_w_kbool(w, "terminal", p->terminal);
    if (p->has_console_size) {
        vj_w_key(w, "consoleSize");
        vj_w_object_open(w);
        vj_w_ku64(w, "height", p->console_height);
        vj_w_ku64(w, "width", p->console_width);
        vj_w_object_close(w);
    }

    vj_w_key(w, "capabilities");
    if (p->caps.set) {
        vj_w_object_open(w);
        w_caps(w, "bounding", p->caps.bounding);
        w_caps(w, "effective", p->caps.effective);
        w_caps(w, "inheritable", p->caps.inheritable);
        w_caps(w, "permitted", p->caps.permitted);
        w_caps(w, "ambient", p->caps.ambient);
        vj_w_object_close(w);
    } else {
        vj_w_string(w, "none (all dropped)");
    }

    vj_w_key(w, "rlimits");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const char *name = veil_named_name(veil_rlimit_names, (uint64_t)p->rlimits[i].resource);
        vj_w_object_open(w);
        vj_w_kstr(w, "type", name ? name : "?");
        vj_w_ku64(w, "soft", p->rlimits[i].soft);
        vj_w_ku64(w, "hard", p->rlimits[i].hard);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    vj_w_kbool(w, "noNewPrivileges", p->no_new_privileges);
    if (p->has_oom_score_adj)
        vj_w_ki64(w, "oomScoreAdj", p->oom_score_adj);
    if (p->apparmor_profile)
        vj_w_kstr(w, "apparmorProfile", p->apparmor_profile);
    if (p->selinux_label)
        vj_w_kstr(w, "selinuxLabel", p->selinux_label);
    if (p->has_scheduler) {
        const veil_plan_scheduler *s = &p->scheduler;
        vj_w_key(w, "scheduler");
        vj_w_object_open(w);
        vj_w_kstr(w, "policy", veil_named_name(veil_sched_policies, (uint64_t)s->policy));
        vj_w_ki64(w, "nice", s->nice);
        vj_w_ki64(w, "priority", s->priority);
        w_bits(w, "flags", veil_sched_flags, s->flags);
        if (s->runtime || s->deadline || s->period) {
            vj_w_ku64(w, "runtime", s->runtime);
            vj_w_ku64(w, "deadline", s->deadline);
            vj_w_ku64(w, "period", s->period);
        }
        vj_w_object_close(w);
    }
    if (p->has_io_priority) {
        vj_w_key(w, "ioPriority");
        vj_w_object_open(w);
        vj_w_kstr(w, "class", veil_named_name(veil_ioprio_classes, (uint64_t)(p->io_priority >> 13)));
        vj_w_ki64(w, "priority", p->io_priority & 0x1fff);
        vj_w_ki64(w, "value", p->io_priority);
        vj_w_object_close(w);
    }
    if (p->exec_cpu_affinity_initial || p->exec_cpu_affinity_final) {
        vj_w_key(w, "execCPUAffinity");
        vj_w_object_open(w);
        if (p->exec_cpu_affinity_initial)
            vj_w_kstr(w, "initial", p->exec_cpu_affinity_initial);
        if (p->exec_cpu_affinity_final)
            vj_w_kstr(w, "final", p->exec_cpu_affinity_final);
        vj_w_object_close(w);
    }
    vj_w_object_close(w);
}

/* ---- cgroup --------------------------------------------------------------- */

static void w_cgroup(vj_writer *w, const veil_cgroup_plan *cg)
{
    vj_w_key(w, "cgroup");
    vj_w_object_open(w);
    vj_w_kstr(w, "path", cg->path);
    vj_w_kbool(w, "relative", cg->path_relative);
    vj_w_kbool(w, "hasResources", cg->has_resources);
    vj_w_key(w, "writes");
    vj_w_array_open(w);
    for (size_t i = 0; i < cg->n_writes; i++) {
        vj_w_object_open(w);
        vj_w_kstr(w, "controller", veil_cgroup_ctrl_name(cg->writes[i].ctrl));
        const veil_cgroup_write *cw = &cg->writes[i];
        vj_w_kstr(w, "file", cw->file);
        vj_w_kstr(w, "value", cw->value);
        if (cw->alt_file) { /* written instead when `file` does not exist */
            vj_w_kstr(w, "altFile", cw->alt_file);
            vj_w_kstr(w, "altValue", cw->alt_value);
        }
        if (cw->flags) {
            static const struct {
                unsigned bit;
                const char *name;
            } flags[] = {
                {VEIL_CGROUP_WRITE_IF_EXISTS, "ifExists"},
                {VEIL_CGROUP_WRITE_RETRY, "retryAfterOthers"},
                {VEIL_CGROUP_WRITE_CHECK_USAGE, "checkUsage"},
                {VEIL_CGROUP_WRITE_VERIFY, "verify"},
                {VEIL_CGROUP_WRITE_PARENTS, "createdParentsToo"},
            };
            vj_w_key(w, "flags");
            vj_w_array_open(w);
            for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
                if (cw->flags & flags[f].bit)
                    vj_w_string(w, flags[f].name);
            vj_w_array_close(w);
        }
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    vj_w_key(w, "deviceRules");
    vj_w_array_open(w);
    for (size_t i = 0; i < cg->n_device_rules; i++) {
        const veil_spec_device_rule *r = &cg->device_rules[i];
        char type[2] = {r->type ? r->type : 'a', 0};
        vj_w_object_open(w);
        vj_w_kbool(w, "allow", r->allow);
        vj_w_kstr(w, "type", type);
        /* -1 or absent: any */
        if (r->major.set && r->major.value >= 0)
            vj_w_ki64(w, "major", r->major.value);
        else
            vj_w_kstr(w, "major", "*");
        if (r->minor.set && r->minor.value >= 0)
            vj_w_ki64(w, "minor", r->minor.value);
        else
            vj_w_kstr(w, "minor", "*");
        vj_w_kstr(w, "access", r->access ? r->access : "rwm");
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    vj_w_object_close(w);
}

/* ---- seccomp --------------------------------------------------------------- */

static void w_action(vj_writer *w, const char *key, uint32_t action)
{
    char buf[48];
    const char *name = NULL;
    switch (action & 0xffff0000u) {
    case SCMP_ACT_KILL_PROCESS:
        name = "SCMP_ACT_KILL_PROCESS";
        break;
    case SCMP_ACT_KILL_THREAD:
        name = "SCMP_ACT_KILL_THREAD";
        break;
    case SCMP_ACT_TRAP:
        name = "SCMP_ACT_TRAP";
        break;
    case SCMP_ACT_NOTIFY:
        name = "SCMP_ACT_NOTIFY";
        break;
    case SCMP_ACT_LOG:
        name = "SCMP_ACT_LOG";
        break;
    case SCMP_ACT_ALLOW:
        name = "SCMP_ACT_ALLOW";
        break;
    case SCMP_ACT_ERRNO(0):
        snprintf(buf, sizeof(buf), "SCMP_ACT_ERRNO(%u)", action & 0xffffu);
        name = buf;
        break;
    case SCMP_ACT_TRACE(0):
        snprintf(buf, sizeof(buf), "SCMP_ACT_TRACE(%u)", action & 0xffffu);
        name = buf;
        break;
    default:
        snprintf(buf, sizeof(buf), "0x%08x", action);
        name = buf;
        break;
    }
    vj_w_kstr(w, key, name);
}

static const char *arch_name(uint32_t arch)
{
    static const struct {
        uint32_t arch;
        const char *name;
    } arches[] = {
        {SCMP_ARCH_X86, "SCMP_ARCH_X86"},
        {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64"},
        {SCMP_ARCH_X32, "SCMP_ARCH_X32"},
        {SCMP_ARCH_ARM, "SCMP_ARCH_ARM"},
        {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64"},
        {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS"},
        {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64"},
        {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32"},
        {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL"},
        {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64"},
        {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32"},
        {SCMP_ARCH_PPC, "SCMP_ARCH_PPC"},
        {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64"},
        {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE"},
        {SCMP_ARCH_S390, "SCMP_ARCH_S390"},
        {SCMP_ARCH_S390X, "SCMP_ARCH_S390X"},
        {SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC"},
        {SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64"},
        {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64"},
#ifdef SCMP_ARCH_LOONGARCH64
        {SCMP_ARCH_LOONGARCH64, "SCMP_ARCH_LOONGARCH64"},
#endif
#ifdef SCMP_ARCH_M68K
        {SCMP_ARCH_M68K, "SCMP_ARCH_M68K"},
#endif
#ifdef SCMP_ARCH_SH
        {SCMP_ARCH_SH, "SCMP_ARCH_SH"},
        {SCMP_ARCH_SHEB, "SCMP_ARCH_SHEB"},
#endif
    };
    for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
        if (arches[i].arch == arch)
            return arches[i].name;
    return NULL;
}

static const char *cmp_name(int op)
{
    static const char *const names[] = {
        [SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT",
        [SCMP_CMP_LE] = "SCMP_CMP_LE", [SCMP_CMP_EQ] = "SCMP_CMP_EQ",
        [SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
        [SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
    };
    return op > 0 && (size_t)op < ARRAY_SIZE(names) ? names[op] : "?";
}

/* SECCOMP_FILTER_FLAG_* (linux/seccomp.h) */
static const veil_named seccomp_flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1u << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1u << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1u << 2},
    {"SECCOMP_FILTER_FLAG_NEW_LISTENER", 1u << 3},
    {"SECCOMP_FILTER_FLAG_TSYNC_ESRCH", 1u << 4},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1u << 5},
    {NULL, 0},
};

static void w_seccomp(vj_writer *w, const veil_seccomp_plan *sc)
{
    vj_w_key(w, "seccomp");
    if (sc == NULL) {
        vj_w_null(w);
        return;
    }
    vj_w_object_open(w);
    w_action(w, "defaultAction", sc->default_action);
    vj_w_key(w, "architectures");
    vj_w_array_open(w);
    for (size_t i = 0; i < sc->n_arches; i++) {
        const char *name = arch_name(sc->arches[i]);
        char buf[16];
        if (name == NULL) {
            snprintf(buf, sizeof(buf), "0x%08x", sc->arches[i]);
            name = buf;
        }
        vj_w_string(w, name);
    }
    vj_w_array_close(w);
    w_bits(w, "flags", seccomp_flag_names, sc->flags);
    if (sc->listener_path)
        vj_w_kstr(w, "listenerPath", sc->listener_path);
    if (sc->listener_metadata)
        vj_w_kstr(w, "listenerMetadata", sc->listener_metadata);
    vj_w_kbool(w, "usesNotify", sc->uses_notify);
    vj_w_key(w, "rules");
    vj_w_array_open(w);
    for (size_t i = 0; i < sc->n_rules; i++) {
        const veil_seccomp_rule *r = &sc->rules[i];
        vj_w_object_open(w);
        w_strs(w, "names", r->names, r->n_names);
        w_action(w, "action", r->action);
        vj_w_key(w, "args");
        vj_w_array_open(w);
        for (size_t j = 0; j < r->n_args; j++) {
            vj_w_object_open(w);
            vj_w_ku64(w, "index", r->args[j].index);
            vj_w_kstr(w, "op", cmp_name(r->args[j].op));
            vj_w_ku64(w, "value", r->args[j].value);
            if (r->args[j].op == SCMP_CMP_MASKED_EQ || r->args[j].value_two)
                vj_w_ku64(w, "valueTwo", r->args[j].value_two);
            vj_w_object_close(w);
        }
        vj_w_array_close(w);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    vj_w_object_close(w);
}

/* ---- hooks and the rest ------------------------------------------------------ */

static void w_hooks(vj_writer *w, const veil_plan *p)
{
    vj_w_key(w, "hooks");
    vj_w_object_open(w);
    for (int k = 0; k < VEIL_HOOK__COUNT; k++) {
        vj_w_key(w, veil_hook_kind_name((veil_hook_kind)k));
        vj_w_array_open(w);
        for (size_t i = 0; i < p->hooks[k].n; i++) {
            const veil_plan_hook *h = &p->hooks[k].items[i];
            vj_w_object_open(w);
            vj_w_kstr(w, "path", h->path);
            if (h->args)
                w_strv(w, "args", h->args);
            if (h->env)
                w_strv(w, "env", h->env);
            if (h->timeout)
                vj_w_ki64(w, "timeout", h->timeout);
            vj_w_object_close(w);
        }
        vj_w_array_close(w);
    }
    vj_w_object_close(w);
}

static void w_misc(vj_writer *w, const veil_plan *p)
{
    if (p->has_personality) {
        vj_w_key(w, "personality");
        vj_w_object_open(w);
        vj_w_kstr(w, "domain", p->personality == PER_LINUX32 ? "LINUX32" : "LINUX");
        vj_w_ku64(w, "value", p->personality);
        vj_w_object_close(w);
    }
    if (p->has_memory_policy) {
        vj_w_key(w, "memoryPolicy");
        vj_w_object_open(w);
        vj_w_kstr(w, "mode", veil_named_name(veil_mpol_modes, (uint64_t)p->memory_policy_mode));
        w_bits(w, "flags", veil_mpol_flags, p->memory_policy_flags);
        if (p->memory_policy_nodes)
            vj_w_kstr(w, "nodes", p->memory_policy_nodes);
        vj_w_object_close(w);
    }
    vj_w_key(w, "netDevices");
    vj_w_array_open(w);
    for (size_t i = 0; i < p->n_net_devices; i++) {
        vj_w_object_open(w);
        vj_w_kstr(w, "hostName", p->net_devices[i].host_name);
        vj_w_kstr(w, "name", p->net_devices[i].name);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    if (p->intel_rdt) {
        const veil_spec_intel_rdt *r = p->intel_rdt;
        vj_w_key(w, "intelRdt");
        vj_w_object_open(w);
        if (r->clos_id)
            vj_w_kstr(w, "closID", r->clos_id);
        if (r->l3_cache_schema)
            vj_w_kstr(w, "l3CacheSchema", r->l3_cache_schema);
        if (r->mem_bw_schema)
            vj_w_kstr(w, "memBwSchema", r->mem_bw_schema);
        if (r->schemata.v)
            w_strv(w, "schemata", r->schemata.v);
        if (r->enable_monitoring.set)
            vj_w_kbool(w, "enableMonitoring", r->enable_monitoring.value);
        vj_w_object_close(w);
    }
    vj_w_kbool(w, "noNewKeyring", p->no_new_keyring);
    vj_w_ku64(w, "preserveFds", p->preserve_fds);
}

char *veil_plan_to_json(const veil_plan *plan, bool pretty, veil_error **err)
{
    vj_writer *w = vj_writer_new(pretty);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "plan to JSON");
        return NULL;
    }
    vj_w_object_open(w);
    vj_w_kstr(w, "id", plan->id);
    vj_w_kstr(w, "bundle", plan->bundle);
    vj_w_kstr(w, "ociVersion", plan->oci_version);
    w_root(w, plan);
    w_namespaces(w, plan);
    w_filesystem(w, plan);
    w_process(w, plan->process);
    w_cgroup(w, &plan->cgroup);
    w_seccomp(w, plan->seccomp);
    w_hooks(w, plan);
    w_misc(w, plan);
    w_kv(w, "annotations", &plan->annotations);
    w_strs(w, "warnings", plan->warnings, plan->n_warnings);
    vj_w_object_close(w);

    const char *buf;
    size_t len;
    char *out = NULL;
    if (!vj_writer_result(w, &buf, &len))
        veil_plan_invalid(err, "plan to JSON: a string is not valid UTF-8");
    else if ((out = malloc(len + 1)) == NULL)
        veil_error_set(err, ENOMEM, "plan to JSON");
    else {
        memcpy(out, buf, len);
        out[len] = '\0';
    }
    vj_writer_free(w);
    return out;
}
