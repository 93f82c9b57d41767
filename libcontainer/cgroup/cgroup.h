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
 * controller masks are bits of veil_cgroup_ctrl. */
veil_cgroup_layout veil_cgroup_detect(uint32_t *v1_controllers, uint32_t *v2_controllers);

/* Creates the container's cgroup in every hierarchy, applies plan->writes
 * and the device rules.  On failure nothing it created is left behind. */
int veil_cgroup_create(const veil_context *ctx, const veil_cgroup_plan *plan,
                       veil_cgroup_layout layout, veil_cgroup **out, veil_error **err);

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

/* An O_PATH|O_DIRECTORY fd of the v2 cgroup directory for clone3's
 * CLONE_INTO_CGROUP, or -1 when the host is not pure v2. */
int veil_cgroup_v2_fd(const veil_cgroup *cg);

/* Moves pid into the cgroup in every hierarchy (v1 controllers, name=systemd
 * and, on hybrid hosts, the unified tree). */
int veil_cgroup_add_pid(const veil_cgroup *cg, pid_t pid, veil_error **err);

/* The pids in the cgroup (cgroup.procs of the main hierarchy). */
int veil_cgroup_pids(const veil_cgroup *cg, pid_t **pids, size_t *n, veil_error **err);

/* Freezes (true) or thaws the cgroup, waiting until the kernel says so. */
int veil_cgroup_freeze(const veil_cgroup *cg, bool frozen, veil_error **err);
/* Whether the cgroup is frozen now. */
int veil_cgroup_is_frozen(const veil_cgroup *cg, bool *frozen, veil_error **err);

/* Sends sig to every process in the cgroup (freeze, kill, thaw). */
int veil_cgroup_kill_all(const veil_cgroup *cg, int sig, veil_error **err);

/* Applies new resources (veil update); writes only what is given. */
int veil_cgroup_update(const veil_context *ctx, veil_cgroup *cg, const veil_cgroup_plan *plan,
                       veil_error **err);

/* Removes every directory veil created for the container (only those). */
int veil_cgroup_destroy(veil_cgroup *cg, veil_error **err);

void veil_cgroup_free(veil_cgroup *cg);
