/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources -> cgroup writes, on v1, hybrid and v2 host layouts. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cgroup_internal.h"
#include "plan/internal.h"
#include "plan_fixture.h"
#include "tests/support/run_suite.h"

/* expectation tables leave the alternative file out where there is none */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define BIT(c) (1u << (c))
#define MiB (1024LL * 1024)
#define SET(v) {.set = true, .value = (v)}

/* ---- host layouts ----------------------------------------------------------- */

/* Every v1 controller veil knows. */
static veil_plan_options v1_full(void)
{
    uint32_t v1 = 0;
    for (int c = VEIL_CG_CPU; c <= VEIL_CG_SYSTEMD; c++)
        v1 |= BIT(c);
    return (veil_plan_options){.cgroup_layout = VEIL_CGROUP_V1, .v1_controllers = v1};
}

/* The development hosts: v1 controllers, hugetlb only in the unified tree. */
static veil_plan_options hybrid(void)
{
    uint32_t v1 = BIT(VEIL_CG_CPU) | BIT(VEIL_CG_CPUACCT) | BIT(VEIL_CG_CPUSET) |
                  BIT(VEIL_CG_MEMORY) | BIT(VEIL_CG_DEVICES) | BIT(VEIL_CG_FREEZER) |
                  BIT(VEIL_CG_BLKIO) | BIT(VEIL_CG_PIDS) | BIT(VEIL_CG_SYSTEMD);
    return (veil_plan_options){.cgroup_layout = VEIL_CGROUP_HYBRID,
                               .v1_controllers = v1,
                               .v2_controllers = BIT(VEIL_CG_UNIFIED) | BIT(VEIL_CG_HUGETLB)};
}

/* Pure v2 with the controllers a systemd host delegates, plus hugetlb/rdma/misc. */
static veil_plan_options v2(void)
{
    uint32_t m = BIT(VEIL_CG_UNIFIED) | BIT(VEIL_CG_CPUSET) | BIT(VEIL_CG_CPU) |
                 BIT(VEIL_CG_BLKIO) | BIT(VEIL_CG_MEMORY) | BIT(VEIL_CG_HUGETLB) |
                 BIT(VEIL_CG_PIDS) | BIT(VEIL_CG_RDMA) | BIT(VEIL_CG_MISC);
    return (veil_plan_options){.cgroup_layout = VEIL_CGROUP_V2, .v2_controllers = m};
}

/* ---- helpers ------------------------------------------------------------------ */

typedef struct ew {
    veil_cgroup_ctrl ctrl;
    const char *file, *value;
    unsigned flags;
    const char *alt_file, *alt_value;
} ew;

static veil_cgroup_plan out;
static veil_error *err;

static void setup(void)
{
    memset(&out, 0, sizeof(out));
    err = NULL;
}

static void teardown(void)
{
    veil_cgroup_plan_clear(&out);
    veil_error_free(err);
}

static int translate(const veil_spec_resources *res, veil_plan_options o)
{
    veil_cgroup_plan_clear(&out);
    veil_error_free(err);
    err = NULL;
    return veil_plan_cgroup_resources(res, &o, &out, &err);
}

static void ok(const veil_spec_resources *res, veil_plan_options o)
{
    int r = translate(res, o);
    ck_assert_msg(r == 0, "translation failed: %s", err ? err->msg : "?");
}

static void fails(const veil_spec_resources *res, veil_plan_options o, const char *needle)
{
    int r = translate(res, o);
    ck_assert_msg(r < 0, "translation should fail with \"%s\"", needle);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->msg, needle), "error \"%s\" lacks \"%s\"", err->msg, needle);
    ck_assert_uint_eq(out.n_writes, 0);
    ck_assert_uint_eq(out.n_device_rules, 0);
}

/* The writes other than the device rules, exactly and in order. */
static void expect(const ew *e, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < out.n_writes; i++) {
        const veil_cgroup_write *w = &out.writes[i];
        if (w->ctrl == VEIL_CG_DEVICES)
            continue;
        ck_assert_msg(k < n, "unexpected write %zu: %s = %s", k, w->file, w->value);
        ck_assert_msg(w->ctrl == e[k].ctrl, "write %zu (%s): hierarchy %s, expected %s", k,
                      w->file, veil_cgroup_ctrl_name(w->ctrl), veil_cgroup_ctrl_name(e[k].ctrl));
        ck_assert_str_eq(w->file, e[k].file);
        ck_assert_str_eq(w->value, e[k].value);
        ck_assert_msg(w->flags == e[k].flags, "write %zu (%s): flags %#x, expected %#x", k, w->file,
                      w->flags, e[k].flags);
        if (e[k].alt_file) {
            ck_assert_ptr_nonnull(w->alt_file);
            ck_assert_str_eq(w->alt_file, e[k].alt_file);
            ck_assert_str_eq(w->alt_value, e[k].alt_value);
        } else {
            ck_assert_ptr_null(w->alt_file);
        }
        k++;
    }
    ck_assert_msg(k == n, "%zu writes, expected %zu", k, n);
}

static bool warned(const char *needle)
{
    for (size_t i = 0; i < out.n_warnings; i++)
        if (strstr(out.warnings[i], needle))
            return true;
    return false;
}

enum {
    IFX = VEIL_CGROUP_WRITE_IF_EXISTS,
    RETRY = VEIL_CGROUP_WRITE_RETRY,
    CHECK = VEIL_CGROUP_WRITE_CHECK_USAGE,
    VERIFY = VEIL_CGROUP_WRITE_VERIFY,
    PARENTS = VEIL_CGROUP_WRITE_PARENTS,
};
#define U VEIL_CG_UNIFIED

/* ---- conversions ------------------------------------------------------------------ */

START_TEST(shares_to_weight)
{
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(0), 0); /* unset */
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(1), 1);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(2), 1);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(1024), 100);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(262144), 10000);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(1000000), 10000);
    /* between the anchors: the log-space parabola, not the old linear map
     * (which gave 39 for 1024) */
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(3), 2);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(512), 59);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(2048), 174);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(4096), 303);
    ck_assert_uint_eq(veil_cgroup_shares_to_weight(262143), 10000);
    uint64_t prev = 0;
    for (uint64_t s = 2; s <= 262144; s += 97) {
        uint64_t w = veil_cgroup_shares_to_weight(s);
        ck_assert_msg(w >= prev && w >= 1 && w <= 10000, "shares %lu -> %lu", (unsigned long)s,
                      (unsigned long)w);
        prev = w;
    }
}
END_TEST

START_TEST(blkio_to_io_weight)
{
    ck_assert_uint_eq(veil_cgroup_blkio_to_io_weight(0), 0);
    ck_assert_uint_eq(veil_cgroup_blkio_to_io_weight(10), 1);
    ck_assert_uint_eq(veil_cgroup_blkio_to_io_weight(500), 4950);
    ck_assert_uint_eq(veil_cgroup_blkio_to_io_weight(1000), 10000);
    ck_assert_uint_eq(veil_cgroup_blkio_to_io_weight(5), 1);
}
END_TEST

START_TEST(swap_to_v2)
{
    int64_t v = 0;
    const char *why = NULL;
    ck_assert_int_eq(veil_cgroup_swap_to_v2(128 * MiB, 64 * MiB, &v, &why), 0);
    ck_assert_int_eq(v, 64 * MiB); /* swap.max = (memory+swap) - memory */
    ck_assert_int_eq(veil_cgroup_swap_to_v2(64 * MiB, 64 * MiB, &v, &why), 0);
    ck_assert_int_eq(v, 0); /* no swap */
    ck_assert_int_eq(veil_cgroup_swap_to_v2(-1, 64 * MiB, &v, &why), 0);
    ck_assert_int_eq(v, -1); /* unlimited */
    ck_assert_int_eq(veil_cgroup_swap_to_v2(0, -1, &v, &why), 0);
    ck_assert_int_eq(v, -1); /* unlimited memory, swap unset: unlimited swap */
    ck_assert_int_eq(veil_cgroup_swap_to_v2(0, 64 * MiB, &v, &why), 0);
    ck_assert_int_eq(v, 0); /* unset */
    ck_assert_int_eq(veil_cgroup_swap_to_v2(100 * MiB, -1, &v, &why), 0);
    ck_assert_int_eq(v, 100 * MiB);
    ck_assert_int_eq(veil_cgroup_swap_to_v2(32 * MiB, 64 * MiB, &v, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, ">= memory limit"));
    ck_assert_int_eq(veil_cgroup_swap_to_v2(32 * MiB, 0, &v, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "without memory limit"));
}
END_TEST

/* ---- memory ----------------------------------------------------------------------------- */

START_TEST(memory_v1)
{
    veil_spec_memory m = {.limit = SET(64 * MiB), .reservation = SET(32 * MiB),
                          .swap = SET(128 * MiB), .kernel_tcp = SET(MiB),
                          .swappiness = SET(30), .disable_oom_killer = SET(true),
                          .check_before_update = SET(true)};
    veil_spec_resources res = {.memory = &m};
    ok(&res, v1_full());
    const ew e[] = {
        {VEIL_CG_MEMORY, "memory.limit_in_bytes", "67108864", RETRY | CHECK},
        {VEIL_CG_MEMORY, "memory.memsw.limit_in_bytes", "134217728", 0},
        {VEIL_CG_MEMORY, "memory.soft_limit_in_bytes", "33554432", 0},
        {VEIL_CG_MEMORY, "memory.kmem.tcp.limit_in_bytes", "1048576", IFX},
        {VEIL_CG_MEMORY, "memory.swappiness", "30", 0},
        {VEIL_CG_MEMORY, "memory.oom_control", "1", 0},
    };
    expect(e, 6);
    /* the hybrid host writes the same v1 files */
    ok(&res, hybrid());
    expect(e, 6);
}
END_TEST

START_TEST(memory_v1_unlimited)
{
    veil_spec_memory m = {.limit = SET(-1), .kernel = SET(MiB)};
    veil_spec_resources res = {.memory = &m};
    ok(&res, v1_full());
    /* -1 with no swap given: memsw unlimited too, where swap is accounted */
    const ew e[] = {
        {VEIL_CG_MEMORY, "memory.limit_in_bytes", "-1", RETRY},
        {VEIL_CG_MEMORY, "memory.memsw.limit_in_bytes", "-1", IFX},
    };
    expect(e, 2);
    ck_assert(warned("memory.kernel is ignored"));
}
END_TEST

START_TEST(memory_v2)
{
    veil_spec_memory m = {.limit = SET(64 * MiB), .reservation = SET(32 * MiB),
                          .swap = SET(128 * MiB), .check_before_update = SET(true),
                          .swappiness = SET(10), .disable_oom_killer = SET(true),
                          .kernel_tcp = SET(MiB)};
    veil_spec_resources res = {.memory = &m};
    ok(&res, v2());
    const ew e[] = {
        {U, "memory.swap.max", "67108864", 0},
        {U, "memory.max", "67108864", CHECK},
        {U, "memory.low", "33554432", 0},
    };
    expect(e, 3);
    ck_assert(warned("swappiness is ignored"));
    ck_assert(warned("disableOOMKiller is ignored"));
    ck_assert(warned("kernelTCP"));
}
END_TEST

START_TEST(memory_v2_swap_cases)
{
    veil_spec_memory m = {.limit = SET(64 * MiB), .swap = SET(64 * MiB)};
    veil_spec_resources res = {.memory = &m};
    ok(&res, v2()); /* swap == limit: swap disabled; fine without swap accounting */
    const ew no_swap[] = {{U, "memory.swap.max", "0", IFX}, {U, "memory.max", "67108864", 0}};
    expect(no_swap, 2);

    m = (veil_spec_memory){.limit = SET(64 * MiB), .swap = SET(-1)};
    ok(&res, v2());
    const ew unlimited[] = {{U, "memory.swap.max", "max", IFX}, {U, "memory.max", "67108864", 0}};
    expect(unlimited, 2);

    m = (veil_spec_memory){.limit = SET(-1)};
    ok(&res, v2());
    const ew all_max[] = {{U, "memory.swap.max", "max", IFX}, {U, "memory.max", "max", 0}};
    expect(all_max, 2);

    m = (veil_spec_memory){.limit = SET(64 * MiB)};
    ok(&res, v2());
    const ew only_limit[] = {{U, "memory.max", "67108864", 0}};
    expect(only_limit, 1);

    m = (veil_spec_memory){.limit = SET(64 * MiB), .swap = SET(32 * MiB)};
    fails(&res, v2(), "linux.resources.memory.swap: memory+swap limit should be >= memory limit");
    m = (veil_spec_memory){.swap = SET(32 * MiB)};
    fails(&res, v2(), "unable to set swap limit without memory limit");
    /* v1 takes memory+swap as it is */
    ok(&res, v1_full());
    const ew v1swap[] = {{VEIL_CG_MEMORY, "memory.memsw.limit_in_bytes", "33554432", 0}};
    expect(v1swap, 1);
}
END_TEST

START_TEST(memory_checks)
{
    veil_spec_memory m = {.swappiness = SET(101)};
    veil_spec_resources res = {.memory = &m};
    fails(&res, v1_full(), "linux.resources.memory.swappiness: invalid value 101 (valid range is 0-100)");
    m = (veil_spec_memory){.swappiness = SET(UINT64_MAX)}; /* -1: unset */
    ok(&res, v1_full());
    expect(NULL, 0);
    veil_plan_options o = v1_full();
    o.v1_controllers &= ~BIT(VEIL_CG_MEMORY);
    m = (veil_spec_memory){.limit = SET(MiB)};
    fails(&res, o, "linux.resources.memory.limit: the memory cgroup controller is not available");
    m = (veil_spec_memory){.check_before_update = SET(true)}; /* nothing to apply */
    ok(&res, o);
}
END_TEST

/* ---- cpu ----------------------------------------------------------------------------------- */

START_TEST(cpu_v1)
{
    veil_spec_cpu c = {.shares = SET(512), .quota = SET(50000), .period = SET(100000),
                       .burst = SET(10000), .realtime_runtime = SET(950),
                       .realtime_period = SET(1000000), .cpus = "0-1", .mems = "0",
                       .idle = SET(1)};
    veil_spec_resources res = {.cpu = &c};
    ok(&res, v1_full());
    const ew e[] = {
        {VEIL_CG_CPUSET, "cpuset.cpus", "0-1", 0},
        {VEIL_CG_CPUSET, "cpuset.mems", "0", 0},
        {VEIL_CG_CPU, "cpu.shares", "512", VERIFY},
        {VEIL_CG_CPU, "cpu.cfs_period_us", "100000", RETRY},
        {VEIL_CG_CPU, "cpu.cfs_burst_us", "10000", RETRY | IFX},
        {VEIL_CG_CPU, "cpu.cfs_quota_us", "50000", 0},
        {VEIL_CG_CPU, "cpu.idle", "1", 0},
        {VEIL_CG_CPU, "cpu.rt_period_us", "1000000", RETRY | PARENTS},
        {VEIL_CG_CPU, "cpu.rt_runtime_us", "950", PARENTS},
    };
    expect(e, 9);
}
END_TEST

START_TEST(cpu_v2)
{
    veil_spec_cpu c = {.shares = SET(1024), .quota = SET(50000), .period = SET(100000),
                       .burst = SET(10000), .cpus = "0", .mems = "0", .idle = SET(0),
                       .realtime_runtime = SET(950)};
    veil_spec_resources res = {.cpu = &c};
    ok(&res, v2());
    const ew e[] = {
        {U, "cpuset.cpus", "0", 0},         {U, "cpuset.mems", "0", 0},
        {U, "cpu.idle", "0", 0},            {U, "cpu.weight", "100", 0},
        {U, "cpu.max.burst", "10000", RETRY}, {U, "cpu.max", "50000 100000", 0},
    };
    expect(e, 6);
    ck_assert(warned("realtimeRuntime"));

    /* quota -1 or unset: "max" with the period, or the default period */
    c = (veil_spec_cpu){.quota = SET(-1)};
    ok(&res, v2());
    const ew unlimited[] = {{U, "cpu.max", "max 100000", 0}};
    expect(unlimited, 1);
    c = (veil_spec_cpu){.period = SET(250000)};
    ok(&res, v2());
    const ew period_only[] = {{U, "cpu.max", "max 250000", 0}};
    expect(period_only, 1);
    c = (veil_spec_cpu){.shares = SET(2)};
    ok(&res, v2());
    const ew min_weight[] = {{U, "cpu.weight", "1", 0}};
    expect(min_weight, 1);
    c = (veil_spec_cpu){.shares = SET(262144)};
    ok(&res, v2());
    const ew max_weight[] = {{U, "cpu.weight", "10000", 0}};
    expect(max_weight, 1);
}
END_TEST

START_TEST(cpu_checks)
{
    veil_spec_cpu c = {.cpus = "0-1\n2"};
    veil_spec_resources res = {.cpu = &c};
    fails(&res, v1_full(), "linux.resources.cpu.cpus: invalid CPU list");
    c = (veil_spec_cpu){.mems = "0;1"};
    fails(&res, v2(), "linux.resources.cpu.mems: invalid memory node list");
    c = (veil_spec_cpu){.cpus = "", .mems = ""}; /* empty: unset */
    ok(&res, v1_full());
    expect(NULL, 0);
    veil_plan_options o = v2();
    o.v2_controllers &= ~BIT(VEIL_CG_CPU);
    c = (veil_spec_cpu){.quota = SET(1000)};
    fails(&res, o, "linux.resources.cpu.quota: the cpu cgroup controller is not available");
}
END_TEST

/* ---- block I/O --------------------------------------------------------------------------------- */

static veil_spec_weight_device wdev[] = {{.major = 8, .minor = 0, .weight = SET(300),
                                          .leaf_weight = SET(200)}};
static veil_spec_throttle_device rbps = {8, 0, 1048576}, wbps = {8, 16, 2097152},
                                 riops = {8, 0, 100}, wiops = {8, 0, 200};

static veil_spec_blockio blkio_all(void)
{
    return (veil_spec_blockio){.weight = SET(500),
                               .leaf_weight = SET(400),
                               .weight_devices = wdev,
                               .n_weight_devices = 1,
                               .throttle_read_bps = {&rbps, 1},
                               .throttle_write_bps = {&wbps, 1},
                               .throttle_read_iops = {&riops, 1},
                               .throttle_write_iops = {&wiops, 1}};
}

START_TEST(blkio_v1)
{
    veil_spec_blockio io = blkio_all();
    veil_spec_resources res = {.block_io = &io};
    ok(&res, v1_full());
    const ew e[] = {
        {VEIL_CG_BLKIO, "blkio.weight", "500", 0, "blkio.bfq.weight", "500"},
        {VEIL_CG_BLKIO, "blkio.leaf_weight", "400", 0},
        {VEIL_CG_BLKIO, "blkio.weight_device", "8:0 300", 0, "blkio.bfq.weight_device", "8:0 300"},
        {VEIL_CG_BLKIO, "blkio.leaf_weight_device", "8:0 200", 0},
        {VEIL_CG_BLKIO, "blkio.throttle.read_bps_device", "8:0 1048576", 0},
        {VEIL_CG_BLKIO, "blkio.throttle.write_bps_device", "8:16 2097152", 0},
        {VEIL_CG_BLKIO, "blkio.throttle.read_iops_device", "8:0 100", 0},
        {VEIL_CG_BLKIO, "blkio.throttle.write_iops_device", "8:0 200", 0},
    };
    expect(e, 8);
}
END_TEST

START_TEST(blkio_v2)
{
    veil_spec_blockio io = blkio_all();
    veil_spec_resources res = {.block_io = &io};
    ok(&res, v2());
    /* BFQ takes the v1 scale; io.weight gets the converted one */
    const ew e[] = {
        {U, "io.bfq.weight", "500", 0, "io.weight", "4950"},
        {U, "io.bfq.weight", "8:0 300", 0, "io.weight", "8:0 2930"},
        {U, "io.max", "8:0 rbps=1048576", 0},
        {U, "io.max", "8:16 wbps=2097152", 0},
        {U, "io.max", "8:0 riops=100", 0},
        {U, "io.max", "8:0 wiops=200", 0},
    };
    expect(e, 6);
    ck_assert(warned("leafWeight is ignored"));
    veil_plan_options o = v2();
    o.v2_controllers &= ~BIT(VEIL_CG_BLKIO);
    fails(&res, o, "linux.resources.blockIO: the io cgroup controller is not available");
}
END_TEST

/* ---- pids, hugetlb, network, rdma ---------------------------------------------------------------- */

START_TEST(pids)
{
    veil_spec_resources res = {.has_pids = true, .pids_limit = 100};
    ok(&res, v1_full());
    const ew v1[] = {{VEIL_CG_PIDS, "pids.max", "100", 0}};
    expect(v1, 1);
    ok(&res, v2());
    const ew e2[] = {{U, "pids.max", "100", 0}};
    expect(e2, 1);
    res.pids_limit = -1;
    ok(&res, hybrid());
    const ew unlimited[] = {{VEIL_CG_PIDS, "pids.max", "max", 0}};
    expect(unlimited, 1);
    res.pids_limit = 0; /* as runc: 0 becomes 1, as under systemd */
    ok(&res, v2());
    const ew one[] = {{U, "pids.max", "1", 0}};
    expect(one, 1);
}
END_TEST

START_TEST(hugetlb)
{
    veil_spec_hugepage_limit h[] = {{"2MB", 4 * MiB}, {"1GB", 1024 * MiB}};
    veil_spec_resources res = {.hugepage_limits = h, .n_hugepage_limits = 2};
    ok(&res, v1_full());
    const ew v1[] = {
        {VEIL_CG_HUGETLB, "hugetlb.2MB.limit_in_bytes", "4194304", 0},
        {VEIL_CG_HUGETLB, "hugetlb.2MB.rsvd.limit_in_bytes", "4194304", IFX},
        {VEIL_CG_HUGETLB, "hugetlb.1GB.limit_in_bytes", "1073741824", 0},
        {VEIL_CG_HUGETLB, "hugetlb.1GB.rsvd.limit_in_bytes", "1073741824", IFX},
    };
    expect(v1, 4);
    /* hybrid host: hugetlb exists only in the unified tree, v2 files there */
    const ew unified[] = {
        {U, "hugetlb.2MB.max", "4194304", 0},
        {U, "hugetlb.2MB.rsvd.max", "4194304", IFX},
        {U, "hugetlb.1GB.max", "1073741824", 0},
        {U, "hugetlb.1GB.rsvd.max", "1073741824", IFX},
    };
    ok(&res, hybrid());
    expect(unified, 4);
    ok(&res, v2());
    expect(unified, 4);

    veil_spec_hugepage_limit bad[] = {{"../2MB", 1}};
    veil_spec_resources r2 = {.hugepage_limits = bad, .n_hugepage_limits = 1};
    fails(&r2, v2(), "linux.resources.hugepageLimits[0].pageSize: invalid page size");
    veil_plan_options o = hybrid();
    o.v2_controllers = BIT(VEIL_CG_UNIFIED);
    fails(&res, o, "linux.resources.hugepageLimits: the hugetlb cgroup controller is not available");
}
END_TEST

START_TEST(network)
{
    veil_spec_net_priority prio[] = {{"eth0", 5}, {"lo", 2}};
    veil_spec_network n = {.class_id = SET(0x100001), .priorities = prio, .n_priorities = 2};
    veil_spec_resources res = {.network = &n};
    ok(&res, v1_full());
    const ew e[] = {
        {VEIL_CG_NET_CLS, "net_cls.classid", "1048577", 0},
        {VEIL_CG_NET_PRIO, "net_prio.ifpriomap", "eth0 5", 0},
        {VEIL_CG_NET_PRIO, "net_prio.ifpriomap", "lo 2", 0},
    };
    expect(e, 3);
    /* v1 only: an error naming the field elsewhere */
    fails(&res, v2(), "linux.resources.network.classID: the net_cls cgroup controller is not "
                      "available on this host (cgroup v2 has no such controller");
    fails(&res, hybrid(), "linux.resources.network.classID: the net_cls cgroup controller");
    n.class_id.set = false;
    fails(&res, v2(), "linux.resources.network.priorities: the net_prio cgroup controller");
    veil_spec_net_priority badname[] = {{"eth 0", 1}};
    n.priorities = badname;
    n.n_priorities = 1;
    fails(&res, v1_full(), "priorities[0].name: invalid interface name");
}
END_TEST

START_TEST(rdma)
{
    veil_spec_rdma r[] = {{.device = "mlx5_0", .hca_handles = SET(3), .hca_objects = SET(1000)},
                          {.device = "mlx4_0", .hca_objects = SET(10)}};
    veil_spec_resources res = {.rdma = r, .n_rdma = 2};
    ok(&res, v1_full());
    const ew v1[] = {
        {VEIL_CG_RDMA, "rdma.max", "mlx5_0 hca_handle=3 hca_object=1000", 0},
        {VEIL_CG_RDMA, "rdma.max", "mlx4_0 hca_object=10", 0},
    };
    expect(v1, 2);
    ok(&res, v2());
    const ew e2[] = {
        {U, "rdma.max", "mlx5_0 hca_handle=3 hca_object=1000", 0},
        {U, "rdma.max", "mlx4_0 hca_object=10", 0},
    };
    expect(e2, 2);
    fails(&res, hybrid(), "linux.resources.rdma: the rdma cgroup controller is not available");
}
END_TEST

/* ---- unified ----------------------------------------------------------------------------------------- */

START_TEST(unified)
{
    veil_kv kv[] = {{"memory.high", "50000000"}, {"cgroup.max.descendants", "10"}};
    veil_spec_memory m = {.limit = SET(64 * MiB)};
    veil_spec_resources res = {.memory = &m, .unified = {kv, 2}};
    ok(&res, v2());
    /* after the translated writes, so a raw value wins */
    const ew e[] = {
        {U, "memory.max", "67108864", 0},
        {U, "memory.high", "50000000", 0},
        {U, "cgroup.max.descendants", "10", 0},
    };
    expect(e, 3);
    fails(&res, v1_full(), "invalid configuration: cannot use unified on cgroup v1");
    /* hybrid: only controllers of the unified tree */
    fails(&res, hybrid(), "controller \"memory\" is bound to cgroup v1");
    veil_kv hp[] = {{"hugetlb.2MB.max", "2097152"}};
    veil_spec_resources r2 = {.unified = {hp, 1}};
    ok(&r2, hybrid());
    const ew e2[] = {{U, "hugetlb.2MB.max", "2097152", 0}};
    expect(e2, 1);

    veil_kv bad[] = {{"../memory.max", "1"}};
    r2.unified = (veil_kv_list){bad, 1};
    fails(&r2, v2(), "must be a file name of the form CONTROLLER.PARAMETER");
    veil_kv nodot[] = {{"memory", "1"}};
    r2.unified = (veil_kv_list){nodot, 1};
    fails(&r2, v2(), "must be a file name");
    veil_kv missing[] = {{"misc.max", "x 1"}};
    r2.unified = (veil_kv_list){missing, 1};
    veil_plan_options o = v2();
    o.v2_controllers &= ~BIT(VEIL_CG_MISC);
    fails(&r2, o, "unified resource \"misc.max\" can't be set: controller \"misc\" not available");
}
END_TEST

/* ---- devices -------------------------------------------------------------------------------------------- */

static const char *const default_lines[] = {
    "c *:* m",     "b *:* m",     "c 1:3 rwm", "c 1:8 rwm",   "c 1:7 rwm",    "c 5:0 rwm",
    "c 1:5 rwm",   "c 1:9 rwm",   "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
};

START_TEST(devices_v1)
{
    veil_spec_device_rule rules[] = {
        {.allow = false, .access = "rwm"},                                       /* a */
        {.allow = true, .type = 'c', .major = SET(10), .minor = SET(229), .access = "rwm"},
        {.allow = false, .type = 'c', .major = SET(1), .minor = SET(3), .access = "w"},
        {.allow = true, .type = 'b', .major = SET(8), .access = "mr"},          /* minor: any */
        {.allow = true, .type = 'c', .major = SET(-1), .minor = SET(-1), .access = NULL},
    };
    veil_spec_resources res = {.devices = rules, .n_devices = 5};
    ok(&res, v1_full());
    const char *want[5 + 1 + 11][2] = {
        {"devices.deny", "a *:* rwm"},   /* deny all first, as runc */
        {"devices.deny", "a *:* rwm"},   {"devices.allow", "c 10:229 rwm"},
        {"devices.deny", "c 1:3 w"},     {"devices.allow", "b 8:* rm"},
        {"devices.allow", "c *:* rwm"},
    };
    for (size_t i = 0; i < 11; i++) {
        want[6 + i][0] = "devices.allow";
        want[6 + i][1] = default_lines[i];
    }
    size_t k = 0;
    for (size_t i = 0; i < out.n_writes; i++) {
        if (out.writes[i].ctrl != VEIL_CG_DEVICES)
            continue;
        ck_assert_uint_lt(k, 17);
        ck_assert_str_eq(out.writes[i].file, want[k][0]);
        ck_assert_str_eq(out.writes[i].value, want[k][1]);
        ck_assert_uint_eq(out.writes[i].flags, 0);
        k++;
    }
    ck_assert_uint_eq(k, 17);
    ck_assert_uint_eq(out.n_device_rules, 17);
    /* the effective list, normalised: wildcards unset, access in rwm order */
    ck_assert(!out.device_rules[0].allow && out.device_rules[0].type == 'a');
    ck_assert(!out.device_rules[4].minor.set && out.device_rules[4].major.value == 8);
    ck_assert_str_eq(out.device_rules[4].access, "rm");
    ck_assert(!out.device_rules[5].major.set);
    ck_assert_str_eq(out.device_rules[5].access, "rwm");
}
END_TEST

START_TEST(devices_v2_and_hybrid)
{
    veil_spec_device_rule rules[] = {
        {.allow = true, .type = 'c', .major = SET(10), .minor = SET(229), .access = "rw"}};
    veil_spec_resources res = {.devices = rules, .n_devices = 1};
    ok(&res, v2());
    /* v2: no files, the program is built from the list */
    for (size_t i = 0; i < out.n_writes; i++)
        ck_assert_int_ne(out.writes[i].ctrl, VEIL_CG_DEVICES);
    ck_assert_uint_eq(out.n_device_rules, 13);
    ck_assert(out.device_rules[1].allow && out.device_rules[1].type == 'c' &&
              out.device_rules[1].minor.value == 229);
    ck_assert_str_eq(out.device_rules[1].access, "rw");
    /* no resources at all: still deny all + the defaults */
    ok(NULL, hybrid());
    ck_assert_uint_eq(out.n_device_rules, 12);
    ck_assert_uint_eq(out.n_writes, 12);
    ck_assert(!out.has_resources);
    /* hybrid without a v1 devices hierarchy: the program, in the unified tree */
    veil_plan_options o = hybrid();
    o.v1_controllers &= ~BIT(VEIL_CG_DEVICES);
    ok(&res, o);
    ck_assert_uint_eq(out.n_writes, 0);
    ck_assert_uint_eq(out.n_device_rules, 13);
    /* v1 without a devices controller: refused, every device would be open */
    o = v1_full();
    o.v1_controllers &= ~BIT(VEIL_CG_DEVICES);
    fails(NULL, o, "linux.resources.devices: the devices cgroup controller is not available");
}
END_TEST

START_TEST(devices_checks)
{
    veil_spec_device_rule bad_access[] = {{.allow = true, .type = 'c', .access = "rwx"}};
    veil_spec_resources res = {.devices = bad_access, .n_devices = 1};
    fails(&res, v1_full(), "linux.resources.devices[0].access: invalid access \"rwx\"");
    veil_spec_device_rule empty_access[] = {{.allow = true, .type = 'c', .access = ""}};
    res.devices = empty_access;
    fails(&res, v2(), "linux.resources.devices[0].access");
    veil_spec_device_rule bad_type[] = {{.allow = true, .type = 'u', .access = "r"}};
    res.devices = bad_type;
    fails(&res, v1_full(), "linux.resources.devices[0].type: invalid device type 'u'");
    veil_spec_device_rule bad_major[] = {{.allow = true, .type = 'c', .major = SET(-5)}};
    res.devices = bad_major;
    fails(&res, v1_full(), "linux.resources.devices[0].major: -5 is out of range");
}
END_TEST

/* ---- whole configurations ---------------------------------------------------------------------------- */

START_TEST(layout_none_and_empty)
{
    veil_spec_memory m = {.limit = SET(MiB)};
    veil_spec_resources res = {.memory = &m};
    veil_plan_options o = {.cgroup_layout = VEIL_CGROUP_NONE};
    ok(&res, o);
    ck_assert_uint_eq(out.n_writes, 0);
    ck_assert_uint_eq(out.n_device_rules, 0);
    veil_spec_resources empty = {0};
    ok(&empty, v2());
    expect(NULL, 0);
    ck_assert(out.has_resources);
}
END_TEST

START_TEST(order_across_controllers)
{
    veil_spec_cpu c = {.shares = SET(2048), .cpus = "0"};
    veil_spec_memory m = {.limit = SET(64 * MiB)};
    veil_spec_blockio io = {.weight = SET(100)};
    veil_spec_hugepage_limit h[] = {{"2MB", 0}};
    veil_spec_resources res = {.cpu = &c, .memory = &m, .block_io = &io, .has_pids = true,
                               .pids_limit = 20, .hugepage_limits = h, .n_hugepage_limits = 1};
    ok(&res, hybrid());
    const ew e[] = {
        {VEIL_CG_CPUSET, "cpuset.cpus", "0", 0},
        {VEIL_CG_CPU, "cpu.shares", "2048", VERIFY},
        {VEIL_CG_MEMORY, "memory.limit_in_bytes", "67108864", RETRY},
        {VEIL_CG_PIDS, "pids.max", "20", 0},
        {VEIL_CG_BLKIO, "blkio.weight", "100", 0, "blkio.bfq.weight", "100"},
        {U, "hugetlb.2MB.max", "0", 0},
        {U, "hugetlb.2MB.rsvd.max", "0", IFX},
    };
    expect(e, 7);
    /* device writes come first */
    ck_assert_int_eq(out.writes[0].ctrl, VEIL_CG_DEVICES);
    ck_assert_str_eq(out.writes[0].value, "a *:* rwm");
}
END_TEST

START_TEST(rule_string)
{
    char buf[64];
    veil_spec_device_rule r = {.type = 'b', .major = SET(8), .minor = SET(1), .access = "r"};
    veil_cgroup_device_rule_string(&r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "b 8:1 r");
    r = (veil_spec_device_rule){.type = 'a', .major = SET(1), .access = "r"};
    veil_cgroup_device_rule_string(&r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "a *:* rwm"); /* the kernel ignores the rest of an "a" rule */
}
END_TEST

/* veil_plan_build runs the translation, passes the warnings on, and
 * `veil plan` shows the writes with their flags and alternatives. */
START_TEST(through_the_plan_builder)
{
    fixture f;
    fixture_init(&f);
    veil_spec_memory m = {.limit = SET(64 * MiB), .swappiness = SET(10)};
    veil_spec_blockio io = {.weight = SET(500)};
    veil_spec_resources res = {.memory = &m, .block_io = &io};
    f.lx.resources = &res;
    f.opts = (veil_plan_options){.id = "ctr1", .bundle = "/srv/bundle"};
    veil_plan_options host = v2();
    f.opts.cgroup_layout = host.cgroup_layout;
    f.opts.v2_controllers = host.v2_controllers;
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->cgroup.n_writes, 2);
    ck_assert_str_eq(p->cgroup.writes[0].file, "memory.max");
    ck_assert_uint_eq(p->cgroup.n_device_rules, 12);
    ck_assert(has_warning(p, "swappiness is ignored"));
    veil_error *e = NULL;
    char *json = veil_plan_to_json(p, false, &e);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"file\":\"io.bfq.weight\",\"value\":\"500\","
                                       "\"altFile\":\"io.weight\",\"altValue\":\"4950\""));
    free(json);
    veil_plan_free(p);

    /* cgroups disabled: nothing to write */
    f.opts.cgroup_layout = VEIL_CGROUP_NONE;
    p = build_ok(&f);
    ck_assert_uint_eq(p->cgroup.n_writes, 0);
    veil_plan_free(p);
    /* an impossible setting fails the plan, naming the field */
    veil_spec_network net = {.class_id = SET(1)};
    res.network = &net;
    f.opts.cgroup_layout = VEIL_CGROUP_V2;
    ck_assert_err_contains(&f, "linux.resources.network.classID");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cgroup_plan");
    TCase *t = tcase_create("translate");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, shares_to_weight);
    tcase_add_test(t, blkio_to_io_weight);
    tcase_add_test(t, swap_to_v2);
    tcase_add_test(t, memory_v1);
    tcase_add_test(t, memory_v1_unlimited);
    tcase_add_test(t, memory_v2);
    tcase_add_test(t, memory_v2_swap_cases);
    tcase_add_test(t, memory_checks);
    tcase_add_test(t, cpu_v1);
    tcase_add_test(t, cpu_v2);
    tcase_add_test(t, cpu_checks);
    tcase_add_test(t, blkio_v1);
    tcase_add_test(t, blkio_v2);
    tcase_add_test(t, pids);
    tcase_add_test(t, hugetlb);
    tcase_add_test(t, network);
    tcase_add_test(t, rdma);
    tcase_add_test(t, unified);
    tcase_add_test(t, devices_v1);
    tcase_add_test(t, devices_v2_and_hybrid);
    tcase_add_test(t, devices_checks);
    tcase_add_test(t, layout_none_and_empty);
    tcase_add_test(t, order_across_controllers);
    tcase_add_test(t, rule_string);
    tcase_add_test(t, through_the_plan_builder);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
