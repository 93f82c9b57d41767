/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <veil/container.h>

#include "cli.h"
#include "util/cleanup.h"

static const cli_command update_cmd = {
    .name = "update",
    .args_usage = "[command options] <container-id>",
    .summary = "update container resource constraints",
    .description =
        "   Changes the limits of a container that has not stopped.  Only the values\n"
        "   given are written.  --resources reads a linux.resources document (as in\n"
        "   config.json; \"-\" reads standard input) and then the other flags are\n"
        "   ignored.  Memory sizes take units (\"256m\", \"1g\") or -1 for no limit.\n"
        "   The new values are recorded in the container's state.",
};

/* The whole of fd, at most 16 MiB (a resources document is small). */
static char *read_all(int fd, const char *name, size_t *len, veil_error **err)
{
    size_t cap = 4096, n = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (buf == NULL) {
        veil_error_set(err, ENOMEM, "read %s", name);
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= (16u << 20)) {
                veil_error_set(err, EFBIG, "read %s", name);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                veil_error_set(err, ENOMEM, "read %s", name);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            veil_error_set(err, errno, "read %s", name);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return steal_pointer(&buf);
}

static char *read_resources(const char *path, size_t *len, veil_error **err)
{
    if (strcmp(path, "-") == 0)
        return read_all(STDIN_FILENO, "the resources from standard input", len, err);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        veil_error_set(err, errno, "open %s", path);
        return NULL;
    }
    return read_all(fd, path, len, err);
}

int cmd_update(cli *c, int argc, char **argv)
{
    veil_update_options o = {0};
    const char *resources = NULL;
    const cli_opt opts[] = {
        {"resources", 'r', OPT_STRING, &resources, "FILE",
         "linux.resources JSON to apply ('-': standard input); other flags are ignored"},
        {"blkio-weight", 0, OPT_STRING, &o.blkio_weight, "N", "block I/O weight (10-1000)"},
        {"cpu-period", 0, OPT_STRING, &o.cpu_period, "USEC", "CPU CFS period"},
        {"cpu-quota", 0, OPT_STRING, &o.cpu_quota, "USEC", "CPU CFS quota per period"},
        {"cpu-burst", 0, OPT_STRING, &o.cpu_burst, "USEC", "CPU CFS burst"},
        {"cpu-share", 0, OPT_STRING, &o.cpu_share, "N", "CPU shares (relative weight)"},
        {"cpu-rt-period", 0, OPT_STRING, &o.cpu_rt_period, "USEC", "CPU real-time period"},
        {"cpu-rt-runtime", 0, OPT_STRING, &o.cpu_rt_runtime, "USEC",
         "CPU real-time runtime per period"},
        {"cpuset-cpus", 0, OPT_STRING, &o.cpuset_cpus, "LIST", "CPUs to use (\"0-2,4\")"},
        {"cpuset-mems", 0, OPT_STRING, &o.cpuset_mems, "LIST", "memory nodes to use"},
        {"cpu-idle", 0, OPT_STRING, &o.cpu_idle, "0|1", "1: the cgroup is SCHED_IDLE"},
        {"memory", 0, OPT_STRING, &o.memory, "SIZE", "memory limit (\"256m\"; -1: none)"},
        {"memory-reservation", 0, OPT_STRING, &o.memory_reservation, "SIZE",
         "memory soft limit"},
        {"memory-swap", 0, OPT_STRING, &o.memory_swap, "SIZE",
         "memory plus swap limit (-1: unlimited swap)"},
        {"kernel-memory", 0, OPT_STRING, &o.kernel_memory, "SIZE", NULL},
        {"kernel-memory-tcp", 0, OPT_STRING, &o.kernel_memory_tcp, "SIZE", NULL},
        {"pids-limit", 0, OPT_STRING, &o.pids_limit, "N", "maximum number of processes"},
        {"l3-cache-schema", 0, OPT_STRING, &o.l3_cache_schema, "SCHEMA",
         "Intel RDT/CAT L3 cache schema"},
        {"mem-bw-schema", 0, OPT_STRING, &o.mem_bw_schema, "SCHEMA",
         "Intel RDT/MBA memory bandwidth schema"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    _cleanup_free_ char *json = NULL;
    int r = cli_parse(&update_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&update_cmd, npos, 1, 1, &err);
    if (r == 0 && resources && *resources) {
        if ((json = read_resources(resources, &o.resources_len, &err)) == NULL)
            r = -1;
        o.resources_json = json;
    }
    if (r == 0)
        r = veil_container_update(&c->ctx, pos[0], &o, &err);
    free(pos);
    return cli_exit(c, r, err);
}
