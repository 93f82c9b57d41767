/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a process exec'd into a running container goes: the container's
 * cgroup in every hierarchy, or sub-cgroups of it (runc's `exec --cgroup`).
 * A sub-cgroup is opened beneath the container's directory (no "..", no
 * symlink, no other mount), so a name cannot lead out of the container's
 * cgroup; the process is then written through that directory fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/path.h"

struct veil_cgroup_target {
    const veil_cgroup *cg;
    int fd[VEIL_CG__COUNT];   /* per hierarchy of cg: the sub-cgroup, or -1 for cg's own */
    char *sub[VEIL_CG__COUNT]; /* its name, for messages */
    int v2_fd;                /* pure v2: what CLONE_INTO_CGROUP gets (borrowed); else -1 */
};

void veil_cgroup_target_free(veil_cgroup_target *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < VEIL_CG__COUNT; i++) {
        if (t->fd[i] >= 0)
            close(t->fd[i]);
        free(t->sub[i]);
    }
    free(t);
}

/* "a//b/./c/" -> "a/b/c"; "" when it names the container's cgroup itself;
 * ".." refused. */
static int clean_sub(const char *in, const char *arg, char **out, veil_error **err)
{
    if (veil_path_has_dotdot(in))
        return veil_error_set(err, 0, "invalid --cgroup \"%s\": \"..\" components are not allowed",
                              arg);
    _cleanup_free_ char *abs = veil_path_clean_abs(in);
    if (abs == NULL || (*out = strdup(abs + 1)) == NULL)
        return veil_error_set(err, ENOMEM, "--cgroup");
    return 0;
}

static int ctrl_from_name(const char *name, size_t len, veil_cgroup_ctrl *out)
{
    for (int c = 0; c < VEIL_CG__COUNT; c++) {
        const char *n = veil_cgroup_ctrl_name((veil_cgroup_ctrl)c);
        if (n && strlen(n) == len && strncmp(n, name, len) == 0) {
            *out = (veil_cgroup_ctrl)c;
            return 0;
        }
    }
    if ((len == 7 && strncmp(name, "systemd", 7) == 0) ||
        (len == 12 && strncmp(name, "name=systemd", 12) == 0)) {
        *out = VEIL_CG_SYSTEMD;
        return 0;
    }
    return -1;
}

static int open_beneath(int dirfd, const char *rel)
{
    struct open_how how = {
        .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                   RESOLVE_NO_XDEV,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS)
        /* no ".." is left and cgroupfs has no symlinks: a plain walk stays below */
        fd = openat(dirfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    return fd;
}

/* Sets the sub-cgroup of hierarchy i. */
static int set_sub(veil_cgroup_target *t, size_t i, const char *sub, const char *arg,
                   veil_error **err)
{
    const veil_cg_hier *h = &t->cg->h[i];
    if (t->sub[i])
        return veil_error_set(err, 0, "invalid --cgroup \"%s\": the cgroup of %s is given twice",
                              arg, h->mount);
    if ((t->sub[i] = strdup(sub)) == NULL)
        return veil_error_set(err, ENOMEM, "--cgroup");
    if (*sub == '\0')
        return 0; /* the container's own cgroup */
    _cleanup_close_ int base = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (base < 0)
        return veil_error_set(err, errno, "open the container's cgroup %s", h->dir);
    t->fd[i] = open_beneath(base, sub);
    if (t->fd[i] < 0)
        return veil_error_set(err, errno, "--cgroup \"%s\": open the sub-cgroup %s/%s", arg,
                              h->dir, sub);
    return 0;
}

static int add_arg(veil_cgroup_target *t, const char *arg, size_t n_args, veil_error **err)
{
    const veil_cgroup *cg = t->cg;
    const char *colon = strchr(arg, ':');
    _cleanup_free_ char *sub = NULL;
    if (clean_sub(colon ? colon + 1 : arg, arg, &sub, err) < 0)
        return -1;
    if (colon == NULL) {
        if (n_args != 1)
            return veil_error_set(err, 0,
                                  "invalid --cgroup \"%s\": give CONTROLLER:PATH when more than "
                                  "one --cgroup is given",
                                  arg);
        for (size_t i = 0; i < cg->n; i++)
            if (set_sub(t, i, sub, arg, err) < 0)
                return -1;
        return 0;
    }
    if (cg->layout == VEIL_CGROUP_V2)
        return veil_error_set(err, 0,
                              "invalid --cgroup \"%s\": a controller prefix needs cgroup v1 "
                              "(this host has a single cgroup v2 hierarchy)",
                              arg);
    for (const char *p = arg; p < colon;) {
        size_t len = strcspn(p, ",:");
        veil_cgroup_ctrl c;
        if (len == 0 || ctrl_from_name(p, len, &c) < 0)
            return veil_error_set(err, 0, "invalid --cgroup \"%s\": unknown controller \"%.*s\"",
                                  arg, (int)len, p);
        const veil_cg_hier *h = veil_cg_hier_of(cg, c);
        if (h == NULL)
            return veil_error_set(err, 0,
                                  "invalid --cgroup \"%s\": the container has no %.*s cgroup", arg,
                                  (int)len, p);
        /* co-mounted controllers share one directory: naming both is fine */
        size_t i = (size_t)(h - cg->h);
        if (!(t->sub[i] && strcmp(t->sub[i], sub) == 0) && set_sub(t, i, sub, arg, err) < 0)
            return -1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

int veil_cgroup_target_open(const veil_cgroup *cg, const char *const *subs, size_t n,
                            veil_cgroup_target **out, veil_error **err)
{
    veil_cgroup_target *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return veil_error_set(err, ENOMEM, "cgroup");
    t->cg = cg;
    t->v2_fd = -1;
    for (int i = 0; i < VEIL_CG__COUNT; i++)
        t->fd[i] = -1;
    for (size_t k = 0; k < n; k++) {
        if (cg->layout == VEIL_CGROUP_NONE || cg->n == 0) {
            veil_cgroup_target_free(t);
            return veil_error_set(err, 0, "--cgroup: the container has no cgroup");
        }
        if (add_arg(t, subs[k], n, err) < 0) {
            veil_cgroup_target_free(t);
            return -1;
        }
    }
    if (cg->layout == VEIL_CGROUP_V2)
        t->v2_fd = t->fd[0] >= 0 ? t->fd[0] : veil_cgroup_v2_fd(cg);
    *out = t;
    return 0;
}

int veil_cgroup_target_v2_fd(const veil_cgroup_target *t)
{
    return t->v2_fd;
}

bool veil_cgroup_target_has_sub(const veil_cgroup_target *t)
{
    for (int i = 0; i < VEIL_CG__COUNT; i++)
        if (t->fd[i] >= 0)
            return true;
    return false;
}

int veil_cgroup_target_add_pid(const veil_cgroup_target *t, pid_t pid, veil_error **err)
{
    char buf[24];
    int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
    const veil_cgroup *cg = t->cg;
    for (size_t i = 0; i < cg->n; i++) {
        if (t->fd[i] < 0) {
            if (veil_cg_write_or_fail(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
                return -1;
            continue;
        }
        _cleanup_close_ int fd = openat(t->fd[i], "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || write(fd, buf, (size_t)len) != len)
            return veil_error_set(err, errno, "add process %d to the sub-cgroup %s/%s", (int)pid,
                                  cg->h[i].dir, t->sub[i]);
    }
    return 0;
}

int veil_cgroup_v2_fd_of(pid_t pid, veil_error **err)
{
    char file[64];
    snprintf(file, sizeof(file), "/proc/%d", (int)pid);
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(file, "cgroup", &buf);
    if (e)
        return veil_error_set(err, e, "read /proc/%d/cgroup", (int)pid);
    /* the unified hierarchy's line is "0::/path" */
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, "0::/", 4) == 0) {
            char path[4096];
            snprintf(path, sizeof(path), "%s%s", VEIL_CGROUP_ROOT, line + 3);
            int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0)
                return veil_error_set(err, errno, "open the cgroup %s of process %d", path,
                                      (int)pid);
            return fd;
        }
        line = nl ? nl + 1 : NULL;
    }
    return veil_error_set(err, ENOENT, "process %d has no cgroup v2 path", (int)pid);
}

int veil_cgroup_target_entry_open(const veil_cgroup_target *t, veil_cgroup_entry *e,
                                  veil_error **err)
{
    veil_cgroup_entry_init(e);
    const veil_cgroup *cg = t->cg;
    if (cg->layout == VEIL_CGROUP_NONE)
        return 0;
    for (size_t i = 0; i < cg->n; i++)
        if (veil_cg_entry_add(e, &cg->h[i], t->fd[i], cg->h[i].dir, err) < 0) {
            veil_cgroup_entry_close(e);
            return -1;
        }
    return 0;
}
