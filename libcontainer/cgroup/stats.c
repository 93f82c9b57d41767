/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource usage of a container cgroup, in the shape `runc events --stats`
 * reports: v1 files per hierarchy, v2 files in the unified directory (with
 * runc's conventions where v2 differs: swap is reported as memory+swap).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

static uint64_t u64_or_zero(const char *dir, const char *file)
{
    uint64_t v = 0;
    if (veil_cg_read_u64(dir, file, &v))
        return 0;
    return v;
}

static uint64_t key_or_zero(const char *dir, const char *file, const char *key)
{
    uint64_t v = 0;
    if (veil_cg_read_key(dir, file, key, &v))
        return 0;
    return v;
}

/* ---- memory.stat ------------------------------------------------------------------ */

static int read_raw(const char *dir, veil_kv_list *raw)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, "memory.stat", &buf);
    if (e)
        return e == ENOENT ? 0 : e;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *sp = strchr(line, ' ');
        if (sp) {
            *sp = '\0';
            veil_kv *v = realloc(raw->items, (raw->n + 1) * sizeof(*v));
            if (v == NULL)
                return ENOMEM;
            raw->items = v;
            v[raw->n].key = strdup(line);
            v[raw->n].value = strdup(sp + 1);
            if (v[raw->n].key == NULL || v[raw->n].value == NULL) {
                free(v[raw->n].key);
                free(v[raw->n].value);
                return ENOMEM;
            }
            raw->n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static uint64_t raw_value(const veil_kv_list *raw, const char *key)
{
    for (size_t i = 0; i < raw->n; i++)
        if (strcmp(raw->items[i].key, key) == 0)
            return strtoull(raw->items[i].value, NULL, 10);
    return 0;
}

static void v1_memory_entry(const char *dir, const char *prefix, veil_cgroup_memory_entry *e)
{
    char f[96];
    snprintf(f, sizeof(f), "%susage_in_bytes", prefix);
    e->usage = u64_or_zero(dir, f);
    snprintf(f, sizeof(f), "%smax_usage_in_bytes", prefix);
    e->max_usage = u64_or_zero(dir, f);
    snprintf(f, sizeof(f), "%slimit_in_bytes", prefix);
    e->limit = u64_or_zero(dir, f);
    snprintf(f, sizeof(f), "%sfailcnt", prefix);
    e->failcnt = u64_or_zero(dir, f);
}

/* ---- block I/O --------------------------------------------------------------------- */

static int add_blkio(veil_cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
                     const char *op, uint64_t value)
{
    veil_cgroup_blkio_entry *nv = realloc(*v, (*n + 1) * sizeof(**v));
    if (nv == NULL)
        return ENOMEM;
    *v = nv;
    nv[*n] = (veil_cgroup_blkio_entry){.major = major, .minor = minor, .value = value};
    snprintf(nv[*n].op, sizeof(nv[*n].op), "%s", op);
    (*n)++;
    return 0;
}

/* "8:0 Read 4096" lines (the per-device "Total" lines included). */
static int v1_blkio_file(const char *dir, const char *file, veil_cgroup_blkio_entry **v,
                         size_t *n)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, file, &buf);
    if (e)
        return e == ENOENT ? 0 : e;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        unsigned long long maj, min, val;
        char op[16];
        if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &val) == 4 &&
            (e = add_blkio(v, n, maj, min, op, val)))
            return e;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6" */
static int v2_io_stat(const char *dir, veil_cgroup_stats *st)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, "io.stat", &buf);
    if (e)
        return e == ENOENT ? 0 : e;
    static const struct {
        const char *key, *op;
        bool bytes;
    } keys[] = {{"rbytes", "Read", true}, {"wbytes", "Write", true}, {"dbytes", "Discard", true},
                {"rios", "Read", false},  {"wios", "Write", false},  {"dios", "Discard", false}};
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        unsigned long long maj, min;
        int off = 0;
        if (sscanf(line, "%llu:%llu%n", &maj, &min, &off) == 2) {
            for (char *save = NULL, *tok = strtok_r(line + off, " ", &save); tok;
                 tok = strtok_r(NULL, " ", &save)) {
                char *eq = strchr(tok, '=');
                if (eq == NULL)
                    continue;
                *eq = '\0';
                for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                    if (strcmp(tok, keys[k].key) != 0)
                        continue;
                    uint64_t val = strtoull(eq + 1, NULL, 10);
                    e = keys[k].bytes ? add_blkio(&st->blkio.service_bytes,
                                                  &st->blkio.n_service_bytes, maj, min,
                                                  keys[k].op, val)
                                      : add_blkio(&st->blkio.serviced, &st->blkio.n_serviced, maj,
                                                  min, keys[k].op, val);
                    if (e)
                        return e;
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* ---- hugetlb --------------------------------------------------------------------------- */

/* Page sizes the host has, as cgroup files name them ("2MB"). */
static size_t page_sizes(char names[][24], size_t max)
{
    _cleanup_closedir_ DIR *d = opendir(HUGEPAGES_DIR);
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while (n < max && (de = readdir(d)) != NULL) {
        unsigned long long kb;
        if (sscanf(de->d_name, "hugepages-%llukB", &kb) != 1 || kb == 0 || kb > (1ULL << 40))
            continue;
        if (kb % (1024 * 1024) == 0)
            snprintf(names[n++], 24, "%lluGB", kb / (1024 * 1024));
        else if (kb % 1024 == 0)
            snprintf(names[n++], 24, "%lluMB", kb / 1024);
        else
            snprintf(names[n++], 24, "%llukB", kb);
    }
    return n;
}

static int hugetlb(const char *dir, bool v2, veil_cgroup_stats *st)
{
    char sizes[8][24];
    size_t n = page_sizes(sizes, 8);
    if (n == 0)
        return 0;
    st->hugetlb = calloc(n, sizeof(*st->hugetlb));
    if (st->hugetlb == NULL)
        return ENOMEM;
    for (size_t i = 0; i < n; i++) {
        veil_cgroup_hugetlb_stats *h = &st->hugetlb[st->n_hugetlb++];
        snprintf(h->page_size, sizeof(h->page_size), "%s", sizes[i]);
        char f[64];
        if (v2) {
            snprintf(f, sizeof(f), "hugetlb.%s.current", sizes[i]);
            h->usage = u64_or_zero(dir, f);
            snprintf(f, sizeof(f), "hugetlb.%s.events", sizes[i]);
            h->failcnt = key_or_zero(dir, f, "max");
        } else {
            snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", sizes[i]);
            h->usage = u64_or_zero(dir, f);
            snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", sizes[i]);
            h->max_usage = u64_or_zero(dir, f);
            snprintf(f, sizeof(f), "hugetlb.%s.failcnt", sizes[i]);
            h->failcnt = u64_or_zero(dir, f);
        }
    }
    return 0;
}

/* ---- cpuset ------------------------------------------------------------------------------- */

/* "0-3,7" -> 0 1 2 3 7 */
static int cpu_list(const char *dir, const char *file, uint16_t **out, size_t *n)
{
    _cleanup_free_ char *buf = NULL;
    int e = veil_cg_read(dir, file, &buf);
    if (e)
        return e == ENOENT ? 0 : e;
    size_t cap = 0;
    for (char *p = buf; *p && *p != '\n';) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (end == p)
            return EINVAL;
        if (*end == '-') {
            p = end + 1;
            hi = strtoul(p, &end, 10);
            if (end == p)
                return EINVAL;
        }
        if (hi < lo || hi > UINT16_MAX)
            return EINVAL;
        for (unsigned long v = lo; v <= hi; v++) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 16;
                uint16_t *nv = realloc(*out, cap * sizeof(*nv));
                if (nv == NULL)
                    return ENOMEM;
                *out = nv;
            }
            (*out)[(*n)++] = (uint16_t)v;
        }
        p = end + (*end == ',');
    }
    return 0;
}

static int v1_cpuset(const char *dir, veil_cgroup_stats *st)
{
    int e = cpu_list(dir, "cpuset.cpus", &st->cpuset.cpus, &st->cpuset.n_cpus);
    if (e == 0)
        e = cpu_list(dir, "cpuset.mems", &st->cpuset.mems, &st->cpuset.n_mems);
    if (e)
        return e;
    st->cpuset.cpu_exclusive = u64_or_zero(dir, "cpuset.cpu_exclusive");
    st->cpuset.mem_hardwall = u64_or_zero(dir, "cpuset.mem_hardwall");
    st->cpuset.mem_exclusive = u64_or_zero(dir, "cpuset.mem_exclusive");
    st->cpuset.memory_migrate = u64_or_zero(dir, "cpuset.memory_migrate");
    st->cpuset.memory_spread_page = u64_or_zero(dir, "cpuset.memory_spread_page");
    st->cpuset.memory_spread_slab = u64_or_zero(dir, "cpuset.memory_spread_slab");
    st->cpuset.memory_pressure = u64_or_zero(dir, "cpuset.memory_pressure");
    st->cpuset.sched_load_balance = u64_or_zero(dir, "cpuset.sched_load_balance");
    _cleanup_free_ char *level = NULL;
    if (veil_cg_read(dir, "cpuset.sched_relax_domain_level", &level) == 0)
        st->cpuset.sched_relax_domain_level = strtoll(level, NULL, 10);
    return 0;
}

/* ---- per interface ---------------------------------------------------------------------- */

static int v1_cpu(const veil_cgroup *cg, veil_cgroup_stats *st)
{
    const char *acct = veil_cgroup_dir(cg, VEIL_CG_CPUACCT);
    if (acct) {
        st->cpu.total = u64_or_zero(acct, "cpuacct.usage");
        long hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0)
            hz = 100;
        /* cpuacct.stat counts clock ticks */
        st->cpu.user = key_or_zero(acct, "cpuacct.stat", "user") * (1000000000ULL / (uint64_t)hz);
        st->cpu.kernel =
            key_or_zero(acct, "cpuacct.stat", "system") * (1000000000ULL / (uint64_t)hz);
        _cleanup_free_ char *buf = NULL;
        if (veil_cg_read(acct, "cpuacct.usage_percpu", &buf) == 0) {
            size_t cap = 0;
            for (char *p = buf, *end; *p; p = end) {
                unsigned long long v = strtoull(p, &end, 10);
                if (end == p)
                    break;
                if (st->cpu.n_percpu == cap) {
                    cap = cap ? 2 * cap : 16;
                    uint64_t *nv = realloc(st->cpu.percpu, cap * sizeof(*nv));
                    if (nv == NULL)
                        return ENOMEM;
                    st->cpu.percpu = nv;
                }
                st->cpu.percpu[st->cpu.n_percpu++] = v;
            }
        }
    }
    const char *cpu = veil_cgroup_dir(cg, VEIL_CG_CPU);
    if (cpu) {
        st->cpu.periods = key_or_zero(cpu, "cpu.stat", "nr_periods");
        st->cpu.throttled_periods = key_or_zero(cpu, "cpu.stat", "nr_throttled");
        st->cpu.throttled_time = key_or_zero(cpu, "cpu.stat", "throttled_time");
    }
    return 0;
}

static int v1_stats(const veil_cgroup *cg, veil_cgroup_stats *st)
{
    int e = v1_cpu(cg, st);
    if (e)
        return e;
    const char *mem = veil_cgroup_dir(cg, VEIL_CG_MEMORY);
    if (mem) {
        if ((e = read_raw(mem, &st->memory.raw)))
            return e;
        st->memory.cache = raw_value(&st->memory.raw, "cache");
        v1_memory_entry(mem, "memory.", &st->memory.usage);
        v1_memory_entry(mem, "memory.memsw.", &st->memory.swap);
        v1_memory_entry(mem, "memory.kmem.", &st->memory.kernel);
        v1_memory_entry(mem, "memory.kmem.tcp.", &st->memory.kernel_tcp);
    }
    const char *cs = veil_cgroup_dir(cg, VEIL_CG_CPUSET);
    if (cs && (e = v1_cpuset(cs, st)))
        return e;
    const char *blk = veil_cgroup_dir(cg, VEIL_CG_BLKIO);
    if (blk) {
        if ((e = v1_blkio_file(blk, "blkio.throttle.io_service_bytes_recursive",
                               &st->blkio.service_bytes, &st->blkio.n_service_bytes)) ||
            (e = v1_blkio_file(blk, "blkio.throttle.io_serviced_recursive", &st->blkio.serviced,
                               &st->blkio.n_serviced)))
            return e;
    }
    const char *hp = veil_cgroup_dir(cg, VEIL_CG_HUGETLB);
    if (hp)
        return hugetlb(hp, false, st);
    /* hybrid: hugetlb may live in the unified tree */
    const char *u = cg->layout == VEIL_CGROUP_HYBRID ? veil_cgroup_dir(cg, VEIL_CG_UNIFIED) : NULL;
    _cleanup_free_ char *avail = NULL;
    if (u && veil_cg_read(u, "cgroup.controllers", &avail) == 0 && strstr(avail, "hugetlb"))
        return hugetlb(u, true, st);
    return 0;
}

static int v2_stats(const veil_cgroup *cg, veil_cgroup_stats *st)
{
    const char *dir = veil_cgroup_dir(cg, VEIL_CG_UNIFIED);
    if (dir == NULL)
        return 0;
    st->cpu.total = key_or_zero(dir, "cpu.stat", "usage_usec") * 1000;
    st->cpu.user = key_or_zero(dir, "cpu.stat", "user_usec") * 1000;
    st->cpu.kernel = key_or_zero(dir, "cpu.stat", "system_usec") * 1000;
    st->cpu.periods = key_or_zero(dir, "cpu.stat", "nr_periods");
    st->cpu.throttled_periods = key_or_zero(dir, "cpu.stat", "nr_throttled");
    st->cpu.throttled_time = key_or_zero(dir, "cpu.stat", "throttled_usec") * 1000;
    int e = read_raw(dir, &st->memory.raw);
    if (e)
        return e;
    st->memory.cache = raw_value(&st->memory.raw, "file");
    veil_cgroup_memory_entry *u = &st->memory.usage, *s = &st->memory.swap;
    u->usage = u64_or_zero(dir, "memory.current");
    u->max_usage = u64_or_zero(dir, "memory.peak");
    u->limit = veil_cg_exists(dir, "memory.max") ? u64_or_zero(dir, "memory.max") : 0;
    u->failcnt = key_or_zero(dir, "memory.events", "max");
    /* like runc: "swap" is memory+swap, as v1's memsw */
    s->usage = u->usage + u64_or_zero(dir, "memory.swap.current");
    uint64_t swap_max = veil_cg_exists(dir, "memory.swap.max") ? u64_or_zero(dir, "memory.swap.max")
                                                                : 0;
    s->limit = u->limit == UINT64_MAX || swap_max == UINT64_MAX ? UINT64_MAX : u->limit + swap_max;
    s->failcnt = key_or_zero(dir, "memory.swap.events", "max");
    st->pids.current = u64_or_zero(dir, "pids.current");
    st->pids.limit = u64_or_zero(dir, "pids.max");
    if (st->pids.limit == UINT64_MAX)
        st->pids.limit = 0;
    if ((e = v2_io_stat(dir, st)))
        return e;
    return hugetlb(dir, true, st);
}

int veil_cgroup_stats_get(const veil_cgroup *cg, veil_cgroup_stats *st, veil_error **err)
{
    memset(st, 0, sizeof(*st));
    int e = 0;
    if (cg->layout == VEIL_CGROUP_V2) {
        e = v2_stats(cg, st);
    } else if (cg->layout != VEIL_CGROUP_NONE) {
        e = v1_stats(cg, st);
        const char *pids = veil_cgroup_dir(cg, VEIL_CG_PIDS);
        if (e == 0 && pids) {
            st->pids.current = u64_or_zero(pids, "pids.current");
            st->pids.limit = u64_or_zero(pids, "pids.max");
            if (st->pids.limit == UINT64_MAX)
                st->pids.limit = 0;
        }
    }
    if (e) {
        veil_cgroup_stats_clear(st);
        return veil_error_set(err, e, "read the statistics of cgroup %s", cg->path ? cg->path : "");
    }
    return 0;
}

void veil_cgroup_stats_clear(veil_cgroup_stats *st)
{
    free(st->cpu.percpu);
    for (size_t i = 0; i < st->memory.raw.n; i++) {
        free(st->memory.raw.items[i].key);
        free(st->memory.raw.items[i].value);
    }
    free(st->memory.raw.items);
    free(st->blkio.service_bytes);
    free(st->blkio.serviced);
    free(st->hugetlb);
    free(st->cpuset.cpus);
    free(st->cpuset.mems);
    memset(st, 0, sizeof(*st));
}
