/* SPDX-License-Identifier: Apache-2.0 */
/* config.json parser: valid fixtures field by field, invalid fixtures with
 * their exact messages (tests/data/spec/invalid/NAME.json + NAME.err), and
 * the `exec --process` and `update --resources` documents.  Versions and
 * hostile inputs are in test_spec_input.c. */
#include <check.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <veil/spec.h>

#include "tests/support/run_suite.h"

#define VALID_DIR VEIL_TEST_DATA "/spec/valid"
#define INVALID_DIR VEIL_TEST_DATA "/spec/invalid"

static veil_spec *load_valid(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", VALID_DIR, name);
    veil_error *err = NULL;
    veil_spec *s = veil_spec_load(path, &err);
    ck_assert_msg(s != NULL, "%s: %s", name, err && err->msg ? err->msg : "?");
    veil_error_free(err);
    return s;
}

static void assert_strv(const veil_strv *v, size_t n, const char *const *want)
{
    ck_assert_ptr_nonnull(v->v);
    ck_assert_uint_eq(v->n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(v->v[i], want[i]);
    ck_assert_ptr_null(v->v[n]);
}
#define STRV(v, ...)                                                           \
    do {                                                                       \
        static const char *const w_[] = {__VA_ARGS__};                         \
        assert_strv((v), sizeof(w_) / sizeof(w_[0]), w_);                      \
    } while (0)

#define OPT_EQ(o, val)                                                         \
    do {                                                                       \
        ck_assert((o).set);                                                    \
        ck_assert((o).value == (val));                                         \
    } while (0)

/* ---- valid fixtures -------------------------------------------------- */

START_TEST(valid_minimal)
{
    veil_spec *s = load_valid("minimal.json");
    ck_assert_str_eq(s->oci_version, "1.0.0");
    ck_assert(!s->has_root);
    ck_assert_ptr_null(s->root_path);
    ck_assert(!s->root_readonly);
    ck_assert_ptr_null(s->process);
    ck_assert_ptr_null(s->hostname);
    ck_assert_ptr_null(s->domainname);
    ck_assert_ptr_null(s->mounts);
    ck_assert_uint_eq(s->n_mounts, 0);
    ck_assert_uint_eq(s->hooks.prestart.n + s->hooks.create_runtime.n +
                          s->hooks.create_container.n + s->hooks.start_container.n +
                          s->hooks.poststart.n + s->hooks.poststop.n,
                      0);
    ck_assert_uint_eq(s->annotations.n, 0);
    ck_assert_ptr_null(s->linux_);
    veil_spec_free(s);
}
END_TEST

START_TEST(valid_runc_default)
{
    veil_spec *s = load_valid("runc-default.json");
    ck_assert_str_eq(s->oci_version, "1.2.0");
    ck_assert(s->has_root);
    ck_assert_str_eq(s->root_path, "rootfs");
    ck_assert(s->root_readonly);
    veil_spec_process *p = s->process;
    ck_assert_ptr_nonnull(p);
    ck_assert(p->terminal);
    ck_assert(!p->has_console_size);
    ck_assert_uint_eq(p->user.uid, 0);
    ck_assert_ptr_null(p->user.additional_gids);
    ck_assert(!p->user.umask.set);
    STRV(&p->args, "sh");
    ck_assert_str_eq(p->cwd, "/");
    ck_assert_ptr_null(p->capabilities->inheritable.v); /* absent, not empty */
    ck_assert_ptr_null(p->capabilities->ambient.v);
    ck_assert(!p->oom_score_adj.set);
    ck_assert(p->no_new_privileges);
    ck_assert_ptr_null(p->scheduler);
    ck_assert_ptr_null(p->io_priority);
    ck_assert_uint_eq(s->n_mounts, 7);
    ck_assert_str_eq(s->mounts[6].destination, "/sys/fs/cgroup");
    STRV(&s->mounts[5].options, "nosuid", "noexec", "nodev", "ro");
    ck_assert_ptr_null(s->mounts[0].options.v);
    ck_assert_uint_eq(s->linux_->n_namespaces, 6);
    ck_assert_int_eq(s->linux_->namespaces[5].type, VEIL_NS_CGROUP);
    ck_assert_uint_eq(s->linux_->masked_paths.n, 10);
    ck_assert_uint_eq(s->linux_->readonly_paths.n, 5);
    ck_assert_uint_eq(s->linux_->resources->n_devices, 1);
    ck_assert(!s->linux_->resources->devices[0].allow);
    ck_assert_int_eq(s->linux_->resources->devices[0].type, 0);
    ck_assert(!s->linux_->resources->devices[0].major.set);
    ck_assert_ptr_null(s->linux_->seccomp);
    ck_assert_ptr_null(s->linux_->resources->memory);
    ck_assert(!s->linux_->resources->has_pids);
    veil_spec_free(s);
}
END_TEST

START_TEST(valid_process)
{
    veil_spec *s = load_valid("process.json");
    veil_spec_process *p = s->process;
    ck_assert(p->terminal);
    ck_assert(p->has_console_size);
    ck_assert_uint_eq(p->console_height, 25);
    ck_assert_uint_eq(p->console_width, 80);
    ck_assert_uint_eq(p->user.uid, 1000);
    ck_assert_uint_eq(p->user.gid, 1001);
    OPT_EQ(p->user.umask, 18);
    ck_assert_uint_eq(p->user.n_additional_gids, 2);
    ck_assert_uint_eq(p->user.additional_gids[0], 5);
    ck_assert_uint_eq(p->user.additional_gids[1], 4294967295u);
    ck_assert_str_eq(p->user.username, "only-used-on-windows");
    STRV(&p->args, "/bin/sh", "-c", "echo \"hi\" \xc3\xa9");
    ck_assert_str_eq(p->command_line, "sh.exe /c echo");
    STRV(&p->env, "PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY=");
    ck_assert_str_eq(p->cwd, "/home/user");
    ck_assert_ptr_nonnull(p->capabilities);
    STRV(&p->capabilities->bounding, "CAP_CHOWN", "CAP_KILL");
    STRV(&p->capabilities->effective, "CAP_KILL");
    ck_assert_ptr_nonnull(p->capabilities->inheritable.v); /* present and empty */
    ck_assert_uint_eq(p->capabilities->inheritable.n, 0);
    STRV(&p->capabilities->permitted, "CAP_CHOWN", "CAP_KILL");
    STRV(&p->capabilities->ambient, "CAP_NET_RAW");
    ck_assert_uint_eq(p->n_rlimits, 2);
    ck_assert_str_eq(p->rlimits[0].type, "RLIMIT_NOFILE");
    ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
    ck_assert_uint_eq(p->rlimits[0].soft, 1024);
    ck_assert_uint_eq(p->rlimits[0].hard, 4096);
    ck_assert_str_eq(p->rlimits[1].type, "RLIMIT_CORE");
    ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_CORE);
    ck_assert_uint_eq(p->rlimits[1].soft, 0);
    ck_assert(p->rlimits[1].hard == UINT64_MAX);
    ck_assert(p->no_new_privileges);
    ck_assert_str_eq(p->apparmor_profile, "veil-default");
    OPT_EQ(p->oom_score_adj, -1000);
    veil_spec_scheduler *sc = p->scheduler;
    ck_assert_ptr_nonnull(sc);
    ck_assert_str_eq(sc->policy, "SCHED_DEADLINE");
    ck_assert_int_eq(sc->policy_value, 6);
    OPT_EQ(sc->nice, -5);
    OPT_EQ(sc->priority, 0);
    STRV(&sc->flags, "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_DL_OVERRUN");
    ck_assert_uint_eq(sc->flags_value, 0x01 | 0x04);
    OPT_EQ(sc->runtime, 10000000);
    OPT_EQ(sc->deadline, 20000000);
    OPT_EQ(sc->period, 30000000);
    ck_assert_str_eq(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
    ck_assert_ptr_nonnull(p->io_priority);
    ck_assert_str_eq(p->io_priority->class, "IOPRIO_CLASS_BE");
    ck_assert_int_eq(p->io_priority->class_value, 2);
    ck_assert_int_eq(p->io_priority->priority, 7);
    ck_assert_str_eq(p->exec_cpu_affinity_initial, "7");
    ck_assert_str_eq(p->exec_cpu_affinity_final, "0-3,7");
    veil_spec_free(s);
}
END_TEST

static void assert_idmap(const veil_spec_idmap *m, uint32_t c, uint32_t h, uint32_t n)
{
    ck_assert_uint_eq(m->container_id, c);
    ck_assert_uint_eq(m->host_id, h);
    ck_assert_uint_eq(m->size, n);
}

START_TEST(valid_mounts_hooks)
{
    veil_spec *s = load_valid("mounts-hooks.json");
    ck_assert_str_eq(s->oci_version, "1.1.0");
    ck_assert(s->has_root);
    ck_assert_str_eq(s->root_path, "/var/lib/veil/rootfs");
    ck_assert(!s->root_readonly);
    ck_assert_str_eq(s->hostname, "box");
    ck_assert_str_eq(s->domainname, "example.test");

    ck_assert_uint_eq(s->n_mounts, 3);
    veil_spec_mount *m = s->mounts;
    ck_assert_str_eq(m[0].destination, "/proc");
    ck_assert_str_eq(m[0].type, "proc");
    ck_assert_str_eq(m[0].source, "proc");
    ck_assert_ptr_null(m[0].uid_mappings);
    ck_assert_str_eq(m[1].destination, "/data");
    ck_assert_str_eq(m[1].type, "none");
    ck_assert_str_eq(m[1].source, "/srv/data");
    STRV(&m[1].options, "rbind", "ro", "idmap");
    ck_assert_uint_eq(m[1].n_uid_mappings, 1);
    assert_idmap(&m[1].uid_mappings[0], 0, 100000, 65536);
    ck_assert_uint_eq(m[1].n_gid_mappings, 2);
    assert_idmap(&m[1].gid_mappings[0], 0, 200000, 1000);
    assert_idmap(&m[1].gid_mappings[1], 1000, 300000, 1);
    ck_assert_str_eq(m[2].destination, "relative/dir"); /* deprecated, allowed */
    ck_assert_ptr_null(m[2].type);
    ck_assert_ptr_nonnull(m[2].options.v);
    ck_assert_uint_eq(m[2].options.n, 0);

    veil_spec_hooks *h = &s->hooks;
    ck_assert_uint_eq(h->prestart.n, 1);
    ck_assert_str_eq(h->prestart.items[0].path, "/usr/bin/old-style");
    ck_assert_ptr_null(h->prestart.items[0].args.v);
    ck_assert(!h->prestart.items[0].timeout.set);
    ck_assert_uint_eq(h->create_runtime.n, 2);
    ck_assert_str_eq(h->create_runtime.items[0].path, "/usr/bin/net-setup");
    STRV(&h->create_runtime.items[0].args, "net-setup", "--bridge", "br0");
    STRV(&h->create_runtime.items[0].env, "A=1");
    OPT_EQ(h->create_runtime.items[0].timeout, 5);
    ck_assert_str_eq(h->create_runtime.items[1].path, "/usr/bin/second");
    ck_assert_uint_eq(h->create_container.n, 1);
    OPT_EQ(h->create_container.items[0].timeout, 2147483647);
    ck_assert_uint_eq(h->start_container.n, 1);
    ck_assert_str_eq(h->start_container.items[0].path, "/bin/inside");
    ck_assert_uint_eq(h->poststart.n, 1);
    ck_assert_uint_eq(h->poststart.items[0].env.n, 0);
    ck_assert_uint_eq(h->poststop.n, 1);
    STRV(&h->poststop.items[0].args, "cleanup", "-f");

    /* a repeated key keeps its last value, once */
    ck_assert_uint_eq(s->annotations.n, 4);
    const char *want[][2] = {{"com.example.key", "value"},
                             {"com.example.empty", ""},
                             {"org.opencontainers.image.stopSignal", "SIGTERM"},
                             {"com.example.dup", "second"}};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(s->annotations.items[i].key, want[i][0]);
        ck_assert_str_eq(s->annotations.items[i].value, want[i][1]);
    }
    veil_spec_free(s);
}
END_TEST

START_TEST(valid_linux)
{
    veil_spec *s = load_valid("linux.json");
    veil_spec_linux *l = s->linux_;
    ck_assert_ptr_nonnull(l);
    static const veil_ns_type order[] = {VEIL_NS_PID, VEIL_NS_NETWORK, VEIL_NS_MOUNT,
                                         VEIL_NS_IPC, VEIL_NS_UTS,     VEIL_NS_USER,
                                         VEIL_NS_CGROUP, VEIL_NS_TIME};
    ck_assert_uint_eq(l->n_namespaces, 8);
    for (size_t i = 0; i < 8; i++) {
        ck_assert_int_eq(l->namespaces[i].type, order[i]);
        if (i != 1)
            ck_assert_ptr_null(l->namespaces[i].path);
    }
    ck_assert_str_eq(l->namespaces[1].path, "/var/run/netns/blue");
    ck_assert_uint_eq(l->n_uid_mappings, 2);
    assert_idmap(&l->uid_mappings[0], 0, 1000, 1);
    assert_idmap(&l->uid_mappings[1], 1, 100000, 65536);
    ck_assert_uint_eq(l->n_gid_mappings, 1);
    assert_idmap(&l->gid_mappings[0], 0, 4294967294u, 1);
    ck_assert(l->has_time_offsets);
    OPT_EQ(l->time_monotonic.secs, -172800);
    OPT_EQ(l->time_monotonic.nanosecs, 999999999);
    OPT_EQ(l->time_boottime.secs, 604800);
    ck_assert(!l->time_boottime.nanosecs.set);

    ck_assert_uint_eq(l->n_devices, 4);
    veil_spec_device *d = l->devices;
    ck_assert_int_eq(d[0].type, 'c');
    ck_assert_str_eq(d[0].path, "/dev/fuse");
    OPT_EQ(d[0].major, 10);
    OPT_EQ(d[0].minor, 229);
    OPT_EQ(d[0].file_mode, 438);
    OPT_EQ(d[0].uid, 0);
    OPT_EQ(d[0].gid, 5);
    ck_assert_int_eq(d[1].type, 'b');
    OPT_EQ(d[1].major, 8);
    OPT_EQ(d[1].minor, 0);
    ck_assert(!d[1].file_mode.set);
    ck_assert(!d[1].uid.set);
    ck_assert(!d[1].gid.set);
    ck_assert_int_eq(d[2].type, 'u');
    ck_assert_int_eq(d[3].type, 'p');
    ck_assert_str_eq(d[3].path, "/run/fifo");
    ck_assert(!d[3].major.set);
    ck_assert(!d[3].minor.set);

    ck_assert_str_eq(l->cgroups_path, "/veil/box");
    ck_assert_ptr_null(l->resources);
    ck_assert_ptr_nonnull(l->intel_rdt);
    ck_assert_str_eq(l->intel_rdt->clos_id, "guaranteed");
    ck_assert_str_eq(l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
    ck_assert_str_eq(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
    STRV(&l->intel_rdt->schemata, "L2:0=f;1=f");
    OPT_EQ(l->intel_rdt->enable_monitoring, true);
    ck_assert_uint_eq(l->sysctl.n, 2);
    ck_assert_str_eq(l->sysctl.items[0].key, "net.ipv4.ip_forward");
    ck_assert_str_eq(l->sysctl.items[0].value, "1");
    ck_assert_str_eq(l->sysctl.items[1].key, "net.core.somaxconn");
    ck_assert_str_eq(l->sysctl.items[1].value, "256");
    ck_assert_ptr_null(l->seccomp);
    ck_assert_str_eq(l->rootfs_propagation, "slave");
    STRV(&l->masked_paths, "/proc/kcore", "/sys/firmware");
    STRV(&l->readonly_paths, "/proc/sys");
    ck_assert_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
    ck_assert_ptr_nonnull(l->personality);
    ck_assert_str_eq(l->personality->domain, "LINUX32");
    ck_assert_uint_eq(l->personality->flags.n, 0);
    ck_assert_uint_eq(l->n_net_devices, 2);
    ck_assert_str_eq(l->net_devices[0].host_name, "eth0");
    ck_assert_str_eq(l->net_devices[0].name, "ceth0");
    ck_assert_str_eq(l->net_devices[1].host_name, "macvlan1");
    ck_assert_ptr_null(l->net_devices[1].name);
    ck_assert_ptr_nonnull(l->memory_policy);
    ck_assert_str_eq(l->memory_policy->mode, "MPOL_INTERLEAVE");
    ck_assert_int_eq(l->memory_policy->mode_value, 3);
    ck_assert_str_eq(l->memory_policy->nodes, "0-3,7");
    STRV(&l->memory_policy->flags, "MPOL_F_STATIC_NODES", "MPOL_F_NUMA_BALANCING");
    ck_assert_uint_eq(l->memory_policy->flags_value, (1u << 15) | (1u << 13));
    veil_spec_free(s);
}
END_TEST

static void assert_throttle(const veil_spec_throttle_list *l, size_t i, int64_t ma, int64_t mi,
                            uint64_t rate)
{
    ck_assert_uint_gt(l->n, i);
    ck_assert_int_eq(l->items[i].major, ma);
    ck_assert_int_eq(l->items[i].minor, mi);
    ck_assert(l->items[i].rate == rate);
}

/* Shared by the config fixture and `update --resources`. */
static void assert_resources(const veil_spec_resources *r)
{
    ck_assert_uint_eq(r->n_devices, 4);
    ck_assert(!r->devices[0].allow);
    ck_assert_int_eq(r->devices[0].type, 0);
    ck_assert_str_eq(r->devices[0].access, "rwm");
    ck_assert(r->devices[1].allow);
    ck_assert_int_eq(r->devices[1].type, 'c');
    OPT_EQ(r->devices[1].major, 10);
    OPT_EQ(r->devices[1].minor, 229);
    ck_assert_str_eq(r->devices[1].access, "rw");
    ck_assert_int_eq(r->devices[2].type, 'b');
    OPT_EQ(r->devices[2].minor, -1);
    ck_assert_ptr_null(r->devices[2].access);
    ck_assert_int_eq(r->devices[3].type, 'a');
    ck_assert(!r->devices[3].major.set);

    veil_spec_memory *m = r->memory;
    ck_assert_ptr_nonnull(m);
    OPT_EQ(m->limit, 536870912);
    OPT_EQ(m->reservation, 268435456);
    OPT_EQ(m->swap, -1);
    OPT_EQ(m->kernel, -1);
    OPT_EQ(m->kernel_tcp, 0);
    OPT_EQ(m->swappiness, 60);
    OPT_EQ(m->disable_oom_killer, true);
    OPT_EQ(m->use_hierarchy, false);
    OPT_EQ(m->check_before_update, true);

    veil_spec_cpu *c = r->cpu;
    ck_assert_ptr_nonnull(c);
    OPT_EQ(c->shares, 1024);
    OPT_EQ(c->quota, 100000);
    OPT_EQ(c->burst, 50000);
    OPT_EQ(c->period, 100000);
    OPT_EQ(c->realtime_runtime, 950000);
    OPT_EQ(c->realtime_period, 1000000);
    ck_assert_str_eq(c->cpus, "2-3");
    ck_assert_str_eq(c->mems, "0");
    OPT_EQ(c->idle, 1);

    veil_spec_blockio *b = r->block_io;
    ck_assert_ptr_nonnull(b);
    OPT_EQ(b->weight, 10);
    OPT_EQ(b->leaf_weight, 65535);
    ck_assert_uint_eq(b->n_weight_devices, 2);
    ck_assert_int_eq(b->weight_devices[0].major, 8);
    ck_assert_int_eq(b->weight_devices[0].minor, 0);
    OPT_EQ(b->weight_devices[0].weight, 500);
    OPT_EQ(b->weight_devices[0].leaf_weight, 300);
    ck_assert_int_eq(b->weight_devices[1].minor, 16);
    ck_assert(!b->weight_devices[1].weight.set);
    OPT_EQ(b->weight_devices[1].leaf_weight, 200);
    ck_assert_uint_eq(b->throttle_read_bps.n, 1);
    assert_throttle(&b->throttle_read_bps, 0, 8, 0, 600);
    assert_throttle(&b->throttle_write_bps, 0, 8, 1, UINT64_MAX);
    assert_throttle(&b->throttle_read_iops, 0, 8, 2, 100);
    ck_assert_uint_eq(b->throttle_write_iops.n, 2);
    assert_throttle(&b->throttle_write_iops, 0, 8, 16, 300);
    assert_throttle(&b->throttle_write_iops, 1, 9, 0, 0);

    ck_assert_uint_eq(r->n_hugepage_limits, 2);
    ck_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
    ck_assert_uint_eq(r->hugepage_limits[0].limit, 209715200);
    ck_assert_str_eq(r->hugepage_limits[1].page_size, "1GB");
    ck_assert_uint_eq(r->hugepage_limits[1].limit, 0);

    ck_assert_ptr_nonnull(r->network);
    OPT_EQ(r->network->class_id, 1048577);
    ck_assert_uint_eq(r->network->n_priorities, 2);
    ck_assert_str_eq(r->network->priorities[0].name, "eth0");
    ck_assert_uint_eq(r->network->priorities[0].priority, 500);
    ck_assert_str_eq(r->network->priorities[1].name, "eth1");
    ck_assert_uint_eq(r->network->priorities[1].priority, 4294967295u);

    ck_assert(r->has_pids);
    ck_assert_int_eq(r->pids_limit, 32771);

    ck_assert_uint_eq(r->n_rdma, 2);
    ck_assert_str_eq(r->rdma[0].device, "mlx5_1");
    OPT_EQ(r->rdma[0].hca_handles, 3);
    OPT_EQ(r->rdma[0].hca_objects, 10000);
    ck_assert_str_eq(r->rdma[1].device, "mlx4_0");
    ck_assert(!r->rdma[1].hca_handles.set);
    OPT_EQ(r->rdma[1].hca_objects, 1000);

    ck_assert_uint_eq(r->unified.n, 2);
    ck_assert_str_eq(r->unified.items[0].key, "io.max");
    ck_assert_str_eq(r->unified.items[0].value,
                     "259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120");
    ck_assert_str_eq(r->unified.items[1].key, "memory.high");
    ck_assert_str_eq(r->unified.items[1].value, "max");
}

START_TEST(valid_resources)
{
    veil_spec *s = load_valid("resources.json");
    ck_assert_ptr_nonnull(s->linux_->resources);
    assert_resources(s->linux_->resources);
    veil_spec_free(s);
}
END_TEST

START_TEST(valid_seccomp)
{
    veil_spec *s = load_valid("seccomp.json");
    veil_spec_seccomp *sc = s->linux_->seccomp;
    ck_assert_ptr_nonnull(sc);
    ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
    OPT_EQ(sc->default_errno_ret, 38);
    STRV(&sc->architectures, "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    STRV(&sc->flags, "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
    ck_assert_str_eq(sc->listener_path, "/run/seccomp-agent.sock");
    ck_assert_str_eq(sc->listener_metadata, "MKNOD=/dev/null");
    ck_assert_uint_eq(sc->n_syscalls, 4);
    veil_spec_syscall *sys = sc->syscalls;
    STRV(&sys[0].names, "read", "write", "exit_group");
    ck_assert_str_eq(sys[0].action, "SCMP_ACT_ALLOW");
    ck_assert(!sys[0].errno_ret.set);
    ck_assert_uint_eq(sys[0].n_args, 0);
    ck_assert_ptr_null(sys[0].args);
    STRV(&sys[1].names, "mkdir");
    ck_assert_str_eq(sys[1].action, "SCMP_ACT_ERRNO");
    OPT_EQ(sys[1].errno_ret, 1);
    ck_assert_uint_eq(sys[2].n_args, 2);
    ck_assert_uint_eq(sys[2].args[0].index, 0);
    ck_assert_uint_eq(sys[2].args[0].value, 8);
    ck_assert(!sys[2].args[0].value_two.set);
    ck_assert_str_eq(sys[2].args[0].op, "SCMP_CMP_EQ");
    ck_assert_uint_eq(sys[2].args[1].index, 5);
    ck_assert(sys[2].args[1].value == UINT64_MAX);
    OPT_EQ(sys[2].args[1].value_two, 4294967295u);
    ck_assert_str_eq(sys[2].args[1].op, "SCMP_CMP_MASKED_EQ");
    ck_assert_str_eq(sys[3].action, "SCMP_ACT_NOTIFY");
    veil_spec_free(s);
}
END_TEST

START_TEST(valid_unknown_properties)
{
    veil_spec *s = load_valid("unknown-properties.json");
    ck_assert_str_eq(s->oci_version, "1.0.2-dev");
    ck_assert_str_eq(s->root_path, "rootfs");
    STRV(&s->process->args, "true");
    ck_assert_uint_eq(s->n_mounts, 1);
    ck_assert_ptr_nonnull(s->linux_->resources->memory);
    ck_assert(!s->linux_->resources->memory->limit.set);
    ck_assert(!s->linux_->intel_rdt->enable_monitoring.set);
    ck_assert_str_eq(s->linux_->seccomp->default_action, "SCMP_ACT_ALLOW");
    veil_spec_free(s);
}
END_TEST

/* Every valid fixture is covered by a test above. */
START_TEST(valid_fixtures_all_tested)
{
    static const char *const tested[] = {"minimal.json",   "runc-default.json",
                                         "process.json",   "mounts-hooks.json",
                                         "linux.json",     "resources.json",
                                         "seccomp.json",   "unknown-properties.json"};
    DIR *d = opendir(VALID_DIR);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < sizeof(tested) / sizeof(tested[0]); i++)
            found |= strcmp(e->d_name, tested[i]) == 0;
        ck_assert_msg(found, "valid fixture %s has no test in test_spec.c", e->d_name);
        n++;
    }
    closedir(d);
    ck_assert_uint_eq(n, sizeof(tested) / sizeof(tested[0]));
}
END_TEST

/* ---- invalid fixtures: NAME.json must fail with exactly NAME.err --------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
        size_t r = fread(buf + n, 1, 4096, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

START_TEST(invalid_fixtures)
{
    DIR *d = opendir(INVALID_DIR);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t n = 0, failed = 0;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".err") == 0)
            continue;
        ck_assert_msg(strcmp(e->d_name + nl - 5, ".json") == 0, "stray file %s", e->d_name);
        char path[4096], errpath[4096];
        snprintf(path, sizeof(path), "%s/%s", INVALID_DIR, e->d_name);
        snprintf(errpath, sizeof(errpath), "%s/%.*s.err", INVALID_DIR, (int)(nl - 5), e->d_name);
        size_t len, elen;
        char *json = read_file(path, &len);
        char *want = read_file(errpath, &elen);
        ck_assert_msg(json != NULL, "read %s", path);
        ck_assert_msg(want != NULL, "%s has no .err file next to it", e->d_name);
        while (elen > 0 && want[elen - 1] == '\n')
            want[--elen] = '\0';
        veil_error *err = NULL;
        veil_spec *s = veil_spec_parse(json, len, "config.json", &err);
        if (s != NULL) {
            fprintf(stderr, "%s: accepted, expected: %s\n", e->d_name, want);
            failed++;
        } else if (strcmp(err->msg, want) != 0) {
            fprintf(stderr, "%s:\n  got:      %s\n  expected: %s\n", e->d_name, err->msg, want);
            failed++;
        }
        veil_spec_free(s);
        veil_error_free(err);
        free(json);
        free(want);
        n++;
    }
    closedir(d);
    ck_assert_msg(n >= 60, "only %zu invalid fixtures", n);
    ck_assert_msg(failed == 0, "%zu of %zu invalid fixtures failed (see stderr)", failed, n);
}
END_TEST

/* Every .err has its .json. */
START_TEST(invalid_fixtures_paired)
{
    DIR *d = opendir(INVALID_DIR);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".err") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%.*s.json", INVALID_DIR, (int)(nl - 4), e->d_name);
        ck_assert_msg(access(path, R_OK) == 0, "%s has no .json", e->d_name);
    }
    closedir(d);
}
END_TEST

/* ---- exec --process and update --resources ---------------------------- */

START_TEST(process_document)
{
    const char *json = "{\"args\": [\"ps\", \"aux\"], \"cwd\": \"/srv\", \"terminal\": true, "
                       "\"user\": {\"uid\": 7, \"gid\": 8}, \"env\": [\"A=b\"], "
                       "\"rlimits\": [{\"type\": \"RLIMIT_NPROC\", \"soft\": 1, \"hard\": 2}]}";
    veil_error *err = NULL;
    veil_spec_process *p = veil_spec_parse_process(json, strlen(json), "process.json", &err);
    ck_assert_msg(p != NULL, "%s", err ? err->msg : "?");
    STRV(&p->args, "ps", "aux");
    ck_assert_str_eq(p->cwd, "/srv");
    ck_assert(p->terminal);
    ck_assert_uint_eq(p->user.uid, 7);
    ck_assert_uint_eq(p->user.gid, 8);
    STRV(&p->env, "A=b");
    ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NPROC);
    veil_spec_process_free(p);

    static const char *const bad[][2] = {
        {"{\"args\": [\"sh\"], \"cwd\": \"tmp\"}",
         "process.json: cwd: must be an absolute path, got \"tmp\""},
        {"{\"cwd\": \"/\"}", "process.json: args: required field is missing"},
        {"{\"args\": [], \"cwd\": \"/\"}", "process.json: args: must have at least one element"},
        {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": -1, \"gid\": 0}}",
         "process.json: user.uid: expected an integer in 0..4294967295, got -1"},
        {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_AS\", "
         "\"soft\": 1, \"hard\": 1}, {\"type\": \"RLIMIT_AS\", \"soft\": 1, \"hard\": 1}]}",
         "process.json: rlimits[1].type: duplicate rlimit \"RLIMIT_AS\" (also in rlimits[0])"},
        {"[1]", "process.json: expected an object, got an array"},
        {"{\"args\": [", "process.json: invalid JSON near byte 10: parse error: premature EOF"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        p = veil_spec_parse_process(bad[i][0], strlen(bad[i][0]), "process.json", &err);
        ck_assert_msg(p == NULL, "accepted %s", bad[i][0]);
        ck_assert_str_eq(err->msg, bad[i][1]);
        veil_error_free(err);
    }
    /* the default name */
    err = NULL;
    ck_assert_ptr_null(veil_spec_parse_process("{}", 2, NULL, &err));
    ck_assert_str_eq(err->msg, "process.json: args: required field is missing");
    veil_error_free(err);
}
END_TEST

/* create keeps the bytes it parsed; exec reads a process file like a config */
START_TEST(load_raw_and_process_file)
{
    char path[] = "/tmp/veil-test-spec-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *doc = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}\n";
    ck_assert_int_eq(write(fd, doc, strlen(doc)), (int)strlen(doc));
    close(fd);
    veil_error *err = NULL;
    char *raw = NULL;
    size_t len = 0;
    veil_spec *s = veil_spec_load_raw(path, &raw, &len, &err);
    ck_assert_msg(s != NULL, "%s", err ? err->msg : "");
    ck_assert_uint_eq(len, strlen(doc));
    ck_assert(memcmp(raw, doc, len) == 0);
    ck_assert_str_eq(s->root_path, "r");
    veil_spec_free(s);
    free(raw);

    /* a parse error hands nothing back */
    raw = NULL;
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, "{", 1), 1);
    close(fd);
    ck_assert_ptr_null(veil_spec_load_raw(path, &raw, &len, &err));
    ck_assert_ptr_null(raw);
    veil_error_free(err);
    err = NULL;

    fd = open(path, O_WRONLY | O_TRUNC);
    const char *proc = "{\"args\": [\"id\"], \"cwd\": \"/\"}";
    ck_assert_int_eq(write(fd, proc, strlen(proc)), (int)strlen(proc));
    close(fd);
    veil_spec_process *p = veil_spec_load_process(path, &err);
    ck_assert_msg(p != NULL, "%s", err ? err->msg : "");
    STRV(&p->args, "id");
    veil_spec_process_free(p);
    unlink(path);
    ck_assert_ptr_null(veil_spec_load_process(path, &err));
    char want[128];
    snprintf(want, sizeof(want), "open %s: No such file or directory", path);
    ck_assert_str_eq(err->msg, want);
    veil_error_free(err);
    err = NULL;
    ck_assert_ptr_null(veil_spec_load_process(VALID_DIR, &err));
    ck_assert_str_eq(err->msg, "read " VALID_DIR ": Is a directory");
    veil_error_free(err);
}
END_TEST

START_TEST(resources_document)
{
    /* the resources object of the fixture, alone */
    size_t len;
    char *json = read_file(VALID_DIR "/resources.json", &len);
    ck_assert_ptr_nonnull(json);
    char *start = strstr(json, "\"resources\": ");
    ck_assert_ptr_nonnull(start);
    start += strlen("\"resources\": ");
    char *end = strrchr(json, '}');
    for (int i = 0; i < 2; i++) /* drop the closing braces of linux and the document */
        end = memrchr(json, '}', (size_t)(end - json));
    veil_error *err = NULL;
    veil_spec_resources *r =
        veil_spec_parse_resources(start, (size_t)(end - start) + 1, "resources.json", &err);
    ck_assert_msg(r != NULL, "%s", err ? err->msg : "?");
    assert_resources(r);
    veil_spec_resources_free(r);
    free(json);

    static const char *const bad[][2] = {
        {"{\"memory\": {\"limit\": \"64M\"}}",
         "resources.json: memory.limit: expected an integer, got \"64M\""},
        {"{\"pids\": {\"limit\": -2}}",
         "resources.json: pids.limit: expected an integer in -1..9223372036854775807, got -2"},
        {"{\"unified\": {\"../x\": \"1\"}}",
         "resources.json: unified[\"../x\"]: must be a cgroup file name, without \"/\""},
        {"\"x\"", "resources.json: expected an object, got \"x\""},
        {"", "resources.json: empty document"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        r = veil_spec_parse_resources(bad[i][0], strlen(bad[i][0]), "resources.json", &err);
        ck_assert_msg(r == NULL, "accepted %s", bad[i][0]);
        ck_assert_str_eq(err->msg, bad[i][1]);
        veil_error_free(err);
    }
    err = NULL;
    r = veil_spec_parse_resources("{}", 2, NULL, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_null(r->memory);
    veil_spec_resources_free(r);
}
END_TEST

START_TEST(ns_names)
{
    for (int t = 0; t < VEIL_NS__COUNT; t++) {
        veil_ns_type back;
        ck_assert_int_eq(veil_ns_type_from_name(veil_ns_type_name((veil_ns_type)t), &back), 0);
        ck_assert_int_eq(back, t);
    }
    ck_assert_str_eq(veil_ns_type_name(VEIL_NS_NETWORK), "network");
    ck_assert_str_eq(veil_ns_type_name(VEIL_NS_TIME), "time");
    ck_assert_str_eq(veil_ns_type_name(VEIL_NS__COUNT), "?");
    veil_ns_type t;
    ck_assert_int_lt(veil_ns_type_from_name("net", &t), 0);
    ck_assert_int_lt(veil_ns_type_from_name(NULL, &t), 0);
    veil_spec_free(NULL);
    veil_spec_process_free(NULL);
    veil_spec_resources_free(NULL);
}
END_TEST

static Suite *spec_suite(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("valid");
    tcase_add_test(tc, valid_minimal);
    tcase_add_test(tc, valid_runc_default);
    tcase_add_test(tc, valid_process);
    tcase_add_test(tc, valid_mounts_hooks);
    tcase_add_test(tc, valid_linux);
    tcase_add_test(tc, valid_resources);
    tcase_add_test(tc, valid_seccomp);
    tcase_add_test(tc, valid_unknown_properties);
    tcase_add_test(tc, valid_fixtures_all_tested);
    tcase_add_test(tc, ns_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("invalid");
    tcase_add_test(tc, invalid_fixtures);
    tcase_add_test(tc, invalid_fixtures_paired);
    tcase_add_test(tc, process_document);
    tcase_add_test(tc, load_raw_and_process_file);
    tcase_add_test(tc, resources_document);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return test_run_suite(spec_suite());
}
