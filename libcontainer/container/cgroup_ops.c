/* SPDX-License-Identifier: Apache-2.0 */
/* pause, resume and the process list: the container seen through its cgroup. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "container/internal.h"
#include "util/cleanup.h"

int veil_container_cgroup(const veil_context *ctx, const veil_state_record *rec,
                          veil_cgroup **out, veil_error **err)
{
    *out = NULL;
    if (rec->cgroup == NULL)
        return veil_error_set(err, 0,
                              "container %s has no cgroup (created with --cgroup-manager "
                              "disabled)",
                              rec->id);
    if (veil_cgroup_open(ctx, rec->cgroup, out, err) < 0)
        return veil_error_prefix(err, "container %s", rec->id);
    if (veil_cgroup_get_layout(*out) == VEIL_CGROUP_NONE) {
        veil_cgroup_free(*out);
        *out = NULL;
        return veil_error_set(err, 0, "container %s has no cgroup (cgroups were disabled)",
                              rec->id);
    }
    return 0;
}

/* Freezes (pause) or thaws (resume) with the state directory locked. */
static int set_frozen(const veil_context *ctx, const char *id, bool frozen, veil_error **err)
{
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, true, &dirfd, &rec, err) < 0)
        return -1;
    veil_status st = veil_container_status(ctx, dirfd, rec);
    veil_cgroup *cg = NULL;
    int r;
    /* runc's rules and words: created or running can pause, paused resumes */
    if (frozen && st != VEIL_STATUS_RUNNING && st != VEIL_STATUS_CREATED)
        r = veil_error_set(err, 0, "container not running");
    else if (!frozen && st != VEIL_STATUS_PAUSED)
        r = veil_error_set(err, 0, "container not paused");
    else if ((r = veil_container_cgroup(ctx, rec, &cg, err)) == 0 &&
             (r = veil_cgroup_freeze(cg, frozen, err)) < 0)
        veil_error_prefix(err, "%s container %s", frozen ? "pause" : "resume", id);
    if (r == 0)
        veil_debug(ctx, "container %s %s", id, frozen ? "paused" : "resumed");
    veil_cgroup_free(cg);
    veil_state_record_free(rec);
    close(dirfd);
    return r;
}

int veil_container_pause(const veil_context *ctx, const char *id, veil_error **err)
{
    return set_frozen(ctx, id, true, err);
}

int veil_container_resume(const veil_context *ctx, const char *id, veil_error **err)
{
    return set_frozen(ctx, id, false, err);
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

int veil_container_pids(const veil_context *ctx, const char *id, pid_t **pids, size_t *n,
                        veil_error **err)
{
    *pids = NULL;
    *n = 0;
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, false, &dirfd, &rec, err) < 0)
        return -1;
    close(dirfd);
    veil_cgroup *cg = NULL;
    int r = veil_container_cgroup(ctx, rec, &cg, err);
    veil_error *e = NULL;
    if (r == 0 && veil_cgroup_pids(cg, pids, n, &e) < 0) {
        /* a cgroup removed by hand holds no process: an empty list */
        if (e->errnum != ENOENT) {
            if (err)
                *err = steal_pointer(&e);
            r = -1;
        }
        veil_error_free(e);
    }
    if (r == 0 && *n > 1)
        qsort(*pids, *n, sizeof(**pids), cmp_pid);
    veil_cgroup_free(cg);
    veil_state_record_free(rec);
    return r;
}
