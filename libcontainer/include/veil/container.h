/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * The container lifecycle: create, start, state, kill, delete, list, run.
 * Each call is one CLI command; state between calls lives in the state
 * directory (<ctx->state_root>/<id>/).
 */
#include <stdbool.h>
#include <stddef.h>
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

void veil_container_state_free(veil_container_state *s);
/* The OCI state document (pretty = runc's indented form). */
char *veil_container_state_to_json(const veil_container_state *s, bool pretty, veil_error **err);

/* Parses a signal name ("KILL", "SIGKILL") or number. */
int veil_parse_signal(const char *s, int *sig, veil_error **err);

#ifdef __cplusplus
}
#endif
