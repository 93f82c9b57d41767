/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * The state directory: <root>/<id>/ holds state.json (written atomically),
 * exec.sock (present while the container is "created") and a copy of the
 * config.  The directory itself is the lock (flock), so concurrent commands
 * on one id are serialized.  Only this code knows the layout.
 */
#include <stdbool.h>
#include <sys/types.h>

#include <veil/container.h>
#include <veil/plan.h>

#define VEIL_STATE_FILE "state.json"
#define VEIL_EXEC_SOCK "exec.sock"
#define VEIL_CONFIG_COPY "config.json"

typedef struct veil_state_record {
    char *oci_version;
    char *id;
    char *bundle;
    char *rootfs;
    char *created;
    char *owner;
    pid_t pid;
    unsigned long long pid_start_time; /* /proc/<pid>/stat field 22 */
    veil_kv_list annotations;
    char *cgroup;        /* veil_cgroup_serialize(), NULL when none */
    char *resources;     /* linux.resources in effect (config + updates), JSON; NULL: none */
    bool pidns_private;  /* init has a pid namespace of its own */
    bool started;        /* `start` ran (or run) */
    bool no_process;     /* config.json has no process: start must fail */
    bool no_new_keyring; /* create --no-new-keyring: exec joins no session keyring either */
    veil_plan_hook_list poststart, poststop;
} veil_state_record;

/* Creates <root>/<id> (the root too, 0700) and locks it; fails with
 * "container with id X already exists" when present. */
int veil_state_dir_create(const char *root, const char *id, int *dirfd, veil_error **err);
/* Opens <root>/<id> (locked when lock is true: every command that changes
 * the container; readers rely on state.json being replaced atomically);
 * "container X does not exist" when absent. */
int veil_state_dir_open(const char *root, const char *id, bool lock, int *dirfd,
                        veil_error **err);
/* Removes everything in the directory and the directory. */
int veil_state_dir_remove(const char *root, const char *id, int dirfd, veil_error **err);

int veil_state_write(int dirfd, const veil_state_record *rec, veil_error **err);
/* The config.json create parsed, kept for exec (the bundle may change or go
 * away while the container runs).  Saved once, in the fresh directory. */
int veil_state_save_config(int dirfd, const char *buf, size_t len, veil_error **err);
/* The saved bytes (malloc'd, NUL-terminated, *len without the NUL). */
char *veil_state_load_config(int dirfd, size_t *len, veil_error **err);
int veil_state_read(int dirfd, veil_state_record **out, veil_error **err);
void veil_state_record_free(veil_state_record *rec);

/* Builds the public state (with the live status) from a record. */
int veil_state_status(int dirfd, const veil_state_record *rec, veil_status *status);
veil_container_state *veil_state_public(const veil_state_record *rec, veil_status status);

/* The OCI state document for hooks and listeners (status given). */
char *veil_state_hook_json(const veil_state_record *rec, veil_status status);

/* sync.c: the create/start handshake (see there). */
int veil_start_listen(int dirfd, veil_error **err);
int veil_start_accept(int listen_fd, veil_error **err);
void veil_start_report(int conn, const char *msg);
bool veil_start_pending(int dirfd);
int veil_start_trigger(int dirfd, const char *id, veil_error **err);

/* Process identity: start time and state letter of pid, from /proc. */
int veil_proc_stat(pid_t pid, unsigned long long *start_time, char *state);
/* True when pid is alive and still the process recorded (start time matches). */
bool veil_proc_is_alive(pid_t pid, unsigned long long start_time);
