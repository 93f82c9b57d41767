/* SPDX-License-Identifier: Apache-2.0 */
/* User namespace id maps, written by the runtime for init. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int format_map(const veil_idmap_list *m, char *buf, size_t cap)
{
    size_t off = 0;
    for (size_t i = 0; i < m->n; i++) {
        int n = snprintf(buf + off, cap - off, "%u %u %u\n", m->items[i].container_id,
                         m->items[i].host_id, m->items[i].size);
        if (n < 0 || (size_t)n >= cap - off)
            return -1;
        off += (size_t)n;
    }
    return (int)off;
}

static int write_map(int procfd, pid_t pid, const char *file, const veil_idmap_list *m,
                     veil_error **err)
{
    char buf[4096], rel[64];
    int len = format_map(m, buf, sizeof(buf));
    if (len < 0)
        return veil_error_set(err, E2BIG, "%s: too many mappings", file);
    if (len == 0)
        return 0;
    snprintf(rel, sizeof(rel), "%d/%s", (int)pid, file);
    if (veil_procfs_write(procfd, rel, buf, (size_t)len, err) < 0)
        return veil_error_prefix(err, "write the user namespace %s", file);
    return 0;
}

int veil_idmap_write(pid_t pid, const veil_plan *plan, veil_error **err)
{
    /* the host's /proc, verified: the writes cannot land anywhere else */
    _cleanup_close_ int procfd = veil_procfs_root(AT_FDCWD, "/proc", err);
    if (procfd < 0)
        return veil_error_prefix(err, "write the user namespace maps");
    if (write_map(procfd, pid, "uid_map", &plan->uid_mappings, err) < 0)
        return -1;
    /* Unprivileged writers must deny setgroups before gid_map; as root we
     * leave it allowed so that additionalGids work. */
    if (geteuid() != 0) {
        char rel[64];
        snprintf(rel, sizeof(rel), "%d/setgroups", (int)pid);
        veil_error *e = NULL;
        if (veil_procfs_write(procfd, rel, "deny", 4, &e) < 0 && e->errnum != ENOENT) {
            *err = e;
            return veil_error_prefix(err, "write the user namespace setgroups");
        }
        veil_error_free(e);
    }
    return write_map(procfd, pid, "gid_map", &plan->gid_mappings, err);
}
