/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing cgroup files, and turning the kernel's terse errno
 * into a message that says which file, which value, and the likely cause.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/errtext.h"

static int path_of(char *buf, size_t len, const char *dir, const char *file)
{
    int n = snprintf(buf, len, "%s/%s", dir, file);
    return n < 0 || (size_t)n >= len ? ENAMETOOLONG : 0;
}

static int write_line(int fd, const char *s, size_t len)
{
    /* one write(2) per value: cgroup files parse each write on its own */
    ssize_t w = write(fd, s, len);
    if (w < 0)
        return errno;
    return (size_t)w == len ? 0 : EIO;
}

int veil_cg_open_write(const char *dir, const char *file, int *fd)
{
    char path[PATH_MAX];
    int r = path_of(path, sizeof(path), dir, file);
    if (r)
        return r;
    *fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    return *fd < 0 ? errno : 0;
}

int veil_cg_write_fd(int fd, const char *value)
{
    return write_line(fd, value, strlen(value));
}

int veil_cg_write(const char *dir, const char *file, const char *value)
{
    char path[PATH_MAX];
    int r = path_of(path, sizeof(path), dir, file);
    if (r)
        return r;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno;
    const char *s = value;
    do {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        /* an empty line in a multi-line value carries nothing */
        if (len > 0 || s == value) {
            r = write_line(fd, s, len);
            if (r)
                return r;
        }
        s = nl ? nl + 1 : NULL;
    } while (s && *s);
    return 0;
}

int veil_cg_read(const char *dir, const char *file, char **out)
{
    char path[PATH_MAX];
    int r = path_of(path, sizeof(path), dir, file);
    if (r)
        return r;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno;
    size_t cap = 4096, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (buf == NULL)
        return ENOMEM;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= (64u << 20))
                return EFBIG;
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL)
                return ENOMEM;
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = steal_pointer(&buf);
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncmp(s, "max", 3) == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    char *end;
    errno = 0;
    /* v1 reports "no limit" as -1 in some files */
    if (*s == '-') {
        long long v = strtoll(s, &end, 10);
        if (errno || end == s)
            return EINVAL;
        *out = v < 0 ? UINT64_MAX : (uint64_t)v;
        return 0;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return EINVAL;
    *out = v;
    return 0;
}

int veil_cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
    _cleanup_free_ char *buf = NULL;
    int r = veil_cg_read(dir, file, &buf);
    if (r)
        return r;
    return parse_u64(buf, out);
}

int veil_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
    _cleanup_free_ char *buf = NULL;
    int r = veil_cg_read(dir, file, &buf);
    if (r)
        return r;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return parse_u64(line + klen + 1, out);
        line = nl ? nl + 1 : NULL;
    }
    return ENOENT;
}

bool veil_cg_exists(const char *dir, const char *file)
{
    char path[PATH_MAX];
    if (path_of(path, sizeof(path), dir, file))
        return false;
    return access(path, F_OK) == 0;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_memory_limit(const char *file)
{
    return strcmp(file, "memory.limit_in_bytes") == 0 ||
           strcmp(file, "memory.memsw.limit_in_bytes") == 0 || strcmp(file, "memory.max") == 0 ||
           strcmp(file, "memory.high") == 0 || starts(file, "memory.kmem.");
}

/* The likely cause of errno e for this file, for the user to act on. */
static const char *cause(int e, const char *file)
{
    bool cpu_bw = starts(file, "cpu.cfs_") || starts(file, "cpu.max");
    bool rt = starts(file, "cpu.rt_");
    bool procs = strcmp(file, "cgroup.procs") == 0 || strcmp(file, "tasks") == 0;
    bool subtree = strcmp(file, "cgroup.subtree_control") == 0;
    switch (e) {
    case EBUSY:
        if (is_memory_limit(file))
            return "the limit is below the current memory usage of the cgroup";
        if (subtree)
            return "the cgroup has processes of its own (cgroup v2 allows controllers only "
                   "above leaf cgroups), or a child cgroup still uses the controller";
        if (procs)
            return "the target has controllers enabled for child cgroups; cgroup v2 puts "
                   "processes only in leaf cgroups";
        if (starts(file, "cpuset."))
            return "a child cgroup uses CPUs or memory nodes that the new value removes";
        return "the cgroup is in use";
    case EINVAL:
        if (strcmp(file, "memory.memsw.limit_in_bytes") == 0)
            return "memory+swap must be at least the memory limit";
        if (strcmp(file, "memory.limit_in_bytes") == 0)
            return "the memory limit must not exceed memory.memsw.limit_in_bytes";
        if (cpu_bw)
            return "period must be 1ms..1s and quota at least 1ms; burst must not exceed the "
                   "quota; or a parent's CPU bandwidth limit is lower";
        if (rt)
            return "the real-time runtime exceeds what the parent cgroup grants "
                   "(its cpu.rt_runtime_us), or is longer than the period";
        if (starts(file, "cpuset."))
            return "the CPUs or memory nodes are offline or not all in the parent's cpuset";
        if (starts(file, "devices."))
            return "malformed device rule, or \"allow all\" under a restricted parent";
        if (procs)
            return "not a valid process id";
        if (subtree)
            return "unknown controller, or one the parent does not enable";
        if (strcmp(file, "cpu.shares") == 0 || strcmp(file, "cpu.weight") == 0)
            return "value out of range";
        return "the kernel does not accept this value (out of range or malformed)";
    case ENOSPC:
        if (procs)
            return "the cgroup's cpuset is empty (cpuset.cpus or cpuset.mems has no entry)";
        return "a limit of the cgroup or of an ancestor is exhausted";
    case EACCES:
    case EPERM:
        if (starts(file, "devices."))
            return "a parent cgroup does not allow these devices, or veil lacks "
                   "CAP_SYS_ADMIN";
        return "not permitted: this needs root, or write access to a delegated cgroup";
    case ENOENT:
        if (strcmp(file, "memory.memsw.limit_in_bytes") == 0 ||
            strcmp(file, "memory.swap.max") == 0)
            return "swap accounting is disabled in this kernel (boot with swapaccount=1)";
        if (starts(file, "hugetlb."))
            return "this host has no huge pages of that size";
        if (starts(file, "blkio.leaf_weight"))
            return "leaf weights existed only with the CFQ I/O scheduler (gone since Linux 5.0)";
        if (strcmp(file, "cpu.idle") == 0 || starts(file, "cpu.cfs_burst") ||
            starts(file, "cpu.max.burst"))
            return "this kernel is too old for the setting";
        if (rt)
            return "the kernel is built without real-time group scheduling "
                   "(CONFIG_RT_GROUP_SCHED)";
        return "the kernel lacks this setting, or the controller is not enabled for this "
               "cgroup";
    case EOPNOTSUPP:
        if (strstr(file, "bfq"))
            return "per-device weights need the BFQ I/O scheduler on that device";
        return "the kernel does not support this setting";
    case ENODEV:
        return "no such block device (check major:minor)";
    case ERANGE:
        if (starts(file, "cpuset."))
            return "CPU or memory node numbers beyond what this host has";
        return "value out of range";
    case ESRCH:
        return "the process has exited";
    }
    return NULL;
}

int veil_cg_write_error(veil_error **err, int e, const char *dir, const char *file,
                        const char *value)
{
    char why[192];
    const char *c = cause(e, file);
    if (e == EBUSY && is_memory_limit(file)) {
        /* Say how far off the limit is. */
        uint64_t usage;
        const char *uf = strcmp(file, "memory.max") == 0 || strcmp(file, "memory.high") == 0
                             ? "memory.current"
                             : "memory.usage_in_bytes";
        if (veil_cg_read_u64(dir, uf, &usage) == 0) {
            snprintf(why, sizeof(why), "%s: %" PRIu64 " bytes", c, usage);
            c = why;
        }
    }
    int nl = (int)strcspn(value, "\n");
    veil_error_set(err, 0, "write %s = %.*s in %s: %s%s%s%s", file, nl, value, dir, veil_strerror(e),
                   c ? " (" : "", c ? c : "", c ? ")" : "");
    if (err && *err)
        (*err)->errnum = e;
    return -1;
}

int veil_cg_write_or_fail(const char *dir, const char *file, const char *value, veil_error **err)
{
    int e = veil_cg_write(dir, file, value);
    return e ? veil_cg_write_error(err, e, dir, file, value) : 0;
}
