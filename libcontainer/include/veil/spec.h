/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * struct veil_spec: an OCI runtime-spec 1.3 config.json, typed and validated.
 *
 * Conventions: strings are NULL when absent; string lists are NULL-terminated
 * arrays with a count; optional scalars are veil_opt_* with .set telling
 * whether the field was present.  Everything is owned by the spec and freed
 * by veil_spec_free().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { bool set; int64_t value; } veil_opt_i64;
typedef struct { bool set; uint64_t value; } veil_opt_u64;
typedef struct { bool set; bool value; } veil_opt_bool;

typedef struct veil_strv {
    char **v; /* NULL-terminated; NULL when the field is absent */
    size_t n;
} veil_strv;

typedef struct veil_kv {
    char *key;
    char *value;
} veil_kv;

typedef struct veil_kv_list {
    veil_kv *items;
    size_t n;
} veil_kv_list;

/* ---- process ----------------------------------------------------------- */

typedef struct veil_spec_rlimit {
    char *type; /* "RLIMIT_NOFILE" ... */
    int resource; /* RLIMIT_* value */
    uint64_t soft, hard;
} veil_spec_rlimit;

typedef struct veil_spec_capabilities {
    veil_strv bounding, effective, inheritable, permitted, ambient;
} veil_spec_capabilities;

typedef struct veil_spec_scheduler {
    char *policy; /* SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE */
    int policy_value;
    veil_opt_i64 nice;
    veil_opt_i64 priority;
    veil_strv flags; /* SCHED_FLAG_* */
    uint64_t flags_value;
    veil_opt_u64 runtime, deadline, period;
} veil_spec_scheduler;

typedef struct veil_spec_io_priority {
    char *class; /* IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE */
    int class_value;
    int64_t priority;
} veil_spec_io_priority;

typedef struct veil_spec_user {
    uint32_t uid, gid;
    veil_opt_u64 umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username;
} veil_spec_user;

typedef struct veil_spec_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height, console_width;
    veil_spec_user user;
    veil_strv args;
    char *command_line; /* Windows only; kept, unused */
    veil_strv env;
    char *cwd;
    veil_spec_capabilities *capabilities; /* NULL when absent */
    veil_spec_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    char *apparmor_profile;
    veil_opt_i64 oom_score_adj;
    veil_spec_scheduler *scheduler;
    char *selinux_label;
    veil_spec_io_priority *io_priority;
    char *exec_cpu_affinity_initial;
    char *exec_cpu_affinity_final;
} veil_spec_process;

/* ---- root, mounts, hooks ----------------------------------------------- */

typedef struct veil_spec_idmap {
    uint32_t container_id, host_id, size;
} veil_spec_idmap;

typedef struct veil_spec_mount {
    char *destination;
    char *type;
    char *source;
    veil_strv options;
    veil_spec_idmap *uid_mappings;
    size_t n_uid_mappings;
    veil_spec_idmap *gid_mappings;
    size_t n_gid_mappings;
} veil_spec_mount;

typedef struct veil_spec_hook {
    char *path;
    veil_strv args;
    veil_strv env;
    veil_opt_i64 timeout; /* seconds, > 0 */
} veil_spec_hook;

typedef struct veil_spec_hook_list {
    veil_spec_hook *items;
    size_t n;
} veil_spec_hook_list;

typedef struct veil_spec_hooks {
    veil_spec_hook_list prestart, create_runtime, create_container, start_container, poststart,
        poststop;
} veil_spec_hooks;

/* ---- linux ------------------------------------------------------------- */

typedef enum veil_ns_type {
    VEIL_NS_PID,
    VEIL_NS_NETWORK,
    VEIL_NS_MOUNT,
    VEIL_NS_IPC,
    VEIL_NS_UTS,
    VEIL_NS_USER,
    VEIL_NS_CGROUP,
    VEIL_NS_TIME,
    VEIL_NS__COUNT
} veil_ns_type;

typedef struct veil_spec_namespace {
    veil_ns_type type;
    char *path; /* NULL: create a new one */
} veil_spec_namespace;

typedef struct veil_spec_time_offset {
    veil_opt_i64 secs;
    veil_opt_u64 nanosecs;
} veil_spec_time_offset;

typedef struct veil_spec_device {
    char type; /* 'c', 'b', 'u', 'p' */
    char *path;
    veil_opt_i64 major, minor;
    veil_opt_u64 file_mode;
    veil_opt_u64 uid, gid;
} veil_spec_device;

typedef struct veil_spec_device_rule {
    bool allow;
    char type; /* 'a', 'c', 'b'; 0 when absent (= all) */
    veil_opt_i64 major, minor;
    char *access; /* subset of "rwm", NULL = all */
} veil_spec_device_rule;

typedef struct veil_spec_memory {
    veil_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
    veil_opt_u64 swappiness;
    veil_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
} veil_spec_memory;

typedef struct veil_spec_cpu {
    veil_opt_u64 shares;
    veil_opt_i64 quota;
    veil_opt_u64 burst;
    veil_opt_u64 period;
    veil_opt_i64 realtime_runtime;
    veil_opt_u64 realtime_period;
    char *cpus;
    char *mems;
    veil_opt_i64 idle;
} veil_spec_cpu;

typedef struct veil_spec_weight_device {
    int64_t major, minor;
    veil_opt_u64 weight, leaf_weight;
} veil_spec_weight_device;

typedef struct veil_spec_throttle_device {
    int64_t major, minor;
    uint64_t rate;
} veil_spec_throttle_device;

typedef struct veil_spec_throttle_list {
    veil_spec_throttle_device *items;
    size_t n;
} veil_spec_throttle_list;

typedef struct veil_spec_blockio {
    veil_opt_u64 weight, leaf_weight;
    veil_spec_weight_device *weight_devices;
    size_t n_weight_devices;
    veil_spec_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops,
        throttle_write_iops;
} veil_spec_blockio;

typedef struct veil_spec_hugepage_limit {
    char *page_size; /* "2MB", "1GB" */
    uint64_t limit;
} veil_spec_hugepage_limit;

typedef struct veil_spec_net_priority {
    char *name;
    uint32_t priority;
} veil_spec_net_priority;

typedef struct veil_spec_network {
    veil_opt_u64 class_id;
    veil_spec_net_priority *priorities;
    size_t n_priorities;
} veil_spec_network;

typedef struct veil_spec_rdma {
    char *device;
    veil_opt_u64 hca_handles, hca_objects;
} veil_spec_rdma;

typedef struct veil_spec_resources {
    veil_spec_device_rule *devices;
    size_t n_devices;
    veil_spec_memory *memory;
    veil_spec_cpu *cpu;
    veil_spec_blockio *block_io;
    veil_spec_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    veil_spec_network *network;
    bool has_pids;
    int64_t pids_limit;
    veil_spec_rdma *rdma;
    size_t n_rdma;
    veil_kv_list unified;
} veil_spec_resources;

typedef struct veil_spec_intel_rdt {
    char *clos_id;
    char *l3_cache_schema;
    char *mem_bw_schema;
    veil_strv schemata;
    veil_opt_bool enable_monitoring;
} veil_spec_intel_rdt;

typedef struct veil_spec_seccomp_arg {
    uint32_t index;
    uint64_t value;
    veil_opt_u64 value_two;
    char *op; /* SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ */
} veil_spec_seccomp_arg;

typedef struct veil_spec_syscall {
    veil_strv names;
    char *action;
    veil_opt_u64 errno_ret;
    veil_spec_seccomp_arg *args;
    size_t n_args;
} veil_spec_syscall;

typedef struct veil_spec_seccomp {
    char *default_action;
    veil_opt_u64 default_errno_ret;
    veil_strv architectures;
    veil_strv flags;
    char *listener_path;
    char *listener_metadata;
    veil_spec_syscall *syscalls;
    size_t n_syscalls;
} veil_spec_seccomp;

typedef struct veil_spec_personality {
    char *domain; /* LINUX, LINUX32 */
    veil_strv flags;
} veil_spec_personality;

typedef struct veil_spec_net_device {
    char *host_name; /* the key of linux.netDevices */
    char *name;      /* name inside the container; NULL = same */
} veil_spec_net_device;

typedef struct veil_spec_memory_policy {
    char *mode; /* MPOL_DEFAULT, MPOL_BIND, ... */
    int mode_value;
    char *nodes;
    veil_strv flags;
    unsigned flags_value;
} veil_spec_memory_policy;

typedef struct veil_spec_linux {
    veil_spec_namespace *namespaces;
    size_t n_namespaces;
    veil_spec_idmap *uid_mappings;
    size_t n_uid_mappings;
    veil_spec_idmap *gid_mappings;
    size_t n_gid_mappings;
    bool has_time_offsets;
    veil_spec_time_offset time_monotonic, time_boottime;
    veil_spec_device *devices;
    size_t n_devices;
    char *cgroups_path;
    veil_spec_resources *resources;
    veil_spec_intel_rdt *intel_rdt;
    veil_kv_list sysctl;
    veil_spec_seccomp *seccomp;
    char *rootfs_propagation;
    veil_strv masked_paths;
    veil_strv readonly_paths;
    char *mount_label;
    veil_spec_personality *personality;
    veil_spec_net_device *net_devices;
    size_t n_net_devices;
    veil_spec_memory_policy *memory_policy;
} veil_spec_linux;

/* ---- the whole config -------------------------------------------------- */

typedef struct veil_spec {
    char *oci_version;
    bool has_root;
    char *root_path;
    bool root_readonly;
    veil_spec_process *process; /* NULL when absent */
    char *hostname;
    char *domainname;
    veil_spec_mount *mounts;
    size_t n_mounts;
    veil_spec_hooks hooks;
    veil_kv_list annotations;
    veil_spec_linux *linux_; /* NULL when absent ("linux" is a predefined macro) */
} veil_spec;

/* Parses a config document.  `name` prefixes error messages ("config.json").
 * Errors name the JSON path: "config.json: linux.resources.memory.limit:
 * expected an integer, got \"64M\"". */
veil_spec *veil_spec_parse(const char *buf, size_t len, const char *name, veil_error **err);
/* Reads and parses a file (size-bounded). */
veil_spec *veil_spec_load(const char *path, veil_error **err);
/* The same, also handing back the bytes read (malloc'd, not NUL-terminated;
 * *raw_len bytes) when parsing succeeded: create keeps a copy of the config. */
veil_spec *veil_spec_load_raw(const char *path, char **raw, size_t *raw_len, veil_error **err);
/* Parses `linux.resources`-shaped JSON (for `veil update --resources`). */
veil_spec_resources *veil_spec_parse_resources(const char *buf, size_t len, const char *name,
                                               veil_error **err);
/* linux.resources as compact JSON that veil_spec_parse_resources reads
 * back.  With `over`, `base` updated by it the way `veil update` merges:
 * each value `over` has replaces base's; per-device, per-page-size,
 * per-interface and per-key entries replace base's entry for the same
 * device, size, interface or key and add to the others; device rules stay
 * base's.  Either may be NULL. */
char *veil_spec_resources_to_json(const veil_spec_resources *base,
                                  const veil_spec_resources *over, veil_error **err);
/* Parses a `process` object (for `veil exec --process`). */
veil_spec_process *veil_spec_parse_process(const char *buf, size_t len, const char *name,
                                           veil_error **err);
/* Reads and parses a `process` file (size-bounded like veil_spec_load). */
veil_spec_process *veil_spec_load_process(const char *path, veil_error **err);
void veil_spec_free(veil_spec *spec);
void veil_spec_resources_free(veil_spec_resources *r);
void veil_spec_process_free(veil_spec_process *p);

/* Names for enums. */
const char *veil_ns_type_name(veil_ns_type t); /* "pid", "network", ... */
int veil_ns_type_from_name(const char *name, veil_ns_type *out);

#ifdef __cplusplus
}
#endif
