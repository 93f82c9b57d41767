/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * The container lifecycle: create, start, state, kill, delete, list, run.
 * Each call is one CLI command; state between calls lives in the state
 * directory (<ctx->state_root>/<id>/).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <veil/context.h>
#include <veil/error.h>
#include <veil/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum veil_status {
    VEIL_STATUS_CREATING,
    VEIL_STATUS_CREATED,
    VEIL_STATUS_RUNNING,
    VEIL_STATUS_PAUSED,
    VEIL_STATUS_STOPPED,
} veil_status;

const char *veil_status_name(veil_status s);

typedef struct veil_create_options {
    const char *id;
    const char *bundle;         /* default "." */
    const char *pid_file;       /* NULL: none */
    const char *console_socket; /* NULL: none */
    bool no_pivot;
    bool no_new_keyring;
    unsigned preserve_fds;
} veil_create_options;

/* What `veil state` prints: the OCI state plus runc's extras. */
typedef struct veil_container_state {
    char *oci_version;
    char *id;
    pid_t pid; /* 0 once stopped */
    veil_status status;
    char *bundle;
    char *rootfs;
    char *created; /* RFC 3339, nanoseconds */
    char *owner;
    veil_kv_list annotations;
} veil_container_state;

/* Checks an id the way runc and crun do: [A-Za-z0-9_+-][A-Za-z0-9_+.-]*,
 * at most 1024 bytes, not "." or "..". */
int veil_validate_id(const char *id, veil_error **err);

/* Creates the container; returns when init waits for `start`.  *pid is the
 * host pid of init. */
int veil_container_create(const veil_context *ctx, const veil_create_options *opts, pid_t *pid,
                          veil_error **err);
int veil_container_start(const veil_context *ctx, const char *id, veil_error **err);
int veil_container_get_state(const veil_context *ctx, const char *id, veil_container_state **out,
                         veil_error **err);
/* Sends sig to init, or with all to every process of the container. */
int veil_container_kill(const veil_context *ctx, const char *id, int sig, bool all,
                        veil_error **err);
/* runc semantics: stopped -> remove; created -> kill and remove; running or
 * paused -> error unless force. */
int veil_container_delete(const veil_context *ctx, const char *id, bool force, veil_error **err);
int veil_container_list(const veil_context *ctx, veil_container_state ***out, size_t *n,
                        veil_error **err);

typedef struct veil_run_options {
    veil_create_options create;
    bool detach; /* like create + start */
    bool keep;   /* do not delete after exit (foreground) */
} veil_run_options;

/* Foreground: creates, starts, forwards signals (and the terminal, when the
 * process has one and no console socket is given), waits, deletes; *status
 * is the exit status for the CLI (code, or 128 + signal). */
int veil_container_run(const veil_context *ctx, const veil_run_options *opts, int *status,
                       veil_error **err);

typedef struct veil_exec_options {
    const char *id;
    /* The process: a runtime-spec `process` document (exec --process)... */
    const char *process_file;
    /* ...or the container's own process from its config, with these changes
     * (runc's flags; all ignored with a process file, as runc does). */
    char *const *args; /* the command; required without a process file */
    size_t n_args;
    const char *cwd;
    const char *const *env; /* KEY=VALUE, replacing a variable of that name */
    size_t n_env;
    const char *user; /* "UID[:GID]" */
    const char *const *additional_gids;
    size_t n_additional_gids;
    const char *const *caps; /* added to bounding, effective, permitted (never inheritable) */
    size_t n_caps;
    bool set_no_new_privs, no_new_privs;
    const char *apparmor;
    const char *process_label;
    bool tty;
    /* How it runs. */
    bool detach;                /* return once it runs (after its execve) */
    const char *console_socket; /* receives the pty master */
    const char *pid_file;
    unsigned preserve_fds;      /* fds 3..3+N-1 passed on */
    const char *const *cgroups; /* sub-cgroups: "PATH" or "CTRL[,CTRL]:PATH" */
    size_t n_cgroups;
    bool ignore_paused; /* exec into a paused container (it runs once resumed) */
} veil_exec_options;

/* Runs a new process in a running (or created) container: in all of its
 * namespaces and cgroups, under its seccomp profile, capabilities, LSM
 * labels and rlimits.  Detached it returns once the process runs; in the
 * foreground it forwards signals (and the terminal), waits, and puts the
 * process's exit status (code, or 128 + signal) in *status. */
int veil_container_exec(const veil_context *ctx, const veil_exec_options *opts, int *status,
                        veil_error **err);

/* For the commands that start container processes (create, run, exec):
 * makes this program run from a read-only view of its binary (a detached
 * read-only bind mount, or a sealed memfd copy), so no process of a
 * container can ever open veil's binary for writing through /proc
 * (CVE-2019-5736).  Returns 0 when that is already so; otherwise it
 * re-executes argv from that view and returns only on failure. */
int veil_exe_guard(char **argv, veil_error **err);

/* Parses exec's --user "UID[:GID]": decimal ids only, each below
 * 4294967295 (-1 means "unchanged" to the kernel). */
int veil_parse_user(const char *s, uint32_t *uid, bool *has_gid, uint32_t *gid,
                    veil_error **err);

void veil_container_state_free(veil_container_state *s);
/* The OCI state document (pretty = runc's indented form). */
char *veil_container_state_to_json(const veil_container_state *s, bool pretty, veil_error **err);

/* Parses a signal name ("KILL", "SIGKILL") or number. */
int veil_parse_signal(const char *s, int *sig, veil_error **err);

/* ---- through the container's cgroup: pause, resume, update, ps, events ---- */

/* Freezes every process of a created or running container ("container not
 * running" otherwise); its status is "paused" until resumed. */
int veil_container_pause(const veil_context *ctx, const char *id, veil_error **err);
/* Thaws a paused container ("container not paused" otherwise). */
int veil_container_resume(const veil_context *ctx, const char *id, veil_error **err);

typedef struct veil_update_options {
    /* A linux.resources JSON document (`update --resources`).  When set,
     * the flags below are ignored, as runc ignores them. */
    const char *resources_json;
    size_t resources_len;
    /* runc's update flags as typed (NULL: not given), with runc's syntax:
     * memory sizes take units ("256m") or -1. */
    const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_burst, *cpu_share, *cpu_rt_period,
        *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *cpu_idle, *memory, *memory_reservation,
        *memory_swap, *kernel_memory, *kernel_memory_tcp, *pids_limit;
    /* Intel RDT schemas (refused: veil does not manage resctrl). */
    const char *l3_cache_schema, *mem_bw_schema;
} veil_update_options;

/* Applies new limits to a container that has not stopped: writes only the
 * values given (plus the ones a kernel file takes with them, e.g. the
 * period with a quota, from the values in effect), then records the result
 * in the container state ("resources"), config.json's linux.resources
 * merged with every update. */
int veil_container_update(const veil_context *ctx, const char *id, const veil_update_options *o,
                          veil_error **err);

/* Host pids of every process in the container's cgroup, ascending. */
int veil_container_pids(const veil_context *ctx, const char *id, pid_t **pids, size_t *n,
                        veil_error **err);
/* Keeps the header line of ps(1) output and the lines whose PID column is
 * one of pids. */
int veil_ps_filter(const char *ps_output, const pid_t *pids, size_t n, char **out,
                   veil_error **err);
/* Runs `ps ARGS` (ps_args NULL-terminated; none: -ef) and filters it. */
int veil_ps_table(const char *const *ps_args, const pid_t *pids, size_t n, char **out,
                  veil_error **err);

/* `veil events`: runc's event stream, one JSON object per event:
 * {"type":"stats","id":ID,"data":{cpu, cpuset, memory, pids, blkio,
 * hugetlb, intel_rdt, network_interfaces}} and {"type":"oom","id":ID}. */
typedef struct veil_events veil_events;
/* Fails with "container with id X is not running" for a stopped container. */
int veil_events_open(const veil_context *ctx, const char *id, veil_events **out,
                     veil_error **err);
/* The statistics now, as a stats event. */
char *veil_events_stats(veil_events *ev, veil_error **err);
/* Waits for the next event: an OOM kill in the container, or statistics
 * every interval_ns.  Returns 1 with *json set, 0 once the container has
 * stopped (no process left), -1 on error. */
int veil_events_next(veil_events *ev, uint64_t interval_ns, char **json, veil_error **err);
void veil_events_free(veil_events *ev);

#ifdef __cplusplus
}
#endif
