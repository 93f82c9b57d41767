/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * seccomp at apply time.  The parent compiles the plan's rules to BPF (or
 * takes them from the cache under <state root>/.cache/seccomp) before the
 * container process exists; the container process installs the program as
 * its very last step before execve, so veil's own setup never runs under it.
 */
#include <stdbool.h>
#include <stddef.h>

#include <veil/context.h>
#include <veil/error.h>
#include <veil/plan.h>

typedef struct veil_seccomp_prog veil_seccomp_prog;

/* Compiles (or loads from the cache) the filter for plan.  Runs in the
 * runtime before clone. */
int veil_seccomp_prepare(const veil_context *ctx, const veil_seccomp_plan *plan,
                         veil_seccomp_prog **out, veil_error **err);

/* In the container process, right before execve (after no_new_privs).
 * Installs the filter.  When the profile uses SCMP_ACT_NOTIFY, listener_fd
 * is a socket already connected to plan->listener_path (opened by the
 * runtime before pivot_root) and state_json the container state; the
 * notify fd and the containerProcessState document are sent over it and the
 * socket is closed.  Uses no allocation after the filter is loaded. */
int veil_seccomp_install(const veil_seccomp_prog *prog, int listener_fd, const char *state_json,
                         veil_error **err);

/* Connects to plan->listener_path (a unix stream socket); the fd is CLOEXEC. */
int veil_seccomp_connect_listener(const veil_seccomp_plan *plan, veil_error **err);

void veil_seccomp_prog_free(veil_seccomp_prog *prog);
