/* SPDX-License-Identifier: Apache-2.0 */
/* mounts[] -> mount steps: destinations, kinds, option flags, data, idmap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h> /* MOUNT_ATTR_* (glibc also has them in sys/mount.h, musl not) */
#include <sys/mount.h>

#include "plan/internal.h"
#include "util/path.h"

typedef enum opt_kind {
    OPT_FLAG,        /* mount(2) flag */
    OPT_PROPAGATION, /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [| MS_REC] */
    OPT_ATTR,        /* mount_setattr(2) attribute, applied recursively */
    OPT_TMPCOPYUP,
    OPT_IDMAP,
    OPT_RIDMAP,
    OPT_NOOP, /* "defaults": nothing to do */
} opt_kind;

typedef struct mount_opt {
    const char *name;
    opt_kind kind;
    bool clear; /* the option clears the flag/attribute instead of setting it */
    uint64_t value;
} mount_opt;

/* Every option veil understands, sorted by name (`veil features` prints
 * them in this order).  Anything else is filesystem data. */
static const mount_opt mount_opts[] = {
    {"async", OPT_FLAG, true, MS_SYNCHRONOUS},
    {"atime", OPT_FLAG, true, MS_NOATIME},
    {"bind", OPT_FLAG, false, MS_BIND},
    {"defaults", OPT_NOOP, false, 0},
    {"dev", OPT_FLAG, true, MS_NODEV},
    {"diratime", OPT_FLAG, true, MS_NODIRATIME},
    {"dirsync", OPT_FLAG, false, MS_DIRSYNC},
    {"exec", OPT_FLAG, true, MS_NOEXEC},
    {"idmap", OPT_IDMAP, false, 0},
    {"iversion", OPT_FLAG, false, MS_I_VERSION},
    {"lazytime", OPT_FLAG, false, MS_LAZYTIME},
    {"loud", OPT_FLAG, true, MS_SILENT},
    {"mand", OPT_FLAG, false, MS_MANDLOCK},
    {"noatime", OPT_FLAG, false, MS_NOATIME},
    {"nodev", OPT_FLAG, false, MS_NODEV},
    {"nodiratime", OPT_FLAG, false, MS_NODIRATIME},
    {"noexec", OPT_FLAG, false, MS_NOEXEC},
    {"noiversion", OPT_FLAG, true, MS_I_VERSION},
    {"nolazytime", OPT_FLAG, true, MS_LAZYTIME},
    {"nomand", OPT_FLAG, true, MS_MANDLOCK},
    {"norelatime", OPT_FLAG, true, MS_RELATIME},
    {"nostrictatime", OPT_FLAG, true, MS_STRICTATIME},
    {"nosuid", OPT_FLAG, false, MS_NOSUID},
    {"nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW},
    {"private", OPT_PROPAGATION, false, MS_PRIVATE},
    {"ratime", OPT_ATTR, true, MOUNT_ATTR_NOATIME},
    {"rbind", OPT_FLAG, false, MS_BIND | MS_REC},
    {"rdev", OPT_ATTR, true, MOUNT_ATTR_NODEV},
    {"rdiratime", OPT_ATTR, true, MOUNT_ATTR_NODIRATIME},
    {"relatime", OPT_FLAG, false, MS_RELATIME},
    {"remount", OPT_FLAG, false, MS_REMOUNT},
    {"rexec", OPT_ATTR, true, MOUNT_ATTR_NOEXEC},
    {"ridmap", OPT_RIDMAP, false, 0},
    {"rnoatime", OPT_ATTR, false, MOUNT_ATTR_NOATIME},
    {"rnodev", OPT_ATTR, false, MOUNT_ATTR_NODEV},
    {"rnodiratime", OPT_ATTR, false, MOUNT_ATTR_NODIRATIME},
    {"rnoexec", OPT_ATTR, false, MOUNT_ATTR_NOEXEC},
    {"rnorelatime", OPT_ATTR, true, MOUNT_ATTR_RELATIME},
    {"rnostrictatime", OPT_ATTR, true, MOUNT_ATTR_STRICTATIME},
    {"rnosuid", OPT_ATTR, false, MOUNT_ATTR_NOSUID},
    {"rnosymfollow", OPT_ATTR, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"ro", OPT_FLAG, false, MS_RDONLY},
    {"rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC},
    {"rrelatime", OPT_ATTR, false, MOUNT_ATTR_RELATIME},
    {"rro", OPT_ATTR, false, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_ATTR, true, MOUNT_ATTR_RDONLY},
    {"rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC},
    {"rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC},
    {"rstrictatime", OPT_ATTR, false, MOUNT_ATTR_STRICTATIME},
    {"rsuid", OPT_ATTR, true, MOUNT_ATTR_NOSUID},
    {"rsymfollow", OPT_ATTR, true, MOUNT_ATTR_NOSYMFOLLOW},
    {"runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC},
    {"rw", OPT_FLAG, true, MS_RDONLY},
    {"shared", OPT_PROPAGATION, false, MS_SHARED},
    {"silent", OPT_FLAG, false, MS_SILENT},
    {"slave", OPT_PROPAGATION, false, MS_SLAVE},
    {"strictatime", OPT_FLAG, false, MS_STRICTATIME},
    {"suid", OPT_FLAG, true, MS_NOSUID},
    {"symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW},
    {"sync", OPT_FLAG, false, MS_SYNCHRONOUS},
    {"tmpcopyup", OPT_TMPCOPYUP, false, 0},
    {"unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE},
};

const char *veil_mount_option_name(size_t i)
{
    return i < ARRAY_SIZE(mount_opts) ? mount_opts[i].name : NULL;
}

static const mount_opt *find_opt(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
        if (strcmp(mount_opts[i].name, name) == 0)
            return &mount_opts[i];
    return NULL;
}

/* A growing comma-separated string. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static int sb_add(strbuf *b, const char *item)
{
    size_t n = strlen(item), need = b->len + n + 2;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < need)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL)
            return -1;
        b->s = ns;
        b->cap = cap;
    }
    if (b->len)
        b->s[b->len++] = ',';
    memcpy(b->s + b->len, item, n + 1);
    b->len += n;
    return 0;
}

/* What the options say, before the kind of mount is known. */
typedef struct parsed_opts {
    unsigned long flags, clear_flags, propagation;
    uint64_t attr_set, attr_clr;
    bool tmpcopyup, idmap, ridmap;
} parsed_opts;

/* runc's semantics: later options win over earlier ones for the same flag;
 * of several propagation options the last one is kept. */
static int parse_options(const veil_strv *options, parsed_opts *p, strbuf *data)
{
    for (size_t i = 0; i < options->n; i++) {
        const char *o = options->v[i];
        const mount_opt *m = find_opt(o);
        if (m == NULL) {
            if (*o && sb_add(data, o) < 0)
                return -1;
            continue;
        }
        switch (m->kind) {
        case OPT_FLAG:
            if (m->clear) {
                p->flags &= ~m->value;
                p->clear_flags |= m->value;
            } else {
                p->flags |= m->value;
                p->clear_flags &= ~m->value;
            }
            break;
        case OPT_PROPAGATION:
            p->propagation = m->value;
            break;
        case OPT_ATTR:
            if (m->clear) {
                p->attr_clr |= m->value;
                p->attr_set &= ~m->value;
            } else {
                p->attr_set |= m->value;
                p->attr_clr &= ~m->value;
            }
            /* mount_setattr(2): an access-time setting only takes effect
             * with the whole MOUNT_ATTR__ATIME field in attr_clr */
            if ((m->value & MOUNT_ATTR__ATIME) == m->value)
                p->attr_clr |= MOUNT_ATTR__ATIME;
            break;
        case OPT_TMPCOPYUP:
            p->tmpcopyup = true;
            break;
        case OPT_IDMAP:
            p->idmap = true;
            p->ridmap = false;
            break;
        case OPT_RIDMAP:
            p->idmap = p->ridmap = true;
            break;
        case OPT_NOOP:
            break;
        }
    }
    return 0;
}

/* ---- overlay ------------------------------------------------------------- */

static int add_lower(veil_mount_step *m, char *path)
{
    char **nl = realloc(m->overlay_lower, (m->n_overlay_lower + 1) * sizeof(*nl));
    if (nl == NULL) {
        free(path);
        return -1;
    }
    m->overlay_lower = nl;
    m->overlay_lower[m->n_overlay_lower++] = path;
    return 0;
}

/* "a:b\:c" -> "a", "b:c"; each element made absolute against the bundle.
 * The plan keeps the paths unescaped; the applier escapes ':' again (or
 * passes layers one by one with fsconfig). */
static int split_lowerdir(veil_mount_step *m, const char *value, const char *bundle,
                          veil_error **err, const char *where)
{
    _cleanup_free_ char *buf = malloc(strlen(value) + 1);
    if (buf == NULL)
        return veil_error_set(err, ENOMEM, "plan overlay");
    const char *p = value;
    for (;;) {
        size_t n = 0;
        while (*p && *p != ':') {
            if (*p == '\\' && p[1])
                p++;
            buf[n++] = *p++;
        }
        buf[n] = '\0';
        if (n == 0)
            return veil_plan_invalid(
                err,
                "%s: empty lowerdir element in \"%s\" (data-only layers are not "
                "supported)",
                where, value);
        char *abs = veil_path_join(bundle, buf);
        if (abs == NULL || add_lower(m, abs) < 0)
            return veil_error_set(err, ENOMEM, "plan overlay");
        if (*p == '\0')
            return 0;
        p++; /* ':' */
    }
}

/* Takes lowerdir=, lowerdir+=, upperdir= and workdir= out of the data
 * string; the rest (userxattr, volatile, index=off, ...) stays. */
static int plan_overlay(veil_mount_step *m, const char *bundle, const char *where,
                        veil_error **err)
{
    if (m->data == NULL)
        return veil_plan_invalid(err, "%s: overlay needs a lowerdir option", where);
    _cleanup_free_ char *data = steal_pointer(&m->data);
    strbuf rest = {0};
    char *save = NULL;
    int r = 0;
    for (char *o = strtok_r(data, ",", &save); o && r == 0; o = strtok_r(NULL, ",", &save)) {
        if (strncmp(o, "lowerdir=", 9) == 0) {
            /* a second lowerdir= replaces the first, as in the kernel */
            for (size_t i = 0; i < m->n_overlay_lower; i++)
                free(m->overlay_lower[i]);
            m->n_overlay_lower = 0;
            r = split_lowerdir(m, o + 9, bundle, err, where);
        } else if (strncmp(o, "lowerdir+=", 10) == 0) {
            /* one layer, taken as is (no ':' separation) */
            char *abs = veil_path_join(bundle, o + 10);
            if (o[10] == '\0')
                r = veil_plan_invalid(err, "%s: empty lowerdir+", where);
            else if (abs == NULL || add_lower(m, abs) < 0)
                r = veil_error_set(err, ENOMEM, "plan overlay");
            else
                abs = NULL;
            free(abs);
        } else if (strncmp(o, "upperdir=", 9) == 0 || strncmp(o, "workdir=", 8) == 0) {
            bool upper = o[0] == 'u';
            const char *v = o + (upper ? 9 : 8);
            char **slot = upper ? &m->overlay_upper : &m->overlay_work;
            free(*slot);
            *slot = *v ? veil_path_join(bundle, v) : NULL;
            if (*v == '\0')
                r = veil_plan_invalid(err, "%s: empty %s", where, upper ? "upperdir" : "workdir");
            else if (*slot == NULL)
                r = veil_error_set(err, ENOMEM, "plan overlay");
        } else if (sb_add(&rest, o) < 0) {
            r = veil_error_set(err, ENOMEM, "plan overlay");
        }
    }
    m->data = rest.s;
    if (r < 0)
        return r;
    if (m->n_overlay_lower == 0)
        return veil_plan_invalid(err, "%s: overlay needs a lowerdir option", where);
    if ((m->overlay_upper == NULL) != (m->overlay_work == NULL))
        return veil_plan_invalid(err, "%s: overlay upperdir and workdir go together", where);
    return 0;
}

/* ---- id-mapped mounts ----------------------------------------------------- */

static int copy_maps(const veil_spec_idmap *in, size_t n, veil_idmap_list *out)
{
    if (n == 0)
        return 0;
    out->items = malloc(n * sizeof(*in));
    if (out->items == NULL)
        return -1;
    memcpy(out->items, in, n * sizeof(*in));
    out->n = n;
    return 0;
}

static int plan_idmap(const veil_spec_mount *sm, const veil_plan_options *opts,
                      const veil_plan *plan, veil_mount_step *m, const char *where,
                      veil_error **err)
{
    if (m->kind != VEIL_MOUNT_BIND)
        return veil_plan_invalid(err, "%s: id-mapped mounts are only supported for bind mounts",
                                 where);
    if (opts->rootless)
        return veil_plan_invalid(
            err, "%s: id-mapped mounts are not supported for rootless containers", where);
    if (sm->n_uid_mappings || sm->n_gid_mappings) {
        if (sm->n_uid_mappings == 0 || sm->n_gid_mappings == 0)
            return veil_plan_invalid(err,
                                     "%s: id-mapped mounts must have both uid and gid mappings "
                                     "specified",
                                     where);
        if (copy_maps(sm->uid_mappings, sm->n_uid_mappings, &m->uid_mappings) < 0 ||
            copy_maps(sm->gid_mappings, sm->n_gid_mappings, &m->gid_mappings) < 0)
            return veil_error_set(err, ENOMEM, "plan mounts");
        return 0;
    }
    /* no mappings of its own: the container's user namespace provides them
     * (its maps, or the namespace joined by path) */
    if (veil_plan_find_ns(plan, VEIL_NS_USER) == NULL)
        return veil_plan_invalid(
            err,
            "%s: idmap requires uidMappings and gidMappings on the mount, or a "
            "user namespace",
            where);
    return 0;
}

/* ---- rootless: uid=/gid= options must name mapped ids ------------------- */

static bool id_mapped(const veil_idmap_list *maps, unsigned long id)
{
    for (size_t i = 0; i < maps->n; i++)
        if (id >= maps->items[i].container_id &&
            id - maps->items[i].container_id < maps->items[i].size)
            return true;
    return false;
}

static int check_rootless_ids(const veil_plan *plan, const char *data, const char *where,
                              veil_error **err)
{
    const veil_plan_namespace *user = veil_plan_find_ns(plan, VEIL_NS_USER);
    /* a joined namespace's maps are only known to the applier */
    if (data == NULL || user == NULL || user->path)
        return 0;
    for (const char *o = data; o && *o; o = strchr(o, ',') ? strchr(o, ',') + 1 : NULL) {
        bool uid = strncmp(o, "uid=", 4) == 0, gid = strncmp(o, "gid=", 4) == 0;
        if (!uid && !gid)
            continue;
        char *end = NULL;
        errno = 0;
        unsigned long id = strtoul(o + 4, &end, 10);
        if (errno || end == o + 4 || (*end && *end != ','))
            continue; /* not a number: the filesystem judges it */
        if (!id_mapped(uid ? &plan->uid_mappings : &plan->gid_mappings, id))
            return veil_plan_invalid(err,
                                     "%s: cannot specify %.*s mount option for rootless container: "
                                     "%s %lu is not mapped",
                                     where, (int)(end - o), o, uid ? "uid" : "gid", id);
    }
    return 0;
}

/* ---- /proc ----------------------------------------------------------------- */

/* Files under /proc that may be mounted over (what lxcfs provides); anything
 * else there would let a mount fake or hide what veil and LSMs write into
 * /proc (CVE-2019-16884). */
static const char *const proc_allowed[] = {
    "/proc/cpuinfo",       "/proc/diskstats",    "/proc/loadavg",  "/proc/meminfo",
    "/proc/net/dev",       "/proc/pressure/cpu", "/proc/pressure/io", "/proc/pressure/memory",
    "/proc/slabinfo",      "/proc/stat",         "/proc/swaps",    "/proc/sys/kernel/ns_last_pid",
    "/proc/uptime",
};

static int check_proc_dest(const veil_mount_step *m, const char *where, veil_error **err)
{
    const char *d = m->destination;
    if (strncmp(d, "/proc", 5) != 0 || (d[5] != '\0' && d[5] != '/'))
        return 0;
    if (d[5] == '\0') {
        /* a bind's source is checked to be a procfs when it is opened */
        if (m->kind == VEIL_MOUNT_BIND || (m->kind == VEIL_MOUNT_FS && strcmp(m->type, "proc") == 0))
            return 0;
        return veil_plan_invalid(err, "%s: only a proc filesystem can be mounted on /proc, not %s",
                                 where, m->type);
    }
    for (size_t i = 0; i < ARRAY_SIZE(proc_allowed); i++)
        if (strcmp(d, proc_allowed[i]) == 0)
            return 0;
    return veil_plan_invalid(err, "%s: cannot be mounted because it is inside /proc", where);
}

/* ---- one mount -------------------------------------------------------------- */

static int plan_mount(const veil_spec_mount *sm, size_t index, const veil_plan_options *opts,
                      veil_plan *plan, veil_mount_step *m, veil_error **err)
{
    _cleanup_free_ char *where = NULL;
    if (asprintf(&where, "mounts[%zu] (%s)", index, sm->destination ? sm->destination : "") < 0)
        return veil_error_set(err, ENOMEM, "plan mounts");

    if (sm->destination == NULL || *sm->destination == '\0')
        return veil_plan_invalid(err, "mounts[%zu]: destination must not be empty", index);
    if (sm->destination[0] != '/' &&
        veil_plan_warn(plan,
                       "%s: relative mount destinations are deprecated, taken as relative to /",
                       where) < 0)
        return veil_error_set(err, ENOMEM, "plan mounts");
    if ((m->destination = veil_path_clean_abs(sm->destination)) == NULL)
        return veil_error_set(err, ENOMEM, "plan mounts");

    parsed_opts p = {0};
    strbuf data = {0};
    if (parse_options(&sm->options, &p, &data) < 0) {
        free(data.s);
        return veil_error_set(err, ENOMEM, "plan mounts");
    }
    m->data = data.s;
    m->flags = p.flags;
    m->clear_flags = p.clear_flags;
    m->propagation = p.propagation;
    m->attr_set = p.attr_set;
    m->attr_clr = p.attr_clr;
    m->tmpcopyup = p.tmpcopyup;
    m->idmap = p.idmap || sm->n_uid_mappings || sm->n_gid_mappings;
    m->idmap_recursive = p.ridmap;

    const char *type = sm->type && *sm->type ? sm->type : NULL;
    if ((type && strcmp(type, "bind") == 0) || (m->flags & MS_BIND)) {
        /* whatever type was given means nothing for a bind mount */
        m->kind = VEIL_MOUNT_BIND;
        m->flags |= MS_BIND;
        m->type = strdup("bind");
        if (sm->source == NULL || *sm->source == '\0')
            return veil_plan_invalid(err, "%s: a bind mount needs a source", where);
        m->source = veil_path_join(plan->bundle, sm->source);
        if (m->type == NULL || m->source == NULL)
            return veil_error_set(err, ENOMEM, "plan mounts");
        /* the kernel ignores data on a bind mount: drop it, and say so (runc
         * 1.1 passes it on silently, newer runc refuses the config) */
        if (m->data) {
            if (veil_plan_warn(plan, "%s: filesystem options \"%s\" have no effect on a bind mount, ignored",
                               where, m->data) < 0)
                return veil_error_set(err, ENOMEM, "plan mounts");
            free(m->data);
            m->data = NULL;
        }
    } else {
        if (type == NULL)
            return veil_plan_invalid(err, "%s: type is required for a non-bind mount", where);
        if (strcmp(type, "overlay") == 0)
            m->kind = VEIL_MOUNT_OVERLAY;
        else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
            m->kind = VEIL_MOUNT_CGROUP;
        else
            m->kind = VEIL_MOUNT_FS;
        m->type = strdup(type);
        if (m->type == NULL || (sm->source && (m->source = strdup(sm->source)) == NULL))
            return veil_error_set(err, ENOMEM, "plan mounts");
        if (m->kind == VEIL_MOUNT_OVERLAY && plan_overlay(m, plan->bundle, where, err) < 0)
            return -1;
    }

    if (check_proc_dest(m, where, err) < 0)
        return -1;
    if (m->idmap && plan_idmap(sm, opts, plan, m, where, err) < 0)
        return -1;
    if (m->tmpcopyup && strcmp(m->type, "tmpfs") != 0 &&
        veil_plan_warn(plan, "%s: tmpcopyup only applies to tmpfs, ignored", where) < 0)
        return veil_error_set(err, ENOMEM, "plan mounts");
    if (m->tmpcopyup && strcmp(m->type, "tmpfs") != 0)
        m->tmpcopyup = false;
    if (opts->rootless && check_rootless_ids(plan, m->data, where, err) < 0)
        return -1;
    return 0;
}

int veil_plan_mounts(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                     veil_error **err)
{
    if (spec->n_mounts == 0)
        return 0;
    plan->mounts = calloc(spec->n_mounts, sizeof(*plan->mounts));
    if (plan->mounts == NULL)
        return veil_error_set(err, ENOMEM, "plan mounts");
    for (size_t i = 0; i < spec->n_mounts; i++) {
        /* counted first, so that veil_plan_free releases a half-built step */
        plan->n_mounts = i + 1;
        if (plan_mount(&spec->mounts[i], i, opts, plan, &plan->mounts[i], err) < 0)
            return -1;
    }
    return 0;
}
