/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Pieces of the plan builder that live in their own files. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/plan.h>
#include <veil/spec.h>

#include "util/cleanup.h"

/* plan/cgroup_resources.c: linux.resources -> ordered cgroup file writes and the
 * effective device rules, for the host layout in opts. */
int veil_plan_cgroup_resources(const veil_spec_resources *res, const veil_plan_options *opts,
                               veil_cgroup_plan *out, veil_error **err);

/* plan/seccomp.c: linux.seccomp -> rules with libseccomp's numbers. */
int veil_plan_seccomp(const veil_spec_seccomp *sc, veil_seccomp_plan **out, veil_error **err);

/* plan/free.c */
void veil_cgroup_plan_clear(veil_cgroup_plan *cg);
void veil_seccomp_plan_free(veil_seccomp_plan *sc);
void veil_plan_process_free(veil_plan_process *p);
void veil_mount_step_clear(veil_mount_step *m);
void veil_strv_free(char **v);

/* ---- the builder's steps, in the order plan.c calls them ---------------- */

/* plan/namespaces.c: linux.namespaces, id maps, time offsets, UTS names,
 * and the sysctl keys checked against the namespaces the container owns. */
int veil_plan_namespaces(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                         veil_error **err);
int veil_plan_sysctl(const veil_spec *spec, veil_plan *plan, veil_error **err);
/* The plan's entry for a namespace type, or NULL when the container shares
 * the runtime's. */
const veil_plan_namespace *veil_plan_find_ns(const veil_plan *plan, veil_ns_type type);

/* plan/mounts.c: mounts[] -> mount steps (needs the namespaces for idmap). */
int veil_plan_mounts(const veil_spec *spec, const veil_plan_options *opts, veil_plan *plan,
                     veil_error **err);
/* The recognised mount option names, i (from 0) at a time; NULL past the
 * end.  For `veil features`. */
const char *veil_mount_option_name(size_t i);

/* plan/devices.c: setup_dev, the default devices and linux.devices. */
int veil_plan_devices(const veil_spec *spec, veil_plan *plan, veil_error **err);

/* plan/process.c: the process (args, user, caps, rlimits, scheduler...). */
int veil_plan_build_process(const veil_spec_process *sp, veil_plan *plan, veil_plan_process **out,
                      veil_error **err);
/* plan/caps.c */
int veil_plan_build_caps(const veil_spec_capabilities *sc, veil_plan *plan, veil_plan_caps *out,
                   veil_error **err);

/* plan/hooks.c */
int veil_plan_hooks(const veil_spec_hooks *hooks, veil_plan *plan, veil_error **err);

/* ---- small helpers (plan/plan.c) ---------------------------------------- */

/* A configuration the plan refuses: the message as given (no errno text
 * appended), errnum EINVAL; returns -1. */
int veil_plan_invalid(veil_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a formatted warning to plan->warnings; -1 when out of memory. */
int veil_plan_warn(veil_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A copy of a NULL-terminated string array (NULL stays NULL); *ok is false
 * when out of memory. */
char **veil_plan_strv_dup(char *const *v, bool *ok);
/* "0-3,7": comma-separated numbers and ranges, each below `limit`. */
bool veil_plan_valid_list(const char *s, unsigned limit);

/* ---- names (plan/names.c) ------------------------------------------------ */

/* Name <-> number tables (plan/names.c), each ended by a NULL name. */
typedef struct veil_named {
    const char *name;
    uint64_t value;
} veil_named;

extern const veil_named veil_rlimit_names[];    /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
extern const veil_named veil_propagations[];    /* "rslave" -> MS_SLAVE|MS_REC */
extern const veil_named veil_sched_policies[];  /* "SCHED_FIFO" -> SCHED_FIFO */
extern const veil_named veil_sched_flags[];     /* "SCHED_FLAG_RECLAIM" -> bit */
extern const veil_named veil_ioprio_classes[];  /* "IOPRIO_CLASS_BE" -> 2 */
extern const veil_named veil_mpol_modes[];      /* "MPOL_BIND" -> MPOL_BIND */
extern const veil_named veil_mpol_flags[];      /* "MPOL_F_STATIC_NODES" -> bit */
extern const veil_named veil_mount_flag_names[]; /* MS_NOSUID -> "nosuid" (flags) */
extern const veil_named veil_mount_clear_names[]; /* MS_NOSUID -> "suid" (cleared flags) */
extern const veil_named veil_mount_attr_names[]; /* MOUNT_ATTR_NOSUID -> "nosuid" */

/* 0 and *out set when found; -1 otherwise. */
int veil_named_value(const veil_named *table, const char *name, uint64_t *out);
/* The name of an exact value, or NULL. */
const char *veil_named_name(const veil_named *table, uint64_t value);
