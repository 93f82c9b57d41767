/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OOM notifications for a container cgroup (`veil events`): on v1 an
 * eventfd registered on memory.oom_control through cgroup.event_control
 * (the kernel also signals it when the cgroup goes away); on v2 an inotify
 * watch on memory.events and cgroup.events (populated, frozen changes).
 * The oom_kill counters of memory.oom_control / memory.events tell an OOM
 * kill from the other reasons for a notification.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

struct veil_cgroup_oom {
    bool v2;
    char *dir;
    int fd;      /* eventfd (v1) or inotify (v2) */
    int control; /* v1: memory.oom_control, open while registered */
    uint64_t kills; /* oom_kill counted so far */
    bool under;     /* v1: under_oom (the OOM killer disabled, tasks waiting) */
};

void veil_cgroup_oom_free(veil_cgroup_oom *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->control >= 0)
        close(w->control);
    free(w->dir);
    free(w);
}

/* The kernel counts OOM kills (v1: memory.oom_control, v2: memory.events);
 * v1 also says when tasks wait because the OOM killer is disabled. */
static void counters(const veil_cgroup_oom *w, uint64_t *kills, bool *under)
{
    uint64_t u = 0;
    *kills = 0;
    veil_cg_read_key(w->dir, w->v2 ? "memory.events" : "memory.oom_control", "oom_kill", kills);
    if (!w->v2)
        veil_cg_read_key(w->dir, "memory.oom_control", "under_oom", &u);
    *under = u != 0;
}

static int open_v1(veil_cgroup_oom *w, veil_error **err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/memory.oom_control", w->dir);
    w->control = open(path, O_RDONLY | O_CLOEXEC);
    if (w->control < 0)
        return veil_error_set(err, errno, "open %s", path);
    w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->fd < 0)
        return veil_error_set(err, errno, "eventfd");
    char line[64];
    snprintf(line, sizeof(line), "%d %d", w->fd, w->control);
    int e = veil_cg_write(w->dir, "cgroup.event_control", line);
    if (e)
        return veil_error_set(err, e, "register for OOM notifications in %s/cgroup.event_control",
                              w->dir);
    counters(w, &w->kills, &w->under);
    return 0;
}

static int open_v2(veil_cgroup_oom *w, veil_error **err)
{
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0)
        return veil_error_set(err, errno, "inotify_init1");
    static const char *const files[] = {"memory.events", "cgroup.events"};
    for (size_t i = 0; i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", w->dir, files[i]);
        if (inotify_add_watch(w->fd, path, IN_MODIFY) < 0)
            return veil_error_set(err, errno, "watch %s", path);
    }
    counters(w, &w->kills, &w->under);
    return 0;
}

int veil_cgroup_oom_open(const veil_cgroup *cg, veil_cgroup_oom **out, veil_error **err)
{
    *out = NULL;
    bool v2 = cg->layout == VEIL_CGROUP_V2;
    const veil_cg_hier *h = NULL;
    if (cg->layout == VEIL_CGROUP_V1 || cg->layout == VEIL_CGROUP_HYBRID)
        h = veil_cg_hier_of(cg, VEIL_CG_MEMORY);
    else if (v2)
        h = veil_cg_hier_of(cg, VEIL_CG_UNIFIED);
    if (h == NULL || (v2 && !veil_cg_exists(h->dir, "memory.events")))
        return veil_error_set(err, 0, "no OOM notifications: the container's cgroup has no "
                                      "memory controller");
    veil_cgroup_oom *w = calloc(1, sizeof(*w));
    if (w == NULL || (w->dir = strdup(h->dir)) == NULL) {
        free(w);
        return veil_error_set(err, ENOMEM, "OOM notifications");
    }
    w->v2 = v2;
    w->fd = w->control = -1;
    if ((v2 ? open_v2(w, err) : open_v1(w, err)) < 0) {
        veil_cgroup_oom_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

int veil_cgroup_oom_fd(const veil_cgroup_oom *w)
{
    return w->fd;
}

/* One event per OOM episode: the kernel signals many times while a cgroup
 * is out of memory, the kill counter moves once per kill. */
static int episode(veil_cgroup_oom *w)
{
    uint64_t kills;
    bool under;
    counters(w, &kills, &under);
    int event = kills > w->kills || (under && !w->under);
    w->kills = kills;
    w->under = under;
    return event;
}

int veil_cgroup_oom_read(veil_cgroup_oom *w, bool *gone, veil_error **err)
{
    *gone = false;
    if (!w->v2) {
        uint64_t n = 0;
        if (read(w->fd, &n, sizeof(n)) != sizeof(n))
            return errno == EAGAIN ? 0 : veil_error_set(err, errno, "read the OOM eventfd");
        /* the kernel signals the eventfd when the cgroup is removed, too */
        if (!veil_cg_exists(w->dir, "cgroup.event_control")) {
            *gone = true;
            return 0;
        }
        return episode(w);
    }
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t r = read(w->fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EAGAIN: drained */
    }
    if (access(w->dir, F_OK) < 0) {
        *gone = true;
        return 0;
    }
    return episode(w);
}
