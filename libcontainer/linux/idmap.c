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

static int write_map(int piddir, const char *file, const veil_idmap_list *m, veil_error **err)
{
    char buf[4096];
    int len = format_map(m, buf, sizeof(buf));
    if (len < 0)
        return veil_error_set(err, E2BIG, "%s: too many mappings", file);
    if (len == 0)
        return 0;
    if (veil_fs_write_at(piddir, file, buf, (size_t)len, err) < 0)
        return veil_error_prefix(err, "write the user namespace %s", file);
    return 0;
}

int veil_idmap_write(pid_t pid, const veil_plan *plan, veil_error **err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    _cleanup_close_ int piddir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (piddir < 0)
        return veil_error_set(err, errno, "open %s", path);
    if (write_map(piddir, "uid_map", &plan->uid_mappings, err) < 0)
        return -1;
    /* Unprivileged writers must deny setgroups before gid_map; as root we
     * leave it allowed so that additionalGids work. */
    if (geteuid() != 0 &&
        veil_fs_write_at(piddir, "setgroups", "deny", 4, err) < 0 && errno != ENOENT)
        return veil_error_prefix(err, "write the user namespace setgroups");
    return write_map(piddir, "gid_map", &plan->gid_mappings, err);
}
