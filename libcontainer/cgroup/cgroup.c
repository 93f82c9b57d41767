/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host detection, path resolution, and the container cgroup's life:
 * create (mkdir in every hierarchy, controllers, writes, device program),
 * destroy (only what veil created).  Freezing, processes and updates are
 * in ops.c, the saved form in state.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/path.h"

/* v1 controllers in the order veil creates their directories */
static const veil_cgroup_ctrl v1_order[] = {
    VEIL_CG_CPUSET,  VEIL_CG_CPU,     VEIL_CG_CPUACCT,    VEIL_CG_MEMORY, VEIL_CG_DEVICES,
    VEIL_CG_FREEZER, VEIL_CG_BLKIO,   VEIL_CG_PIDS,       VEIL_CG_HUGETLB, VEIL_CG_NET_CLS,
    VEIL_CG_NET_PRIO, VEIL_CG_PERF_EVENT, VEIL_CG_RDMA,   VEIL_CG_MISC,   VEIL_CG_SYSTEMD,
};

const char *veil_cg_v2_name(veil_cgroup_ctrl c)
{
    switch (c) {
    case VEIL_CG_CPU: return "cpu";
    case VEIL_CG_CPUSET: return "cpuset";
    case VEIL_CG_MEMORY: return "memory";
    case VEIL_CG_BLKIO: return "io";
    case VEIL_CG_PIDS: return "pids";
    case VEIL_CG_HUGETLB: return "hugetlb";
    case VEIL_CG_RDMA: return "rdma";
    case VEIL_CG_MISC: return "misc";
    case VEIL_CG_PERF_EVENT: return "perf_event";
    default: return NULL;
    }
}

const char *veil_cgroup_layout_name(veil_cgroup_layout l)
{
    switch (l) {
    case VEIL_CGROUP_V1: return "v1";
    case VEIL_CGROUP_HYBRID: return "hybrid";
    case VEIL_CGROUP_V2: return "v2";
    case VEIL_CGROUP_NONE: break;
    }
    return "none";
}

static bool is_fs(const char *path, long magic)
{
    struct statfs st;
    return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

/* The mount of a v1 controller: /sys/fs/cgroup/<name>, or the usual
 * co-mount directory when the per-controller symlink is missing. */
static const char *v1_comount_name(veil_cgroup_ctrl c)
{
    if (c == VEIL_CG_CPU || c == VEIL_CG_CPUACCT)
        return "cpu,cpuacct";
    if (c == VEIL_CG_NET_CLS || c == VEIL_CG_NET_PRIO)
        return "net_cls,net_prio";
    return NULL;
}

static void v1_path(veil_cgroup_ctrl c, bool comounted, char *buf, size_t len)
{
    const char *name = comounted ? v1_comount_name(c)
                       : c == VEIL_CG_SYSTEMD ? "systemd"
                                               : veil_cgroup_ctrl_name(c);
    snprintf(buf, len, "%s/%s", VEIL_CGROUP_ROOT, name);
}

/* 0: not mounted, 1: at its own name, 2: at the co-mount directory. */
static int v1_mount(veil_cgroup_ctrl c, char *buf, size_t len)
{
    v1_path(c, false, buf, len);
    if (is_fs(buf, CGROUP_SUPER_MAGIC))
        return 1;
    if (v1_comount_name(c) == NULL)
        return 0;
    v1_path(c, true, buf, len);
    return is_fs(buf, CGROUP_SUPER_MAGIC) ? 2 : 0;
}

static uint32_t v2_controllers(const char *mount)
{
    _cleanup_free_ char *buf = NULL;
    if (veil_cg_read(mount, "cgroup.controllers", &buf))
        return VEIL_CG_BIT(VEIL_CG_UNIFIED);
    uint32_t bits = VEIL_CG_BIT(VEIL_CG_UNIFIED);
    for (char *save = NULL, *tok = strtok_r(buf, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save))
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            const char *n = veil_cg_v2_name((veil_cgroup_ctrl)c);
            if (n && strcmp(n, tok) == 0)
                bits |= VEIL_CG_BIT(c);
        }
    return bits;
}

void veil_cgroup_detect_host(veil_cgroup_host *h)
{
    *h = (veil_cgroup_host){.layout = VEIL_CGROUP_NONE};
    char buf[256];
    if (is_fs(VEIL_CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
        h->v2 = v2_controllers(VEIL_CGROUP_ROOT);
        h->layout = VEIL_CGROUP_V2;
        return;
    }
    for (size_t i = 0; i < sizeof(v1_order) / sizeof(v1_order[0]); i++) {
        int where = v1_mount(v1_order[i], buf, sizeof(buf));
        if (where)
            h->v1 |= VEIL_CG_BIT(v1_order[i]);
        if (where == 2)
            h->v1_comounted |= VEIL_CG_BIT(v1_order[i]);
    }
    snprintf(buf, sizeof(buf), "%s/unified", VEIL_CGROUP_ROOT);
    if (is_fs(buf, CGROUP2_SUPER_MAGIC)) {
        h->v2 = v2_controllers(buf);
        h->layout = VEIL_CGROUP_HYBRID;
    } else if (h->v1) {
        h->layout = VEIL_CGROUP_V1;
    }
}

veil_cgroup_layout veil_cgroup_detect(uint32_t *v1_controllers, uint32_t *v2_controllers_out)
{
    veil_cgroup_host h;
    veil_cgroup_detect_host(&h);
    if (v1_controllers)
        *v1_controllers = h.v1;
    if (v2_controllers_out)
        *v2_controllers_out = h.v2;
    return h.layout;
}

/* ---- paths ------------------------------------------------------------------ */

/* "a//./b/" -> "/a/b".  ".." is refused rather than resolved: a cgroup
 * path must not climb out of where the user placed it. */
static int clean_path(const char *in, char **out, veil_error **err)
{
    if (veil_path_has_dotdot(in))
        return veil_error_set(err, 0,
                              "invalid cgroupsPath \"%s\": \"..\" components are not allowed", in);
    _cleanup_free_ char *res = veil_path_clean_abs(in);
    if (res == NULL)
        return veil_error_set(err, ENOMEM, "cgroup path");
    if (strcmp(res, "/") == 0)
        return veil_error_set(err, 0, "invalid cgroupsPath \"%s\": it names no cgroup", in);
    *out = steal_pointer(&res);
    return 0;
}

/* base + rel, by hand: this runs for every hierarchy of every container
 * `list` looks at, and a printf costs ten times as much (musl). */
static char *join(const char *base, const char *rel)
{
    if (strcmp(base, "/") == 0)
        base = "";
    size_t a = strlen(base), b = strlen(rel);
    char *s = malloc(a + b + 1);
    if (s) {
        memcpy(s, base, a);
        memcpy(s + a, rel, b + 1);
    }
    return s;
}

/* veil's own cgroup in each hierarchy, from /proc/self/cgroup. */
typedef struct own_cgroups {
    char *path[VEIL_CG__COUNT];
} own_cgroups;

static void own_clear(own_cgroups *o)
{
    for (int i = 0; i < VEIL_CG__COUNT; i++)
        free(o->path[i]);
}

static int own_read(own_cgroups *o, veil_error **err)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read("/proc/self", "cgroup", &buf);
    if (e)
        return veil_error_set(err, e, "read /proc/self/cgroup");
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2) {
            *c2 = '\0';
            const char *path = c2 + 1;
            char *list = c1 + 1;
            if (*list == '\0') {
                free(o->path[VEIL_CG_UNIFIED]);
                o->path[VEIL_CG_UNIFIED] = strdup(path);
            }
            for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                for (int c = 0; c < VEIL_CG__COUNT; c++) {
                    const char *name = c == VEIL_CG_SYSTEMD ? "name=systemd"
                                                            : veil_cgroup_ctrl_name((veil_cgroup_ctrl)c);
                    if (c != VEIL_CG_UNIFIED && strcmp(name, tok) == 0) {
                        free(o->path[c]);
                        o->path[c] = strdup(path);
                    }
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* ---- the object --------------------------------------------------------------- */

veil_cgroup *veil_cg_new(veil_cgroup_layout layout)
{
    veil_cgroup *cg = calloc(1, sizeof(*cg));
    if (cg) {
        cg->layout = layout;
        cg->v2_fd = -1;
    }
    return cg;
}

void veil_cgroup_free(veil_cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < cg->n; i++) {
        free(cg->h[i].mount);
        free(cg->h[i].rel);
        free(cg->h[i].dir);
    }
    for (size_t i = 0; i < cg->n_enabled; i++)
        free(cg->enabled[i].dir);
    free(cg->enabled);
    free(cg->path);
    if (cg->v2_fd >= 0)
        close(cg->v2_fd);
    free(cg);
}

int veil_cg_add_hier(veil_cgroup *cg, uint32_t ctrls, const char *mount, const char *rel,
                     unsigned created)
{
    if (cg->n >= VEIL_CG__COUNT)
        return -1;
    veil_cg_hier *h = &cg->h[cg->n];
    *h = (veil_cg_hier){.ctrls = ctrls, .created = created};
    h->mount = strdup(mount);
    h->rel = strdup(rel);
    h->dir = join(mount, strcmp(rel, "/") == 0 ? "" : rel);
    if (h->mount == NULL || h->rel == NULL || h->dir == NULL) {
        free(h->mount);
        free(h->rel);
        free(h->dir);
        return -1;
    }
    cg->n++;
    return 0;
}

veil_cg_hier *veil_cg_hier_of(const veil_cgroup *cg, veil_cgroup_ctrl c)
{
    veil_cgroup *m = (veil_cgroup *)cg;
    if (cg->layout == VEIL_CGROUP_V2)
        return cg->n ? &m->h[0] : NULL;
    for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].ctrls & VEIL_CG_BIT(c))
            return &m->h[i];
    return NULL;
}

veil_cg_hier *veil_cg_main(const veil_cgroup *cg)
{
    veil_cg_hier *h = veil_cg_hier_of(cg, VEIL_CG_DEVICES);
    if (h == NULL)
        h = veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    if (h == NULL && cg->n)
        h = (veil_cg_hier *)&cg->h[0];
    return h;
}

const char *veil_cgroup_path(const veil_cgroup *cg)
{
    return cg->path;
}

veil_cgroup_layout veil_cgroup_get_layout(const veil_cgroup *cg)
{
    return cg->layout;
}

int veil_cgroup_v2_fd(const veil_cgroup *cg)
{
    return cg->v2_fd;
}

const char *veil_cgroup_dir(const veil_cgroup *cg, veil_cgroup_ctrl c)
{
    veil_cg_hier *h = veil_cg_hier_of(cg, c);
    return h ? h->dir : NULL;
}

const char *veil_cgroup_dir_at(const veil_cgroup *cg, const char *mount)
{
    struct stat want, st;
    if (stat(mount, &want) < 0)
        return NULL;
    for (size_t i = 0; i < cg->n; i++)
        if (stat(cg->h[i].mount, &st) == 0 && st.st_dev == want.st_dev)
            return cg->h[i].dir;
    return NULL;
}

/* ---- creation ------------------------------------------------------------------- */

static int resolve(veil_cgroup *cg, const char *path, bool relative, const veil_cgroup_host *hh,
                   veil_error **err)
{
    uint32_t v1 = hh->v1;
    veil_cgroup_layout host = hh->layout;
    bool want_v2 = cg->layout == VEIL_CGROUP_V2;
    if (want_v2 != (host == VEIL_CGROUP_V2) || host == VEIL_CGROUP_NONE ||
        (cg->layout == VEIL_CGROUP_HYBRID && host != VEIL_CGROUP_HYBRID))
        return veil_error_set(err, 0, "cgroup layout %s was asked for, but this host is %s",
                              veil_cgroup_layout_name(cg->layout), veil_cgroup_layout_name(host));
    __attribute__((cleanup(own_clear))) own_cgroups own = {{0}};
    if (relative && own_read(&own, err) < 0)
        return -1;

    if (cg->layout == VEIL_CGROUP_V2) {
        const char *base = "/";
        _cleanup_free_ char *parent = NULL;
        if (relative) {
            if (own.path[VEIL_CG_UNIFIED] == NULL)
                return veil_error_set(err, 0, "no cgroup v2 entry in /proc/self/cgroup");
            /* Like runc: beside veil's own cgroup, which has processes and
             * so cannot enable controllers for a child. */
            parent = strdup(own.path[VEIL_CG_UNIFIED]);
            if (parent == NULL)
                return veil_error_set(err, ENOMEM, "cgroup");
            char *slash = strrchr(parent, '/');
            if (slash)
                slash[slash == parent ? 1 : 0] = '\0';
            base = parent;
        }
        _cleanup_free_ char *rel = join(base, path);
        if (rel == NULL || veil_cg_add_hier(cg, VEIL_CG_BIT(VEIL_CG_UNIFIED), VEIL_CGROUP_ROOT,
                                            rel, 0) < 0)
            return veil_error_set(err, ENOMEM, "cgroup");
        return 0;
    }

    dev_t devs[VEIL_CG__COUNT];
    char mount[256];
    for (size_t i = 0; i < sizeof(v1_order) / sizeof(v1_order[0]); i++) {
        veil_cgroup_ctrl c = v1_order[i];
        if (!(v1 & VEIL_CG_BIT(c)))
            continue;
        v1_path(c, (hh->v1_comounted & VEIL_CG_BIT(c)) != 0, mount, sizeof(mount));
        struct stat st;
        if (stat(mount, &st) < 0)
            return veil_error_set(err, errno, "stat %s", mount);
        size_t j = 0;
        while (j < cg->n && devs[j] != st.st_dev)
            j++;
        if (j < cg->n) { /* co-mounted with an earlier controller */
            cg->h[j].ctrls |= VEIL_CG_BIT(c);
            continue;
        }
        const char *base = "/";
        if (relative) {
            base = own.path[c];
            if (base == NULL)
                return veil_error_set(err, 0, "no entry for the %s hierarchy in /proc/self/cgroup",
                                      veil_cgroup_ctrl_name(c));
        }
        _cleanup_free_ char *rel = join(base, path);
        devs[cg->n] = st.st_dev;
        if (rel == NULL || veil_cg_add_hier(cg, VEIL_CG_BIT(c), mount, rel, 0) < 0)
            return veil_error_set(err, ENOMEM, "cgroup");
    }
    if (cg->layout == VEIL_CGROUP_HYBRID) {
        /* runc puts the process in the unified tree too: tools that look
         * at 0::/ (systemd, containerd) then find it. */
        const char *base = relative ? own.path[VEIL_CG_UNIFIED] : "/";
        if (base == NULL)
            return veil_error_set(err, 0, "no cgroup v2 entry in /proc/self/cgroup");
        snprintf(mount, sizeof(mount), "%s/unified", VEIL_CGROUP_ROOT);
        _cleanup_free_ char *rel = join(base, path);
        if (rel == NULL || veil_cg_add_hier(cg, VEIL_CG_BIT(VEIL_CG_UNIFIED), mount, rel, 0) < 0)
            return veil_error_set(err, ENOMEM, "cgroup");
    }
    if (cg->n == 0)
        return veil_error_set(err, 0, "no cgroup hierarchy is mounted under %s", VEIL_CGROUP_ROOT);
    return 0;
}

static int make_dirs(veil_cg_hier *h, veil_error **err)
{
    char p[4096];
    size_t len = strlen(h->mount);
    if (len + strlen(h->rel) >= sizeof(p))
        return veil_error_set(err, ENAMETOOLONG, "cgroup %s", h->dir);
    memcpy(p, h->mount, len + 1);
    unsigned k = 0;
    for (const char *s = h->rel; *s; s++)
        k += *s == '/' && s[1] != '\0';
    unsigned idx = 0;
    for (const char *s = h->rel; *s;) {
        s += strspn(s, "/");
        size_t c = strcspn(s, "/");
        if (c == 0)
            break;
        p[len++] = '/';
        memcpy(p + len, s, c);
        len += c;
        p[len] = '\0';
        s += c;
        idx++;
        if (mkdir(p, 0755) == 0) {
            /* everything below the first directory veil made is veil's */
            if (h->created == 0)
                h->created = k - idx + 1;
            continue;
        }
        int e = errno;
        if (e == EEXIST)
            continue;
        return veil_error_set(err, e, "mkdir %s%s", p,
                              e == EROFS    ? " (the cgroup filesystem is mounted read-only)"
                              : e == EACCES || e == EPERM
                                  ? " (not permitted: this needs root or a delegated cgroup)"
                                  : "");
    }
    return 0;
}

/* rmdir, retried while the kernel still counts exiting tasks (EBUSY). */
static int rmdir_retry(const char *dir)
{
    long delay = 1;
    for (int i = 0;; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || i == 9)
            return errno;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = delay * 1000000L};
        nanosleep(&ts, NULL);
        delay *= 2;
    }
}

/* Removes dir and the cgroups the container made below it (deepest first). */
static int remove_tree(const char *dir, int depth)
{
    /* the usual case, without reading the directory: no cgroup below, no
     * task left */
    if (rmdir(dir) == 0 || errno == ENOENT)
        return 0;
    if (depth < 32) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (d == NULL)
            return errno == ENOENT ? 0 : errno;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            _cleanup_free_ char *sub = NULL;
            if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
                return ENOMEM;
            int e = remove_tree(sub, depth + 1);
            if (e)
                return e;
        }
    }
    return rmdir_retry(dir);
}

static int busy_error(veil_error **err, int e, const char *dir)
{
    _cleanup_free_ char *procs = NULL;
    if (e == EBUSY && veil_cg_read(dir, "cgroup.procs", &procs) == 0 && *procs) {
        size_t n = strlen(procs);
        if (procs[n - 1] == '\n')
            procs[n - 1] = '\0';
        for (char *p = procs; *p; p++)
            if (*p == '\n')
                *p = ' ';
        return veil_error_set(err, e, "remove cgroup %s (processes still in it: %s)", dir, procs);
    }
    return veil_error_set(err, e, "remove cgroup %s", dir);
}

int veil_cgroup_destroy(veil_cgroup *cg, veil_error **err)
{
    int ret = 0;
    for (size_t i = 0; i < cg->n; i++) {
        veil_cg_hier *h = &cg->h[i];
        if (h->created == 0)
            continue; /* the directory was there before veil: not ours */
        int e = remove_tree(h->dir, 0);
        if (e) {
            if (ret == 0)
                ret = busy_error(err, e, h->dir);
            continue;
        }
        /* ancestors veil made, as long as nobody else put a cgroup there */
        _cleanup_free_ char *p = strdup(h->dir);
        if (p == NULL)
            return veil_error_set(err, ENOMEM, "cgroup");
        for (unsigned j = 1; j < h->created; j++) {
            char *slash = strrchr(p, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
            if (rmdir(p) < 0 && errno != ENOENT)
                break;
        }
        h->created = 0;
    }
    veil_cg_v2_disable(cg);
    return ret;
}

/* Which unified controllers the writes need switched on along the path. */
static uint32_t unified_needs(const veil_cgroup_write *w, size_t n)
{
    uint32_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i].ctrl != VEIL_CG_UNIFIED)
            continue;
        size_t len = strcspn(w[i].file, ".");
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            const char *name = veil_cg_v2_name((veil_cgroup_ctrl)c);
            if (name && strlen(name) == len && strncmp(name, w[i].file, len) == 0)
                bits |= VEIL_CG_BIT(c);
        }
    }
    return bits;
}

int veil_cg_enable_for(veil_cgroup *cg, const veil_cgroup_write *w, size_t n, veil_error **err)
{
    veil_cg_hier *u = cg->layout == VEIL_CGROUP_NONE || cg->layout == VEIL_CGROUP_V1
                          ? NULL
                          : veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    if (u == NULL)
        return 0;
    /* pure v2: every available controller in the directories veil makes
     * (stats find their files), what the writes need in the others;
     * hybrid: only what the writes need */
    uint32_t wanted = cg->layout == VEIL_CGROUP_V2 ? ~0u & ~VEIL_CG_BIT(VEIL_CG_UNIFIED) : 0;
    return veil_cg_v2_enable(cg, u, unified_needs(w, n), wanted, err);
}

static bool devices_by_bpf(const veil_cgroup *cg)
{
    return cg->layout == VEIL_CGROUP_V2 ||
           (cg->layout == VEIL_CGROUP_HYBRID && veil_cg_hier_of(cg, VEIL_CG_DEVICES) == NULL);
}

static int attach_devices(veil_cgroup *cg, const veil_cgroup_plan *plan, veil_error **err)
{
    if (plan->n_device_rules == 0 || !devices_by_bpf(cg))
        return 0;
    veil_cg_hier *u = veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    if (u == NULL)
        return veil_error_set(err, 0, "device rules need the cgroup v2 tree, which is missing");
    _cleanup_free_ struct bpf_insn *insns = NULL;
    size_t n = 0;
    if (veil_devcg_compile(plan->device_rules, plan->n_device_rules, &insns, &n, err) < 0)
        return -1;
    _cleanup_close_ int fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", u->dir);
    if (veil_devcg_attach(fd, insns, n, err) < 0)
        return veil_error_prefix(err, "device rules for %s", u->dir);
    return 0;
}

static void rollback(veil_cgroup **p)
{
    if (*p == NULL)
        return;
    veil_cgroup_destroy(*p, NULL);
    veil_cgroup_free(*p);
}

int veil_cgroup_create(const veil_context *ctx, const veil_cgroup_plan *plan,
                       veil_cgroup_layout layout, veil_cgroup **out, veil_error **err)
{
    veil_cgroup_host host;
    veil_cgroup_detect_host(&host);
    return veil_cgroup_create_on(ctx, plan, layout, &host, false, out, err);
}

static int make_hier(veil_cg_hier *h, veil_error **err)
{
    if (make_dirs(h, err) < 0)
        return -1;
    if ((h->ctrls & VEIL_CG_BIT(VEIL_CG_CPUSET)) && veil_cg_v1_cpuset_init(h, err) < 0)
        return -1;
    return 0;
}

int veil_cgroup_create_on(const veil_context *ctx, const veil_cgroup_plan *plan,
                          veil_cgroup_layout layout, const veil_cgroup_host *host, bool defer_v1,
                          veil_cgroup **out, veil_error **err)
{
    if (ctx && ctx->systemd_cgroup)
        return veil_error_set(err, 0,
                              "systemd cgroup driver is not supported yet; use the cgroupfs driver");
    __attribute__((cleanup(rollback))) veil_cgroup *cg = veil_cg_new(layout);
    if (cg == NULL)
        return veil_error_set(err, ENOMEM, "cgroup");
    if (layout == VEIL_CGROUP_NONE || (ctx && ctx->no_cgroups)) {
        cg->layout = VEIL_CGROUP_NONE;
        *out = steal_pointer(&cg);
        return 0;
    }
    if (plan->path == NULL)
        return veil_error_set(err, 0, "the plan has no cgroup path");
    _cleanup_free_ char *path = NULL;
    if (clean_path(plan->path, &path, err) < 0 ||
        resolve(cg, path, plan->path_relative, host, err) < 0)
        return -1;
    cg->path = strdup(veil_cg_main(cg)->rel);
    if (cg->path == NULL)
        return veil_error_set(err, ENOMEM, "cgroup");
    for (size_t i = 0; i < plan->n_writes; i++)
        if (veil_cg_hier_of(cg, plan->writes[i].ctrl) == NULL)
            return veil_error_set(err, 0,
                                  "%s: this host has no %s cgroup hierarchy (was the plan made for "
                                  "another host?)",
                                  plan->writes[i].file,
                                  veil_cgroup_ctrl_name(plan->writes[i].ctrl));

    /* the cgroup2 tree is never deferred: clone3 enters it (CLONE_INTO_CGROUP) */
    for (size_t i = 0; i < cg->n; i++) {
        veil_cg_hier *h = &cg->h[i];
        if (defer_v1 && !(h->ctrls & VEIL_CG_BIT(VEIL_CG_UNIFIED))) {
            h->deferred = true;
            continue;
        }
        if (make_hier(h, err) < 0)
            return -1;
    }
    if (veil_cg_enable_for(cg, plan->writes, plan->n_writes, err) < 0 ||
        veil_cg_apply(cg, plan->writes, plan->n_writes, false, false, err) < 0 ||
        attach_devices(cg, plan, err) < 0)
        return -1;
    if (layout == VEIL_CGROUP_V2) {
        cg->v2_fd = open(cg->h[0].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cg->v2_fd < 0)
            return veil_error_set(err, errno, "open %s", cg->h[0].dir);
    }
    veil_debug(ctx, "cgroup %s created (%zu hierarchies%s)", cg->path, cg->n,
               defer_v1 ? ", v1 deferred" : "");
    *out = steal_pointer(&cg);
    return 0;
}

bool veil_cgroup_has_deferred(const veil_cgroup *cg)
{
    for (size_t i = 0; cg && i < cg->n; i++)
        if (cg->h[i].deferred)
            return true;
    return false;
}

int veil_cgroup_create_deferred(veil_cgroup *cg, const veil_cgroup_plan *plan,
                                veil_cgroup_late *late, veil_error **err)
{
    late->n = 0;
    int r = 0;
    for (size_t i = 0; r == 0 && i < cg->n; i++)
        if (cg->h[i].deferred && make_hier(&cg->h[i], err) < 0)
            r = -1;
    if (r == 0)
        r = veil_cg_apply(cg, plan->writes, plan->n_writes, false, true, err);
    for (size_t i = 0; r == 0 && i < cg->n; i++) {
        if (!cg->h[i].deferred)
            continue;
        int fd = -1;
        int e = veil_cg_open_write(cg->h[i].dir, "tasks", &fd);
        if (e) {
            r = veil_error_set(err, e, "open %s/tasks", cg->h[i].dir);
            break;
        }
        late->fds[late->n] = fd;
        late->idx[late->n++] = (uint8_t)i;
    }
    for (size_t i = 0; i < cg->n; i++)
        cg->h[i].deferred = false; /* made, or (failure) left to veil_cgroup_destroy */
    if (r < 0)
        veil_cgroup_late_close(late);
    return r;
}
