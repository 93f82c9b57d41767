/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * struct veil_plan: exactly what veil will ask of the kernel for one
 * container, decided without touching it.  Built from a veil_spec plus
 * runtime options by veil_plan_build() (pure: no system calls), printed by
 * veil_plan_to_json() (`veil plan`), consumed by linux/ and cgroup/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/error.h>
#include <veil/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum veil_cgroup_layout {
    VEIL_CGROUP_NONE = 0, /* no cgroup handling (unknown host, or disabled) */
    VEIL_CGROUP_V1,       /* legacy: one hierarchy per controller */
    VEIL_CGROUP_HYBRID,   /* v1 controllers plus a cgroup2 mount at <root>/unified */
    VEIL_CGROUP_V2,       /* unified hierarchy only */
} veil_cgroup_layout;

typedef struct veil_plan_options {
    const char *id;
    const char *bundle; /* absolute bundle directory */
    veil_cgroup_layout cgroup_layout;
    bool systemd_cgroup;
    bool rootless;
    bool no_pivot;
    bool no_new_keyring;
    unsigned preserve_fds;
    /* Which v1 controllers the host has mounted (bit per veil_cgroup_ctrl);
     * ignored on v2. */
    uint32_t v1_controllers;
    /* Controllers enabled on the v2 tree (bit per veil_cgroup_ctrl). */
    uint32_t v2_controllers;
} veil_plan_options;

/* ---- namespaces and id maps --------------------------------------------- */

typedef struct veil_plan_namespace {
    veil_ns_type type;
    char *path; /* NULL: new */
} veil_plan_namespace;

typedef struct veil_idmap_list {
    veil_spec_idmap *items;
    size_t n;
} veil_idmap_list;

/* ---- mounts -------------------------------------------------------------- */

typedef enum veil_mount_kind {
    VEIL_MOUNT_FS,      /* a new filesystem instance: proc, sysfs, tmpfs, devpts, mqueue, ... */
    VEIL_MOUNT_BIND,    /* bind (or rbind) of a host path */
    VEIL_MOUNT_OVERLAY, /* overlay with lower/upper/work resolved against the bundle */
    VEIL_MOUNT_CGROUP,  /* the cgroup filesystem, laid out like the host's */
} veil_mount_kind;

typedef struct veil_mount_step {
    veil_mount_kind kind;
    char *source;       /* binds: absolute host path; fs: the source string as given */
    char *destination;  /* absolute, cleaned path inside the container */
    char *type;         /* filesystem type; "bind" for binds */
    unsigned long flags;       /* MS_* for mount(2), without propagation */
    unsigned long clear_flags; /* MS_* flags the options explicitly clear (rw, suid, dev, exec...) */
    unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [| MS_REC], 0 = unchanged */
    uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* applied recursively with mount_setattr */
    char *data;                /* filesystem data, comma-separated; NULL if none */
    bool tmpcopyup;            /* copy the image's contents into the new tmpfs */
    bool idmap;                /* idmapped bind mount */
    bool idmap_recursive;      /* ridmap */
    veil_idmap_list uid_mappings, gid_mappings; /* for idmap; empty = the container's maps */
    /* overlay only, with paths made absolute and unescaped (lowerdir "a\:b" in the
     * options is "a:b" here): escape ":" again when joining them into data */
    char **overlay_lower;
    size_t n_overlay_lower;
    char *overlay_upper, *overlay_work;
} veil_mount_step;

typedef struct veil_device_node {
    char *path; /* absolute inside the container */
    char type;  /* 'c', 'b', 'p' ('u' is stored as 'c') */
    int64_t major, minor;
    uint32_t mode; /* permission bits */
    uint32_t uid, gid;
} veil_device_node;

/* ---- process -------------------------------------------------------------- */

typedef struct veil_plan_rlimit {
    int resource;
    uint64_t soft, hard;
} veil_plan_rlimit;

typedef struct veil_plan_caps {
    bool set; /* false: process.capabilities absent (all dropped) */
    uint64_t bounding, effective, inheritable, permitted, ambient;
} veil_plan_caps;

typedef struct veil_plan_scheduler {
    int policy;
    int32_t nice, priority;
    uint64_t flags;
    uint64_t runtime, deadline, period;
} veil_plan_scheduler;

typedef struct veil_plan_process {
    char **args; /* NULL-terminated */
    char **env;  /* NULL-terminated */
    char *cwd;
    uint32_t uid, gid;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    bool has_umask;
    uint32_t umask;
    bool terminal;
    bool has_console_size;
    uint32_t console_height, console_width;
    veil_plan_caps caps;
    bool no_new_privileges;
    bool has_oom_score_adj;
    int oom_score_adj;
    veil_plan_rlimit *rlimits;
    size_t n_rlimits;
    char *apparmor_profile;
    char *selinux_label;
    bool has_scheduler;
    veil_plan_scheduler scheduler;
    bool has_io_priority;
    int io_priority; /* class << 13 | level */
    char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
} veil_plan_process;

/* ---- cgroups -------------------------------------------------------------- */

typedef enum veil_cgroup_ctrl {
    VEIL_CG_CPU,
    VEIL_CG_CPUACCT,
    VEIL_CG_CPUSET,
    VEIL_CG_MEMORY,
    VEIL_CG_DEVICES,
    VEIL_CG_FREEZER,
    VEIL_CG_BLKIO, /* "io" on v2 */
    VEIL_CG_PIDS,
    VEIL_CG_HUGETLB,
    VEIL_CG_NET_CLS,
    VEIL_CG_NET_PRIO,
    VEIL_CG_PERF_EVENT,
    VEIL_CG_RDMA,
    VEIL_CG_MISC,
    VEIL_CG_SYSTEMD, /* name=systemd (v1 only, membership only) */
    VEIL_CG_UNIFIED, /* the cgroup2 tree itself (v2 files, hybrid membership) */
    VEIL_CG__COUNT
} veil_cgroup_ctrl;

/* How a write is carried out (bits of veil_cgroup_write.flags). */
#define VEIL_CGROUP_WRITE_IF_EXISTS 0x1u   /* a missing file (kernel lacks the knob) is skipped */
#define VEIL_CGROUP_WRITE_RETRY 0x2u       /* EINVAL: retry once after the other writes (value pairs
                                              such as quota/period or limit/memsw) */
#define VEIL_CGROUP_WRITE_CHECK_USAGE 0x4u /* refuse a memory limit below the current usage */
#define VEIL_CGROUP_WRITE_VERIFY 0x8u      /* read back: the kernel clamps some values silently */
#define VEIL_CGROUP_WRITE_PARENTS 0x10u    /* also write it, top-down, to the ancestors veil created
                                              (real-time budget must exist in every parent) */

typedef struct veil_cgroup_write {
    veil_cgroup_ctrl ctrl; /* which hierarchy on v1; VEIL_CG_UNIFIED on v2 */
    char *file;            /* e.g. "memory.limit_in_bytes" */
    char *value;           /* may hold several lines; each is written on its own */
    unsigned flags;        /* VEIL_CGROUP_WRITE_* */
    char *alt_file;        /* when `file` does not exist, alt_value goes to alt_file (NULL: none) */
    char *alt_value;
} veil_cgroup_write;

typedef struct veil_cgroup_plan {
    char *path;         /* cgroup path as given (or the default); may be relative */
    bool path_relative; /* relative to veil's own cgroup */
    veil_cgroup_write *writes; /* in the order they must be written */
    size_t n_writes;
    veil_spec_device_rule *device_rules; /* effective allow/deny list, in order */
    size_t n_device_rules;
    bool has_resources; /* linux.resources was present */
    char **warnings;    /* settings the host layout ignores (e.g. swappiness on v2) */
    size_t n_warnings;
} veil_cgroup_plan;

/* ---- seccomp ------------------------------------------------------------ */

typedef struct veil_seccomp_arg {
    unsigned index;
    int op; /* enum scmp_compare */
    uint64_t value, value_two;
} veil_seccomp_arg;

typedef struct veil_seccomp_rule {
    char **names; /* NULL-terminated */
    size_t n_names;
    uint32_t action; /* SCMP_ACT_* with the errno folded in */
    veil_seccomp_arg *args;
    size_t n_args;
    size_t spec_index; /* index in linux.seccomp.syscalls, for messages */
} veil_seccomp_rule;

typedef struct veil_seccomp_plan {
    uint32_t default_action;
    uint32_t *arches; /* SCMP_ARCH_* */
    size_t n_arches;
    unsigned flags; /* SECCOMP_FILTER_FLAG_* */
    /* The subset of flags applied only where the kernel has them: the
     * default SPEC_ALLOW when config.json lists no flags (as runc does). */
    unsigned flags_optional;
    veil_seccomp_rule *rules;
    size_t n_rules;
    char *listener_path;
    char *listener_metadata;
    bool uses_notify;
} veil_seccomp_plan;

/* ---- hooks -------------------------------------------------------------- */

typedef struct veil_plan_hook {
    char *path;
    char **args; /* NULL-terminated, may be NULL */
    char **env;  /* NULL-terminated, may be NULL */
    int timeout; /* seconds; 0 = none */
} veil_plan_hook;

typedef struct veil_plan_hook_list {
    veil_plan_hook *items;
    size_t n;
} veil_plan_hook_list;

typedef enum veil_hook_kind {
    VEIL_HOOK_PRESTART,
    VEIL_HOOK_CREATE_RUNTIME,
    VEIL_HOOK_CREATE_CONTAINER,
    VEIL_HOOK_START_CONTAINER,
    VEIL_HOOK_POSTSTART,
    VEIL_HOOK_POSTSTOP,
    VEIL_HOOK__COUNT
} veil_hook_kind;

/* ---- the plan ------------------------------------------------------------ */

typedef struct veil_plan {
    char *id;
    char *bundle;
    char *oci_version;
    veil_kv_list annotations;

    /* namespaces, in the order they are entered (joined ones first, user
     * first; see plan/namespaces.c); at most one per type */
    veil_plan_namespace *namespaces;
    size_t n_namespaces;
    veil_idmap_list uid_mappings, gid_mappings;
    bool has_time_offsets;
    int64_t time_monotonic_secs, time_boottime_secs;
    uint32_t time_monotonic_nsecs, time_boottime_nsecs;
    char *hostname, *domainname;

    /* root filesystem */
    char *rootfs;          /* absolute host path */
    bool rootfs_readonly;
    unsigned long rootfs_propagation; /* MS_* | MS_REC; default MS_SLAVE|MS_REC */
    bool no_pivot;
    veil_mount_step *mounts; /* in config order */
    size_t n_mounts;
    bool setup_dev; /* create default devices and /dev symlinks (false if /dev is a bind) */
    veil_device_node *devices; /* default devices then linux.devices */
    size_t n_devices;
    char **masked_paths;
    size_t n_masked_paths;
    char **readonly_paths;
    size_t n_readonly_paths;
    /* Keys in dotted form; a '/' stands for a '.' inside one name
     * ("net.ipv4.conf.eth0/100.rp_filter"): swap '.' and '/' for the path
     * under /proc/sys. */
    veil_kv_list sysctl;
    char *mount_label;

    veil_plan_process *process; /* NULL when config has no process */
    veil_cgroup_plan cgroup;
    veil_seccomp_plan *seccomp; /* NULL: no seccomp */
    veil_plan_hook_list hooks[VEIL_HOOK__COUNT];

    bool has_personality;
    unsigned long personality;
    veil_spec_net_device *net_devices; /* borrowed copies */
    size_t n_net_devices;
    bool has_memory_policy;
    int memory_policy_mode;
    unsigned memory_policy_flags;
    char *memory_policy_nodes;
    veil_spec_intel_rdt *intel_rdt; /* copied; NULL if absent */

    bool no_new_keyring;
    unsigned preserve_fds;

    /* Messages worth a warning (e.g. unknown capability names, skipped). */
    char **warnings;
    size_t n_warnings;
} veil_plan;

int veil_plan_build(const veil_spec *spec, const veil_plan_options *opts, veil_plan **out,
                    veil_error **err);
/* The plan of a process exec'd into a running container: `proc` (from
 * `exec --process`, or the config's process changed by exec's flags), with
 * what it leaves out taken from the container's config the way runc does
 * (capabilities, rlimits, AppArmor profile, SELinux label, scheduler, I/O
 * priority, execCPUAffinity, umask, oomScoreAdj), plus the container's
 * personality, memory policy and seccomp profile.  Namespaces, mounts and
 * cgroups are the running container's: the plan leaves them empty. */
int veil_plan_build_exec(const veil_spec *config, const veil_spec_process *proc,
                         const veil_plan_options *opts, veil_plan **out, veil_error **err);
void veil_plan_free(veil_plan *plan);
/* The plan as a JSON document (malloc'd, NUL-terminated). */
char *veil_plan_to_json(const veil_plan *plan, bool pretty, veil_error **err);

const char *veil_hook_kind_name(veil_hook_kind k); /* "prestart", "createRuntime", ... */
const char *veil_cgroup_ctrl_name(veil_cgroup_ctrl c); /* "cpu", "memory", ... "unified" */

/* Seccomp numbers -> config.json names ("SCMP_ACT_ERRNO", "SCMP_ARCH_X86_64",
 * "SCMP_CMP_MASKED_EQ", "SECCOMP_FILTER_FLAG_LOG"); NULL if unknown.  For
 * actions the errno/tracer data bits are ignored. */
const char *veil_seccomp_action_name(uint32_t action);
const char *veil_seccomp_arch_name(uint32_t arch);
const char *veil_seccomp_op_name(int op);
const char *veil_seccomp_flag_name(unsigned flag); /* one bit */

/* Capability names <-> numbers ("CAP_SYS_ADMIN"); -1 if unknown. */
int veil_cap_from_name(const char *name);
const char *veil_cap_name(int cap);
int veil_cap_last(void); /* highest capability veil knows by name */

#ifdef __cplusplus
}
#endif
