/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Shared pieces of the lifecycle commands. */
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include <veil/container.h>
#include <veil/plan.h>

#include "cgroup/cgroup.h"
#include "state/state.h"

/* A container created by this process: what run needs after create. */
typedef struct veil_created {
    int dirfd;       /* locked state directory */
    veil_state_record *rec;
    veil_cgroup *cgroup;
    pid_t pid;
    int pidfd;
    int pty_master;  /* run without console socket: the terminal to proxy */
    int sync_fd;     /* direct start: the channel to init, else -1 */
} veil_created;

/* create, keeping the handles (run uses them; create closes them).  With
 * direct_start (run) no start socket is made: veil_container_start_created
 * starts init over the channel kept in out->sync_fd. */
int veil_container_do_create(const veil_context *ctx, const veil_create_options *opts,
                             bool keep_pty, bool direct_start, veil_created *out,
                             veil_error **err);
/* Starts what do_create made: over the kept channel, or like `start`. */
int veil_container_start_created(const veil_context *ctx, veil_created *c, veil_error **err);
void veil_created_close(veil_created *c);

/* start on an open, locked state directory. */
int veil_container_do_start(const veil_context *ctx, int dirfd, veil_state_record *rec,
                            veil_error **err);
/* delete on an open, locked state directory (status already checked). */
int veil_container_do_destroy(const veil_context *ctx, int dirfd, veil_state_record *rec,
                              veil_status status, veil_error **err);

/* exec_process.c: the config's process p changed by exec's flags (args,
 * cwd, env, user, groups, caps, no_new_privs, LSM labels, terminal). */
int veil_exec_process_from_flags(veil_spec_process *p, const veil_exec_options *o,
                                 veil_error **err);

/* supervise.c: the signals a foreground runtime forwards (all but those
 * that stop or crash it)... */
void veil_forward_sigset(sigset_t *set);
/* ...and the loop: signals from the signalfd go to the process, the
 * terminal is relayed when pty_master >= 0; returns the exit status
 * (code, or 128 + signal) once it has exited and been reaped. */
int veil_supervise(pid_t pid, int pidfd, int pty_master, int sfd);

/* A pidfd for the recorded init, or -1 when that process is gone (the start
 * time is checked while the pidfd pins the process). */
int veil_open_init(const veil_state_record *rec);

/* Opens <state_root>/<id> (locked when lock) and reads its record; errors
 * name the container ("container X does not exist"). */
int veil_container_open_record(const veil_context *ctx, const char *id, bool lock, int *dirfd,
                               veil_state_record **rec, veil_error **err);

/* The container's cgroup, or an error saying it has none. */
int veil_container_cgroup(const veil_context *ctx, const veil_state_record *rec,
                          veil_cgroup **out, veil_error **err);

/* update.c: fills in, from the resources in effect, the values a kernel
 * file takes together with the ones an update gives (quota with period,
 * memory limit with memory+swap). */
void veil_update_complete(veil_spec_resources *u, const veil_spec_resources *now);

/* stats_json.c: runc's event objects. */
char *veil_stats_event_json(const char *id, const veil_cgroup_stats *st, veil_error **err);
char *veil_oom_event_json(const char *id, veil_error **err);

/* Live status, with "paused" from the cgroup. */
veil_status veil_container_status(const veil_context *ctx, int dirfd,
                                  const veil_state_record *rec);

/* Capabilities veil itself lacks cannot be granted: the spec says not to
 * fail for them, so they are dropped from every set of plan->process with a
 * warning (create, and exec of the same config). */
void veil_clamp_caps(const veil_context *ctx, veil_plan *plan);

/* Connects to a --console-socket (long paths through the parent directory). */
int veil_connect_console(const char *path, veil_error **err);
/* Writes a pid file the way runc does: decimal, no newline, temp + rename. */
int veil_write_pid_file(const char *path, pid_t pid, veil_error **err);

/* RFC 3339 with nanoseconds, UTC. */
void veil_format_created(char *buf, size_t len);
/* The same format (RFC 3339, UTC, nanoseconds) for a given time. */
struct timespec;
void veil_format_time(const struct timespec *ts, char *buf, size_t len);
