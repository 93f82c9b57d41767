/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events: statistics every interval and OOM notifications, until the
 * container has no process left.  The state directory is not kept locked
 * meanwhile (delete must work while someone watches).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "container/internal.h"
#include "util/cleanup.h"

struct veil_events {
    const veil_context *ctx;
    char *id;
    veil_cgroup *cg;
    veil_cgroup_oom *oom; /* NULL: no OOM notifications */
    int pidfd;            /* init; -1 once it has exited */
    int timerfd;
    uint64_t interval;    /* of the armed timer */
};

void veil_events_free(veil_events *ev)
{
    if (ev == NULL)
        return;
    veil_cgroup_oom_free(ev->oom);
    veil_cgroup_free(ev->cg);
    if (ev->pidfd >= 0)
        close(ev->pidfd);
    if (ev->timerfd >= 0)
        close(ev->timerfd);
    free(ev->id);
    free(ev);
}

static void free_events(veil_events **ev)
{
    veil_events_free(*ev);
}

int veil_events_open(const veil_context *ctx, const char *id, veil_events **out,
                     veil_error **err)
{
    *out = NULL;
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, false, &dirfd, &rec, err) < 0)
        return -1;
    veil_status st = veil_container_status(ctx, dirfd, rec);
    close(dirfd);
    __attribute__((cleanup(free_events))) veil_events *ev = calloc(1, sizeof(*ev));
    int r = 0;
    if (ev == NULL || (ev->id = strdup(id)) == NULL) {
        r = veil_error_set(err, ENOMEM, "events");
    } else {
        ev->ctx = ctx;
        ev->pidfd = ev->timerfd = -1;
        if (st == VEIL_STATUS_STOPPED)
            r = veil_error_set(err, 0, "container with id %s is not running", id);
        else
            r = veil_container_cgroup(ctx, rec, &ev->cg, err);
    }
    if (r == 0) {
        /* pinned now, the pid cannot be reused under us */
        ev->pidfd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
        if (ev->pidfd >= 0 && !veil_proc_is_alive(rec->pid, rec->pid_start_time)) {
            close(ev->pidfd);
            ev->pidfd = -1;
        }
        veil_error *e = NULL;
        if (veil_cgroup_oom_open(ev->cg, &ev->oom, &e) < 0) {
            veil_log(ctx, VEIL_LOG_WARNING, "events %s: %s", id, e->msg);
            veil_error_free(e);
        }
    }
    veil_state_record_free(rec);
    if (r < 0)
        return -1;
    *out = steal_pointer(&ev);
    return 0;
}

char *veil_events_stats(veil_events *ev, veil_error **err)
{
    veil_cgroup_stats st;
    if (veil_cgroup_stats_get(ev->cg, &st, err) < 0)
        return NULL;
    char *json = veil_stats_event_json(ev->id, &st, err);
    veil_cgroup_stats_clear(&st);
    return json;
}

static int arm_timer(veil_events *ev, uint64_t interval, veil_error **err)
{
    if (ev->timerfd >= 0 && ev->interval == interval)
        return 0;
    if (ev->timerfd < 0 &&
        (ev->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
        return veil_error_set(err, errno, "timerfd_create");
    struct timespec ts = {.tv_sec = (time_t)(interval / 1000000000u),
                          .tv_nsec = (long)(interval % 1000000000u)};
    struct itimerspec its = {.it_interval = ts, .it_value = ts};
    if (timerfd_settime(ev->timerfd, 0, &its, NULL) < 0)
        return veil_error_set(err, errno, "timerfd_settime");
    ev->interval = interval;
    return 0;
}

/* No process left in the container's cgroup (or the cgroup is gone). */
static bool empty(const veil_events *ev)
{
    pid_t *pids = NULL;
    size_t n = 0;
    veil_error *e = NULL;
    bool none = veil_cgroup_pids(ev->cg, &pids, &n, &e) < 0 ? e->errnum == ENOENT : n == 0;
    veil_error_free(e);
    free(pids);
    return none;
}

int veil_events_next(veil_events *ev, uint64_t interval_ns, char **json, veil_error **err)
{
    *json = NULL;
    if (interval_ns == 0)
        return veil_error_set(err, 0, "duration interval must be greater than 0");
    if (arm_timer(ev, interval_ns, err) < 0)
        return -1;
    for (;;) {
        /* an OOM first: it is often what ended the container */
        if (ev->oom) {
            bool gone = false;
            int r = veil_cgroup_oom_read(ev->oom, &gone, err);
            if (r < 0)
                return -1;
            if (r > 0)
                return (*json = veil_oom_event_json(ev->id, err)) ? 1 : -1;
            if (gone)
                return 0;
        }
        /* once init has exited, the container ends with its last process */
        if (ev->pidfd < 0 && empty(ev))
            return 0;
        struct pollfd p[3] = {
            {.fd = ev->timerfd, .events = POLLIN},
            {.fd = ev->oom ? veil_cgroup_oom_fd(ev->oom) : -1, .events = POLLIN},
            {.fd = ev->pidfd, .events = POLLIN},
        };
        int n = poll(p, 3, ev->pidfd < 0 ? 100 : -1);
        if (n < 0 && errno != EINTR)
            return veil_error_set(err, errno, "poll");
        if (n <= 0)
            continue;
        if (p[2].revents) {
            close(ev->pidfd);
            ev->pidfd = -1;
            continue; /* an OOM kill of init must be reported before the end */
        }
        if (p[0].revents & POLLIN) {
            uint64_t ticks;
            if (read(ev->timerfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
                return veil_error_set(err, errno, "read the timer");
            veil_error *e = NULL;
            *json = veil_events_stats(ev, &e);
            if (*json)
                return 1;
            if (e->errnum == ENOENT && ev->pidfd < 0) {
                veil_error_free(e); /* removed meanwhile: the container is gone */
                return 0;
            }
            if (err)
                *err = e;
            else
                veil_error_free(e);
            return -1;
        }
    }
}
