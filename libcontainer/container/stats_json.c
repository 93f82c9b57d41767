/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Statistics as `runc events` prints them: runc's types.Stats encoded the
 * way Go encodes it (field order, members left out when zero where runc
 * says omitempty/omitzero, map keys sorted), so that callers that decode
 * runc's output (containerd's shim) read ours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container/internal.h"
#include "spec/json.h"

static void opt_u64(vj_writer *w, const char *key, uint64_t v)
{
    if (v)
        vj_w_ku64(w, key, v);
}

static void u64_list(vj_writer *w, const char *key, const uint64_t *v, size_t n)
{
    if (n == 0)
        return;
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++)
        vj_w_u64(w, v[i]);
    vj_w_array_close(w);
}

static void u16_list(vj_writer *w, const char *key, const uint16_t *v, size_t n)
{
    if (n == 0)
        return;
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++)
        vj_w_u64(w, v[i]);
    vj_w_array_close(w);
}

static void cpu(vj_writer *w, const veil_cgroup_stats *st)
{
    vj_w_key(w, "cpu");
    vj_w_object_open(w);
    if (st->cpu.total || st->cpu.n_percpu || st->cpu.kernel || st->cpu.user) {
        vj_w_key(w, "usage");
        vj_w_object_open(w);
        opt_u64(w, "total", st->cpu.total);
        u64_list(w, "percpu", st->cpu.percpu, st->cpu.n_percpu);
        vj_w_ku64(w, "kernel", st->cpu.kernel);
        vj_w_ku64(w, "user", st->cpu.user);
        vj_w_object_close(w);
    }
    if (st->cpu.periods || st->cpu.throttled_periods || st->cpu.throttled_time) {
        vj_w_key(w, "throttling");
        vj_w_object_open(w);
        opt_u64(w, "periods", st->cpu.periods);
        opt_u64(w, "throttledPeriods", st->cpu.throttled_periods);
        opt_u64(w, "throttledTime", st->cpu.throttled_time);
        vj_w_object_close(w);
    }
    vj_w_object_close(w);
}

static void cpuset(vj_writer *w, const veil_cgroup_stats *st)
{
    vj_w_key(w, "cpuset");
    vj_w_object_open(w);
    u16_list(w, "cpus", st->cpuset.cpus, st->cpuset.n_cpus);
    vj_w_ku64(w, "cpu_exclusive", st->cpuset.cpu_exclusive);
    u16_list(w, "mems", st->cpuset.mems, st->cpuset.n_mems);
    vj_w_ku64(w, "mem_hardwall", st->cpuset.mem_hardwall);
    vj_w_ku64(w, "mem_exclusive", st->cpuset.mem_exclusive);
    vj_w_ku64(w, "memory_migrate", st->cpuset.memory_migrate);
    vj_w_ku64(w, "memory_spread_page", st->cpuset.memory_spread_page);
    vj_w_ku64(w, "memory_spread_slab", st->cpuset.memory_spread_slab);
    vj_w_ku64(w, "memory_pressure", st->cpuset.memory_pressure);
    vj_w_ku64(w, "sched_load_balance", st->cpuset.sched_load_balance);
    vj_w_ki64(w, "sched_relax_domain_level", st->cpuset.sched_relax_domain_level);
    vj_w_object_close(w);
}

static void memory_entry(vj_writer *w, const char *key, const veil_cgroup_memory_entry *e)
{
    if (!e->limit && !e->usage && !e->max_usage && !e->failcnt)
        return;
    vj_w_key(w, key);
    vj_w_object_open(w);
    vj_w_ku64(w, "limit", e->limit);
    opt_u64(w, "usage", e->usage);
    opt_u64(w, "max", e->max_usage);
    vj_w_ku64(w, "failcnt", e->failcnt);
    vj_w_object_close(w);
}

static int cmp_kv(const void *a, const void *b)
{
    return strcmp((*(const veil_kv *const *)a)->key, (*(const veil_kv *const *)b)->key);
}

static int memory(vj_writer *w, const veil_cgroup_stats *st)
{
    vj_w_key(w, "memory");
    vj_w_object_open(w);
    opt_u64(w, "cache", st->memory.cache);
    memory_entry(w, "usage", &st->memory.usage);
    memory_entry(w, "swap", &st->memory.swap);
    memory_entry(w, "kernel", &st->memory.kernel);
    memory_entry(w, "kernelTCP", &st->memory.kernel_tcp);
    const veil_kv_list *raw = &st->memory.raw;
    if (raw->n) {
        const veil_kv **sorted = calloc(raw->n, sizeof(*sorted));
        if (sorted == NULL)
            return -1;
        for (size_t i = 0; i < raw->n; i++)
            sorted[i] = &raw->items[i];
        qsort(sorted, raw->n, sizeof(*sorted), cmp_kv);
        vj_w_key(w, "raw");
        vj_w_object_open(w);
        for (size_t i = 0; i < raw->n; i++) {
            /* every memory.stat value is a counter */
            char *end;
            unsigned long long v = strtoull(sorted[i]->value, &end, 10);
            if (end != sorted[i]->value)
                vj_w_ku64(w, sorted[i]->key, v);
        }
        vj_w_object_close(w);
        free(sorted);
    }
    vj_w_object_close(w);
    return 0;
}

static void blkio_list(vj_writer *w, const char *key, const veil_cgroup_blkio_entry *v, size_t n)
{
    if (n == 0)
        return;
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++) {
        vj_w_object_open(w);
        opt_u64(w, "major", v[i].major);
        opt_u64(w, "minor", v[i].minor);
        if (v[i].op[0])
            vj_w_kstr(w, "op", v[i].op);
        opt_u64(w, "value", v[i].value);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

static int cmp_hugetlb(const void *a, const void *b)
{
    return strcmp(((const veil_cgroup_hugetlb_stats *)a)->page_size,
                  ((const veil_cgroup_hugetlb_stats *)b)->page_size);
}

static int hugetlb(vj_writer *w, const veil_cgroup_stats *st)
{
    vj_w_key(w, "hugetlb");
    vj_w_object_open(w);
    if (st->n_hugetlb) {
        veil_cgroup_hugetlb_stats *v = malloc(st->n_hugetlb * sizeof(*v));
        if (v == NULL)
            return -1;
        memcpy(v, st->hugetlb, st->n_hugetlb * sizeof(*v));
        qsort(v, st->n_hugetlb, sizeof(*v), cmp_hugetlb);
        for (size_t i = 0; i < st->n_hugetlb; i++) {
            vj_w_key(w, v[i].page_size);
            vj_w_object_open(w);
            opt_u64(w, "usage", v[i].usage);
            opt_u64(w, "max", v[i].max_usage);
            vj_w_ku64(w, "failcnt", v[i].failcnt);
            vj_w_object_close(w);
        }
        free(v);
    }
    vj_w_object_close(w);
    return 0;
}

static char *finish(vj_writer *w, bool ok, veil_error **err)
{
    char *out = NULL;
    if (ok)
        out = vj_writer_finish(w, false, NULL);
    else
        vj_writer_free(w);
    if (out == NULL)
        veil_error_set(err, ENOMEM, "encode the event as JSON");
    return out;
}

char *veil_stats_event_json(const char *id, const veil_cgroup_stats *st, veil_error **err)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "encode the event as JSON");
        return NULL;
    }
    vj_w_object_open(w);
    vj_w_kstr(w, "type", "stats");
    vj_w_kstr(w, "id", id);
    vj_w_key(w, "data");
    vj_w_object_open(w);
    cpu(w, st);
    cpuset(w, st);
    bool ok = memory(w, st) == 0;
    vj_w_key(w, "pids");
    vj_w_object_open(w);
    opt_u64(w, "current", st->pids.current);
    opt_u64(w, "limit", st->pids.limit);
    vj_w_object_close(w);
    vj_w_key(w, "blkio");
    vj_w_object_open(w);
    blkio_list(w, "ioServiceBytesRecursive", st->blkio.service_bytes, st->blkio.n_service_bytes);
    blkio_list(w, "ioServicedRecursive", st->blkio.serviced, st->blkio.n_serviced);
    vj_w_object_close(w);
    ok = hugetlb(w, st) == 0 && ok;
    vj_w_key(w, "intel_rdt");
    vj_w_object_open(w);
    vj_w_object_close(w);
    vj_w_key(w, "network_interfaces");
    vj_w_null(w);
    vj_w_object_close(w);
    vj_w_object_close(w);
    return finish(w, ok, err);
}

char *veil_oom_event_json(const char *id, veil_error **err)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "encode the event as JSON");
        return NULL;
    }
    vj_w_object_open(w);
    vj_w_kstr(w, "type", "oom");
    vj_w_kstr(w, "id", id);
    vj_w_object_close(w);
    return finish(w, true, err);
}
