/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * cgroup/: one interface over the host's cgroup layout (v1, hybrid, v2).
 * The plan (plan/cgroup.c) decides which files get which values; this code
 * creates the directories, writes the files, moves processes, freezes,
 * reads stats, and removes what it created.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <veil/context.h>
#include <veil/error.h>
#include <veil/plan.h>

#define VEIL_CGROUP_ROOT "/sys/fs/cgroup"

typedef struct veil_cgroup veil_cgroup;

/* Cheap detection (a few statfs/stat calls, no mountinfo scan).  The
 * controller masks are bits of veil_cgroup_ctrl (either pointer may be
 * NULL); the v2 mask has VEIL_CG_UNIFIED set when a cgroup2 tree exists
 * and VEIL_CG_BLKIO for its "io" controller. */
veil_cgroup_layout veil_cgroup_detect(uint32_t *v1_controllers, uint32_t *v2_controllers);
/* All that detection finds, for passing on (one detection per command). */
typedef struct veil_cgroup_host {
    veil_cgroup_layout layout;
    uint32_t v1, v2;
    uint32_t v1_comounted; /* v1 controllers found at their co-mount directory */
} veil_cgroup_host;
void veil_cgroup_detect_host(veil_cgroup_host *host);
/* "v1", "hybrid", "v2", "none". */
const char *veil_cgroup_layout_name(veil_cgroup_layout layout);

/* Creates the container's cgroup in every hierarchy, applies plan->writes
 * and the device rules.  On failure nothing it created is left behind.
 * A relative plan->path is taken relative to veil's own cgroup in each
 * hierarchy (/proc/self/cgroup); on pure v2, like runc, relative to the
 * parent of veil's own cgroup (which holds processes and so cannot have
 * controllers enabled for a child).  ".." components are refused.
 * ctx->systemd_cgroup is refused (not supported yet). */
int veil_cgroup_create(const veil_context *ctx, const veil_cgroup_plan *plan,
                       veil_cgroup_layout layout, veil_cgroup **out, veil_error **err);
/* The same on a host detected before (veil_cgroup_detect_host).  With
 * defer_v1 the v1 hierarchies (v1 and hybrid hosts) are only resolved:
 * veil_cgroup_create_deferred makes them and applies their writes, while
 * the container's init sets up its mounts (spawn.c).  The cgroup2 tree is
 * always made here. */
int veil_cgroup_create_on(const veil_context *ctx, const veil_cgroup_plan *plan,
                          veil_cgroup_layout layout, const veil_cgroup_host *host, bool defer_v1,
                          veil_cgroup **out, veil_error **err);
/* Whether hierarchies wait for veil_cgroup_create_deferred. */
bool veil_cgroup_has_deferred(const veil_cgroup *cg);

/* The "tasks" files of the hierarchies made late, with their positions in
 * the cgroup, for the process that joins them by itself. */
typedef struct veil_cgroup_late {
    int fds[VEIL_CG__COUNT];
    uint8_t idx[VEIL_CG__COUNT];
    size_t n;
} veil_cgroup_late;
/* Makes the deferred hierarchies, applies the plan's writes to them and
 * opens their files into *late.  On failure *late is empty; what was made
 * goes with veil_cgroup_destroy. */
int veil_cgroup_create_deferred(veil_cgroup *cg, const veil_cgroup_plan *plan,
                                veil_cgroup_late *late, veil_error **err);
void veil_cgroup_late_close(veil_cgroup_late *late);
/* In the new process: joins hierarchies idx[0..n) of cg through fds (as
 * veil_cgroup_create_deferred opened them in the runtime's copy of cg) and
 * closes the fds.  Indexes of hierarchies that are not v1 are refused. */
int veil_cgroup_late_join(const veil_cgroup *cg, const uint8_t *idx, const int *fds, size_t n,
                          veil_error **err);

/* What the container state keeps of a cgroup (layout, path, and which
 * directories veil created), as a single printable string... */
char *veil_cgroup_serialize(const veil_cgroup *cg);
/* ...and re-opening it in a later command (start, kill, pause, delete). */
int veil_cgroup_open(const veil_context *ctx, const char *saved, veil_cgroup **out,
                     veil_error **err);

/* The resolved absolute cgroup path ("/veil/abc"), the same in every
 * hierarchy; saved in the container state. */
const char *veil_cgroup_path(const veil_cgroup *cg);
veil_cgroup_layout veil_cgroup_get_layout(const veil_cgroup *cg);
/* The container's directory in the hierarchy of controller c
 * (VEIL_CG_UNIFIED: the cgroup2 tree; on pure v2 every controller maps
 * to it), or NULL when the host has no such hierarchy. */
const char *veil_cgroup_dir(const veil_cgroup *cg, veil_cgroup_ctrl c);

/* The container's directory in the hierarchy mounted at `mount` (matched
 * by device, so "cpu" and "cpu,cpuacct" both work), or NULL.  Relative
 * cgroup paths differ per hierarchy on v1. */
const char *veil_cgroup_dir_at(const veil_cgroup *cg, const char *mount);

/* An O_PATH|O_DIRECTORY fd of the v2 cgroup directory for clone3's
 * CLONE_INTO_CGROUP, or -1 when the host is not pure v2. */
int veil_cgroup_v2_fd(const veil_cgroup *cg);

/* Moves pid into the cgroup in every hierarchy (v1 controllers, name=systemd
 * and, on hybrid hosts, the unified tree). */
int veil_cgroup_add_pid(const veil_cgroup *cg, pid_t pid, veil_error **err);

/* ---- a new process entering the cgroup by itself (entry.c) ------------- */

/* What the runtime opens before cloning a container process so that the
 * process can join the cgroup itself, without the kernel's global lock
 * that moving another process takes (see entry.c). */
typedef struct veil_cgroup_entry {
    int clone_fd;      /* the cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
    int unified_procs; /* its cgroup.procs, if the clone could not use clone_fd */
    const char *unified_name;
    int fds[VEIL_CG__COUNT]; /* v1 "tasks" files */
    const char *names[VEIL_CG__COUNT];
    size_t n;
} veil_cgroup_entry;

void veil_cgroup_entry_init(veil_cgroup_entry *e);
/* Opens the files of every hierarchy of cg (cg may be NULL: nothing). */
int veil_cgroup_entry_open(const veil_cgroup *cg, veil_cgroup_entry *e, veil_error **err);
/* In the new process: joins every hierarchy (cloned_into: the clone put it
 * in the cgroup2 tree already) and closes the files. */
int veil_cgroup_entry_join(veil_cgroup_entry *e, bool cloned_into, veil_error **err);
void veil_cgroup_entry_close(veil_cgroup_entry *e);

/* ---- joining a running container (exec) --------------------------------- */

/* Where an exec'd process goes: the container's cgroup in every hierarchy,
 * or sub-cgroups of it given as runc's `exec --cgroup` values: "PATH" (the
 * same sub-cgroup in every hierarchy, only value) or "CTRL[,CTRL]:PATH"
 * (the hierarchies of those v1 controllers; "systemd" and "unified" name
 * those trees).  A sub-cgroup must exist; it is opened beneath the
 * container's directory ("..", symlinks and other mounts refused), so it
 * cannot lie outside the container's cgroup.  Borrows cg. */
typedef struct veil_cgroup_target veil_cgroup_target;
int veil_cgroup_target_open(const veil_cgroup *cg, const char *const *subs, size_t n,
                            veil_cgroup_target **out, veil_error **err);
/* On pure v2: the directory fd for clone3's CLONE_INTO_CGROUP (owned by
 * the target or cg); -1 elsewhere. */
int veil_cgroup_target_v2_fd(const veil_cgroup_target *t);
/* Whether a sub-cgroup was asked for (then no fallback is taken). */
bool veil_cgroup_target_has_sub(const veil_cgroup_target *t);
/* Writes pid to cgroup.procs of the target in every hierarchy (v1
 * controllers, name=systemd and, on hybrid hosts, the unified tree). */
int veil_cgroup_target_add_pid(const veil_cgroup_target *t, pid_t pid, veil_error **err);
void veil_cgroup_target_free(veil_cgroup_target *t);
/* The entry files of the target (an exec'd process joins by itself). */
int veil_cgroup_target_entry_open(const veil_cgroup_target *t, veil_cgroup_entry *e,
                                  veil_error **err);

/* Pure v2: an O_PATH fd of the cgroup process pid is in now (from
 * /proc/<pid>/cgroup), for joining the container's init where it moved. */
int veil_cgroup_v2_fd_of(pid_t pid, veil_error **err);

/* The pids in the cgroup and the cgroups below it (cgroup.procs of the
 * main hierarchy: devices on v1/hybrid, the unified tree on v2). */
int veil_cgroup_pids(const veil_cgroup *cg, pid_t **pids, size_t *n, veil_error **err);

/* Freezes (true) or thaws the cgroup, waiting until the kernel says so. */
int veil_cgroup_freeze(const veil_cgroup *cg, bool frozen, veil_error **err);
/* Whether the cgroup is frozen now. */
int veil_cgroup_is_frozen(const veil_cgroup *cg, bool *frozen, veil_error **err);

/* Sends sig to every process in the cgroup (freeze, kill, thaw; SIGKILL
 * through cgroup.kill where the unified tree has it). */
int veil_cgroup_kill_all(const veil_cgroup *cg, int sig, veil_error **err);

/* Applies new resources (veil update); writes only what is given.  The
 * device rules are left as they are (runc does not update them either).
 * Serialize again afterwards: controllers switched on for new writes are
 * recorded in the saved form. */
int veil_cgroup_update(const veil_context *ctx, veil_cgroup *cg, const veil_cgroup_plan *plan,
                       veil_error **err);

/* Removes every directory veil created for the container (only those),
 * with any cgroup the container made below its own.  Retries briefly while
 * exiting tasks keep a directory busy; kills nothing.  Controllers veil
 * switched on in pre-existing cgroups (marked there as veil's) are switched
 * off again by the last veil container below them, once such a cgroup has
 * no other child. */
int veil_cgroup_destroy(veil_cgroup *cg, veil_error **err);

/* ---- OOM notifications (veil events) ------------------------------------- */

typedef struct veil_cgroup_oom veil_cgroup_oom;
/* Watches the container cgroup for OOM events (v1: eventfd on
 * memory.oom_control; v2: inotify on memory.events and cgroup.events). */
int veil_cgroup_oom_open(const veil_cgroup *cg, veil_cgroup_oom **out, veil_error **err);
/* Readable (poll) when something may have happened. */
int veil_cgroup_oom_fd(const veil_cgroup_oom *w);
/* Consumes a notification if there is one and looks at the kernel's
 * counters: 1 when an OOM kill happened since the last call, 0 when not
 * (*gone: the cgroup was removed), -1 on error.  The v1 notification comes
 * when the cgroup runs out of memory, the kill is counted a moment later:
 * call it again shortly after a notification that gave 0. */
int veil_cgroup_oom_read(veil_cgroup_oom *w, bool *gone, veil_error **err);
void veil_cgroup_oom_free(veil_cgroup_oom *w);

/* ---- statistics (veil events --stats) ------------------------------------- */

typedef struct veil_cgroup_memory_entry {
    uint64_t usage, max_usage, limit, failcnt; /* limit: UINT64_MAX = none */
} veil_cgroup_memory_entry;

typedef struct veil_cgroup_blkio_entry {
    uint64_t major, minor;
    char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
    uint64_t value;
} veil_cgroup_blkio_entry;

typedef struct veil_cgroup_hugetlb_stats {
    char page_size[24]; /* "2MB" */
    uint64_t usage, max_usage, failcnt;
} veil_cgroup_hugetlb_stats;

typedef struct veil_cgroup_stats {
    struct {
        uint64_t total, kernel, user; /* nanoseconds */
        uint64_t *percpu;             /* nanoseconds per CPU (v1 only) */
        size_t n_percpu;
        uint64_t periods, throttled_periods, throttled_time; /* time in ns */
    } cpu;
    struct {
        uint64_t cache;
        veil_cgroup_memory_entry usage, swap, kernel, kernel_tcp;
        veil_kv_list raw; /* memory.stat as text pairs */
    } memory;
    struct {
        uint64_t current, limit; /* limit: 0 = none */
    } pids;
    struct {
        veil_cgroup_blkio_entry *service_bytes, *serviced;
        size_t n_service_bytes, n_serviced;
    } blkio;
    veil_cgroup_hugetlb_stats *hugetlb;
    size_t n_hugetlb;
    struct { /* v1 only (runc reports none on v2) */
        uint16_t *cpus, *mems;
        size_t n_cpus, n_mems;
        uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
            memory_spread_page, memory_spread_slab, memory_pressure, sched_load_balance;
        int64_t sched_relax_domain_level;
    } cpuset;
} veil_cgroup_stats;

/* Reads what the host's controllers report; missing controllers leave
 * their part zero. */
int veil_cgroup_stats_get(const veil_cgroup *cg, veil_cgroup_stats *st, veil_error **err);
void veil_cgroup_stats_clear(veil_cgroup_stats *st);

void veil_cgroup_free(veil_cgroup *cg);
