/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unified (cgroup2) tree: controllers in subtree_control along the
 * path, and the freezer (cgroup.freeze / cgroup.events).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

static uint32_t parse_controllers(const char *s)
{
    uint32_t bits = 0;
    while (*s) {
        size_t n = strcspn(s, " \n");
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            const char *name = veil_cg_v2_name((veil_cgroup_ctrl)c);
            if (name && strlen(name) == n && strncmp(name, s, n) == 0)
                bits |= VEIL_CG_BIT(c);
        }
        s += n;
        s += strspn(s, " \n");
    }
    return bits;
}

static int read_controllers(const char *dir, const char *file, uint32_t *out)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, file, &buf);
    if (e)
        return e;
    *out = parse_controllers(buf);
    return 0;
}

static int record(veil_cgroup *cg, const char *dir, uint32_t bit)
{
    for (size_t i = 0; i < cg->n_enabled; i++)
        if (strcmp(cg->enabled[i].dir, dir) == 0) {
            cg->enabled[i].ctrls |= bit;
            return 0;
        }
    veil_cg_enabled *v = realloc(cg->enabled, (cg->n_enabled + 1) * sizeof(*v));
    if (v == NULL)
        return -1;
    cg->enabled = v;
    v[cg->n_enabled].dir = strdup(dir);
    if (v[cg->n_enabled].dir == NULL)
        return -1;
    v[cg->n_enabled++].ctrls = bit;
    return 0;
}

/*
 * Which controllers of a cgroup's subtree_control veil switched on, kept
 * as an extended attribute of that cgroup, so that every veil container
 * below it (not only the one that switched them on) knows they are veil's
 * and the last one to go can switch them off.
 */
#define MARKER "trusted.veil.controllers"

/* false when the filesystem keeps no such attribute (then only the
 * container that switched a controller on undoes it) */
static bool marker_get(const char *dir, uint32_t *bits)
{
    char buf[256];
    ssize_t n = getxattr(dir, MARKER, buf, sizeof(buf) - 1);
    *bits = 0;
    if (n < 0)
        return errno == ENODATA;
    buf[n] = '\0';
    *bits = parse_controllers(buf);
    return true;
}

static void marker_set(const char *dir, uint32_t bits)
{
    if (bits == 0) {
        removexattr(dir, MARKER);
        return;
    }
    char buf[256] = "";
    size_t len = 0;
    for (int c = 0; c < VEIL_CG__COUNT; c++)
        if ((bits & VEIL_CG_BIT(c)) && veil_cg_v2_name((veil_cgroup_ctrl)c))
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
                                    veil_cg_v2_name((veil_cgroup_ctrl)c));
    setxattr(dir, MARKER, buf, strlen(buf), 0);
}

int veil_cg_v2_enable(veil_cgroup *cg, veil_cg_hier *h, uint32_t needed, uint32_t wanted,
                      veil_error **err)
{
    if ((needed | wanted) == 0)
        return 0;
    /* ancestors: the mount, then each prefix of rel short of the leaf */
    size_t k = 0;
    for (const char *p = h->rel; *p; p++)
        k += *p == '/';
    char dir[4096];
    size_t mlen = strlen(h->mount);
    if (mlen + strlen(h->rel) >= sizeof(dir))
        return veil_error_set(err, ENAMETOOLONG, "cgroup %s", h->rel);
    memcpy(dir, h->mount, mlen + 1);
    const char *next = h->rel;
    for (size_t i = 0; i < k; i++) {
        if (i > 0) {
            /* extend dir by the next component of rel */
            const char *end = strchr(next + 1, '/');
            size_t n = end ? (size_t)(end - next) : strlen(next);
            memcpy(dir + mlen, next, n);
            mlen += n;
            dir[mlen] = '\0';
            next += n;
        }
        uint32_t avail = 0, on = 0;
        int e = read_controllers(dir, "cgroup.controllers", &avail);
        if (e == 0)
            e = read_controllers(dir, "cgroup.subtree_control", &on);
        if (e)
            return veil_error_set(err, e, "read the controllers of %s", dir);
        uint32_t missing_needed = needed & ~avail;
        if (missing_needed) {
            for (int c = 0; c < VEIL_CG__COUNT; c++)
                if (missing_needed & VEIL_CG_BIT(c))
                    return veil_error_set(err, 0,
                                          "the %s controller is not available in %s (not in its "
                                          "cgroup.controllers)",
                                          veil_cg_v2_name((veil_cgroup_ctrl)c), dir);
        }
        /* ancestor i ends with component i-1; components k-created.. were
         * created by veil and are removed with the container anyway */
        bool existed = i + h->created <= k;
        uint32_t marked = 0;
        if (existed)
            marker_get(dir, &marked);
        uint32_t mine = marked;
        /* a cgroup that was there before gets only what the settings need */
        uint32_t todo = (needed | (existed ? 0 : wanted & avail)) & ~on;
        /* on already, by another veil container: this one shares the undo */
        uint32_t shared = (needed | wanted) & on & marked;
        for (int c = 0; c < VEIL_CG__COUNT; c++)
            if ((shared & VEIL_CG_BIT(c)) && record(cg, dir, VEIL_CG_BIT(c)) < 0)
                return veil_error_set(err, ENOMEM, "cgroup");
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            if (!(todo & VEIL_CG_BIT(c)))
                continue;
            char cmd[32];
            snprintf(cmd, sizeof(cmd), "+%s", veil_cg_v2_name((veil_cgroup_ctrl)c));
            e = veil_cg_write(dir, "cgroup.subtree_control", cmd);
            if (e) {
                if (needed & VEIL_CG_BIT(c))
                    return veil_cg_write_error(err, e, dir, "cgroup.subtree_control", cmd);
                continue; /* wanted only: stats will lack it, limits did not ask for it */
            }
            if (existed && record(cg, dir, VEIL_CG_BIT(c)) < 0)
                return veil_error_set(err, ENOMEM, "cgroup");
            mine |= VEIL_CG_BIT(c);
        }
        if (existed && mine != marked)
            marker_set(dir, mine);
    }
    return 0;
}

/* Whether dir has a child cgroup other than `except` (a name, or NULL). */
static bool has_other_child(const char *dir, const char *except)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    if (d == NULL)
        return true; /* cannot tell: leave it alone */
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (except && strcmp(de->d_name, except) == 0)
            continue;
        return true;
    }
    return false;
}

void veil_cg_v2_disable(veil_cgroup *cg)
{
    /* Deepest first: a parent cannot drop a controller a child still enables. */
    for (size_t i = cg->n_enabled; i-- > 0;) {
        veil_cg_enabled *en = &cg->enabled[i];
        /* The child on the container's path is either gone or was itself
         * cleaned just before; any other child may rely on the controller. */
        const char *except = NULL;
        if (i + 1 < cg->n_enabled) {
            const char *deeper = cg->enabled[i + 1].dir;
            size_t n = strlen(en->dir);
            if (strncmp(deeper, en->dir, n) == 0 && deeper[n] == '/' && !strchr(deeper + n + 1, '/'))
                except = deeper + n + 1;
        }
        if (has_other_child(en->dir, except))
            continue;
        uint32_t marked;
        bool kept = marker_get(en->dir, &marked);
        if (!kept)
            marked = en->ctrls; /* no attribute support: our own record decides */
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            if (!(en->ctrls & VEIL_CG_BIT(c)))
                continue;
            en->ctrls &= ~VEIL_CG_BIT(c);
            if (!(marked & VEIL_CG_BIT(c)))
                continue; /* switched off meanwhile by another veil container */
            char cmd[32];
            snprintf(cmd, sizeof(cmd), "-%s", veil_cg_v2_name((veil_cgroup_ctrl)c));
            if (veil_cg_write(en->dir, "cgroup.subtree_control", cmd) == 0)
                marked &= ~VEIL_CG_BIT(c);
        }
        if (kept)
            marker_set(en->dir, marked);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int veil_cg_v2_freeze(const veil_cg_hier *h, bool frozen, veil_error **err)
{
    if (veil_cg_write_or_fail(h->dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    /* The kernel says "frozen 1" once every task has stopped. */
    for (int i = 0; i < 5000; i++) {
        uint64_t state = 0;
        int e = veil_cg_read_key(h->dir, "cgroup.events", "frozen", &state);
        if (e)
            return veil_error_set(err, e, "read %s/cgroup.events", h->dir);
        if ((state == 1) == frozen)
            return 0;
        sleep_ms(1);
    }
    if (frozen)
        veil_cg_write(h->dir, "cgroup.freeze", "0");
    return veil_error_set(err, ETIMEDOUT, "%s %s", frozen ? "freeze" : "thaw", h->dir);
}

int veil_cg_v2_is_frozen(const veil_cg_hier *h, bool *frozen, veil_error **err)
{
    uint64_t v = 0;
    int e = veil_cg_read_u64(h->dir, "cgroup.freeze", &v);
    if (e)
        return veil_error_set(err, e, "read %s/cgroup.freeze", h->dir);
    *frozen = v == 1;
    return 0;
}
