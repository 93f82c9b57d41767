/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1 specifics: cpuset initialisation and the freezer hierarchy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

static bool blank(const char *s)
{
    return s[strspn(s, " \n")] == '\0';
}

/*
 * A new cpuset balances its CPUs by default (cpuset.sched_load_balance 1),
 * so every write of its cpuset.cpus, and its removal, makes the kernel
 * rebuild the scheduler domains: work that walks every cpuset and their
 * tasks, growing with the number of containers on the host.  When the
 * parent balances its CPUs (the usual case: the root does), the flag of a
 * child whose CPUs are a subset of the parent's changes nothing (the
 * parent's domain already spans them; cgroup-v1/cpusets.rst, 1.7), so a
 * cpuset veil creates there is made with the flag off, before it gets any
 * CPU.  Best effort: without it only the cost differs.
 */
static void keep_out_of_sched_domains(const char *dir, const char *parent)
{
    _cleanup_free_ char *p = NULL;
    if (veil_cg_read(parent, "cpuset.sched_load_balance", &p) == 0 && p[0] == '1')
        veil_cg_write(dir, "cpuset.sched_load_balance", "0");
}

int veil_cg_v1_cpuset_init(const veil_cg_hier *h, veil_error **err)
{
    /* Walk from the mount down to the container's directory: each one with
     * an empty cpuset copies its parent's, whether veil made it or not (a
     * cpuset made by plain mkdir is empty too, and its children then accept
     * no process; runc fills those the same way).  Filled ones are left. */
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s", h->dir) >= (int)sizeof(dir))
        return veil_error_set(err, ENAMETOOLONG, "cgroup %s", h->dir);
    size_t mlen = strlen(h->mount);
    char *cuts[64];
    unsigned n = 0;
    for (char *p = dir + strlen(dir); n < 64;) {
        char *slash = p;
        while (slash >= dir + mlen && *slash != '/')
            slash--;
        if (slash < dir + mlen)
            break;
        cuts[n++] = slash;
        *slash = '\0';
        p = slash - 1;
    }
    /* dir is now the mount; restore one level at a time */
    while (n > 0) {
        char parent[4096];
        snprintf(parent, sizeof(parent), "%s", dir);
        *cuts[--n] = '/';
        /* n levels are left below this one: this one is veil's if it is
         * among the `created` last ones */
        bool made = n < h->created;
        if (made)
            keep_out_of_sched_domains(dir, parent);
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        for (size_t f = 0; f < 2; f++) {
            _cleanup_free_ char *mine = NULL, *theirs = NULL;
            /* one veil just made is empty (or, with the parent's
             * cgroup.clone_children, holds the parent's values already) */
            int e = made ? 0 : veil_cg_read(dir, files[f], &mine);
            if (e)
                return veil_error_set(err, e, "read %s/%s", dir, files[f]);
            if (mine && !blank(mine))
                continue;
            e = veil_cg_read(parent, files[f], &theirs);
            if (e)
                return veil_error_set(err, e, "read %s/%s", parent, files[f]);
            theirs[strcspn(theirs, "\n")] = '\0';
            if (*theirs && veil_cg_write_or_fail(dir, files[f], theirs, err) < 0)
                return -1;
        }
    }
    return 0;
}

static void sleep_us(long us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

static int read_state(const veil_cg_hier *h, char *buf, size_t len, veil_error **err)
{
    _cleanup_free_ char *s = NULL;
    int e = veil_cg_read(h->dir, "freezer.state", &s);
    if (e)
        return veil_error_set(err, e, "read %s/freezer.state", h->dir);
    s[strcspn(s, "\n")] = '\0';
    snprintf(buf, len, "%s", s);
    return 0;
}

int veil_cg_v1_freeze(const veil_cg_hier *h, bool frozen, veil_error **err)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    /* A task forking while the cgroup freezes can leave it FREEZING: the
     * write is repeated until the kernel reports the target state. */
    for (int i = 0; i < 4000; i++) {
        if (i % 100 == 0 && veil_cg_write_or_fail(h->dir, "freezer.state", want, err) < 0)
            return -1;
        char state[32];
        if (read_state(h, state, sizeof(state), err) < 0)
            return -1;
        if (strcmp(state, want) == 0)
            return 0;
        sleep_us(i < 100 ? 100 : 1000);
    }
    if (frozen)
        veil_cg_write(h->dir, "freezer.state", "THAWED");
    return veil_error_set(err, ETIMEDOUT, "%s %s", frozen ? "freeze" : "thaw", h->dir);
}

int veil_cg_v1_is_frozen(const veil_cg_hier *h, bool *frozen, veil_error **err)
{
    char state[32];
    if (read_state(h, state, sizeof(state), err) < 0)
        return -1;
    *frozen = strcmp(state, "FROZEN") == 0;
    return 0;
}
