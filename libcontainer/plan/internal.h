/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Pieces of the plan builder that live in their own files. */
#include <veil/plan.h>
#include <veil/spec.h>

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
