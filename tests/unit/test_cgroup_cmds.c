/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pieces of pause/update/ps/events that need no kernel: runc's size and
 * duration syntax, the resources kept in the state (JSON round trip and the
 * update merge), completing an update from the values in effect, the ps
 * table filter, and the shape of runc's event objects.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veil/container.h>
#include <veil/spec.h>

#include "container/internal.h"
#include "spec/json.h"
#include "util/units.h"
#include "tests/support/run_suite.h"

/* ---- sizes and durations ------------------------------------------------------ */

static int64_t size_ok(const char *s)
{
    int64_t v = -42;
    veil_error *err = NULL;
    ck_assert_msg(veil_parse_ram_size(s, &v, &err) == 0, "%s: %s", s, err ? err->msg : "");
    return v;
}

static void size_bad(const char *s, const char *msg)
{
    int64_t v;
    veil_error *err = NULL;
    ck_assert_msg(veil_parse_ram_size(s, &v, &err) < 0, "%s accepted", s);
    ck_assert_str_eq(err->msg, msg);
    veil_error_free(err);
}

START_TEST(ram_sizes)
{
    ck_assert_int_eq(size_ok("256m"), 268435456);
    ck_assert_int_eq(size_ok("256M"), 268435456);
    ck_assert_int_eq(size_ok("256mb"), 268435456);
    ck_assert_int_eq(size_ok("256MiB"), 268435456);
    ck_assert_int_eq(size_ok("1g"), 1073741824);
    ck_assert_int_eq(size_ok("2t"), 2199023255552LL);
    ck_assert_int_eq(size_ok("1p"), 1125899906842624LL);
    ck_assert_int_eq(size_ok("1.5k"), 1536);
    ck_assert_int_eq(size_ok("10 KB"), 10240);
    ck_assert_int_eq(size_ok("100"), 100);
    ck_assert_int_eq(size_ok("100b"), 100);
    ck_assert_int_eq(size_ok("0"), 0);
    ck_assert_int_eq(size_ok("67108864"), 67108864);
    size_bad("12x", "invalid suffix: 'x'");
    size_bad("1mbb", "invalid suffix: 'mbb'");
    size_bad("1bb", "invalid suffix: 'bb'");
    size_bad("1kibb", "invalid suffix: 'kibb'");
    size_bad("1mi", "invalid suffix: 'mi'");
    size_bad("m", "invalid size: 'm'");
    size_bad("", "invalid size: ''");
    size_bad("-5", "invalid size: '-5'");
    size_bad("1..2m", "invalid size: '1..2m'");
    size_bad("99999999999p", "invalid size: '99999999999p' (too large)");
}
END_TEST

static uint64_t dur_ok(const char *s)
{
    uint64_t v = 42;
    veil_error *err = NULL;
    ck_assert_msg(veil_parse_duration(s, &v, &err) == 0, "%s: %s", s, err ? err->msg : "");
    return v;
}

static void dur_bad(const char *s, const char *msg)
{
    uint64_t v;
    veil_error *err = NULL;
    ck_assert_msg(veil_parse_duration(s, &v, &err) < 0, "%s accepted", s);
    ck_assert_str_eq(err->msg, msg);
    veil_error_free(err);
}

START_TEST(durations)
{
    ck_assert_uint_eq(dur_ok("5s"), 5000000000ULL);
    ck_assert_uint_eq(dur_ok("5"), 5000000000ULL);
    ck_assert_uint_eq(dur_ok("0.5"), 500000000ULL);
    ck_assert_uint_eq(dur_ok("100ms"), 100000000ULL);
    ck_assert_uint_eq(dur_ok("1m30s"), 90000000000ULL);
    ck_assert_uint_eq(dur_ok("1.5h"), 5400000000000ULL);
    ck_assert_uint_eq(dur_ok("300us"), 300000ULL);
    ck_assert_uint_eq(dur_ok("2\xc2\xb5s"), 2000ULL);
    ck_assert_uint_eq(dur_ok("7ns"), 7ULL);
    ck_assert_uint_eq(dur_ok("+1s"), 1000000000ULL);
    ck_assert_uint_eq(dur_ok("0"), 0);
    dur_bad("5x", "unknown unit \"x\" in duration \"5x\"");
    dur_bad("1s5", "missing unit in duration \"1s5\"");
    dur_bad("-1s", "invalid duration \"-1s\": it must not be negative");
    dur_bad("", "invalid duration \"\"");
    dur_bad("s", "invalid duration \"s\"");
    dur_bad("1..5s", "invalid duration \"1..5s\"");
}
END_TEST

/* ---- resources in the state ------------------------------------------------------- */

static veil_spec_resources *res(const char *json)
{
    veil_error *err = NULL;
    veil_spec_resources *r = veil_spec_parse_resources(json, strlen(json), "test", &err);
    ck_assert_msg(r != NULL, "%s: %s", json, err ? err->msg : "");
    return r;
}

static char *to_json(const veil_spec_resources *b, const veil_spec_resources *o)
{
    veil_error *err = NULL;
    char *s = veil_spec_resources_to_json(b, o, &err);
    ck_assert_msg(s != NULL, "%s", err ? err->msg : "");
    return s;
}

START_TEST(resources_round_trip)
{
    /* every field of the parser's fixture survives the trip */
    veil_error *err = NULL;
    veil_spec *spec = veil_spec_load(VEIL_TEST_DATA "/spec/valid/resources.json", &err);
    ck_assert_msg(spec != NULL, "%s", err ? err->msg : "");
    char *once = to_json(spec->linux_->resources, NULL);
    veil_spec_resources *back = res(once);
    char *twice = to_json(back, NULL);
    ck_assert_str_eq(twice, once);
    ck_assert_uint_eq(back->n_devices, spec->linux_->resources->n_devices);
    ck_assert_int_eq(back->memory->swap.value, -1);
    ck_assert_str_eq(back->cpu->cpus, "2-3");
    ck_assert_uint_eq(back->block_io->throttle_write_bps.items[0].rate, UINT64_MAX);
    ck_assert_uint_eq(back->network->priorities[1].priority, 4294967295u);
    ck_assert_int_eq(back->pids_limit, 32771);
    ck_assert_uint_eq(back->n_rdma, spec->linux_->resources->n_rdma);
    ck_assert_uint_eq(back->unified.n, spec->linux_->resources->unified.n);
    free(once);
    free(twice);
    veil_spec_resources_free(back);
    veil_spec_free(spec);

    char *empty = to_json(NULL, NULL);
    ck_assert_str_eq(empty, "{}");
    free(empty);
}
END_TEST

START_TEST(resources_merge)
{
    veil_spec_resources *base = res(
        "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}],"
        " \"memory\": {\"limit\": 100, \"swap\": 200, \"swappiness\": 10},"
        " \"cpu\": {\"quota\": 5000, \"period\": 10000, \"cpus\": \"0\"},"
        " \"blockIO\": {\"weight\": 100, \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
        "\"rate\": 1}, {\"major\": 8, \"minor\": 16, \"rate\": 2}]},"
        " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}],"
        " \"pids\": {\"limit\": 10},"
        " \"unified\": {\"a.b\": \"1\", \"c.d\": \"2\"}}");
    veil_spec_resources *upd = res(
        "{\"devices\": [{\"allow\": true, \"access\": \"rwm\"}],"
        " \"memory\": {\"limit\": 150},"
        " \"cpu\": {\"mems\": \"0\"},"
        " \"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 3},"
        " {\"major\": 9, \"minor\": 0, \"rate\": 4}]},"
        " \"hugepageLimits\": [{\"pageSize\": \"1GB\", \"limit\": 0}],"
        " \"unified\": {\"c.d\": \"5\"}}");
    char *m = to_json(base, upd);
    ck_assert_str_eq(
        m, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
           "\"memory\":{\"limit\":150,\"swap\":200,\"swappiness\":10},"
           "\"cpu\":{\"quota\":5000,\"period\":10000,\"cpus\":\"0\",\"mems\":\"0\"},"
           "\"blockIO\":{\"weight\":100,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
           "\"rate\":1},{\"major\":8,\"minor\":16,\"rate\":3},{\"major\":9,\"minor\":0,"
           "\"rate\":4}]},"
           "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0},{\"pageSize\":\"1GB\","
           "\"limit\":0}],"
           "\"pids\":{\"limit\":10},"
           "\"unified\":{\"a.b\":\"1\",\"c.d\":\"5\"}}");
    free(m);
    /* nothing in effect yet: the update, without its device rules */
    m = to_json(NULL, upd);
    ck_assert_ptr_null(strstr(m, "devices"));
    ck_assert_ptr_nonnull(strstr(m, "\"memory\":{\"limit\":150}"));
    free(m);
    veil_spec_resources_free(base);
    veil_spec_resources_free(upd);
}
END_TEST

START_TEST(update_completion)
{
    veil_spec_resources *now = res("{\"memory\": {\"limit\": 1000, \"swap\": 3000},"
                                   " \"cpu\": {\"quota\": 20000, \"period\": 50000}}");
    /* a quota alone keeps the period in effect (cgroup v2's cpu.max takes both) */
    veil_spec_resources *u = res("{\"cpu\": {\"quota\": 30000}}");
    veil_update_complete(u, now);
    ck_assert(u->cpu->period.set);
    ck_assert_uint_eq(u->cpu->period.value, 50000);
    veil_spec_resources_free(u);
    u = res("{\"cpu\": {\"period\": 60000}}");
    veil_update_complete(u, now);
    ck_assert_int_eq(u->cpu->quota.value, 20000);
    veil_spec_resources_free(u);
    /* a limit alone keeps memory+swap (v2 derives memory.swap.max from both) */
    u = res("{\"memory\": {\"limit\": 2000}}");
    veil_update_complete(u, now);
    ck_assert(u->memory->swap.set);
    ck_assert_int_eq(u->memory->swap.value, 3000);
    veil_spec_resources_free(u);
    u = res("{\"memory\": {\"swap\": 5000}}");
    veil_update_complete(u, now);
    ck_assert_int_eq(u->memory->limit.value, 1000);
    veil_spec_resources_free(u);
    /* no memory limit: no swap limit either (runc) */
    u = res("{\"memory\": {\"limit\": -1}}");
    veil_update_complete(u, now);
    ck_assert_int_eq(u->memory->swap.value, -1);
    veil_spec_resources_free(u);
    /* both given: left alone; nothing in effect: nothing added */
    u = res("{\"memory\": {\"limit\": 7, \"swap\": 9}, \"cpu\": {\"quota\": 1}}");
    veil_update_complete(u, NULL);
    ck_assert_int_eq(u->memory->swap.value, 9);
    ck_assert(!u->cpu->period.set);
    veil_spec_resources_free(u);
    veil_spec_resources_free(now);
}
END_TEST

/* ---- ps -------------------------------------------------------------------------- */

START_TEST(ps_filter)
{
    const char *ef = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                     "root           1       0  0 10:00 ?        00:00:01 /sbin/init\n"
                     "root         120       1  0 10:00 ?        00:00:00 sleep 120\n"
                     "root         121     120  0 10:00 ?        00:00:00 sh -c 1 120 121\n"
                     "root        1200       1  0 10:00 ?        00:00:00 other\n";
    pid_t pids[] = {121, 120};
    char *out = NULL;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_ps_filter(ef, pids, 2, &out, &err), 0);
    ck_assert_str_eq(out, "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                          "root         120       1  0 10:00 ?        00:00:00 sleep 120\n"
                          "root         121     120  0 10:00 ?        00:00:00 sh -c 1 120 121\n");
    free(out);
    /* PID first; PPID and TID are not the PID column */
    const char *o = "  PPID   TID   PID CMD\n     1     5     5 a\n     5     7     7 b\n";
    pid_t one[] = {5};
    ck_assert_int_eq(veil_ps_filter(o, one, 1, &out, &err), 0);
    ck_assert_str_eq(out, "  PPID   TID   PID CMD\n     1     5     5 a\n");
    free(out);
    /* no process of the container: the header alone */
    ck_assert_int_eq(veil_ps_filter(ef, NULL, 0, &out, &err), 0);
    ck_assert_str_eq(out, "UID          PID    PPID  C STIME TTY          TIME CMD\n");
    free(out);
    ck_assert_int_eq(veil_ps_filter("USER COMMAND\nroot x\n", pids, 2, &out, &err), -1);
    ck_assert_str_eq(err->msg, "couldn't find PID field in ps output");
    veil_error_free(err);
}
END_TEST

/* ---- events ---------------------------------------------------------------------- */

static vj_node *parse(const char *s)
{
    veil_error *err = NULL;
    vj_node *n = vj_parse(s, strlen(s), NULL, &err);
    ck_assert_msg(n != NULL, "%s: %s", s, err ? err->msg : "");
    return n;
}

static uint64_t num(const vj_node *n)
{
    uint64_t v = 0;
    ck_assert_msg(n && vj_number_u64(n, &v), "not a number");
    return v;
}

START_TEST(stats_shape)
{
    veil_cgroup_stats st = {0};
    uint64_t percpu[] = {5, 6};
    st.cpu.total = 11;
    st.cpu.percpu = percpu;
    st.cpu.n_percpu = 2;
    st.memory.usage = (veil_cgroup_memory_entry){.usage = 4096, .limit = UINT64_MAX};
    veil_kv raw[] = {{(char *)"rss", (char *)"7"}, {(char *)"cache", (char *)"3"}};
    st.memory.raw = (veil_kv_list){.items = raw, .n = 2};
    st.pids.current = 2;
    veil_cgroup_blkio_entry io[] = {{.major = 8, .minor = 0, .op = "Read", .value = 0}};
    st.blkio.service_bytes = io;
    st.blkio.n_service_bytes = 1;
    veil_cgroup_hugetlb_stats hp[] = {{.page_size = "2MB", .usage = 0, .failcnt = 1},
                                      {.page_size = "1GB"}};
    st.hugetlb = hp;
    st.n_hugetlb = 2;
    veil_error *err = NULL;
    char *s = veil_stats_event_json("c1", &st, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(strchr(s, '\n')); /* one line per event */
    vj_node *n = parse(s);
    ck_assert_str_eq(vj_get(n, "type")->u.string.ptr, "stats");
    ck_assert_str_eq(vj_get(n, "id")->u.string.ptr, "c1");
    const vj_node *d = vj_get(n, "data");
    /* runc's members, in its order */
    static const char *const keys[] = {"cpu",   "cpuset",  "memory",    "pids",
                                       "blkio", "hugetlb", "intel_rdt", "network_interfaces"};
    ck_assert_uint_eq(d->u.object.len, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_str_eq(d->u.object.keys[i], keys[i]);
    const vj_node *cpu = vj_get(d, "cpu");
    ck_assert_uint_eq(num(vj_get(vj_get(cpu, "usage"), "total")), 11);
    ck_assert_uint_eq(vj_get(vj_get(cpu, "usage"), "percpu")->u.array.len, 2);
    ck_assert_uint_eq(num(vj_get(vj_get(cpu, "usage"), "kernel")), 0); /* never omitted */
    ck_assert_ptr_null(vj_get(cpu, "throttling"));                      /* omitzero */
    const vj_node *mem = vj_get(d, "memory");
    ck_assert_ptr_null(vj_get(mem, "cache"));   /* omitempty */
    ck_assert_ptr_null(vj_get(mem, "swap"));    /* omitzero */
    ck_assert_uint_eq(num(vj_get(vj_get(mem, "usage"), "limit")), UINT64_MAX);
    ck_assert_uint_eq(num(vj_get(vj_get(mem, "usage"), "failcnt")), 0);
    ck_assert_ptr_null(vj_get(vj_get(mem, "usage"), "max"));
    const vj_node *rawn = vj_get(mem, "raw");
    ck_assert_str_eq(rawn->u.object.keys[0], "cache"); /* Go sorts map keys */
    ck_assert_uint_eq(num(vj_get(rawn, "rss")), 7);
    ck_assert_uint_eq(num(vj_get(vj_get(d, "pids"), "current")), 2);
    ck_assert_ptr_null(vj_get(vj_get(d, "pids"), "limit"));
    const vj_node *e = vj_get(vj_get(d, "blkio"), "ioServiceBytesRecursive")->u.array.items[0];
    ck_assert_ptr_null(vj_get(e, "minor")); /* omitempty, even 0 */
    ck_assert_ptr_null(vj_get(e, "value"));
    ck_assert_str_eq(vj_get(e, "op")->u.string.ptr, "Read");
    const vj_node *h = vj_get(d, "hugetlb");
    ck_assert_str_eq(h->u.object.keys[0], "1GB");
    ck_assert_uint_eq(num(vj_get(vj_get(h, "2MB"), "failcnt")), 1);
    ck_assert_int_eq(vj_get(d, "intel_rdt")->type, VJ_OBJECT);
    ck_assert_int_eq(vj_get(d, "network_interfaces")->type, VJ_NULL);
    vj_free(n);
    free(s);

    s = veil_oom_event_json("c1", &err);
    ck_assert_str_eq(s, "{\"type\":\"oom\",\"id\":\"c1\"}");
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cgroup_cmds");
    TCase *t = tcase_create("cmds");
    tcase_add_test(t, ram_sizes);
    tcase_add_test(t, durations);
    tcase_add_test(t, resources_round_trip);
    tcase_add_test(t, resources_merge);
    tcase_add_test(t, update_completion);
    tcase_add_test(t, ps_filter);
    tcase_add_test(t, stats_shape);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
