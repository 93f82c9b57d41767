/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is done to an existing container cgroup: the planned writes,
 * processes in and out, freezing, signalling, updates.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

/* ---- writes ----------------------------------------------------------------- */

/* dir without its last n components */
static char *strip_components(const char *dir, unsigned n)
{
    char *p = strdup(dir);
    for (unsigned i = 0; p && i < n; i++) {
        char *slash = strrchr(p, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
    }
    return p;
}

/* A value to the ancestors veil created, top-down (real-time budgets must
 * be granted by every parent before a child may take them). */
static int write_parents(const veil_cg_hier *h, const char *file, const char *value,
                         veil_error **err)
{
    for (unsigned up = h->created > 0 ? h->created - 1 : 0; up >= 1; up--) {
        _cleanup_free_ char *p = strip_components(h->dir, up);
        if (p == NULL)
            return veil_error_set(err, ENOMEM, "cgroup");
        if (veil_cg_write_or_fail(p, file, value, err) < 0)
            return -1;
    }
    return 0;
}

static int check_usage(const veil_cg_hier *h, const veil_cgroup_write *w, veil_error **err)
{
    uint64_t limit;
    if (strcmp(w->value, "max") == 0 || strcmp(w->value, "-1") == 0)
        return 0;
    char *end;
    errno = 0;
    limit = strtoull(w->value, &end, 10);
    if (errno || *end)
        return 0; /* the kernel will judge it */
    const char *uf = strcmp(w->file, "memory.max") == 0 ? "memory.current" : "memory.usage_in_bytes";
    uint64_t usage;
    int e = veil_cg_read_u64(h->dir, uf, &usage);
    if (e)
        return veil_error_set(err, e, "read %s/%s", h->dir, uf);
    if (limit < usage)
        return veil_error_set(err, EBUSY,
                              "rejecting memory limit %" PRIu64 " for %s: below the current usage "
                              "of %" PRIu64 " bytes (linux.resources.memory.checkBeforeUpdate)",
                              limit, h->dir, usage);
    return 0;
}

static int verify(const veil_cg_hier *h, const char *file, const char *value, veil_error **err)
{
    _cleanup_free_ char *now = NULL;
    int e = veil_cg_read(h->dir, file, &now);
    if (e)
        return veil_error_set(err, e, "read back %s/%s", h->dir, file);
    now[strcspn(now, "\n")] = '\0';
    if (strcmp(now, value) == 0)
        return 0;
    return veil_error_set(err, ERANGE,
                          "write %s = %s in %s: the kernel set %s instead (value out of its range)",
                          file, value, h->dir, now);
}

/* 0: done, 1: deferred (retry after the others), -1: error */
static int apply_one(veil_cgroup *cg, const veil_cgroup_write *w, bool may_defer, veil_error **err)
{
    const veil_cg_hier *h = veil_cg_hier_of(cg, w->ctrl);
    if (h == NULL)
        return veil_error_set(err, 0, "%s: this host has no %s cgroup hierarchy", w->file,
                              veil_cgroup_ctrl_name(w->ctrl));
    if ((w->flags & VEIL_CGROUP_WRITE_PARENTS) && write_parents(h, w->file, w->value, err) < 0)
        return -1;
    if ((w->flags & VEIL_CGROUP_WRITE_CHECK_USAGE) && check_usage(h, w, err) < 0)
        return -1;
    const char *file = w->file, *value = w->value;
    int e = veil_cg_write(h->dir, file, value);
    if (e == ENOENT && w->alt_file) {
        int e2 = veil_cg_write(h->dir, w->alt_file, w->alt_value);
        if (e2 != ENOENT) {
            e = e2;
            file = w->alt_file;
            value = w->alt_value;
        }
    }
    if (e == ENOENT && (w->flags & VEIL_CGROUP_WRITE_IF_EXISTS))
        return 0;
    if (e == EINVAL && (w->flags & VEIL_CGROUP_WRITE_RETRY) && may_defer)
        return 1;
    if (e)
        return veil_cg_write_error(err, e, h->dir, file, value);
    if ((w->flags & VEIL_CGROUP_WRITE_VERIFY) && verify(h, file, value, err) < 0)
        return -1;
    return 0;
}

/* The v1 device rules are a dozen writes to devices.allow and
 * devices.deny: each file is opened once for all of them. */
typedef struct rule_files {
    int fd[2]; /* allow, deny */
} rule_files;

static void rule_files_close(rule_files *f)
{
    for (int i = 0; i < 2; i++)
        if (f->fd[i] >= 0)
            close(f->fd[i]);
}

/* 1: written (or failed: *err set, returns -1), 0: not a plain rule write */
static int apply_rule(veil_cgroup *cg, const veil_cgroup_write *w, rule_files *f, veil_error **err)
{
    int k = strcmp(w->file, "devices.allow") == 0  ? 0
            : strcmp(w->file, "devices.deny") == 0 ? 1
                                                   : -1;
    if (k < 0 || w->ctrl != VEIL_CG_DEVICES || w->flags || w->alt_file ||
        strchr(w->value, '\n'))
        return 0;
    const veil_cg_hier *h = veil_cg_hier_of(cg, w->ctrl);
    if (h == NULL)
        return 0;
    int e = f->fd[k] >= 0 ? 0 : veil_cg_open_write(h->dir, w->file, &f->fd[k]);
    if (e == 0)
        e = veil_cg_write_fd(f->fd[k], w->value);
    if (e)
        return veil_cg_write_error(err, e, h->dir, w->file, w->value);
    return 1;
}

int veil_cg_apply(veil_cgroup *cg, const veil_cgroup_write *w, size_t n, bool skip_devices,
                  bool deferred, veil_error **err)
{
    _cleanup_free_ size_t *later = calloc(n ? n : 1, sizeof(*later));
    if (later == NULL)
        return veil_error_set(err, ENOMEM, "cgroup");
    __attribute__((cleanup(rule_files_close))) rule_files rules = {{-1, -1}};
    size_t n_later = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip_devices && w[i].ctrl == VEIL_CG_DEVICES)
            continue;
        const veil_cg_hier *h = veil_cg_hier_of(cg, w[i].ctrl);
        if (h && h->deferred != deferred)
            continue;
        int r = apply_rule(cg, &w[i], &rules, err);
        if (r != 0) {
            if (r < 0)
                return -1;
            continue;
        }
        r = apply_one(cg, &w[i], true, err);
        if (r < 0)
            return -1;
        if (r == 1)
            later[n_later++] = i;
    }
    for (size_t i = 0; i < n_later; i++)
        if (apply_one(cg, &w[later[i]], false, err) < 0)
            return -1;
    return 0;
}

int veil_cgroup_update(const veil_context *ctx, veil_cgroup *cg, const veil_cgroup_plan *plan,
                       veil_error **err)
{
    if (cg->layout == VEIL_CGROUP_NONE)
        return plan->n_writes ? veil_error_set(err, 0, "cgroups are disabled for this container")
                              : 0;
    if (veil_cg_enable_for(cg, plan->writes, plan->n_writes, err) < 0 ||
        veil_cg_apply(cg, plan->writes, plan->n_writes, true, false, err) < 0)
        return veil_error_prefix(err, "update cgroup %s", cg->path);
    veil_debug(ctx, "cgroup %s updated (%zu writes)", cg->path, plan->n_writes);
    return 0;
}

/* ---- processes ------------------------------------------------------------------ */

int veil_cgroup_add_pid(const veil_cgroup *cg, pid_t pid, veil_error **err)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%d", (int)pid);
    for (size_t i = 0; i < cg->n; i++)
        if (veil_cg_write_or_fail(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
            return -1;
    return 0;
}

typedef struct pid_list {
    pid_t *v;
    size_t n, cap;
} pid_list;

static int collect(const char *dir, pid_list *l, int depth)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, "cgroup.procs", &buf);
    if (e)
        return e == ENOENT && depth > 0 ? 0 : e; /* a sub-cgroup may vanish meanwhile */
    for (char *p = buf; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 32;
            pid_t *nv = realloc(l->v, cap * sizeof(*nv));
            if (nv == NULL)
                return ENOMEM;
            l->v = nv;
            l->cap = cap;
        }
        l->v[l->n++] = (pid_t)v;
        p = end + strspn(end, "\n");
    }
    if (depth >= 32)
        return 0;
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
        e = collect(sub, l, depth + 1);
        if (e)
            return e;
    }
    return 0;
}

int veil_cgroup_pids(const veil_cgroup *cg, pid_t **pids, size_t *n, veil_error **err)
{
    *pids = NULL;
    *n = 0;
    const veil_cg_hier *h = veil_cg_main(cg);
    if (h == NULL)
        return 0;
    pid_list l = {0};
    int e = collect(h->dir, &l, 0);
    if (e) {
        free(l.v);
        return veil_error_set(err, e, "list the processes of %s", h->dir);
    }
    *pids = l.v;
    *n = l.n;
    return 0;
}

/* ---- freezer ----------------------------------------------------------------------- */

/* The v1 freezer where the host has it, else cgroup.freeze of the unified
 * tree (v2, or a hybrid host without a v1 freezer). */
static const veil_cg_hier *freezer(const veil_cgroup *cg, bool *v1, veil_error **err)
{
    const veil_cg_hier *h = NULL;
    if (cg->layout == VEIL_CGROUP_V1 || cg->layout == VEIL_CGROUP_HYBRID)
        h = veil_cg_hier_of(cg, VEIL_CG_FREEZER);
    *v1 = h != NULL;
    if (h == NULL && cg->layout != VEIL_CGROUP_V1)
        h = veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    if (h == NULL)
        veil_error_set(err, 0, "freezing needs the freezer cgroup controller, which this host "
                               "does not have");
    return h;
}

int veil_cgroup_freeze(const veil_cgroup *cg, bool frozen, veil_error **err)
{
    bool v1;
    const veil_cg_hier *h = freezer(cg, &v1, err);
    if (h == NULL)
        return -1;
    return v1 ? veil_cg_v1_freeze(h, frozen, err) : veil_cg_v2_freeze(h, frozen, err);
}

int veil_cgroup_is_frozen(const veil_cgroup *cg, bool *frozen, veil_error **err)
{
    bool v1;
    const veil_cg_hier *h = freezer(cg, &v1, err);
    if (h == NULL)
        return -1;
    return v1 ? veil_cg_v1_is_frozen(h, frozen, err) : veil_cg_v2_is_frozen(h, frozen, err);
}

int veil_cgroup_kill_all(const veil_cgroup *cg, int sig, veil_error **err)
{
    const veil_cg_hier *u = cg->layout == VEIL_CGROUP_V1 ? NULL : veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    /* cgroup.kill (Linux 5.14) kills the whole subtree at once, no race
     * with forking tasks. */
    if (sig == SIGKILL && u && veil_cg_exists(u->dir, "cgroup.kill"))
        return veil_cg_write_or_fail(u->dir, "cgroup.kill", "1", err);
    /* Frozen, nobody forks while we signal; without a freezer, best effort.
     * A paused container stays paused (the signal waits for the thaw),
     * unless the signal is SIGKILL: frozen v1 tasks die only once thawed. */
    bool v1 = false, was_frozen = false;
    const veil_cg_hier *fz = freezer(cg, &v1, NULL);
    if (fz && (v1 ? veil_cg_v1_is_frozen(fz, &was_frozen, NULL)
                  : veil_cg_v2_is_frozen(fz, &was_frozen, NULL)) < 0)
        was_frozen = false;
    bool frozen = fz && (v1 ? veil_cg_v1_freeze(fz, true, NULL) : veil_cg_v2_freeze(fz, true, NULL)) == 0;
    if (was_frozen && sig != SIGKILL)
        frozen = false; /* leave it as it was */
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    int r = veil_cgroup_pids(cg, &pids, &n, err);
    for (size_t i = 0; r == 0 && i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            r = veil_error_set(err, errno, "kill %d", (int)pids[i]);
    if (frozen) {
        veil_error *thaw_err = NULL;
        int t = v1 ? veil_cg_v1_freeze(fz, false, &thaw_err) : veil_cg_v2_freeze(fz, false, &thaw_err);
        if (t < 0 && r == 0 && err) {
            veil_error_free(*err);
            *err = steal_pointer(&thaw_err);
            r = -1;
        }
        veil_error_free(thaw_err);
    }
    return r;
}
