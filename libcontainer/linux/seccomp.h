/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * seccomp at apply time.  The parent compiles the plan's rules to BPF (or
 * takes them from the cache under <state root>/.cache/seccomp) before the
 * container process exists; the container process installs the program as
 * its very last step before execve, so veil's own setup never runs under it.
 *
 * Order in the container process: when noNewPrivileges is false, loading a
 * filter needs CAP_SYS_ADMIN, so install must then run before capabilities
 * are dropped (runc does the same); otherwise right before execve.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <veil/context.h>
#include <veil/error.h>
#include <veil/plan.h>

struct sock_filter;
typedef struct veil_seccomp_prog veil_seccomp_prog;

/* Compiles (or loads from the cache) the filter for plan.  Runs in the
 * runtime before clone.  plan == NULL (no seccomp) gives *out == NULL.  Checks that the kernel has the flags the plan asks
 * for (an unsupported flag is an error naming it, except the implicit
 * SPEC_ALLOW of a profile without "flags").  With ctx->state_root set, the
 * compiled program is cached under <state_root>/.cache/seccomp/<sha256>; a
 * cache that cannot be read or written only costs a compilation.  Logs
 * "seccomp: cache hit <hash>" or "seccomp: compiled N syscalls, cached
 * <hash>" with veil_debug. */
int veil_seccomp_prepare(const veil_context *ctx, const veil_seccomp_plan *plan,
                         veil_seccomp_prog **out, veil_error **err);

/* In the container process, right before execve (after no_new_privs, after
 * closing stray fds: everything after this call runs under the filter, so
 * only execve should follow).  Installs the filter with seccomp(2); prog ==
 * NULL does nothing.  When the profile uses SCMP_ACT_NOTIFY, listener_fd is a
 * socket already connected to plan->listener_path (veil_seccomp_connect_
 * listener; the runtime closes its own copy after clone, or the listener
 * never sees the end of the message) and state_json the containerProcessState
 * document (veil_seccomp_state_json); the notify fd and the document are sent
 * in one sendmsg, then both fds are closed.  Takes ownership of listener_fd:
 * it is closed on return, except when sending failed after the filter was
 * loaded (then both fds are left to exit/execve, which close them without a
 * syscall the profile could turn into a notification nobody answers).  Makes
 * no allocation after the filter is loaded (the profile may deny brk/mmap):
 * an error after that point uses memory reserved before it. */
int veil_seccomp_install(const veil_seccomp_prog *prog, int listener_fd, const char *state_json,
                         veil_error **err);

/* Connects to plan->listener_path (a unix stream socket); the fd is CLOEXEC.
 * Paths longer than sun_path are reached through their directory's fd. */
int veil_seccomp_connect_listener(const veil_seccomp_plan *plan, veil_error **err);

/* What the containerProcessState carries besides the plan's metadata. */
typedef struct veil_seccomp_state {
    const char *id;
    const char *status; /* "creating" for the init process, "running" for exec */
    pid_t pid;          /* the container process, as the runtime sees it */
    const char *bundle;
    const veil_kv_list *annotations; /* may be NULL */
} veil_seccomp_state;

/* The containerProcessState JSON sent to the listener (malloc'd):
 * {"ociVersion","fds":["seccompFd"],"pid","metadata","state":{...}}. */
char *veil_seccomp_state_json(const veil_seccomp_plan *plan, const veil_seccomp_state *st,
                              veil_error **err);

void veil_seccomp_prog_free(veil_seccomp_prog *prog);

/* Read-only views of a prepared program (tests, `veil plan`-like output). */
const struct sock_filter *veil_seccomp_prog_insns(const veil_seccomp_prog *prog, size_t *n);
bool veil_seccomp_prog_from_cache(const veil_seccomp_prog *prog);
bool veil_seccomp_prog_uses_notify(const veil_seccomp_prog *prog);
unsigned veil_seccomp_prog_flags(const veil_seccomp_prog *prog); /* seccomp(2) flags */
const char *veil_seccomp_prog_hash(const veil_seccomp_prog *prog); /* cache key, hex */

/* For `veil features`: NULL-terminated lists of what this build accepts in
 * config.json.  Architectures are those the linked libseccomp knows. */
const char *const *veil_seccomp_known_actions(void);
const char *const *veil_seccomp_known_operators(void);
const char *const *veil_seccomp_known_archs(void);
const char *const *veil_seccomp_known_flags(void);
/* Whether the running kernel accepts a flag (by name; probes seccomp(2),
 * changes nothing).  SCMP_ACT_NOTIFY support is veil_seccomp_notify_supported. */
bool veil_seccomp_flag_supported(const char *flag);
bool veil_seccomp_notify_supported(void);
